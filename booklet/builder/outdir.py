"""An output folder in, its safe replacement out: refusing folders a build must not replace,
a staging folder beside it, the atomic swap, and the clean-up after killed builds."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from booklet.builder.procs import libc
from booklet.resources import PACKAGE


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


def check_same_book(out_dir: Path, identifier: str, title: str) -> None:
    """Refuse to replace the outputs of another book: the previous build's manifest names the
    book it holds (manifests of builds before this check name none, and are replaced)."""
    try:
        held = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))["book"]
        other, other_title = str(held["identifier"]), str(held["title"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if other != identifier:
        raise UnsafeOutput(
            f"output folder '{out_dir}' holds the outputs of another book, '{other_title}' "
            f"({other}), not '{title}'; choose another --out, or add --force to replace them"
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
    renameat2 = getattr(libc(), "renameat2", None)
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
