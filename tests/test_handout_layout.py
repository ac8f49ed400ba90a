"""Each handout laid out once: answer lines grown in place give the bytes a second layout gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from booklet.load import load
from booklet.render import handouts
from booklet.render.handouts import LINE_MM, PX_PER_MM, handout, room_per_question
from booklet.render.pdf import write
from booklet.reproducible import fixed_timestamps

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def book() -> Any:
    return load(ROOT / "manuscript")


@pytest.mark.parametrize(("slug", "paper"), [("occupation", "A4"), ("sabotage", "Letter")])
def test_lines_grown_in_place_fill_the_sheet_with_one_layout(
    book: Any, slug: str, paper: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    chapter = next(c for c in book.handout_chapters if c.slug == slug)
    layouts: list[int] = []
    original = handouts.handout_layout

    def counted(*args: Any) -> Any:
        layouts.append(args[3])  # the answer lines asked for
        return original(*args)

    monkeypatch.setattr(handouts, "handout_layout", counted)
    with fixed_timestamps(book):
        grown = handout(book, chapter, paper)
        assert layouts == [3]  # one layout of the whole handout, with three lines a question
        ruled = [b.height for p in grown.pages for b in handouts.with_class(p, "answer-lines")]
        lines = round(max(ruled) / PX_PER_MM / LINE_MM)  # each box: lines × 7 mm + 1 mm
        assert lines > 3, "the shipped handouts have room for more lines"
        # Filled: no page has room left for one more line under each of its questions.
        stay, _ = room_per_question(grown)
        assert stay < LINE_MM * PX_PER_MM
        again = handout(book, chapter, paper, in_place=False)
        assert layouts[1:] == [3, lines]  # the old way: measure, then lay out again
        assert write(grown, None, book) == write(again, None, book)
