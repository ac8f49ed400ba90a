"""A `Book`, a template and stylesheets in, a laid-out WeasyPrint `Document` out: the one boundary
where the engine meets WeasyPrint (fonts, stylesheets, the column patch, the confined fetcher)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from functools import cache
from pathlib import Path
from typing import Any

from booklet.errors import Captured, capture
from booklet.model import Book
from booklet.render.templates import render
from booklet.resources import STYLES

TRIM_SIZES = {"A5": "148mm 210mm", "half-letter": "5.5in 8.5in"}


def capture_warnings() -> AbstractContextManager[Captured]:
    """WeasyPrint's warnings while laid out, kept from the console (the build reports them)."""
    return capture("weasyprint")


@cache
def font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def fetcher(book: Book) -> Any:
    from booklet.render.fetcher import ConfinedFetcher

    return ConfinedFetcher.for_book(book)


# Every stylesheet WeasyPrint lays out with (the EPUB's is for reading systems): parsed before
# the build forks its workers, so that each does not parse them again.
LAYOUT_STYLES = ("book.css", "sidebars.css", "pdf.css", "handout.css")


_parsed: dict[tuple[Path, str], Any] = {}


def sheet(book: Book, name: str) -> Any:
    """One stylesheet, parsed once per process and manuscript folder."""
    from weasyprint import CSS

    key = (book.root, name)
    if key not in _parsed:
        _parsed[key] = CSS(
            filename=str(STYLES / name), url_fetcher=fetcher(book), font_config=font_config()
        )
    return _parsed[key]


def page_sheet(book: Book, size: str) -> Any:
    """The page size as a stylesheet, once per process and size."""
    from weasyprint import CSS

    key = (book.root, f"@page {size}")
    if key not in _parsed:
        page = f"@page {{ size: {size}; }}"
        _parsed[key] = CSS(string=page, url_fetcher=fetcher(book), font_config=font_config())
    return _parsed[key]


def stylesheets(book: Book, names: list[str], size: str | None = None) -> list[Any]:
    """The named stylesheets plus the page size (default: the book's trim size).

    Parsed once per process: a build lays out some twenty documents with the same few sheets.
    """
    size = size or TRIM_SIZES[book.meta.trim]
    return [*(sheet(book, name) for name in names), page_sheet(book, size)]


def warm_up(book: Book) -> None:
    """What every layout needs, made once (before the build forks, so that workers share it):
    WeasyPrint imported (0.5 s), its column layout patched, the fonts' static instances, the
    templates compiled and the stylesheets parsed."""
    import weasyprint  # noqa: F401

    from booklet.assets.fonts import static_faces
    from booklet.render.columns import install
    from booklet.render.templates import environment

    install()
    static_faces()
    env = environment()
    for name in env.list_templates(extensions=["html", "xhtml"]):
        env.get_template(name)
    for name in LAYOUT_STYLES:
        sheet(book, name)


def layout(
    book: Book,
    styles: list[str],
    template: str = "book.html",
    size: str | None = None,
    **extra: Any,
) -> Any:
    """Lay out a template of the book with stylesheets and a page size (default: the trim)."""
    from weasyprint import HTML

    from booklet.render import columns, subsetting, tagging

    columns.install()  # column balancing that searches instead of stepping 1 px (WeasyPrint 70)
    tagging.install()  # /Lang on elements in another language
    subsetting.install()  # glyph arrays typed once
    source = render(template, book, **extra)
    from booklet.render.fetcher import refuse_attachments

    html = HTML(string=source, base_url=book.root.as_uri() + "/", url_fetcher=fetcher(book))
    document = html.render(stylesheets=stylesheets(book, styles, size), font_config=font_config())
    refuse_attachments(document)
    return document


def boxes(box: Any) -> Iterator[Any]:
    """A laid-out box and every box inside it."""
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def placements(document: Any) -> list[tuple[Any, list[Any]]]:
    """Each raster image the document draws, with the boxes (CSS px sizes) that draw it."""
    from weasyprint.images import RasterImage

    found: dict[int, tuple[Any, list[Any]]] = {}
    for page in document.pages:
        for box in boxes(page._page_box):
            image = getattr(box, "replacement", None)
            if isinstance(image, RasterImage):
                found.setdefault(id(image), (image, []))[1].append(box)
    return list(found.values())
