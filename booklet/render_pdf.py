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
from .render_html import render
from .resources import STYLES

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


_parsed: dict[tuple[Path, tuple[str, ...], str], list[Any]] = {}


def stylesheets(book: Book, names: list[str], size: str | None = None) -> list[Any]:
    """The named stylesheets plus the page size (default: the book's trim size).

    Parsed once per process: a build lays out some twenty documents with the same few sheets.
    """
    from weasyprint import CSS

    size = size or TRIM_SIZES[book.meta.trim]
    key = (book.root, tuple(names), size)
    if key not in _parsed:
        sheets = [
            CSS(filename=str(STYLES / name), url_fetcher=fetcher(book), font_config=font_config())
            for name in names
        ]
        page = f"@page {{ size: {size}; }}"
        sheets.append(CSS(string=page, url_fetcher=fetcher(book), font_config=font_config()))
        _parsed[key] = sheets
    return _parsed[key]


def layout(
    book: Book,
    styles: list[str],
    template: str = "book.html",
    size: str | None = None,
    **extra: Any,
) -> Any:
    """Lay out a template of the book with stylesheets and a page size (default: the trim)."""
    from weasyprint import HTML

    from .columns import install

    install()  # column balancing that searches instead of stepping 1 px (WeasyPrint 70 only)
    source = render(template, book, **extra)
    from .fetch import refuse_attachments

    html = HTML(string=source, base_url=book.root.as_uri() + "/", url_fetcher=fetcher(book))
    document = html.render(stylesheets=stylesheets(book, styles, size), font_config=font_config())
    refuse_attachments(document)
    return document


def boxes(box: Any) -> Iterator[Any]:
    """A laid-out box and every box inside it."""
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def write(document: Any, path: Path | None, book: Book) -> bytes | None:
    """Write a tagged PDF/UA-1 file (or return its bytes when `path` is None)."""
    return document.write_pdf(  # type: ignore[no-any-return]
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


@cache
def screen_pdf(book: Book) -> bytes:
    """The screen PDF's bytes, written once per process (the print and imposed PDFs reuse them)."""
    data = write(screen_document(book), None, book)
    assert data is not None
    return data


def render_screen(book: Book, out_dir: Path) -> list[Output]:
    """The screen PDF: `<slug>.pdf`."""
    path = out_dir / f"{book.meta.slug}.pdf"
    path.write_bytes(screen_pdf(book))
    return [Output("pdf", path, len(screen_document(book).pages))]
