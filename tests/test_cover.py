"""The printed cover: spine widths, the EAN-13 of an ISBN (decoded back from the rendered cover),
ISBN checks, and a bound book's spread (PDF/X-4, its width to the hundredth of a point) with its
preflight report."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import run_cli as build
from pdfx_checks import MM, check_pdfx4

from booklet.load.printing import isbn_digits
from booklet.model import Printing
from booklet.render import barcode
from booklet.render.cover import plan_for

A, B, C, PARITY = barcode.A, barcode.B, barcode.C, barcode.PARITY


# Spine ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "printing", "binding", "spine"),
    [
        (300, Printing(), "perfect", "15.00"),  # offset-80: 0.050 mm a page
        (301, Printing(), "perfect", "15.10"),  # a binding prints an even count: 302
        (292, Printing(paper="offset-90"), "perfect", "16.06"),
        (200, Printing(paper="kdp-white"), "perfect", "11.44"),  # 200 × 0.002252 in
        (120, Printing(paper="kdp-cream"), "perfect", "7.62"),  # 120 × 0.0025 in
        (96, Printing(paper="silk-115"), "perfect", "4.61"),
        (100, Printing(spine_per_page_mm=0.1), "perfect", "10.00"),
        (64, Printing(), "saddle-stitch", "0"),  # auto: stapled up to 64 pages
        (65, Printing(), "perfect", "3.30"),
        (40, Printing(binding="perfect"), "perfect", "2.00"),
        (100, Printing(binding="saddle-stitch"), "saddle-stitch", "0"),
    ],
)
def test_spine_width_from_page_count_and_paper(
    pages: int, printing: Printing, binding: str, spine: str
) -> None:
    cover = plan_for(printing, "A5", pages)
    assert cover.binding == binding
    assert cover.spine == Decimal(spine)
    assert cover.spine_text == (cover.spine >= 6)


def test_saddle_stitch_pads_to_a_multiple_of_four_and_perfect_to_two() -> None:
    assert plan_for(Printing(), "A5", 39).blanks == 1
    assert plan_for(Printing(), "A5", 38).blanks == 2
    assert plan_for(Printing(), "A5", 40).blanks == 0
    assert plan_for(Printing(binding="perfect"), "A5", 39).blanks == 1
    assert plan_for(Printing(binding="perfect"), "A5", 38).blanks == 0


def test_spread_size_is_two_trims_a_spine_and_the_bleed() -> None:
    cover = plan_for(Printing(), "half-letter", 300)
    assert cover.size == (2 * Decimal("139.7") + Decimal("15.00") + 6, Decimal("215.9") + 6)
    saddle = plan_for(Printing(), "A5", 40)
    assert saddle.size == (Decimal(154), Decimal(216))


# EAN-13 --------------------------------------------------------------------------------------


def decode_modules(bars: str) -> str:
    """The 13 digits of 95 EAN-13 modules (guards checked, parity gives the first digit)."""
    assert len(bars) == 95 and bars[:3] == bars[-3:] == "101" and bars[45:50] == "01010"
    left = [bars[3 + 7 * i : 10 + 7 * i] for i in range(6)]
    right = [bars[50 + 7 * i : 57 + 7 * i] for i in range(6)]
    digits, parity = "", ""
    for pattern in left:
        if pattern in A:
            digits, parity = digits + str(A.index(pattern)), parity + "A"
        else:
            digits, parity = digits + str(B.index(pattern)), parity + "B"
    digits += "".join(str(C.index(pattern)) for pattern in right)
    first = str(PARITY.index(parity))
    result = first + digits
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(result[:12]))
    assert (-total % 10) == int(result[12]), "check digit"
    return result


def decode_row(values: list[int]) -> str:
    """Decode one scan line (grey values) across a barcode in its white box: 95 modules between
    the first and the last bar inside the box."""
    white = [i for i, v in enumerate(values) if v > 200]
    dark = [v < 128 for v in values[white[0] : white[-1] + 1]]
    first = dark.index(True)
    last = len(dark) - 1 - dark[::-1].index(True)
    module = (last + 1 - first) / 95
    return decode_modules(
        "".join("1" if dark[int(first + (i + 0.5) * module)] else "0" for i in range(95))
    )


@pytest.mark.parametrize("digits", ["9783161484100", "9780306406157", "9791234567896"])
def test_ean13_modules_decode_to_the_digits(digits: str) -> None:
    assert decode_modules(barcode.modules(digits)) == digits


def test_isbn_checks() -> None:
    assert isbn_digits("978-3-16-148410-0") == ("9783161484100", "")
    assert isbn_digits("ISBN 0-306-40615-2") == ("9780306406157", "")  # ISBN-10 → 978
    assert isbn_digits("978 3 16 148410 1")[1] == "its check digit should be 0, not 1"
    assert isbn_digits("0-306-40615-3")[1] == "its check digit should be 2, not 3"
    assert "13 digits" in isbn_digits("978-3-16")[1]
    assert "978 or 979" in isbn_digits("9773161484100")[1]


# A bound book ----------------------------------------------------------------------------------

BOOK_YAML = """\
title: "A Bound Book"
subtitle: "Its spine and its barcode"
language: en
authors: ["Test Author"]
publisher: "Booklet Project"
date: 2026-02-01
identifier: "urn:uuid:0c8f1d6e-5b7a-4d1e-9a43-6e2f8b1c9d70"
description: "A small book printed as if its pages were thick, to get a spine."
back_cover: "The back of a bound book: this text, and a barcode of its ISBN."
isbn: "978-3-16-148410-0"
print:
  binding: perfect
  spine_per_page_mm: 0.2
  condition: uncoated
"""


@pytest.fixture(scope="module")
def bound(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Some 40 pages bound with 0.2 mm a page, so the spine holds its title; built once."""
    root = tmp_path_factory.mktemp("bound")
    manuscript = root / "manuscript"
    manuscript.mkdir()
    (manuscript / "book.yaml").write_text(BOOK_YAML)
    text = "The words of a chapter, to fill its pages. " * 200
    for n in range(1, 4):
        body = "\n\n".join(f"## Part {p}\n\n{text}" for p in range(1, 4))
        (manuscript / f"0{n}-chapter-{n}.md").write_text(
            f"---\ntitle: Chapter {n}\n---\n\n{body}\n"
        )
    out = root / "dist"
    result = build(
        "--manuscript", manuscript, "--out", out, "--only", "pdf", "--only", "print",
        "--only", "cover",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Preflight for the print shop: A Bound Book" in result.stdout
    (root / "stderr.txt").write_text(result.stderr)
    return out


def test_spread_width_is_two_trims_the_spine_and_the_bleed_exactly(bound: Path) -> None:
    with pikepdf.open(bound / "a-bound-book-print.pdf") as interior:
        pages = len(interior.pages)
    spine = Decimal(pages + pages % 2) * Decimal("0.2")
    with pikepdf.open(bound / "a-bound-book-cover.pdf") as cover:
        (page,) = cover.pages
        media = [Decimal(str(v)) for v in page.MediaBox]
        trim = [Decimal(str(v)) for v in page.TrimBox]
    points = Decimal(72) / Decimal("25.4")
    width = (2 * 148 + spine + 2 * 3) * points
    assert media[2] - media[0] == width.quantize(Decimal("0.0001"))
    assert abs(trim[2] - trim[0] - (2 * 148 + spine) * points) <= Decimal("0.0002")
    check_pdfx4(
        bound / "a-bound-book-cover.pdf", (float((296 + spine) * points), 210 * MM), "FOGRA29"
    )
    check_pdfx4(bound / "a-bound-book-print.pdf", (148 * MM, 210 * MM), "FOGRA29")


def rendered_cover(bound: Path, scale: float = 6.0) -> tuple[object, float]:
    document = pdfium.PdfDocument(bound / "a-bound-book-cover.pdf")
    return document[0].render(scale=scale).to_pil().convert("L"), scale


def test_barcode_on_the_back_decodes_to_the_isbn(bound: Path) -> None:
    image, scale = rendered_cover(bound)
    height = image.size[1]  # type: ignore[attr-defined]
    # The white box sits 10 mm from the back's right trim and foot: scan across its bars.
    y = round(height - (3 + 10 + 1.5 + 10) * MM * scale)
    left = round((3 + 148 - 10 - 45) * MM * scale)
    right = round((3 + 148 - 10) * MM * scale)
    row = [image.getpixel((x, y)) for x in range(left, right)]  # type: ignore[attr-defined]
    assert decode_row(row) == "9783161484100"


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (Debian zbar-tools) absent")
def test_zbar_reads_the_barcode(bound: Path, tmp_path: Path) -> None:
    image, _ = rendered_cover(bound, 4.0)
    png = tmp_path / "cover.png"
    image.save(png)  # type: ignore[attr-defined]
    found = subprocess.run(["zbarimg", "-q", str(png)], capture_output=True, text=True)
    assert found.stdout.strip() == "EAN-13:9783161484100"


def test_spine_carries_the_title_and_the_front_the_cover(bound: Path) -> None:
    document = pdfium.PdfDocument(bound / "a-bound-book-cover.pdf")
    text = document[0].get_textpage().get_text_range()
    assert text.count("A Bound Book") >= 3  # back title, spine, front
    assert "The back of a bound book" in text and "ISBN 978-3-16-148410-0" in text


def test_preflight_report_lists_what_the_printer_checks(bound: Path) -> None:
    report = (bound / "preflight.txt").read_text()
    assert "PDF/X-4" in report and "FOGRA29" in report
    assert "perfect binding" in report and "title on the spine" in report
    assert "fonts      " in report and "all embedded" in report
    assert "isbn       978-3-16-148410-0" in report


def test_pages_not_folding_evenly_are_padded_and_warned(bound: Path) -> None:
    """39 pages, glued in pairs: one blank page ends the print PDF, and the preflight says so as
    a problem (a warning, an error under --strict) with what to do about it."""
    report = (bound / "preflight.txt").read_text()
    assert (
        "pages      39 (perfect binding): not a multiple of 2; 1 blank page added at the end "
        "(40 pages)"
    ) in report
    assert report.endswith(
        "problems   39 pages are not a multiple of 2: the print PDF ends with 1 blank page "
        "(40 pages); lengthen or shorten the book, or set 'end_pages: lined' under print: for "
        "ruled pages for notes\n"
    )
    warned = (bound.parent / "stderr.txt").read_text()
    assert "book.yaml:1: warning: preflight: 39 pages are not a multiple of 2" in warned
    document = pdfium.PdfDocument(bound / "a-bound-book-print.pdf")
    assert len(document) == 40
    assert document[39].get_textpage().get_text_range().strip() == ""
