"""A path some stage wants to read in, the real file (or a refusal) out: reads stay inside the book.

The one rule for every reader (the loader, WeasyPrint's fetcher in `fetch.py`, the EPUB packager):
a file may be read only if, with every symlink resolved, it is a regular file inside one of the
allowed folders (the manuscript, templates, styles, fonts) and not larger than a limit. Refusals
are raised as `Refused` and also recorded for `refusals()` watchers, because some libraries
swallow exceptions; the build checks the record after rendering.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from booklet.resources import STYLES, TEMPLATES
from booklet.store import cache_folders

if TYPE_CHECKING:
    from booklet.model import Book

MAX_FILE_BYTES = 20_000_000
MAX_DATA_URL_BYTES = 2_000_000  # what WeasyPrint may decode from one data: URL
_watchers: list[list[str]] = []


class Refusal:
    """Marks an exception as a refused read (`Refused` here, `BlockedURL` in fetch.py)."""


class Refused(Refusal, Exception):
    """A read outside the allowed folders, of a non-regular file, or of a file over the limit."""


def record(message: str) -> str:
    """Note a refusal for every `refusals()` watcher; returns the message."""
    for refused in _watchers:
        refused.append(message)
    return message


@contextmanager
def refusals() -> Iterator[list[str]]:
    """Collect the message of every read refused while the block runs (even swallowed ones)."""
    refused: list[str] = []
    _watchers.append(refused)
    try:
        yield refused
    finally:
        _watchers.remove(refused)


def book_roots(book: Book) -> tuple[Path, ...]:
    """The folders any output may read from: the manuscript, templates, styles, fonts, and the
    images made from the manuscript's."""
    return (book.root, TEMPLATES, STYLES, *cache_folders())


def check_inside(path: Path | str, roots: Iterable[Path]) -> bool:
    """Whether `path`, with every symlink resolved, lies inside one of `roots`."""
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(os.path.realpath(root)) for root in roots)


def confined_path(path: Path | str, roots: Iterable[Path], limit: int = MAX_FILE_BYTES) -> Path:
    """The real path of a regular file inside `roots` of at most `limit` bytes; else `Refused`."""
    try:
        real = Path(os.path.realpath(path))
    except (ValueError, OSError):  # a NUL byte, a name too long
        raise Refused(record(f"refused to read {str(path)!r}: not a usable file name")) from None
    if not check_inside(real, roots):
        raise Refused(record(f"refused to read '{path}': it is outside the manuscript folder"))
    try:
        info = real.stat()
    except OSError as exc:
        raise Refused(record(f"refused to read '{path}': {exc.strerror}")) from None
    if not stat.S_ISREG(info.st_mode):
        raise Refused(record(f"refused to read '{path}': not a regular file"))
    if info.st_size > limit:
        raise Refused(record(f"refused to read '{path}': larger than {limit:,} bytes"))
    return real


def read_confined(path: Path | str, roots: Iterable[Path], limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file that `confined_path` allows, checked again on the opened file."""
    real = confined_path(path, roots, limit)
    # O_NOFOLLOW: `real` has no symlinks left, so one here means the path changed meanwhile;
    # O_NONBLOCK: opening a FIFO swapped in meanwhile must not hang (fstat refuses it below).
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise Refused(record(f"refused to read '{path}': {exc.strerror}")) from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise Refused(record(f"refused to read '{path}': not a regular file"))
        data = file.read(limit + 1)
    if len(data) > limit:
        raise Refused(record(f"refused to read '{path}': larger than {limit:,} bytes"))
    return data
