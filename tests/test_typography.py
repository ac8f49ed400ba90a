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


def test_chapter_titles_summaries_and_captions_are_typeset(tmp_path: Path) -> None:
    chapter = """---
title: L'été au "marché"
summary: Ce qu'on y vend.
---

![Le parvis](parvis.svg "L'église et le parvis"){credit="Photo : d'après X"}
"""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    folder = write_manuscript(
        tmp_path / "m",
        'title: "Q"\nlanguage: fr\n',
        {"01-un.md": chapter},
        files={"parvis.svg": svg},
    )
    (first,) = load(folder).chapters
    assert first.title == "L’été au «\u202fmarché\u202f»"
    assert first.short_title == first.title
    assert first.summary == "Ce qu’on y vend."
    (credit,) = first.credits
    assert credit.caption == "L’église et le parvis"
    assert credit.text == "Photo\u00a0: d’après X"


def test_pull_quote_marks_are_the_languages_in_every_medium() -> None:
    """The web edition's pull-quote opened with '“' where the PDF and the EPUB use '«' (#26,
    item 11): each stylesheet gives French '«' and German '»'."""
    import re

    from booklet.resources import STYLES

    for sheet in ("sidebars.css", "epub.css", "web.css"):
        css = (STYLES / sheet).read_text(encoding="utf-8")
        for language, mark in (("fr", ("«", "\\00AB")), ("de", ("»", "\\00BB"))):
            rule = re.search(
                rf":lang\({language}\) \.sidebar-quote blockquote::before \{{ content: \"([^\"]+)\"",
                css,
            )
            assert rule and rule.group(1) in mark, (sheet, language)
