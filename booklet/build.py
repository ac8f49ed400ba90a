"""A manuscript folder and an output folder in, every publication plus `manifest.json` out.

Outputs are built in a temporary folder next to the output folder and swapped in only when
everything succeeded, so a failed or interrupted build leaves the previous outputs as they were;
staging folders left by a killed build are removed by the next one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import render_epub, render_handouts, render_print
from .confine import Refusal, refusals
from .deadline import checkpoint, deferred
from .errors import SWAPPED, BuildError, Diagnostic, ManuscriptError, capture_diagnostics
from .load import load
from .model import Book
from .render_html import PROJECT
from .render_pdf import Output, capture_warnings, render_screen

Renderer = Callable[[Book, Path], list[Output]]
RENDERERS: dict[str, Renderer] = {
    "pdf": render_screen,
    "epub": render_epub.render,
    "print": render_print.render,
    "handouts": render_handouts.render,
}


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
    if PROJECT.is_relative_to(out_dir):
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
) -> Result:
    """Load the manuscript once, run every renderer, write the manifest, swap the outputs in.

    With `strict`, problems renderers report (a handout longer than its sheet) are errors: the
    build raises `ManuscriptError` and the previous outputs stay in place.
    """
    out_dir = out_dir.resolve()
    check_out_dir(manuscript, out_dir)
    progress("loading manuscript")
    book = load(manuscript)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(out_dir)
    staging = make_staging(out_dir)
    swapped = False
    try:
        outputs: list[Output] = []
        with (
            fixed_timestamps(book),
            capture_warnings() as log,
            refusals() as refused,
            capture_diagnostics() as found,
        ):
            try:
                for name, renderer in RENDERERS.items():
                    if only and name not in only:
                        continue
                    progress(f"rendering {name}")
                    outputs.extend(renderer(book, staging))
                    checkpoint()
            except BaseException as exc:
                if isinstance(exc, Refusal):
                    raise BuildError(dict.fromkeys(refused or [str(exc)])) from None
                raise
        if refused:  # refusals that a library swallowed still fail the build
            raise BuildError(dict.fromkeys(refused))
        if strict and found:
            raise ManuscriptError(Diagnostic(d.path, d.line, d.message) for d in found)
        warnings = [*book.warnings, *map(str, found), *(f"weasyprint: {m}" for m in log.messages)]
        data = manifest(outputs, warnings, staging)
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
