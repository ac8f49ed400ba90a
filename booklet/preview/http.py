"""HTTP requests in, the preview's pages out: the built site's files with the live script and
style added, the PDF, and the build's state as server-sent events (`/__booklet/events`).

Only files of the built site are served: decoded paths are checked segment by segment and
resolved inside the site, symlinks are refused, and on a loopback address requests naming
another host are refused (DNS rebinding).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import socket
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from booklet.confine import check_inside
from booklet.preview.loop import Preview, State

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
# The page's script and style, package data beside this module.
LIVE_FILES = {
    name: files(__package__).joinpath(name).read_bytes() for name in ("live.js", "live.css")
}


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


def live_tags(build: int, words: dict[str, str] | None = None) -> bytes:
    """The live style and script for a page; `words` in the page's edition's language."""
    said = html.escape(json.dumps(words or {}, ensure_ascii=False))
    return (
        f'<link rel="stylesheet" href="{LIVE}live.css">'
        f'<script src="{LIVE}live.js" data-build="{build}" data-words="{said}" defer></script>'
    ).encode()


def page_words(words: dict[str, dict[str, str]], url_path: str) -> dict[str, str] | None:
    """The live words of the edition a page belongs to: its first folder if that is an
    edition's (`/fr/…`), else the source's (at the root)."""
    first = unquote(url_path.split("?", 1)[0]).lstrip("/").split("/", 1)[0]
    return words.get(first) or words.get("")


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
        elif path.startswith(LIVE) and path[len(LIVE) :] in LIVE_FILES:
            name = path[len(LIVE) :]
            media_type = MEDIA_TYPES[os.path.splitext(name)[1]]
            self.send_bytes(HTTPStatus.OK, LIVE_FILES[name], media_type, head)
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
            tags = live_tags(state.build, page_words(self.preview.words, self.path))
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
