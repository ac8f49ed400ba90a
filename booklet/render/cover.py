"""A `Book` (laid out) in, its printed cover out: `<slug>-cover.pdf`, PDF/X-4 like the interior.

A saddle-stitched booklet gets its four cover pages (outside front, inside front, inside back,
outside back), each the trim with 3 mm bleed; a bound book (perfect binding) one spread, back +
spine + front, with bleed on every side and the spine as wide as the pages make it (page count
× the paper's thickness a page), its title running down the spine when it has room. The front
is the book's own cover design; the back carries the back-cover text and, with an ISBN, its
EAN-13 barcode in a white box.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from markupsafe import Markup
from pikepdf import Array, Pdf

from booklet.model import PAPERS, Book, Output, Printing
from booklet.render import barcode
from booklet.render.layout import layout
from booklet.render.pdf import screen_document
from booklet.render.pdfx import PDF_VERSION, condition, make_pdfx, save

MM = Decimal(72) / Decimal("25.4")
BLEED_MM = Decimal(3)
TRIM_MM = {"A5": (Decimal(148), Decimal(210)), "half-letter": (Decimal("139.7"), Decimal("215.9"))}
SADDLE_MAX_PAGES = 64  # above this, `binding: auto` is a perfect binding
SPINE_TEXT_MIN_MM = Decimal(6)  # narrower spines stay blank (KDP: 79 pages and up, some 5 mm)
COVER_STYLES = ["book.css", "pdf.css", "cover.css"]


@dataclass(frozen=True)
class CoverPlan:
    """What the cover is, from the book's `print:` and its page count; lengths in mm."""

    binding: str  # "saddle-stitch" or "perfect"
    pages: int  # the interior's pages
    paper: str  # a named paper, or "" when `spine_per_page_mm` was given
    per_page: Decimal  # the paper's thickness a page
    trim: tuple[Decimal, Decimal]

    @property
    def sheets_pages(self) -> int:
        """Pages as printed: saddle stitch makes multiples of 4, a binding of 2 (blanks at end)."""
        step = 4 if self.binding == "saddle-stitch" else 2
        return math.ceil(self.pages / step) * step

    @property
    def blanks(self) -> int:
        return self.sheets_pages - self.pages

    @property
    def spine(self) -> Decimal:
        """The spine's width, to 0.01 mm: the pages' thickness (none for saddle stitch)."""
        if self.binding == "saddle-stitch":
            return Decimal(0)
        return (self.sheets_pages * self.per_page).quantize(Decimal("0.01"))

    @property
    def spine_text(self) -> bool:
        return self.spine >= SPINE_TEXT_MIN_MM

    @property
    def size(self) -> tuple[Decimal, Decimal]:
        """A cover page (saddle stitch) or the spread, bleed included."""
        width, height = self.trim
        if self.binding == "perfect":
            width = 2 * width + self.spine
        return width + 2 * BLEED_MM, height + 2 * BLEED_MM


def plan(book: Book, pages: int) -> CoverPlan:
    """The book's cover for an interior of `pages` pages."""
    return plan_for(book.meta.printing, book.meta.trim, pages)


def plan_for(printing: Printing, trim: str, pages: int) -> CoverPlan:
    binding = printing.binding
    if binding == "auto":
        binding = "saddle-stitch" if pages <= SADDLE_MAX_PAGES else "perfect"
    if printing.spine_per_page_mm:
        paper, per_page = "", Decimal(str(printing.spine_per_page_mm))
    else:
        paper, per_page = printing.paper, Decimal(PAPERS[printing.paper])
    return CoverPlan(binding, pages, paper, per_page, TRIM_MM[trim])


def points(mm: Decimal) -> Decimal:
    return (mm * MM).quantize(Decimal("0.0001"))


def render(book: Book, out_dir: Path) -> list[Output]:
    """`<slug>-cover.pdf`: four cover pages, or the spread with its spine."""
    cover = plan(book, len(screen_document(book).pages))
    width, height = cover.size
    size = f"{width}mm {height}mm"
    geometry = {
        "bleed": BLEED_MM,
        "trim_width": cover.trim[0],
        "trim_height": cover.trim[1],
        "spine": cover.spine,
    }
    digits = "".join(filter(str.isdigit, book.meta.isbn))
    bars = Markup(barcode.svg(digits)) if digits else ""
    document = layout(
        book,
        COVER_STYLES,
        template="cover.html",
        size=size,
        cover=cover,
        geometry=geometry,
        barcode=bars,
        # "ISBN" in Latin letters over the barcode in every language (ISO 2108), so not a label
        isbn_line=f"ISBN {book.meta.isbn}",
        back_text=book.meta.back_cover or book.meta.description,
    )
    source = document.write_pdf(pdf_identifier=book.meta.identifier.encode())
    path = out_dir / f"{book.meta.slug}-cover.pdf"
    count = write_cover(source, cover, path, book)
    return [Output("cover", path, count, book.meta.trim)]


def write_cover(source: bytes, cover: CoverPlan, path: Path, book: Book) -> int:
    """Set the boxes (MediaBox = BleedBox: print-on-demand services want no marks on covers;
    TrimBox the trim, or the spread's trim) and make the file PDF/X-4."""
    width, height = cover.size
    media = Array([0, 0, points(width), points(height)])
    trim = Array(
        [points(BLEED_MM), points(BLEED_MM), points(width - BLEED_MM), points(height - BLEED_MM)]
    )
    with Pdf.open(io.BytesIO(source)) as pdf:
        for page in pdf.pages:
            page.obj.MediaBox = media
            page.obj.BleedBox = media
            page.obj.TrimBox = trim
            page.obj.CropBox = media
        make_pdfx(pdf, book, condition(book))
        save(pdf, path, PDF_VERSION)
        return len(pdf.pages)
