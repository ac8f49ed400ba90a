"""The engine as a tool: a wheel built from the repository, installed into a fresh virtual
environment, builds a manuscript in a folder outside the repository to the same bytes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MANUSCRIPT, ROOT

from booklet import cli
from booklet.resources import engine_files


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist and the wheel, as `python -m build` makes them (the backend is installed)."""
    out = tmp_path_factory.mktemp("dists")
    # from another folder: the repository's build.py would shadow the `build` package
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT, cwd=out)
    (sdist,) = out.glob("booklet-*.tar.gz")
    (wheel,) = out.glob("booklet-*.whl")
    run(sys.executable, "-m", "twine", "check", "--strict", sdist, wheel)
    return sdist, wheel


@pytest.fixture(scope="module")
def venv(dists: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed (a normal, non-editable install).

    The dependencies are the test environment's own, put on the path by a .pth file so the test
    needs no network; its folder's .pth files (the editable install) are not read from there.
    """
    env = tmp_path_factory.mktemp("venv") / "env"
    run(sys.executable, "-m", "venv", "--without-pip", env)
    python = env / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", dists[1])
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout)
    (Path(site.as_posix().strip()) / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return env


def test_wheel_holds_every_engine_file(dists: tuple[Path, Path]) -> None:
    names = set(zipfile.ZipFile(dists[1]).namelist())
    expected = {
        name if name.startswith("booklet/") else f"booklet/{name}" for name, _ in engine_files()
    }
    assert {
        "booklet/templates/book.html",
        "booklet/styles/book.css",
        "booklet/profiles/FOGRA39L-coated.icc",
    } <= expected
    assert expected - names == set()
    # the repository's templates, styles and profiles, every one of them, are engine files
    for folder in ("templates", "styles", "profiles"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file():
                assert f"booklet/{path.relative_to(ROOT).as_posix()}" in names


def test_installed_wheel_builds_outside_the_repository(
    venv: Path, tmp_path: Path, booklet_build: tuple[Path, subprocess.CompletedProcess[str]]
) -> None:
    reference, built = booklet_build
    assert built.returncode == 0, built.stderr
    work = tmp_path / "elsewhere"
    shutil.copytree(MANUSCRIPT, work / "ms")
    where = run(
        venv / "bin" / "python", "-c", "import booklet.resources as r; print(r.TEMPLATES)", cwd=work
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), "templates must come from the wheel"

    run(venv / "bin" / "booklet", "--manuscript", "ms", "--out", "out", "-q", cwd=work)
    manifest = json.loads((work / "out" / "manifest.json").read_text())
    expected = json.loads((reference / "manifest.json").read_text())
    assert [o["path"] for o in manifest["outputs"]] == [o["path"] for o in expected["outputs"]]
    for entry in manifest["outputs"]:
        assert (work / "out" / entry["path"]).read_bytes() == (
            reference / entry["path"]
        ).read_bytes()
    assert manifest == expected  # the same cache keys too: the engine is the same

    version = run(venv / "bin" / "python", "-m", "booklet", "--version", cwd=work).stdout
    assert version.startswith("booklet 0.1.0 (WeasyPrint 70.")
    assert "Pango 1." in version and "HarfBuzz " in version


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (OSError(), "error: OSError; 'out' was left as it was"),
        (OSError("disk on fire"), "error: OSError: disk on fire; 'out' was left as it was"),
        (
            PermissionError(13, "Permission denied", "dist/x.pdf"),
            "error: PermissionError: Permission denied 'dist/x.pdf'; 'out' was left as it was",
        ),
    ],
)
def test_unexpected_os_errors_are_named(
    error: OSError, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr("booklet.builder.build", fail)
    monkeypatch.chdir(tmp_path)
    shutil.copytree(MANUSCRIPT, tmp_path / "manuscript")
    result = CliRunner().invoke(cli.main, ["--out", "out"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [message]
    assert not (tmp_path / "out").exists()
