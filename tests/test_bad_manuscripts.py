"""The bad-manuscript corpus: every case in tests/bad/ fails with its exact messages, and nothing else.

Each case is a tiny manuscript folder with `expected.txt` (the exact stderr), an optional
`status.txt` (the exit status; default 1) and an optional `setup.txt` of things git cannot hold,
made at run time: `symlink NAME -> TARGET`, `fifo NAME`, `big NAME BYTES` (a chapter, a PNG, or an SVG holding one big data: URL), `out FOLDER`.
`{outside}` stands for a folder of secrets next to the manuscript, `{manuscript}` for the case.
Run `pytest --regen` (or BOOKLET_REGEN=1 pytest) to rewrite expected.txt, then review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from safety_helpers import make_outside

from booklet.cli import main

BAD = Path(__file__).resolve().parent / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())


def big_file(path: Path, size: int) -> None:
    if path.suffix == ".md":
        head = b"---\ntitle: Big\n---\n\n"
        line = b"Words and more words to fill the chapter up.\n"
        body = line * ((size - len(head)) // len(line) + 1)
        path.write_bytes((head + body)[:size])
    elif path.suffix == ".svg":  # one embedded picture as large as the file allows
        head = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/png;base64,'
        tail = b'"/></svg>'
        path.write_bytes(head + b"A" * (size - len(head) - len(tail)) + tail)
    else:
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (size - 8))


def prepare(case: str, tmp_path: Path) -> tuple[Path, Path, Path]:
    """Copy a case next to a folder of secrets and carry out its setup.txt; (case, outside, out)."""
    outside = make_outside(tmp_path / "outside")
    folder = tmp_path / case
    controls = shutil.ignore_patterns("expected.txt", "status.txt", "setup.txt")
    shutil.copytree(BAD / case, folder, ignore=controls)
    out = tmp_path / "dist"
    setup = BAD / case / "setup.txt"
    for line in setup.read_text().splitlines() if setup.exists() else []:
        line = line.format(outside=outside, manuscript=folder)
        verb, _, rest = line.partition(" ")
        if verb == "symlink":
            name, target = rest.split(" -> ")
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            if (folder / name).is_dir():
                shutil.rmtree(folder / name)
            (folder / name).symlink_to(target)
        elif verb == "fifo":
            os.mkfifo(folder / rest)
        elif verb == "big":
            name, size = rest.split()
            big_file(folder / name, int(size))
        elif verb == "out":
            out = Path(rest)
        else:
            raise ValueError(f"{case}/setup.txt: unknown line {line!r}")
    return folder, outside, out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and not p.is_fifo()
    }


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES)
def test_bad_manuscript(case: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    folder, outside, out = prepare(case, tmp_path)
    before = snapshot(outside), snapshot(folder)
    result = CliRunner().invoke(main, ["--manuscript", str(folder), "--out", str(out)])
    stderr = result.stderr.replace(str(folder), "{manuscript}").replace(str(outside), "{outside}")
    expected_file = BAD / case / "expected.txt"
    status_file = BAD / case / "status.txt"
    status = int(status_file.read_text()) if status_file.exists() else 1
    if request.config.getoption("--regen", False) or os.environ.get("BOOKLET_REGEN"):
        expected_file.write_text(stderr, encoding="utf-8")
    # A clean failure: exact messages, exit status, no traceback, nothing written or touched.
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == status, stderr
    assert stderr == expected_file.read_text(encoding="utf-8")
    assert "Traceback" not in result.output
    assert (snapshot(outside), snapshot(folder)) == before
    if out == tmp_path / "dist":
        assert not out.exists()
    assert not list(tmp_path.glob(".dist.*")), "a staging folder was left behind"
