"""Command-line arguments in, a build and an exit status out (0 built, 1 manuscript errors, 2 usage).

Interrupted builds exit 130 (Ctrl-C) or 128 + the signal number (SIGTERM, SIGHUP), with one line
on stderr and the previous outputs untouched.
"""

from __future__ import annotations

import atexit
import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from booklet.errors import ManuscriptError

DEFAULT_TIMEOUT = 600
MAX_TIMEOUT = 7 * 24 * 3600  # a week: the interval timer cannot hold 'inf' or 1e300 seconds


class Seconds(click.types.FloatParamType):
    """A finite number of seconds, more than 0 and at most MAX_TIMEOUT ('nan' is no number)."""

    name = "number of seconds"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        seconds = float(super().convert(value, param, ctx))
        if not 0 < seconds <= MAX_TIMEOUT:  # also false for nan
            self.fail(f"{value!r} is not a number of seconds above 0 and up to {MAX_TIMEOUT}")
        return seconds


# The names `--only` takes (builder.jobs.GROUPS, which a test keeps in step; importing it here
# would load the whole builder for `--help`).
OUTPUT_NAMES = ("pdf", "epub", "print", "imposed", "cover", "handouts", "teacher", "site")

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT = {"help_option_names": ["-h", "--help"]}


def find_manuscript(_ctx: click.Context, _param: click.Parameter, given: Path | None) -> Path:
    """`--manuscript` as given; else the current folder if it holds book.yaml (as the folder
    `booklet new` made does), else `manuscript/` in it."""
    if given is not None:
        return given
    return Path(".") if Path("book.yaml").is_file() else Path("manuscript")


def default_out(manuscript: Path) -> Path:
    """`dist/` in the current folder, unless that is inside the manuscript (a build run in the
    manuscript's own folder): then `<manuscript>-dist` beside the manuscript folder."""
    folder = manuscript.resolve()
    if Path("dist").resolve().is_relative_to(folder):
        return folder.parent / f"{folder.name}-dist"
    return Path("dist")


def missing(manuscript: Path) -> click.UsageError:
    """The error for a manuscript folder that is not there, with the way to one."""
    where = ""
    if manuscript == Path("manuscript") and not Path("book.yaml").exists():
        where = (
            ", and the current folder holds no book.yaml; give --manuscript DIR, "
            "or make a manuscript with: booklet new DIR"
        )
    return click.UsageError(f"manuscript folder '{manuscript}' does not exist{where}")


def manuscript_option(function: F) -> F:
    return click.option(
        "--manuscript",
        type=click.Path(file_okay=False, path_type=Path),
        callback=find_manuscript,
        show_default="the current folder if it holds book.yaml, else manuscript/",
        help="Folder holding book.yaml and the chapter files.",
    )(function)


def build_options(function: F) -> F:
    """The options of a build, shared by `booklet build` and bare `booklet`."""
    for option in reversed(
        [
            manuscript_option,
            click.option(
                "--out",
                type=click.Path(file_okay=False, path_type=Path),
                show_default="dist/, or <manuscript>-dist beside a manuscript holding dist/",
                help="Folder to write the publications and manifest.json into.",
            ),
            click.option(
                "--only",
                multiple=True,
                metavar="NAME",
                help=f"Build only this output (repeatable): {', '.join(OUTPUT_NAMES)}.",
            ),
            click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors."),
            click.option(
                "--timeout",
                type=Seconds(),
                default=DEFAULT_TIMEOUT,
                show_default=True,
                metavar="SECONDS",
                help="Stop the build (keeping the previous outputs) if it runs longer than this "
                "(more than 0, at most a week).",
            ),
            click.option(
                "--strict",
                is_flag=True,
                help="Fail (exit 1, nothing written) on manuscript warnings, e.g. a handout over one sheet.",
            ),
            click.option(
                "--force",
                is_flag=True,
                help="Render every output again, even those whose inputs did not change.",
            ),
            click.option(
                "--debug",
                is_flag=True,
                help="Show the traceback of a crash (a bug in booklet or a library); also BOOKLET_DEBUG=1.",
            ),
            click.option(
                "--lang",
                "languages",
                multiple=True,
                metavar="LANGUAGE",
                help="Build only this edition (the source's language or a translation; repeatable).",
            ),
        ]
    ):
        function = option(function)
    return function


@click.group(invoke_without_command=True, context_settings=CONTEXT)
@build_options
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: print_versions(ctx) if value else None,
    help="Show the versions of booklet and of the libraries that decide its output, and exit.",
)
@click.pass_context
def main(ctx: click.Context, /, **options: Any) -> None:
    """Build the booklet's publications from a manuscript folder.

    Without a command, `booklet` builds (as `booklet build`).
    """
    if ctx.invoked_subcommand is None:
        run_build(**options)
    elif any(ctx.get_parameter_source(name) != ParameterSource.DEFAULT for name in options):
        raise click.UsageError(
            f"put the options after the command: 'booklet {ctx.invoked_subcommand} --option …'"
        )


@main.command(context_settings=CONTEXT)
@build_options
def build(**options: Any) -> None:
    """Build every publication (the default command)."""
    run_build(**options)


def run_build(manuscript: Path, out: Path | None, debug: bool, **options: Any) -> None:
    from booklet.commands import build

    if not manuscript.is_dir() and not build.unknown_outputs(options["only"]):
        raise missing(manuscript)  # an unknown --only comes first: `run` reports it
    debug = debug or os.environ.get("BOOKLET_DEBUG") == "1"
    status = build.run(manuscript, out or default_out(manuscript), debug=debug, **options)
    if status:
        sys.exit(status)


def print_versions(ctx: click.Context) -> None:
    """Print booklet's version and WeasyPrint's, Pango's and HarfBuzz's (they decide the output)."""
    from importlib.metadata import version

    from weasyprint.text.ffi import pango

    from booklet import __version__
    from booklet.assets.instance import harfbuzz_version

    encoded = pango.pango_version()  # major * 10000 + minor * 100 + micro
    pango_version = f"{encoded // 10000}.{encoded // 100 % 100}.{encoded % 100}"
    harfbuzz = harfbuzz_version() or "without libharfbuzz-subset"
    click.echo(
        f"booklet {__version__} (WeasyPrint {version('weasyprint')}, Pango {pango_version}, "
        f"HarfBuzz {harfbuzz})"
    )
    ctx.exit()


@main.command(context_settings=CONTEXT)
@manuscript_option
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: `path:line: error: …` lines; json: a list for editors; github: workflow commands.",
)
def check(manuscript: Path, style: str) -> None:
    """Check the manuscript without building: every error at once.

    Exit status 0 when there is no error, 1 when there are.
    """
    from booklet.commands.check import check as run_check
    from booklet.commands.check import formatted

    if not manuscript.is_dir():
        raise missing(manuscript)
    report = run_check(manuscript)
    text = formatted(report, style)
    if text:
        # Text goes where a build prints its diagnostics; JSON and workflow commands to stdout.
        click.echo(text, err=style == "text", nl=False)
    sys.exit(1 if report.errors else 0)


@main.command(context_settings=CONTEXT)
@manuscript_option
@click.argument("languages", nargs=-1, required=True, metavar="LANGUAGE…")
@click.option(
    "--from",
    "copy",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Fill empty messages from a translated copy of the manuscript (same blocks, in order).",
)
def translate(manuscript: Path, languages: tuple[str, ...], copy: Path | None) -> None:
    """Write or update translations/LANGUAGE/*.po: one message per block of the source.

    Run it again after the source changed: new blocks are added, changed ones marked fuzzy
    (with their previous text), removed ones made obsolete. Translate with Poedit or Weblate.
    """
    from booklet.commands.translate import run

    if not manuscript.is_dir():
        raise missing(manuscript)
    if copy is not None and len(languages) != 1:
        raise click.UsageError("--from fills one language: name exactly one")
    try:
        lines = run(manuscript, list(languages), copy)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except ManuscriptError as error:
        for diagnostic in error.diagnostics:
            click.echo(str(diagnostic), err=True)
        sys.exit(1)
    for line in lines:
        click.echo(line)


@main.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My booklet", show_default=True, help="The book's title.")
@click.option(
    "--language",
    default="en",
    show_default=True,
    help="The book's language, a tag like 'en', 'nl-BE' or 'fr'.",
)
def new(folder: Path, title: str, language: str) -> None:
    """Create a starter manuscript in FOLDER (new, or empty)."""
    from booklet.commands.new import StarterError, create

    try:
        files = create(folder, title, language)
    except StarterError as error:
        raise click.UsageError(str(error)) from None
    for path in files:
        click.echo(f"created {path}")
    # Inside the folder every command finds book.yaml by itself (find_manuscript).
    click.echo(f"next: cd {folder} && booklet serve --open   (or: booklet check, booklet build)")


@main.command(context_settings=CONTEXT)
@manuscript_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but this computer's own (127.0.0.1, ::1) warns.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
def serve(manuscript: Path, port: int, host: str, open_browser: bool) -> None:
    """Preview the web edition, rebuilt and reloaded on every save (Ctrl-C stops)."""
    from booklet.commands.serve import run

    if not manuscript.is_dir():
        raise missing(manuscript)
    if open_browser and not has_browser():
        click.echo(
            "warning: --open: no web browser found on this machine; open the address below "
            "in one yourself",
            err=True,
        )
        open_browser = False
    try:
        status = run(manuscript, host=host, port=port, open_browser=open_browser)
    except OSError as error:
        if error.errno is None or error.filename:
            raise
        hint = ""
        if error.errno == errno.EADDRINUSE:
            hint = "; another program uses it: choose another --port, or --port 0 for any free one"
        raise click.UsageError(f"cannot listen on {host}:{port}: {error.strerror}{hint}") from None
    # Everything is stopped and removed: leave without tearing the interpreter down object by
    # object (seconds on a busy machine, with WeasyPrint and the fonts loaded).
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def has_browser() -> bool:
    """True if Python's webbrowser module finds a browser to open (`--open` would be silent)."""
    import webbrowser

    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True
