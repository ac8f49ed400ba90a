"""The benchmark's manuscript generator makes a loadable manuscript of about the requested size."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.generate import WORDS_PER_PAGE, copies_for, generate, pandoc_markdown, words
from booklet.load import load

SHIPPED = Path(__file__).resolve().parent.parent / "manuscript"


def test_generated_manuscript_loads_and_has_the_requested_size(tmp_path: Path) -> None:
    folder = generate(SHIPPED, tmp_path / "m150", 150)
    book = load(folder)
    shipped = load(SHIPPED)
    copies = copies_for(SHIPPED, 150)
    assert copies > 1
    assert len(book.chapters) == copies * len(shipped.chapters)
    assert len({c.slug for c in book.chapters}) == len(book.chapters)
    assert len(book.glossary) == copies * len(shipped.glossary)
    assert abs(words(folder) / WORDS_PER_PAGE - 150) < 0.15 * 150
    assert book.chapters[len(shipped.chapters)].title == f"{shipped.chapters[0].title} (2)"
    assert book.meta.title == f"{shipped.meta.title} (150 pages)"


def test_links_point_into_their_own_copy(tmp_path: Path) -> None:
    folder = generate(SHIPPED, tmp_path / "m", 100)
    second = sorted(folder.glob("*-2.md"))
    linked = {
        m
        for p in second
        for m in re.findall(r"\]\((\d+-[a-z0-9-]+\.md)", p.read_text(encoding="utf-8"))
    }
    assert linked and all(name.removesuffix(".md").endswith("-2") for name in linked)


def test_pandoc_text_has_one_heading_per_chapter_and_unique_notes(tmp_path: Path) -> None:
    folder = generate(SHIPPED, tmp_path / "m", 100)
    text = pandoc_markdown(folder)
    book = load(folder)
    assert len(re.findall(r"^# ", text, re.M)) == len(book.chapters)
    assert "---\ntitle:" not in text
    definitions = re.findall(r"^\[\^([^\]]+)\]:", text, re.M)
    assert definitions and len(definitions) == len(set(definitions))


def test_sidebars_beyond_the_limit_become_plain_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import benchmarks.generate

    monkeypatch.setattr(benchmarks.generate, "MAX_SIDEBARS", 60)
    folder = generate(SHIPPED, tmp_path / "m", 100)
    book = load(folder)
    assert sum(len(c.sidebars) + len(c.teacher) for c in book.chapters) == 60
    assert words(folder) > 0.9 * copies_for(SHIPPED, 100) * words(SHIPPED)


def test_a_600_page_book_of_the_booklets_density_loads(tmp_path: Path) -> None:
    """The sidebar limit grows with the text: 600 pages hold far more than 500 sidebars."""
    folder = generate(SHIPPED, tmp_path / "m", 600)
    book = load(folder)
    sidebars = sum(len(c.sidebars) for c in book.chapters)
    assert sidebars > 600
    assert sidebars == copies_for(SHIPPED, 600) * sum(
        len(c.sidebars) for c in load(SHIPPED).chapters
    )


def test_a_generated_book_keeps_its_editions_loadable(tmp_path: Path) -> None:
    """The bench builds every edition of the generated books: their catalogues' book title
    follows the new one, and the folded front matter of the copies reads back."""
    folder = generate(SHIPPED, tmp_path / "m", 60)
    for language in ("nl", "fr"):
        book = load(folder, language=language)
        assert book.meta.title.endswith(" (60 pages)")
        assert book.meta.title != load(folder).meta.title


def test_untranslated_chapters_of_an_edition_give_well_formed_documents(tmp_path: Path) -> None:
    """The copies have no catalogues: every block falls back to English, marked with its
    `lang`; a term's definition and a footnote are made inline, and their marked paragraph
    was left open inside a span ('Opening and ending tag mismatch' in the French EPUB)."""
    from lxml import etree

    from booklet.render.epub.documents import content_documents

    book = load(generate(SHIPPED, tmp_path / "m", 30), language="fr")
    for document in content_documents(book):
        root = etree.fromstring(document.text.encode())  # raises on malformed markup
        assert root is not None
    definitions = [d for d in content_documents(book) if 'class="term-definition"' in d.text]
    assert any('<span class="term-definition"><span lang="en">' in d.text for d in definitions)
