"""A manuscript folder and an output folder in, every publication plus `manifest.json` out.

Outputs are built in a temporary folder next to the output folder and swapped in only when
everything succeeded, so a failed or interrupted build leaves the previous outputs as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import render_handouts, render_print
from .errors import Diagnostic, ManuscriptError, capture_diagnostics
from .load import load
from .model import Book
from .render_pdf import Output, capture_warnings, render_screen

Renderer = Callable[[Book, Path], list[Output]]
RENDERERS: dict[str, Renderer] = {
    "pdf": render_screen,
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


def swap_in(staging: Path, out_dir: Path) -> None:
    """Replace `out_dir` by `staging` with two renames (the old folder is removed afterwards)."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        out_dir.rename(old)
    staging.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
    progress("loading manuscript")
    book = load(manuscript)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        outputs: list[Output] = []
        with capture_warnings() as log, capture_diagnostics() as found:
            for name, renderer in RENDERERS.items():
                if only and name not in only:
                    continue
                progress(f"rendering {name}")
                outputs.extend(renderer(book, staging))
        if strict and found:
            raise ManuscriptError(Diagnostic(d.path, d.line, d.message) for d in found)
        warnings = [*book.warnings, *map(str, found), *(f"weasyprint: {m}" for m in log.messages)]
        data = manifest(outputs, warnings, staging)
        (staging / "manifest.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Result(
        outputs=[
            Output(o.kind, out_dir / o.path.relative_to(staging), o.pages, o.paper) for o in outputs
        ],
        warnings=warnings,
    )
