"""The subcommands: `booklet check` in each format (exact output, golden files in tests/check/),
`booklet new` (a starter that builds with --strict), and options given in the wrong place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE, run_cli

from booklet.cli import main
from booklet.load import load
from booklet.load.sidebars import SCHEMAS

CHECK = ROOT / "tests" / "check"
BAD = ROOT / "tests" / "bad"
CASES = {
    "sample": SAMPLE,
    "many-errors": BAD / "many-errors",
    "warned": CHECK / "warned",
    "reserved": CHECK / "reserved",  # found by the web edition's check, before any rendering
    "unlisted": CHECK / "unlisted",  # an NN-name.md file left out of chapters: (#26, item 5)
    "small-cover": CHECK / "small-cover",  # a cover too coarse for print (#26, item 4)
}
STATUS = {"sample": 0, "many-errors": 1, "warned": 1, "reserved": 1, "unlisted": 0}
STATUS["small-cover"] = 0


@pytest.mark.parametrize("style", ["text", "json", "github"])
@pytest.mark.parametrize("case", list(CASES))
def test_check_output(case: str, style: str, regen: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # file names in json and github are relative to the working folder
    result = CliRunner().invoke(
        main, ["check", "--manuscript", str(CASES[case]), "--format", style]
    )
    assert result.exit_code == STATUS[case], result.output
    # text goes to stderr (like a build's errors), json and workflow commands to stdout
    output = result.stderr if style == "text" else result.stdout
    assert (result.stdout if style == "text" else result.stderr) == ""
    golden = CHECK / f"{case}.{style}.txt"
    if regen or os.environ.get("BOOKLET_REGEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_check_json_is_a_list_of_diagnostics(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        main, ["check", "--manuscript", str(CHECK / "warned"), "--format", "json"]
    )
    data = json.loads(result.stdout)
    assert data["errors"] == 1 and data["warnings"] == 1
    assert {d["severity"] for d in data["diagnostics"]} == {"error", "warning"}
    assert data["diagnostics"][1] == {
        "file": "tests/check/warned/01-one.md",
        "line": 7,
        "column": None,
        "severity": "error",
        "message": "quote needs field 'source' (fields: source, date)",
    }


def test_check_matches_the_build_on_the_bad_corpus() -> None:
    """check reports exactly what a build reports, for every load-time case of the corpus."""
    import tempfile

    from test_bad_manuscripts import CASES as BAD_CASES
    from test_bad_manuscripts import prepare

    checked = 0
    for case in BAD_CASES:
        expected = (BAD / case / "expected.txt").read_text(encoding="utf-8")
        if not expected.endswith("nothing was written\n") or (BAD / case / "setup.txt").exists():
            continue  # render-time failures and cases that need files made at run time
        with tempfile.TemporaryDirectory() as tmp:
            folder, _, _ = prepare(case, Path(tmp))
            result = CliRunner().invoke(main, ["check", "--manuscript", str(folder)])
            errors = result.stderr.replace(str(folder), "{manuscript}").splitlines()[:-1]
        assert result.exit_code == 1, case
        assert errors == expected.splitlines()[:-1], case
        checked += 1
    assert checked >= 40


def test_check_writes_nothing(tmp_path: Path) -> None:
    before = sorted(p for p in SAMPLE.rglob("*"))
    result = CliRunner().invoke(main, ["check", "--manuscript", str(SAMPLE)])
    assert result.exit_code == 0
    assert sorted(p for p in SAMPLE.rglob("*")) == before


def test_options_before_a_command_are_refused() -> None:
    result = CliRunner().invoke(main, ["--only", "pdf", "check"])
    assert result.exit_code == 2
    assert "put the options after the command: 'booklet check --option …'" in result.stderr


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "check", "new"):
        assert f"\n  {command} " in result.stdout


def test_new_refuses_a_folder_holding_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["new", str(tmp_path)])
    assert result.exit_code == 2
    assert (
        f"folder '{tmp_path}' is not empty (it holds 'notes.txt'); booklet new writes only "
        "into a new or empty folder, so choose another" in result.stderr
    )
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_new_refuses_a_bad_language(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new", str(tmp_path / "b"), "--language", "english!"])
    assert result.exit_code == 2
    assert "--language 'english!' is not a language tag like 'en' or 'nl-BE'" in result.stderr
    assert not (tmp_path / "b").exists()


def test_new_then_build_strict(tmp_path: Path) -> None:
    folder = tmp_path / "my-booklet"
    (folder / ".git").mkdir(parents=True)  # a fresh repository is an empty folder
    result = CliRunner().invoke(
        main, ["new", str(folder), "--title", "Our Town", "--language", "nl"]
    )
    assert result.exit_code == 0, result.output
    yaml_text = (folder / "book.yaml").read_text()
    # every book.yaml key is there, explained in a comment (optional ones commented out)
    from booklet.load.meta import BOOK_KEYS

    for key in BOOK_KEYS:
        assert f"\n{key}:" in yaml_text or f"\n# {key}:" in yaml_text, key
    book = load(folder)
    assert book.meta.title == "Our Town" and book.meta.language == "nl"
    kinds = {s.kind for c in book.chapters for s in c.sidebars}
    kinds |= {n.sidebar.kind for c in book.chapters for n in c.teacher}
    assert kinds == set(SCHEMAS)
    for chapter in book.chapters:  # each sidebar uses every field of its kind
        for sidebar in chapter.sidebars:
            assert {name for name, _ in sidebar.fields} == set(SCHEMAS[sidebar.kind].fields)
    assert any(c.footnotes for c in book.chapters)
    assert [i.path for i in book.images] == ["images/booklet.svg"]
    assert [c.slug for c in book.handout_chapters] == ["in-de-klas"]  # in Dutch (#26, item 10)
    html = "".join(b.html for c in book.chapters for b in c.blocks if hasattr(b, "html"))
    assert 'href="#kaders--alle-soorten"' in html  # a link to another chapter
    # Inside the folder `booklet new` made, `booklet build` finds book.yaml, and writes beside
    # the folder, not into it (#26, item 7).
    out = tmp_path / "my-booklet-dist"
    built = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "--strict"],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        ".git",
        "01-welkom.md",
        "02-kaders.md",
        "03-in-de-klas.md",
        "book.yaml",
        "images",
    ]
    assert "warning" not in built.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["warnings"] == []
    assert {o["kind"] for o in manifest["outputs"]} >= {"pdf", "epub", "print", "handout"}


def test_new_suggests_the_tag_for_a_language_name(tmp_path: Path) -> None:
    """#26, item 19: a language written by name gets its tag suggested."""
    result = CliRunner().invoke(main, ["new", str(tmp_path / "b"), "--language", "français"])
    assert result.exit_code == 2
    assert (
        "--language 'français' is not a language tag like 'en' or 'nl-BE'; did you mean 'fr'?"
        in result.stderr
    )
    result = CliRunner().invoke(main, ["new", str(tmp_path / "b"), "--language", "Dutch"])
    assert "did you mean 'nl'?" in result.stderr


def test_only_help_lists_the_output_names() -> None:
    from booklet.builder.jobs import GROUPS
    from booklet.cli import OUTPUT_NAMES

    assert OUTPUT_NAMES == GROUPS
    result = CliRunner().invoke(main, ["build", "--help"])
    assert "pdf, epub, print, imposed, cover, handouts, teacher, site" in " ".join(
        result.stdout.split()
    )


def test_serve_on_a_taken_port_suggests_port_0() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main, ["serve", "--manuscript", str(SAMPLE), "--port", str(port)]
        )
    assert result.exit_code == 2
    assert (
        f"cannot listen on 127.0.0.1:{port}: Address already in use; another program uses it: "
        "choose another --port, or --port 0 for any free one"
    ) in " ".join(result.stderr.split())


def test_another_books_outputs_are_not_replaced(tmp_path: Path) -> None:
    """The manifest names the book a folder holds; a build of another book into it is refused
    before anything is rendered, unless --force (#26, item 6)."""
    from booklet.builder.outdir import UnsafeOutput, check_same_book

    out = tmp_path / "dist"
    out.mkdir()
    held = {"book": {"identifier": "urn:isbn:9780000000001", "title": "Our Town"}, "outputs": []}
    (out / "manifest.json").write_text(json.dumps(held))
    result = run_cli("build", "--manuscript", SAMPLE, "--out", out)
    assert result.returncode == 2
    sample = load(SAMPLE).meta
    assert (
        f"output folder '{out}' holds the outputs of another book, 'Our Town' "
        f"(urn:isbn:9780000000001), not '{sample.title}'; choose another --out, or add --force "
        "to replace them"
    ) in " ".join(result.stderr.split())
    assert json.loads((out / "manifest.json").read_text()) == held
    check_same_book(out, "urn:isbn:9780000000001", "Our Town")  # the same book: fine
    (out / "manifest.json").write_text('{"outputs": []}')  # a build from before the check
    check_same_book(out, sample.identifier, sample.title)
    with pytest.raises(UnsafeOutput):
        (out / "manifest.json").write_text(json.dumps(held))
        check_same_book(out, sample.identifier, sample.title)


def test_the_manifest_names_its_book(sample_build: tuple[Path, object]) -> None:
    out, _ = sample_build
    meta = load(SAMPLE).meta
    book = json.loads((out / "manifest.json").read_text())["book"]
    assert book == {"identifier": meta.identifier, "title": meta.title}


def test_check_finds_the_manuscript_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mine"
    CliRunner().invoke(main, ["new", str(folder), "--language", "fr"])
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert (
        "manuscript folder 'manuscript' does not exist, and the current folder holds no "
        "book.yaml; give --manuscript DIR, or make a manuscript with: booklet new DIR"
    ) in " ".join(result.stderr.split())


@pytest.mark.parametrize(
    ("language", "first_title", "handout"),
    [
        ("fr", "Bienvenue dans votre brochure", "en-classe"),
        ("nl-BE", "Welkom in je brochure", "in-de-klas"),
        ("de", "Willkommen in Ihrem Heft", "im-unterricht"),
        ("en", "Welcome to your booklet", "classroom"),
    ],
)
def test_the_starter_is_written_in_the_books_language(
    tmp_path: Path, language: str, first_title: str, handout: str
) -> None:
    """#26, item 10: `booklet new --language fr|nl|de` writes its chapters in that language,
    with every sidebar kind and field, links that resolve, and nothing to warn about."""
    create_starter = CliRunner().invoke(main, ["new", str(tmp_path / "b"), "--language", language])
    assert create_starter.exit_code == 0, create_starter.output
    book = load(tmp_path / "b", strict=True)
    assert book.chapters[0].title == first_title
    assert [c.slug for c in book.handout_chapters] == [handout]
    for chapter in book.chapters:
        for sidebar in chapter.sidebars:
            assert {name for name, _ in sidebar.fields} == set(SCHEMAS[sidebar.kind].fields)
    kinds = {s.kind for c in book.chapters for s in c.sidebars}
    assert kinds | {n.sidebar.kind for c in book.chapters for n in c.teacher} == set(SCHEMAS)
    assert book.warnings == ()
    from booklet.load.meta import BOOK_KEYS

    yaml_text = (tmp_path / "b" / "book.yaml").read_text()
    for key in BOOK_KEYS:  # every key explained, in the book's language
        assert f"\n{key}:" in yaml_text or f"\n# {key}:" in yaml_text, key
    opening = {"fr": "# Les métadonnées", "nl-BE": "# De metagegevens", "de": "# Die Metadaten"}
    assert yaml_text.startswith(opening.get(language, "# The book's metadata"))


def test_serve_open_without_a_browser_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """#26, item 19: --open on a machine without a browser was silent."""
    import socket

    import booklet.cli

    monkeypatch.setattr(booklet.cli, "has_browser", lambda: False)
    with socket.socket() as taken:  # the taken port stops the preview before it serves
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main, ["serve", "--manuscript", str(SAMPLE), "--port", str(port), "--open"]
        )
    assert (
        "warning: --open: no web browser found on this machine; open the address below in one "
        "yourself"
    ) in " ".join(result.stderr.split())
