"""Manuscript text in, a warning for each character the book's fonts have no glyph for.

WeasyPrint silently takes a missing character from whatever system font has it (so the output
depends on the machine), or draws an empty box when none has. The fonts' character maps tell
beforehand: every line of book.yaml and of each chapter is checked against both families, and
each missing character is reported once per file, at its first line.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from booklet.assets.fonts import SANS, SERIF, faces
from booklet.errors import Collector

# Spaces HarfBuzz makes from the font's own space (no glyph needed), and characters that are
# never drawn (line ends, tabs, joiners, the byte-order mark).
SYNTHESISED = frozenset([*range(0x2000, 0x200B), 0x202F, 0x205F])
INVISIBLE = frozenset([0x09, 0x0A, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF])


@cache
def coverage(family: str) -> frozenset[int]:
    """The code points every face of a family (roman and italic) has a glyph for."""
    maps = [
        set(TTFont(face.path, lazy=True).getBestCmap()) for face in faces() if face.family == family
    ]
    return frozenset(set.intersection(*maps)) if maps else frozenset()


def lacking(char: str) -> list[str]:
    """The families (of the book's fonts) without a glyph for `char`."""
    code = ord(char)
    if code in SYNTHESISED or code in INVISIBLE:
        return []
    return [family for family in (SERIF, SANS) if code not in coverage(family)]


def check(path: Path, text: str, collector: Collector, first_line: int = 1) -> None:
    """Warn, at its first line, about each character of `text` that a family cannot draw."""
    seen: set[str] = set()
    for number, line in enumerate(text.split("\n"), first_line):
        if line.isascii():
            continue  # both fonts have every printable ASCII character
        # Composed first: 'e' + U+0301 is drawn as 'é' when the font has that.
        for char in dict.fromkeys(unicodedata.normalize("NFC", line)):
            if char in seen or char.isascii():
                continue
            families = lacking(char)
            if families:
                seen.add(char)
                collector.warn(
                    path,
                    number,
                    f"'{char}' (U+{ord(char):04X}) is not in the book's fonts "
                    f"({', '.join(families)}); use another character or remove it",
                )
