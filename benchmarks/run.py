"""Build times in one run on this machine: our build of the shipped booklet (cold, unchanged, one
chapter edited) and of generated 150- and 500-page manuscripts, side by side with Pandoc (with
WeasyPrint as its PDF engine) on the same text. Prints a table, writes `results/latest.json`.

    python benchmarks/run.py            # 3 runs per case, medians
    python benchmarks/run.py --quick    # 1 run, no 500-page manuscript
    python benchmarks/run.py --profile  # also write pyinstrument profiles of our cold builds

Every case is a fresh process; "cold" builds start without a previous build in the output folder
and with an empty font-instance cache (BOOKLET_CACHE); the rebuilds after them run as an author's
edit loop would, with both. Wall time, CPU time (its child processes included) and peak memory
(`ru_maxrss` of the process tree's largest process) come from `os.wait4`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.generate import generate, pandoc_markdown  # noqa: E402

RESULTS = PROJECT / "benchmarks" / "results"
EDITED_CHAPTER = 2  # the chapter (in book order) the "one chapter edited" case changes
HANDOUT_CHAPTER = 1  # ... and a chapter with handouts, for "one handout chapter edited"
TIMEOUT = "7200"  # seconds: the 500-page book's every-edition build must finish, not time out


@dataclass
class Sample:
    wall: float
    cpu: float
    peak_mb: float


def measure(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> Sample:
    """Run `command` to its end; its wall time, CPU time (children included) and peak memory."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            log.seek(0)
            message = log.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{message}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


@dataclass
class Case:
    id: str
    label: str
    samples: list[Sample]
    pages: int | None = None

    def median(self, field: str) -> float:
        return float(statistics.median(getattr(s, field) for s in self.samples))


class Bench:
    def __init__(self, work: Path, runs: int) -> None:
        self.work = work
        self.runs = runs
        self.cases: dict[str, Case] = {}
        self.env = dict(os.environ)
        # Pandoc runs the `weasyprint` command: the one installed next to this Python.
        self.env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{self.env.get('PATH', '')}"
        self.env["PYTHONPATH"] = f"{PROJECT}{os.pathsep}{self.env.get('PYTHONPATH', '')}"
        self.pandoc = pandoc_path()
        from booklet.builder.jobs import MEDIA

        self.renderers = list(MEDIA)

    def record(self, id: str, label: str, sample: Sample, pages: int | None = None) -> None:
        case = self.cases.setdefault(id, Case(id, label, []))
        case.samples.append(sample)
        if pages is not None:
            case.pages = pages

    def ours(
        self,
        manuscript: Path,
        out: Path,
        *options: str,
        cache: Path | None = None,
        editions: bool = False,
    ) -> Sample:
        """Our build, with `cache` as its font-instance cache (default: a new, empty one): the
        source's edition only (as Pandoc builds one), or with `editions` every translation too."""
        command = [sys.executable, str(PROJECT / "build.py"), "--manuscript", str(manuscript)]
        if not editions:
            command += ["--lang", book_meta(manuscript)["language"]]
        cache = cache or Path(tempfile.mkdtemp(prefix="cache-", dir=self.work))
        env = {**self.env, "BOOKLET_CACHE": str(cache)}
        command += ["--out", str(out), "--quiet", "--timeout", TIMEOUT]
        return measure([*command, *options], env=env)

    def pandoc_run(self, source: Path, out: Path, manuscript: Path) -> Sample:
        meta = book_meta(manuscript)
        command = [self.pandoc, str(source), "--from=markdown", "--standalone", "--toc"]
        command += [
            "--metadata",
            f"title={meta['title']}",
            "--metadata",
            f"lang={meta['language']}",
        ]
        if out.suffix == ".pdf":
            command.append("--pdf-engine=weasyprint")
        return measure([*command, "--output", str(out)], cwd=manuscript, env=self.env)

    def warm_up(self, manuscript: Path) -> None:
        """One unrecorded run of each tool: file and font caches of the OS warm for both alike."""
        source = self.work / "warm-up.md"
        source.write_text(pandoc_markdown(manuscript), encoding="utf-8")
        self.pandoc_run(source, self.work / "warm-up.pdf", manuscript)
        self.ours(manuscript, self.work / "warm-up-dist")

    def compare(self, name: str, manuscript: Path, runs: int, edits: bool) -> None:
        """Every case for one manuscript, `runs` times, interleaved so load affects all alike."""
        source = self.work / f"{name}.pandoc.md"
        source.write_text(pandoc_markdown(manuscript), encoding="utf-8")
        out = self.work / f"{name}-dist"
        for run in range(runs):
            print(f"  {name}: run {run + 1} of {runs}", file=sys.stderr, flush=True)
            shutil.rmtree(out, ignore_errors=True)
            cache = Path(tempfile.mkdtemp(prefix="cache-", dir=self.work))
            self.record(
                f"{name}/full",
                "our build, all outputs (cold)",
                self.ours(manuscript, out, cache=cache),
                pdf_pages(out),
            )
            if edits:  # an author's edit loop: the previous build and its font cache are there
                self.record(
                    f"{name}/unchanged",
                    "our rebuild, nothing changed",
                    self.ours(manuscript, out, cache=cache),
                )
                # The site alone: its page removed, every other job's outputs kept (the site's
                # cost is this minus the unchanged rebuild).
                (out / "site" / "index.html").unlink()
                self.record(
                    f"{name}/site",
                    "our rebuild, the site only (outputs kept)",
                    self.ours(manuscript, out, cache=cache),
                )
                edit(manuscript, run)
                self.record(
                    f"{name}/edited",
                    "our rebuild, one chapter edited",
                    self.ours(manuscript, out, cache=cache),
                )
                edit(manuscript, run, HANDOUT_CHAPTER)
                self.record(
                    f"{name}/edited-handout",
                    "our rebuild, one handout chapter edited",
                    self.ours(manuscript, out, cache=cache),
                )
                again = self.work / f"{name}-epub-again"
                shutil.rmtree(again, ignore_errors=True)
                self.record(
                    f"{name}/epub-again",
                    "our EPUB only, layout unchanged (page map kept)",
                    self.ours(manuscript, again, "--only", "epub", cache=cache),
                )
            if (manuscript / "translations").is_dir():
                every = self.work / f"{name}-editions"
                shutil.rmtree(every, ignore_errors=True)
                self.record(
                    f"{name}/editions",
                    "our build, every edition (cold)",
                    self.ours(manuscript, every, editions=True),
                )
            if edits:
                self.record(
                    f"{name}/check",
                    "booklet check (validate, no layout)",
                    measure(
                        [
                            sys.executable,
                            str(PROJECT / "build.py"),
                            "check",
                            "--manuscript",
                            str(manuscript),
                        ],
                        env=self.env,
                    ),
                )
            if len(self.renderers) > 1:
                only = self.work / f"{name}-pdf"
                shutil.rmtree(only, ignore_errors=True)
                self.record(
                    f"{name}/pdf",
                    "our build, PDF only (--only pdf)",
                    self.ours(manuscript, only, "--only", "pdf"),
                )
            if "epub" in self.renderers:
                only = self.work / f"{name}-epub"
                shutil.rmtree(only, ignore_errors=True)
                self.record(
                    f"{name}/epub",
                    "our build, EPUB only (--only epub)",
                    self.ours(manuscript, only, "--only", "epub"),
                )
            pdf = self.work / f"{name}.pandoc.pdf"
            self.record(
                f"{name}/pandoc-pdf",
                "Pandoc -> PDF (WeasyPrint)",
                self.pandoc_run(source, pdf, manuscript),
                count_pages(pdf),
            )
            epub = self.work / f"{name}.pandoc.epub"
            self.record(
                f"{name}/pandoc-epub", "Pandoc -> EPUB", self.pandoc_run(source, epub, manuscript)
            )

    def serve_latency(self, name: str, manuscript: Path, edits: int) -> None:
        """`booklet serve`: from saving a chapter to its new text served by the warm process.

        Timed from the write (an atomic rename, as editors save) until the event stream
        announces the new build and the chapter's page, fetched then, holds the new sentence;
        a browser's reload after the event adds its own few tens of milliseconds.
        """
        import http.client
        import re

        from benchmarks.generate import chapters
        from booklet.load.files import chapter_slug

        command = [sys.executable, str(PROJECT / "build.py"), "serve", "--manuscript"]
        server = subprocess.Popen(
            [*command, str(manuscript), "--port", "0"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=self.env,
        )
        try:
            assert server.stderr is not None
            port = 0
            for line in server.stderr:
                match = re.match(r"serving http://127\.0\.0\.1:(\d+)/", line)
                if match:
                    port = int(match.group(1))
                    break
            if not port:
                raise SystemExit("booklet serve did not start")
            threading.Thread(target=server.stderr.read, daemon=True).start()  # drain
            events = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            events.request("GET", "/__booklet/events")
            stream = events.getresponse()

            def next_build() -> int:
                while True:
                    line = stream.fp.readline().decode()
                    if line.startswith("data: "):
                        state = json.loads(line[6:])
                        if not state["errors"]:
                            return int(state["build"])

            build = next_build()
            chapter = chapters(manuscript)[EDITED_CHAPTER - 1]
            page = f"/{chapter_slug(chapter)}.html"
            for run in range(edits):
                sentence = f"A sentence added in the preview, number {run + 1}."
                text = chapter.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{sentence}\n"
                temporary = chapter.with_name(f".{chapter.name}.swp")
                temporary.write_text(text, encoding="utf-8")
                started = time.perf_counter()
                os.replace(temporary, chapter)
                while (now := next_build()) == build:
                    pass
                build = now
                fetch = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                fetch.request("GET", page)
                body = fetch.getresponse().read().decode()
                wall = time.perf_counter() - started
                if sentence not in body:
                    raise SystemExit(f"the edit is not in {page} after the reload event")
                self.record(
                    f"{name}/serve-edit", "booklet serve: edit → page served", Sample(wall, 0, 0)
                )
                time.sleep(0.5)  # a writer's pause, so that edits do not coalesce
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)

    def profile(self, name: str, manuscript: Path) -> Path:
        """A pyinstrument profile of a cold build, in one process (BOOKLET_PARALLEL=0)."""
        out = self.work / f"{name}-profile"
        shutil.rmtree(out, ignore_errors=True)
        report = RESULTS / f"profile-{name}.txt"
        command = [
            sys.executable,
            "-m",
            "pyinstrument",
            "-o",
            str(report),
            str(PROJECT / "build.py"),
        ]
        env = {**self.env, "BOOKLET_PARALLEL": "0"}
        measure([*command, "--manuscript", str(manuscript), "--out", str(out), "-q"], env=env)
        return report


def pandoc_path() -> str:
    try:
        import pypandoc
    except ImportError:
        raise SystemExit(
            "pypandoc-binary is missing: run `make bench` (pip install -e '.[bench]')"
        ) from None
    return str(pypandoc.get_pandoc_path())


def book_meta(manuscript: Path) -> dict[str, Any]:
    import yaml

    return dict(yaml.safe_load((manuscript / "book.yaml").read_text(encoding="utf-8")))


def edit(manuscript: Path, run: int, number: int = 0) -> None:
    """Change one chapter as an author would: one more sentence at its end (by default the
    `EDITED_CHAPTER`, not a handout)."""
    from benchmarks.generate import chapters

    chapter = chapters(manuscript)[(number or EDITED_CHAPTER) - 1]
    text = chapter.read_text(encoding="utf-8").rstrip("\n")
    chapter.write_text(
        f"{text}\n\nA sentence added while editing, for run {run + 1}.\n", encoding="utf-8"
    )


def pdf_pages(out: Path) -> int | None:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return next((o["pages"] for o in manifest["outputs"] if o["kind"] == "pdf"), None)


def count_pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


@dataclass
class Target:
    name: str
    value: str
    met: bool | None  # None: not measurable yet


def ratio(bench: Bench, a: str, b: str, field: str = "wall") -> float | None:
    if a not in bench.cases or b not in bench.cases:
        return None
    return bench.cases[a].median(field) / bench.cases[b].median(field)


def growth(bench: Bench) -> float | None:
    """k in time ∝ pages^k from the 150- to the 500-page manuscript (1 is linear)."""
    small, large = bench.cases.get("150/full"), bench.cases.get("500/full")
    if not (small and large and small.pages and large.pages):
        return None
    return math.log(large.median("wall") / small.median("wall")) / math.log(
        large.pages / small.pages
    )


def per_page(bench: Bench, name: str) -> float | None:
    """Our ms a page over Pandoc + WeasyPrint's, every output, on the same text."""
    ours, theirs = bench.cases.get(f"{name}/full"), bench.cases.get(f"{name}/pandoc-pdf")
    if not (ours and theirs and ours.pages and theirs.pages):
        return None
    return (ours.median("wall") / ours.pages) / (theirs.median("wall") / theirs.pages)


def rebuild_share(bench: Bench) -> float | None:
    """Nothing changed: met at ≤ 0.3 s or ≤ 5% of a full build (shown as the share)."""
    if "booklet/unchanged" not in bench.cases:
        return None
    if bench.cases["booklet/unchanged"].median("wall") <= 0.3:
        return 0.0
    return ratio(bench, "booklet/unchanged", "booklet/full")


def targets(bench: Bench) -> list[Target]:
    """Round 3's targets (issue #23): (name, measured value, limit, how to show the value)."""
    peak = bench.cases["500/full"].median("peak_mb") if "500/full" in bench.cases else None
    full = "booklet/full"
    checks = [
        (
            "every output ≤ 1.3× screen PDF only (booklet)",
            ratio(bench, full, "booklet/pdf"),
            1.3,
            "{:.2f}×",
        ),
        (
            "every output ≤ 1.3× screen PDF only (150 pages)",
            ratio(bench, "150/full", "150/pdf"),
            1.3,
            "{:.2f}×",
        ),
        (
            "every output ≤ 1.3× screen PDF only (500 pages)",
            ratio(bench, "500/full", "500/pdf"),
            1.3,
            "{:.2f}×",
        ),
        ("ms a page ≤ Pandoc + WeasyPrint (booklet)", per_page(bench, "booklet"), 1.0, "{:.2f}×"),
        ("ms a page ≤ Pandoc + WeasyPrint (150 pages)", per_page(bench, "150"), 1.0, "{:.2f}×"),
        ("time ∝ pages^k, k ≤ 1.05 (150 → 500 pages)", growth(bench), 1.05, "k = {:.2f}"),
        ("peak memory < 1 GB (500 pages)", peak, 1024, "{:.0f} MB"),
        ("rebuild, nothing changed ≤ 0.3 s or 5%", rebuild_share(bench), 0.05, "{:.1%}"),
        (
            "rebuild, one chapter edited ≤ 50% of full",
            ratio(bench, "booklet/edited", full),
            0.5,
            "{:.0%}",
        ),
        (
            "one handout chapter edited ÷ full: no target (its handouts only; tests/test_speed)",
            ratio(bench, "booklet/edited-handout", full),
            float("inf"),
            "{:.0%}",
        ),
        (
            "EPUB only, layout unchanged ≤ 50% of a cold EPUB only (page map kept)",
            ratio(bench, "booklet/epub-again", "booklet/epub"),
            0.5,
            "{:.0%}",
        ),
        (
            "every edition (en, fr, nl) ÷ English alone: no target",
            ratio(bench, "booklet/editions", full),
            float("inf"),
            "{:.2f}×",
        ),
    ]
    return [
        Target(name, "not measured", None)
        if value is None
        else Target(name, show.format(value), value <= limit)
        for name, value, limit, show in checks
    ]


def table(bench: Bench) -> str:
    rows = [
        f"{'case':52} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'pages':>5} {'ms/p':>5}  ratio"
    ]
    for case in bench.cases.values():
        manuscript = case.id.split("/")[0]
        note = ""
        if case.id.endswith(("/full", "/pdf")):
            value = ratio(bench, case.id, f"{manuscript}/pandoc-pdf")
            note = f"{value:.2f}× Pandoc PDF" if value else ""
        elif case.id.endswith("/epub"):
            value = ratio(bench, case.id, f"{manuscript}/pandoc-epub")
            note = f"{value:.2f}× Pandoc EPUB" if value else ""
        elif case.id.endswith(("/unchanged", "/edited", "/site", "/check", "/serve-edit")):
            value = ratio(bench, case.id, f"{manuscript}/full")
            note = f"{value:.1%} of full build" if value else ""
        pages = str(case.pages) if case.pages else ""
        per_page = f"{case.median('wall') / case.pages * 1000:.0f}" if case.pages else ""
        label = f"{manuscript}: {case.label}"
        rows.append(
            f"{label:52} {case.median('wall'):7.2f} {case.median('cpu'):7.2f} "
            f"{case.median('peak_mb'):8.0f} {pages:>5} {per_page:>5}  {note}"
        )
    return "\n".join(rows)


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "weasyprint": version("weasyprint"),
        "pandoc": subprocess.run(
            [pandoc_path(), "--version"], capture_output=True, text=True
        ).stdout.split("\n")[0],
        "load_average_at_start": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="1 run per case, no 500-page manuscript"
    )
    parser.add_argument("--runs", type=int, help="runs per case (default 3, or 1 with --quick)")
    parser.add_argument("--profile", action="store_true", help="write pyinstrument profiles too")
    parser.add_argument(
        "--json", type=Path, default=RESULTS / "latest.json", help="where to write the results"
    )
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="booklet-bench-") as tmp:
        work = Path(tmp)
        bench = Bench(work, runs)
        info = machine()
        print(
            f"benchmark: {runs} run(s) per case; {info['cpus']} CPUs; {info['pandoc']}",
            file=sys.stderr,
        )
        booklet = work / "booklet"
        shutil.copytree(PROJECT / "manuscript", booklet)
        manuscripts = {
            "booklet": booklet,
            "150": generate(PROJECT / "manuscript", work / "m150", 150),
        }
        if not args.quick:
            manuscripts["500"] = generate(PROJECT / "manuscript", work / "m500", 500)
        bench.warm_up(booklet)
        for name, folder in manuscripts.items():
            bench.compare(name, folder, runs, edits=name == "booklet")
        bench.serve_latency("booklet", booklet, max(3, runs))
        profiles = (
            [str(bench.profile(name, folder)) for name, folder in manuscripts.items()]
            if args.profile
            else []
        )
    found = targets(bench)
    print(f"\nMedians of {runs} run(s); peak: ru_maxrss of the largest process; ms/p: wall/page.\n")
    print(table(bench))
    print("\nTargets")
    for target in found:
        mark = {True: "met", False: "NOT MET", None: "n/a"}[target.met]
        print(f"  [{mark:7}] {target.name}: {target.value}")
    data = {
        "machine": info,
        "runs": runs,
        "renderers": bench.renderers,
        "cases": {
            case.id: {
                "label": case.label,
                "pages": case.pages,
                "median": {f: round(case.median(f), 4) for f in ("wall", "cpu", "peak_mb")},
                "samples": [asdict(s) for s in case.samples],
            }
            for case in bench.cases.values()
        },
        "targets": [asdict(t) for t in found],
        "profiles": profiles,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
