"""`booklet serve` on a translated manuscript, in Chromium: every edition is served with its
language switch, the live strip speaks the page's language and lists what is left to translate,
saving a catalogue shows the change, and at 390 px the strip covers no heading (#21, #26)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from test_serve import CHROMIUM, Server, get, read_log, serve, wait_for

FIXTURE = ROOT / "tests" / "translations" / "manuscript"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    manuscript = tmp_path_factory.mktemp("serve-editions") / "translated"
    shutil.copytree(FIXTURE, manuscript)
    yield from serve(manuscript)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def save_po(path: Path, old: str, new: str) -> None:
    """Save as an editor (Poedit) does: a temporary file renamed over the catalogue."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    temporary = path.with_name(f".{path.name}.tmp~")
    temporary.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.replace(temporary, path)


def test_every_edition_is_served_with_its_switch(server: Server) -> None:
    for path, lang in [("/", "en"), ("/fr/", "fr"), ("/nl/", "nl")]:
        status, body = get(server.port, path)
        assert status == 200, path
        assert f'<html lang="{lang}"'.encode() in body, path
        assert b'hreflang="fr"' in body and b'hreflang="nl"' in body, path


def test_the_strip_speaks_the_edition_and_a_saved_po_shows(server: Server, browser: object) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800})  # type: ignore[attr-defined]
    page.goto(server.url("/fr/"))
    page.locator("#booklet-live-pdf[data-status=ready]").wait_for(timeout=120_000)
    assert page.locator("#booklet-live-pdf").inner_text() == "PDF : prêt"
    # The partial Dutch edition's blocks left are warnings, listed in the strip.
    summary = page.locator("#booklet-warnings summary")
    assert summary.inner_text().endswith("avertissements")
    page.locator("#booklet-warnings summary").click()
    assert "translations/nl/" in page.locator("#booklet-warnings").inner_text()
    # In the flow at the top: the strip ends above the page's first heading.
    strip = page.locator("#booklet-live").bounding_box()
    heading = page.locator("h1").first.bounding_box()
    assert strip and heading and strip["y"] + strip["height"] <= heading["y"] + 0.5
    # The language switch leads to the same page in Dutch, with the strip in Dutch.
    page.locator('a[hreflang="nl"]').first.click()
    page.wait_for_url("**/nl/**")
    page.locator("#booklet-live-pdf[data-status=ready]").wait_for(timeout=60_000)
    assert page.locator("#booklet-live-pdf").inner_text() == "PDF: klaar"

    # Saving a catalogue rebuilds, and the open French page shows the new translation.
    page.goto(server.url("/fr/"))
    page.locator("#booklet-live-pdf").wait_for()
    builds = read_log(server).count("built in")
    started = time.monotonic()
    book_po = server.manuscript / "translations" / "fr" / "01-first.po"
    text = book_po.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith('msgstr "') and len(line) > 12)
    save_po(book_po, old, old[:-1] + ' (revu)"')
    page.wait_for_selector("text=(revu)", timeout=60_000)
    print(f"saved .po → new text in the open page: {time.monotonic() - started:.2f} s")
    wait_for(lambda: read_log(server).count("built in") > builds)
    page.close()
