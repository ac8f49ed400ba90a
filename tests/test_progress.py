"""What a build shows while it runs: a live block on a terminal, plain lines elsewhere, nothing
with -q; each ends with a summary."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE
from conftest import run_cli as cli

from booklet.builder.events import DONE, PAGE, STARTED, Event
from booklet.commands.progress import Tally

SUMMARY = re.compile(r"^built in \d+\.\d s: \d+ jobs made, (nothing reused|\d+ reused)$")


def test_not_on_a_terminal_progress_is_plain_lines(tmp_path: Path) -> None:
    result = cli("--manuscript", SAMPLE, "--out", tmp_path / "dist")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "loading manuscript"
    made = [line for line in lines if line.startswith("made ")]
    book = r"made {6}pdf, epub, print, imposed, cover, \d+ pages in \d+\.\d s"
    assert any(re.fullmatch(book, line) for line in made), made
    assert made[-2].startswith("made      handouts, all in one in ")
    assert made[-1].startswith("made      site in ")
    assert any(re.fullmatch(r"made {6}handout first A4, 1 page in \d+\.\d s", x) for x in made)
    assert SUMMARY.match(lines[-1]), lines[-1]
    assert "\x1b" not in result.stdout + result.stderr and "\r" not in result.stdout


def test_a_second_build_says_what_it_kept(tmp_path: Path) -> None:
    cli("--manuscript", SAMPLE, "--out", tmp_path / "dist")
    again = cli("--manuscript", SAMPLE, "--out", tmp_path / "dist").stdout.splitlines()
    assert "kept      handout first A4 (inputs unchanged)" in again
    assert not any(line.startswith("made ") for line in again)
    assert again[-1].endswith(": 0 jobs made, 5 reused")


def test_quiet_shows_nothing(tmp_path: Path) -> None:
    result = cli("--manuscript", SAMPLE, "--out", tmp_path / "dist", "-q")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_on_a_terminal_one_block_is_redrawn_and_the_summary_stays(tmp_path: Path) -> None:
    """Stderr on a pseudo-terminal: the block is drawn with control characters, names the
    running jobs and the page they lay out, and goes at the end; the summary stays."""
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(ROOT / "build.py"), "--manuscript", str(SAMPLE)]
    process = subprocess.Popen(
        [*command, "--out", str(tmp_path / "dist")],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the build ended
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait(timeout=300) == 0
    process.stdout.close()  # type: ignore[union-attr]
    os.close(leader)
    text = shown.decode()
    assert "\x1b[" in text  # drawn in place
    assert re.search(r"pdf, epub, print, imposed, cover\S*\s+page \d+", text)
    assert re.search(r"\d+ made, \d+ reused", text)
    last = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "").splitlines()[-1]
    assert SUMMARY.match(last.strip()), last


def test_a_job_laid_out_in_passes_shows_its_highest_page() -> None:
    """WeasyPrint lays a book out again for its page counters: the page shown never goes back."""
    tally = Tally()
    tally.event(Event(STARTED, "pdf"))
    for page in (1, 2, 3, 1, 2):
        tally.event(Event(PAGE, "pdf", page))
    assert tally.running["pdf"].page == 3
    line = tally.event(Event(DONE, "pdf"))
    assert line is not None and re.fullmatch(r"made {6}pdf, 3 pages in \d+\.\d s", line)
    assert tally.running == {}
