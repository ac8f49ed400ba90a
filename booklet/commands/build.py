"""`booklet build`: a manuscript folder, an output folder and the build's options in, the
publications and an exit status out (0 built; 1 errors, each on one line, never a traceback
unless `debug` asks for a crash's; 128 + the signal when stopped).

`cli.py` declares the options; this runs the build, prints what it made and reports failures.
"""

from __future__ import annotations

import signal
from pathlib import Path

import click

from booklet.builder.deadline import BuildStopped, BuildTimeout, guard
from booklet.errors import SWAPPED, BuildError, ManuscriptError
from booklet.model import Output


def unknown_outputs(only: tuple[str, ...]) -> list[str]:
    from booklet.builder.jobs import GROUPS

    return [name for name in only if name not in GROUPS]


def run(
    manuscript: Path,
    out: Path,
    only: tuple[str, ...],
    quiet: bool,
    timeout: float,
    strict: bool,
    force: bool,
    languages: tuple[str, ...],
    debug: bool = False,
) -> int:
    """Build; the exit status. Usage mistakes raise `click.UsageError`."""
    from booklet.builder import build
    from booklet.builder.jobs import GROUPS
    from booklet.builder.outdir import UnsafeOutput

    unknown = unknown_outputs(only)
    if unknown:
        raise click.UsageError(f"unknown output {unknown[0]!r} (outputs: {', '.join(GROUPS)})")
    from booklet.commands.progress import display

    shown = display(quiet)
    try:
        with guard(timeout), shown:  # the live block goes before errors or outputs are printed
            result = build(
                manuscript,
                out,
                list(only),
                shown.step,
                strict=strict,
                force=force,
                languages=list(languages) or None,
                watch=shown.event,
            )
    except UnsafeOutput as error:
        raise click.UsageError(str(error)) from None
    except (
        ManuscriptError,
        BuildError,
        BuildTimeout,
        BuildStopped,
        KeyboardInterrupt,
        OSError,
    ) as e:
        return report_failure(e, out, debug)
    for warning in result.warnings:
        # Manuscript warnings already read `path:line: warning: …`.
        click.echo(warning if ": warning: " in warning else f"warning: {warning}", err=True)
    if not quiet:
        show_outputs(result.outputs)
        shown.summary()
    return 0


def show_outputs(outputs: list[Output]) -> None:
    """One line an output; then the print shop's checks, as written beside the outputs."""
    for output in outputs:
        paper = (
            f" [{output.paper}{' ' + output.variant if output.variant else ''}]"
            if output.paper
            else ""
        )
        if output.kind == "preflight":
            click.echo(f"{output.kind:9}            {output.path}")
            continue
        pages = "page " if output.pages == 1 else "pages"
        click.echo(f"{output.kind:9} {output.pages:3} {pages}{paper}  {output.path}")
    for output in outputs:
        if output.kind == "preflight" and output.path.is_file():
            click.echo("\n" + output.path.read_text(encoding="utf-8"), nl=False)


def report_failure(error: BaseException, out: Path, debug: bool = False) -> int:
    """Print one failed build's errors (no traceback, but a crash's with `debug`); return the
    exit status."""
    from booklet.builder.workers import RenderCrash

    if debug and isinstance(error, RenderCrash) and error.details:
        click.echo(error.details.rstrip(), err=True)
    if isinstance(error, ManuscriptError):
        for diagnostic in error.diagnostics:
            click.echo(str(diagnostic), err=True)
        click.echo(f"{len(error.diagnostics)} error(s); nothing was written", err=True)
        return 1
    kept = f"'{out}' was left as it was"
    if SWAPPED in getattr(error, "__notes__", ()):
        kept = f"the new outputs are in '{out}'"
    if isinstance(error, BuildError):
        for message in error.messages:
            click.echo(f"error: {message}", err=True)
        click.echo(f"the build failed; {kept}", err=True)
        return 1
    if isinstance(error, BuildTimeout):
        click.echo(f"error: {error}; {kept}. Raise --timeout or shorten the manuscript", err=True)
        return 1
    if isinstance(error, BuildStopped):
        click.echo(f"stopped by {error}; {kept}", err=True)
        return 128 + error.signum
    if isinstance(error, KeyboardInterrupt):
        click.echo(f"interrupted; {kept}", err=True)
        return 128 + signal.SIGINT
    assert isinstance(error, OSError)
    click.echo(f"error: {describe_os_error(error)}; {kept}", err=True)
    return 1


def describe_os_error(error: OSError) -> str:
    """An OSError's type, text and path, whichever of them it has (never 'None')."""
    text = error.strerror or str(error)
    paths = [f"'{p}'" for p in (error.filename, error.filename2) if p is not None]
    return " ".join([f"{type(error).__name__}: {text}" if text else type(error).__name__, *paths])
