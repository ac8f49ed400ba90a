"""One site for every edition: the language switch lands on the same page in each language,
`hreflang` alternates both ways with an `x-default`, the download page says how much of a partial
edition is translated, each edition's feed and handouts name its own language's address, and
every language's pages stay accessible, local and narrow-screen safe."""

from __future__ import annotations

import base64
import functools
import http.server
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import ROOT, SAMPLE, run_cli

from booklet.load import load
from booklet.render.web import Download, Site, pages

FIXTURE = ROOT / "tests" / "translations" / "manuscript"
CHROMIUM = Path("/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
EDITIONS = {"en": "", "fr": "fr/", "nl": "nl/"}  # language: folder inside site/
DC = "{http://purl.org/dc/terms/}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("multilingual") / "dist"
    result = run_cli("--manuscript", FIXTURE, "--out", out)
    assert result.returncode == 0, result.stderr
    return out / "site"


def page_files(site: Path) -> dict[str, list[str]]:
    """Each edition's HTML pages (names), by language."""
    return {
        language: sorted(p.name for p in (site / folder).glob("*.html"))
        for language, folder in EDITIONS.items()
    }


class Alternates(HTMLParser):
    """A page's `<link rel="alternate" hreflang>` targets and its `<html lang>`."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag == "link" and values.get("rel") == "alternate" and values.get("hreflang"):
            self.found[values["hreflang"] or ""] = values.get("href") or ""


def alternates(site: Path, path: str) -> tuple[str, dict[str, str]]:
    parser = Alternates()
    parser.feed((site / path).read_text(encoding="utf-8"))
    base = f"http://host/site/{path}"
    return parser.lang, {tag: urljoin(base, href) for tag, href in parser.found.items()}


def test_hreflang_alternates_are_reciprocal_with_an_x_default(site: Path) -> None:
    files = page_files(site)
    assert files["en"] == files["fr"] == files["nl"]  # chapter pages share their names
    for language, folder in EDITIONS.items():
        for name in files[language]:
            lang, found = alternates(site, folder + name)
            assert lang == language
            expected = {tag: f"http://host/site/{f}{name}" for tag, f in EDITIONS.items()}
            assert found == {**expected, "x-default": f"http://host/site/{name}"}, name
            for tag, url in expected.items():  # the other page names this one back
                _, back = alternates(site, url.removeprefix("http://host/site/"))
                assert back[language] == f"http://host/site/{folder}{name}"
                assert back[tag] == url


def test_download_page_says_how_much_is_translated(site: Path) -> None:
    nl = (site / "nl" / "index.html").read_text(encoding="utf-8")
    share = re.search(r'<p class="hero-share">([^<]*)</p>', nl)
    assert share is not None
    assert re.fullmatch(
        r"Deze uitgave is voor \d+\s?% vertaald; de rest staat in het Engels\.", share[1]
    )
    for full in (site / "index.html", site / "fr" / "index.html"):  # complete: nothing said
        assert "hero-share" not in full.read_text(encoding="utf-8")
    fr = (site / "fr" / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="Langues"' in fr and "Choisissez votre langue" in fr


def test_a_book_without_translations_has_no_switch() -> None:
    for page in pages(load(SAMPLE)):
        assert "hreflang" not in page.text and 'class="languages"' not in page.text


def with_address(tmp_path: Path) -> Path:
    root = tmp_path / "manuscript"
    shutil.copytree(FIXTURE, root)
    with (root / "book.yaml").open("a", encoding="utf-8") as file:
        file.write('download_url: "https://example.org/town"\n')
    return root


def test_each_feed_names_its_language_and_address(tmp_path: Path) -> None:
    from booklet.render.web.site import feed

    root = with_address(tmp_path)
    epub = Download("epub", "downloads/town.epub", 1000, 10)
    for language, folder in EDITIONS.items():
        book = load(root, language=None if language == "en" else language)
        entry = ET.fromstring(feed(book, Site((epub,), feed=True))).find(
            "{http://www.w3.org/2005/Atom}entry"
        )
        assert entry is not None
        assert entry.findtext(f"{DC}language") == language
        assert entry.findtext("{http://www.w3.org/2005/Atom}id") == (
            f"https://example.org/town/{folder}" if folder else "https://example.org/town"
        )


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools is not installed")
def test_each_handouts_qr_code_reads_its_own_languages_address(tmp_path: Path) -> None:
    from PIL import Image

    from booklet.render.handouts import qr_code

    root = with_address(tmp_path)
    for language, folder in EDITIONS.items():
        book = load(root, language=None if language == "en" else language)
        data = base64.b64decode(qr_code(book.meta.download_url).split(",", 1)[1])
        small = tmp_path / "qr.png"
        small.write_bytes(data)
        with Image.open(small) as image:  # one pixel a module: too small for a scanner
            image.convert("L").resize((image.width * 8, image.height * 8), Image.NEAREST).save(
                small
            )
        read = subprocess.run(
            ["zbarimg", "--raw", "-q", str(small)], capture_output=True, text=True, check=True
        )
        assert read.stdout.strip() == f"https://example.org/town{'/' + folder if folder else ''}"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The site one folder down on a static host (relative links must not reach its root)."""
    top = site.parent / "host"
    top.mkdir()
    (top / "booklet").symlink_to(site)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(top))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/booklet/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def test_the_switch_lands_on_the_same_page_in_every_language(
    browser: Any, server: str, site: Path
) -> None:
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    files = page_files(site)
    for language, folder in EDITIONS.items():
        for name in files[language]:
            url = urljoin(server, folder + name)
            for other, other_folder in EDITIONS.items():
                page.goto(url)
                switch = page.locator(f'nav.languages a[hreflang="{other}"]')
                assert switch.get_attribute("lang") == other
                current = switch.get_attribute("aria-current")
                assert current == ("page" if other == language else None), (url, other)
                switch.click()
                page.wait_for_load_state()
                assert page.url == urljoin(server, other_folder + name), (url, other)
                assert page.evaluate("document.documentElement.lang") == other
    page.close()
    assert not errors
    assert all(urlsplit(r).netloc == urlsplit(server).netloc for r in requests)
    assert all(urlsplit(r).path.startswith("/booklet/") for r in requests)


def test_the_root_page_lets_one_pick_a_language_without_script(browser: Any, server: str) -> None:
    page = browser.new_page(java_script_enabled=False)
    page.goto(server)  # the folder's address: index.html
    page.locator('.hero-languages a[hreflang="fr"]').click()
    page.wait_for_load_state()
    assert page.url == urljoin(server, "fr/index.html")
    assert page.locator("h1").inner_text().startswith("Une petite ville")
    page.close()


def test_axe_and_narrow_screens_in_every_language(browser: Any, server: str) -> None:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip("axe-playwright-python is not installed (pip install -e '.[dev]')")
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    problems, wide = [], {}
    page = browser.new_page()
    for folder in EDITIONS.values():
        for name in ("index.html", "first.html"):
            url = urljoin(server, folder + name)
            page.goto(url)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                result = axe.run(page, options=options)
                if result.violations_count:
                    problems.append(f"{scheme} {url}:\n{result.generate_report()}")
            page.emulate_media(color_scheme="light")
            for width in (320, 390):
                page.set_viewport_size({"width": width, "height": 800})
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    wide[(url, width)] = scroll
            page.set_viewport_size({"width": 1280, "height": 800})
    page.close()
    assert not problems, "\n".join(problems)
    assert wide == {}
