"""The image pipeline on a manuscript of generated photos: sizes per medium, no metadata, upright."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import photo_manuscript as generate
import pytest
from conftest import ROOT, serving
from PIL import Image

from booklet.assets import images

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Budgets from the generated images (a 5.8 MB phone photo): the screen PDF and each handout must
# stay near what the downsampled pictures weigh, not carry the photo.
SCREEN_BUDGET = 400_000
HANDOUT_BUDGET = 300_000
EPUB_BUDGET = 600_000
MARKERS = (
    generate.MAKE.encode(),  # camera make
    b"Exif\x00\x00",  # an EXIF block
    b"http://ns.adobe.com/xap/1.0/",  # XMP
    b"Photoshop 3.0",  # IPTC
    b"Someone at a school",  # a PNG text chunk
)


def build(manuscript: Path, out: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BOOKLET_CACHE": str(cache)}
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--manuscript",
            str(manuscript),
            "--out",
            str(out),
            *list(args),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("photos")
    manuscript = generate.make(base / "manuscript")
    originals = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in manuscript.rglob("*")
        if p.is_file()
    }
    result = build(manuscript, base / "dist", base / "cache")
    assert result.returncode == 0, result.stderr
    after = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in manuscript.rglob("*")
        if p.is_file()
    }
    assert after == originals  # the manuscript's files are never changed
    return {"manuscript": manuscript, "dist": base / "dist", "cache": base / "cache"}


def image_list(pdf: Path) -> list[dict[str, str]]:
    """`pdfimages -list`: every image drawn, with its pixels and its ppi where it is placed."""
    lines = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    names = lines[0].split()
    return [dict(zip(names, line.split(), strict=False)) for line in lines[2:]]


def outputs(dist: Path) -> list[Path]:
    manifest = json.loads((dist / "manifest.json").read_text())
    # The preflight report is text the build writes itself (no image in it).
    return [dist / o["path"] for o in manifest["outputs"] if o["kind"] != "preflight"]


def test_screen_pdf_and_handouts_are_downsampled(photos: dict[str, Path]) -> None:
    dist = photos["dist"]
    screen = dist / "photo-test.pdf"
    handouts = [dist / "handouts" / "photographs-A4.pdf", dist / "handouts-A4.pdf"]
    assert screen.stat().st_size < SCREEN_BUDGET
    for handout in handouts:
        assert handout.stat().st_size < HANDOUT_BUDGET
    for pdf in [screen, *handouts]:
        found = image_list(pdf)
        assert found
        for image in found:
            assert int(image["x-ppi"]) <= 201 and int(image["y-ppi"]) <= 201, (pdf.name, image)
    photo = next(i for i in image_list(screen) if i["page"] == "6")
    width, height = int(photo["width"]), int(photo["height"])
    assert height > width and abs(width / height - 0.75) < 0.01  # upright
    assert 199 <= int(photo["x-ppi"]) <= 201  # no coarser than the screen needs either


def test_print_pdf_keeps_full_resolution(photos: dict[str, Path]) -> None:
    found = image_list(photos["dist"] / "photo-test-print.pdf")
    photo = max(found, key=lambda i: int(i["width"]) * int(i["height"]))
    assert (photo["width"], photo["height"]) == ("3000", "4000")  # upright, every pixel
    assert int(photo["x-ppi"]) >= 300
    # The same pages as the screen PDF: one layout, two image settings.
    screen = image_list(photos["dist"] / "photo-test.pdf")
    assert [i["page"] for i in found] == [i["page"] for i in screen]


def image_streams(pdf: Path) -> list[bytes]:
    """Every image XObject's bytes as stored (a JPEG is stored whole, with any EXIF in it)."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        return [
            obj.read_raw_bytes()
            for obj in document.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        ]


def test_no_output_carries_image_metadata(photos: dict[str, Path]) -> None:
    for path in outputs(photos["dist"]):
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as epub:
                members = [epub.read(name) for name in epub.namelist()]
        elif path.suffix == ".html":  # the site: its own files (its downloads are checked here)
            site = path.parent
            members = [
                p.read_bytes()
                for p in site.rglob("*")
                if p.is_file() and "downloads" not in p.parts
            ]
            assert (site / "images" / "phone.jpg").is_file()
            assert (site / "images" / "phone-480w.jpg").is_file()  # the srcset's files
        else:
            members = image_streams(path)
            assert members, path.name
            # The PDF's own XMP (PDF/UA metadata) is allowed; no EXIF or camera anywhere.
            assert generate.MAKE.encode() not in path.read_bytes()
            assert b"Exif\x00\x00" not in path.read_bytes()
        for data in members:
            for marker in MARKERS:
                assert marker not in data, (path.name, marker)
    # ... while the originals had them
    phone = (photos["manuscript"] / "images" / "phone.jpg").read_bytes()
    assert generate.MAKE.encode() in phone and b"Exif\x00\x00" in phone


def test_epub_images_upright_srgb_and_small(photos: dict[str, Path]) -> None:
    epub_path = photos["dist"] / "photo-test.epub"
    assert epub_path.stat().st_size < EPUB_BUDGET
    with zipfile.ZipFile(epub_path) as epub:
        phone = Image.open(io.BytesIO(epub.read("EPUB/images/phone.jpg")))
        cmyk = Image.open(io.BytesIO(epub.read("EPUB/images/archive-cmyk.jpg")))
        disc = Image.open(io.BytesIO(epub.read("EPUB/images/disc.png")))
        chapter = epub.read("EPUB/photographs.xhtml").decode()
    assert phone.mode == "RGB" and phone.height > phone.width  # portrait in its pixels
    assert phone.width * phone.height <= 4_000_000
    assert max(phone.size) == images.EPUB_LONG_SIDE
    assert "exif" not in phone.info and "icc_profile" not in phone.info
    red, green, blue = phone.getpixel((phone.width // 2, 10))
    assert red > 180 and green < 80 and blue < 80  # the red edge is at the top
    assert cmyk.mode == "RGB"
    cyan, yellow = cmyk.getpixel((300, 450)), cmyk.getpixel((900, 450))
    assert cyan[0] < 60 and cyan[1] > 200 and cyan[2] > 200, cyan
    assert yellow[0] > 200 and yellow[1] > 200 and yellow[2] < 60, yellow
    assert disc.format == "PNG" and disc.mode == "RGBA"  # lossless, transparency kept
    assert disc.getpixel((0, 0))[3] == 0 and disc.getpixel((300, 200))[3] == 255
    assert f'<img width="{phone.width}" height="{phone.height}" src="images/phone.jpg"' in chapter


def test_versions_are_cached_and_reproducible(photos: dict[str, Path]) -> None:
    cached = sorted((photos["cache"] / "images").iterdir())
    assert any(p.name.startswith("phone-") for p in cached)
    original = (photos["manuscript"] / "images" / "phone.jpg").read_bytes()
    made, width, height = images.encode(original, "image/jpeg", images.EPUB)
    assert (width, height) == (1200, 1600)
    assert made == images.encode(original, "image/jpeg", images.EPUB)[0]
    assert any(p.read_bytes() == made for p in cached)  # the cache holds what encoding gives
    assert not re.search(rb"Exif|" + generate.MAKE.encode(), made)


def test_print_preflight_warns_about_coarse_images(photos: dict[str, Path]) -> None:
    small = (
        f"manuscript/02-diagrams.md:{generate.SMALL_LINE}: warning: images/small.jpg is 96 ppi "
        "where it is printed (needs 300 for print): give it at least 1250 × 938 pixels, or show "
        "it smaller"  # what would do (#26, item 4)
    )
    warnings = json.loads((photos["dist"] / "manifest.json").read_text())["warnings"]
    assert small in warnings
    assert not any("phone.jpg" in w for w in warnings)  # 806 ppi: sharp
    strict = build(
        photos["manuscript"], photos["dist"], photos["cache"], "--only", "print", "--strict"
    )
    assert strict.returncode == 1
    assert small.replace(": warning: ", ": error: ") in strict.stderr


def pdf_text(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(pdf).pages]


def test_cover_photo_full_bleed_in_print(photos: dict[str, Path]) -> None:
    import pypdfium2

    dist = photos["dist"]
    screen = [i for i in image_list(dist / "photo-test.pdf") if i["page"] == "1"]
    assert len(screen) == 1 and int(screen[0]["x-ppi"]) <= 201  # the photo, downsampled
    printed = [i for i in image_list(dist / "photo-test-print.pdf") if i["page"] == "1"]
    assert (printed[0]["width"], printed[0]["height"]) == ("2000", "2800")
    with pypdfium2.PdfDocument(dist / "photo-test-print.pdf") as pdf:
        page = pdf[0]
        scale = 4
        bitmap = page.render(scale=scale).to_pil().convert("RGB")
        slug = 12 * 72 / 25.4  # the paper around the trim (render_print.SLUG)
        middle = bitmap.height // 2
        inside_bleed = bitmap.getpixel((round((slug - 1.5 * 72 / 25.4) * scale), middle))
        outside = bitmap.getpixel((round((slug - 6 * 72 / 25.4) * scale), middle))
    assert sum(inside_bleed) < 600 and inside_bleed != (140, 29, 24), inside_bleed  # photo
    assert outside == (255, 255, 255)  # past the bleed: paper
    title = pdf_text(dist / "photo-test.pdf")[0]
    assert "Photo Test" in title  # the title is set over the photo


def test_credits_under_figures_and_in_back_matter(photos: dict[str, Path]) -> None:
    dist = photos["dist"]
    pages = [" ".join(text.split()) for text in pdf_text(dist / "photo-test.pdf")]
    photo_page = next(n for n, text in enumerate(pages, 1) if "A phone photo" in text)
    assert generate.CREDIT in pages[photo_page - 1]  # under the figure
    assert generate.COVER_CREDIT in " ".join(pages[:3])  # the colophon names the cover photo
    credits = pages[-1]
    assert "Picture credits" in credits
    # A credit naming its own kind ('Photo: …') gets no second colon (#26, item 12).
    assert f"Page {photo_page} A phone photo ({generate.CREDIT})" in credits
    assert f"Cover: {generate.COVER_CREDIT}" not in " ".join(pages[:3])
    assert f"Cover {generate.COVER_CREDIT}" in credits
    handout = " ".join(pdf_text(dist / "handouts" / "photographs-A4.pdf")[0].split())
    assert generate.CREDIT in handout
    with zipfile.ZipFile(dist / "photo-test.epub") as epub:
        chapter = epub.read("EPUB/photographs.xhtml").decode()
        listed = epub.read("EPUB/credits.xhtml").decode()
        nav = epub.read("EPUB/nav.xhtml").decode()
        cover = Image.open(io.BytesIO(epub.read("EPUB/cover.jpg")))
    assert f'<span class="credit" id="photographs--credit-1">{generate.CREDIT}</span>' in chapter
    assert 'href="photographs.xhtml#photographs--credit-1"' in listed
    assert generate.COVER_CREDIT in listed and generate.CREDIT in listed
    assert '<a href="credits.xhtml">Picture credits</a>' in nav
    assert 'href="credits.xhtml#page-' in nav  # the credits page is in the page-list
    red, _, blue = cover.getpixel((cover.width // 2, cover.height * 2 // 3))
    assert blue > red  # the e-book's cover shows the photo, not the plain red cover


def test_unused_cover_photo_not_packed(photos: dict[str, Path]) -> None:
    """The e-book's and the site's cover is the printed cover as a picture: the cover photo
    itself, shown on no page, is packed into neither (#26, item 17)."""
    with zipfile.ZipFile(photos["dist"] / "photo-test.epub") as epub:
        names = epub.namelist()
    assert "EPUB/images/phone.jpg" in names and "EPUB/images/cover.jpg" not in names
    site = photos["dist"] / "site"
    assert (site / "images" / "phone.jpg").is_file()
    assert not list((site / "images").glob("cover*"))


def test_web_images_offer_srcset_with_sizes(photos: dict[str, Path]) -> None:
    from booklet.load import load

    book = load(photos["manuscript"])
    tag = images.for_medium(book, '<img src="images/phone.jpg" alt="A photo" />', "web")
    assert tag == (
        '<img width="1200" height="1600" srcset="images/phone-480w.jpg 480w, '
        'images/phone-960w.jpg 960w, images/phone.jpg 1200w" '
        f'sizes="{images.WEB_SIZES}" src="images/phone.jpg" alt="A photo" />'
    )
    files = images.web_files(book, next(i for i in book.images if i.path == "images/phone.jpg"))
    assert [(name, v.width, v.height) for name, v in files] == [
        ("images/phone.jpg", 1200, 1600),
        ("images/phone-960w.jpg", 960, 1280),
        ("images/phone-480w.jpg", 480, 640),
    ]
    small = images.for_medium(book, '<img src="images/small.jpg" alt="" />', "web")
    assert 'srcset="images/small.jpg 400w"' in small  # nothing narrower than 480 to offer
    assert images.for_medium(book, '<img src="images/phone.jpg" />', "pdf") == (
        '<img src="images/phone.jpg" />'  # WeasyPrint's fetcher swaps the file instead
    )


def test_web_edition_shows_credits_and_srcset(photos: dict[str, Path]) -> None:
    site = photos["dist"] / "site"
    chapter = (site / "photographs.html").read_text()
    assert f'<span class="credit" id="photographs--credit-1">{generate.CREDIT}</span>' in chapter
    assert (
        '<img width="1200" height="1600" srcset="images/phone-480w.jpg 480w, '
        'images/phone-960w.jpg 960w, images/phone.jpg 1200w"'
    ) in chapter
    listed = (site / "credits.html").read_text()
    assert 'href="photographs.html#photographs--credit-1"' in listed
    assert generate.COVER_CREDIT in listed and generate.CREDIT in listed
    assert 'href="credits.html"' in (site / "contents.html").read_text()


def test_ace_finds_no_violations_in_an_epub_with_photos(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    """#27: Ace had only seen EPUBs without photos, credits or a photo cover."""
    from test_epub import ace_violations

    (epub,) = photos["dist"].glob("*.epub")
    assert ace_violations(epub, tmp_path) == []


def test_axe_finds_no_violation_on_the_credits_and_photo_pages(
    photos: dict[str, Path], browser: Any
) -> None:
    """#27: axe had never seen credits.html (the shipped booklet has no credited picture)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip("axe-playwright-python is not installed (pip install -e '.[dev]')")
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    problems, errors = [], []
    with serving(photos["dist"] / "site") as server:
        page = browser.new_page()
        page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
        for name in ("credits.html", "photographs.html", "diagrams.html", "index.html"):
            page.goto(server + name)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                result = Axe().run(page, options=options)
                if result.violations_count:
                    problems.append(f"{scheme} {name}:\n{result.generate_report()}")
        page.close()
    assert problems == []
    assert errors == []
