"""Timeline dates as history teachers write them (#26, item 13): approximate dates, decades,
centuries and years before the common era in each shipped language, in order, and shown the
local way (an ISO date in a French book reads '1 mai 1900')."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_manuscript

from booklet import i18n
from booklet.load import dates, load

FORMS = {
    "en": ["52 BC", "5th century", "c. 1850", "19th century", "1960s"],
    "fr": ["52 av. J.-C.", "Ve siècle", "vers 1850", "XIXe siècle", "années 1960"],
    "nl": ["52 v.Chr.", "5e eeuw", "rond 1850", "19e eeuw", "jaren 1960"],
    "de": ["52 v. Chr.", "5. Jahrhundert", "um 1850", "19. Jahrhundert", "1960er Jahre"],
}
KEYS = [(-52, 0, 0), (400, 0, 0), (1850, 0, 0), (1800, 0, 0), (1960, 0, 0)]


@pytest.mark.parametrize("language", list(FORMS))
def test_each_language_writes_every_form(language: str) -> None:
    found = [dates.parse(text, language) for text in FORMS[language]]
    assert [w.key for w in found if w] == KEYS
    assert [w.form for w in found if w] == ["", "century", "about", "century", "decade"]


@pytest.mark.parametrize("language", list(FORMS))
def test_each_form_is_shown_the_local_way(language: str) -> None:
    shown = []
    for text in FORMS[language]:
        when = dates.parse(text, "en")
        assert when is not None, text
        shown.append(i18n.timeline_date(when.key, language, when.form))
    expected = {
        "en": ["52 BC", "5th century", "c. 1850", "19th century", "1960s"],
        "fr": ["52 av. J.-C.", "Ve siècle", "vers 1850", "XIXe siècle", "années 1960"],
        "nl": ["52 v.Chr.", "5e eeuw", "ca. 1850", "19e eeuw", "jaren 1960"],
        "de": ["52 v. Chr.", "5. Jahrhundert", "um 1850", "19. Jahrhundert", "1960er-Jahre"],
    }
    assert shown == expected[language]


def test_centuries_before_the_common_era_sort_oldest_first() -> None:
    second, first = dates.parse("IIe siècle av. J.-C.", "fr"), dates.parse("1st century BC")
    assert second and first and second.key < first.key < (1, 0, 0)


def test_a_french_timeline_of_every_form_loads_in_order(tmp_path: Path) -> None:
    chapter = """---
title: Le quartier
---

:::{timeline} Deux siècles et plus
- 52 av. J.-C. : César.
- XIXe siècle : Un village.
- vers 1850 : Les premières maisons.
- 1900-05-01 : Le tram.
- années 1960 : Le marché couvert.
:::
"""
    folder = write_manuscript(
        tmp_path / "m",
        'title: "Notre quartier"\nlanguage: fr\ndate: 2026-01-01\n',
        {"01-quartier.md": chapter},
    )
    book = load(folder)
    (sidebar,) = book.chapters[0].sidebars
    assert [item.key for item in sidebar.items] == [
        "52 av. J.-C.",
        "XIXe siècle",
        "vers 1850",
        "1 mai 1900",  # an ISO date the local way
        "années 1960",
    ]
    assert book.warnings == ()


def test_chart_values_keep_their_written_decimals(tmp_path: Path) -> None:
    """'3,10' in a French chart is shown '3,10', not '3,1' (#26, item 19)."""
    from booklet.load.sidebars import decimals
    from booklet.render.web import pages

    assert decimals("3,10", "fr") == 2 and decimals("70 000", "fr") == 0
    assert decimals("3.10", "en") == 2 and decimals("70,000", "en") == 0
    assert i18n.number(3.1, "fr", 2) == "3,10"
    chapter = "---\ntitle: Prix\n---\n\n:::{chart} Le pain\n- 1950 : 3,10\n- 1960 : 4\n:::\n"
    folder = write_manuscript(
        tmp_path / "m",
        'title: "Prix"\nlanguage: fr\ndate: 2026-01-01\n',
        {"01-prix.md": chapter},
    )
    page = next(p for p in pages(load(folder)) if p.name == "prix.html")
    assert ">3,10</text>" in page.text and ">3,1</text>" not in page.text
