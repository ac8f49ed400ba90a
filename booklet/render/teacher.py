"""A `Book` with teacher's notes in, the teacher's guide out: one tagged PDF on the handouts'
first paper with, per chapter, its pages in the booklet, its summary, its notes on the chapter
(lesson steps) and each discussion question with the notes on it. Page numbers are those of
the screen PDF (the print PDF has the same pages), read from the one layout of the book."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from booklet.model import Book, Chapter, Item, Output, Sidebar
from booklet.render.layout import layout
from booklet.render.pdf import screen_document, write

PAPER_SIZES = {"A4": "210mm 297mm", "Letter": "8.5in 11in"}
STYLES = ["book.css", "teacher.css"]


@dataclass(frozen=True)
class Question:
    """One discussion question and the teacher's note on it ("" without one)."""

    item: Item
    note: str


@dataclass(frozen=True)
class Questions:
    """A questions box of the chapter: its page, its questions, and notes written as a whole
    (not one entry a question), if any."""

    box: Sidebar
    page: int
    questions: tuple[Question, ...]
    notes: str
    noted: bool


@dataclass(frozen=True)
class Entry:
    """A chapter in the guide."""

    chapter: Chapter
    pages: tuple[int, int]
    lessons: tuple[Sidebar, ...]
    questions: tuple[Questions, ...]


def first_pages(book: Book) -> dict[str, int]:
    """The page of the screen PDF on which each element id first appears."""
    found: dict[str, int] = {}
    for number, page in enumerate(screen_document(book).pages, 1):
        for ident in sorted(page.anchors):
            found.setdefault(ident, number)
    return found


def entry(chapter: Chapter, pages: dict[str, int]) -> Entry:
    """A chapter's part of the guide."""
    own = [n for ident, n in pages.items() if ident.startswith(chapter.slug + "--")]
    start = pages.get(chapter.slug, min(own, default=0))
    span = (start, max(own, default=start))
    notes = {n.questions: n.sidebar for n in chapter.teacher if n.questions}
    boxes = []
    for box in (s for s in chapter.sidebars if s.kind == "questions"):
        found = notes.get(box.id)
        paired = found is not None and len(found.items) == len(box.items)
        each = [i.html for i in found.items] if found is not None and paired else []
        boxes.append(
            Questions(
                box,
                pages.get(box.id, span[1]),
                tuple(Question(item, each[n] if each else "") for n, item in enumerate(box.items)),
                found.body_html if found is not None and not paired else "",
                found is not None,
            )
        )
    lessons = tuple(n.sidebar for n in chapter.teacher if not n.questions)
    return Entry(chapter, span, lessons, tuple(boxes))


def guide_paper(book: Book) -> str:
    return book.meta.handout_papers[0] if book.meta.handout_papers else "A4"


def render(book: Book, out_dir: Path) -> list[Output]:
    """`<slug>-teacher-guide.pdf`, for a book with teacher's notes (else nothing)."""
    if not any(chapter.teacher for chapter in book.chapters):
        return []
    pages = first_pages(book)
    entries = [entry(c, pages) for c in book.chapters if c.teacher or c.has_questions]
    paper = guide_paper(book)
    document = layout(
        book, STYLES, "teacher-guide.html", size=PAPER_SIZES[paper], entries=entries, paper=paper
    )
    path = out_dir / f"{book.meta.slug}-teacher-guide.pdf"
    write(document, path, book)
    return [Output("teacher", path, len(document.pages), paper)]
