"""Column balancing that searches instead of stepping 1 px: same handout bytes, fewer layouts."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from booklet.load import load
from booklet.render import columns
from booklet.render.handouts import handout
from booklet.render.pdf import write
from booklet.reproducible import fixed_timestamps

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def restored() -> Iterator[None]:
    """Leave WeasyPrint patched (as every build does) whatever the test did."""
    yield
    columns.uninstall()
    columns.install()


def needs_weasyprint_70() -> None:
    import weasyprint

    if weasyprint.__version__ != columns.VERSION:
        pytest.skip(f"the patch is for WeasyPrint {columns.VERSION}; WeasyPrint's own code runs")


@pytest.mark.parametrize("threshold", [1, 2, 3, 7, 64, 89, 90, 200, None])
def test_search_stops_where_the_1px_steps_stop(threshold: int | None) -> None:
    start, limit = 124.25, 124.25 + 150.5  # 150 whole steps fit under the limit

    def enough(height: float) -> bool:
        return threshold is not None and height >= start + threshold

    steps = 1
    while not enough(start + steps) and start + steps + 1 <= limit:
        steps += 1
    search, trials = columns.PixelSearch(start, limit), 0
    while True:
        trials += 1
        if not search.record(enough(search.start + search.probe)):
            break
    assert search.result() == start + steps
    assert trials <= 2 * 8 + 1  # log2(150) doubling and halving trials, not 150


def column_layouts(book: Any, chapter: Any, paper: str) -> tuple[bytes, int]:
    """The handout's PDF bytes and how many times columns_layout laid out a column."""
    import weasyprint.layout.block as block

    original, count = block.block_box_layout, [0]

    def counting(*args: Any, **kwargs: Any) -> Any:
        if sys._getframe(1).f_code.co_name == "columns_layout":
            count[0] += 1
        return original(*args, **kwargs)

    block.block_box_layout = counting
    try:
        data = write(handout(book, chapter, paper), None, book)
    finally:
        block.block_box_layout = original
    assert data is not None
    return data, count[0]


def test_handout_bytes_are_unchanged_with_far_fewer_column_layouts(
    restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_weasyprint_70()
    book = load(ROOT / "manuscript")
    # Sabotage on Letter: a timeline sidebar taller than the first trial column.
    chapter = next(c for c in book.handout_chapters if c.slug == "sabotage")
    with fixed_timestamps(book):
        assert columns.install()
        patched, searched = column_layouts(book, chapter, "Letter")
        columns.uninstall()
        monkeypatch.setattr(columns, "install", lambda: False)  # layout() must not patch again
        original, stepped = column_layouts(book, chapter, "Letter")
    assert patched == original
    assert searched * 2 < stepped, (searched, stepped)


def test_other_weasyprint_code_is_left_alone(
    restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint.layout.block as block
    import weasyprint.layout.column as column

    columns.uninstall()
    original = column.columns_layout
    monkeypatch.setattr(columns, "SOURCE_SHA256", "0" * 64)
    assert columns.install() is False
    assert column.columns_layout is original and block.columns_layout is original
