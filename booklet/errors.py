"""Manuscript problems in, `path:line: error: message` diagnostics out."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


class ManuscriptError(Exception):
    """Raised once, after loading, with every problem found in the manuscript."""

    def __init__(
        self, diagnostics: Iterable[Diagnostic], warnings: Iterable[Diagnostic] = ()
    ) -> None:
        self.diagnostics = tuple(diagnostics)
        self.warnings = tuple(warnings)  # found alongside, for `booklet check`
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class Collector:
    """Gathers diagnostics so that one build reports every problem, not just the first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.seen: set[Diagnostic] = set()

    def where(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def error(self, path: Path, line: int, message: str) -> None:
        found = Diagnostic(self.where(path), line, message)
        if found not in self.seen:  # a list entry is checked as a block and again as text
            self.seen.add(found)
            self.errors.append(found)

    def warn(self, path: Path, line: int, message: str) -> None:
        self.warnings.append(Diagnostic(self.where(path), line, message, "warning"))

    def raise_if_any(self) -> None:
        if self.errors:
            # Files in the order they were read, then lines in order.
            order = {path: n for n, path in enumerate(dict.fromkeys(d.path for d in self.errors))}
            raise ManuscriptError(
                sorted(self.errors, key=lambda d: (order[d.path], d.line)),
                in_reading_order(self.warnings),
            )


def in_reading_order(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Files in the order they were read, then lines in order (as errors are reported)."""
    order = {path: n for n, path in enumerate(dict.fromkeys(d.path for d in diagnostics))}
    return sorted(diagnostics, key=lambda d: (order[d.path], d.line))


def suggest(word: str, choices: Iterable[str]) -> str:
    """'; did you mean 'x'?' for the nearest choice, or an empty string."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


# Added as a note to an exception raised after the new outputs were swapped into place.
SWAPPED = "the new outputs were already in place"


class BuildError(Exception):
    """A problem found while rendering (not tied to a manuscript line); printed as `error: …`."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = tuple(messages)
        super().__init__("\n".join(self.messages))


DIAGNOSTICS = logging.getLogger("booklet.diagnostics")


def report(diagnostic: Diagnostic) -> None:
    """Report a problem found while rendering (e.g. a handout that overflows its sheet)."""
    DIAGNOSTICS.warning("%s", diagnostic, extra={"diagnostic": diagnostic})


class Captured(logging.Handler):
    """What a logger emitted (warnings and worse) while captured, kept from the console."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self.diagnostics: list[Diagnostic] = []  # those that carry one (see `report`)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        diagnostic = getattr(record, "diagnostic", None)
        if isinstance(diagnostic, Diagnostic):
            self.diagnostics.append(diagnostic)

    @property
    def messages(self) -> list[str]:
        return [record.getMessage() for record in self.records]


@contextmanager
def capture(name: str) -> Iterator[Captured]:
    """Capture what the logger `name` emits inside the block (WeasyPrint's warnings, ours)."""
    handler = Captured()
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


@contextmanager
def capture_diagnostics() -> Iterator[list[Diagnostic]]:
    """Collect what renderers `report()` during a build."""
    with capture(DIAGNOSTICS.name) as captured:
        yield captured.diagnostics
