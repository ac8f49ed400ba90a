"""A manuscript folder and an output folder in, every publication plus `manifest.json` out.

The renderers are grouped into jobs (those sharing the screen layout, then the handouts of each
paper); a job whose inputs did not change since the previous build reuses its outputs
(`cache.py`), the others run in parallel worker processes (`workers.py`). Outputs are built in a
temporary folder next to the output folder and swapped in only when everything succeeded, so a
failed or interrupted build leaves the previous outputs as they were; staging folders left by a
killed build are removed by the next one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import datetime as dt
import hashlib
import importlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from booklet.builder.deadline import checkpoint, deferred
from booklet.builder.reuse import (
    Job,
    JobResult,
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
from booklet.model import Book
from booklet.render.pdf import Output
from booklet.resources import PACKAGE

Renderer = Callable[[Book, Path], list[Output]]


def lazy(target: str) -> Renderer:
    """`module:function`, imported on first call: a build whose outputs are all unchanged
    never imports WeasyPrint, pikepdf or ebooklib."""
    module, _, name = target.partition(":")

    def renderer(book: Book, out_dir: Path) -> list[Output]:
        function: Renderer = getattr(importlib.import_module(module), name)
        return function(book, out_dir)

    renderer.__module__, renderer.__qualname__ = module, name  # what cache keys name
    return renderer


RENDERERS: dict[str, Renderer] = {
    "pdf": lazy("booklet.render.pdf:render_screen"),
    "epub": lazy("booklet.render.epub:render"),
    "print": lazy("booklet.render.prepress:render"),
    "imposed": lazy("booklet.render.prepress:render_imposed"),
    "handouts": lazy("booklet.render.handouts:render"),
}
SHARED_LAYOUT = ("pdf", "epub", "print", "imposed")  # these read the one screen layout: one job
SITE = "site"  # made after the others, from their finished files (see `site_job`)
GROUPS = (*RENDERERS, SITE)  # the names `--only` takes


def chosen(only: list[str] | None) -> tuple[list[str], bool]:
    """The renderers to run and whether to make the site. The site offers the outputs of the
    build, so `--only site` alone runs every renderer; with other names, only those."""
    if not only or set(only) == {SITE}:
        return list(RENDERERS), True
    return [name for name in RENDERERS if name in only], SITE in only


AFTER_LAYOUT = ("epub",)  # needs the layout only (its page-list), not the screen PDF's bytes


def laid_out(book: Book) -> object:
    """The book laid out (once per process): what the renderers in AFTER_LAYOUT wait for."""
    return importlib.import_module("booklet.render.pdf").screen_document(book)


def plan(book: Book, names: list[str]) -> list[Job]:
    """The jobs for the chosen renderers: the shared-layout ones together, handouts per paper."""
    shared = tuple(name for name in names if name in SHARED_LAYOUT)
    early = tuple(name for name in shared[1:] if name in AFTER_LAYOUT)
    jobs = [Job(", ".join(shared), shared, book, early, laid_out)] if shared else []
    for name in names:
        if name == "handouts" and len(book.meta.handout_papers) > 1:
            for paper in book.meta.handout_papers:
                meta = dataclasses.replace(book.meta, handout_papers=(paper,))
                jobs.append(Job(f"handouts {paper}", (name,), dataclasses.replace(book, meta=meta)))
        elif name not in SHARED_LAYOUT:
            jobs.append(Job(name, (name,), book))
    return jobs


@dataclass
class Result:
    outputs: list[Output]
    warnings: list[str] = field(default_factory=list)


def manifest(outputs: list[Output], warnings: list[str], out_dir: Path) -> dict[str, object]:
    entries = []
    for output in outputs:
        data = output.path.read_bytes()
        entry: dict[str, object] = {
            "kind": output.kind,
            "path": output.path.relative_to(out_dir).as_posix(),
            "pages": output.pages,
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        if output.paper:
            entry["paper"] = output.paper
        entries.append(entry)
    return {"outputs": entries, "warnings": warnings}


class UnsafeOutput(ValueError):
    """The output folder would overwrite something that is not an earlier build."""


def check_out_dir(manuscript: Path, out_dir: Path) -> None:
    """Refuse output folders whose replacement would destroy the manuscript or the project."""
    manuscript, out_dir = manuscript.resolve(), out_dir.resolve()
    if out_dir == manuscript or manuscript.is_relative_to(out_dir):
        raise UnsafeOutput(f"output folder '{out_dir}' holds the manuscript; choose another --out")
    if out_dir.is_relative_to(manuscript):
        raise UnsafeOutput(
            f"output folder '{out_dir}' is inside the manuscript folder; choose another --out"
        )
    if PACKAGE.parent.is_relative_to(out_dir):
        raise UnsafeOutput(f"output folder '{out_dir}' holds the project; choose another --out")
    if out_dir.exists() and not out_dir.is_dir():
        raise UnsafeOutput(f"output '{out_dir}' is not a folder; choose another --out")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "manifest.json").is_file():
        raise UnsafeOutput(
            f"output folder '{out_dir}' is not empty and holds no manifest.json of an earlier "
            "build; the build replaces the whole folder, so choose an empty or new one"
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(out_dir: Path) -> None:
    """Remove staging folders of builds that were killed; put back outputs a kill left aside."""
    leftover = re.compile(rf"^\.{re.escape(out_dir.name)}\.(tmp|old)-(\d+)-")
    for path in sorted(out_dir.parent.glob(f".{out_dir.name}.*")):
        match = leftover.match(path.name)
        if not match or _alive(int(match.group(2))) or not path.is_dir():
            continue
        if match.group(1) == "old" and not out_dir.exists():
            path.rename(out_dir)  # killed between the two renames of `swap_in`
        else:
            shutil.rmtree(path, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if not supported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def swap_in(staging: Path, out_dir: Path) -> None:
    """Replace `out_dir` by `staging` in one atomic exchange (or two renames where unsupported).

    Run it inside `deferred()`, so that an interrupt never leaves the output folder missing.
    """
    if not out_dir.exists():
        staging.rename(out_dir)
    elif _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous outputs
    else:
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-0")
        out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)


def make_staging(out_dir: Path) -> Path:
    """An empty folder next to `out_dir`, named with our pid, with the usual permissions."""
    staging = Path(
        tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-{os.getpid()}-", dir=out_dir.parent)
    )
    umask = os.umask(0o022)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; dist/ should look like any folder
    return staging


@contextmanager
def fixed_timestamps(book: Book) -> Iterator[None]:
    """Same input, same bytes: libraries that stamp times (font subsetting) use the book's date.

    An explicit SOURCE_DATE_EPOCH wins; ours is removed again after the build.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    when = dt.datetime.combine(book.meta.date, dt.time(), tzinfo=dt.UTC)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def build(
    manuscript: Path,
    out_dir: Path,
    only: list[str] | None = None,
    progress: Callable[[str], None] = lambda _: None,
    strict: bool = False,
    force: bool = False,
) -> Result:
    """Load the manuscript once, run every renderer, write the manifest, swap the outputs in.

    Jobs whose inputs are unchanged reuse the previous outputs, unless `force`. With `strict`,
    problems renderers report (a handout longer than its sheet) are errors: the build raises
    `ManuscriptError` and the previous outputs stay in place.
    """
    out_dir = out_dir.resolve()
    check_out_dir(manuscript, out_dir)
    progress("loading manuscript")
    book = load(manuscript, strict=strict)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(out_dir)
    staging = make_staging(out_dir)
    swapped = False
    try:
        with fixed_timestamps(book):
            try:
                names, site = chosen(only)
                jobs = plan(book, names)
                images = images_digest(book)
                keys = [job_key(job, RENDERERS, images) for job in jobs]
                previous = {} if force else previous_manifest(out_dir)
                results = render_jobs(jobs, keys, previous, out_dir, staging, progress)
                refused = [message for result in results for message in result.refused]
                if refused:  # refusals that a library swallowed still fail the build
                    raise BuildError(dict.fromkeys(refused))
                if site:
                    outputs = [output for result in results for output in result.outputs]
                    key, result = site_job(
                        book, outputs, images, previous, out_dir, staging, progress
                    )
                    jobs.append(Job(SITE, (SITE,), book))
                    keys.append(key)
                    results.append(result)
            except BaseException as exc:
                if isinstance(exc, Refusal):
                    raise BuildError([str(exc)]) from None
                raise
        found = [d for result in results for d in result.diagnostics]
        if strict and found:
            raise ManuscriptError(Diagnostic(d.path, d.line, d.message) for d in found)
        outputs = [output for result in results for output in result.outputs]
        log = [f"weasyprint: {m}" for result in results for m in result.weasyprint]
        warnings = [*map(str, book.warnings), *map(str, found), *log]
        data = manifest(outputs, warnings, staging)
        names = [job.name for job in jobs]
        data["jobs"] = job_entries(zip(names, keys, results, strict=True), outputs)
        (staging / "manifest.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
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
            Output(o.kind, out_dir / o.path.relative_to(staging), o.pages, o.paper) for o in outputs
        ],
        warnings=warnings,
    )


def site_job(
    book: Book,
    outputs: list[Output],
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
        made.update(f"{output.kind} {output.pages} {output.paper} ".encode())
        made.update(f"{output.path.relative_to(staging).as_posix()} ".encode())
        made.update(f"{sha256_of(output.path)}\n".encode())
    key = job_key(Job(SITE, (SITE,), book), {SITE: site.render}, images, made.digest())
    reused = reuse(key, previous, out_dir, staging)
    if reused is not None:
        progress(f"{SITE}: inputs unchanged, outputs kept")
        return key, reused
    progress(f"rendering {SITE}")
    output, files = site.render(book, staging, outputs)
    checkpoint()
    listed = [
        (path.relative_to(staging).as_posix(), sha256_of(path) or "")
        for path in files
        if path != output.path
    ]
    return key, JobResult([output], files=listed)


def render_jobs(
    jobs: list[Job],
    keys: list[str],
    previous: dict[str, object],
    out_dir: Path,
    staging: Path,
    progress: Callable[[str], None],
) -> list[JobResult]:
    """Every job's result in order: reused from the previous build, or rendered in parallel."""
    results: dict[int, JobResult] = {}
    for index, (job, key) in enumerate(zip(jobs, keys, strict=True)):
        reused = reuse(key, previous, out_dir, staging)
        if reused is not None:
            progress(f"{job.name}: inputs unchanged, outputs kept")
            results[index] = reused
    todo = [index for index in range(len(jobs)) if index not in results]
    if todo:
        progress(f"rendering {'; '.join(jobs[i].name for i in todo)}")
        rendered = run_jobs([jobs[i] for i in todo], staging, RENDERERS)
        results.update(zip(todo, rendered, strict=True))
    return [results[index] for index in range(len(jobs))]
