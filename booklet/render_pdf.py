"""A `Book` in, the laid-out booklet (WeasyPrint `Document`) and the screen PDF out."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .model import Book
from .render_html import STYLES, render

TRIM_SIZES = {"A5": "148mm 210mm", "half-letter": "5.5in 8.5in"}


@dataclass(frozen=True)
class Output:
    kind: str
    path: Path
    pages: int
    paper: str | None = None


class WarningLog(logging.Handler):
    """Collects WeasyPrint's warnings so the build can report (and tests can forbid) them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def capture_warnings() -> Iterator[WarningLog]:
    handler = WarningLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


@cache
def font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def fetcher(book: Book) -> Any:
    from .fetch import ConfinedFetcher

    return ConfinedFetcher.for_book(book)


def stylesheets(book: Book, names: list[str]) -> list[Any]:
    from weasyprint import CSS

    size = TRIM_SIZES[book.meta.trim]
    sheets = [
        CSS(filename=str(STYLES / name), url_fetcher=fetcher(book), font_config=font_config())
        for name in names
    ]
    page = f"@page {{ size: {size}; }}"
    sheets.append(CSS(string=page, url_fetcher=fetcher(book), font_config=font_config()))
    return sheets


def layout(book: Book, styles: list[str], template: str = "book.html", **extra: Any) -> Any:
    """Lay out a template of the book with the given stylesheets; returns a WeasyPrint Document."""
    from weasyprint import HTML

    source = render(template, book, **extra)
    from .fetch import refuse_attachments

    html = HTML(string=source, base_url=book.root.as_uri() + "/", url_fetcher=fetcher(book))
    document = html.render(stylesheets=stylesheets(book, styles), font_config=font_config())
    refuse_attachments(document)
    return document


def write(document: Any, path: Path, book: Book) -> None:
    document.write_pdf(
        path,
        pdf_variant="pdf/ua-1",
        pdf_identifier=book.meta.identifier.encode(),
        uncompressed_pdf=False,
    )


SCREEN_STYLES = ["book.css", "sidebars.css", "pdf.css"]


@cache
def screen_document(book: Book) -> Any:
    """The booklet laid out once per process; the PDFs and the EPUB page-list reuse it."""
    return layout(book, SCREEN_STYLES)


def render_screen(book: Book, out_dir: Path) -> list[Output]:
    """The screen PDF: `<slug>.pdf`."""
    document = screen_document(book)
    path = out_dir / f"{book.meta.slug}.pdf"
    write(document, path, book)
    return [Output("pdf", path, len(document.pages))]
