"""A build that fails, is stopped, times out or is killed leaves the previous outputs exactly as
they were; the next build cleans up after a killed one; `--out` never replaces a non-build folder.

Signals and the time limit are tested on real processes (`tests/interrupts/slow_build.py` stalls
part-way through rendering, after the PDF is in the staging folder); the rest runs in-process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from safety_helpers import ROOT, SAMPLE

from booklet.builder import jobs, outdir
from booklet.builder.jobs import Medium
from booklet.builder.outdir import UnsafeOutput, check_out_dir, clean_stale, swap_in
from booklet.cli import main
from booklet.confine import read_confined
from booklet.model import Book, Output

SLOW_BUILD = ROOT / "tests" / "interrupts" / "slow_build.py"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time, and the folder's own mode."""
    files = {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
    files["."] = (b"", folder.stat().st_mode)
    return files


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.*"))


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built once; tests copy it to have a previous `dist/` to protect."""
    out = tmp_path_factory.mktemp("first") / "dist"
    result = CliRunner().invoke(main, ["--manuscript", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def dist(first_build: Path, tmp_path: Path) -> Iterator[Path]:
    out = tmp_path / "dist"
    shutil.copytree(first_build, out, copy_function=shutil.copy2)
    yield out


def start_slow_build(out: Path, tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], Path]:
    """Start a build that stalls after writing its PDF; return it once it got that far."""
    ready = tmp_path / "ready"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "READY_FILE": str(ready)}
    process = subprocess.Popen(
        [sys.executable, str(SLOW_BUILD), "--manuscript", str(SAMPLE), "--out", str(out), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while not ready.exists():  # a wait for an event, not a timed assertion
        if process.poll() is not None:
            pytest.fail(f"the build ended early: {process.communicate()}")
        time.sleep(0.05)
    staging = Path(ready.read_text(encoding="utf-8"))
    assert staging.name.startswith(f".dist.tmp-{process.pid}-")
    assert any(staging.glob("*.pdf")), "the PDF is written into the staging folder"
    return process, staging


@pytest.mark.parametrize(
    ("signum", "status", "message"),
    [
        (signal.SIGTERM, 143, "stopped by SIGTERM; '{out}' was left as it was"),
        (signal.SIGHUP, 129, "stopped by SIGHUP; '{out}' was left as it was"),
        (signal.SIGINT, 130, "interrupted; '{out}' was left as it was"),
    ],
)
def test_stopped_build_keeps_previous_outputs(
    dist: Path, tmp_path: Path, signum: int, status: int, message: str
) -> None:
    before = snapshot(dist)
    process, staging = start_slow_build(dist, tmp_path)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == status
    assert stderr == message.format(out=dist) + "\n"  # one line, no traceback
    # Progress lines only: no outputs listed, no summary
    assert all(line.startswith(("loading ", "kept ", "made ")) for line in stdout.splitlines())
    assert snapshot(dist) == before
    assert not staging.exists()
    assert leftovers(dist) == []


def test_timeout_stops_the_build_and_keeps_previous_outputs(dist: Path, tmp_path: Path) -> None:
    """Wherever the alarm lands (loading, rendering or the stall after it), the outcome is the same."""
    before = snapshot(dist)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "READY_FILE": str(tmp_path / "ready")}
    result = subprocess.run(
        [
            sys.executable,
            str(SLOW_BUILD),
            "--manuscript",
            str(SAMPLE),
            "--out",
            str(dist),
            "--timeout",
            "2",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"error: build took longer than 2 s; '{dist}' was left as it was. "
        "Raise --timeout or shorten the manuscript\n"
    )
    assert snapshot(dist) == before
    assert leftovers(dist) == []


def test_killed_build_keeps_outputs_and_next_build_cleans_up(dist: Path, tmp_path: Path) -> None:
    before = snapshot(dist)
    process, staging = start_slow_build(dist, tmp_path)
    process.kill()
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert snapshot(dist) == before
    assert staging.exists(), "SIGKILL gives no chance to clean up"
    # a live build's staging folder must survive the cleanup
    live = dist.with_name(f".dist.tmp-{os.getpid()}-live")
    live.mkdir()
    result = CliRunner().invoke(main, ["--manuscript", str(SAMPLE), "--out", str(dist)])
    assert result.exit_code == 0, result.output
    assert not staging.exists()
    assert leftovers(dist) == [live.name]
    assert (dist / "manifest.json").is_file()


def test_failed_load_keeps_outputs_byte_identical(dist: Path, tmp_path: Path) -> None:
    before = snapshot(dist)
    broken = tmp_path / "broken"
    shutil.copytree(SAMPLE, broken)
    (broken / "02-second.md").write_text("no front matter\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--manuscript", str(broken), "--out", str(dist)])
    assert result.exit_code == 1
    assert result.stderr == (
        "broken/02-second.md:1: error: chapter needs front matter: "
        "start with '---', 'title: …', '---'\n1 error(s); nothing was written\n"
    )
    assert snapshot(dist) == before
    assert leftovers(dist) == []


def failing_renderer(book: Book, out_dir: Path) -> list[Output]:
    """Writes half an output, then reads outside the book, like a renderer with a bad path."""
    (out_dir / "half.pdf").write_bytes(b"%PDF-1.7 half")
    read_confined(book.root.parent / "secret.txt", [book.root])
    return []


def swallowing_renderer(book: Book, out_dir: Path) -> list[Output]:
    """Like WeasyPrint inside an SVG: the refusal is swallowed, the render goes on."""
    with contextlib.suppress(Exception):
        read_confined("/etc/passwd", [book.root])
    (out_dir / "looks-fine.pdf").write_bytes(b"%PDF-1.7")
    return [Output("pdf", out_dir / "looks-fine.pdf", 1)]


@pytest.mark.parametrize("renderer", [failing_renderer, swallowing_renderer])
def test_failed_render_keeps_outputs(
    dist: Path, tmp_path: Path, renderer: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    manuscript = tmp_path / "sample"
    shutil.copytree(SAMPLE, manuscript)
    (tmp_path / "secret.txt").write_text("secret\n")
    monkeypatch.setattr(jobs, "MEDIA", {"pdf": Medium(renderer, shared_layout=True)})
    before = snapshot(dist)
    result = CliRunner().invoke(main, ["--manuscript", str(manuscript), "--out", str(dist)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: refused to read '")
    assert lines[0].endswith("': it is outside the manuscript folder")
    assert lines[1] == f"the build failed; '{dist}' was left as it was"
    assert snapshot(dist) == before
    assert leftovers(dist) == []


def crashing_renderer(book: Book, out_dir: Path) -> list[Output]:
    raise KeyError("no such medium")


def fine_renderer(book: Book, out_dir: Path) -> list[Output]:
    (out_dir / "fine.pdf").write_bytes(b"%PDF-1.7")
    return [Output("pdf", out_dir / "fine.pdf", 1)]


@pytest.mark.parametrize("parallel", ["1", "0"])
def test_a_crash_is_one_line_not_a_traceback(
    dist: Path, parallel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A renderer's bug, in a worker (or in the build's own process): what failed, in one line."""
    monkeypatch.setenv("BOOKLET_PARALLEL", parallel)
    monkeypatch.delenv("BOOKLET_DEBUG", raising=False)
    media = {"pdf": Medium(fine_renderer, shared_layout=True), "extra": Medium(crashing_renderer)}
    monkeypatch.setattr(jobs, "MEDIA", media)
    before = snapshot(dist)
    result = CliRunner().invoke(main, ["--manuscript", str(SAMPLE), "--out", str(dist)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: rendering extra failed: KeyError: 'no such medium'",
        f"the build failed; '{dist}' was left as it was",
    ]
    assert "Traceback" not in result.output
    assert snapshot(dist) == before
    assert leftovers(dist) == []


@pytest.mark.parametrize("switch", ["--debug", "BOOKLET_DEBUG=1"])
def test_debug_shows_a_crash_s_traceback(
    dist: Path, switch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BOOKLET_DEBUG", raising=False)
    if switch.startswith("BOOKLET_DEBUG"):
        monkeypatch.setenv("BOOKLET_DEBUG", "1")
    media = {"pdf": Medium(fine_renderer, shared_layout=True), "extra": Medium(crashing_renderer)}
    monkeypatch.setattr(jobs, "MEDIA", media)
    args = ["--manuscript", str(SAMPLE), "--out", str(dist)]
    result = CliRunner().invoke(main, ["build", *args, *([switch] if "--" in switch else [])])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert "in crashing_renderer" in result.stderr
    assert lines[-3:] == [
        "KeyError: 'no such medium'",
        "error: rendering extra failed: KeyError: 'no such medium'",
        f"the build failed; '{dist}' was left as it was",
    ]


def test_swap_is_atomic_and_has_a_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "dist"
    for round, exchange in enumerate([True, False]):
        staging = tmp_path / f".dist.tmp-{os.getpid()}-{round}"
        staging.mkdir()
        (staging / "new.txt").write_text(str(round))
        if not exchange:
            monkeypatch.setattr(outdir, "_exchange", lambda a, b: False)
        swap_in(staging, out)
        assert (out / "new.txt").read_text() == str(round)
        assert not staging.exists()
        assert leftovers(out) == []


def test_next_build_restores_outputs_a_kill_left_aside(tmp_path: Path) -> None:
    """Killed between the two renames of the fallback swap: dist/ is missing, .old holds it."""
    out = tmp_path / "dist"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    old = tmp_path / f".dist.old-{pid}-0"
    old.mkdir()
    (old / "manifest.json").write_text("{}")
    stale = tmp_path / f".dist.tmp-{pid}-abc"
    stale.mkdir()
    clean_stale(out)
    assert (out / "manifest.json").read_text() == "{}"
    assert leftovers(out) == []


def test_out_folder_must_be_a_build(tmp_path: Path) -> None:
    manuscript = tmp_path / "book"
    shutil.copytree(SAMPLE, manuscript)
    (tmp_path / "file").write_text("x")
    with pytest.raises(UnsafeOutput, match="holds the project"):
        check_out_dir(manuscript, ROOT)
    with pytest.raises(UnsafeOutput, match="holds the manuscript"):
        check_out_dir(manuscript, Path("/"))
    with pytest.raises(UnsafeOutput, match="holds the manuscript"):
        check_out_dir(manuscript, tmp_path)
    with pytest.raises(UnsafeOutput, match="is not a folder"):
        check_out_dir(manuscript, tmp_path / "file")
    check_out_dir(manuscript, tmp_path / "new")  # fine: does not exist yet
    (tmp_path / "empty").mkdir()
    check_out_dir(manuscript, tmp_path / "empty")


def test_help_shows_the_time_limit() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert "--timeout SECONDS" in result.output
    assert "[default: 600]" in result.output
    assert "at most a week" in " ".join(result.output.split())


def test_timeout_during_a_real_layout(dist: Path, tmp_path: Path) -> None:
    """A long book and a short limit: the alarm lands in loading or WeasyPrint's layout."""
    manuscript = tmp_path / "long"
    shutil.copytree(SAMPLE, manuscript)
    chapter = manuscript / "02-second.md"
    paragraph = "A long paragraph of ordinary words that fills the page. " * 12
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + f"\n{paragraph}\n" * 400, encoding="utf-8"
    )
    before = snapshot(dist)
    command = [sys.executable, str(ROOT / "build.py"), "--manuscript", str(manuscript)]
    result = subprocess.run(
        [*command, "--out", str(dist), "--timeout", "1"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"error: build took longer than 1 s; '{dist}' was left as it was. "
        "Raise --timeout or shorten the manuscript\n"
    )
    assert snapshot(dist) == before
    assert leftovers(dist) == []
