"""An image reference (a chapter's or book.yaml's cover_image) in, a checked `Image` out: a plain
relative path inside the manuscript, PNG, JPEG or SVG as named, within the limits of bytes and
pixels (read from the header before anything is decoded), decoding whole, or the phrase that
says what is wrong."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import os
import re
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from booklet.confine import check_inside
from booklet.errors import Collector, suggest
from booklet.load.svg import check_svg
from booklet.model import Image, Meta
from booklet.store import cache_folder, write_whole

MAX_IMAGE_BYTES = 10_000_000
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


def image_path(src: str) -> str | None:
    """The file path a Markdown image `src` (a URL) names, or None if it is not a plain path."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or parts.query or parts.fragment or src.startswith(("/", "\\")):
        return None
    return unquote(parts.path)


def check_image(
    root: Path, chapter: Path, src: str, line: int, collector: Collector
) -> Image | None:
    """An image the chapter shows, checked: inside the manuscript, the right type, within limits."""
    try:
        problem, image = inspect_image(root, chapter, src)
    except OSError as exc:  # e.g. a name too long for the file system
        problem, image = f"cannot be read: {exc.strerror}", None
    if problem:
        collector.error(chapter, line, f"image '{src}' {problem}")
    return image


def inspect_image(root: Path, chapter: Path, src: str) -> tuple[str | None, Image | None]:
    """What is wrong with an image (a phrase to follow its name), or its `Image`."""
    name = image_path(src)
    if not name:
        return "must be a file inside the manuscript folder, given as a relative path", None
    if re.search(r"[\x00-\x1f\x7f]", name):
        return "has a control character in its name; rename the file", None
    # Both the path as written (what the outputs refer to) and the file it leads to must be inside.
    path = Path(os.path.normpath(chapter.parent / name))
    if not path.is_relative_to(root):
        return "is outside the manuscript folder; copy it inside", None
    if not check_inside(path, [root]):
        return (
            "is a symbolic link to a file outside the manuscript folder; copy the file inside",
            None,
        )
    real = Path(os.path.realpath(path))
    media_type = IMAGE_TYPES.get(real.suffix.lower())
    if media_type is None:
        return "must be PNG, JPEG or SVG", None
    if not real.exists():
        return f"does not exist{nearby_name(real, root)}", None
    if real.is_dir():
        return "is a folder, not a file", None
    if not real.is_file():
        return "is not a regular file", None
    size = real.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return f"is {size:,} bytes; the limit is {MAX_IMAGE_BYTES:,}", None
    width = height = 0
    if media_type == "image/svg+xml":
        problem = check_svg(real.read_bytes())
    else:
        problem, width, height = check_raster(real, media_type)
    if problem:
        return problem, None
    return None, Image(path.relative_to(root).as_posix(), media_type, width, height)


def nearby_name(missing: Path, root: Path) -> str:
    """ "; did you mean …?" for a file in the same folder whose name differs only in case or
    in its JPEG suffix ('Parvis.JPG', 'parvis.jpeg' for 'parvis.jpg'), else the nearest name."""
    folder = missing.parent
    if not folder.is_dir() or not folder.is_relative_to(root):
        return ""

    def key(name: str) -> str:
        return re.sub(r"\.jpe?g$", ".jpg", name.casefold())

    names = sorted(
        p.name
        for p in folder.iterdir()
        if p.suffix.lower() in IMAGE_TYPES and p.name != missing.name and p.exists()
    )
    same = [name for name in names if key(name) == key(missing.name)]
    relative = folder.relative_to(root).as_posix()
    prefix = "" if relative == "." else f"{relative}/"
    if same:
        return f"; did you mean '{prefix}{same[0]}'?"
    near = suggest(missing.name, names)
    return near.replace("mean '", f"mean '{prefix}") if near else ""


def check_raster(path: Path, media_type: str) -> tuple[str | None, int, int]:
    """A PNG/JPEG file's problem (or None) and size.

    Pillow's `open` reads only the header, so the pixel count is checked before any
    decompression (the file is then decoded whole, once); its own bomb check (at twice its
    MAX_IMAGE_PIXELS) is turned into our message.
    """
    from PIL import Image as PILImage

    expected = PIL_FORMATS[media_type]
    too_many = f"has more than {MAX_IMAGE_PIXELS:,} pixels; scale it down"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            img = PILImage.open(path, formats=list(PIL_FORMATS.values()))
        with img:
            width, height = img.size
            if width * height > MAX_IMAGE_PIXELS:
                return (
                    f"has {width}×{height} pixels; the limit is {MAX_IMAGE_PIXELS:,}. Scale it down",
                    0,
                    0,
                )
            if img.format != expected:
                right = ".png" if img.format == "PNG" else ".jpg"
                return f"holds {img.format} data; rename it to '{path.stem}{right}'", 0, 0
            img.verify()  # checksums and structure; still no pixel decoding
    except PILImage.DecompressionBombError:
        return too_many, 0, 0
    except Exception:  # Pillow raises many types for broken files
        return f"is not a readable {expected} file", 0, 0
    return decoded(path), width, height


def decoded(path: Path) -> str | None:
    """None when every pixel of the image decodes, else what is wrong: a cut-short JPEG or a
    damaged PNG passes `verify` and fails only while an output is made, or draws grey. Each
    file's bytes are decoded once: a mark named by their hash is kept in the disk cache."""
    from PIL import Image as PILImage
    from PIL import ImageFile

    data = path.read_bytes()
    mark = cache_folder("images") / f"decoded-{hashlib.sha256(data).hexdigest()}"
    if mark.is_file():
        return None
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint turns it on when imported
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with PILImage.open(io.BytesIO(data)) as img:
            img.load()
    except Exception as exc:  # zlib, struct and OS errors alike: the file is broken
        reason = str(exc).split("\n")[0][:80] or type(exc).__name__
        return f"is damaged or cut short ({reason}); export it again from the original"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    write_whole(mark, b"")
    return None


def cover_image(
    root: Path, meta: Meta, line: int, images: dict[str, Image], collector: Collector
) -> Meta:
    """`cover_image:` (at `line` of book.yaml) checked, with its alt text; the cover is the first
    of `images`, and `meta` names it by its path from the root."""
    if not meta.cover_image:
        return meta
    book_yaml = root / "book.yaml"
    cover = check_image(root, book_yaml, meta.cover_image, line, collector)
    if not meta.cover_alt:
        collector.error(
            book_yaml, line, "cover_image needs cover_alt: a sentence saying what it shows"
        )
    if cover is None:
        return meta
    if not cover.is_svg:
        coarse_cover(root, cover.path, meta.trim, line, collector)
    images[cover.path] = dataclasses.replace(cover, uses=((collector.where(book_yaml), line),))
    return dataclasses.replace(meta, cover_image=cover.path)


# The cover photo covers the page and the 3 mm bleed around it (styles/pdf.css).
TRIM_MM = {"A5": (148.0, 210.0), "half-letter": (139.7, 215.9)}
COVER_PPI = 300  # as for every printed image (assets/images.PRINT_PPI)


def coarse_cover(root: Path, name: str, trim: str, line: int, collector: Collector) -> None:
    """A warning when the cover photo has too few pixels for print: found by `check` (the build
    finds it too, laying the cover out), with the pixels it needs, upright."""
    from PIL import Image as PILImage

    width_mm, height_mm = TRIM_MM.get(trim, TRIM_MM["A5"])
    need = [math.ceil((side + 6) / 25.4 * COVER_PPI) for side in (width_mm, height_mm)]
    with PILImage.open(root / name) as img:
        width, height = img.size
        if img.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # stored on its side
            width, height = height, width
    if width < need[0] or height < need[1]:
        collector.warn(
            root / "book.yaml",
            line,
            f"cover image '{name}' is {width} × {height} pixels; a full-bleed {trim} cover "
            f"needs at least {need[0]} × {need[1]} for print ({COVER_PPI} ppi)",
        )


def chapter_images(
    root: Path,
    chapter: Path,
    references: list[tuple[str, int]],
    images: dict[str, Image],
    collector: Collector,
) -> None:
    """A chapter's image references (src, line) checked; each image is added to `images` once,
    with every place that shows it."""
    for src, line in references:
        image = check_image(root, chapter, src, line, collector)
        if image:
            seen = images.get(image.path, image)
            where = (collector.where(chapter), line)
            images[image.path] = dataclasses.replace(image, uses=(*seen.uses, where))
