"""The open fonts the booklet is set in (from `fontpkg-*` packages) in, @font-face CSS out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontpkg_literata
import fontpkg_source_sans_3


@dataclass(frozen=True)
class Face:
    family: str
    path: Path
    style: str


SERIF = "Literata"
SANS = "Source Sans 3"


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


def font_dirs() -> tuple[Path, ...]:
    """Folders the URL fetcher may serve fonts from."""
    return tuple(sorted({f.path.parent.resolve() for f in faces()}))


def font_face_css(url_of: dict[Path, str] | None = None) -> str:
    """@font-face rules; `url_of` maps a font file to the URL to use (default: its file URI)."""
    rules = []
    for face in faces():
        url = (url_of or {}).get(face.path, face.path.as_uri())
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; src: url("{url}"); '
            f"font-style: {face.style}; }}"
        )
    return "\n".join(rules)


def fonts_used() -> str:
    return f"{SERIF} and {SANS} (SIL Open Font License)"
