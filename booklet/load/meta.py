"""book.yaml in, the book's `Meta` out: every key a row of `BOOK_KEYS` (its type, its default and
its check), the language's coverage by the engine warned about, `labels:` checked by key."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from booklet import i18n
from booklet.errors import Collector, suggest
from booklet.load import glyphs
from booklet.load.files import inside_manuscript
from booklet.load.printing import check_isbn, load_print
from booklet.load.source import check_keys, read_text, read_yaml, well_typed
from booklet.load.translations import Edition
from booklet.load.typography import smart
from booklet.model import Meta

TRIMS = ("A5", "half-letter")
PAPERS = ("A4", "Letter")
VARIANTS = ("standard", "large-print", "dyslexia")  # see render/handouts.py
LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\S*$", re.I)


@dataclass(frozen=True)
class At:
    """Where a key is (book.yaml and the key's line), for its check to report there."""

    collector: Collector
    path: Path
    line: int

    def error(self, message: str) -> None:
        self.collector.error(self.path, self.line, message)

    def warn(self, message: str) -> None:
        self.collector.warn(self.path, self.line, message)


# A key's check: its value (of the key's type, text stripped) in, the value to use out.
Check = Callable[[Any, At], Any]


@dataclass(frozen=True)
class Key:
    """One book.yaml key: its YAML type, the value used when it is missing or of another type
    (that is reported as such), and a check of a present value of the right type."""

    type: type
    default: Any = ""
    check: Check | None = None
    required: bool = False


def one_of(choices: tuple[str, ...], what: str, plural: str) -> Check:
    def check(value: Any, at: At) -> Any:
        if value not in choices:
            known = ", ".join(choices)
            at.error(f"{what} '{value}' is not known{suggest(value, choices)} ({plural}: {known})")
        return value

    return check


def each(check: Check) -> Check:
    """A list's entries as text, each checked."""

    def check_each(values: Any, at: At) -> Any:
        return tuple(check(str(value), at) for value in values)

    return check_each


def names(values: Any, at: At) -> Any:
    """A list's text (and number) entries as text; a list or mapping inside is reported."""
    for value in values:
        if not isinstance(value, str | int) or isinstance(value, bool):
            at.error(f"authors entry {value!r:.40} is not a name; write one name per '- ' line")
    return tuple(str(value).strip() for value in values if isinstance(value, str | int))


def some_text(text: Any, at: At) -> Any:
    if not text:
        at.error("title is blank; write the book's title")
        return "Untitled"
    return text


# The years a ZIP file (so an EPUB) can date its entries with; every output is dated so.
YEARS = (1980, 2107)


def zip_date(date: Any, at: At) -> Any:
    if not YEARS[0] <= date.year <= YEARS[1]:
        at.error(
            f"date {date.isoformat()} is outside {YEARS[0]}–{YEARS[1]}, the years an EPUB can "
            "record; write the date this edition is published"
        )
        return BOOK_KEYS["date"].default
    return date


def language_tag(language: Any, at: At) -> Any:
    if not LANGUAGE.match(language):
        at.error(f"language '{language}' is not a language tag like 'en' or 'nl-BE'")
    else:
        check_language(language, at)
    return language


def uuid_urn(identifier: Any, at: At) -> Any:
    if identifier.startswith("urn:uuid:"):
        try:
            uuid.UUID(identifier[9:])
        except ValueError:
            at.error(f"identifier '{identifier}' is not a valid UUID")
    return identifier


def web_address(url: Any, at: At) -> Any:
    if url and not WEB_ADDRESS.match(url):
        spaces = ", with no spaces (write a space as %20)" if re.search(r"\s", url) else ""
        at.error(f"download_url '{url[:60]}' must be a web address starting with https://{spaces}")
        return ""
    return url


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 40  # characters of a slug made from the title (cut at a word's end)
# Letters NFKD does not take apart into a base letter and its accent.
FOLDED = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th"})


def file_slug(title: str) -> str:
    """The outputs' file name from the title: ASCII, accents folded ('à' → 'a'), words joined by
    hyphens, at most 40 characters cut at a word's end; 'booklet' when nothing is left."""
    words = re.sub(r"\W+", "-", title.lower().translate(FOLDED))  # 'd’hier' is two words
    folded = unicodedata.normalize("NFKD", words)
    ascii_text = folded.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[: MAX_SLUG + 1].rsplit("-", 1)[0]
        slug = cut if "-" in slug[: MAX_SLUG + 1] else slug[:MAX_SLUG]
    return slug or "booklet"


def slug_name(slug: Any, at: At) -> Any:
    if slug and (not SLUG.match(slug) or len(slug) > 80):
        at.error(
            f"slug '{slug[:80]}' must be lower-case ASCII letters, digits and hyphens, "
            f"like '{file_slug(slug)}'"
        )
        return ""
    return slug


JOINED = re.compile(r"^(\S+\.md)((?:\s+-\s+\S+\.md)+)$")  # '01-a.md - 02-b.md': two lines


def file_names(entries: Any, at: At) -> Any:
    for entry in entries:
        if not isinstance(entry, str):
            at.error(f"chapters entry {entry!r:.40} is not a file name; write '- 01-name.md'")
        elif joined := JOINED.match(entry):
            joined_entry(entry, joined.group(2).split("-", 1)[1].strip().split()[0], at)
    # The entries meant (a joined one split again), so that nothing else is reported for them.
    return [
        part.strip()
        for entry in entries
        if isinstance(entry, str)
        for part in (re.split(r"\s+-\s+", entry) if JOINED.match(entry) else [entry])
    ]


def joined_entry(entry: str, second: str, at: At) -> None:
    """A list item indented under the one above is read as part of it: name that line."""
    lines = at.path.read_text(encoding="utf-8", errors="replace").splitlines()
    found = next(
        (n for n, ln in enumerate(lines[at.line :], at.line + 1) if ln.strip() == f"- {second}"),
        at.line,
    )
    indent = len(lines[found - 1]) - len(lines[found - 1].lstrip()) if found > at.line else 0
    at.collector.error(
        at.path,
        found,
        f"this '- {second}' is indented {indent} space(s), more than the line above, so YAML "
        f"reads the two as one entry ('{entry}'); start every '- ' of the list where the "
        "first one starts",
    )


BOOK_KEYS = {
    "title": Key(str, "Untitled", some_text, required=True),
    "subtitle": Key(str),
    "language": Key(str, "en", language_tag, required=True),
    "authors": Key(list, (), names),
    "publisher": Key(str),
    "date": Key(dt.date, dt.date(2000, 1, 1), zip_date),
    "identifier": Key(str, "", uuid_urn),  # '' until derived from the title
    "description": Key(str),
    "rights": Key(str),
    "trim": Key(str, "A5", one_of(TRIMS, "trim", "trims")),
    "handout_papers": Key(list, PAPERS, each(one_of(PAPERS, "handout paper", "papers"))),
    "handout_variants": Key(
        list, ("standard",), each(one_of(VARIANTS, "handout variant", "variants"))
    ),
    "download_url": Key(str, "", web_address),
    "cover_image": Key(str),
    "cover_alt": Key(str),
    "cover_credit": Key(str),
    "slug": Key(str, "", slug_name),  # '' until made from the title
    "accessibility_conformance": Key(str),
    "accessibility_certified_by": Key(str),
    "chapters": Key(list, None, file_names),  # None: every NN-name.md file, in name order
    "labels": Key(dict, None),  # checked by load_labels, which needs the source lines
    "isbn": Key(str),  # checked by printing.check_isbn
    "back_cover": Key(str),
    "print": Key(dict, None),  # checked by printing.load_print, which needs the source lines
}


def load_meta(
    root: Path, collector: Collector, edition: Edition | None = None
) -> tuple[Meta, list[str] | None, dict[str, int]] | None:
    """The book's `Meta`, its listed chapter files (None when not listed) and each key's line;
    None when book.yaml cannot be read as 'key: value' lines (reported). In a translated
    `edition`, book.yaml's texts are the translated ones."""
    path = root / "book.yaml"
    read = read_book_yaml(path, root, collector, edition)
    if read is None:
        return None
    data, lines, text = read
    types = {name: key.type for name, key in BOOK_KEYS.items()}
    check_keys(data, lines, types, path, collector, "book.yaml")
    for name, key in BOOK_KEYS.items():
        if key.required and name not in data:
            collector.error(path, 1, f"book.yaml needs '{name}'")
    values = {
        name: checked(data, name, key, At(collector, path, lines.get(name, 1)))
        for name, key in BOOK_KEYS.items()
    }
    values["labels"] = load_labels(
        data.get("labels"), path, lines.get("labels", 1), text, collector
    )
    values["isbn"] = check_isbn(values["isbn"], collector, path, lines.get("isbn", 1))
    values["printing"] = load_print(
        values.pop("print"), path, lines.get("print", 1), text, collector
    )
    order = values.pop("chapters")
    title = values["title"]
    values["identifier"] = values["identifier"] or default_identifier(title)
    values["slug"] = values["slug"] or file_slug(title)
    typeset(values)
    return Meta(**values), order, lines


# The keys whose text a reader sees: they get the body's typography (apostrophes, quotes).
TYPESET = (
    "title",
    "subtitle",
    "publisher",
    "description",
    "back_cover",
    "rights",
    "cover_alt",
    "cover_credit",
)


def typeset(values: dict[str, Any]) -> None:
    """The reader's texts of book.yaml and its labels with the typography of the chapters'
    body, in place (after the identifier and the slug are made from the title as written)."""
    language = values["language"]
    for name in TYPESET:
        values[name] = smart(values[name], language)
    values["authors"] = tuple(smart(author, language) for author in values["authors"])
    values["labels"] = tuple((key, smart(text, language)) for key, text in values["labels"])


def fallback_meta(root: Path) -> Meta:
    """The defaults, for reading the chapters when book.yaml cannot be read (its errors are
    reported, and the chapters' too: every mistake at once), in the language its text names."""
    values = {
        name: key.default for name, key in BOOK_KEYS.items() if name not in ("chapters", "print")
    }
    values["labels"] = ()
    try:
        text = (root / "book.yaml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    named = re.search(r"^language:[ \t]*[\"']?([A-Za-z][\w-]*)", text, re.M)
    if named and LANGUAGE.match(named.group(1)):
        values["language"] = named.group(1)
    values["identifier"] = default_identifier(values["title"])
    values["slug"] = file_slug(values["title"])
    return Meta(**values)


def read_book_yaml(
    path: Path, root: Path, collector: Collector, edition: Edition | None
) -> tuple[dict[str, Any], dict[str, int], str] | None:
    """book.yaml's mapping, the line of each key, and its text; None after an error."""
    if not path.exists() and not path.is_symlink():
        collector.error(
            path, 1, "book.yaml is missing; create it with at least 'title' and 'language'"
        )
        return None
    if not inside_manuscript(path, root, collector, path, 1, "book.yaml"):
        return None
    text = read_text(path, collector)
    if text is None:
        return None
    if edition is not None:
        text = edition.text(path, text)
    glyphs.check(path, text, collector)
    parsed = read_yaml(text, path, 1, collector, "book.yaml")
    if parsed is None:
        return None
    data, lines = parsed
    return data, lines, text


def checked(data: dict[str, Any], name: str, key: Key, at: At) -> Any:
    """A key's value to use: its default when missing or of another type (check_keys reported
    that), else the value (text stripped) as its check leaves it."""
    value = data.get(name)
    if name not in data or not well_typed(value, key.type):
        return key.default
    if isinstance(value, str):
        value = value.strip()
    return key.check(value, at) if key.check else value


def default_identifier(title: str) -> str:
    """The same identifier for every build of a book with this title."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'booklet:' + title)}"


def check_language(language: str, at: At) -> None:
    """Warn when the engine cannot write the book's language: no catalogue, no CLDR dates."""
    if not i18n.has_catalogue(language):
        shipped = ", ".join(i18n.shipped())
        at.warn(
            f"language '{language}' has no translation of the engine's labels (shipped: "
            f"{shipped}); they stay English. Set them under 'labels:' in book.yaml, or add a "
            "catalogue (README, 'Languages')"
        )
    if not i18n.has_dates(language):
        at.warn(f"language '{language}' has no date names in CLDR; dates are in English")
    if not i18n.has_hyphenation(language):
        at.warn(f"language '{language}' has no hyphenation dictionary; words are not hyphenated")


def load_labels(
    value: object, path: Path, line: int, text: str, collector: Collector
) -> tuple[tuple[str, str], ...]:
    """The `labels:` mapping checked: known keys, text values, the English placeholders kept."""
    if not isinstance(value, dict):
        return ()
    keys = i18n.label_keys()
    # The line of each key: labels are indented under 'labels:'.
    lines: dict[str, int] = {}
    for n, source in enumerate(text.splitlines()[line:], line + 1):
        if source and not source[0].isspace():
            break
        match = re.match(r"\s+['\"]?([^'\":]+)['\"]?\s*:", source)
        if match:
            lines.setdefault(match.group(1).strip(), n)
    labels = []
    for key, label in value.items():
        at = lines.get(str(key), line)
        if key not in keys:
            collector.error(path, at, f"unknown label '{key}'{label_hint(str(key), keys)}")
        elif not isinstance(label, str) or not label.strip():
            collector.error(path, at, f"label '{key}' must be text, like '{keys[key]}'")
        elif problem := i18n.check_label(key, label):
            collector.error(path, at, problem)
        else:
            labels.append((str(key), label.strip()))
    return tuple(sorted(labels))


def label_hint(key: str, keys: dict[str, str]) -> str:
    """'; did you mean …?' for a near miss; else the labels there are, wrapped on indented lines
    (there are well over a hundred: one line of them could not be read)."""
    near = suggest(key, keys)
    if near:
        return near
    listed = textwrap.fill(
        ", ".join(sorted(keys)),
        width=96,
        initial_indent="  ",
        subsequent_indent="  ",
        break_on_hyphens=False,
    )
    return f"; the labels are:\n{listed}"
