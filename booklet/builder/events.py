"""What the build's processes are doing in (a job started, a page laid out, a PDF being
written, a job done), one stream of events for whoever watches the build out.

Every process of a build sends its events to `sink`: the parent's is the watcher given to
`builder.build` (a live display on a terminal); a forked worker's sends them up its pipe to
its parent, which passes them on (`workers.py`). WeasyPrint says which page it lays out on its
`weasyprint.progress` logger; `watch_weasyprint` turns that into events of the running job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

STARTED, PAGE, WRITING, DONE = "started", "page", "writing", "done"


@dataclass(frozen=True)
class Event:
    """`what` happened to the job called `job`; `number` is the page for `PAGE`."""

    what: str
    job: str
    number: int = 0


def ignore(_: Event) -> None:
    pass


sink: Callable[[Event], None] = ignore  # where this process's events go
current = ""  # the job this process is running (WeasyPrint's pages belong to it)
upward = False  # whether `sink` writes to the pipe of a worker forked by the build's process


def emit(what: str, job: str, number: int = 0) -> None:
    sink(Event(what, job, number))


def send_to(function: Callable[[Event], None]) -> None:
    """Send this process's events to `function` from now on."""
    global sink
    sink = function


def send_up(function: Callable[[Event], None]) -> None:
    """In a forked worker: send events with `function`, unless this process's parent is itself
    a worker. Then the events keep going up the pipe it inherited, straight to the build's
    process, which reads it while its parent is busy rendering (each event is written whole,
    in one write under the pipe's atomic size, so processes sharing the pipe do not mix)."""
    global upward
    if not upward:
        upward = True
        send_to(function)


def running(job: str) -> None:
    """The job this process runs from now on: it has started."""
    global current
    current = job
    emit(STARTED, job)


class WeasyPrintProgress(logging.Handler):
    """WeasyPrint's progress messages as events of the running job."""

    def emit(self, record: logging.LogRecord) -> None:
        if not current:
            return
        if record.msg.startswith("Step 5 - Creating layout - Page") and record.args:
            emit(PAGE, current, int(record.args[0]))  # type: ignore[index, call-overload]
        elif record.msg.startswith("Step 6 - Creating PDF"):
            emit(WRITING, current)


def watch_weasyprint() -> None:
    """Listen to WeasyPrint's progress logger (once a process; kept from its warnings)."""
    logger = logging.getLogger("weasyprint.progress")
    if not any(isinstance(h, WeasyPrintProgress) for h in logger.handlers):
        logger.addHandler(WeasyPrintProgress())
        logger.setLevel(logging.INFO)
        logger.propagate = False  # not a warning for `capture_warnings`
