"""Handouts over their sheet (a warning; an error with `--strict`), sample handouts, half-letter."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
from conftest import run_cli as build
from pypdf import PdfReader

from booklet.render.prepress import saddle_stitch

ROOT = Path(__file__).resolve().parent.parent
OVERFLOW = ROOT / "tests" / "print" / "manuscript"
SAMPLE = ROOT / "tests" / "sample"
MM = 72 / 25.4
WARNINGS = [
    f"manuscript/01-long.md:1: warning: handout 'A Chapter That Runs Long' on {paper} runs to "
    "3 pages (1 over the 2-page sheet); shorten it or set handout: false"
    for paper in ("A4", "Letter")
]


def test_saddle_stitch_order_pads_to_a_multiple_of_four_at_the_end() -> None:
    assert saddle_stitch(1) == [(4, 1), (2, 3)]
    assert saddle_stitch(4) == [(4, 1), (2, 3)]
    assert saddle_stitch(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    sides = saddle_stitch(10)  # 12 pages: 11 and 12 are blanks
    assert sides == [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]
    assert sorted(n for side in sides for n in side) == list(range(1, 13))


def test_an_overlong_handout_is_a_warning_naming_chapter_paper_and_excess(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = build("--manuscript", OVERFLOW, "--out", out, "--only", "handouts")
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "warning" in line] == WARNINGS
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["warnings"] == WARNINGS
    pages = {e["path"]: e["pages"] for e in manifest["outputs"]}
    assert pages["handouts/long-A4.pdf"] == 3
    assert pages["handouts/short-Letter.pdf"] == 1
    # The combined file: 3 pages of the long handout, a blank, the short one on page 5.
    assert pages["handouts-A4.pdf"] == 5
    combined = PdfReader(out / "handouts-A4.pdf")
    assert combined.pages[3].extract_text().strip() == ""
    assert "A Short Chapter" in combined.pages[4].extract_text()


def test_strict_makes_the_overflow_an_error_and_leaves_dist_alone(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    # an earlier build's outputs (a manifest marks the folder as the build's own)
    (out / "manifest.json").write_text('{"outputs": [], "warnings": []}\n', encoding="utf-8")
    result = build("--manuscript", OVERFLOW, "--out", out, "--only", "handouts", "--strict")
    assert result.returncode == 1
    errors = [line.replace(": warning: ", ": error: ") for line in WARNINGS]
    assert result.stderr.splitlines() == [*errors, "2 error(s); nothing was written"]
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]  # no staging folder left behind
    assert [p.name for p in out.iterdir()] == ["manifest.json"]


def test_sample_handout_lays_out_every_sidebar_kind_without_warnings(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = build("--manuscript", SAMPLE, "--out", out, "--only", "handouts", "--strict")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # 01-first.md links into 02-second.md: in the one-chapter handout that link is plain text,
    # so WeasyPrint has no missing anchor to warn about.
    assert manifest["warnings"] == []
    handouts = {e["path"]: e["pages"] for e in manifest["outputs"] if e["kind"] == "handout"}
    assert set(handouts) == {"handouts/first-A4.pdf", "handouts/first-Letter.pdf"}
    assert all(pages <= 2 for pages in handouts.values())
    text = " ".join(p.extract_text() for p in PdfReader(out / "handouts/first-A4.pdf").pages)
    text = re.sub(r"\s+", " ", text)
    for expected in ("It was a quiet beginning.", "Key facts", "30,000", "May 1941", "Why did it"):
        assert expected in text
    assert "The footnote text." in text  # footnotes become notes under the text
    assert "example.org/sample" in text
    assert_qr_code(out / "handouts/first-A4.pdf")


def assert_qr_code(pdf: Path) -> None:
    """The download address as a QR code: a square of dark modules, half of them dark, 16 mm
    wide with its quiet zone, at the right of the last page's footer."""
    pages = pdfium.PdfDocument(pdf)
    last = pages[len(pages) - 1].render(scale=2).to_pil().convert("L")
    width, height = last.size
    corner = last.crop((width - 200, height - 260, width - 60, height))  # beside the credit
    dark = [
        (x, y)
        for x in range(corner.width)
        for y in range(corner.height)
        if corner.getpixel((x, y)) < 100
    ]
    xs, ys = [x for x, _ in dark], [y for _, y in dark]
    side_x, side_y = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
    assert abs(side_x - side_y) <= 2 and 12 * MM * 2 < side_x <= 16 * MM * 2
    assert 0.3 < len(dark) / (side_x * side_y) < 0.7


def test_half_letter_trim_prints_on_letter(tmp_path: Path) -> None:
    manuscript = tmp_path / "manuscript"
    shutil.copytree(SAMPLE, manuscript)
    yaml = manuscript / "book.yaml"
    yaml.write_text(yaml.read_text().replace("trim: A5", "trim: half-letter"), encoding="utf-8")
    out = tmp_path / "dist"
    result = build("--manuscript", manuscript, "--out", out, "--only", "print", "--only", "imposed")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    kinds = {e["kind"]: e for e in manifest["outputs"]}
    assert kinds["print"]["paper"] == "half-letter"
    assert kinds["imposed"]["paper"] == "Letter"
    assert kinds["imposed"]["path"] == "sample-booklet-imposed-Letter.pdf"
    printed = PdfReader(out / "sample-booklet-print.pdf")
    bleed = 3 * 72 / 25.4
    for page in printed.pages:
        assert [round(float(v), 1) for v in page.trimbox] == [0, 0, 396, 612]
        assert [round(float(v), 1) for v in page.bleedbox] == [
            round(v, 1) for v in (-bleed, -bleed, 396 + bleed, 612 + bleed)
        ]
    imposed = pdfium.PdfDocument(out / "sample-booklet-imposed-Letter.pdf")
    assert len(imposed) == (len(printed.pages) + 3) // 4 * 2
    assert all(page.get_size() == (792, 612) for page in imposed)


def test_the_heading_before_the_questions_goes_with_them(tmp_path: Path) -> None:
    """#26, item 14: the starter's `## Questions to discuss` stood alone at the end of the
    columns while its box moved under them; it now goes with the box. And #26, item 15: the
    header band has a Name / Class / Date line in the book's language."""
    from booklet.commands.new import create
    from booklet.load import load
    from booklet.model import Prose, Sidebar
    from booklet.render import templates
    from booklet.render.handouts import lead_ins_of

    create(tmp_path / "starter", "Notre quartier", "fr")
    book = load(tmp_path / "starter")
    (chapter,) = book.handout_chapters
    questions = tuple(s for s in chapter.sidebars if s.kind == "questions")
    blocks, lead_ins = lead_ins_of(chapter.blocks, questions)
    assert not any(isinstance(b, Sidebar) and b.kind == "questions" for b in blocks)
    assert all("<h2" not in b.html for b in blocks if isinstance(b, Prose))
    (heading,) = lead_ins.values()
    assert str(heading) == '<h2 id="en-classe--questions">Questions à débattre</h2>'
    html = templates.render(
        "handout.html",
        book,
        chapter=chapter,
        body=chapter.__class__(**{**chapter.__dict__, "blocks": blocks}),
        questions=questions,
        lead_ins=lead_ins,
        paper="A4",
        short_link="",
        qr="",
        answer_height="10mm",
        header_space="40mm",
        variant="standard",
    )
    columns_end = html.index('<div class="handout-columns">')
    lead = html.index('<div class="handout-questions-heading">')
    assert columns_end < lead < html.index('class="sidebar sidebar-questions')
    student = re.search(r'<p class="handout-student">(.*?)</p>', html)
    assert student and re.sub(r"<[^>]+>", " ", student.group(1)).split() == [
        "Nom",
        "Classe",
        "Date",
    ]
