"""One typographic pass for every text a reader sees (#26, item 11): book.yaml's texts and the
book's labels get the apostrophes, quotation marks and French spaces the chapters' body gets."""

from __future__ import annotations

from pathlib import Path

from conftest import write_manuscript

from booklet.load import load
from booklet.load.typography import smart

BOOK = """\
title: "Saint-Gilles d'hier à aujourd'hui"
subtitle: 'Le "marché" du parvis'
language: fr
authors: ["Anne d'Ursel"]
description: "L'histoire d'un quartier."
labels:
  questions: "À l'école"
"""


def test_book_yaml_texts_and_labels_are_typeset(tmp_path: Path) -> None:
    folder = write_manuscript(tmp_path / "m", BOOK, {"01-un.md": "---\ntitle: Un\n---\n\nL'été.\n"})
    meta = load(folder).meta
    assert meta.title == "Saint-Gilles d’hier à aujourd’hui"
    assert meta.subtitle == "Le «\u202fmarché\u202f» du parvis"
    assert meta.authors == ("Anne d’Ursel",)
    assert meta.description == "L’histoire d’un quartier."
    assert dict(meta.labels)["questions"] == "À l’école"
    assert meta.slug == "saint-gilles-d-hier-a-aujourd-hui"  # from the title as written


def test_nothing_in_a_field_is_read_as_markdown() -> None:
    assert smart("*Star* _wars_ [x](y)", "en") == "*Star* _wars_ [x](y)"
    assert smart('Das "erste" Heft', "de") == "Das „erste“ Heft"
    assert smart("Pupils' work -- 1944...", "en") == "Pupils’ work – 1944…"
