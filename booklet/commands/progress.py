"""A build's steps and events in, what the person who started it sees out: on a terminal, one
block redrawn in place (each running job with the page it lays out and its time, the jobs done
and reused so far); elsewhere (CI, a pipe), plain lines without control characters; with `-q`,
nothing. Both end with a summary: the total time and what was reused.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any

from booklet.builder.events import DONE, PAGE, STARTED, WRITING, Event

KEPT = ": inputs unchanged, outputs kept"  # how the builder says a job was reused


@dataclass
class Running:
    started: float
    page: int = 0  # the highest page laid out (WeasyPrint lays a book out in several passes)
    writing: bool = False


@dataclass
class Tally:
    """What the build did so far: jobs running, made and reused."""

    start: float = field(default_factory=time.monotonic)
    running: dict[str, Running] = field(default_factory=dict)
    made: int = 0
    reused: int = 0

    def step(self, text: str) -> str | None:
        """Note a builder's step; the line to show for it (a job reused, loading), if any."""
        if text.endswith(KEPT):
            self.reused += 1
            return f"kept      {text.removesuffix(KEPT)} (inputs unchanged)"
        return None if text.startswith("rendering ") else text

    def event(self, event: Event) -> str | None:
        """Note an event; the line to show when a job is done."""
        now = time.monotonic()
        if event.what == STARTED:
            self.running[event.job] = Running(now)
        job = self.running.get(event.job)
        if job is None:
            return None
        if event.what == PAGE:
            job.page = max(job.page, event.number)
        elif event.what == WRITING:
            job.writing = True
        elif event.what == DONE:
            del self.running[event.job]
            self.made += 1
            return f"made      {event.job}{pages(job.page)} in {now - job.started:.1f} s"
        return None

    def summary(self) -> str:
        elapsed = time.monotonic() - self.start
        reused = f"{self.reused} reused" if self.reused else "nothing reused"
        jobs = "job" if self.made == 1 else "jobs"
        return f"built in {elapsed:.1f} s: {self.made} {jobs} made, {reused}"


def pages(count: int) -> str:
    return "" if not count else f", {count} page{'s' if count > 1 else ''}"


class Plain:
    """One line a step, a job made or kept, and the summary (for logs: no control characters)."""

    def __init__(self) -> None:
        self.tally = Tally()

    def step(self, text: str) -> None:
        self.show(self.tally.step(text))

    def event(self, event: Event) -> None:
        self.show(self.tally.event(event))

    def __enter__(self) -> Plain:
        return self

    def __exit__(self, *_: object) -> None:
        """The build is over (done or failed)."""

    def show(self, line: str | None) -> None:
        if line:
            print(line, flush=True)

    def summary(self) -> None:
        """The total time and what was reused, after the outputs' list."""
        self.show(self.tally.summary())


class Silent(Plain):
    """`-q`: nothing shown."""

    def show(self, line: str | None) -> None:
        pass


class Live(Silent):
    """A block redrawn in place on a terminal (rich): running jobs, then what is done (no
    lines of its own but the summary)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.live import Live as RichLive

        super().__init__()
        self.console = Console(stderr=True)
        self.live = RichLive(
            get_renderable=self.block,
            console=self.console,
            refresh_per_second=8,
            transient=True,  # the block goes at the end; the summary stays
        )

    def __enter__(self) -> Plain:
        self.live.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.live.stop()

    def block(self) -> Any:
        from rich.table import Table

        tally, now = self.tally, time.monotonic()
        table = Table.grid(padding=(0, 2))
        for name, job in list(tally.running.items()):
            doing = "writing" if job.writing else f"page {job.page}" if job.page else "starting"
            table.add_row(f"[bold]{name}[/]", doing, f"{now - job.started:.1f} s")
        done = f"{tally.made} made, {tally.reused} reused"
        table.add_row(f"[dim]{done}[/]", "", f"[dim]{now - tally.start:.1f} s[/]")
        return table

    def summary(self) -> None:
        self.console.print(self.tally.summary(), highlight=False)


def display(quiet: bool) -> Plain:
    """The display for this build: live on a terminal, plain lines elsewhere, none if quiet."""
    if quiet:
        return Silent()
    return Live() if sys.stderr.isatty() else Plain()
