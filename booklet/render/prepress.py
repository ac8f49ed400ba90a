"""The screen PDF and its layout in, the print-shop PDF (bleed, crop marks) and imposed booklet out.

Both start from the screen PDF's bytes rather than from a second layout: the pages stay the same
content streams (so the same page numbers, text and PDF/UA tags), and it costs a fraction of a
second instead of a second layout and write. What a layout with `@page { bleed; marks }` would add
is done here from the layout's boxes: backgrounds that touch the trim edge are extended into the
bleed, and crop marks are drawn outside the bleed (WeasyPrint draws them inside it).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pikepdf import Array, Dictionary, Name, Pdf, Stream, String

from booklet.errors import report
from booklet.model import Book, Output
from booklet.render.cover import plan
from booklet.render.layout import boxes
from booklet.render.pdf import full_resolution_pdf, preflight, screen_document, screen_pdf
from booklet.render.pdfx import PDF_VERSION, condition, make_pdfx, save
from booklet.render.preflight import write_report

MM = 72 / 25.4
PX = 0.75  # CSS px to PDF pt
BLEED = 3 * MM
MARK_OFFSET = 4 * MM  # from the trim line to the start of a crop mark: clear of the 3 mm bleed
MARK_LENGTH = 6 * MM
SLUG = MARK_OFFSET + MARK_LENGTH + 2 * MM  # paper around the trim that holds the marks
MARK_WIDTH = 0.3  # pt
REGISTRATION = Name("/BookletRegistration")
# Imposition paper per trim: two pages side by side on a landscape sheet.
SHEETS = {"A5": ("A4", 297 * MM, 210 * MM), "half-letter": ("Letter", 11 * 72.0, 8.5 * 72.0)}


@dataclass(frozen=True)
class Fill:
    """A flat background to paint in the bleed: colour operator and rectangle (PDF pt, y up)."""

    color: str
    x0: float
    y0: float
    x1: float
    y1: float


def render(book: Book, out_dir: Path) -> list[Output]:
    """`<slug>-print.pdf`: the trim size with bleed and crop marks, PDF/X-4; and the preflight
    report on it, `preflight.txt`."""
    path = out_dir / f"{book.meta.slug}-print.pdf"
    coarse = preflight(book, screen_document(book))
    for problem in coarse:
        report(problem)
    pages, added = write_print(
        full_resolution_pdf(book), edge_fills(screen_document(book)), path, book
    )
    report_output = write_report(book, path, coarse, added, out_dir)
    return [Output("print", path, pages + added, book.meta.trim), report_output]


def render_imposed(book: Book, out_dir: Path) -> list[Output]:
    """`<slug>-imposed-<paper>.pdf`: the pages two-up in saddle-stitch order."""
    paper, width, height = SHEETS[book.meta.trim]
    path = out_dir / f"{book.meta.slug}-imposed-{paper}.pdf"
    title = f"{book.meta.title}: booklet to print on {paper} paper"
    sides = write_imposed(screen_pdf(book), (width, height), path, title, book.meta.language)
    return [Output("imposed", path, sides, paper)]


# Print PDF ---------------------------------------------------------------------------------------


def css_color(color: Any) -> str | None:
    """A WeasyPrint colour as a PDF fill operator; None for transparent or translucent colours."""
    if color is None or color.alpha < 1:
        return None
    if color.space == "device-cmyk":
        return "{:.4f} {:.4f} {:.4f} {:.4f} k".format(*color.coordinates)
    return "{:.4f} {:.4f} {:.4f} rg".format(*color.to("srgb").coordinates)


def edge_fills(document: Any) -> list[list[Fill]]:
    """Per page, the flat backgrounds touching the trim edge, stretched into the bleed there."""
    result = []
    for page in document.pages:
        width, height = page.width * PX, page.height * PX
        fills = []
        for box in boxes(page._page_box):
            background = getattr(box, "background", None)
            if background is None or not background.layers:
                continue
            color = css_color(background.color)
            if color is None:
                continue
            x, y, w, h = background.layers[-1].painting_area
            # CSS (y down, px) to PDF (y up, pt)
            x0, x1 = x * PX, (x + w) * PX
            y0, y1 = height - (y + h) * PX, height - y * PX
            eps = 0.5
            left, right, bottom, top = x0 <= eps, x1 >= width - eps, y0 <= eps, y1 >= height - eps
            if not (left or right or bottom or top):
                continue
            fills.append(
                Fill(
                    color,
                    -BLEED if left else x0,
                    -BLEED if bottom else y0,
                    width + BLEED if right else x1,
                    height + BLEED if top else y1,
                )
            )
        result.append(fills)
    return result


def rect(x0: float, y0: float, x1: float, y1: float) -> str:
    return f"{x0:.3f} {y0:.3f} {x1 - x0:.3f} {y1 - y0:.3f} re"


def bleed_stream(fills: list[Fill]) -> str:
    """Paint the stretched fills behind the page's own content.

    Not clipped to the bleed strips: the box paints its own opaque background over the part inside
    the trim, and an unclipped fill leaves no hairline seam at the trim edge in viewers.
    """
    if not fills:
        return ""
    paint = "\n".join(f"{f.color} {rect(f.x0, f.y0, f.x1, f.y1)} f" for f in fills)
    return f"/Artifact BMC q\n{paint}\nQ EMC\n"


def marks_stream(width: float, height: float) -> str:
    """Eight crop marks on the trim lines, in the slug outside the bleed, in registration colour."""
    near, far = MARK_OFFSET, MARK_OFFSET + MARK_LENGTH
    lines = []
    for y in (0.0, height):  # horizontal marks at the top and bottom trim lines
        lines += [(-far, y, -near, y), (width + near, y, width + far, y)]
    for x in (0.0, width):  # vertical marks at the left and right trim lines
        lines += [(x, -far, x, -near), (x, height + near, x, height + far)]
    path = "\n".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S" for a, b, c, d in lines)
    return f"/Artifact BMC q {REGISTRATION} CS 1 SCN {MARK_WIDTH} w 0 J\n{path}\nQ EMC\n"


def registration_space() -> Array:
    """The `All` separation: marks print on every plate (the usual colour of printer's marks)."""
    tint = Dictionary(
        FunctionType=2, Domain=Array([0, 1]), C0=Array([0] * 4), C1=Array([1] * 4), N=1
    )
    return Array([Name.Separation, Name.All, Name.DeviceCMYK, tint])


def box(x0: float, y0: float, x1: float, y1: float) -> Array:
    return Array([Decimal(f"{v:.4f}") for v in (x0, y0, x1, y1)])


def write_print(source: bytes, fills: list[list[Fill]], path: Path, book: Book) -> tuple[int, int]:
    """Copy the screen PDF whole (tags, outline); widen each page, add bleed and marks; pad it to
    what the binding folds (`end_pages`); make it PDF/X-4 (`pdfx`). The book's pages and the
    pages added.

    The pages' own content streams are kept as they are: new streams are added before and after
    them, so nothing is decoded or re-encoded (pikepdf: a tenth of the time of a pypdf copy).
    """
    with Pdf.open(io.BytesIO(source)) as pdf:
        registration = pdf.make_indirect(registration_space())
        shared: dict[bytes, Stream] = {}  # same bytes, one stream (every page has the same marks)

        def stream(data: bytes) -> Stream:
            if data not in shared:
                shared[data] = pdf.make_stream(data)
            return shared[data]

        for page, page_fills in zip(pdf.pages, fills, strict=True):
            trim = [float(v) for v in page.mediabox]
            left, bottom, width, height = trim[0], trim[1], trim[2] - trim[0], trim[3] - trim[1]
            if left or bottom:  # WeasyPrint's pages start at the origin; keep the arithmetic simple
                raise ValueError("expected pages whose MediaBox starts at 0 0")
            resources = page.obj.Resources
            if Name.ColorSpace not in resources:
                resources.ColorSpace = Dictionary()
            resources.ColorSpace[REGISTRATION] = registration
            before = (bleed_stream(page_fills) + "q\n").encode()
            after = ("\nQ\n" + marks_stream(width, height)).encode()
            page.contents_add(stream(before), prepend=True)
            page.contents_add(stream(after), prepend=False)
            page.obj.TrimBox = box(0, 0, width, height)
            page.obj.BleedBox = box(-BLEED, -BLEED, width + BLEED, height + BLEED)
            page.obj.MediaBox = box(-SLUG, -SLUG, width + SLUG, height + SLUG)
            page.obj.CropBox = page.obj.MediaBox
        pages = len(pdf.pages)
        added = plan(book, pages).blanks
        for _ in range(added):
            end_page(pdf, width, height, registration, book.meta.printing.end_pages == "lined")
        make_pdfx(pdf, book, condition(book))
        save(pdf, path, PDF_VERSION)
        return pages, added


def rules_stream(width: float, height: float) -> str:
    """Ruled lines for notes inside the page's margins, as an artifact (no text to tag)."""
    margin, gap = 18 * MM, 8 * MM
    count = int((height - 2 * margin) // gap)
    lines = "\n".join(
        f"{margin:.3f} {height - margin - i * gap:.3f} m {width - margin:.3f} "
        f"{height - margin - i * gap:.3f} l S"
        for i in range(count + 1)
    )
    return f"/Artifact BMC q 0.72 0.72 0.72 rg 0.72 0.72 0.72 RG 0.4 w\n{lines}\nQ EMC\n"


def end_page(pdf: Pdf, width: float, height: float, registration: Any, lined: bool) -> None:
    """A page added at the end so the sheets fold (saddle stitch: a multiple of 4): blank, or
    ruled for notes; the same boxes and crop marks as the book's pages."""
    content = (rules_stream(width, height) if lined else "") + marks_stream(width, height)
    page = pdf.add_blank_page(page_size=(width, height))
    spaces = Dictionary()
    spaces[REGISTRATION] = registration
    page.obj.Resources = Dictionary(ColorSpace=spaces)
    page.contents_add(pdf.make_stream(content.encode()))
    page.obj.TrimBox = box(0, 0, width, height)
    page.obj.BleedBox = box(-BLEED, -BLEED, width + BLEED, height + BLEED)
    page.obj.MediaBox = box(-SLUG, -SLUG, width + SLUG, height + SLUG)
    page.obj.CropBox = page.obj.MediaBox


# Imposed booklet ---------------------------------------------------------------------------------


def saddle_stitch(pages: int) -> list[tuple[int, int]]:
    """Page numbers (1-based) on each sheet side, left then right; numbers over `pages` are blanks.

    The page count is padded to a multiple of 4 with blank pages at the end. Sheet k's front holds
    the last unplaced page and the first; its back the second and the second-to-last, so printing
    duplex (flip on short edge), folding the stack and stapling gives pages 1, 2, 3, ... in order.
    """
    total = math.ceil(pages / 4) * 4
    sides = []
    for sheet in range(total // 4):
        first = 2 * sheet + 1
        last = total - 2 * sheet
        sides.append((last, first))  # front
        sides.append((first + 1, last - 1))  # back
    return sides


def write_imposed(
    source: bytes, sheet: tuple[float, float], path: Path, title: str, language: str
) -> int:
    """Two pages per landscape sheet side in saddle-stitch order, spines meeting at the fold.

    Each page becomes a Form XObject drawn at its place: a tenth of the time of merging the
    pages' content streams, and the same marks on paper. Links are left out (on a sheet they
    would point into the unimposed book).
    """
    width, height = sheet
    fold = width / 2
    with Pdf.open(io.BytesIO(source)) as reader, Pdf.new() as pdf:
        count = len(reader.pages)
        forms = [pdf.copy_foreign(page.as_form_xobject()) for page in reader.pages]
        for left, right in saddle_stitch(count):
            placed = Dictionary()
            drawing = []
            for number, is_left in ((left, True), (right, False)):
                if number > count:
                    continue
                x0, y0, x1, y1 = (float(v) for v in reader.pages[number - 1].mediabox)
                w, h = x1 - x0, y1 - y0
                # 1 for A5 on half A4 and for half-letter on half Letter; smaller only if too big
                scale = min(1.0, fold / w, height / h)
                x = fold - w * scale if is_left else fold
                y = (height - h * scale) / 2
                name = Name(f"/Page{number}")
                placed[name] = forms[number - 1]
                e, f = x - x0 * scale, y - y0 * scale
                drawing.append(f"q {scale:.5f} 0 0 {scale:.5f} {e:.4f} {f:.4f} cm {name} Do Q")
            side = pdf.add_blank_page(page_size=(width, height))
            side.obj.MediaBox = box(0, 0, width, height)
            side.obj.Resources = Dictionary(XObject=placed)
            side.obj.Contents = pdf.make_stream("\n".join(drawing).encode())
        pdf.docinfo = pdf.make_indirect(Dictionary(Title=String(title), Producer=String("booklet")))
        pdf.Root.Lang = String(language)
        # Preset the print dialog: both sides, turned on the short edge, at 100 %.
        pdf.Root.ViewerPreferences = Dictionary(
            Duplex=Name.DuplexFlipShortEdge, PrintScaling=Name("/None"), DisplayDocTitle=True
        )
        save(pdf, path)
        return len(pdf.pages)
