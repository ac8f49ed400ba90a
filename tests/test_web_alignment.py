"""Aligned table columns (`:---`, `:---:`, `---:`) in every medium: classes on the web edition,
whose Content-Security-Policy blocks inline styles, and markdown-it's own styles elsewhere (#27)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from conftest import serving, write_manuscript

from booklet.load import load
from booklet.render import templates
from booklet.render.epub.documents import page
from booklet.render.web import write_edition

CHAPTER = """\
---
title: Figures
---

| Town | Population | Share |
|:-----|:----------:|------:|
| Liège | 160,000 | 4.1 % |
| Ghent | 170,000 | 12.0 % |
"""


def book_with_table(tmp_path: Path) -> Any:
    return load(write_manuscript(tmp_path / "ms", chapters={"01-figures.md": CHAPTER}))


def test_web_pages_align_by_class_and_keep_no_inline_style(tmp_path: Path) -> None:
    book = book_with_table(tmp_path)
    write_edition(book, tmp_path / "web")
    page = (tmp_path / "web" / "figures.html").read_text()
    assert "style=" not in page
    for align in ("left", "center", "right"):
        assert f'<td class="align-{align}">' in page
        assert f'<th class="align-{align}" scope="col">' in page


def test_epub_and_pdf_keep_their_alignment(tmp_path: Path) -> None:
    book = book_with_table(tmp_path)
    pdf = templates.render("book.html", book)
    epub = page("chapter.xhtml", book, chapter=book.chapters[0])
    for html in (pdf, epub):
        for align in ("left", "center", "right"):
            assert f'<td style="text-align:{align}">' in html


def test_chromium_shows_the_alignment_without_a_console_error(browser: Any, tmp_path: Path) -> None:
    book = book_with_table(tmp_path)
    write_edition(book, tmp_path / "web")
    errors: list[str] = []
    with serving(tmp_path / "web") as url:
        page = browser.new_page()
        page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(urljoin(url, "figures.html"))
        aligned = page.eval_on_selector_all(
            "tbody tr:first-child td", "els => els.map(e => getComputedStyle(e).textAlign)"
        )
        page.close()
    assert aligned == ["left", "center", "right"]
    assert errors == []
