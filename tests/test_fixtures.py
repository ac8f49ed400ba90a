"""Markdown → HTML fixtures (markdown-it-py style) for every sidebar kind and every sidebar error.

A fixture file holds cases separated by lines of '.': a title, the Markdown, the expected output.
Run `pytest --regen` to rewrite the expectations after an intended change, then review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_manuscript

from booklet.errors import ManuscriptError
from booklet.load import load
from booklet.render.templates import environment

FIXTURES = Path(__file__).parent / "fixtures"
BOOK_YAML = 'title: "Fixture"\nlanguage: en\ndate: 2026-01-01\n'
FRONT = "---\ntitle: Fixture chapter\n---\n"  # chapter text starts on line 4


def read_cases(path: Path) -> list[tuple[str, str, str]]:
    """(title, input, expected) triples from a fixture file."""
    parts = path.read_text(encoding="utf-8").split("\n.\n")
    cases = []
    for i in range(0, len(parts) - 2, 3):
        cases.append((parts[i].strip(), parts[i + 1], parts[i + 2].strip("\n")))
    return cases


def write_cases(path: Path, cases: list[tuple[str, str, str]]) -> None:
    chunks = [f"{title}\n.\n{source}\n.\n{expected}\n.\n" for title, source, expected in cases]
    path.write_text("\n".join(chunks), encoding="utf-8")


def convert(source: str, tmp_path: Path) -> str:
    """Markdown of one chapter → its blocks rendered as in the EPUB, or its error lines."""
    write_manuscript(tmp_path, BOOK_YAML, {"01-fixture.md": FRONT + source + "\n"})
    try:
        book = load(tmp_path)
    except ManuscriptError as error:
        prefix = f"{tmp_path.name}/"
        return "\n".join(str(d).removeprefix(prefix) for d in error.diagnostics)
    template = environment().from_string(
        '{% from "_blocks.html" import blocks with context %}{{ blocks(chapter, "epub") }}'
    )
    html = template.render(chapter=book.chapters[0], book=book)
    return "\n".join(line.rstrip() for line in html.strip().splitlines() if line.strip())


def all_cases() -> list[object]:
    params = []
    for path in sorted(FIXTURES.glob("*.md")):
        for index, (title, source, expected) in enumerate(read_cases(path)):
            params.append(pytest.param(path, index, source, expected, id=f"{path.stem}: {title}"))
    return params


@pytest.mark.parametrize(("path", "index", "source", "expected"), all_cases())
def test_fixture(
    path: Path, index: int, source: str, expected: str, tmp_path: Path, regen: bool
) -> None:
    actual = convert(source, tmp_path)
    if regen and actual != expected:
        cases = read_cases(path)
        title, src, _ = cases[index]
        cases[index] = (title, src, actual)
        write_cases(path, cases)
        return
    assert actual == expected


def test_every_kind_has_a_fixture() -> None:
    from booklet.load.sidebars import SCHEMAS

    text = (FIXTURES / "sidebars.md").read_text(encoding="utf-8")
    for kind in SCHEMAS:
        assert f":::{{{kind}}}" in text, f"no fixture for sidebar kind {kind}"
