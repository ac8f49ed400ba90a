"""What makes builds fast, checked for what it must not break: reused outputs (and when they are
not reused), jobs in worker processes (their errors and stops), static font instances."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE
from conftest import run_cli as cli
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from booklet.assets.fonts import faces
from booklet.assets.instance import _fonttools_instance, static_instance
from booklet.builder import build, jobs
from booklet.builder.jobs import Medium
from booklet.builder.workers import RenderCrash
from booklet.cli import main
from booklet.confine import read_confined
from booklet.model import Book, Output

OVERFLOW = ROOT / "tests" / "print" / "manuscript"
SLOW_BUILD = ROOT / "tests" / "interrupts" / "slow_build.py"
JOBS = ["pdf, epub, print, imposed, cover", "handout first A4", "handout first Letter"]
# Made last, from the others' files: the handouts joined, then the site.
JOINED_MADE, JOINED_KEPT = (
    "rendering handouts, all in one",
    "handouts, all in one: inputs unchanged, outputs kept",
)
SITE_MADE, SITE_KEPT = "rendering site", "site: inputs unchanged, outputs kept"


def built(manuscript: Path, out: Path, **options: object) -> tuple[list[str], dict[str, int]]:
    """Build; the progress lines, and each output's inode (the same inode: the file was reused)."""
    steps: list[str] = []
    result = build(manuscript, out, progress=steps.append, **options)  # type: ignore[arg-type]
    return steps, {o.path.relative_to(out).as_posix(): o.path.stat().st_ino for o in result.outputs}


def add_sentence(chapter: Path, sentence: str) -> None:
    """Edit a chapter as an author would: one more paragraph at its end."""
    with chapter.open("a", encoding="utf-8") as file:
        file.write(f"\n{sentence}\n")


def manifest(out: Path) -> dict[str, object]:
    return dict(json.loads((out / "manifest.json").read_text(encoding="utf-8")))


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    return copy


# Reuse -------------------------------------------------------------------------------------------


def test_an_unchanged_rebuild_keeps_every_output(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    steps, first = built(sample, out)
    assert steps[-3:] == [f"rendering {'; '.join(JOBS)}", JOINED_MADE, SITE_MADE]
    before = manifest(out)
    steps, second = built(sample, out)
    kept = [f"{job}: inputs unchanged, outputs kept" for job in JOBS]
    assert steps[1:] == [*kept, JOINED_KEPT, SITE_KEPT]
    assert second == first  # the same files, linked into the new output folder
    assert manifest(out) == before


def test_force_renders_everything_again_to_the_same_bytes(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    _, first = built(sample, out)
    before = manifest(out)
    steps, second = built(sample, out, force=True)
    assert steps[-3:] == [f"rendering {'; '.join(JOBS)}", JOINED_MADE, SITE_MADE]
    assert all(second[path] != inode for path, inode in first.items())
    assert manifest(out) == before


def test_editing_a_chapter_renders_only_what_shows_it(sample: Path, tmp_path: Path) -> None:
    """02-second is not a handout: the book is rendered again, the handouts are kept."""
    out = tmp_path / "dist"
    _, first = built(sample, out)
    add_sentence(sample / "02-second.md", "A sentence added while editing.")
    steps, second = built(sample, out)
    assert steps[1:] == [
        "handout first A4: inputs unchanged, outputs kept",
        "handout first Letter: inputs unchanged, outputs kept",
        "rendering pdf, epub, print, imposed, cover",
        JOINED_KEPT,
        SITE_MADE,
    ]
    kept = {path for path in first if path.startswith("handouts")}
    assert {path for path in first if first[path] == second[path]} == kept
    text = "".join(page.extract_text() for page in PdfReader(out / "sample-booklet.pdf").pages)
    assert "A sentence added while editing." in text
    # ...and a handout chapter's edit renders its handouts too
    add_sentence(sample / "01-first.md", "Another sentence.")
    steps, _ = built(sample, out)
    assert steps[1:] == [f"rendering {'; '.join(JOBS)}", JOINED_MADE, SITE_MADE]


def test_editing_a_handout_chapter_renders_its_handouts_and_no_other(
    sample: Path, tmp_path: Path
) -> None:
    """With two handout chapters, an edit to one makes its handouts and the files of them all
    again, and keeps the other's handouts as they were (the same files)."""
    second = sample / "02-second.md"
    second.write_text(second.read_text().replace("handout: false", "handout: true"))
    out = tmp_path / "dist"
    _, first = built(sample, out)
    add_sentence(sample / "01-first.md", "Another sentence.")
    steps, again = built(sample, out)
    assert steps[1:] == [
        "handout second A4: inputs unchanged, outputs kept",
        "handout second Letter: inputs unchanged, outputs kept",
        "rendering pdf, epub, print, imposed, cover; handout first A4; handout first Letter",
        JOINED_MADE,
        SITE_MADE,
    ]
    handouts = {path for path in first if path.startswith("handouts/")}
    assert {path for path in handouts if first[path] == again[path]} == {
        "handouts/second-A4.pdf",
        "handouts/second-Letter.pdf",
    }
    joined = PdfReader(out / "handouts-A4.pdf")
    assert "Another sentence." in "".join(page.extract_text() for page in joined.pages)


def test_an_epub_alone_reuses_the_page_map_of_an_unchanged_layout(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second EPUB-only build of the same layout takes its page-list and cover from the disk
    cache: laying the book out would fail here, and the EPUB is the same, byte for byte."""
    from booklet.render.epub import pagemap

    built(sample, tmp_path / "first", only=["epub"])
    pagemap.page_map.cache_clear()

    def no_layout(book: Book) -> None:
        raise AssertionError("the book was laid out again")

    monkeypatch.setattr(pagemap, "screen_document", no_layout)
    built(sample, tmp_path / "second", only=["epub"])
    epubs = [(tmp_path / name / "sample-booklet.epub").read_bytes() for name in ("first", "second")]
    assert epubs[0] == epubs[1]
    add_sentence(sample / "02-second.md", "A sentence that moves the pages.")
    with pytest.raises(RenderCrash, match="laid out again"):  # another layout: another map
        built(sample, tmp_path / "third", only=["epub"])


def test_an_output_changed_since_is_rendered_again(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    built(sample, out)
    before = manifest(out)
    (out / "handouts-Letter.pdf").write_bytes(b"%PDF-1.7 edited by hand")
    (out / "handouts" / "first-A4.pdf").unlink()
    steps, _ = built(sample, out)
    assert steps[1:] == [
        "pdf, epub, print, imposed, cover: inputs unchanged, outputs kept",
        "handout first Letter: inputs unchanged, outputs kept",
        "rendering handout first A4",
        JOINED_MADE,
        SITE_MADE,
    ]
    assert manifest(out) == before


def test_one_process_gives_the_same_bytes(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built(sample, tmp_path / "parallel")
    monkeypatch.setenv("BOOKLET_PARALLEL", "0")
    built(sample, tmp_path / "serial")
    outputs = [manifest(tmp_path / name)["outputs"] for name in ("parallel", "serial")]
    assert outputs[0] == outputs[1]


def test_a_renderer_change_is_an_input_change(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    built(sample, out)
    steps, _ = built(sample, out, only=["pdf"])  # other renderers: another job, another key
    assert steps[1:] == ["rendering pdf"]


def test_reused_jobs_report_their_warnings_again(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    first = cli("--manuscript", OVERFLOW, "--out", out, "--only", "handouts")
    again = cli("--manuscript", OVERFLOW, "--out", out, "--only", "handouts")
    assert first.returncode == again.returncode == 0
    assert "runs to 3 pages" in first.stderr
    assert again.stderr == first.stderr
    strict = cli("--manuscript", OVERFLOW, "--out", out, "--only", "handouts", "--strict")
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[-1] == "2 error(s); nothing was written"


# Workers -----------------------------------------------------------------------------------------


def writing(book: Book, out_dir: Path) -> list[Output]:
    (out_dir / "fine.pdf").write_bytes(b"%PDF-1.7")
    return [Output("pdf", out_dir / "fine.pdf", 1)]


def reading_outside(book: Book, out_dir: Path) -> list[Output]:
    read_confined(book.root.parent / "secret.txt", [book.root])
    return []


def crashing(book: Book, out_dir: Path) -> list[Output]:
    return [Output("pdf", out_dir / "x.pdf", 1 // 0)]


def test_a_refusal_in_a_worker_fails_the_build(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret.txt").write_text("secret\n")
    monkeypatch.setattr(
        jobs,
        "MEDIA",
        {"pdf": Medium(writing, shared_layout=True), "extra": Medium(reading_outside)},
    )
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["--manuscript", str(sample), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: refused to read '{tmp_path / 'secret.txt'}': it is outside the manuscript folder",
        f"the build failed; '{out}' was left as it was",
    ]
    assert not out.exists()
    assert list(tmp_path.glob(".dist.*")) == []


def test_the_epub_starts_once_the_book_is_laid_out_not_once_its_pdf_is_written(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, laid_out = tmp_path / "epub-started", tmp_path / "laid-out"

    def pdf(book: Book, out_dir: Path) -> list[Output]:
        deadline = time.monotonic() + 60
        while not started.exists():  # the EPUB worker must start while this one still works
            assert time.monotonic() < deadline, "the EPUB waited for the screen PDF"
            time.sleep(0.02)
        return writing(book, out_dir)

    def epub(book: Book, out_dir: Path) -> list[Output]:
        assert laid_out.exists(), "the EPUB started before the layout"
        started.write_text("started", encoding="utf-8")
        (out_dir / "book.epub").write_bytes(b"PK")
        return [Output("epub", out_dir / "book.epub", 0)]

    monkeypatch.setattr(jobs, "laid_out", lambda book: laid_out.write_text("laid out"))
    monkeypatch.setattr(
        jobs,
        "MEDIA",
        {"pdf": Medium(pdf, shared_layout=True), "epub": Medium(epub, True, after_layout=True)},
    )
    result = build(sample, tmp_path / "dist", only=["pdf", "epub"])
    assert [o.kind for o in result.outputs] == ["pdf", "epub"]  # in the renderers' order


def test_a_crash_in_a_worker_names_the_job_and_keeps_its_traceback(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        jobs, "MEDIA", {"pdf": Medium(writing, shared_layout=True), "extra": Medium(crashing)}
    )
    with pytest.raises(RenderCrash) as caught:
        build(sample, tmp_path / "dist")
    assert caught.value.messages == (
        "rendering extra failed: ZeroDivisionError: integer division or modulo by zero",
    )
    assert caught.value.details.startswith("Traceback")  # the worker's, for --debug
    assert "in crashing\n" in caught.value.details
    assert list(tmp_path.glob(".dist.*")) == []


def test_a_stopped_parallel_build_ends_its_workers(tmp_path: Path) -> None:
    """The stalling renderer runs in a worker (--force: every job runs, so there are workers)."""
    out = tmp_path / "dist"
    ready = tmp_path / "ready"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "READY_FILE": str(ready)}
    command = [sys.executable, str(SLOW_BUILD), "--manuscript", str(SAMPLE), "--out", str(out)]
    process = subprocess.Popen([*command, "--force"], env=env, stderr=subprocess.PIPE, text=True)
    while not ready.with_suffix(".pid").exists():  # a wait for an event, not a timed assertion
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    worker = int(ready.with_suffix(".pid").read_text())
    assert worker != process.pid
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143
    assert stderr == f"stopped by SIGTERM; '{out}' was left as it was\n"
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)
    assert not out.exists()
    assert list(tmp_path.glob(".dist.*")) == []


# Static font instances ---------------------------------------------------------------------------


@pytest.mark.parametrize("face", [0, 3], ids=["Literata", "Source Sans 3 italic"])
def test_harfbuzz_instances_match_fonttools(face: int) -> None:
    """Same outlines and advances as fontTools' instancer (the fallback), in milliseconds."""
    path = faces()[face].path
    location = {"wght": 600.0, **({"opsz": 10.0} if "opsz" in path.name else {})}
    ours = TTFont(io.BytesIO(static_instance(path, location, "Rag1", hinting=False)))
    theirs = TTFont(io.BytesIO(_fonttools_instance(path, location, "Rag1", None, False)))
    assert "fvar" not in ours and "gvar" not in ours
    assert ours["OS/2"].usWeightClass == 600
    for character in "Rag1":
        a, b = ours.getBestCmap()[ord(character)], theirs.getBestCmap()[ord(character)]
        assert ours["hmtx"][a] == theirs["hmtx"][b]
        assert list(ours["glyf"][a].getCoordinates(ours["glyf"])[0]) == list(
            theirs["glyf"][b].getCoordinates(theirs["glyf"])[0]
        )


def test_the_pdf_embeds_static_fonts_of_each_weight(sample_build: tuple[Path, object]) -> None:
    out, _ = sample_build
    reader = PdfReader(out / "sample-booklet.pdf")
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            data = descriptor["/FontFile2"].get_object().get_data()
            fonts[str(font.get_object()["/BaseFont"]).split("+")[-1]] = TTFont(io.BytesIO(data))
    assert all("fvar" not in font and "gvar" not in font for font in fonts.values())
    weights = {font["OS/2"].usWeightClass for font in fonts.values()}
    assert {400, 600, 700} <= weights
