"""A manuscript folder in, a live preview out: its web edition served on 127.0.0.1, rebuilt on save.

One warm process: the web edition is rebuilt in it after each change, into a private temporary
folder (never `dist/`), and swapped in only when complete; open pages follow through server-sent
events (`/__booklet/events`). A manuscript error keeps the last good pages and shows a panel with
each `path:line: error: …` on the open page (and in the terminal). The screen PDF is rebuilt in
the background by a process forked at start-up, before any thread exists, with WeasyPrint and the
fonts already loaded; each PDF is laid out in a child of it, so that a newer change can cancel an
older PDF at once. Only files of the built site are served: decoded paths are checked segment by
segment and resolved inside the site, symlinks are refused, and requests naming another host are
refused (DNS rebinding).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import selectors
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO, cast
from urllib.parse import unquote

from booklet.builder.procs import fork, fork_child, kill_and_reap, read_message, send_message
from booklet.confine import Refused, check_inside
from booklet.errors import BuildError, ManuscriptError
from booklet.load import load
from booklet.model import Book
from booklet.resources import STYLES, TEMPLATES

Renderer = Callable[[Book, Path], object]

# What an author edits; everything else (editors' swap, backup and probe files) is ignored.
SOURCE_SUFFIXES = {".md", ".yaml", ".yml", ".png", ".jpg", ".jpeg", ".svg"}
ENGINE_SUFFIXES = {".html", ".xhtml", ".xml", ".css", ".po", ".mo"}
QUIET_MS = 80  # a change is built once nothing else changed for this long
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
LIVE = "/__booklet/"
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".json": "application/json",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
    ".epub": "application/epub+zip",
    ".txt": "text/plain; charset=utf-8",
    ".ico": "image/x-icon",
}


def is_source(path: str) -> bool:
    """True for files whose change can change the site: manuscript, template, style, catalogue."""
    name = os.path.basename(path)
    if name.startswith((".", "#", "~")) or name.endswith("~"):
        return False
    suffix = os.path.splitext(name)[1].lower()
    return suffix in SOURCE_SUFFIXES or suffix in ENGINE_SUFFIXES


def digest(roots: Iterable[Path]) -> str:
    """A hash of every source file under `roots`: a save that changes no byte builds nothing."""
    hasher = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if is_source(str(path)) and path.is_file():
                hasher.update(str(path).encode() + b"\0")
                with contextlib.suppress(OSError):
                    hasher.update(hashlib.sha256(path.read_bytes()).digest())
    return hasher.hexdigest()


def site_file(site: Path, url_path: str) -> Path | None:
    """The file of the site a request path names, or None (→ 404).

    The path is decoded once, then refused if any segment is '.', '..', or holds a NUL or a
    backslash; the file must resolve inside the site, and no part of it may be a symlink.
    """
    path = unquote(url_path.split("?", 1)[0].split("#", 1)[0])
    if "\x00" in path or "\\" in path or not path.startswith("/"):
        return None
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return None
    candidate = site
    for part in parts:
        candidate = candidate / part
        if candidate.is_symlink():
            return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
        if candidate.is_symlink():
            return None
    real = Path(os.path.realpath(candidate))
    return real if check_inside(real, [site]) and real.is_file() else None


@dataclass
class State:
    """What open pages are told: the build they should show, the errors, the PDF's status."""

    build: int = 0  # the last good build; 0: none yet
    site: Path | None = None
    errors: list[str] = field(default_factory=list)  # `path:line: error: …` lines
    pdf: str = "none"  # none, building, ready, failed
    pdf_message: str = ""
    pdf_path: Path | None = None
    version: int = 0  # bumped on every change, for the event streams

    def public(self) -> dict[str, Any]:
        return {
            "build": self.build,
            "errors": self.errors,
            "pdf": self.pdf,
            "pdf_message": self.pdf_message,
        }


class PdfWorker:
    """A process forked before any thread, WeasyPrint and fonts loaded, that makes screen PDFs.

    Each request (a `Book` and a folder) is laid out in a child of the worker, so that a newer
    request kills an older one at once. Results come back as (request id, "ready"|"failed",
    pages or message).
    """

    def __init__(self) -> None:
        import weasyprint  # noqa: F401  (0.5 s: paid once, before the first change)

        from booklet.assets.fonts import static_faces

        static_faces()
        requests_read, self.requests = os.pipe()
        self.pid, self.results = fork(partial(self.serve, requests_read), close=[self.requests])
        os.close(requests_read)

    def request(self, number: int, book: Book, folder: Path) -> None:
        send_message(self.requests, (number, book, folder))

    def read_result(self) -> tuple[int, str, str] | None:
        """The next result (blocking), or None once the worker is gone."""
        return cast(tuple[int, str, str] | None, read_message(self.results))

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.requests)  # the worker sees the end, kills its child and leaves
        kill_and_reap(self.pid, self.results, grace=1)

    # In the worker process:

    @staticmethod
    def serve(requests: int, results: int) -> None:
        child: tuple[int, int, int] | None = None  # (pid, result pipe, request number)
        with selectors.DefaultSelector() as selector:
            selector.register(requests, selectors.EVENT_READ, "request")
            while True:
                for key, _ in selector.select():
                    if key.data == "request":
                        request = read_message(requests)
                        if child:
                            selector.unregister(child[1])
                            kill_and_reap(child[0], child[1])
                            child = None
                        if request is None:
                            return
                        number, book, folder = cast(tuple[int, Book, Path], request)
                        pid, pipe = fork_pdf(book, folder)
                        child = (pid, pipe, number)
                        selector.register(pipe, selectors.EVENT_READ, "child")
                    elif child:
                        selector.unregister(child[1])
                        message = read_message(child[1]) or ("failed", "the PDF child died")
                        os.waitpid(child[0], 0)
                        os.close(child[1])
                        status, detail = cast(tuple[str, str], message)
                        send_message(results, (child[2], status, detail))
                        child = None


def fork_pdf(book: Book, folder: Path) -> tuple[int, int]:
    """Lay out and write the screen PDF in a child; its (pid, the read end of its result pipe)."""

    def work() -> tuple[str, str]:
        try:
            from booklet.confine import refusals
            from booklet.render.layout import capture_warnings
            from booklet.render.pdf import render as render_screen
            from booklet.reproducible import fixed_timestamps

            folder.mkdir(parents=True, exist_ok=True)
            with fixed_timestamps(book), capture_warnings(), refusals() as refused:
                (output,) = render_screen(book, folder)
            if refused:
                raise RuntimeError(refused[0])
            return ("ready", f"{output.path}\n{output.pages}")
        except BaseException as exc:  # reported on the page, never a traceback in the terminal
            return ("failed", str(exc) or type(exc).__name__)

    return fork_child(work)


WORK_PREFIX = "booklet-serve-"
LEFTOVER = re.compile(rf"{WORK_PREFIX}(\d+)-")  # booklet-serve-<pid>-<random>


def remove_leftovers(temporary: Path) -> None:
    """Remove the work folders of previews whose process is gone (killed with SIGKILL, say, it
    could not clean up): `booklet-serve-<pid>-…` folders of this user with no process <pid>."""
    for path in temporary.glob(f"{WORK_PREFIX}*"):
        match = LEFTOVER.match(path.name)
        pid = int(match.group(1)) if match else 0
        try:
            info = path.lstat()
            if pid <= 0 or not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                continue
            os.kill(pid, 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (OSError, OverflowError):  # alive under another user, or no such number
            continue


class Preview:
    """The warm build loop: a change → one rebuild of the site → the open pages told."""

    def __init__(
        self,
        manuscript: Path,
        renderer: Renderer,
        watched: Iterable[Path] = (),
        pdf: bool = True,
        log: TextIO = sys.stderr,
    ) -> None:
        self.manuscript = manuscript.resolve()
        self.renderer = renderer
        self.roots = [self.manuscript, *(p.resolve() for p in watched)]
        self.log = log
        remove_leftovers(Path(tempfile.gettempdir()))
        self.work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))
        self.state = State()
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.pending = threading.Event()
        self.attempts = 0
        self.last_digest = ""
        self.book: Book | None = None
        self.pdf_worker = PdfWorker() if pdf else None  # forked before any thread starts
        self.threads: list[threading.Thread] = []

    def say(self, text: str) -> None:
        print(text, file=self.log, flush=True)

    def moved_on(self, seen: int) -> bool:
        """True once the state changed since version `seen`, or the server is stopping."""
        return self.state.version != seen or self.stopping.is_set()

    def publish(self, **changes: Any) -> None:
        with self.changed:
            for name, value in changes.items():
                setattr(self.state, name, value)
            self.state.version += 1
            self.changed.notify_all()

    def rebuild(self) -> bool:
        """Build the site from the manuscript as it is now; False if nothing changed."""
        now = digest(self.roots)
        if now == self.last_digest:
            return False
        self.last_digest = now
        self.attempts += 1
        started = time.perf_counter()
        folder = self.work / f"site-{self.attempts}"
        try:
            book = load(self.manuscript)
            self.renderer(book, folder)
        except (ManuscriptError, BuildError, Refused) as error:
            shutil.rmtree(folder, ignore_errors=True)
            if isinstance(error, ManuscriptError):
                lines = [str(d) for d in error.diagnostics]
            elif isinstance(error, BuildError):
                lines = [f"error: {message}" for message in error.messages]
            else:
                lines = [f"error: {error}"]
            return self.failed(lines)
        except Exception as exc:  # a template's mistake: shown like the manuscript's, server up
            shutil.rmtree(folder, ignore_errors=True)
            self.say("".join(traceback.format_exception(exc)).rstrip())
            return self.failed([f"error: rendering the web edition failed: {exc}"])
        previous = self.state.site
        for warning in book.warnings:
            self.say(str(warning))
        self.book = book
        building = {"pdf": "building", "pdf_message": ""} if self.pdf_worker else {}
        self.publish(build=self.state.build + 1, site=folder, errors=[], **building)
        self.say(f"built in {time.perf_counter() - started:.2f} s")
        if previous:
            # Requests already reading it finish; open files survive the removal on POSIX.
            shutil.rmtree(previous, ignore_errors=True)
        self.start_pdf(book)
        return True

    def failed(self, lines: list[str]) -> bool:
        for line in lines:
            self.say(line)
        shown = "the last good build" if self.state.site else "an error page until they are fixed"
        self.say(f"{len(lines)} error(s); the preview shows {shown}")
        self.publish(errors=lines)
        return True

    def start_pdf(self, book: Book) -> None:
        if self.pdf_worker is None:
            return
        folder = self.work / f"pdf-{self.state.build}"
        self.pdf_worker.request(self.state.build, book, folder)

    def follow_pdf(self) -> None:
        """Thread: take the worker's results; only the latest request's counts."""
        assert self.pdf_worker is not None
        while (result := self.pdf_worker.read_result()) is not None:
            number, status, detail = result
            if number != self.state.build:
                continue
            if status == "ready":
                path, pages = detail.split("\n")
                old = self.state.pdf_path
                self.publish(pdf="ready", pdf_path=Path(path), pdf_message=f"{pages} pages")
                if old and old.parent != Path(path).parent:
                    shutil.rmtree(old.parent, ignore_errors=True)
                self.say(f"PDF ready ({pages} pages)")
            else:
                self.publish(pdf="failed", pdf_message=detail)
                self.say(f"error: the PDF failed: {detail}")

    def watch(self) -> None:
        """Thread: every batch of changes to source files wakes the builder.

        The first (empty) batch comes once the watcher is in place: it wakes the builder too, so
        that a change made while the watcher was starting is built (the digest skips the rest).
        """
        import watchfiles

        started = False
        for changes in watchfiles.watch(
            *self.roots,
            watch_filter=lambda change, path: is_source(path),
            step=QUIET_MS,
            debounce=1600,
            stop_event=self.stopping,
            rust_timeout=500,
            yield_on_timeout=True,
        ):
            if changes or not started:
                started = True
                self.pending.set()

    def builder(self) -> None:
        """Thread: one build at a time; changes during a build make exactly one more."""
        while not self.stopping.is_set():
            if not self.pending.wait(0.2):
                continue
            self.pending.clear()
            try:
                self.rebuild()
            except Exception as exc:  # the server keeps running whatever happens
                self.say("".join(traceback.format_exception(exc)).rstrip())

    def start(self) -> None:
        """Watch, build once, then follow changes (and the PDF worker's results)."""
        watcher = threading.Thread(target=self.watch, name="watch", daemon=True)
        watcher.start()
        self.threads.append(watcher)
        self.rebuild()
        targets: list[Callable[[], None]] = [self.builder]
        if self.pdf_worker:
            targets.append(self.follow_pdf)
        for target in targets:
            thread = threading.Thread(target=target, name=target.__name__, daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        with self.changed:
            self.changed.notify_all()
        if self.pdf_worker:
            self.pdf_worker.stop()
        for thread in self.threads:
            thread.join(timeout=1)
        shutil.rmtree(self.work, ignore_errors=True)


LIVE_JS = """\
// booklet serve: follows rebuilds, shows manuscript errors and the PDF's status.
(() => {
  const build = document.currentScript.dataset.build;
  let source = null;
  const bar = document.createElement("div");
  bar.id = "booklet-live";
  bar.setAttribute("role", "status");
  const pdf = document.createElement("a");
  pdf.href = "/__booklet/pdf";
  pdf.id = "booklet-live-pdf";
  bar.append(pdf);
  const panel = document.createElement("section");
  panel.id = "booklet-errors";
  panel.setAttribute("role", "alert");
  panel.setAttribute("aria-labelledby", "booklet-errors-title");
  panel.hidden = true;
  const heading = document.createElement("h2");
  heading.id = "booklet-errors-title";
  const list = document.createElement("ul");
  panel.append(heading, list);
  function show(state) {
    const words = {none: "PDF", building: "PDF: building…", ready: "PDF: ready", failed: "PDF: failed"};
    pdf.textContent = words[state.pdf] || "PDF";
    pdf.title = state.pdf_message || "";
    pdf.dataset.status = state.pdf;
    list.replaceChildren(...state.errors.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
    heading.textContent = state.errors.length === 1
      ? "The manuscript has an error; this page shows the last good build."
      : `The manuscript has ${state.errors.length} errors; this page shows the last good build.`;
    panel.hidden = state.errors.length === 0;
  }
  function connect() {
    source = new EventSource("/__booklet/events");
    source.addEventListener("state", (event) => {
      const state = JSON.parse(event.data);
      if (String(state.build) !== build && state.build > 0 && state.errors.length === 0) {
        location.reload();
        return;
      }
      show(state);
    });
  }
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && source) { source.close(); source = null; }
    else if (!document.hidden && !source) connect();
  });
  document.body.append(panel, bar);
  connect();
})();
"""

LIVE_CSS = """\
#booklet-live { position: fixed; right: 0.75rem; bottom: 0.75rem; z-index: 2147483646;
  font: 600 0.9rem/1.2 system-ui, sans-serif; }
#booklet-live a { display: inline-block; min-width: 24px; min-height: 24px; padding: 0.45rem 0.8rem;
  border-radius: 0.4rem; background: #1d3557; color: #fff; text-decoration: none;
  box-shadow: 0 1px 4px rgb(0 0 0 / 0.3); }
#booklet-live a[data-status="failed"] { background: #8b1a1a; }
#booklet-live a:focus-visible { outline: 3px solid #f4a261; outline-offset: 2px; }
#booklet-errors { position: fixed; inset: 0 0 auto 0; z-index: 2147483647; max-height: 60vh;
  overflow: auto; margin: 0; padding: 1rem 1.25rem; background: #fff5f5; color: #5c0000;
  border-bottom: 4px solid #b00020; box-shadow: 0 2px 12px rgb(0 0 0 / 0.35);
  font: 1rem/1.4 system-ui, sans-serif; }
#booklet-errors h2 { margin: 0 0 0.5rem; font-size: 1.1rem; }
#booklet-errors ul { margin: 0; padding: 0; list-style: none; }
#booklet-errors li { font-family: ui-monospace, monospace; white-space: pre-wrap;
  overflow-wrap: anywhere; padding: 0.2rem 0; }
"""


CSP_META = re.compile(
    rb'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.I
)


def allow_live(page: bytes) -> bytes:
    """The page's Content-Security-Policy, widened by what the live script needs: itself and its
    event stream from this server (a second policy could only narrow the first)."""

    def widen(match: re.Match[bytes]) -> bytes:
        policy = html.unescape(match.group(2).decode())  # templates escape its quotes
        kept = [
            d.strip()
            for d in policy.split(";")
            if d.strip() and not d.strip().startswith(("script-src", "connect-src"))
        ]
        widened = "; ".join([*kept, "script-src 'self'", "connect-src 'self'"])
        return match.group(1) + html.escape(widened).encode() + match.group(3)

    return CSP_META.sub(widen, page, count=1)


def live_tags(build: int) -> bytes:
    return (
        f'<link rel="stylesheet" href="{LIVE}live.css">'
        f'<script src="{LIVE}live.js" data-build="{build}" defer></script>'
    ).encode()


def error_page(state: State) -> bytes:
    """The page shown before any build succeeded: readable without JavaScript."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in state.errors)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>booklet serve: the manuscript has errors</title></head><body><main>"
        '<section id="booklet-errors" role="alert" aria-labelledby="t">'
        '<h1 id="t">The manuscript has errors; fix them and this page follows.</h1>'
        f"<ul>{items}</ul></section></main></body></html>\n"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    """GET and HEAD only: the site's files, the live script and style, events, the PDF."""

    preview: Preview
    hosts: set[str] | None  # None: any host (a non-loopback --host)
    server_version = "booklet-serve"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows builds and errors, not every request

    def host_allowed(self) -> bool:
        if self.hosts is None:
            return True
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.strip("[]").lower() in self.hosts

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def do_GET(self) -> None:
        self.respond(head=False)

    def respond(self, head: bool) -> None:
        if not self.host_allowed():
            self.send_bytes(HTTPStatus.BAD_REQUEST, b"unknown host\n", "text/plain", head)
            return
        path = self.path.split("?", 1)[0]
        if path == LIVE + "events":
            self.events()
        elif path == LIVE + "live.js":
            self.send_bytes(HTTPStatus.OK, LIVE_JS.encode(), MEDIA_TYPES[".js"], head)
        elif path == LIVE + "live.css":
            self.send_bytes(HTTPStatus.OK, LIVE_CSS.encode(), MEDIA_TYPES[".css"], head)
        elif path == LIVE + "state":
            data = json.dumps(self.preview.state.public()).encode()
            self.send_bytes(HTTPStatus.OK, data, MEDIA_TYPES[".json"], head)
        elif path == LIVE + "pdf":
            self.send_pdf(head)
        else:
            self.send_site_file(head)

    def send_site_file(self, head: bool) -> None:
        state = self.preview.state
        if state.site is None:
            page = error_page(state).replace(b"</body>", live_tags(0) + b"</body>")
            self.send_bytes(HTTPStatus.SERVICE_UNAVAILABLE, page, MEDIA_TYPES[".html"], head)
            return
        file = site_file(state.site, self.path)
        if file is None:
            self.send_bytes(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain", head)
            return
        try:
            data = file.read_bytes()
        except OSError:  # swapped away meanwhile
            self.send_bytes(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain", head)
            return
        media_type = MEDIA_TYPES.get(file.suffix.lower(), "application/octet-stream")
        if file.suffix.lower() == ".html":
            tags = live_tags(state.build)
            data = allow_live(data)
            data = (
                data.replace(b"</body>", tags + b"</body>", 1)
                if b"</body>" in data
                else data + tags
            )
        self.send_bytes(HTTPStatus.OK, data, media_type, head)

    def send_pdf(self, head: bool) -> None:
        state = self.preview.state
        if state.pdf == "ready" and state.pdf_path and state.pdf_path.is_file():
            self.send_bytes(HTTPStatus.OK, state.pdf_path.read_bytes(), MEDIA_TYPES[".pdf"], head)
            return
        words = {
            "building": "The PDF is being built; try again in a moment.",
            "failed": "The PDF failed: ",
        }
        text = words.get(state.pdf, "No PDF yet.") + (
            state.pdf_message if state.pdf == "failed" else ""
        )
        self.send_bytes(
            HTTPStatus.SERVICE_UNAVAILABLE,
            (text + "\n").encode(),
            "text/plain; charset=utf-8",
            head,
        )

    def send_bytes(self, status: HTTPStatus, data: bytes, media_type: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

    def events(self) -> None:
        """Server-sent events: the state now, then after every change (a comment every 15 s)."""
        preview = self.preview
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while not preview.stopping.is_set():
                with preview.changed:
                    preview.changed.wait_for(partial(preview.moved_on, seen), 15)
                    version, public = preview.state.version, preview.state.public()
                if preview.stopping.is_set():
                    break
                if version == seen:
                    self.wfile.write(b": still here\n\n")
                else:
                    seen = version
                    self.wfile.write(f"event: state\ndata: {json.dumps(public)}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(preview: Preview, host: str, port: int) -> Server:
    handler = type(
        "BoundHandler",
        (Handler,),
        {"preview": preview, "hosts": (LOOPBACK | {host.lower()}) if host in LOOPBACK else None},
    )
    server_class = type("Server6", (Server,), {"address_family": socket.AF_INET6})
    server: Server = (server_class if ":" in host else Server)((host, port), handler)
    return server


def web_renderer() -> Renderer:
    """The web edition's renderer, without the download page's files (none are built here).

    Raises LookupError when this engine has no web edition (`render_web`).
    """
    try:
        from booklet.render.web import write_edition
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}.render_web":
            raise
        raise LookupError("this version of booklet has no web edition to preview") from None
    renderer: Renderer = write_edition
    return renderer


def run(
    manuscript: Path,
    renderer: Renderer,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    watched: Iterable[Path] = (TEMPLATES, STYLES),
    log: TextIO = sys.stderr,
) -> int:
    """Serve until Ctrl-C or SIGTERM; the exit status (0)."""
    if host not in LOOPBACK:
        print(
            f"warning: --host {host} makes the preview reachable from other machines; "
            "it is meant for this computer only (127.0.0.1)",
            file=log,
        )
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    preview: Preview | None = None
    server: Server | None = None
    serving = False
    try:
        preview = Preview(manuscript, renderer, watched, log=log)
        server = make_server(preview, host, port)  # a port in use fails before the first build
        preview.start()
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{server.server_address[1]}/"
        threading.Thread(target=server.serve_forever, args=(0.1,), name="http", daemon=True).start()
        serving = True
        print(f"serving {url}  (Ctrl-C to stop)", file=log, flush=True)
        if open_browser and not stop.is_set():
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        while not stop.wait(0.2):
            pass
        print("stopping", file=log, flush=True)
    finally:
        if preview is not None:
            preview.stopping.set()
        if server is not None:
            if serving:
                server.shutdown()
            server.server_close()
        if preview is not None:
            preview.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
