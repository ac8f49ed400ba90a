"""A sidebar's kind, title, field lines and parsed body in, a validated `Sidebar` (or errors) out.

Each kind is one `Schema` entry plus `templates/sidebars/<kind>.html` and its styles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from booklet import i18n
from booklet.load import dates
from booklet.model import Item, Sidebar

TitleRule = Literal["required", "optional", "none"]
# text: free paragraphs; list: a list of items; pairs: a list of `key: value` items.
BodyShape = Literal["text", "list", "pairs", "markdown"]


@dataclass(frozen=True)
class Schema:
    title: TitleRule
    required: tuple[str, ...]
    optional: tuple[str, ...]
    body: BodyShape
    example: str
    title_hint: str = "Title"

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional


class Inline(Protocol):
    """A sidebar's inline text (title, field, list entry) as HTML, its problems reported at
    `line` (the sidebar's own line when 0)."""

    def __call__(self, source: str, line: int = 0) -> str: ...


SCHEMAS: dict[str, Schema] = {
    "quote": Schema("none", ("source",), ("date",), "text", "the quotation"),
    "facts": Schema("required", (), ("source",), "list", "- a short fact"),
    "numbers": Schema("optional", (), ("source",), "pairs", "- 30,000: people arrested"),
    "timeline": Schema("optional", (), (), "pairs", "- 10 May 1940: Germany invades"),
    "profile": Schema(
        "required", ("role",), ("network", "active"), "text", "a short biography", "Name"
    ),
    "chart": Schema("required", (), ("unit", "source"), "pairs", "- La Libre Belgique: 30000"),
    "term": Schema("required", (), (), "text", "the definition", "Term"),
    "questions": Schema("optional", (), (), "list", "1. a question for discussion"),
    "note": Schema("optional", (), (), "markdown", "any Markdown"),
    # Only in the teacher's guide: notes on the questions box it follows, or on the chapter.
    "teacher": Schema("optional", (), (), "markdown", "1. what a good answer draws on"),
}

FIELD_LINE = re.compile(r"^:([A-Za-z][\w-]*):(?:\s+(.*))?$")


@dataclass(frozen=True)
class RawItem:
    """A list item of a sidebar body: its inline Markdown source, its HTML and its line."""

    source: str
    html: str
    line: int


@dataclass(frozen=True)
class RawBody:
    """A sidebar body as parsed by the Markdown stage."""

    html: str
    items: tuple[RawItem, ...] | None  # None when the body is not a single list
    empty: bool


Report = Callable[[int, str], None]


def parse_fields(
    lines: list[str], first_line: int, kind: str, report: Report
) -> tuple[dict[str, tuple[str, int]], int]:
    """Leading `:name: value` lines → {name: (value, line)} and the number of lines they used."""
    schema = SCHEMAS[kind]
    fields: dict[str, tuple[str, int]] = {}
    used = 0
    for used, text in enumerate(lines):
        match = FIELD_LINE.match(text.strip())
        if not match:
            break
        name, value = match.group(1), (match.group(2) or "").strip()
        line = first_line + used
        if name not in schema.fields:
            valid = ", ".join(schema.fields) or "none"
            report(
                line,
                f"{kind} has no field '{name}'{suggest_field(name, schema)} (fields: {valid})",
            )
        elif name in fields:
            report(line, f"field '{name}' is given twice; keep one")
        elif not value:
            report(line, f"field '{name}' is empty; write ':{name}: value'")
        else:
            fields[name] = (value, line)
    else:
        used = len(lines)
    return fields, used


# Kind names an author may write in the book's language, beyond the labels the catalogues give
# each kind ('Chronologie', 'Citaat', 'Zitat'): the kinds themselves stay English.
KIND_WORDS = {
    "faits": "facts",
    "chiffres": "numbers",
    "terme": "term",
    "définition": "term",
    "definition": "term",
    "begrip": "term",
    "begriff": "term",
    "vragen": "questions",
    "fragen": "questions",
    "zeitleiste": "timeline",
    "chronik": "timeline",
    "cijfers": "numbers",
    "zahlen": "numbers",
    "notiz": "note",
}


def kind_meant(name: str) -> str | None:
    """The kind a name in one of the shipped languages stands for ('chronologie' → timeline)."""
    wanted = name.strip().casefold()
    if wanted in KIND_WORDS:
        return KIND_WORDS[wanted]
    english = i18n.label_keys()
    for language in i18n.shipped():
        labels = i18n.translations(language)
        for kind in SCHEMAS:
            if kind in english and str(labels.pgettext(kind, english[kind])).casefold() == wanted:
                return kind
    return None


def suggest_field(name: str, schema: Schema) -> str:
    from booklet.errors import suggest

    return suggest(name, schema.fields)


def check_title(kind: str, title: str | None, report: Report, line: int) -> None:
    rule = SCHEMAS[kind]
    if rule.title == "required" and not title:
        report(line, f"{kind} sidebar needs a title: write ':::{{{kind}}} {rule.title_hint}'")
    elif rule.title == "none" and title:
        report(line, f"{kind} sidebar takes no title; put it in a field or the body")


def check_required(
    kind: str, title: str | None, fields: dict[str, tuple[str, int]], report: Report, line: int
) -> None:
    schema = SCHEMAS[kind]
    named = f"{kind} '{title}'" if title else kind
    for name in schema.required:
        if name not in fields:
            report(line, f"{named} needs field '{name}' (fields: {', '.join(schema.fields)})")


# Digits with grouping and decimal marks as any shipped language writes them, and a sign.
PLAIN_NUMBER = re.compile(r"^[-−+]?\d[\d.,'\u202f\u00a0 ]{0,20}$")  # 21 digits at most: finite


def parse_number(text: str, language: str = "en") -> float | None:
    """A chart value: written the book's way ('70.000' in Dutch) or the English way ('70,000');
    None for what is not written in digits ('1e25', 'nan', 'inf' are numbers to Python only)."""
    if not PLAIN_NUMBER.match(text.strip()):
        return None
    local = i18n.parse_number(text, language)
    if local is not None:
        return local
    cleaned = text.strip().replace(",", "").replace("\u202f", "").replace(" ", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


def decimals(text: str, language: str = "en") -> int:
    """How many decimals a chart value is written with, read as `parse_number` reads it."""
    point = "." if i18n.parse_number(text, language) is None else i18n.decimal_symbol(language)
    _, found, fraction = text.strip().rpartition(point)
    return len(fraction) if found and fraction.isdigit() else 0


def split_pair(item: RawItem) -> tuple[str, str] | None:
    key, sep, rest = item.source.partition(": ")
    if not sep or not key.strip() or not rest.strip():
        return None
    return key.strip(), rest.strip()


def build_items(
    kind: str,
    body: RawBody,
    inline: Inline,
    report: Report,
    language: str = "en",
    facts_language: str = "",
) -> tuple[Item, ...]:
    """Check a list-shaped body and turn its entries into typed `Item`s.

    In a translated edition (`facts_language`: the source's), chart values and timeline dates
    are the source's, read the source's way and shown the edition's way."""
    schema = SCHEMAS[kind]
    if body.items is None or not body.items:
        report(0, f"{kind} sidebar needs a list, one entry per line, e.g. '{schema.example}'")
        return ()
    if schema.body == "list":
        return tuple(Item("", i.html, i.line) for i in body.items)
    items: list[Item] = []
    previous: tuple[tuple[int, int, int], str] | None = None
    for raw in body.items:
        pair = split_pair(raw)
        if pair is None:
            report(raw.line, f"{kind} entry needs the form '{schema.example.lstrip('- ')}'")
            continue
        key, rest = pair
        if kind == "chart":
            number = parse_number(rest, facts_language or language)
            if number is None or number < 0:
                report(
                    raw.line,
                    f"chart value '{rest}' for '{key}' is not a number; write it in digits, 21 at most",
                )
                continue
            written = decimals(rest, facts_language or language)
            items.append(Item(key, f"{rest}", raw.line, number, written))
            continue
        if kind == "timeline":
            when = dates.parse(key, facts_language or language)
            if when is None:
                example = dates.example(facts_language or language)
                report(raw.line, f"timeline date '{key}' is not a date; write {example}")
                continue
            if previous and when.key < previous[0]:
                report(
                    raw.line,
                    f"timeline dates out of order: '{key}' comes after '{previous[1]}'; "
                    "list events oldest first",
                )
            previous = (when.key, key)
            if facts_language or when.iso:  # shown the edition's way; '1900-05-01' locally
                key = i18n.timeline_date(when.key, language, when.form)
        items.append(Item(inline(key, raw.line), inline(rest, raw.line), raw.line))
    return tuple(items)


def build_sidebar(
    kind: str,
    sidebar_id: str,
    title_html: str | None,
    fields: dict[str, tuple[str, int]],
    body: RawBody,
    inline: Inline,
    line: int,
    report: Report,
    language: str = "en",
    facts_language: str = "",
) -> Sidebar:
    """Validate a sidebar against its schema (reporting problems) and build the model object."""
    schema = SCHEMAS[kind]
    items: tuple[Item, ...] = ()
    if schema.body in ("list", "pairs"):
        items = build_items(
            kind, body, inline, lambda ln, msg: report(ln or line, msg), language, facts_language
        )
    elif body.empty:
        report(line, f"{kind} sidebar is empty; write {schema.example} between the fences")
    elif body.items:  # free Markdown that is one list: its entries too (teacher's notes)
        items = tuple(Item("", i.html, i.line) for i in body.items)
    return Sidebar(
        kind=kind,
        id=sidebar_id,
        title=title_html,
        fields=tuple((name, inline(value)) for name, (value, _) in fields.items()),
        body_html=body.html if schema.body not in ("list", "pairs") else "",
        items=items,
        line=line,
    )
