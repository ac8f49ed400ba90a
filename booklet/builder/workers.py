"""Jobs in, their results out: several jobs run at once in forked worker processes.

Layout is pure Python and holds the GIL, so independent jobs (the book's, each handout's) are
rendered by a pool of worker processes, one per core, each taking job after job; within the
book's job the EPUB and print renderers run side by side once the screen PDF has laid the book
out. Workers are forked after the book is loaded, so they share the one `Book` the parent
loaded; each sends back what it is doing as it goes (`events.py`), then its outputs and
everything it reported (diagnostics, WeasyPrint's warnings, refused reads) or its error. An
exception no renderer should raise (a bug) becomes a `RenderCrash`: one line saying what
failed, with the traceback kept for `--debug`.

Stopping stays the parent's job: workers ignore Ctrl-C (the terminal sends it to them too) and
die with the parent (PR_SET_PDEATHSIG); when the parent stops (a signal, the time limit, an
error in another job), it kills every worker and waits for it before the staging folder goes.
"""

from __future__ import annotations

import os
import select
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from booklet.builder import events
from booklet.builder.deadline import checkpoint
from booklet.builder.jobs import Job, JobResult
from booklet.builder.procs import fork, kill_and_reap, read_message, send_message
from booklet.confine import Refusal, refusals
from booklet.errors import BuildError, Diagnostic, ManuscriptError, capture_diagnostics
from booklet.model import Book

# What renderers raise on purpose: reported as they are, never as a crash.
EXPECTED = (ManuscriptError, BuildError, OSError)


class RenderCrash(BuildError):
    """A renderer raised what none should (a bug, not a manuscript's mistake): `what` failed
    with `error` (the exception's type and message); `details` is its traceback."""

    def __init__(self, what: str, error: str, details: str) -> None:
        self.what, self.error, self.details = what, error, details
        super().__init__([f"rendering {what} failed: {error}"])

    @classmethod
    def of(cls, what: str, exc: BaseException) -> RenderCrash:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return cls(what, error, "".join(traceback.format_exception(exc)))


def run_job(job: Job, staging: Path, renderers: dict[str, Callable[..., Any]]) -> JobResult:
    """Run a job's first renderer in this process, then the others in parallel workers.

    The others are forked once what they need exists, so they share it: the EPUB (in
    `job.early`) as soon as `job.prepare` has laid the book out, the print renderers once the
    screen PDF renderer has written the PDF they start from.
    """
    events.running(job.name)
    first, *others = job.renderers
    early = [name for name in others if name in job.early] if job.prepare and parallel() else []
    late = [name for name in others if name not in early]
    started: dict[int, tuple[int, int]] = {}
    try:
        # Imported here: a build that reuses every output never loads the layout module.
        from booklet.render.layout import capture_warnings

        with capture_warnings() as log, refusals() as refused, capture_diagnostics() as found:
            try:
                if early and job.prepare:
                    job.prepare(job.book)
                    checkpoint()
                    started = start_workers(single_jobs(job, early), staging, renderers)
                outputs = renderers[first](job.book, out_folder(job.book, staging))
                checkpoint()
            except BaseException as exc:
                if isinstance(exc, Refusal):
                    raise BuildError(dict.fromkeys(refused or [str(exc)])) from None
                if isinstance(exc, Exception) and not isinstance(exc, EXPECTED):
                    crashed = job.name if len(job.renderers) == 1 else first + edition(job.book)
                    raise RenderCrash.of(crashed, exc) from exc
                raise
        results = {first: JobResult(outputs, list(found), list(log.messages), list(refused))}
        results.update(zip(late, run_jobs(single_jobs(job, late), staging, renderers), strict=True))
        results.update(zip(early, collect(single_jobs(job, early), started), strict=True))
    finally:
        stop_workers(started)
    ordered = [results[name] for name in job.renderers]
    events.emit(events.DONE, job.name)
    return JobResult(
        outputs=[o for r in ordered for o in r.outputs],
        diagnostics=[d for r in ordered for d in r.diagnostics],
        weasyprint=[m for r in ordered for m in r.weasyprint],
        refused=[m for r in ordered for m in r.refused],
    )


def out_folder(book: Book, staging: Path) -> Path:
    """Where a book's outputs go: the staging folder, or its edition's folder inside it."""
    folder = staging / book.meta.edition
    folder.mkdir(exist_ok=True)
    return folder


def edition(book: Book) -> str:
    """' (nl)' after what belongs to a translated edition, as in the jobs' names."""
    return f" ({book.meta.edition})" if book.meta.edition else ""


def single_jobs(job: Job, names: list[str]) -> list[Job]:
    return [Job(name + edition(job.book), (name,), job.book) for name in names]


def run_jobs(
    jobs: list[Job], staging: Path, renderers: dict[str, Callable[..., Any]]
) -> list[JobResult]:
    """Each job's result, in the order of `jobs`; the first error of a job is raised.

    `slots()` workers (the machine's cores) take the jobs in the order given, one after the
    other: a worker keeps what its first layout loaded (fonts, hyphenation dictionaries) for
    the next, where a process per job would load them again each time."""
    if len(jobs) <= 1 or not parallel():
        return [run_job(job, staging, renderers) for job in jobs]
    from booklet.render.layout import warm_up

    warm_up(jobs[0].book)  # what every worker needs, made once and shared by fork
    waiting, received = list(range(len(jobs))), {}
    pool: dict[int, Worker] = {}  # by the read end of its results
    finished = False
    try:
        for _ in range(min(slots(), len(jobs))):
            worker = start_pool_worker(jobs, staging, renderers, pool)
            pool[worker.results] = worker
            give(worker, waiting)
        while busy := [fd for fd, worker in pool.items() if worker.index is not None]:
            for fd in select.select(busy, [], [])[0]:
                message = read_message(fd)
                if not passed_on(message):  # ("result", its result), or None: it died
                    received[pool[fd].index] = (
                        cast(tuple[str, Any], message)[1] if message else None
                    )
                    give(pool[fd], waiting if message else [])
        finished = True
    finally:
        for worker in pool.values():
            if worker.index is not None:  # stopped while it ran a job
                os.close(worker.commands)
            kill_and_reap(worker.pid, worker.results, grace=5 if finished else 0)
    return [result_of(jobs[i], received.get(i)) for i in range(len(jobs))]


@dataclass
class Worker:
    """A pool worker: its pid, the pipes it reads job numbers from and writes results to, and
    the job it runs (None: it was told to stop)."""

    pid: int
    commands: int
    results: int
    index: int | None = None


def give(worker: Worker, waiting: list[int]) -> None:
    """The next waiting job to a worker, or the end of its work (its command pipe closed)."""
    if waiting:
        worker.index = waiting.pop(0)
        send_message(worker.commands, worker.index)
    else:
        worker.index = None
        os.close(worker.commands)


def start_pool_worker(
    jobs: list[Job],
    staging: Path,
    renderers: dict[str, Callable[..., Any]],
    pool: dict[int, Worker],
) -> Worker:
    """Fork a worker that runs the jobs it is given by number until its command pipe ends."""
    commands_read, commands = os.pipe()

    def serve(pipe: int) -> None:
        events.send_up(lambda event: send_message(pipe, ("event", event)))
        while (index := read_message(commands_read)) is not None:
            job = jobs[cast(int, index)]
            try:
                result: tuple[str, Any] = ("ok", run_job(job, staging, renderers))
            except BaseException as exc:  # everything goes back to the parent, which decides
                result = error_message(exc, job.name)
            send_message(pipe, ("result", result))

    # The other workers' pipes closed in this one: each worker must see its own end alone.
    others = [fd for worker in pool.values() for fd in (worker.commands, worker.results)]
    try:
        pid, results = fork(serve, close=[commands, *others])
    finally:
        os.close(commands_read)
    return Worker(pid, commands, results)


def slots() -> int:
    """How many jobs run at once: the cores this process may use (BOOKLET_JOBS to choose)."""
    chosen = os.environ.get("BOOKLET_JOBS", "")
    return int(chosen) if chosen.isdigit() and int(chosen) > 0 else len(os.sched_getaffinity(0))


def passed_on(message: object) -> bool:
    """Whether a worker's message was an event (passed on to this process's sink)."""
    if isinstance(message, tuple) and message[0] == "event":
        events.sink(message[1])
        return True
    return False


def reap(workers: dict[int, tuple[int, int]], pid: int) -> None:
    """Wait for a worker that sent its result, and close its pipe."""
    os.waitpid(pid, 0)
    os.close(workers.pop(pid)[1])


def start_workers(
    jobs: list[Job], staging: Path, renderers: dict[str, Callable[..., Any]]
) -> dict[int, tuple[int, int]]:
    """A forked worker per job: pid -> (job index, read end of its pipe).

    Filled in as they start, so that `stop_workers` finds every one if starting fails."""
    workers: dict[int, tuple[int, int]] = {}
    try:
        for index, job in enumerate(jobs):
            pid, read_end = start_worker(job, staging, renderers)
            workers[pid] = (index, read_end)
    except BaseException:
        stop_workers(workers)
        raise
    return workers


def collect(jobs: list[Job], workers: dict[int, tuple[int, int]]) -> list[JobResult]:
    """Read every worker's result (passing its events on) and reap it; the results in the
    order of `jobs`. Reaped workers leave `workers`; those left (an interrupt) are for
    `stop_workers`."""
    received: dict[int, object] = {}
    for pid, (index, read_end) in list(workers.items()):
        while passed_on(message := read_message(read_end)):
            pass
        received[index] = message
        reap(workers, pid)
    return [result_of(jobs[i], received.get(i)) for i in range(len(jobs))]


def parallel() -> bool:
    """Fork workers on Linux (elsewhere fork after loading Pango is not safe), unless
    BOOKLET_PARALLEL=0 asks for one process (to profile a whole build, say)."""
    return sys.platform.startswith("linux") and os.environ.get("BOOKLET_PARALLEL") != "0"


def start_worker(
    job: Job, staging: Path, renderers: dict[str, Callable[..., Any]]
) -> tuple[int, int]:
    """Fork a worker for `job`: its events, then its result, come back on its pipe."""

    def work(pipe: int) -> None:
        events.send_up(lambda event: send_message(pipe, ("event", event)))
        try:
            result: tuple[str, Any] = ("ok", run_job(job, staging, renderers))
        except BaseException as exc:  # everything goes back to the parent, which decides
            result = error_message(exc, job.name)
        send_message(pipe, result)

    return fork(work)


def error_message(exc: BaseException, name: str) -> tuple[str, Any]:
    """An exception as plain data that survives pickling."""
    if isinstance(exc, RenderCrash):  # a `BuildError` that keeps what failed, and where
        return ("crash", (exc.what, exc.error, exc.details))
    if isinstance(exc, ManuscriptError):
        return ("manuscript", [tuple(vars(d).values()) for d in exc.diagnostics])
    if isinstance(exc, BuildError):
        return ("build", list(exc.messages))
    if isinstance(exc, OSError):
        return ("os", (exc.errno, exc.strerror, exc.filename))
    crash = RenderCrash.of(name, exc)
    return ("crash", (crash.what, crash.error, crash.details))


def result_of(job: Job, message: object) -> JobResult:
    """A worker's message as its result, or its error raised again here."""
    if message is None:
        raise RenderCrash(job.name, "its worker ended without a result", "")
    kind, payload = cast(tuple[str, Any], message)
    if kind == "ok":
        return payload  # type: ignore[no-any-return]
    if kind == "manuscript":
        raise ManuscriptError(Diagnostic(*d) for d in payload)
    if kind == "build":
        raise BuildError(payload)
    if kind == "os":
        raise OSError(*payload)
    raise RenderCrash(*payload)


def stop_workers(workers: dict[int, tuple[int, int]]) -> None:
    """Kill and reap the workers still running (the build stopped or failed)."""
    for pid, (_, read_end) in workers.items():
        kill_and_reap(pid, read_end)
    workers.clear()
