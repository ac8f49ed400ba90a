"""A `Book` in, classroom handouts out: one per marked chapter, paper and variant, and (from
those files) all in one per paper and variant.

Each chapter with `handout: true` is laid out on each paper of `handout_papers` with
`templates/handout.html` and `styles/handout.css`, once per variant of `handout_variants`: the
standard one, large print and dyslexia-friendly, which differ only by a stylesheet laid over
(`VARIANTS`). A standard handout must fit one sheet printed on both sides; one that does not is
reported (a warning, an error under `--strict`) with its chapter, paper and how many pages over
it runs. The other variants take the sheets they need: their count is in the outputs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import segno
from markupsafe import Markup

from booklet import i18n
from booklet.errors import Diagnostic, report
from booklet.model import Block, Book, Chapter, Output, Prose, Sidebar
from booklet.render.layout import boxes, layout
from booklet.render.merge import merge
from booklet.render.pdf import write

PAPER_SIZES = {"A4": "210mm 297mm", "Letter": "8.5in 11in"}
SHEET_PAGES = 2  # one sheet, front and back
HANDOUT_STYLES = ["book.css", "sidebars.css", "handout.css"]


@dataclass(frozen=True)
class Variant:
    """A handout variant: the stylesheet laid over handout.css, the pitch of its ruled lines
    (as that stylesheet draws them), and whether it must fit one sheet."""

    stylesheet: str | None
    line_mm: float
    one_sheet: bool


VARIANTS = {
    "standard": Variant(None, 7, True),
    # APH and UKAAF clear print: 18 pt sans, one column, more room to write (README).
    "large-print": Variant("handout-large-print.css", 12, False),
    # British Dyslexia Association style guide: 13 pt sans, 1.5 spacing, cream (README).
    "dyslexia": Variant("handout-dyslexia.css", 10, False),
}
LINE_MM = VARIANTS["standard"].line_mm
ANSWER_LINES = 3  # lines under each question at least ...
MAX_ANSWER_LINES = 9  # ... and at most, when the last page has room to spare
PX_PER_MM = 96 / 25.4


def short_link(url: str) -> str:
    """The download address as printed: without the scheme or a trailing slash."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            url = url[len(scheme) :]
    return url.rstrip("/")


@cache
def qr_code(url: str) -> str:
    """The download address as a QR code: a PNG data: URL, one pixel per module.

    Drawn without smoothing (`image-rendering: pixelated` in handout.css), so its modules stay
    sharp squares at any size, in print too; one image per PDF instead of some thousand path
    segments drawn again on every page (a third of a handout's writing time). Made once."""
    if not url:
        return ""
    code = segno.make(url, error="m")
    return str(code.png_data_uri(scale=1, border=2, dark="#1d1d1b"))


def overflow(
    book: Book, chapter: Chapter, paper: str, pages: int, variant: str = "standard"
) -> Diagnostic | None:
    """A warning when a handout that must does not fit one sheet printed on both sides."""
    if pages <= SHEET_PAGES or not VARIANTS[variant].one_sheet:
        return None
    where = f"{book.root.name}/{chapter.source}"
    return Diagnostic(
        where,
        1,
        f"handout '{chapter.title}' on {paper} runs to {pages} pages "
        f"({pages - SHEET_PAGES} over the {SHEET_PAGES}-page sheet); "
        "shorten it or set handout: false",
        "warning",
    )


def handout(
    book: Book, chapter: Chapter, paper: str, in_place: bool = True, variant: str = "standard"
) -> Any:
    """One chapter laid out as a handout on one paper (a WeasyPrint Document).

    The header band is measured first, on a page that holds nothing else (a tenth of a full
    layout). The handout is then laid out with exactly that band and three ruled lines under each
    question, which tells how much room is left under the questions. If each page's questions
    can share their page's room, the ruled boxes are made taller where they are (`grow_lines`):
    the layout stays the one made. Only when the questions would have to move to the last page to
    get more lines is the handout laid out again (`in_place=False` always lays out again).
    """
    pitch = VARIANTS[variant].line_mm
    header = header_height(header_only(book, chapter, paper, variant).pages[0]) / PX_PER_MM
    first = handout_layout(book, chapter, paper, ANSWER_LINES, header, variant)
    stay, gather = room_per_question(first)
    lines = answer_lines(max(stay, gather) / PX_PER_MM, pitch)
    if lines == ANSWER_LINES:
        return first
    if in_place and answer_lines(stay / PX_PER_MM, pitch) == lines:
        return grow_lines(first, (lines - ANSWER_LINES) * pitch * PX_PER_MM)
    # Room is an estimate (columns rebalance, questions move whole): step down if it overflows.
    for tried in dict.fromkeys((lines, (lines + ANSWER_LINES) // 2, ANSWER_LINES)):
        final = handout_layout(book, chapter, paper, tried, header, variant)
        if len(final.pages) <= len(first.pages):
            break
    return final


def answer_lines(room_mm: float, pitch: float = LINE_MM) -> int:
    """Ruled lines under each question when each may grow by `room_mm`."""
    return max(ANSWER_LINES, min(MAX_ANSWER_LINES, ANSWER_LINES + math.floor(room_mm / pitch)))


def styles(variant: str) -> list[str]:
    sheet = VARIANTS[variant].stylesheet
    return [*HANDOUT_STYLES, sheet] if sheet else HANDOUT_STYLES


def header_only(book: Book, chapter: Chapter, paper: str, variant: str = "standard") -> Any:
    """The handout's first page with its header band and nothing else (to measure the band)."""
    empty = replace(chapter, blocks=(), footnotes=())
    return layout(
        book,
        styles(variant),
        "handout.html",
        size=PAPER_SIZES[paper],
        chapter=empty,
        body=empty,
        questions=(),
        lead_ins={},
        paper=paper,
        short_link="",
        qr="",
        answer_height=f"{ANSWER_LINES * VARIANTS[variant].line_mm + 1}mm",
        header_space="0mm",
        variant=variant,
    )


def grow_lines(document: Any, extra: float) -> Any:
    """The laid-out handout with every ruled box `extra` CSS px taller, in place.

    Each page's questions fit its room (`room_per_question`), so nothing moves to another page:
    a new layout with taller boxes would put every box where this one does, only lower by the
    growth above it (tests/test_handouts.py compares the bytes). The boxes below a taller box
    move down, the boxes around it grow, and the pages' backgrounds, links and anchors are
    worked out again from the moved boxes.
    """
    from weasyprint.document import Page
    from weasyprint.layout.background import layout_backgrounds

    for page in document.pages:
        targets = {id(box) for box in with_class(page, "answer-lines")}
        if targets:
            grow(page._page_box.children[0], targets, extra)
            layout_backgrounds(page._page_box, no_images)
    document.pages[:] = [Page(page._page_box) for page in document.pages]
    return document


def grow(box: Any, targets: set[int], extra: float) -> float:
    """Make the `targets` inside `box` `extra` taller; how much taller `box` became."""
    if id(box) in targets:
        box.height += extra
        return extra
    total = 0.0
    for child in getattr(box, "children", ()):
        if total and child.is_in_normal_flow():
            child.translate(dy=total)
        if child.is_in_normal_flow():
            total += grow(child, targets, extra)
    if total and not isinstance(box.height, str):
        box.height += total
    return total


def no_images(**_: Any) -> Any:
    """Backgrounds of a handout are colours and gradients; an image would need a new layout."""
    raise ValueError("handout backgrounds with images cannot be laid out again in place")


def handout_layout(
    book: Book,
    chapter: Chapter,
    paper: str,
    answer_lines: int,
    header_mm: float,
    variant: str = "standard",
) -> Any:
    """The handout with `answer_lines` ruled lines per question and `header_mm` for the band."""
    url = book.meta.download_url
    questions = tuple(s for s in chapter.sidebars if s.kind == "questions")
    blocks, lead_ins = lead_ins_of(chapter.blocks, questions)
    return layout(
        book,
        styles(variant),
        "handout.html",
        size=PAPER_SIZES[paper],
        chapter=chapter,
        body=replace(chapter, blocks=blocks),
        questions=questions,
        lead_ins=lead_ins,
        paper=paper,
        short_link=short_link(url),
        qr=qr_code(url),
        answer_height=f"{answer_lines * VARIANTS[variant].line_mm + 1}mm",
        header_space=f"{header_mm:.2f}mm",
        variant=variant,
    )


LAST_HEADING = re.compile(r"\s*<h([2-6])\b[^>]*>.*?</h\1>\s*$", re.S)


def lead_ins_of(
    blocks: tuple[Block, ...], questions: tuple[Sidebar, ...]
) -> tuple[tuple[Block, ...], dict[str, Markup]]:
    """The chapter's blocks without its questions, and the heading written just before each
    questions box (`## Questions to discuss`), by the box's id: the box goes last on the sheet,
    so its heading goes with it instead of staying behind, alone, at the end of the columns."""
    kept: list[Block] = []
    lead_ins: dict[str, Markup] = {}
    for block in blocks:
        if not isinstance(block, Sidebar) or block not in questions:
            kept.append(block)
            continue
        before = kept[-1] if kept else None
        found = LAST_HEADING.search(before.html) if isinstance(before, Prose) else None
        if isinstance(before, Prose) and found:
            lead_ins[block.id] = Markup(found.group(0).strip())
            rest = before.html[: found.start()]
            kept[-1:] = [Prose(rest)] if rest.strip() else []
    return tuple(kept), lead_ins


def with_class(page: Any, name: str) -> list[Any]:
    """The page's boxes made for elements of a class."""
    found = []
    for box in boxes(page._page_box):
        element = getattr(box, "element", None)
        if element is not None and name in (element.get("class") or "").split():
            found.append(box)
    return found


def header_height(page: Any) -> float:
    """CSS px of the header band with the space under it (0 when the page has none)."""
    return max((box.margin_height() for box in with_class(page, "handout-header")), default=0.0)


def room_per_question(document: Any) -> tuple[float, float]:
    """CSS px each question's ruled space can grow by and the handout still end on its last page.

    Questions do not split. Either each stays on its page, so the room under the last question of
    every page is shared by that page's questions (the first value); or the questions of earlier
    pages move whole to the last page and all share what is left there (the second).
    """
    pages = []  # (questions on the page, room under them)
    for page in document.pages:
        items = [
            child
            for box in with_class(page, "questions-list")
            for child in box.children
            if child.element_tag == "li"
        ]
        if items:
            page_box = page._page_box
            foot = page_box.content_box_y() + page_box.height
            end = max(
                b.position_y + b.margin_height()
                for b in [*items, *with_class(page, "handout-chapter")]
            )
            pages.append((items, max(0.0, float(foot - end))))
    if not pages:
        return 0.0, 0.0
    stay = min(room / len(items) for items, room in pages)
    moved = float(sum(item.margin_height() for items, _ in pages[:-1] for item in items))
    total = sum(len(items) for items, _ in pages)
    gather = max(0.0, pages[-1][1] - moved) / total
    return stay, gather


def variant_name(book: Book, variant: str) -> str:
    """What a handout variant is called in the book's language ("large print")."""
    if variant == "large-print":
        return i18n.label_text(book.meta, "large-print", "large print")
    if variant == "dyslexia":
        return i18n.label_text(book.meta, "dyslexia-friendly", "dyslexia-friendly")
    return i18n.label_text(book.meta, "standard-print", "standard print")


def combined_title(book: Book, paper: str, variant: str) -> tuple[str, str]:
    """The title and description of the file of all handouts of one paper and variant."""
    title = i18n.label_text(
        book.meta,
        "handouts-title",
        "%(title)s: classroom handouts (%(paper)s)",
        title=book.meta.title,
        paper=paper if variant == "standard" else f"{paper}, {variant_name(book, variant)}",
    )
    description = i18n.label_text(
        book.meta,
        "handouts-description",
        "One-sheet handouts of %(title)s, one per chapter.",
        title=book.meta.title,
    )
    return title, description


def render(book: Book, out_dir: Path) -> list[Output]:
    """`handouts/<chapter-slug>-<paper>[-<variant>].pdf` per marked chapter, paper and variant
    (the standard variant has no suffix). The builder runs one job per handout, side by side,
    and joins them with `render_combined`."""
    if not book.handout_chapters or not book.meta.handout_papers:
        return []
    (out_dir / "handouts").mkdir(exist_ok=True)
    return [
        render_one(book, chapter, paper, variant, out_dir)
        for paper in book.meta.handout_papers
        for variant in book.meta.handout_variants
        for chapter in book.handout_chapters
    ]


def render_one(book: Book, chapter: Chapter, paper: str, variant: str, out_dir: Path) -> Output:
    """One chapter's handout on one paper in one variant, its overflow reported."""
    document = handout(book, chapter, paper, variant=variant)
    problem = overflow(book, chapter, paper, len(document.pages), variant)
    if problem:
        report(problem)
    suffix = "" if variant == "standard" else f"-{variant}"
    path = out_dir / "handouts" / f"{chapter.slug}-{paper}{suffix}.pdf"
    write(document, path, book)
    return Output("handout", path, len(document.pages), paper, "" if suffix == "" else variant)


def render_combined(book: Book, out_dir: Path, handouts: list[Output]) -> list[Output]:
    """`handouts-<paper>[-<variant>].pdf`: the finished handouts of each paper and variant in one
    file, in the order given, each starting on a front side (joined, not laid out again)."""
    groups: dict[tuple[str, str], list[Path]] = {}
    for output in handouts:
        if output.kind == "handout" and output.paper:
            groups.setdefault((output.paper, output.variant), []).append(output.path)
    outputs = []
    for (paper, named), paths in groups.items():
        suffix = f"-{named}" if named else ""
        path = out_dir / f"handouts-{paper}{suffix}.pdf"
        title, description = combined_title(book, paper, named or "standard")
        pages = merge(paths, path, title, description)
        outputs.append(Output("handouts", path, pages, paper, named))
    return outputs
