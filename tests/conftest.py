"""Shared fixtures: the project paths, CLI runs, and the `--regen` switch for golden files."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "sample"
MANUSCRIPT = ROOT / "manuscript"
SHARED = ROOT.parent / "shared"
CHROMIUM = Path("/usr/bin/chromium")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen", action="store_true", help="rewrite fixture expectations and golden files"
    )


@pytest.fixture(scope="session")
def regen(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen"))


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `python build.py ARGS` as a user would, capturing both streams."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


@pytest.fixture(scope="session")
def sample_build(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The sample manuscript built once through the CLI."""
    out = tmp_path_factory.mktemp("sample") / "dist"
    return out, run_cli("--manuscript", SAMPLE, "--out", out)


@pytest.fixture(scope="session")
def booklet_build(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The shipped manuscript built once through the CLI."""
    out = tmp_path_factory.mktemp("booklet") / "dist"
    return out, run_cli("--manuscript", MANUSCRIPT, "--out", out)


def write_manuscript(
    folder: Path,
    book_yaml: str = 'title: "Test"\nlanguage: en\ndate: 2026-01-01\n',
    chapters: dict[str, str] | None = None,
    files: dict[str, str | bytes] | None = None,
    copy_of: Path | None = None,
) -> Path:
    """A manuscript folder for a test: a copy of `copy_of` (if given), then `book.yaml`, the
    chapters (file name → Markdown) and any other files (path → text or bytes) written over it."""
    if copy_of is not None:
        shutil.copytree(copy_of, folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "book.yaml").write_text(book_yaml, encoding="utf-8")
    for name, data in {**(chapters or {}), **(files or {})}.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (skips, saying why, where either is missing)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """`folder` on http://127.0.0.1:<port>/ (like any static host), quietly."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
