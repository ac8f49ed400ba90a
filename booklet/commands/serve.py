"""`booklet serve`: a manuscript folder and an address in, a live preview until Ctrl-C or SIGTERM
out, then the exit status (0). The preview itself is `booklet.preview`; this is the signals, the
server's thread and the shutdown around it (as MkDocs' `commands/serve.py`)."""

from __future__ import annotations

import signal
import sys
import threading
import webbrowser
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from booklet.preview.http import LOOPBACK, Server, make_server
from booklet.preview.loop import Preview, Renderer
from booklet.resources import STYLES, TEMPLATES


def web_renderer() -> Renderer:
    """Every edition's web pages in one folder, as the site holds them (the source's at the
    root, each translation in its language's folder, with the language switch), without the
    download page's files (none are built here)."""
    from booklet.builder import site_editions
    from booklet.model import Book
    from booklet.render.web import Site, write_edition

    def render(books: list[Book], folder: Path) -> None:
        site = Site(editions=site_editions(books))
        for book in books:
            write_edition(book, folder / book.meta.edition, site)

    return render


def run(
    manuscript: Path,
    renderer: Renderer | None = None,
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
        preview = Preview(manuscript, renderer or web_renderer(), watched, log=log)
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
