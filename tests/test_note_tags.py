"""Footnotes in the PDFs' structure trees (#27; PDF/UA-1 7.9): each footnote a `Note` with a
unique `ID`, referenced from its call, in every tagged PDF (screen, print, handouts)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import MANUSCRIPT, SAMPLE

from booklet.load import load

TAGGED = ("pdf", "print", "handout", "handouts")
CONTINUED = re.compile(r"--\d+$")


def structure(document: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element of an open PDF, in the tree's order."""
    found: list[pikepdf.Dictionary] = []

    def visit(node: Any) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                visit(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                visit(node.K)

    visit(document.Root.StructTreeRoot.K)
    return found


def check_notes(pdf: Path) -> tuple[list[str], list[str]]:
    """The IDs of the Notes and the notes the calls refer to, after checking the Notes' IDs
    are there and unique and every reference points at a Note."""
    with pikepdf.open(pdf) as document:
        elements = structure(document)
        notes = [str(e.get("/ID", "")) for e in elements if e.S == "/Note"]
        assert all(notes), f"{pdf.name}: a Note without ID"
        ids = Counter(str(e.ID) for e in elements if "/ID" in e)
        assert [i for i, n in ids.items() if n > 1] == [], f"{pdf.name}: duplicate IDs"
        referred = []
        for element in elements:
            for target in element.get("/Ref", []):
                assert target.S == "/Note", pdf.name
                referred.append(str(target.ID))
        return notes, referred


@pytest.mark.parametrize("which", ["sample", "booklet"])
def test_every_footnote_is_a_note_with_an_id_referenced_from_its_call(
    which: str, request: pytest.FixtureRequest
) -> None:
    out, result = request.getfixturevalue(f"{which}_build")
    assert result.returncode == 0, result.stderr
    book = load(SAMPLE if which == "sample" else MANUSCRIPT)
    manifest = json.loads((out / "manifest.json").read_text())
    outputs = [
        o
        for o in manifest["outputs"]
        if o["kind"] in TAGGED and o.get("language", book.meta.language) == book.meta.language
    ]
    assert {o["kind"] for o in outputs} == set(TAGGED)
    handout_slugs = {c.slug for c in book.chapters if c.handout}
    for output in outputs:
        if output["kind"] == "handout":
            shown = [c for c in book.chapters if output["path"].startswith(f"handouts/{c.slug}-")]
        elif output["kind"] == "handouts":
            shown = [c for c in book.chapters if c.slug in handout_slugs]
        else:
            shown = list(book.chapters)
        expected = [note.id for chapter in shown for note in chapter.footnotes]
        notes, referred = check_notes(out / output["path"])
        # a note split over two pages is a Note on each, the second's ID ending in '--2'
        assert sorted(n for n in notes if not CONTINUED.search(n)) == sorted(expected), output
        assert sorted(set(referred)) == sorted(expected), output["path"]
    assert sum(len(c.footnotes) for c in book.chapters) >= 1
