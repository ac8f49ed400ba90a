"""Every pupil and the teacher (#25): large-print and dyslexia-friendly handouts read from the
PDFs they make (sizes, fonts, columns, line ends, spacing, tags, QR code), teacher's notes absent
from every pupil output and present in the teacher's guide, and the check's warning."""

from __future__ import annotations

import ctypes
import itertools
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from click.testing import CliRunner
from conftest import SAMPLE, run_cli, write_manuscript

from booklet.cli import main

MARKER = "TEACHERONLY7Q"
NOTES = f"""
:::{{teacher}}
1. {MARKER} A good answer draws on the first paragraph.
2. It can compare the two sections.
:::

:::{{teacher}} Lesson steps
1. Read the chapter aloud.
2. Discuss in pairs.
:::
"""
PT_PER_MM = 72 / 25.4


def with_notes(folder: Path) -> Path:
    """The sample with teacher's notes after the first chapter's questions, every variant."""
    write_manuscript(folder, copy_of=SAMPLE, book_yaml=(SAMPLE / "book.yaml").read_text())
    chapter = folder / "01-first.md"
    text = chapter.read_text()
    chapter.write_text(text.replace("2. What changed?\n:::\n", "2. What changed?\n:::\n" + NOTES))
    book = folder / "book.yaml"
    book.write_text(
        book.read_text().replace(
            "handout_papers: [A4, Letter]",
            "handout_papers: [A4]\nhandout_variants: [standard, large-print, dyslexia]",
        )
    )
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = with_notes(tmp_path_factory.mktemp("classroom") / "m")
    out = folder.parent / "dist"
    run = run_cli("--manuscript", folder, "--out", out)
    assert run.returncode == 0, run.stderr
    return out


@dataclass(frozen=True)
class Char:
    page: int
    text: str
    size: float  # points
    font: str
    left: float  # points from the page's left edge
    bottom: float  # the baseline, points from the page's foot
    right: float


def chars(pdf: Path) -> Iterator[Char]:
    """Every visible character of a PDF with its size, font and box (pdfium's text layer)."""
    document = pdfium.PdfDocument(pdf)
    for number in range(len(document)):
        textpage = document[number].get_textpage()
        for index in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage, index)
            if code in (0, 2, 0xFFFE) or chr(code).isspace():
                continue
            name = ctypes.create_string_buffer(256)
            flags = ctypes.c_int()
            pdfium_c.FPDFText_GetFontInfo(textpage, index, name, 256, ctypes.byref(flags))
            left, _, right, _ = textpage.get_charbox(index)
            matrix = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
            scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5  # WeasyPrint: px→pt
            size = pdfium_c.FPDFText_GetFontSize(textpage, index) * scale
            x, y = ctypes.c_double(), ctypes.c_double()
            pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
            yield Char(number, chr(code), size, name.value.decode(), left, y.value, right)


def family(font: str) -> str:
    """'EMGXAI+Source-Sans-3-Bold' → 'Source-Sans-3' (subset tag and style dropped)."""
    name = font.split("+")[-1].rstrip(",")
    return re.sub(r"-(Bold|Semi-Bold|Italic|Regular|Light|Medium|Black)+$", "", name)


def lines(found: list[Char]) -> list[list[Char]]:
    """Characters grouped into printed lines (same page and baseline)."""
    rows: dict[tuple[int, int], list[Char]] = {}
    for char in found:
        rows.setdefault((char.page, round(char.bottom)), []).append(char)
    return [sorted(row, key=lambda c: c.left) for _, row in sorted(rows.items())]


def handout(out: Path, variant: str) -> Path:
    suffix = "" if variant == "standard" else f"-{variant}"
    return out / "handouts" / f"first-A4{suffix}.pdf"


def body_lines(pdf: Path) -> list[list[Char]]:
    """The printed lines between the running head and the footer (sorted up each page)."""
    top = pdfium.PdfDocument(pdf)[0].get_height() - 16 * PT_PER_MM
    foot = 50 * PT_PER_MM
    return [row for row in lines(list(chars(pdf))) if foot < row[0].bottom < top]


def shipped_handouts(build: tuple[Path, object], variant: str) -> list[Path]:
    out, _ = build
    found = sorted((out / "handouts").glob(f"*-{variant}.pdf"))
    assert len(found) == 8  # four handout chapters on A4 and on Letter
    return found


def test_large_print_is_18_points_sans_upright_in_one_column(
    booklet_build: tuple[Path, object],
) -> None:
    middle = 105 * PT_PER_MM
    for pdf in shipped_handouts(booklet_build, "large-print"):
        found = list(chars(pdf))
        assert found
        assert {(c.text, round(c.size, 1)) for c in found if c.size < 17.95} == set(), pdf
        assert not [c.font for c in found if "Italic" in c.font or "Oblique" in c.font]
        assert {family(c.font) for c in found} == {"Source-Sans-3"}
        assert not [r for r in body_lines(pdf) if r[0].left > middle], pdf  # no column 2
    out, _ = booklet_build
    standard = body_lines(out / "handouts" / "occupation-A4.pdf")
    assert [r for r in standard if r[0].left > middle]  # the standard handout has two


def test_dyslexia_friendly_is_ragged_unhyphenated_upright_and_spaced(
    booklet_build: tuple[Path, object],
) -> None:
    for pdf in shipped_handouts(booklet_build, "dyslexia"):
        found = list(chars(pdf))
        assert not [c.font for c in found if "Italic" in c.font or "Oblique" in c.font]
        assert {family(c.font) for c in found} == {"Source-Sans-3"}
        rows = body_lines(pdf)
        assert not [r for r in rows if r[-1].text in "\u2010\u00ad-" and r[-2].text.isalpha()]
        body = [r for r in rows if 12.5 < max(c.size for c in r) < 13.5 and len(r) > 40]
        assert len(body) > 10, pdf
        ends = [round(r[-1].right) for r in body]
        assert ends.count(max(ends)) < len(ends) / 3  # ragged right: no justified block
        gaps = [  # baseline to baseline; lines in reading order run down the page
            above[0].bottom - below[0].bottom
            for below, above in itertools.pairwise(body)
            if below[0].page == above[0].page and 0 < above[0].bottom - below[0].bottom < 30
        ]
        assert gaps and min(gaps) >= 1.4 * 13, pdf


@pytest.mark.parametrize("variant", ["large-print", "dyslexia"])
def test_variants_are_tagged_and_carry_the_qr_code(built: Path, variant: str) -> None:
    from pdfua import validate

    pdf = handout(built, variant)
    report = validate(str(pdf))
    assert [f for f in report.findings if f.rule_id != "UA-15-003"] == []
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (Debian zbar-tools, installed by scripts/setup.sh) is absent")
    document = pdfium.PdfDocument(pdf)
    last = document[len(document) - 1].render(scale=4).to_pil()
    image = pdf.with_suffix(".png")
    last.save(image)
    read = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True)
    assert read.stdout.strip() == "https://example.org/sample"


def test_variants_take_the_sheets_they_need_and_the_site_offers_them(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    handouts = {o["path"]: o for o in manifest["outputs"] if o["kind"] == "handout"}
    assert handouts["handouts/first-A4.pdf"]["pages"] <= 2
    assert handouts["handouts/first-A4-large-print.pdf"]["variant"] == "large-print"
    assert handouts["handouts/first-A4-large-print.pdf"]["pages"] > 2
    assert "variant" not in handouts["handouts/first-A4.pdf"]
    assert not [w for w in manifest["warnings"] if "handout" in w]  # only standard must fit
    index = (built / "site" / "index.html").read_text()
    assert 'href="downloads/handouts/first-A4-large-print.pdf"' in index
    assert 'href="downloads/handouts-A4-dyslexia.pdf"' in index
    assert "large print" in index and "dyslexia-friendly" in index


def pupil_texts(out: Path) -> Iterator[tuple[str, str]]:
    """(file, text) of every output but the teacher's guide: PDFs' text, EPUB and site files."""
    for path in sorted(out.rglob("*")):
        if path.is_dir() or "teacher-guide" in path.name:
            continue
        if path.suffix == ".pdf":
            document = pdfium.PdfDocument(path)
            yield str(path), " ".join(p.get_textpage().get_text_range() for p in document)
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield f"{path}/{name}", archive.read(name).decode(errors="replace")
        else:
            yield str(path), path.read_bytes().decode(errors="replace")


def test_teacher_notes_reach_only_the_teachers_guide(built: Path) -> None:
    leaks = [name for name, text in pupil_texts(built) if MARKER in text or "Lesson steps" in text]
    assert leaks == []
    guide = built / "sample-booklet-teacher-guide.pdf"
    document = pdfium.PdfDocument(guide)
    text = re.sub(r"\s+", " ", " ".join(p.get_textpage().get_text_range() for p in document))
    assert f"Why did it begin? NOTES FOR THE TEACHER {MARKER}" in text.replace("\r", "")
    assert "Lesson steps Read the chapter aloud." in text
    assert "booklet page" in text
    assert not list((built / "site").rglob("*teacher*"))


def test_teachers_guide_is_tagged(built: Path) -> None:
    from pdfua import validate

    report = validate(str(built / "sample-booklet-teacher-guide.pdf"))
    assert [f for f in report.findings if f.rule_id != "UA-15-003"] == []


def test_check_lists_questions_without_notes(tmp_path: Path) -> None:
    folder = with_notes(tmp_path / "m")
    second = folder / "02-second.md"
    second.write_text(second.read_text() + "\n:::{questions}\n1. Why?\n:::\n")
    result = CliRunner().invoke(main, ["check", "--manuscript", str(folder)])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "m/02-second.md:40: warning: these discussion questions have no teacher's notes; add a "
        "':::{teacher}' block right after them (the teacher's guide lists them as without notes)",
        "m: 2 chapter(s) checked, no errors, 1 warning(s)",
    ]
    sample = CliRunner().invoke(main, ["check", "--manuscript", str(SAMPLE)])
    assert "teacher" not in sample.stderr  # a book that never uses notes gets no warning
