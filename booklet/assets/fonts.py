"""The open fonts the booklet is set in (from `fontpkg-*` packages) in, @font-face CSS out.

The packages ship variable fonts. The PDFs get static instances of the weights the stylesheets
use, made once (see `instance.py`) and kept in a cache folder, so that WeasyPrint does not make
them again, slowly, for every PDF it writes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontpkg_literata
import fontpkg_source_sans_3

from booklet.assets.instance import harfbuzz_version, static_instance
from booklet.store import cached_file


@dataclass(frozen=True)
class Face:
    family: str
    path: Path
    style: str


SERIF = "Literata"
SANS = "Source Sans 3"
WEIGHTS = (400, 600, 700)  # every weight styles/*.css asks for; others would be synthesised
# Literata's optical size axis (in pt): the printed text is 9.6 pt (styles/book.css), while an
# e-reader shows text near the axis default of 12.
PRINT_OPTICAL_SIZE = 10.0
SCREEN_OPTICAL_SIZE = 12.0
INSTANCE_VERSION = "1"  # bump when instances are made differently, to leave old cache files


@cache
def faces() -> tuple[Face, ...]:
    serif = fontpkg_literata.ROOT / "files"
    sans = fontpkg_source_sans_3.ROOT / "files"
    return (
        Face(SERIF, serif / "Literata[opsz,wght].ttf", "normal"),
        Face(SERIF, serif / "Literata-Italic[opsz,wght].ttf", "italic"),
        Face(SANS, sans / "SourceSans3[wght].ttf", "normal"),
        Face(SANS, sans / "SourceSans3-Italic[wght].ttf", "italic"),
    )


def location(path: Path, weight: int, optical_size: float) -> dict[str, float]:
    """The axis values of a static instance (the optical size where the font has that axis)."""
    axes = {"wght": float(weight)}
    if "opsz" in path.name:
        axes["opsz"] = optical_size
    return axes


@cache
def source_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def instance_file(face: Face, weight: int) -> Path:
    """A static instance of one face at one weight, made on first use."""
    axes = location(face.path, weight, PRINT_OPTICAL_SIZE)
    key = hashlib.sha256(source_digest(face.path))
    key.update(f"{INSTANCE_VERSION} {sorted(axes.items())} {harfbuzz_version()}".encode())
    stem = face.path.name.split("[")[0]
    name = f"{stem}-{weight}-{key.hexdigest()[:16]}.ttf"
    return cached_file("fonts", name, lambda: static_instance(face.path, axes))


@cache
def static_faces() -> tuple[tuple[Face, int, Path], ...]:
    return tuple((face, w, instance_file(face, w)) for face in faces() for w in WEIGHTS)


def font_face(family: str, src: str, weight: int, style: str, display: str = "") -> str:
    """One @font-face rule: the PDFs, the EPUB and the web edition all write theirs with this."""
    extra = f" font-display: {display};" if display else ""
    return (
        f'@font-face {{ font-family: "{family}"; src: {src}; '
        f"font-weight: {weight}; font-style: {style};{extra} }}"
    )


def font_face_css() -> str:
    """@font-face rules for the static instances."""
    return "\n".join(
        font_face(face.family, f'url("{path.as_uri()}")', weight, face.style)
        for face, weight, path in static_faces()
    )
