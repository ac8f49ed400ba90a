"""A `Book` in, the laid-out booklet (WeasyPrint `Document`) and the screen PDF out."""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from booklet.errors import Diagnostic
from booklet.model import Book, Image
from booklet.render.templates import render
from booklet.resources import STYLES

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

    from booklet.render.columns import install

    install()  # column balancing that searches instead of stepping 1 px (WeasyPrint 70 only)
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


def drawn_image(book: Book, box: Any) -> Image | None:
    """The book's PNG or JPEG image an `<img>` box shows, if any."""
    from booklet.assets.images import book_image

    src = box.element.get("src", "") if box.element is not None else ""
    image = book_image(book, src)
    return image if image is not None and image.media_type != "image/svg+xml" else None


def screen_images(book: Book, document: Any) -> list[tuple[Any, Any]]:
    """(box, replacement) for every image drawn finer than the screen's ppi at its placed size.

    The replacement is the image resampled to `images.SCREEN_PPI` at its largest placement.
    """
    from weasyprint.images import RasterImage

    from booklet.assets.images import PRINT, SCREEN_PPI, downsampled, version

    swaps: list[tuple[Any, Any]] = []
    if all(image.media_type == "image/svg+xml" for image in book.images):
        return swaps  # nothing to resample: no need to walk the layout
    for image, placed in placements(document):
        shown = drawn_image(book, placed[0])
        if shown is None:
            continue
        master = version(book, shown, PRINT)
        width = max(math.ceil(box.width / 96 * SCREEN_PPI) for box in placed)
        height = max(math.ceil(box.height / 96 * SCREEN_PPI) for box in placed)
        smaller = downsampled(master, width, height)
        if smaller == master:
            continue
        from PIL import Image as PILImage

        data = smaller.path.read_bytes()
        replacement = RasterImage(
            PILImage.open(io.BytesIO(data)), f"{image.id}-screen", data, str(smaller.path)
        )
        swaps += [(box, replacement) for box in placed]
    return swaps


def write(
    document: Any, path: Path | None, book: Book, full_resolution: bool = False
) -> bytes | None:
    """Write a tagged PDF/UA-1 file (or return its bytes when `path` is None).

    Images are written at `images.SCREEN_PPI` for their placed size, unless `full_resolution`
    (the print PDF): the layout is shared, only the image streams differ.
    """
    swaps = [] if full_resolution else screen_images(book, document)
    originals = [(box, box.replacement) for box, _ in swaps]
    for box, replacement in swaps:
        box.replacement = replacement
    try:
        return document.write_pdf(  # type: ignore[no-any-return]
            path,
            pdf_variant="pdf/ua-1",
            pdf_identifier=book.meta.identifier.encode(),
            uncompressed_pdf=False,
        )
    finally:
        for box, original in originals:
            box.replacement = original


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


def preflight(book: Book, document: Any) -> list[Diagnostic]:
    """A warning for each image printed under `images.PRINT_PPI` at its placed size, at the
    line that shows it (its first use, with its coarsest placement)."""
    from booklet.assets.images import PRINT_PPI, ppi

    found: list[Diagnostic] = []
    if all(image.media_type == "image/svg+xml" for image in book.images):
        return found
    for drawn, placed in placements(document):
        image = drawn_image(book, placed[0])
        if image is None or not image.uses:
            continue
        worst = min(ppi((drawn.width, drawn.height), (box.width, box.height)) for box in placed)
        if worst < PRINT_PPI:
            path, line = image.uses[0]
            message = (
                f"{image.path} is {worst:.0f} ppi where it is printed (needs {PRINT_PPI} for print)"
            )
            found.append(Diagnostic(path, line, message, "warning"))
    return found


@cache
def full_resolution_pdf(book: Book) -> bytes:
    """The screen PDF's layout written with every image at full resolution (for the print PDF);
    the screen PDF's bytes themselves when it has no downsampled image."""
    document = screen_document(book)
    if not screen_images(book, document):
        return screen_pdf(book)
    data = write(document, None, book, full_resolution=True)
    assert data is not None
    return data


def render_screen(book: Book, out_dir: Path) -> list[Output]:
    """The screen PDF: `<slug>.pdf`."""
    path = out_dir / f"{book.meta.slug}.pdf"
    path.write_bytes(screen_pdf(book))
    return [Output("pdf", path, len(screen_document(book).pages))]
