"""The print-shop PDF, imposed booklet and handouts of the shipped manuscript, built once."""

from __future__ import annotations

import html
import json
import math
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import run_cli as build
from pdfx_checks import check_pdfx4
from pypdf import PdfReader

from booklet.load import load
from booklet.model import Prose

ROOT = Path(__file__).resolve().parent.parent
MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)
A4_LANDSCAPE = (297 * MM, 210 * MM)
PAPERS = {"A4": (210 * MM, 297 * MM), "Letter": (612.0, 792.0)}
HANDOUT_CHAPTERS = ["occupation", "sabotage", "secret-army", "passive-resistance"]
SLUG = "heroes-of-the-resistance"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped manuscript, everything built once through the CLI."""
    out = tmp_path_factory.mktemp("print") / "dist"
    result = build("--manuscript", ROOT / "manuscript", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def manifest(dist: Path) -> dict[str, Any]:
    return dict(json.loads((dist / "manifest.json").read_text(encoding="utf-8")))


def entries(manifest: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The source edition's outputs of a kind (the translations' are in their own folders)."""
    return [e for e in manifest["outputs"] if e["kind"] == kind and e["language"] == "en"]


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def box(page: Any, name: str) -> tuple[float, float, float, float]:
    rect = getattr(page, name)
    return (float(rect.left), float(rect.bottom), float(rect.right), float(rect.top))


def close(a: tuple[float, ...], b: tuple[float, ...], tolerance: float = 0.5) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


# Print PDF ---------------------------------------------------------------------------------------


def test_manifest_lists_print_imposed_and_handouts(manifest: dict[str, Any]) -> None:
    (screen,) = entries(manifest, "pdf")
    (printed,) = entries(manifest, "print")
    (imposed,) = entries(manifest, "imposed")
    assert printed == {**printed, "path": f"{SLUG}-print.pdf", "paper": "A5"}
    assert printed["pages"] == screen["pages"] + (-screen["pages"] % 4)  # folds in fours
    assert imposed == {**imposed, "path": f"{SLUG}-imposed-A4.pdf", "paper": "A4"}
    assert imposed["pages"] == math.ceil(screen["pages"] / 4) * 2
    handouts = {(e["path"], e["paper"]) for e in entries(manifest, "handout")}
    variants = ("", "-large-print", "-dyslexia")  # book.yaml: handout_variants
    assert handouts == {
        (f"handouts/{slug}-{paper}{variant}.pdf", paper)
        for slug in HANDOUT_CHAPTERS
        for paper in ("A4", "Letter")
        for variant in variants
    }
    combined = {(e["path"], e["paper"]) for e in entries(manifest, "handouts")}
    assert combined == {
        (f"handouts-{paper}{variant}.pdf", paper)
        for paper in ("A4", "Letter")
        for variant in variants
    }
    assert manifest["warnings"] == []


def test_print_pdf_has_trim_and_bleed_boxes_on_every_page(dist: Path) -> None:
    screen = PdfReader(dist / f"{SLUG}.pdf")
    printed = PdfReader(dist / f"{SLUG}-print.pdf")
    # Padded to fold in fours (saddle stitch), with ruled pages for notes (print: end_pages).
    assert len(printed.pages) == len(screen.pages) + (-len(screen.pages) % 4)
    bleed = 3 * MM
    for page in printed.pages:
        assert close(box(page, "trimbox"), (0, 0, *A5))
        assert close(box(page, "bleedbox"), (-bleed, -bleed, A5[0] + bleed, A5[1] + bleed))
        media = box(page, "mediabox")  # room for crop marks 4 to 10 mm from the trim
        assert media[:2] <= (-10 * MM, -10 * MM) and media[2:] >= (A5[0] + 10 * MM, A5[1] + 10 * MM)


def test_print_pdf_pages_hold_the_screen_pdfs_text(dist: Path) -> None:
    screen = PdfReader(dist / f"{SLUG}.pdf")
    printed = PdfReader(dist / f"{SLUG}-print.pdf")
    for number, (a, b) in enumerate(zip(screen.pages, printed.pages, strict=False), 1):
        assert b.extract_text() == a.extract_text(), f"page {number}"
    added = printed.pages[len(screen.pages) :]
    assert len(added) == 1 and added[0].extract_text() == ""  # ruled lines, as an artifact


def test_print_pdf_keeps_tags_outline_and_embeds_every_font(dist: Path) -> None:
    printed = PdfReader(dist / f"{SLUG}-print.pdf")
    assert printed.pdf_header == "%PDF-1.6"  # PDF/X-4 is PDF 1.6
    root = printed.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    assert len(printed.outline) > 0
    for page in printed.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"]
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font


def test_print_pdf_passes_pdfua_keeps_metadata_and_stays_small(dist: Path) -> None:
    from pdfua import validate

    screen, printed = dist / f"{SLUG}.pdf", dist / f"{SLUG}-print.pdf"
    assert list(validate(str(printed)).findings) == []
    a, b = PdfReader(screen), PdfReader(printed)
    # The screen PDF's XMP packet, with the PDF/X-4 identification added before its end.
    xmp_a = a.trailer["/Root"]["/Metadata"].get_data()
    xmp_b = b.trailer["/Root"]["/Metadata"].get_data()
    end = xmp_a.rindex(b"</rdf:RDF>")
    assert xmp_b.startswith(xmp_a[:end]) and xmp_b.endswith(xmp_a[end:])
    assert b"<pdfuaid:part>1</pdfuaid:part>" in xmp_b or b'pdfuaid:part="1"' in xmp_b
    assert {
        k: v for k, v in b.metadata.items() if k not in ("/GTS_PDFXVersion", "/Trapped")
    } == a.metadata
    # The pages' streams are kept as they are; the marks, bleed fills and the two ICC
    # profiles (CMYK output intent, sRGB) are added.
    icc = sum(
        p.stat().st_size
        for p in (ROOT / "profiles").glob("*.icc")
        if "FOGRA39" in p.name or "sRGB" in p.name
    )
    assert printed.stat().st_size <= screen.stat().st_size + icc + 8_000


def render(path: Path, index: int, scale: float = 2.0) -> tuple[Any, float, float, float]:
    """A page as an image, with a function from PDF points (trim origin) to pixels."""
    document = pdfium.PdfDocument(path)
    page = document[index]
    left, _, _, top = page.get_mediabox()
    image = page.render(scale=scale).to_pil().convert("RGB")
    return image, left, top, scale


def pixel(rendered: tuple[Any, float, float, float], x: float, y: float, spread: int = 2) -> int:
    """The darkest grey value near PDF point (x, y): marks are thin and anti-aliased."""
    image, left, top, scale = rendered
    px, py = round((x - left) * scale), round((top - y) * scale)
    values = [
        sum(image.getpixel((px + dx, py + dy))) // 3
        for dx in range(-spread, spread + 1)
        for dy in range(-spread, spread + 1)
    ]
    return min(values)


def color(rendered: tuple[Any, float, float, float], x: float, y: float) -> tuple[int, int, int]:
    image, left, top, scale = rendered
    return tuple(image.getpixel((round((x - left) * scale), round((top - y) * scale))))


def test_crop_marks_sit_on_the_trim_lines_outside_the_bleed(dist: Path) -> None:
    width, height = A5
    page = render(dist / f"{SLUG}-print.pdf", 1)  # the colophon: a white page
    for x, y in [(0, height + 7 * MM), (width, -7 * MM), (-7 * MM, 0), (width + 7 * MM, height)]:
        assert pixel(page, x, y) < 140, (x, y)  # a mark
    for x, y in [(0, height + 2 * MM), (-2 * MM, 0), (-7 * MM, height / 2), (width / 2, -7 * MM)]:
        assert pixel(page, x, y) > 240, (x, y)  # no mark in the bleed, none beside the page


def test_cover_colour_runs_into_the_bleed_and_no_further(dist: Path) -> None:
    width, height = A5
    cover = render(dist / f"{SLUG}-print.pdf", 0)
    red = (140, 29, 24)
    for x, y in [(-1.5 * MM, height / 2), (width / 2, height + 1.5 * MM), (-2 * MM, -2 * MM)]:
        assert close(color(cover, x, y), red, 12), (x, y)
    assert color(cover, -5 * MM, height / 2) == (255, 255, 255)
    assert pixel(cover, 0, height + 7 * MM) < 140  # the mark above the red bleed
    screen = render(dist / f"{SLUG}.pdf", 1)
    assert color(screen, width / 2, height / 2) == (255, 255, 255)  # the screen PDF: no bleed


# Imposed booklet ---------------------------------------------------------------------------------


def half_texts(path: Path) -> Iterator[tuple[str, str]]:
    document = pdfium.PdfDocument(path)
    for page in document:
        text = page.get_textpage()
        width, height = page.get_size()
        yield (
            norm(text.get_text_bounded(0, 0, width / 2, height)),
            norm(text.get_text_bounded(width / 2, 0, width, height)),
        )


def test_imposed_sheets_hold_the_pages_in_saddle_stitch_order(dist: Path) -> None:
    screen = pdfium.PdfDocument(dist / f"{SLUG}.pdf")
    texts = [norm(p.get_textpage().get_text_bounded(0, 0, *p.get_size())) for p in screen]
    count = len(texts)
    total = math.ceil(count / 4) * 4
    sides = list(half_texts(dist / f"{SLUG}-imposed-A4.pdf"))
    assert len(sides) == total // 2
    for side, (left, right) in enumerate(sides):
        sheet = side // 2
        first, last = 2 * sheet + 1, total - 2 * sheet
        numbers = (last, first) if side % 2 == 0 else (first + 1, last - 1)
        for text, number in zip((left, right), numbers, strict=True):
            expected = texts[number - 1] if number <= count else ""  # padding blanks at the end
            assert text == expected, f"sheet side {side + 1}: page {number}"


def test_imposed_sheets_are_a4_landscape_with_pages_at_full_size(dist: Path) -> None:
    imposed = PdfReader(dist / f"{SLUG}-imposed-A4.pdf")
    for page in imposed.pages:
        assert close(box(page, "mediabox"), (0, 0, *A4_LANDSCAPE))
        assert "/Annots" not in page
    preferences = imposed.trailer["/Root"]["/ViewerPreferences"]
    assert preferences["/Duplex"] == "/DuplexFlipShortEdge"
    assert preferences["/PrintScaling"] == "/None"
    # The cover (page 1) is the front's right half: its red reaches the fold, 148 mm wide.
    sheet = render(dist / f"{SLUG}-imposed-A4.pdf", 0, scale=1)
    w, h = A4_LANDSCAPE
    assert close(color(sheet, w / 2 + 1 * MM, h / 2), (140, 29, 24), 12)
    assert color(sheet, w / 2 - 1 * MM, h / 2) == (255, 255, 255)
    assert close(color(sheet, w / 2 + 147 * MM, h / 2), (140, 29, 24), 12)


# Handouts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_each_handout_fits_one_sheet_of_its_paper(dist: Path, paper: str) -> None:
    for slug in HANDOUT_CHAPTERS:
        handout = PdfReader(dist / "handouts" / f"{slug}-{paper}.pdf")
        assert len(handout.pages) <= 2, slug
        for page in handout.pages:
            assert close(box(page, "mediabox"), (0, 0, *PAPERS[paper])), slug


def test_handout_has_title_credit_link_questions_and_all_of_the_chapter(dist: Path) -> None:
    book = load(ROOT / "manuscript")
    chapter = next(c for c in book.chapters if c.slug == "occupation")
    handout = PdfReader(dist / "handouts" / "occupation-A4.pdf")
    assert handout.metadata is not None
    assert handout.metadata.title == f"{book.meta.title}: {chapter.title}"
    text = norm("\n".join(page.extract_text() for page in handout.pages))
    assert chapter.title in text
    assert (
        "From Heroes of the Resistance: Belgium under German occupation, Booklet Project, 2026."
        in text
    )
    assert book.meta.rights in text
    assert "https://" not in text  # the booklet has no download_url: no address, no QR code
    assert "Which of the four causes of changing attitudes" in text
    # Nothing of the chapter is lost in the columns (lines break and hyphenate differently).
    flat = squeeze(text)
    for block in chapter.blocks:
        if isinstance(block, Prose):
            prose = html.unescape(re.sub(r"<[^>]+>", " ", block.html))
            for run in re.findall(r"[A-Za-z][A-Za-z ,]{30,}", prose):
                assert squeeze(run) in flat, run


def squeeze(text: str) -> str:
    return re.sub(r"[\s\-‐]+", "", text)


def test_handout_shows_ruled_lines(dist: Path) -> None:
    pages = pdfium.PdfDocument(dist / "handouts" / "occupation-A4.pdf")
    last = pages[len(pages) - 1].render(scale=2).to_pil().convert("L")
    width, height = last.size
    # Ruled lines under the questions: grey rows across the text width.
    rows = [
        y
        for y in range(height)
        if all(120 < last.getpixel((x, y)) < 160 for x in range(200, width - 200, 25))
    ]
    assert len(rows) >= 2 * 3 * 4  # 2 px each, at least 3 lines under each of 4 questions


def test_combined_handouts_start_each_handout_on_a_front_page(dist: Path) -> None:
    for paper in ("A4", "Letter"):
        combined = PdfReader(dist / f"handouts-{paper}.pdf")
        offset = 0
        for slug in HANDOUT_CHAPTERS:
            single = PdfReader(dist / "handouts" / f"{slug}-{paper}.pdf")
            assert offset % 2 == 0, (paper, slug)
            for n, page in enumerate(single.pages):
                # (the hyphen glyph may map to U+2010 in one file and to "-" in the other)
                expected = page.extract_text().replace("‐", "-")
                assert combined.pages[offset + n].extract_text().replace("‐", "-") == expected
            offset += len(single.pages) + len(single.pages) % 2
        assert len(combined.pages) in (offset, offset - 1)


def test_qpdf_finds_every_pdf_clean(dist: Path) -> None:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf is not installed (scripts/setup.sh installs it)")
    pdfs = sorted(dist.rglob("*.pdf"))
    assert len(pdfs) >= 13
    for pdf in pdfs:
        result = subprocess.run([qpdf, "--check", str(pdf)], capture_output=True, text=True)
        assert result.returncode == 0, (pdf.name, result.stdout, result.stderr)
        assert "No syntax or stream encoding errors found" in result.stdout, pdf.name


def small_square_images(pdf: Path) -> list[tuple[int, int]]:
    """Sizes of the square images under 100 px a side (a QR code is one pixel per module)."""
    found = []
    for page in PdfReader(pdf).pages:
        for image in page.images:
            size = image.image.size if image.image is not None else (0, 0)
            if size[0] == size[1] and 0 < size[0] < 100:
                found.append(size)
    return found


def test_a_book_without_download_url_prints_no_address_anywhere(dist: Path) -> None:
    """The shipped booklet has no `download_url` (#27: it had a placeholder at example.org):
    no QR code on a handout, no canonical or Open Graph address, no feed address, no dead link."""
    assert load(ROOT / "manuscript").meta.download_url == ""
    for handout in (dist / "handouts").glob("*.pdf"):
        assert small_square_images(handout) == [], handout.name
    for pdf in dist.rglob("*.pdf"):
        with pikepdf.open(pdf) as document:
            for page in document.pages:
                for annot in page.get("/Annots", []):
                    uri = str(annot.get("/A", {}).get("/URI", ""))
                    assert "example.org" not in uri and not uri.startswith("file:"), (pdf, uri)
    for path in dist.rglob("*"):
        if path.suffix in (".html", ".xml", ".css", ".svg"):
            text = path.read_text(encoding="utf-8")
            assert "example.org" not in text, path
            assert 'rel="canonical"' not in text and "og:url" not in text, path
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as epub:
                for name in epub.namelist():
                    assert b"example.org" not in epub.read(name), (path, name)


def test_print_pdf_is_pdfx4_with_a_fogra39_output_intent(dist: Path) -> None:
    check_pdfx4(dist / f"{SLUG}-print.pdf", A5)


def test_cover_is_four_pdfx4_pages_for_the_saddle_stitched_booklet(
    dist: Path, manifest: dict[str, Any]
) -> None:
    (cover,) = entries(manifest, "cover")
    assert cover == {**cover, "path": f"{SLUG}-cover.pdf", "pages": 4, "paper": "A5"}
    check_pdfx4(dist / cover["path"], A5)
    document = pdfium.PdfDocument(dist / cover["path"])
    texts = [document[i].get_textpage().get_text_range() for i in range(4)]
    assert "Heroes of the" in texts[0] and texts[1].strip() == texts[2].strip() == ""
    assert "A short history of the Belgian resistance" in norm(texts[3])  # the description
    front = render(dist / cover["path"], 0)
    assert close(color(front, 1.5 * MM, 1.5 * MM), (140, 29, 24), 12)  # red into the bleed


def test_preflight_report_is_listed_and_says_what_a_printer_checks(
    dist: Path, manifest: dict[str, Any]
) -> None:
    (report,) = entries(manifest, "preflight")
    assert report["path"] == "preflight.txt"
    text = (dist / "preflight.txt").read_text()
    assert text.startswith("Preflight for the print shop: Heroes of the Resistance\n")
    assert f"interior   {SLUG}-print.pdf: PDF/X-4, trim A5 (148 × 210 mm), bleed 3 mm" in text
    assert (
        "pages      39 (saddle stitch): not a multiple of 4; 1 ruled page for notes added at "
        "the end (40 pages)"
    ) in text
    assert "spine      none (saddle stitch" in text
    assert "output intent FOGRA39" in text and "all embedded" in text
    assert "images     none under 300 ppi" in text and "problems   none" in text
