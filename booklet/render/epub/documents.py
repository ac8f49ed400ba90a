"""A `Book` in, the EPUB's XHTML documents out: the chapters, glossary and credits rendered from
`templates/epub/`, each complete and added to the package byte for byte."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from booklet.model import Book
from booklet.render import templates

XHTML = "application/xhtml+xml"
STYLESHEET = "css/epub.css"
FONT_SHEET = "css/fonts.css"


@dataclass(frozen=True)
class Document:
    """One XHTML file of the EPUB (directly under EPUB/, next to content.opf)."""

    name: str
    uid: str
    text: str

    @property
    def properties(self) -> list[str]:
        return ["svg"] if "<svg" in self.text else []


def page(template: str, book: Book, **extra: Any) -> str:
    """One XHTML document from `templates/epub/`, linked to the fonts and the stylesheet."""
    sheets = [FONT_SHEET, STYLESHEET]
    return templates.render(f"epub/{template}", book, stylesheets=sheets, **extra)


def content_documents(book: Book) -> list[Document]:
    """The chapters, glossary and picture credits: the documents that hold the printed pages."""
    docs = [
        Document(f"{c.slug}.xhtml", f"chapter-{c.slug}", page("chapter.xhtml", book, chapter=c))
        for c in book.chapters
    ]
    if book.glossary:
        docs.append(Document("glossary.xhtml", "glossary", page("glossary.xhtml", book)))
    if book.credits or book.meta.cover_credit:
        docs.append(Document("credits.xhtml", "credits", page("credits.xhtml", book)))
    return docs
