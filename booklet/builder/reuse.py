"""A job's inputs in, a key out; the previous build's outputs with the same key are reused.

The key of a job hashes everything its outputs are made from: the part of the `Book` its renderers
read (handouts read only their own chapters), the bytes of the book's images, the renderers' code,
the templates and stylesheets, and the versions of the libraries and fonts. The previous outputs
are the cache: `manifest.json` records each job's key, outputs and diagnostics, and a job whose
key is unchanged gets its files hard-linked from the previous build (checked against their
sha256 first) instead of rendered again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from booklet.assets.digest import book_text, engine_digest
from booklet.builder.jobs import Job, JobResult
from booklet.confine import check_inside
from booklet.errors import Diagnostic
from booklet.model import Output


def job_key(
    job: Job, renderers: dict[str, Callable[..., Any]], images: bytes, extra: bytes = b""
) -> str:
    """The hash of everything the job's outputs are made from (run inside `fixed_timestamps`).

    `images` is `images_digest` of the book; `extra` anything else it reads (the site: the
    other outputs' hashes).
    """
    book = job.book
    if job.renderers == ("handouts",):
        book = dataclasses.replace(book, chapters=book.handout_chapters)
    digest = hashlib.sha256(engine_digest())
    # The timestamps written into the files (the book's date, or an explicit SOURCE_DATE_EPOCH).
    digest.update(f"{os.environ.get('SOURCE_DATE_EPOCH', '')}\n".encode())
    for name in job.renderers:
        function = renderers[name]
        digest.update(f"{name}={function.__module__}.{function.__qualname__}\n".encode())
    digest.update(book_text(book).encode())
    digest.update(images)
    digest.update(extra)
    return digest.hexdigest()


def previous_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of the build in `out_dir`, or an empty one."""
    try:
        data = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def sha256_of(path: Path) -> str | None:
    try:
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return None


def reuse(key: str, previous: dict[str, Any], out_dir: Path, staging: Path) -> JobResult | None:
    """The job's outputs linked from the previous build into `staging`, if its key matches."""
    try:
        entry = next(j for j in previous.get("jobs", []) if j["key"] == key)
        outputs = [previous["outputs"][i] for i in entry["outputs"]]
        diagnostics = [Diagnostic(*d) for d in entry["diagnostics"]]
        weasyprint = list(entry["weasyprint"])
        files = [(str(path), str(sha)) for path, sha in entry.get("files", [])]
        paths = [Path(o["path"]) for o in outputs]
    except (StopIteration, KeyError, IndexError, TypeError, ValueError):
        return None
    expected = [o.get("sha256") for o in outputs] + [sha for _, sha in files]
    paths += [Path(path) for path, _ in files]
    if not all(
        check_inside(out_dir / p, [out_dir]) and not (out_dir / p).is_symlink() for p in paths
    ):
        return None  # only regular files of the output folder itself are taken
    if any(sha256_of(out_dir / p) != sha for p, sha in zip(paths, expected, strict=True)):
        return None  # changed or removed since: render again
    for path in paths:
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(out_dir / path, target)
        except OSError:
            shutil.copy2(out_dir / path, target)
    return JobResult(
        outputs=[
            Output(o["kind"], staging / p, o["pages"], o.get("paper"), o.get("variant", ""))
            for p, o in zip(paths, outputs, strict=False)
        ],
        diagnostics=diagnostics,
        weasyprint=weasyprint,
        files=files,
    )


def job_entries(
    jobs: Iterable[tuple[str, str, JobResult]], all_outputs: list[Output]
) -> list[dict[str, Any]]:
    """Each job's manifest record: name, key, its outputs (indexes) and what it reported."""
    index = {output.path: n for n, output in enumerate(all_outputs)}
    entries = []
    for name, key, result in jobs:
        entry = {
            "name": name,
            "key": key,
            "outputs": [index[o.path] for o in result.outputs],
            "diagnostics": [[d.path, d.line, d.message, d.severity] for d in result.diagnostics],
            "weasyprint": result.weasyprint,
        }
        if result.files:
            entry["files"] = [list(f) for f in result.files]
        entries.append(entry)
    return entries
