"""A manuscript folder and an output folder in, every publication plus `manifest.json` out.

The renderers are grouped into jobs (those sharing the screen layout, then each handout); a job
whose inputs did not change since the previous build reuses its outputs (`reuse.py`), the others
run in parallel worker processes (`workers.py`). Two jobs are then made from the others' files:
the handouts of each paper and variant joined, and the site. Outputs are built in a
temporary folder next to the output folder and swapped in only when everything succeeded, so a
failed or interrupted build leaves the previous outputs as they were; staging folders left by a
killed build are removed by the next one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from booklet.assets.digest import images_digest
from booklet.builder import events, jobs
from booklet.builder.deadline import checkpoint, deferred
from booklet.builder.events import Event
from booklet.builder.jobs import SITE, Job, JobResult
from booklet.builder.outdir import (
    check_out_dir,
    check_same_book,
    clean_stale,
    make_staging,
    swap_in,
)
from booklet.builder.reuse import (
    job_entries,
    job_key,
    previous_manifest,
    reuse,
    sha256_of,
)
from booklet.builder.workers import edition, out_folder, run_jobs
from booklet.confine import Refusal
from booklet.errors import SWAPPED, BuildError, Diagnostic, ManuscriptError
from booklet.load import load
from booklet.model import Book, Output
from booklet.reproducible import fixed_timestamps

if TYPE_CHECKING:
    from booklet.render.web.languages import Edition


@dataclass
class Result:
    outputs: list[Output]
    warnings: list[str] = field(default_factory=list)


def manifest(
    outputs: list[Output], warnings: list[str], out_dir: Path, languages: list[str]
) -> dict[str, object]:
    entries = []
    for output, language in zip(outputs, languages, strict=True):
        data = output.path.read_bytes()
        entry: dict[str, object] = {
            "kind": output.kind,
            "path": output.path.relative_to(out_dir).as_posix(),
            "pages": output.pages,
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "language": language,
        }
        if output.paper:
            entry["paper"] = output.paper
        if output.variant:
            entry["variant"] = output.variant
        entries.append(entry)
    return {"outputs": entries, "warnings": warnings}


def build(
    manuscript: Path,
    out_dir: Path,
    only: list[str] | None = None,
    progress: Callable[[str], None] = lambda _: None,
    strict: bool = False,
    force: bool = False,
    languages: list[str] | None = None,
    watch: Callable[[Event], None] = events.ignore,
) -> Result:
    """Load the manuscript once, run every renderer, write the manifest, swap the outputs in.

    Every translated edition is built beside the source's (`languages`: only these, which may
    name the source's own language). Jobs whose inputs are unchanged reuse the previous outputs,
    unless `force`; an output folder holding another book's outputs is refused, unless
    `force`. With `strict`,
    problems renderers report (a handout longer than its sheet) are errors: the build raises
    `ManuscriptError` and the previous outputs stay in place. `watch` gets what every process
    of the build is doing as it happens (jobs started and done, pages laid out).
    """
    out_dir = out_dir.resolve()
    check_out_dir(manuscript, out_dir)
    progress("loading manuscript")
    books = editions(manuscript, strict, languages)
    if not force:
        check_same_book(out_dir, books[0].meta.identifier, books[0].meta.title)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(out_dir)
    staging = make_staging(out_dir)
    swapped = False
    events.watch_weasyprint()
    events.send_to(watch)
    try:
        with fixed_timestamps(books[0]):
            planned, keys, results = make_outputs(books, only, force, out_dir, staging, progress)
        outputs, warnings = write_manifest(books, planned, keys, results, staging, strict)
        checkpoint()
        with deferred():  # a signal that arrives meanwhile is raised once the swap is complete
            swap_in(staging, out_dir)
            swapped = True
    except BaseException as exc:
        if swapped:
            exc.add_note(SWAPPED)
        else:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        events.send_to(events.ignore)
    return Result(
        outputs=[
            dataclasses.replace(o, path=out_dir / o.path.relative_to(staging)) for o in outputs
        ],
        warnings=warnings,
    )


def editions(manuscript: Path, strict: bool, chosen: list[str] | None) -> list[Book]:
    """The source's edition and every translated one (or those `chosen`), each loaded once;
    the errors of all of them at once."""
    from booklet.load.translations import languages

    source = load(manuscript, strict=strict)
    own, translated = source.meta.language, languages(source.root)
    wanted = chosen or [own, *translated]
    unknown = [tag for tag in wanted if tag != own and tag not in translated]
    if unknown:
        raise BuildError(
            [
                f"no translation '{unknown[0]}' (translations/{unknown[0]}/ holds no catalogue); "
                f"make one with: booklet translate {unknown[0]}"
            ]
        )
    books = [source] if own in wanted else []
    problems: list[Diagnostic] = []
    for language in (tag for tag in wanted if tag != own):
        try:
            books.append(load(manuscript, strict=strict, language=language))
        except ManuscriptError as error:
            problems += error.diagnostics
    if problems:
        raise ManuscriptError(problems)
    return books


def make_outputs(
    books: list[Book],
    only: list[str] | None,
    force: bool,
    out_dir: Path,
    staging: Path,
    progress: Callable[[str], None],
) -> tuple[list[Job], list[str], list[JobResult]]:
    """Every job's outputs in `staging`, reused or rendered, the site last (from the others'
    files): the jobs, their keys and their results, in order."""
    try:
        names, site = jobs.chosen(only)
        planned = [job for book in books for job in jobs.plan(book, names)]
        images = images_digest(books[0])  # every edition shows the source's images
        keys = [job_key(job, jobs.renderers(), images) for job in planned]
        previous = {} if force else previous_manifest(out_dir)
        results = render_jobs(planned, keys, previous, out_dir, staging, progress)
        refused = [message for result in results for message in result.refused]
        if refused:  # refusals that a library swallowed still fail the build
            raise BuildError(dict.fromkeys(refused))
        stage = Stage(images, previous, out_dir, staging, progress)
        for book in books if "handouts" in names else []:
            handouts = [o for o in outputs_of(book, planned, results) if o.kind == "handout"]
            if handouts:
                add(planned, keys, results, combined_job(book, handouts, stage))
        on_site = site_editions(books)
        for book in books if site else []:
            add(
                planned,
                keys,
                results,
                site_job(book, outputs_of(book, planned, results), on_site, stage),
            )
    except BaseException as exc:
        if isinstance(exc, Refusal):  # a mixin: every refused read, whatever its exception type
            raise BuildError([str(exc)]) from None
        raise
    return planned, keys, results


def write_manifest(
    books: list[Book],
    planned: list[Job],
    keys: list[str],
    results: list[JobResult],
    staging: Path,
    strict: bool,
) -> tuple[list[Output], list[str]]:
    """`manifest.json` in `staging`: every output, warning and job key; the outputs and warnings.

    With `strict`, problems the renderers reported are errors instead (`ManuscriptError`)."""
    found = [d for result in results for d in result.diagnostics]
    if strict and found:
        raise ManuscriptError(Diagnostic(d.path, d.line, d.message) for d in found)
    outputs = [output for result in results for output in result.outputs]
    languages = [
        job.book.meta.language
        for job, made in zip(planned, results, strict=True)
        for _ in made.outputs
    ]
    log = [f"weasyprint: {m}" for result in results for m in result.weasyprint]
    loaded = dict.fromkeys(str(w) for book in books for w in book.warnings)
    warnings = [*loaded, *map(str, found), *log]
    data = manifest(outputs, warnings, staging, languages)
    # Which book the folder holds, so that another book's build does not replace it unasked.
    data["book"] = {"identifier": books[0].meta.identifier, "title": books[0].meta.title}
    names = [job.name for job in planned]
    data["jobs"] = job_entries(zip(names, keys, results, strict=True), outputs)
    (staging / "manifest.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return outputs, warnings


def site_editions(books: list[Book]) -> tuple[Edition, ...]:
    """The editions one site holds, for their language switch (none for a single edition)."""
    from booklet.render.web.languages import edition

    return tuple(edition(book) for book in books) if len(books) > 1 else ()


@dataclass(frozen=True)
class Stage:
    """What a job made from other jobs' finished files needs to be reused or made."""

    images: bytes
    previous: dict[str, object]
    out_dir: Path
    staging: Path
    progress: Callable[[str], None]


def outputs_of(book: Book, planned: list[Job], results: list[JobResult]) -> list[Output]:
    """The outputs made so far for one edition."""
    return [
        output
        for job, made in zip(planned, results, strict=True)
        if job.book.meta.language == book.meta.language
        for output in made.outputs
    ]


def add(
    planned: list[Job], keys: list[str], results: list[JobResult], made: tuple[Job, str, JobResult]
) -> None:
    job, key, result = made
    planned.append(job)
    keys.append(key)
    results.append(result)


def files_digest(outputs: list[Output], staging: Path) -> bytes:
    """What a job made from other outputs reads of them: their names, pages and bytes."""
    made = hashlib.sha256()
    for output in outputs:
        made.update(f"{output.kind} {output.pages} {output.paper} {output.variant} ".encode())
        made.update(f"{output.path.relative_to(staging).as_posix()} ".encode())
        made.update(f"{sha256_of(output.path)}\n".encode())
    return made.digest()


def derived_job(
    job: Job,
    renderer: Callable[..., object],
    made: bytes,
    make: Callable[[], JobResult],
    stage: Stage,
) -> tuple[Job, str, JobResult]:
    """A job made from other jobs' files (`made` hashes what it reads of them): the previous
    build's outputs if its key is unchanged, else `make()`."""
    key = job_key(job, {job.renderers[0]: renderer}, stage.images, made)
    reused = reuse(key, stage.previous, stage.out_dir, stage.staging)
    if reused is not None:
        stage.progress(f"{job.name}: inputs unchanged, outputs kept")
        return job, key, reused
    stage.progress(f"rendering {job.name}")
    events.running(job.name)
    result = make()
    checkpoint()
    events.emit(events.DONE, job.name)
    return job, key, result


def combined_job(book: Book, handouts: list[Output], stage: Stage) -> tuple[Job, str, JobResult]:
    """The files of all handouts of each paper and variant, joined from the finished ones."""
    job = Job("handouts, all in one" + edition(book), ("handouts",), book)

    def make() -> JobResult:
        from booklet.render.handouts import render_combined  # not imported when reused

        return JobResult(render_combined(book, out_folder(book, stage.staging), handouts))

    named = jobs.lazy("booklet.render.handouts:render_combined")  # its name, for the key
    return derived_job(job, named, files_digest(handouts, stage.staging), make, stage)


def site_job(
    book: Book, outputs: list[Output], editions: tuple[Edition, ...], stage: Stage
) -> tuple[Job, str, JobResult]:
    """The site from the finished `outputs`, or the previous one if nothing it shows changed."""
    from booklet.render.web import site

    made = hashlib.sha256(files_digest(outputs, stage.staging))
    for other in editions:  # the switch links to each edition's pages
        pages = " ".join(sorted(other.pages))
        made.update(f"{other.language} {other.folder} {other.url} {other.share} {pages}\n".encode())

    def make() -> JobResult:
        output, files = site.render(book, stage.staging, outputs, editions)
        listed = [
            (path.relative_to(stage.staging).as_posix(), sha256_of(path) or "")
            for path in files
            if path != output.path
        ]
        return JobResult([output], files=listed)

    job = Job(SITE + edition(book), (SITE,), book)
    return derived_job(job, site.render, made.digest(), make, stage)


def render_jobs(
    planned: list[Job],
    keys: list[str],
    previous: dict[str, object],
    out_dir: Path,
    staging: Path,
    progress: Callable[[str], None],
) -> list[JobResult]:
    """Every job's result in order: reused from the previous build, or rendered in parallel."""
    results: dict[int, JobResult] = {}
    for index, (job, key) in enumerate(zip(planned, keys, strict=True)):
        reused = reuse(key, previous, out_dir, staging)
        if reused is not None:
            progress(f"{job.name}: inputs unchanged, outputs kept")
            results[index] = reused
    # The longest first (a book's layout), so that the handouts fill the other cores around it.
    todo = sorted(
        (index for index in range(len(planned)) if index not in results),
        key=lambda index: planned[index].prepare is None,
    )
    if todo:
        progress(f"rendering {'; '.join(planned[i].name for i in todo)}")
        rendered = run_jobs([planned[i] for i in todo], staging, jobs.renderers())
        results.update(zip(todo, rendered, strict=True))
    return [results[index] for index in range(len(planned))]
