"""A `Book` in, the one time every output stamps out: SOURCE_DATE_EPOCH when set, else the
book's date, so the same manuscript gives the same bytes."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager

from booklet.model import Book


def source_time(book: Book) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set (a build sets it, see `fixed_timestamps`), else the date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.combine(book.meta.date, dt.time(), dt.UTC)


@contextmanager
def fixed_timestamps(book: Book) -> Iterator[None]:
    """Same input, same bytes: libraries that stamp times (font subsetting) use the book's date.

    An explicit SOURCE_DATE_EPOCH wins; ours is removed again after the build.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    when = dt.datetime.combine(book.meta.date, dt.time(), tzinfo=dt.UTC)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
