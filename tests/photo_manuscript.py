"""The photo test manuscript, made from generated images: a phone photo (4000 × 3000 JPEG,
EXIF orientation 6, camera make, GPS position), a CMYK JPEG, a 16-bit PNG with transparency and a
small 400 × 300 JPEG shown across the text width."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

MAKE = "PhoneMakerCam"
GPS = {1: "N", 2: (50.0, 50.0, 12.5), 3: "E", 4: (4.0, 21.0, 7.25)}  # a made-up place


def phone_photo(path: Path) -> None:
    """A 4000 × 3000 sensor image stored sideways (EXIF orientation 6: turn 90° clockwise).

    Its left edge is red: once upright, red is at the top. Noise makes it weigh what a phone
    photo weighs."""
    width, height = 4000, 3000
    noise = Image.effect_noise((width, height), 40).convert("L")
    sky = Image.linear_gradient("L").resize((width, height))
    img = Image.merge("RGB", (noise, sky, Image.blend(noise, sky.rotate(90), 0.5)))
    ImageDraw.Draw(img).rectangle((0, 0, 399, height), fill=(220, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation
    exif[0x010F] = MAKE  # make
    exif[0x0110] = "Model X"
    exif[0x0132] = "2026:05:01 10:00:00"
    exif[0x8825] = GPS  # GPS IFD
    img.save(path, "JPEG", quality=92, exif=exif.tobytes())


def cmyk_photo(path: Path) -> None:
    """A CMYK JPEG from a print archive: left half pure cyan, right half pure yellow."""
    img = Image.new("CMYK", (1200, 900), (0, 0, 255, 0))
    ImageDraw.Draw(img).rectangle((0, 0, 599, 899), fill=(255, 0, 0, 0))
    exif = Image.Exif()
    exif[0x010F] = MAKE
    img.save(path, "JPEG", quality=90, exif=exif.tobytes())


def png16_with_alpha(path: Path) -> None:
    """A 16-bit RGBA PNG, 600 × 400: a blue disc on a transparent background (written by hand:
    Pillow does not write 16-bit colour)."""
    width, height = 600, 400
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            inside = (x - 300) ** 2 + (y - 200) ** 2 < 180**2
            row += struct.pack(">HHHH", 0x1000, 0x4000 + y * 40, 0xFFFF, 0xFFFF if inside else 0)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)
    text = b"Author\x00Someone at a school"  # a text chunk that must not be passed on
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", text)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + chunk(b"IEND", b"")
    )


def cover_photo(path: Path) -> None:
    """A 2000 × 2800 picture for the cover: bright sky over dark ground (a hard case for a white
    title), with a green border that is cut off at the trim."""
    img = Image.linear_gradient("L").resize((2000, 2800)).point(lambda v: 255 - v // 2)
    cover = Image.merge("RGB", (img, img, Image.new("L", img.size, 240)))
    ImageDraw.Draw(cover).rectangle((0, 0, 1999, 2799), outline=(0, 160, 0), width=30)
    exif = Image.Exif()
    exif[0x010F] = MAKE
    exif[0x8825] = GPS
    cover.save(path, "JPEG", quality=90, exif=exif.tobytes())


def small_photo(path: Path) -> None:
    img = Image.linear_gradient("L").resize((400, 300)).convert("RGB")
    ImageDraw.Draw(img).ellipse((100, 50, 300, 250), fill=(30, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = MAKE
    exif[0x8825] = GPS
    img.save(path, "JPEG", quality=90, exif=exif.tobytes())


BOOK = """\
title: Photo Test
language: en
authors: [Test Author]
publisher: Test Press
date: 2026-01-15
handout_papers: [A4]
cover_image: images/cover.jpg
cover_alt: "A pale blue sky over a darker field, framed in green"
cover_credit: "Cover photo: Test Author, CC BY 4.0"
"""

CHAPTER_1 = """\
---
title: Photographs
handout: true
---

A chapter with a phone photo taken sideways.

![A red band across the top of a noisy picture](images/phone.jpg "A phone photo"){credit="Photo: Test Author, CC BY 4.0"}

Some text after the photo.

![A cyan and a yellow field](images/archive-cmyk.jpg "From the print archive")
"""

CHAPTER_2 = """\
---
title: Diagrams
---

A diagram with transparency.

![A blue disc](images/disc.png "A 16-bit diagram")

A small picture placed across the text.

![A green circle on a grey gradient](images/small.jpg "A small picture")
"""

SMALL_LINE = 11  # the line of images/small.jpg in 02-diagrams.md
CREDIT = "Photo: Test Author, CC BY 4.0"
COVER_CREDIT = "Cover photo: Test Author, CC BY 4.0"


def make(root: Path) -> Path:
    """Write the manuscript into `root` and return it."""
    images = root / "images"
    images.mkdir(parents=True)
    phone_photo(images / "phone.jpg")
    cmyk_photo(images / "archive-cmyk.jpg")
    png16_with_alpha(images / "disc.png")
    small_photo(images / "small.jpg")
    cover_photo(images / "cover.jpg")
    (root / "book.yaml").write_text(BOOK, encoding="utf-8")
    (root / "01-photographs.md").write_text(CHAPTER_1, encoding="utf-8")
    (root / "02-diagrams.md").write_text(CHAPTER_2, encoding="utf-8")
    return root
