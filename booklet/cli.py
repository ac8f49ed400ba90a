"""Command-line arguments in, a build and an exit status out (0 built, 1 manuscript errors, 2 usage)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import ManuscriptError

PROJECT = Path(__file__).resolve().parent.parent


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--manuscript",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT / "manuscript",
    show_default="manuscript/",
    help="Folder holding book.yaml and the chapter files.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT / "dist",
    show_default="dist/",
    help="Folder to write the publications and manifest.json into.",
)
@click.option("--only", multiple=True, help="Build only these outputs (repeatable).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1, nothing written) on manuscript warnings, e.g. a handout over one sheet.",
)
@click.version_option(package_name="booklet")
def main(manuscript: Path, out: Path, only: tuple[str, ...], quiet: bool, strict: bool) -> None:
    """Build the booklet's publications from a manuscript folder."""
    from .build import RENDERERS, build

    unknown = [name for name in only if name not in RENDERERS]
    if unknown:
        raise click.UsageError(f"unknown output {unknown[0]!r} (outputs: {', '.join(RENDERERS)})")
    if not manuscript.is_dir():
        raise click.UsageError(f"manuscript folder '{manuscript}' does not exist")
    show = not quiet and sys.stderr.isatty()

    def progress(step: str) -> None:
        if show:
            click.echo(f"… {step}", err=True)

    try:
        result = build(manuscript, out, list(only), progress, strict=strict)
    except ManuscriptError as error:
        for diagnostic in error.diagnostics:
            click.echo(str(diagnostic), err=True)
        click.echo(f"{len(error.diagnostics)} error(s); nothing was written", err=True)
        sys.exit(1)
    for warning in result.warnings:
        # diagnostics already read `path:line: warning: ...`
        click.echo(warning if ": warning: " in warning else f"warning: {warning}", err=True)
    if not quiet:
        for output in result.outputs:
            paper = f" [{output.paper}]" if output.paper else ""
            click.echo(f"{output.kind:9} {output.pages:3} pages{paper}  {output.path}")
