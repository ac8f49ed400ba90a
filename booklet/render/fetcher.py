"""A URL that WeasyPrint wants in, its bytes out: files inside the book's folders, small data: URLs.

`ConfinedFetcher` applies the rule of `confine.py` to everything WeasyPrint loads (images,
stylesheets, fonts, references inside SVG) and refuses every other URL: other paths, devices,
http(s), ftp. `refuse_attachments` stops a laid-out document that would embed files. The path
rule itself is re-exported here for renderers that read files without WeasyPrint.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from booklet.confine import (
    MAX_DATA_URL_BYTES,
    MAX_FILE_BYTES,
    Refusal,
    Refused,
    book_roots,
    check_inside,
    confined_path,
    read_confined,
    record,
    refusals,
)

if TYPE_CHECKING:
    from booklet.model import Book

__all__ = [
    "MAX_DATA_URL_BYTES",
    "MAX_FILE_BYTES",
    "BlockedURL",
    "ConfinedFetcher",
    "Refusal",
    "Refused",
    "book_roots",
    "check_inside",
    "confined_path",
    "read_confined",
    "refusals",
    "refuse_attachments",
]


class BlockedURL(Refusal, FatalURLFetchingError):  # type: ignore[misc]
    """A refused URL; it aborts the render (a BaseException, like its WeasyPrint base)."""


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's fetcher for a book: `file:` URLs inside `roots` and small `data:` URLs only."""

    def __init__(
        self, roots: Iterable[Path], substitute: Callable[[Path], Path | None] | None = None
    ) -> None:
        # Only the data: handler is ever reached through urllib: file: URLs are read below and
        # every other scheme is refused first; `allowed_protocols` is a second lock on that door.
        super().__init__(timeout=5, allowed_protocols={"data"}, allow_redirects=False)
        self.roots = tuple(Path(os.path.realpath(root)) for root in roots)
        self.substitute = substitute

    @classmethod
    def for_book(cls, book: Book) -> ConfinedFetcher:
        """The fetcher for a book's PDFs: its PNG and JPEG images are read as their
        full-resolution versions (upright, sRGB, without metadata; see `images.py`)."""
        from booklet.assets.images import print_file

        return cls(book_roots(book), lambda path: print_file(book, path))

    def fetch(self, url: str, headers: Any = None) -> Any:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            if len(url) > MAX_DATA_URL_BYTES:
                message = (
                    f"refused a data: URL of {len(url):,} bytes (limit {MAX_DATA_URL_BYTES:,})"
                )
                raise BlockedURL(record(message))
            return super().fetch(url, headers)
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            message = f"refused to fetch '{url[:100]}': only files inside the manuscript are read"
            raise BlockedURL(record(message))
        path = unquote(parts.path)
        try:
            version = self.substitute(confined_path(path, self.roots)) if self.substitute else None
            if version is not None:
                path = str(version)  # also the URL: WeasyPrint rereads image files by it
            body = read_confined(path, self.roots)
        except Refused as exc:
            raise BlockedURL(str(exc)) from None
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        real = Path(os.path.realpath(path)).as_uri()
        return URLFetcherResponse(real, body, {"Content-Type": media_type})


def refuse_attachments(document: Any) -> None:
    """Raise `BlockedURL` if a laid-out WeasyPrint document would embed files as attachments."""
    targets = [
        str(link[1]) for page in document.pages for link in page.links if link[0] == "attachment"
    ]
    if getattr(document.metadata, "attachments", None):
        targets.append("<link rel=attachment>")
    if targets:
        raise BlockedURL(
            record(f"refused to attach '{targets[0][:100]}': outputs never embed files")
        )
