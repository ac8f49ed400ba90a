"""A `Book` in, the laid-out booklet and its screen PDF (tagged PDF/UA-1) out; the print PDF and
the EPUB's page-list reuse the same layout."""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path
from typing import Any

from booklet.errors import Diagnostic
from booklet.model import Book, Image, Output
from booklet.render.layout import layout, placements


def drawn_image(book: Book, box: Any) -> Image | None:
    """The book's PNG or JPEG image an `<img>` box shows, if any."""
    from booklet.assets.images import book_image

    src = box.element.get("src", "") if box.element is not None else ""
    image = book_image(book, src)
    return image if image is not None and not image.is_svg else None


def screen_images(book: Book, document: Any) -> list[tuple[Any, Any]]:
    """(box, replacement) for every image drawn finer than the screen's ppi at its placed size.

    The replacement is the image resampled to `images.SCREEN_PPI` at its largest placement.
    """
    from weasyprint.images import RasterImage

    from booklet.assets.images import PRINT, SCREEN_PPI, downsampled, version

    swaps: list[tuple[Any, Any]] = []
    if all(image.is_svg for image in book.images):
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
    if all(image.is_svg for image in book.images):
        return found
    for drawn, placed in placements(document):
        image = drawn_image(book, placed[0])
        if image is None or image not in book.shown_images or not image.uses:
            continue  # a cover photo shown only on the cover is checked when it is read
        worst = min(ppi((drawn.width, drawn.height), (box.width, box.height)) for box in placed)
        if worst < PRINT_PPI:
            path, line = image.uses[0]
            scale = PRINT_PPI / worst  # what the pixels must become for the same printed size
            wide, high = (math.ceil(side * scale - 1e-6) for side in (drawn.width, drawn.height))
            message = (
                f"{image.path} is {worst:.0f} ppi where it is printed (needs {PRINT_PPI} for "
                f"print): give it at least {wide} × {high} pixels, or show it smaller"
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


def render(book: Book, out_dir: Path) -> list[Output]:
    """The screen PDF: `<slug>.pdf`."""
    path = out_dir / f"{book.meta.slug}.pdf"
    path.write_bytes(screen_pdf(book))
    return [Output("pdf", path, len(screen_document(book).pages))]
