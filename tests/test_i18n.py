"""Every engine label in the book's language: catalogues, templates, dates, labels:, glyphs.

The expensive part builds `tests/languages/{nl,fr,de}` (the sample's kinds of content, written
in each language) once per module, the three builds side by side, and reads every output.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from conftest import ROOT, SAMPLE, run_cli, write_manuscript

from booklet import i18n
from booklet.errors import ManuscriptError
from booklet.load import glyphs, load
from booklet.render import templates
from booklet.resources import STYLES, TEMPLATES

LANGUAGES = ROOT / "tests" / "languages"
SHIPPED = ("nl", "fr", "de")
TEMPLATE_FILES = sorted(p for p in TEMPLATES.rglob("*") if p.is_file())
# What the engine writes in each language, as a reader sees it in the outputs.
OWN_WORDS = {
    "nl": ("Inhoud", "Woordenlijst", "1 maart 2026"),
    "fr": ("Table des matières", "Glossaire", "1 mars 2026"),
    "de": ("Inhalt", "Glossar", "1. März 2026"),
}


def catalogue(language: str) -> list[tuple[str, str, str, bool]]:
    with i18n.catalogue_path(language).open("rb") as file:
        return [(str(m.context), str(m.id), str(m.string), m.fuzzy) for m in read_po(file) if m.id]


# --- The catalogues ----------------------------------------------------------------------------


def test_the_template_matches_a_fresh_extraction(tmp_path: Path) -> None:
    """A string added to a template or the code without `make messages` fails here."""
    fresh = tmp_path / "fresh.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-k",
            "label_text:2c,3",
            "-o",
            str(fresh),
            str(ROOT),
        ]
    )
    with fresh.open("rb") as file:
        extracted = {(m.context, m.id) for m in read_po(file) if m.id}
    shipped = {(m.context, m.id) for m in i18n.template() if m.id}
    assert extracted == shipped, "run `make messages` and translate the new messages"
    assert all(context for context, _ in shipped), "every message needs a key: pgettext('key', …)"


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated_with_its_placeholders(language: str) -> None:
    messages = catalogue(language)
    template = {(m.context, m.id) for m in i18n.template() if m.id}
    assert {(c, i) for c, i, _, _ in messages} == template
    for context, msgid, msgstr, fuzzy in messages:
        assert msgstr.strip() and not fuzzy, f"{language}: '{context}' is not translated"
        assert sorted(i18n.PLACEHOLDER.findall(msgid)) == sorted(
            i18n.PLACEHOLDER.findall(msgstr)
        ), f"{language}: '{context}' changes the placeholders"
        missing = [c for c in msgstr if glyphs.lacking(c)]
        assert not missing, f"{language}: '{context}' has {missing}, which the fonts lack"


def test_shipped_languages_and_counts() -> None:
    assert i18n.shipped() == ("de", "en", "fr", "nl")
    count = len(i18n.label_keys())
    assert all(len(catalogue(language)) == count for language in SHIPPED)


def words_outside_markup(source: str) -> list[str]:
    """Bare words a template writes itself (text and readable attributes), not through _()."""
    # Class names and epub:type values that EPUB pages put into blocks are not words.
    source = re.sub(
        r"\{% block (?:body_class|body_type|og_type) %\}.*?\{% endblock %\}", "", source
    )
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", "\0", source, flags=re.S)
    source = re.sub(
        r"<style>.*?</style>|<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>]*>", "", source, flags=re.S
    )
    found = []
    for tag in re.findall(r"<[^>]*>", source):
        # A <meta> holds readable text only as a description, keywords or an image's alt text.
        readable = r'(?:name="(?:description|keywords)"|property="og:image:alt")'
        attributes = "alt|aria-label|title|label" + ("|content" if re.search(readable, tag) else "")
        for value in re.findall(rf'\s(?:{attributes})="([^"]*)"', tag):
            found += re.findall(r"[^\W\d_]{2,}", value)
    text = re.sub(r"<[^>]*>", " ", source)
    return found + re.findall(r"[^\W\d_]{2,}", text)


@pytest.mark.parametrize(
    "template", TEMPLATE_FILES, ids=lambda p: p.relative_to(TEMPLATES).as_posix()
)
def test_templates_write_no_words_of_their_own(template: Path) -> None:
    assert words_outside_markup(template.read_text(encoding="utf-8")) == []


def test_the_lint_finds_a_bare_word() -> None:
    assert words_outside_markup('<p class="x">{{ a }} Contents</p>') == ["Contents"]
    assert words_outside_markup('<img alt="Cover of {{ t }}" />') == ["Cover", "of"]
    assert words_outside_markup('<p>{{ pgettext("contents", "Contents") }}</p>') == []


def test_stylesheets_write_no_words() -> None:
    for sheet in STYLES.glob("*.css"):
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        for value in re.findall(r"content:\s*([^;}]*)", css):
            strings = [
                re.sub(r"\\[0-9a-fA-F]{1,6}\s?", "", s) for s in re.findall(r'"([^"]*)"', value)
            ]
            assert not [s for s in strings if re.search(r"[^\W\d_]", s)], (sheet.name, value)


# --- Dates, numbers, tags ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "date", "number"),
    [
        ("en", "1 March 2026", "70,000"),
        ("en-GB", "1 March 2026", "70,000"),
        ("en-US", "March 1, 2026", "70,000"),
        ("nl", "1 maart 2026", "70.000"),
        ("nl-BE", "1 maart 2026", "70.000"),
        ("fr", "1 mars 2026", "70\u202f000"),
        ("fr-BE", "1 mars 2026", "70\u202f000"),
        ("de", "1. März 2026", "70.000"),
        ("de-CH", "1. März 2026", "70'000"),
        ("lb", "1. Mäerz 2026", "70.000"),
    ],
)
def test_dates_and_numbers_the_local_way(tag: str, date: str, number: str) -> None:
    assert i18n.long_date(dt.date(2026, 3, 1), tag) == date
    assert i18n.number(70000.0, tag) == number


@pytest.mark.parametrize(
    ("tag", "contents"),
    [
        ("nl-BE", "Inhoud"),
        ("fr-CA", "Table des matières"),
        ("de-CH", "Inhalt"),
        ("en-GB", "Contents"),
    ],
)
def test_a_regional_tag_falls_back_to_its_language(tag: str, contents: str) -> None:
    assert i18n.translations(tag).pgettext("contents", "Contents") == contents


def test_a_regional_catalogue_holds_only_its_differences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("nl", "nl_BE"):
        (tmp_path / name / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(i18n.catalogue_path("nl"), tmp_path / "nl" / "LC_MESSAGES" / "booklet.po")
    shutil.copy(i18n.LOCALES / "booklet.pot", tmp_path / "booklet.pot")
    (tmp_path / "nl_BE" / "LC_MESSAGES" / "booklet.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "contents"\nmsgid "Contents"\nmsgstr "Inhoudstafel"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n.translations.cache_clear()
    try:
        belgian, dutch = i18n.translations("nl-BE"), i18n.translations("nl")
        assert belgian.pgettext("contents", "Contents") == "Inhoudstafel"
        assert dutch.pgettext("contents", "Contents") == "Inhoud"
        assert belgian.pgettext("glossary", "Glossary") == "Woordenlijst"
    finally:
        i18n.translations.cache_clear()


def manuscript(tmp_path: Path, book_yaml: str, chapter: str | None = None) -> Path:
    """The sample with another book.yaml head (and optionally another first chapter)."""
    yaml = (SAMPLE / "book.yaml").read_text(encoding="utf-8").replace("language: en\n", "")
    chapters = {} if chapter is None else {"01-first.md": chapter}
    return write_manuscript(tmp_path / "manuscript", book_yaml + yaml, chapters, copy_of=SAMPLE)


def test_a_language_without_catalogue_builds_in_english_with_one_warning(tmp_path: Path) -> None:
    book = load(manuscript(tmp_path, "language: es-MX\n"))
    assert tuple(map(str, book.warnings)) == (
        "manuscript/book.yaml:1: warning: language 'es-MX' has no translation of the engine's "
        "labels (shipped: de, en, fr, nl); they stay English. Set them under 'labels:' in "
        "book.yaml, or add a catalogue (README, 'Languages')",
    )
    page = templates.render("book.html", book)
    assert ">Contents</h1>" in page and "For discussion" in page
    assert "15 de enero de 2026" in page  # CLDR knows Spanish dates all the same


def test_labels_override_the_catalogue_escaped(tmp_path: Path) -> None:
    book = load(
        manuscript(
            tmp_path,
            "language: nl\nlabels:\n  questions: Bespreek in de klas\n"
            '  source: "Naar <i>%(source)s</i> & co"\n',
        )
    )
    assert book.meta.labels == (
        ("questions", "Bespreek in de klas"),
        ("source", "Naar <i>%(source)s</i> & co"),
    )
    page = templates.render("book.html", book)
    assert "Bespreek in de klas" in page and "Gespreksvragen" not in page
    assert "Naar &lt;i&gt;The notes&lt;/i&gt; &amp; co" in page
    assert ">Inhoud</h1>" in page  # the other labels still come from the catalogue


def test_labels_are_checked(tmp_path: Path) -> None:
    folder = manuscript(
        tmp_path, "language: de\nlabels:\n  questions: Sprecht darüber\n  glosary: Begriffe\n"
    )
    with pytest.raises(ManuscriptError) as caught:
        load(folder)
    (problem,) = caught.value.diagnostics
    assert (problem.path, problem.line) == ("manuscript/book.yaml", 4)
    assert problem.message == "unknown label 'glosary'; did you mean 'glossary'?"


# --- Glyphs ------------------------------------------------------------------------------------

MISSING_GLYPH = """---
title: Eerste
handout: true
---

Een gewone regel.

Het was 30 ℃ en het regende; ook op deze regel: ℃.
"""


def test_a_character_the_fonts_lack_is_a_warning_with_its_line(tmp_path: Path) -> None:
    book = load(manuscript(tmp_path, "language: nl\n", MISSING_GLYPH))
    assert tuple(map(str, book.warnings)) == (
        "manuscript/01-first.md:8: warning: '℃' (U+2103) is not in the book's fonts "
        "(Literata, Source Sans 3); use another character or remove it",
    )


def test_strict_makes_a_missing_glyph_an_error(tmp_path: Path) -> None:
    folder = manuscript(tmp_path, "language: nl\n", MISSING_GLYPH.replace("℃", "ł ⅏"))
    result = run_cli("--manuscript", folder, "--out", tmp_path / "dist", "--strict")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{folder.name}/01-first.md:8: error: '⅏' (U+214F) is not in the book's fonts "
        "(Literata, Source Sans 3); use another character or remove it",
        "1 error(s); nothing was written",
    ]
    assert not (tmp_path / "dist").exists()


def test_french_spaces_and_letters_the_engine_adds_are_in_the_fonts() -> None:
    assert glyphs.lacking("\u202f") == [] and glyphs.lacking("\u00a0") == []
    assert glyphs.lacking("ł") == [] and glyphs.lacking("„") == []


# --- Whole builds in each shipped language -----------------------------------------------------


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """tests/languages/<lang> built into dist folders, the three builds side by side."""
    base = tmp_path_factory.mktemp("languages")
    running = {
        language: subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "build.py"),
                "--manuscript",
                str(LANGUAGES / language),
                "--out",
                str(base / language),
                "--strict",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for language in SHIPPED
    }
    for language, process in running.items():
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, f"{language}: {stderr}"
    return {language: base / language for language in SHIPPED}


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def markup_text(source: str) -> str:
    """The text of XHTML/XML plus the attribute values a reader hears (alt, aria-label, title)."""
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    values = re.findall(r'\s(?:alt|aria-label|title)="([^"]*)"', source)
    return html.unescape(re.sub(r"<[^>]+>", " ", source) + " " + " ".join(values))


def output_texts(out: Path) -> dict[str, str]:
    """The readable text of every output, by output path."""
    texts = {}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["outputs"]:
        path = out / entry["path"]
        if path.suffix == ".pdf":
            texts[entry["path"]] = pdf_text(path)
        elif entry["kind"] == "site":  # the download page, the web edition and the feed
            for page in sorted(path.parent.rglob("*")):
                if page.suffix in (".html", ".xml"):
                    name = page.relative_to(out).as_posix()
                    texts[f"{entry['path']}!{name}"] = markup_text(page.read_text(encoding="utf-8"))
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as epub:
                for name in epub.namelist():
                    if name.endswith((".xhtml", ".ncx", ".opf")):
                        texts[f"{entry['path']}!{name}"] = markup_text(epub.read(name).decode())
    return texts


def english_pattern(msgid: str) -> re.Pattern[str]:
    """The English label as it would read in an output: placeholders match any text."""
    parts = re.split(r"%\(\w+\)s", msgid.replace("%%", "%"))
    words = [r"\s*".join(re.escape(w) for w in part.split()) for part in parts]
    pattern = r".{1,200}?".join(w for w in words)
    if msgid[:1].isalpha():
        pattern = r"\b" + pattern
    if msgid[-1:].isalpha():
        pattern += r"\b"
    return re.compile(pattern, re.I | re.S)


def leaks(text: str, language: str, own: tuple[str, ...] = ()) -> list[str]:
    """The English labels found in `text` (those whose translation differs from English).

    `own` are the author's words (book.yaml's), left out: 'CC BY 4.0' is no label.
    """
    text = re.sub(r"\s+", " ", text.replace("\u00ad", ""))
    for words in own:
        text = text.replace(re.sub(r"\s+", " ", words), " ")
    # A label whose English reads the same somewhere in the language's own labels ('Notes',
    # 'note' in 'Retour au texte de la note', 'book' in 'e-book') cannot be told apart.
    own_labels = re.sub(r"%\(\w+\)s", " ", " ".join(s for _, _, s, _ in catalogue(language)))
    found = []
    for english in i18n.label_keys().values():
        pattern = english_pattern(english)
        if pattern.search(text) and not pattern.search(own_labels):
            found.append(english)
    return found


def test_the_leak_check_finds_english() -> None:
    assert leaks("Het was Page 1 of 2 en zo", "nl") == [
        "%(pages)s page",
        "Page",
        "Page %(page)s of %(pages)s",
        "page",
    ]
    assert leaks("Pagina 1 van 2, of toch niet", "nl") == []
    assert leaks("Bron: De aantekeningen. Inhoud", "nl") == []
    assert leaks("FOR DISCUSSION", "de") == ["For discussion"]


@pytest.mark.parametrize("language", SHIPPED)
def test_no_english_label_in_any_output(language: str, builds: dict[str, Path]) -> None:
    texts = output_texts(builds[language])
    manifest = json.loads((builds[language] / "manifest.json").read_text(encoding="utf-8"))
    kinds = {entry["kind"] for entry in manifest["outputs"]}
    assert kinds == {"pdf", "print", "imposed", "cover", "handout", "handouts", "epub", "site"} | {
        "preflight"
    }
    # Every output but the preflight report, which is for the author and the printer and in
    # English like the build's own messages.
    readers = [entry for entry in manifest["outputs"] if entry["kind"] != "preflight"]
    assert len({name.split("!")[0] for name in texts}) == len(readers)
    meta = load(LANGUAGES / language).meta
    own = (meta.title, meta.subtitle, meta.description, meta.rights, meta.publisher, *meta.authors)
    for name, text in texts.items():
        assert leaks(text, language, own) == [], name
    assert manifest["warnings"] == []


@pytest.mark.parametrize("language", SHIPPED)
def test_the_languages_own_words_and_date(language: str, builds: dict[str, Path]) -> None:
    out = builds[language]
    slug = next(out.glob("*-print.pdf")).name.removesuffix("-print.pdf")
    screen = re.sub(r"\s+", " ", pdf_text(out / f"{slug}.pdf"))
    with zipfile.ZipFile(out / f"{slug}.epub") as epub:
        nav = markup_text(epub.read("EPUB/nav.xhtml").decode())
        front = markup_text(epub.read("EPUB/titlepage.xhtml").decode())
        ncx = epub.read("EPUB/toc.ncx").decode()
    contents, glossary, date = OWN_WORDS[language]
    for word in (contents, glossary, date):
        assert word in screen
    assert contents in nav and glossary in nav and date in front
    assert glossary in ncx


def test_typography_numbers_and_labels_per_language(builds: dict[str, Path]) -> None:
    def xhtml(language: str, name: str) -> str:
        (epub,) = builds[language].glob("*.epub")
        with zipfile.ZipFile(epub) as book:
            return book.read(f"EPUB/{name}").decode()

    french = xhtml("fr", "premier.xhtml")
    assert (
        "Vraiment\u202f? Oui\u202f! Il y avait trois réseaux\u202f; chacun avait son rôle\u00a0: renseigner."
        in french
    )
    assert "«\u202fcalmement\u202f»" in french and "«\u202fpremier\u202f»" in french
    assert ">Source\u00a0: Les carnets<" in french
    assert "„erste“" in xhtml("de", "erstes.xhtml")
    # Chart values the engine writes: the author's '30 000' / '30.000' read back the local way.
    assert "Journal A\u00a0: 30\u202f000 exemplaires" in xhtml("fr", "deuxieme.xhtml")
    assert ">30.000</text>" in xhtml("nl", "tweede.xhtml")
    assert ">12.500</text>" in xhtml("de", "zweites.xhtml")
    # A label of the book's own (book.yaml `labels:`) replaces the catalogue's in every output.
    handout = pdf_text(builds["nl"] / "handouts" / "eerste-A4.pdf")
    assert "BESPREEK IN DE KLAS" in handout.upper() and "GESPREKSVRAGEN" not in handout.upper()


@pytest.mark.parametrize(
    ("tag", "small", "large"),
    [
        ("en", "850 kB", "1.2 MB"),
        ("fr", "850\u202fko", "1,2\u202fMo"),
        ("nl", "850 kB", "1,2 MB"),
        ("de", "850 kB", "1,2 MB"),
    ],
)
def test_file_sizes_in_the_languages_units(tag: str, small: str, large: str) -> None:
    """CLDR's unit symbols through Babel: French 'ko' and 'Mo' (#26, item 10)."""
    assert i18n.file_size(850_000, tag) == small
    assert i18n.file_size(1_234_567, tag) == large


def test_one_page_is_singular() -> None:
    assert i18n.singular(1, "en") and not i18n.singular(2, "en") and not i18n.singular(0, "en")
    assert i18n.singular(0, "fr") and i18n.singular(1, "fr") and not i18n.singular(2, "fr")


def test_french_outputs_leave_no_english_joiners_or_units(builds: dict[str, Path]) -> None:
    """The EPUB colophon's font names joined in French, '1 page' in the singular, French size
    units on the download page (#26, items 10 and 19)."""
    (epub,) = builds["fr"].glob("*.epub")
    with zipfile.ZipFile(epub) as book:
        front = book.read("EPUB/titlepage.xhtml").decode()
    assert "Booklet Serif et Booklet Sans" in front
    index = re.sub(r"\s+", " ", markup_text((builds["fr"] / "site" / "index.html").read_text()))
    assert re.search(r"(?<!\d)1 page,", index) and not re.search(r"(?<!\d)1 pages", index)
    assert re.search(r"\d ko\b", index) and not re.search(r"\d kB\b", index)
    assert "avec les numéros de page de la brochure imprimée" in index
