"""Links with accents (#26, item 1): one rule for what an author types, raw or
percent-encoded, accents kept or left off; ids are made with accents folded."""

from __future__ import annotations

from pathlib import Path

from conftest import write_manuscript

from booklet.load import load

FIRST = """---
title: Le quartier
---

Voir [les élèves](02-marché.md#où-sont-les-élèves), [sans accents](02-marche.md#ou-sont-les-eleves),
[encodé](02-march%C3%A9.md#o%C3%B9-sont-les-%C3%A9l%C3%A8ves), [ici](#été) et [le marché](02-marché.md).

## Été {#été}
"""
SECOND = "---\ntitle: Le marché\n---\n\n## Où sont les élèves ?\n\nAu marché.\n"


def test_every_spelling_of_an_accented_link_leads_to_its_heading(tmp_path: Path) -> None:
    folder = write_manuscript(
        tmp_path / "m",
        'title: "Notre quartier"\nlanguage: fr\n',
        {"01-quartier.md": FIRST, "02-marché.md": SECOND},
    )
    book = load(folder)
    first, second = book.chapters
    assert second.slug == "marche"  # file names from chapters are ASCII too
    assert [h.id for h in second.headings] == ["marche--ou-sont-les-eleves"]
    assert [h.id for h in first.headings] == ["quartier--ete"]
    html = first.blocks[0].html  # type: ignore[union-attr]
    assert html.count('href="#marche--ou-sont-les-eleves"') == 3
    assert 'href="#quartier--ete"' in html and 'href="#marche"' in html


def test_an_unused_footnote_definition_is_a_warning_at_its_line(tmp_path: Path) -> None:
    """#26, item 19."""
    chapter = "---\ntitle: Un\n---\n\nTexte.[^a]\n\n[^a]: Appelée.\n\n[^b]: Jamais appelée.\n"
    folder = write_manuscript(tmp_path / "m", 'title: "Q"\nlanguage: fr\n', {"01-un.md": chapter})
    assert [str(w) for w in load(folder).warnings] == [
        "m/01-un.md:9: warning: footnote [^b] is defined but never called, so it is printed "
        "nowhere; call it with [^b] in the text, or remove it"
    ]
