"""A manuscript folder in, its diagnostics out (as text, JSON for editors or GitHub workflow commands).

`booklet check` runs the loader, which validates everything a build validates before layout
(book.yaml, front matter, Markdown, sidebars, links, images, limits, chapter names), and
writes nothing. Only what needs the laid-out pages (a handout longer
than its sheet, an image printed under 300 ppi) is left to the build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from booklet.errors import Diagnostic, ManuscriptError, in_reading_order
from booklet.load import load
from booklet.load.translations import languages
from booklet.model import Meta


@dataclass(frozen=True)
class Report:
    root: Path
    errors: tuple[Diagnostic, ...]
    warnings: tuple[Diagnostic, ...]
    chapters: int
    editions: tuple[str, ...] = ()  # one line per translation: "fr: 212 of 214 blocks …"

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(in_reading_order([*self.errors, *self.warnings]))


def check(manuscript: Path) -> Report:
    """Load the manuscript and each translated edition; every error and warning found (nothing
    is laid out or written), and how far each translation is."""
    root = manuscript.resolve()
    try:
        book = load(root)
    except ManuscriptError as error:
        return Report(root, error.diagnostics, error.warnings, 0)
    errors: list[Diagnostic] = []
    warnings = dict.fromkeys(book.warnings)
    lines = []
    for language in languages(root):
        try:
            edition = load(root, language=language)
        except ManuscriptError as error:
            errors += error.diagnostics
            warnings.update(dict.fromkeys(error.warnings))
            continue
        warnings.update(dict.fromkeys(edition.warnings))
        lines.append(summary(edition.meta, language))
    return Report(root, tuple(errors), tuple(warnings), len(book.chapters), tuple(lines))


def summary(meta: Meta, language: str) -> str:
    """'fr: 212 of 214 blocks translated, 2 fuzzy' from a loaded edition."""
    progress = meta.translation
    return f"{language}: {progress[0]} of {progress[1]} blocks translated, {progress[2]} fuzzy"


def file_of(diagnostic: Diagnostic, report: Report) -> str:
    """A diagnostic's file relative to the working folder (as editors and GitHub want it) when it
    is inside it, else absolute."""
    path = report.root.parent / diagnostic.path
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def as_text(report: Report) -> str:
    lines = [str(d) for d in report.diagnostics] + list(report.editions)
    if report.errors:
        lines.append(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    else:
        lines.append(
            f"{report.root.name}: {report.chapters} chapter(s) checked, no errors, "
            f"{len(report.warnings)} warning(s)"
        )
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    """{"diagnostics": [{file, line, column, severity, message}], "errors": n, "warnings": n}.

    `column` is null: the loader knows lines, not columns.
    """
    entries = [
        {
            "file": file_of(d, report),
            "line": d.line,
            "column": None,
            "severity": d.severity,
            "message": d.message,
        }
        for d in report.diagnostics
    ]
    data = {"diagnostics": entries, "errors": len(report.errors), "warnings": len(report.warnings)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as the runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(report: Report) -> str:
    """`::error file=…,line=…,title=booklet::message` lines: GitHub shows them on the lines."""
    lines = [
        f"::{d.severity} file={escape_property(file_of(d, report))},line={d.line},"
        f"title=booklet check::{escape_data(d.message)}"
        for d in report.diagnostics
    ]
    return "".join(line + "\n" for line in lines)


FORMATS = {"text": as_text, "json": as_json, "github": as_github}


def formatted(report: Report, style: str) -> str:
    return FORMATS[style](report)
