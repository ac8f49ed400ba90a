"""The shipped booklet: it builds cleanly, uses every sidebar kind, and is written in our own words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import MANUSCRIPT, SHARED, write_manuscript

from booklet.load import load
from booklet.load.sidebars import SCHEMAS
from booklet.model import Sidebar

NOTES = SHARED / "source" / "belgium-resistance.txt"
QUOTE_FENCE = re.compile(r"^:::\{quote\}.*?^:::$", re.M | re.S)
RUN = 8

# People the notes name without ever giving a pronoun; the booklet must not give them one either.
# King Leopold and the 1941 strike's (unnamed) leader are among them.
NO_PRONOUN = re.compile(r"\b(?:Wendelen|Kerkhofs|Trepper|Leopold|leader)\b")
GENDERED = re.compile(r"\b(?:he|his|him|himself|she|her|hers|herself)\b", re.I)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", ""))


def runs(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def pronoun_slips(text: str) -> list[str]:
    """Paragraphs that name someone in NO_PRONOUN and also use a gendered pronoun."""
    return [
        " ".join(p.split())
        for p in re.split(r"\n\s*\n", text)
        if NO_PRONOUN.search(p) and GENDERED.search(p)
    ]


def test_pronoun_check_catches_a_slip() -> None:
    slip = "An SOE agent called André Wendelen was dropped into Belgium. His orders were clear."
    assert pronoun_slips(f"Intro.\n\n{slip}\n\nPaul Struye kept his diary.") == [slip]
    assert pronoun_slips("Wendelen's orders were clear.\n\nStruye kept his diary.") == []


def test_no_pronouns_the_notes_do_not_give() -> None:
    slips = [
        f"{path.name}: {slip[:100]}"
        for path in sorted(MANUSCRIPT.glob("*.md"))
        for slip in pronoun_slips(path.read_text(encoding="utf-8"))
    ]
    assert not slips, "pronouns the notes never give:\n" + "\n".join(slips)


def test_booklet_builds_without_warnings(booklet_build: tuple[Path, object]) -> None:
    out, result = booklet_build
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["warnings"] == []
    assert any(o["kind"] == "pdf" and o["pages"] >= 24 for o in manifest["outputs"])


def test_booklet_uses_every_sidebar_kind() -> None:
    book = load(MANUSCRIPT)
    used = {b.kind for c in book.chapters for b in c.blocks if isinstance(b, Sidebar)}
    used |= {n.sidebar.kind for c in book.chapters for n in c.teacher}
    assert used == set(SCHEMAS)


def test_booklet_length_and_handouts() -> None:
    book = load(MANUSCRIPT)
    total = sum(c.words for c in book.chapters)
    assert 3000 <= total <= 5000, total
    assert book.meta.language == "en"
    assert book.handout_chapters, "some chapters are marked as handouts"
    for chapter in book.chapters:
        if chapter.source != "08-sources.md":
            assert chapter.has_questions, f"{chapter.source} has no discussion questions"


@pytest.mark.skipif(not NOTES.exists(), reason="research notes (../shared) not present")
def test_no_copied_runs_outside_quotes() -> None:
    notes = runs(NOTES.read_text(encoding="utf-8"))
    for path in sorted(MANUSCRIPT.glob("*.md")):
        own = QUOTE_FENCE.sub("", path.read_text(encoding="utf-8"))
        copied = runs(own) & notes
        assert not copied, f"{path.name} copies from the notes: {[' '.join(c) for c in copied][:3]}"


@pytest.mark.skipif(not NOTES.exists(), reason="research notes (../shared) not present")
def test_quotations_are_in_the_notes() -> None:
    notes = " ".join(words(NOTES.read_text(encoding="utf-8")))
    book = load(MANUSCRIPT)
    for chapter in book.chapters:
        for sidebar in chapter.sidebars:
            if sidebar.kind == "quote":
                text = re.sub(r"<[^>]+>", "", sidebar.body_html)
                # A quotation may be shortened with ellipses; every part must be in the notes.
                for part in re.split(r"…|\.\.\.|\[.*?\]", text):
                    said = " ".join(words(part))
                    if said:
                        assert said in notes, f"quotation not in the notes: {said[:60]}"


def test_file_names_from_titles_are_ascii_and_short() -> None:
    """#26, item 9: accents folded, at most 40 characters cut at a word's end."""
    from booklet.load.meta import file_slug

    title = "Histoire de notre quartier : Saint-Gilles d’hier à aujourd’hui"
    assert file_slug(title) == "histoire-de-notre-quartier-saint-gilles"
    assert file_slug("Brochure d’exemple") == "brochure-d-exemple"
    assert file_slug("Die Straße") == "die-strasse"
    assert file_slug("Heroes of the Resistance") == "heroes-of-the-resistance"
    assert file_slug("Ελληνικά") == "booklet"


def test_a_slug_key_names_the_outputs(tmp_path: Path) -> None:
    from booklet.load import load

    folder = write_manuscript(
        tmp_path / "m",
        'title: "Histoire de notre quartier"\nlanguage: fr\nslug: quartier\n',
        {"01-un.md": "---\ntitle: Un\n---\n\nTexte.\n"},
    )
    assert load(folder).meta.slug == "quartier"
