"""`booklet serve` through real HTTP and a real browser (Playwright with Debian's Chromium).

One server, started on a free port for the module, serves a copy of the starter manuscript: an
edit shows in the open page without a manual reload; a broken manuscript shows the error panel
with `file:line`, and the page comes back when it is fixed; the PDF link serves the screen PDF;
traversal attempts and foreign hosts are refused; Ctrl-C stops it and every process it started.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

from booklet.commands.new import create
from booklet.preview.http import site_file
from booklet.preview.loop import is_source

CHROMIUM = Path("/usr/bin/chromium")
STARTUP = 180  # seconds: a loaded 2-core machine imports WeasyPrint slowly


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    manuscript: Path
    log: list[str]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def children(self) -> set[int]:
        """Every process below the server (its PDF worker and the worker's children)."""
        found: set[int] = set()
        todo = [self.process.pid]
        while todo:
            pid = todo.pop()
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                kids = {int(k) for k in task.read_text().split()}
                found |= kids
                todo.extend(kids)
        return found


def get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A raw request: the path goes out exactly as written (no client-side normalising)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def serve(manuscript: Path) -> Iterator[Server]:
    """`booklet serve` on `manuscript` (port 0) until the generator is closed."""
    command = [sys.executable, str(ROOT / "build.py"), "serve", "--manuscript", str(manuscript)]
    process = subprocess.Popen(
        [*command, "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=manuscript.parent,
        start_new_session=True,  # its own process group, as in a terminal
    )
    assert process.stderr is not None
    log: list[str] = []
    deadline = time.monotonic() + STARTUP
    port = 0
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        log.append(line)
        match = re.match(r"serving http://127\.0\.0\.1:(\d+)/", line)
        if match:
            port = int(match.group(1))
            break
    assert port, "".join(log)
    stream = process.stderr
    threading.Thread(target=lambda: log.extend(iter(stream.readline, "")), daemon=True).start()
    running = Server(process, port, manuscript, log)
    yield running
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    pytest.importorskip("booklet.render.web")  # the web edition (issue #11) it serves
    manuscript = tmp_path_factory.mktemp("serve") / "my-booklet"
    create(manuscript, "Live Preview", "en")
    yield from serve(manuscript)


def read_log(server: Server) -> str:
    return "".join(server.log)


def wait_for(predicate: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_only_files_of_the_site_are_served(server: Server) -> None:
    status, body = get(server.port, "/")
    assert status == 200 and b"/__booklet/live.js" in body
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/%2fetc%2fpasswd",
        "//etc/passwd",
        "/index.html%00",
        "/%252e%252e/etc/passwd",
        "/..\\..\\etc\\passwd",
        str(server.manuscript / "book.yaml"),
    ]:
        status, body = get(server.port, path)
        assert status == 404, (path, status)
        assert b"root:" not in body and b"title:" not in body
    # a page of another site that this name points at (DNS rebinding) gets nothing
    assert get(server.port, "/", host="attacker.example")[0] == 400
    assert get(server.port, "/", host="localhost:1")[0] == 200


def test_site_file_refuses_symlinks_out(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").write_text("ok")
    (tmp_path / "secret.txt").write_text("secret")
    (site / "out.txt").symlink_to(tmp_path / "secret.txt")
    (site / "in.html").symlink_to(site / "page.html")  # even inside: the site has none
    (site / "folder").symlink_to(tmp_path)
    assert site_file(site, "/page.html") == site / "page.html"
    for path in ["/out.txt", "/in.html", "/folder/secret.txt", "/folder/site/page.html"]:
        assert site_file(site, path) is None, path


def test_editor_files_are_ignored() -> None:
    for name in ["01-a.md", "book.yaml", "images/x.svg", "templates/web/page.html", "a.css"]:
        assert is_source(f"/m/{name}"), name
    for name in [".01-a.md.swp", "01-a.md~", "4913", ".#01-a.md", "#01-a.md#", "01-a.md.tmp"]:
        assert not is_source(f"/m/{name}"), name


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def edit(path: Path, old: str, new: str) -> None:
    """Save as editors do: write a temporary file beside it, then rename it over the original."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.replace(temporary, path)


def test_edit_break_fix_in_the_browser(server: Server, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    chapter = server.manuscript / "01-welcome.md"
    page.goto(server.url("/"))
    page.locator("#booklet-live-pdf").wait_for()  # the live script runs under the page's CSP
    # Find the welcome chapter's page through the site's own links.
    href = page.evaluate(
        "[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))"
        ".find(h => h && h.includes('welcome'))"
    )
    page.goto(server.url("/" + href))
    page.locator("#booklet-live-pdf").wait_for()
    page.evaluate("window.notReloadedByHand = true")
    builds = read_log(server).count("built in")

    # 1. An edit appears without touching the page.
    started = time.monotonic()
    edit(chapter, "Replace this text", "Freshly edited words. Replace this text")
    page.wait_for_selector("text=Freshly edited words.", timeout=60_000)
    latency = time.monotonic() - started
    print(f"edit → new text in the open page: {latency:.2f} s")
    assert not page.evaluate("window.notReloadedByHand === true")  # it reloaded itself
    wait_for(lambda: read_log(server).count("built in") > builds)
    time.sleep(0.5)
    assert read_log(server).count("built in") == builds + 1, "one save, one rebuild"
    page.evaluate("window.notReloadedByHand = true")

    # 2. A mistake shows as a panel with its file and line, and in the terminal.
    edit(chapter, ":source: The booklet engine's README\n", ":sorce: typo\n")
    panel = page.locator("#booklet-errors")
    panel.wait_for(state="visible", timeout=60_000)
    text = panel.inner_text()
    assert re.search(r"01-welcome\.md:\d+: error: facts has no field 'sorce'; did you mean", text)
    assert "did you mean 'source'?" in read_log(server)
    assert page.locator("text=Freshly edited words.").count() == 1  # the last good page stays
    page.screenshot(path=str(server.manuscript.parent / "error-panel.png"))

    # 3. Fixed: the panel goes and the page comes back by itself.
    edit(chapter, ":sorce: typo\n", ":source: The booklet engine's README\n")
    panel.wait_for(state="hidden", timeout=60_000)
    page.wait_for_selector("text=Freshly edited words.", timeout=60_000)
    assert not page.evaluate("window.notReloadedByHand === true")  # it reloaded itself

    # 4. The PDF link: built in the background, its status on the page.
    pdf = page.locator("#booklet-live-pdf")
    page.locator("#booklet-live-pdf[data-status=ready]").wait_for(timeout=120_000)
    assert pdf.inner_text() == "PDF: ready"
    status, body = get(server.port, "/__booklet/pdf")
    assert status == 200 and body.startswith(b"%PDF-")
    page.close()


def test_ctrl_c_stops_everything(server: Server) -> None:
    children = server.children()
    assert children, "the PDF worker runs beside the server"
    started = time.monotonic()
    os.killpg(server.process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
    server.process.wait(timeout=30)
    took = time.monotonic() - started
    print(f"Ctrl-C → exit: {took:.2f} s")
    assert server.process.returncode == 0, read_log(server)
    assert "Traceback" not in read_log(server)
    for pid in children:
        assert not Path(f"/proc/{pid}").exists(), f"process {pid} was left behind"
    with pytest.raises(ConnectionRefusedError):
        get(server.port, "/")


KEEP_A_PREVIEW = """
import sys, time
from pathlib import Path
from booklet.preview.loop import Preview
preview = Preview(Path(sys.argv[1]), lambda book, folder: None, pdf=False)
print(preview.work, flush=True)
time.sleep(120)
"""


def test_a_preview_killed_with_sigkill_leaves_a_folder_the_next_one_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#27: SIGKILL leaves no chance to clean up; the next preview removes folders of its own kind
    whose process is gone, and leaves a live preview's, other names and files alone."""
    from booklet.preview.loop import Preview

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    manuscript = tmp_path / "my-booklet"
    create(manuscript, "Live Preview", "en")
    killed = subprocess.Popen(
        [sys.executable, "-c", KEEP_A_PREVIEW, str(manuscript)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    assert killed.stdout is not None
    left = Path(killed.stdout.readline().strip())
    killed.kill()  # SIGKILL
    killed.wait()
    assert left.parent == temporary and left.is_dir()
    (left / "index.html").write_text("a page of the killed preview")
    live = temporary / f"booklet-serve-{os.getpid()}-alive"  # this process runs
    others = [temporary / "booklet-serve-notapid", temporary / "something-else"]
    for folder in [live, *others]:
        folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    preview = Preview(manuscript, lambda book, folder: None, pdf=False)
    try:
        assert preview.work.parent == temporary
        assert not left.exists()
        assert live.is_dir() and all(folder.is_dir() for folder in others)
    finally:
        preview.stop()
    assert not preview.work.exists()
