"""The written print PDF and the book in, the preflight report out: what a print shop checks
(trim, bleed, pages and blanks, binding, cover and spine, colour and output intent, fonts,
coarse images, ISBN) as `preflight.txt` beside the outputs, and its problems as warnings at
book.yaml's lines (errors under --strict)."""

from __future__ import annotations

from pathlib import Path

from pikepdf import Dictionary, Name, Pdf

from booklet.errors import Diagnostic, report
from booklet.model import Book, Output
from booklet.render.cover import BLEED_MM, SADDLE_MAX_PAGES, CoverPlan, plan
from booklet.render.pdfx import condition

PERFECT_MIN_PAGES = 32  # print-on-demand services' least for a glued spine (Lulu: 32)


def font_facts(pdf: Pdf) -> tuple[int, list[str]]:
    """How many fonts the file has, and the names of those without an embedded font program."""
    count, missing = 0, []
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get(Name.Type) != Name.Font:
            continue
        if obj.get(Name.Subtype) in (Name.Type0, Name.Type3):
            continue  # their descendants (or glyph procedures) carry the outlines
        count += 1
        descriptor = obj.get(Name.FontDescriptor)
        embedded = isinstance(descriptor, Dictionary) and any(
            key in descriptor for key in (Name.FontFile, Name.FontFile2, Name.FontFile3)
        )
        if not embedded:
            missing.append(str(obj.get(Name.BaseFont, "?")))
    return count, missing


def mm(value: object) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def cover_lines(book: Book, cover: CoverPlan) -> list[str]:
    width, height = cover.size
    name = f"{book.meta.slug}-cover.pdf"
    if cover.binding == "saddle-stitch":
        return [
            f"cover      {name}: 4 pages (outside front, inside front, inside back, outside "
            f"back), each {mm(width)} × {mm(height)} mm with the bleed",
            "spine      none (saddle stitch: the sheets are folded and stapled)",
        ]
    trim_width = cover.trim[0]
    paper = cover.paper or "the paper of print: spine_per_page_mm"
    text = "title on the spine" if cover.spine_text else "too narrow for text (under 6 mm)"
    return [
        f"cover      {name}: one spread {mm(width)} × {mm(height)} mm = bleed {mm(BLEED_MM)} "
        f"+ back {mm(trim_width)} + spine {mm(cover.spine)} + front {mm(trim_width)} + bleed "
        f"{mm(BLEED_MM)}",
        f"spine      {mm(cover.spine)} mm: {cover.sheets_pages} pages of {paper} "
        f"({cover.per_page} mm a page); {text}",
    ]


def added_pages(book: Book, cover: CoverPlan) -> str:
    """'1 blank page added at the end', or '2 ruled pages for notes …'."""
    lined = book.meta.printing.end_pages == "lined"
    kind = "ruled page" if lined else "blank page"
    plural = "s" if cover.blanks > 1 else ""
    notes = " for notes" if lined else ""
    return f"{cover.blanks} {kind}{plural}{notes} added at the end ({cover.sheets_pages} pages)"


def page_lines(book: Book, cover: CoverPlan) -> list[str]:
    binding = "saddle stitch" if cover.binding == "saddle-stitch" else "perfect binding"
    if cover.blanks:
        step = 4 if cover.binding == "saddle-stitch" else 2
        return [
            f"pages      {cover.pages} ({binding}): not a multiple of {step}; "
            + added_pages(book, cover)
        ]
    return [f"pages      {cover.pages} ({binding})"]


def problems(book: Book, cover: CoverPlan, missing: list[str]) -> list[str]:
    found = []
    if missing:
        found.append(f"fonts not embedded: {', '.join(missing)}")
    printing = book.meta.printing
    if cover.blanks and printing.asked and printing.end_pages == "blank":
        # Only for a book headed to a print shop (a `print:` section): a printer asks about
        # blank pages; a teacher printing the imposed booklet at school expects them.
        step = 4 if cover.binding == "saddle-stitch" else 2
        plural = "s" if cover.blanks > 1 else ""
        found.append(
            f"{cover.pages} pages are not a multiple of {step}: the print PDF ends with "
            f"{cover.blanks} blank page{plural} ({cover.sheets_pages} pages); lengthen or "
            "shorten the book, or set 'end_pages: lined' under print: for ruled pages for notes"
        )
    if book.meta.printing.binding == "saddle-stitch" and cover.pages > SADDLE_MAX_PAGES:
        found.append(
            f"saddle stitch of {cover.pages} pages: print shops staple up to about "
            f"{SADDLE_MAX_PAGES}; set 'binding: perfect' under print:"
        )
    if cover.binding == "perfect" and cover.pages < PERFECT_MIN_PAGES:
        found.append(
            f"perfect binding of {cover.pages} pages: print-on-demand services glue "
            f"{PERFECT_MIN_PAGES} pages or more; set 'binding: saddle-stitch' under print:"
        )
    return found


def write_report(
    book: Book, printed: Path, coarse: list[Diagnostic], added: int, out_dir: Path
) -> Output:
    """`preflight.txt` from the written print PDF (its last `added` pages: what the binding
    needed beside the book's); its problems reported as warnings."""
    with Pdf.open(printed) as pdf:
        pages = len(pdf.pages) - added
        count, missing = font_facts(pdf)
        (intent,) = pdf.Root.OutputIntents
        version = str(pdf.docinfo.get(Name.GTS_PDFXVersion, "none"))
    cover = plan(book, pages)
    chosen = condition(book)
    width, height = cover.trim
    edition = f" ({book.meta.edition})" if book.meta.edition else ""
    images = [f"           {d.path}:{d.line}: {d.message}" for d in coarse]
    found = problems(book, cover, missing)
    lines = [
        f"Preflight for the print shop: {book.meta.title}{edition}",
        f"interior   {printed.name}: {version}, trim {book.meta.trim} ({mm(width)} × "
        f"{mm(height)} mm), bleed {mm(BLEED_MM)} mm, crop marks 4 to 10 mm outside the trim",
        *page_lines(book, cover),
        *cover_lines(book, cover),
        f"colour     RGB as sRGB; output intent {intent.OutputConditionIdentifier} "
        f"({chosen.description}), its profile embedded",
        f"fonts      {count}, "
        + ("all embedded (subsets)" if not missing else f"{len(missing)} not embedded"),
        "images     "
        + (f"{len(coarse)} under 300 ppi where printed:" if coarse else "none under 300 ppi"),
        *images,
        "isbn       "
        + (f"{book.meta.isbn}, barcode on the back cover" if book.meta.isbn else "none"),
        "problems   " + ("; ".join(found) if found else "none"),
    ]
    path = out_dir / "preflight.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    yaml = book.root / "book.yaml"
    for problem in found:
        report(Diagnostic(str(yaml), 1, f"preflight: {problem}", "warning"))
    return Output("preflight", path, 0)
