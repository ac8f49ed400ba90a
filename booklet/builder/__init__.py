"""A manuscript folder and an output folder in, every publication plus `manifest.json` out.

The renderers are grouped into jobs (those sharing the screen layout, then the handouts of each
paper); a job whose inputs did not change since the previous build reuses its outputs
(`cache.py`), the others run in parallel worker processes (`workers.py`). Outputs are built in a
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

from booklet.builder import jobs
from booklet.builder.deadline import checkpoint, deferred
from booklet.builder.jobs import SITE, Job, JobResult
from booklet.builder.outdir import (
    check_out_dir,
    check_same_book,
    clean_stale,
    make_staging,
    swap_in,
)
from booklet.builder.reuse import (
    images_digest,
    job_entries,
    job_key,
    previous_manifest,
    reuse,
    sha256_of,
)
from booklet.builder.workers import run_jobs
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
) -> Result:
    """Load the manuscript once, run every renderer, write the manifest, swap the outputs in.

    Every translated edition is built beside the source's (`languages`: only these, which may
    name the source's own language). Jobs whose inputs are unchanged reuse the previous outputs,
    unless `force`; an output folder holding another book's outputs is refused, unless
    `force`. With `strict`,
    problems renderers report (a handout longer than its sheet) are errors: the build raises
    `ManuscriptError` and the previous outputs stay in place.
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
        on_site = site_editions(books)
        for book in books if site else []:
            outputs = [
                o
                for job, made in zip(planned, results, strict=True)
                if job.book.meta.language == book.meta.language
                for o in made.outputs
            ]
            key, result = site_job(
                book, outputs, on_site, images, previous, out_dir, staging, progress
            )
            edition = f" ({book.meta.edition})" if book.meta.edition else ""
            planned.append(Job(SITE + edition, (SITE,), book))
            keys.append(key)
            results.append(result)
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


def site_job(
    book: Book,
    outputs: list[Output],
    editions: tuple[Edition, ...],
    images: bytes,
    previous: dict[str, object],
    out_dir: Path,
    staging: Path,
    progress: Callable[[str], None],
) -> tuple[str, JobResult]:
    """The site from the finished `outputs`, or the previous one if nothing it shows changed."""
    from booklet.render.web import site

    made = hashlib.sha256()
    for output in outputs:
        made.update(f"{output.kind} {output.pages} {output.paper} {output.variant} ".encode())
        made.update(f"{output.path.relative_to(staging).as_posix()} ".encode())
        made.update(f"{sha256_of(output.path)}\n".encode())
    for other in editions:  # the switch links to each edition's pages
        pages = " ".join(sorted(other.pages))
        made.update(f"{other.language} {other.folder} {other.url} {other.share} {pages}\n".encode())
    key = job_key(Job(SITE, (SITE,), book), {SITE: site.render}, images, made.digest())
    reused = reuse(key, previous, out_dir, staging)
    if reused is not None:
        progress(f"{SITE}: inputs unchanged, outputs kept")
        return key, reused
    progress(f"rendering {SITE}")
    output, files = site.render(book, staging, outputs, editions)
    checkpoint()
    listed = [
        (path.relative_to(staging).as_posix(), sha256_of(path) or "")
        for path in files
        if path != output.path
    ]
    return key, JobResult([output], files=listed)


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
    todo = [index for index in range(len(planned)) if index not in results]
    if todo:
        progress(f"rendering {'; '.join(planned[i].name for i in todo)}")
        rendered = run_jobs([planned[i] for i in todo], staging, jobs.renderers())
        results.update(zip(todo, rendered, strict=True))
    return [results[index] for index in range(len(planned))]
