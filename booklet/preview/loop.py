"""A manuscript folder in, its web editions rebuilt after every change out: the warm build loop.

One process: every edition's web pages (the source's at the root, each translation in its
language's folder, with the language switch, as the site has them) are rebuilt in it after each
change to the manuscript or a catalogue, into a private temporary folder
(never `dist/`), and published only when complete; open pages learn of it through `State`
(`http.py` streams it as server-sent events). A manuscript error keeps the last good pages and
lists each `path:line: error: …` (on the page and in the terminal). The screen PDF is made in the
background by `pdf.PdfWorker`, forked before any thread starts.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from booklet import i18n
from booklet.builder import editions
from booklet.confine import Refused
from booklet.errors import BuildError, ManuscriptError
from booklet.model import Book, Meta
from booklet.preview.pdf import PdfWorker

Renderer = Callable[[list[Book], Path], object]  # every edition → one site folder

# What an author edits; everything else (editors' swap, backup and probe files) is ignored.
SOURCE_SUFFIXES = {".md", ".yaml", ".yml", ".png", ".jpg", ".jpeg", ".svg"}
ENGINE_SUFFIXES = {".html", ".xhtml", ".xml", ".css", ".po", ".mo"}
QUIET_MS = 80  # a change is built once nothing else changed for this long


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


@dataclass
class State:
    """What open pages are told: the build they should show, the errors, the PDF's status."""

    build: int = 0  # the last good build; 0: none yet
    site: Path | None = None
    errors: list[str] = field(default_factory=list)  # `path:line: error: …` lines
    warnings: list[str] = field(default_factory=list)  # the last good build's warnings
    pdf: str = "none"  # none, building, ready, failed
    pdf_message: str = ""
    pdf_path: Path | None = None
    version: int = 0  # bumped on every change, for the event streams

    def public(self) -> dict[str, Any]:
        return {
            "build": self.build,
            "errors": self.errors,
            "warnings": self.warnings,
            "pdf": self.pdf,
            "pdf_message": self.pdf_message,
        }


def live_words(meta: Meta) -> dict[str, str]:
    """The live bar's and panel's words in an edition's language (`{count}` filled in by the
    page's script); labels, so a book's `labels:` can change them like any other."""

    # Literal texts, so that `make messages` finds each key with its English words.
    return {
        "pdf": i18n.label_text(meta, "preview-pdf", "PDF"),
        "pdf-building": i18n.label_text(meta, "preview-pdf-building", "PDF: building…"),
        "pdf-ready": i18n.label_text(meta, "preview-pdf-ready", "PDF: ready"),
        "pdf-failed": i18n.label_text(meta, "preview-pdf-failed", "PDF: failed"),
        "errors-one": i18n.label_text(
            meta,
            "preview-errors-one",
            "The manuscript has an error; this page shows the last good build.",
        ),
        "errors": i18n.label_text(
            meta,
            "preview-errors",
            "The manuscript has {count} errors; this page shows the last good build.",
        ),
        "warnings-one": i18n.label_text(meta, "preview-warnings-one", "1 warning"),
        "warnings": i18n.label_text(meta, "preview-warnings", "{count} warnings"),
    }


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


def problems(error: Exception) -> list[str]:
    """The lines a failed build shows: each manuscript diagnostic, or the build's errors."""
    if isinstance(error, ManuscriptError):
        return [str(d) for d in error.diagnostics]
    if isinstance(error, BuildError):
        return [f"error: {message}" for message in error.messages]
    return [f"error: {error}"]


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
        self.words: dict[str, dict[str, str]] = {}  # each edition's folder → its live words
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
            books = editions(self.manuscript, False, None)
            self.renderer(books, folder)
        except (ManuscriptError, BuildError, Refused) as error:
            shutil.rmtree(folder, ignore_errors=True)
            return self.failed(problems(error))
        except Exception as exc:  # a template's mistake: shown like the manuscript's, server up
            shutil.rmtree(folder, ignore_errors=True)
            self.say("".join(traceback.format_exception(exc)).rstrip())
            return self.failed([f"error: rendering the web edition failed: {exc}"])
        previous = self.state.site
        warnings = [str(warning) for book in books for warning in book.warnings]
        for warning in warnings:
            self.say(warning)
        self.words = {book.meta.edition: live_words(book.meta) for book in books}
        building = {"pdf": "building", "pdf_message": ""} if self.pdf_worker else {}
        self.publish(
            build=self.state.build + 1, site=folder, errors=[], warnings=warnings, **building
        )
        self.say(f"built in {time.perf_counter() - started:.2f} s")
        if previous:
            # Requests already reading it finish; open files survive the removal on POSIX.
            shutil.rmtree(previous, ignore_errors=True)
        self.start_pdf(books[0])  # the source's edition: the one the author writes
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
