"""A URL that WeasyPrint wants in, its bytes out: only files in allowed folders and small data: URLs."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher

MAX_FILE_BYTES = 20_000_000
MAX_DATA_URL_BYTES = 2_000_000


class BlockedURL(FatalURLFetchingError):  # type: ignore[misc]
    """Raised for any URL outside the allowed folders; it aborts the render."""


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
    """Serves `file:` URLs inside `roots` (after resolving symlinks) and bounded `data:` URLs."""

    def __init__(self, roots: tuple[Path, ...]) -> None:
        super().__init__(timeout=5, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: object = None) -> Any:
        parts = urlsplit(url)
        if parts.scheme == "data":
            if len(url) > MAX_DATA_URL_BYTES:
                raise BlockedURL(f"data: URL of {len(url):,} bytes is over the limit")
        elif parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise BlockedURL(f"refused to read {path}: outside the manuscript")
            if not path.is_file():
                raise BlockedURL(f"refused to read {path}: not a regular file")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise BlockedURL(f"refused to read {path}: larger than {MAX_FILE_BYTES:,} bytes")
        else:
            raise BlockedURL(f"refused to fetch {url[:80]}: only files inside the manuscript")
        return super().fetch(url, headers)
