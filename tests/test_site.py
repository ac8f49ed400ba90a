"""The `site` output: the download page and web edition, checked in a real browser.

The shipped booklet is built once for the session (`booklet_build`, shared with
test_manuscript.py); its `site/` is served from a local HTTP server and crawled from index.html
with Debian's Chromium through Playwright, with axe-core through axe-playwright-python. Tests
that need them skip, saying why, where they are missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import pytest
from conftest import MANUSCRIPT, SAMPLE, run_cli, serving
from markupsafe import escape

from booklet.load import load
from booklet.load.translations import languages
from booklet.render.web import CSP, Site, pages

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/terms/}"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(booklet_build: tuple[Path, Any]) -> tuple[Path, dict[str, Any]]:
    out, result = booklet_build
    assert result.returncode == 0, result.stderr
    return out, json.loads((out / "manifest.json").read_text())


@pytest.fixture(scope="module")
def server(built: tuple[Path, dict[str, Any]]) -> Iterator[str]:
    """The site folder on http://127.0.0.1:<port>/ (like any static host), quietly."""
    with serving(built[0] / "site") as url:
        yield url


@pytest.fixture(scope="module")
def crawl(browser: Any, server: str) -> dict[str, Any]:
    """Every page reachable from index.html: its links, the ids it holds, and what it fetched."""
    page = browser.new_page()
    requests: list[str] = []
    failures: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    # A request cut short by the next navigation (the icon, say) is not a failure: every link
    # and resource is also fetched on its own below; a blocked one fails as ERR_BLOCKED_BY_*.
    page.on(
        "requestfailed",
        lambda r: r.failure == "net::ERR_ABORTED" or failures.append(f"{r.url}: {r.failure}"),
    )
    page.on("response", lambda r: r.status in (200, 304) or failures.append(f"{r.url}: {r.status}"))
    page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    found: dict[str, dict[str, Any]] = {}
    queue = [urljoin(server, "index.html")]
    while queue:
        url = queue.pop(0)
        if url in found:
            continue
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        links = page.eval_on_selector_all(
            "a[href], link[href]", "els => els.map(e => [e.tagName, e.rel, e.href])"
        )
        ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        found[url] = {"links": links, "ids": ids}
        for tag, _, href in links:
            target, _ = urldefrag(href)
            if tag == "A" and target.startswith(server) and target.endswith(".html"):
                queue.append(target)
    page.close()
    return {"pages": found, "requests": requests, "failures": failures, "errors": errors}


def test_site_is_in_the_manifest_with_the_downloads(built: tuple[Path, dict[str, Any]]) -> None:
    out, manifest = built
    source = [o for o in manifest["outputs"] if o["language"] == "en"]
    (site,) = [o for o in source if o["kind"] == "site"]
    assert site["path"] == "site/index.html"
    assert site["sha256"] == sha256(out / site["path"])
    book = load(MANUSCRIPT)
    assert site["pages"] == len(book.chapters) + 3  # index, contents, glossary
    offered = [o for o in source if o["kind"] not in ("site", "teacher")]
    assert [o for o in source if o["kind"] == "teacher"]  # made, but never offered to pupils
    assert not list((out / "site").rglob("*teacher*"))
    assert {o["kind"] for o in offered} >= {"pdf", "epub", "print", "imposed", "handouts"}
    for entry in offered:
        copy = out / "site" / "downloads" / entry["path"]
        assert copy.stat().st_size == entry["bytes"], entry["path"]
        assert sha256(copy) == entry["sha256"], entry["path"]
    # every file of the folder is recorded by its edition's site job, for the next build to reuse
    jobs = [j for j in manifest["jobs"] if j["name"].startswith("site")]
    assert len(jobs) == 1 + len(languages(MANUSCRIPT))  # the source's and each translation's
    indexes = {o["path"] for o in manifest["outputs"] if o["kind"] == "site"}
    recorded = {path for job in jobs for path, _ in job["files"]} | indexes
    on_disk = {p.relative_to(out).as_posix() for p in (out / "site").rglob("*") if p.is_file()}
    assert recorded == on_disk
    for job in jobs:
        for path, digest in job["files"]:
            assert sha256(out / path) == digest, path


def test_crawl_every_link_and_resource_answers(crawl: dict[str, Any], server: str) -> None:
    book = load(MANUSCRIPT)
    names = {urlsplit(url).path.lstrip("/") for url in crawl["pages"]}
    own = {"index.html", "contents.html", "glossary.html"}
    own |= {f"{c.slug}.html" for c in book.chapters}
    # the language switch leads to every edition's twin pages
    folders = ["", *(f"{language}/" for language in languages(MANUSCRIPT))]
    assert names == {folder + name for folder in folders for name in own}
    assert crawl["failures"] == []
    assert crawl["errors"] == []
    assert [url for url in crawl["requests"] if not url.startswith(server)] == []
    for url, page in crawl["pages"].items():
        for tag, rel, href in page["links"]:
            if rel == "canonical" or not href.startswith(server):
                twin = rel == "alternate" and href.startswith(book.meta.download_url)  # hreflang
                assert tag == "A" or rel == "canonical" or twin, (url, href)
                continue
            target, fragment = urldefrag(href)
            if target in crawl["pages"]:
                assert not fragment or fragment in crawl["pages"][target]["ids"], (url, href)
            else:  # downloads, the feed, the stylesheet and icon: fetched here
                with urlopen(target) as response:
                    assert response.status == 200, (url, href)


def test_links_both_ways_between_glossary_and_chapters(crawl: dict[str, Any], server: str) -> None:
    glossary = crawl["pages"][urljoin(server, "glossary.html")]
    to_chapters = [h for t, _, h in glossary["links"] if "--term-" in h]
    book = load(MANUSCRIPT)
    assert len(to_chapters) == len(book.glossary)
    back = [
        h
        for url, page in crawl["pages"].items()
        if "/" not in url.removeprefix(server)  # the source's edition
        for _, _, h in page["links"]
        if "glossary.html#glossary--" in h
    ]
    assert len(set(back)) == len(book.glossary)


def test_axe_finds_no_violation_in_light_and_dark(browser: Any, crawl: dict[str, Any]) -> None:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip("axe-playwright-python is not installed (pip install -e '.[dev]')")
    axe = Axe()
    # `options` replaces the package's default, so ask again for violations only (faster)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    problems = []
    page = browser.new_page()
    for url in crawl["pages"]:
        page.goto(url)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            result = axe.run(page, options=options)
            if result.violations_count:
                problems.append(f"{scheme} {url}:\n{result.generate_report()}")
        page.emulate_media(color_scheme="light")
    page.close()
    assert not problems, "\n".join(problems)


def test_no_sideways_scrolling_at_320_and_390_px(browser: Any, crawl: dict[str, Any]) -> None:
    page = browser.new_page(viewport={"width": 320, "height": 800})
    wide = {}
    for url in crawl["pages"]:
        page.goto(url)
        for width in (320, 390):
            page.set_viewport_size({"width": width, "height": 800})
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide[(url, width)] = scroll
        page.set_viewport_size({"width": 320, "height": 800})
    page.close()
    assert wide == {}


def test_chapters_read_without_javascript(browser: Any, server: str) -> None:
    book = load(MANUSCRIPT)
    page = browser.new_page(java_script_enabled=False)
    for chapter in book.chapters:
        page.goto(urljoin(server, f"{chapter.slug}.html"))
        text = page.locator("main").inner_text()
        assert chapter.title in text
        for heading in chapter.headings:
            assert heading.text in text, (chapter.slug, heading.text)
        assert len(text.split()) >= chapter.words * 0.9, chapter.slug
    page.close()


def test_sharing_metadata_and_policy(sample_build: tuple[Path, Any]) -> None:
    """The sample has a `download_url`: the pages name their public addresses from it."""
    out, result = sample_build
    assert result.returncode == 0, result.stderr
    book = load(SAMPLE)
    html = (out / "site" / "index.html").read_text()
    assert f'<html lang="{book.meta.language}">' in html
    assert f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">' in html
    assert f'<link rel="canonical" href="{book.meta.download_url}">' in html
    cover = f"{book.meta.download_url}/assets/cover.jpg"
    assert f'<meta property="og:image" content="{cover}">' in html
    assert (out / "site" / "assets" / "cover.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    data = json.loads(block)
    assert data["@type"] == "Book" and data["name"] == book.meta.title
    assert data["url"] == book.meta.download_url and data["image"] == cover
    formats = {e["encodingFormat"] for e in data["workExample"]}
    assert {"text/html", "application/pdf", "application/epub+zip"} <= formats
    chapter = (out / "site" / f"{book.chapters[0].slug}.html").read_text()
    canonical = f"{book.meta.download_url}/{book.chapters[0].slug}.html"
    assert f'<link rel="canonical" href="{canonical}">' in chapter


def test_pages_hold_no_script_and_no_plain_http(built: tuple[Path, dict[str, Any]]) -> None:
    out, _ = built
    book = load(MANUSCRIPT)
    html = (out / "site" / "index.html").read_text()
    assert f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">' in html
    for name in (out / "site").glob("*.html"):
        text = name.read_text()
        assert "<script" not in text.replace('<script type="application/ld+json">', ""), name
        assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', ""), name
    assert book.meta.download_url == ""


def check_feed(site: Path, manifest: dict[str, Any], book: Any, server: str) -> None:
    """opds.xml of a site served at `server`: an acquisition feed whose links all answer, absolute
    under `download_url` when the book has one and relative to the feed otherwise."""
    url = book.meta.download_url
    base = url + "/" if url else server
    feed = ET.parse(site / "opds.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    ids = [
        feed.findtext(f"{ATOM}id"),
        *(e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry")),
    ]
    assert all(urlsplit(i or "").scheme in ("https", "urn") for i in ids), ids  # absolute IRIs
    kinds = {link.get("rel"): link.get("type") for link in feed.findall(f"{ATOM}link")}
    catalog = "application/atom+xml;profile=opds-catalog;kind=acquisition"
    assert kinds["self"] == catalog and kinds["start"] == catalog
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{DC}identifier") == book.meta.identifier
    assert entry.find(f"{ATOM}summary").get("type") == "text"  # type: ignore[union-attr]
    acquisitions = [
        link
        for link in entry.findall(f"{ATOM}link")
        if link.get("rel", "").startswith("http://opds-spec.org/acquisition")
    ]
    assert {link.get("type") for link in acquisitions} == {
        "application/epub+zip",
        "application/pdf",
    }
    by_path = {o["path"]: o for o in manifest["outputs"]}
    for link in entry.findall(f"{ATOM}link") + feed.findall(f"{ATOM}link"):
        href = urljoin(urljoin(base, "opds.xml"), link.get("href", ""))
        assert href.startswith(base) or href == url, href
        local = href.removeprefix(base) if href != url else "index.html"
        with urlopen(urljoin(server, local)) as response:
            data = response.read()
        if link in acquisitions:
            entry_ = by_path[local.removeprefix("downloads/")]
            assert int(link.get("length", "0")) == entry_["bytes"] == len(data)
    index = (site / "index.html").read_text()
    assert '<a href="opds.xml" type="' + catalog + '">' in index
    assert f'<link rel="alternate" type="{catalog}" href="opds.xml"' in index


def test_opds_feed_with_relative_links_without_download_url(
    built: tuple[Path, dict[str, Any]], server: str
) -> None:
    out, manifest = built
    check_feed(out / "site", manifest, load(MANUSCRIPT), server)
    assert "https://" not in (out / "site" / "opds.xml").read_text().replace(
        "https://schema.org", ""
    )


def test_opds_feed_with_absolute_links_under_download_url(sample_build: tuple[Path, Any]) -> None:
    out, result = sample_build
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    with serving(out / "site") as server:
        check_feed(out / "site", manifest, load(SAMPLE), server)


def test_edition_alone_for_a_preview(tmp_path: Path) -> None:
    """What `booklet serve` writes: the pages without downloads, the feed or the cover."""
    from booklet.render.web import write_edition

    book = load(SAMPLE)
    written = write_edition(book, tmp_path / "web")
    names = {p.relative_to(tmp_path / "web").as_posix() for p in written}
    assert {"index.html", "contents.html", "assets/web.css"} <= names
    assert not any(n.startswith("downloads/") or n == "opds.xml" for n in names)
    index = (tmp_path / "web" / "index.html").read_text()
    assert 'href="downloads/' not in index and "ld+json" not in index
    assert {p.name for p in pages(book, Site())} == {n for n in names if n.endswith(".html")}


def test_unchanged_rebuild_reuses_the_site(sample_build: tuple[Path, Any], tmp_path: Path) -> None:
    first, result = sample_build
    assert result.returncode == 0, result.stderr
    out = tmp_path / "dist"
    shutil.copytree(first, out, copy_function=os.link)
    index = out / "site" / "index.html"
    before = index.stat().st_ino
    again = run_cli("--manuscript", SAMPLE, "--out", out, "--only", "site")
    assert again.returncode == 0, again.stderr
    assert index.stat().st_ino == before  # the same file, linked again, not rendered anew
    assert json.loads((out / "manifest.json").read_text()) == json.loads(
        (first / "manifest.json").read_text()
    )
