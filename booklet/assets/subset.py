"""The variable fonts and the e-book's text in, small static font files and @font-face CSS out.

E-readers handle variable fonts poorly (older engines show only the default instance), and the full
files weigh 0.4-1 MB each. So each face the EPUB stylesheet uses becomes a static instance, subset
to the characters of the book (`instance.py`). The fonts are renamed because a subset is a
Modified Version under the SIL Open Font License, and 'Source' is a Reserved Font Name of Source
Sans.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from booklet.assets.fonts import SCREEN_OPTICAL_SIZE, faces, font_face, location, source_digest
from booklet.assets.instance import harfbuzz_version, static_instance
from booklet.store import cached_file

# OpenType features worth keeping for running text: kerning, ligatures, marks and numeral styles.
FEATURES = (
    "kern",
    "liga",
    "clig",
    "calt",
    "ccmp",
    "locl",
    "mark",
    "mkmk",
    "onum",
    "lnum",
    "pnum",
    "tnum",
)
# Characters a reading system may produce itself: hyphenation, ellipsis, quotes, the CSS content.
ALWAYS = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "\u00a0\u00ad\u2010\u2011\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2192"
)


@dataclass(frozen=True)
class EpubFace:
    family: str  # the family name in the EPUB (CSS and the font's own name table)
    source_family: str
    italic: bool
    weight: int

    @property
    def weight_style(self) -> tuple[int, str]:
        """The CSS font-weight and font-style of this face."""
        return self.weight, "italic" if self.italic else "normal"

    @property
    def style_name(self) -> str:
        name = {400: "Regular", 600: "SemiBold", 700: "Bold"}[self.weight]
        if self.italic:
            return "Italic" if self.weight == 400 else f"{name}Italic"
        return name

    @property
    def file_name(self) -> str:
        return f"fonts/{self.family.lower().replace(' ', '-')}-{self.style_name.lower()}.ttf"


SERIF = "Booklet Serif"
SANS = "Booklet Sans"
# The faces styles/epub.css uses; anything else (bold italic, sans italic) is synthesised.
EPUB_FACES = (
    EpubFace(SERIF, "Literata", False, 400),
    EpubFace(SERIF, "Literata", True, 400),
    EpubFace(SERIF, "Literata", False, 600),
    EpubFace(SANS, "Source Sans 3", False, 400),
    EpubFace(SANS, "Source Sans 3", False, 600),
)


def source_path(face: EpubFace) -> Path:
    for candidate in faces():
        if candidate.family == face.source_family and (candidate.style == "italic") == face.italic:
            return candidate.path
    raise LookupError(
        f"no font file for {face.source_family} {'italic' if face.italic else 'roman'}"
    )


def rename(font: object, face: EpubFace) -> None:
    """New family, style, full and PostScript names; the copyright and licence records stay."""
    table = font["name"]  # type: ignore[index]
    full = f"{face.family} {face.style_name}"
    postscript = f"{face.family.replace(' ', '')}-{face.style_name}"
    for name_id in (16, 17, 21, 22, 25):
        table.removeNames(nameID=name_id)
    style = face.style_name if face.style_name in ("Regular", "Italic") else "Regular"
    family = face.family if style == face.style_name else full
    for name_id, value in ((1, family), (2, style), (3, postscript), (4, full), (6, postscript)):
        table.removeNames(nameID=name_id)
        table.setName(value, name_id, 3, 1, 0x409)
    if face.style_name not in ("Regular", "Italic"):  # typographic family and style names
        table.setName(face.family, 16, 3, 1, 0x409)
        table.setName(face.style_name, 17, 3, 1, 0x409)


@cache
def static_font(face: EpubFace, characters: str) -> bytes:
    """One static, subset, renamed instance of a variable font."""
    from fontTools.ttLib import TTFont

    path = source_path(face)
    axes = location(path, face.weight, SCREEN_OPTICAL_SIZE)
    # Unhinted: reading systems render unhinted at these sizes, and it halves the size.
    data = static_instance(path, axes, characters, FEATURES, hinting=False)
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    font["OS/2"].usWeightClass = face.weight
    rename(font, face)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def characters_of(texts: list[str]) -> str:
    """Every character the e-book may show, in both cases (CSS may transform the case)."""
    text = "".join(texts) + ALWAYS
    return "".join(sorted({*text, *text.upper(), *text.lower()} - {"\n", "\r", "\t"}))


def embedded_fonts(texts: list[str]) -> list[tuple[EpubFace, bytes]]:
    characters = characters_of(texts)
    return [(face, static_font(face, characters)) for face in EPUB_FACES]


def font_face_css(fonts: list[tuple[EpubFace, bytes]], prefix: str = "../") -> str:
    """@font-face rules for the embedded faces; the reader's own font settings still win."""
    rules = [
        "/* Static subsets of Literata and Source Sans 3 (SIL Open Font License 1.1), renamed. */"
    ]
    for face, _ in fonts:
        rules.append(font_face(face.family, f'url("{prefix}{face.file_name}")', *face.weight_style))
    return "\n".join(rules) + "\n"


WEB_FONT_VERSION = "1"  # bump when web fonts are made differently, to leave old cache files


@cache
def web_font(face: EpubFace, characters: str) -> bytes:
    """One face as WOFF2, kept in the font cache folder: making it takes about a second (an
    instance, then Brotli at its best), and most edits leave the set of characters as it was."""
    from importlib.metadata import version

    key = hashlib.sha256(source_digest(source_path(face)))
    key.update(f"{WEB_FONT_VERSION} {face} {harfbuzz_version()}\n".encode())
    key.update(f"fonttools={version('fonttools')} brotli={version('brotli')}\n".encode())
    key.update(characters.encode())
    name = f"{Path(face.file_name).stem}-{key.hexdigest()[:24]}.woff2"
    return cached_file("fonts", name, lambda: woff2(static_font(face, characters))).read_bytes()


def woff2(data: bytes) -> bytes:
    """A TrueType font as WOFF2 (Brotli at its best)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()
