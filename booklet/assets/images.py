"""A manuscript image in, its version for one medium out: upright, sRGB, 8-bit, sized, stripped.

Every output gets re-encoded pixels, never the original file: EXIF orientation is applied to the
pixels, colours are converted to sRGB (CMYK and other ICC profiles), 16-bit images become 8-bit,
and nothing but pixels is written (no EXIF, XMP, IPTC, ICC or text chunks), so no GPS position,
camera or date leaves the build. JPEG stays JPEG; PNG stays PNG, lossless with its transparency.
SVG is passed as it is (it was checked when the book was loaded). The originals are only read.

Versions are kept in `$BOOKLET_CACHE/images` (beside the font instances) under a key made of the
original's bytes, the settings and the encoders' versions, so an unchanged photo is encoded once;
the same input and settings always give the same bytes.
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import os
import posixpath
import re
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from booklet.store import cache_folder, write_whole

if TYPE_CHECKING:
    from booklet.model import Book, Image

VERSION = "1"  # bump when versions are made differently, to leave old cache files
SCREEN_PPI = 200  # the screen PDF and handouts: sharp on screens and office printers
PRINT_PPI = 300  # what a print shop needs at the printed size
EPUB_LONG_SIDE = 1600  # pixels: a full phone or tablet screen, a little zoom
EPUB_MAX_PIXELS = 4_000_000  # Apple Books' limit
PRINT_QUALITY = 92  # the print PDF keeps full resolution and what a phone camera keeps
SCREEN_QUALITY = 82


@dataclass(frozen=True)
class Settings:
    """How to make a version: the largest size allowed, and the JPEG quality."""

    long_side: int | None = None  # pixels of the longer side, at most
    max_pixels: int | None = None
    max_width: int | None = None
    width: int | None = None  # an exact box the image must fit in (the screen PDF's placement)
    height: int | None = None
    quality: int = SCREEN_QUALITY
    subsampling: str = "4:2:0"


PRINT = Settings(quality=PRINT_QUALITY)
EPUB = Settings(long_side=EPUB_LONG_SIDE, max_pixels=EPUB_MAX_PIXELS)
WEB_WIDTHS = (480, 960)  # narrower files the web edition offers beside the e-book's version
# The web edition's text column (styles/web.css: --measure 38rem) on wide screens, else the screen.
WEB_SIZES = "(min-width: 40rem) 38rem, 100vw"


@dataclass(frozen=True)
class Version:
    """An encoded image in the cache folder, with its size in pixels."""

    path: Path
    media_type: str
    width: int
    height: int
    stem: str  # the original's file name without suffix, for names of derived versions

    @property
    def uri(self) -> str:
        return self.path.as_uri()


@cache
def encoder_versions() -> str:
    from PIL import __version__, features

    names = ("jpg", "zlib", "littlecms2")
    return f"pillow={__version__} " + " ".join(f"{n}={features.version(n)}" for n in names)


def read_original(book: Book, image: Image) -> bytes:
    """The manuscript's file, read under the same confinement rule as every other read."""
    from booklet.confine import book_roots, read_confined

    return read_confined(book.root / image.path, book_roots(book))


def version(book: Book, image: Image, settings: Settings) -> Version:
    """The image made for `settings`, from the cache when it was made before."""
    if image.is_svg:
        raise ValueError("SVG images are passed through, not encoded")
    path = book.root / image.path
    found = path.stat()  # a changed file is a new version, also in a long-running process
    return _version(book, image, settings, found.st_mtime_ns, found.st_size)


@cache
def _version(book: Book, image: Image, settings: Settings, _mtime: int, _size: int) -> Version:
    return cached(read_original(book, image), image.media_type, settings, Path(image.path).stem)


def print_file(book: Book, path: Path) -> Path | None:
    """The full-resolution version to read instead of the manuscript file at `path` (a real
    path), or None when it is not one of the book's PNG or JPEG images."""
    for image in book.images:
        if not image.is_svg and os.path.realpath(book.root / image.path) == str(path):
            return version(book, image, PRINT).path
    return None


def cached(data: bytes, media_type: str, settings: Settings, stem: str) -> Version:
    key = hashlib.sha256(data)
    key.update(f"{VERSION} {settings} {encoder_versions()}".encode())
    suffix = ".png" if media_type == "image/png" else ".jpg"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem)[:40]
    path = cache_folder("images") / f"{safe}-{key.hexdigest()[:20]}{suffix}"
    if path.is_file():
        width, height = pixel_size(path)
    else:
        encoded, width, height = encode(data, media_type, settings)
        write_whole(path, encoded)
    return Version(path, media_type, width, height, safe)


def pixel_size(path: Path) -> tuple[int, int]:
    from PIL import Image as PILImage

    with PILImage.open(path) as img:
        return img.size


def downsampled(master: Version, width: int, height: int) -> Version:
    """`master` (a print version) made to fill `width` × `height` pixels for the screen."""
    if width >= master.width or height >= master.height:
        return master
    settings = Settings(width=width, height=height)
    return cached(master.path.read_bytes(), master.media_type, settings, master.stem)


def target_size(width: int, height: int, settings: Settings) -> tuple[int, int]:
    """The size `settings` allow for an image of `width` × `height` (never larger)."""
    scale = 1.0
    if settings.long_side:
        scale = min(scale, settings.long_side / max(width, height))
    if settings.max_pixels:
        scale = min(scale, math.sqrt(settings.max_pixels / (width * height)))
    if settings.max_width:
        scale = min(scale, settings.max_width / width)
    if settings.width and settings.height:  # fill the box (an image may be cropped to it)
        scale = min(scale, max(settings.width / width, settings.height / height))
    if scale >= 1:
        return width, height
    size = max(1, math.floor(width * scale)), max(1, math.floor(height * scale))
    if settings.max_pixels:  # rounding must not take it over the limit
        while size[0] * size[1] > settings.max_pixels:
            size = size[0] - 1, max(1, math.floor((size[0] - 1) * height / width))
    return size


def encode(data: bytes, media_type: str, settings: Settings) -> tuple[bytes, int, int]:
    """Decode, make upright, convert to 8-bit sRGB, resize, and encode with pixels only."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)  # checked at load
        img: Any = PILImage.open(io.BytesIO(data), formats=["JPEG", "PNG"])
        img.load()
    img = ImageOps.exif_transpose(img) or img
    img = to_srgb(img)
    size = target_size(img.width, img.height, settings)
    if size != img.size:
        img = img.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)
    img.info = {}  # nothing but pixels is written: no EXIF, XMP, IPTC, ICC or text
    out = io.BytesIO()
    if media_type == "image/png":
        img.save(out, "PNG", compress_level=9)
    else:
        if img.mode != "RGB" and img.mode != "L":
            img = img.convert("RGB")
        img.save(
            out,
            "JPEG",
            quality=settings.quality,
            subsampling=settings.subsampling,
            optimize=True,
            progressive=False,
        )
    return out.getvalue(), img.width, img.height


def to_srgb(img: Any) -> Any:
    """8-bit pixels in sRGB: ICC profiles applied, CMYK converted, 16-bit reduced."""
    from PIL import Image as PILImage
    from PIL import ImageCms

    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        img = img.convert("I").point(lambda v: v / 257).convert("L")  # 16-bit grey
    elif img.mode == "1":
        img = img.convert("L")
    elif img.mode == "P" or img.mode == "PA":
        img = img.convert("RGBA" if "transparency" in img.info or img.mode == "PA" else "RGB")
    profile = img.info.get("icc_profile")
    if profile and img.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            srgb = ImageCms.createProfile("sRGB")
            alpha = img.getchannel("A") if img.mode == "RGBA" else None
            img = ImageCms.profileToProfile(
                img.convert("RGB") if alpha is not None else img,
                source,
                srgb,
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
                outputMode="RGB",
            )
            if alpha is not None:
                img.putalpha(alpha)
        except (OSError, ImageCms.PyCMSError):
            pass  # a broken profile: convert the numbers as they are, below
    if img.mode == "CMYK":
        img = img.convert("RGB")
    elif img.mode not in ("RGB", "RGBA", "L", "LA"):
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
    assert isinstance(img, PILImage.Image)
    return img


def ppi(pixels: tuple[int, int], css_px: tuple[float, float]) -> float:
    """Pixels per inch of an image drawn at `css_px` (CSS pixels, 96 to the inch): the smaller
    of the two directions, as a print shop measures it."""
    width, height = css_px
    if width <= 0 or height <= 0:
        return math.inf
    return min(pixels[0] * 96 / width, pixels[1] * 96 / height)


IMG_SRC = re.compile(r'<img src="([^"]*)"')


def book_image(book: Book, src: str) -> Image | None:
    """The book's image an `<img src>` of rendered Markdown names (chapters sit at the root)."""
    wanted = posixpath.normpath(unquote(html.unescape(src)))
    return next((image for image in book.images if image.path == wanted), None)


def web_files(book: Book, image: Image) -> list[tuple[str, Version]]:
    """The web edition's files of a PNG or JPEG image, widest first: the e-book's version at the
    image's own path, then narrower ones named `<name>-<width>w.<suffix>` for `srcset`."""
    full = version(book, image, EPUB)
    files = [(image.path, full)]
    stem, suffix = posixpath.splitext(image.path)
    taken = {i.path for i in book.images}
    for width in sorted(WEB_WIDTHS, reverse=True):
        name = f"{stem}-{width}w{suffix}"
        if width < full.width and name not in taken:
            narrower = Settings(
                long_side=EPUB_LONG_SIDE, max_pixels=EPUB_MAX_PIXELS, max_width=width
            )
            files.append((name, version(book, image, narrower)))
    return files


def for_medium(book: Book, text: str, medium: str) -> str:
    """Rendered HTML with the size of each image's version for `medium` on its `<img>`.

    `epub`: `width` and `height` of the e-book's file, so that reading systems keep its room;
    `web`: the same, and a `srcset` of the narrower files (`web_files`) with `sizes`.
    The PDFs' HTML is left as it is: WeasyPrint's fetcher reads the full-resolution version for
    the manuscript's file (`print_file`), and the screen PDF is downsampled when it is written.
    """
    if medium not in ("epub", "web"):
        return text

    def replace(match: re.Match[str]) -> str:
        image = book_image(book, match.group(1))
        if image is None or image.is_svg:
            return match.group(0)
        made = version(book, image, EPUB)
        size = f'width="{made.width}" height="{made.height}"'
        if medium == "web":
            files = web_files(book, image)
            srcset = ", ".join(f"{quote(name)} {v.width}w" for name, v in reversed(files))
            size += f' srcset="{html.escape(srcset)}" sizes="{WEB_SIZES}"'
        return f'<img {size} src="{match.group(1)}"'

    return IMG_SRC.sub(replace, text)
