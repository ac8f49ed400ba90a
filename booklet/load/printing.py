"""book.yaml's `isbn:` and `print:` in, a checked 13-digit ISBN and the book's `Printing` out
(printing condition, binding, paper or its thickness a page), each mistake at its line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from booklet.errors import Collector, suggest
from booklet.model import PAPERS, Printing

CONDITIONS = ("coated", "uncoated")  # render/pdfx.py: FOGRA39, FOGRA29
BINDINGS = ("auto", "saddle-stitch", "perfect")
END_PAGES = ("blank", "lined")  # what fills the pages the binding needs at the end
PRINT_KEYS = ("condition", "binding", "paper", "spine_per_page_mm", "end_pages")


def isbn_digits(text: str) -> tuple[str, str]:
    """An ISBN as its 13 digits and a problem ("" when none). ISBN-10s become 978-prefixed."""
    digits = re.sub(r"[\s:-]", "", re.sub(r"^ISBN", "", text.strip().upper()))
    if re.fullmatch(r"\d{9}[\dX]", digits):
        expected = (11 - sum((10 - i) * int(d) for i, d in enumerate(digits[:9])) % 11) % 11
        check = "X" if expected == 10 else str(expected)
        if digits[9] != check:
            return "", f"its check digit should be {check}, not {digits[9]}"
        digits = "978" + digits[:9]
        return digits + ean_check_digit(digits), ""
    if not re.fullmatch(r"\d{13}", digits):
        return (
            "",
            "it must have 13 digits (or 10), with hyphens or spaces between groups if you like",
        )
    if not digits.startswith(("978", "979")):
        return "", "an ISBN-13 starts with 978 or 979"
    check = ean_check_digit(digits[:12])
    if digits[12] != check:
        return "", f"its check digit should be {check}, not {digits[12]}"
    return digits, ""


def ean_check_digit(twelve: str) -> str:
    """The EAN-13 check digit: weights 1 and 3 from the left, to the next multiple of 10."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(twelve))
    return str(-total % 10)


def check_isbn(value: str, collector: Collector, path: Path, line: int) -> str:
    if not value:
        return ""
    digits, problem = isbn_digits(value)
    if problem:
        collector.error(path, line, f"isbn '{value[:40]}' is not a valid ISBN: {problem}")
        return ""
    # As printed over the barcode: the author's grouping of an ISBN-13, else the 13 digits
    # (the groups inside depend on ranges that change; the author's agency gives them).
    written = re.sub(r"^ISBN[\s:-]*", "", value.strip(), flags=re.I)
    grouped = re.sub(r"\s+", "-", written)
    return grouped if re.sub(r"-", "", grouped) == digits else digits


def key_lines(text: str, line: int) -> dict[str, int]:
    """The line of each key indented under the mapping key at `line` (1-based)."""
    lines: dict[str, int] = {}
    for n, source in enumerate(text.splitlines()[line:], line + 1):
        if source and not source[0].isspace() and not source.lstrip().startswith("#"):
            break
        match = re.match(r"\s+['\"]?([A-Za-z_][\w-]*)['\"]?\s*:", source)
        if match:
            lines.setdefault(match.group(1), n)
    return lines


def load_print(value: Any, path: Path, line: int, text: str, collector: Collector) -> Printing:
    """`print:` checked key by key: known keys, known names, a thickness in range."""
    if not isinstance(value, dict):
        return Printing()
    lines = key_lines(text, line)
    values: dict[str, Any] = {}
    choices = {
        "condition": CONDITIONS,
        "binding": BINDINGS,
        "paper": tuple(PAPERS),
        "end_pages": END_PAGES,
    }
    for key, entry in value.items():
        at = lines.get(str(key), line)
        if key not in PRINT_KEYS:
            known = ", ".join(PRINT_KEYS)
            collector.error(
                path, at, f"unknown print key '{key}'{suggest(str(key), PRINT_KEYS)} ({known})"
            )
        elif key in choices:
            if entry not in choices[key]:
                known = ", ".join(choices[key])
                hint = suggest(str(entry), choices[key])
                collector.error(path, at, f"print {key} '{entry}' is not known{hint} ({known})")
            else:
                values[key] = entry
        elif (
            isinstance(entry, bool)
            or not isinstance(entry, int | float)
            or not 0.02 <= entry <= 0.2
        ):
            collector.error(
                path,
                at,
                "print spine_per_page_mm must be a number of mm a page between 0.02 and 0.2",
            )
        else:
            values[key] = float(entry)
    return Printing(**values, asked=True)
