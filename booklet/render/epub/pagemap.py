"""A `Book` in, what its EPUB takes from the screen layout out: the element ids on each printed
page (for the page-list) and page 1 as a JPEG (the cover image).

Both are kept in the disk cache under the digest of everything the layout is made from (the
book, its images, the engine's files and versions), so that an EPUB built alone from a book laid
out before (`--only epub`, or a build whose PDFs were reused) does not lay it out again.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from booklet.assets.digest import book_text, engine_digest, images_digest
from booklet.model import Book
from booklet.render.pdf import screen_document
from booklet.store import cached_file

COVER_WIDTH = 1600  # pixels; the height follows the trim (A5: 2263)
KEPT = 64  # page maps kept on disk (a live preview makes one an edit): the newest


@dataclass(frozen=True)
class PageMap:
    anchors: tuple[frozenset[str], ...]  # the ids present on each page (a split block: on several)
    cover: bytes  # page 1 as a JPEG about COVER_WIDTH pixels wide


def layout_digest(book: Book) -> str:
    """The digest of everything the screen layout is made from."""
    digest = hashlib.sha256(engine_digest())
    digest.update(book_text(book).encode())
    digest.update(images_digest(book))
    return digest.hexdigest()


@cache
def page_map(book: Book) -> PageMap:
    """The book's page map: from the disk cache if this layout was made before, else laid out."""
    path = cached_file("layouts", f"{layout_digest(book)}.json", lambda: laid_out(book))
    prune(path.parent)
    data = json.loads(path.read_text(encoding="utf-8"))
    return PageMap(
        tuple(frozenset(ids) for ids in data["anchors"]), base64.b64decode(data["cover"])
    )


def laid_out(book: Book) -> bytes:
    """The page map read off the book's layout, as the JSON kept on disk."""
    anchors = [sorted(page.anchors) for page in screen_document(book).pages]
    cover = base64.b64encode(cover_image(book)).decode()
    return json.dumps({"anchors": anchors, "cover": cover}).encode()


def prune(folder: Path) -> None:
    """Keep the newest `KEPT` page maps."""
    found = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in found[KEPT:]:
        old.unlink(missing_ok=True)


def cover_image(book: Book) -> bytes:
    """Page 1 of the screen PDF (the printed cover) as a JPEG about 1600 pixels wide."""
    import pypdfium2

    document = screen_document(book)
    pdf = document.copy([document.pages[0]]).write_pdf()
    with pypdfium2.PdfDocument(pdf) as source:
        cover = source[0]
        bitmap = cover.render(scale=COVER_WIDTH / cover.get_width())
        image = bitmap.to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue()
