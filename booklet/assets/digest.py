"""The engine's files and versions, a book, and its images in, the digests of what outputs are
made from out: the keys of reused outputs (`builder/reuse.py`) and of layouts kept on disk."""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from functools import cache, lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from booklet.confine import book_roots, read_confined
from booklet.model import Book
from booklet.resources import engine_files

PACKAGES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "tinyhtml5",
    "pyphen",
    "fonttools",
    "pikepdf",
    "ebooklib",
    "jinja2",
    "babel",
    "markdown-it-py",
    "mdit-py-plugins",
    "segno",
    "pypdfium2",
    "pillow",
    "brotli",
    "fontpkg-literata",
    "fontpkg-source-sans-3",
)


@cache
def engine_digest() -> bytes:
    """The code, templates, styles, library and font versions every output depends on."""
    from booklet.assets.instance import harfbuzz_version

    digest = hashlib.sha256(sys.version.encode())
    for package in PACKAGES:
        try:
            digest.update(f"{package}={version(package)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{package} missing\n".encode())
    digest.update(f"harfbuzz={harfbuzz_version()}\n".encode())
    for name, path in engine_files():
        digest.update(f"{name}\n".encode())
        digest.update(path.read_bytes())
    return digest.digest()


@lru_cache(maxsize=8)  # a few books: a preview process builds again and again
def images_digest(book: Book) -> bytes:
    """The bytes of every image the book uses, hashed: read once per process and book, and
    before the build forks, so its job keys and the EPUB's page map share one reading."""
    digest = hashlib.sha256()
    for image in book.images:
        digest.update(
            hashlib.sha256(read_confined(book.root / image.path, book_roots(book))).digest()
        )
    return digest.digest()


def book_text(book: Book) -> str:
    """The book as text for a digest: everything loaded, but not where its folder is (a moved
    manuscript keeps its keys)."""
    return repr(dataclasses.replace(book, root=Path(".")))
