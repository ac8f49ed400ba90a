"""A `Book` and a folder in, its screen PDF out: made in the background for the live preview.

A process forked before any thread, with WeasyPrint and the fonts loaded, takes requests; each
PDF is laid out in a child of it (`builder.procs`), so that a newer request cancels an older one
at once.
"""

from __future__ import annotations

import contextlib
import os
import selectors
from functools import partial
from pathlib import Path
from typing import cast

from booklet.builder.procs import fork, fork_child, kill_and_reap, read_message, send_message
from booklet.model import Book


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
