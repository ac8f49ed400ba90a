"""A sidebar's kind, title, field lines and parsed body in, a validated `Sidebar` (or errors) out.

Each kind is one `Schema` entry plus `templates/sidebars/<kind>.html` and its styles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from booklet import i18n
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
}

FIELD_LINE = re.compile(r"^:([A-Za-z][\w-]*):(?:\s+(.*))?$")
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
# '10 May 1940', '1er mai 1940', '10. Mai 1940', 'mei 1941', '1940–1944'.
DATE = re.compile(
    r"^(?:(?P<day>\d{1,2})(?:\.|er)?\s+)?(?:(?P<month>[^\W\d_]+)\.?\s+)?(?P<year>\d{3,4})(?:\s*[–-].*)?$"
)
ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?$")


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


def date_key(text: str, language: str = "en") -> tuple[int, int, int] | None:
    """A sortable (year, month, day) for '1940', 'May 1940', '10 May 1940' or '1940-05-10'.

    Month names may be English or in the book's language ('10 mei 1940', '10. Mai 1940').
    """
    text = text.strip()
    iso = ISO_DATE.match(text)
    if iso:
        return int(iso["year"]), int(iso["month"]), int(iso["day"] or 0)
    match = DATE.match(text)
    if not match:
        return None
    month = 0
    if match["month"]:
        name = match["month"].lower()
        month = MONTHS.get(name) or i18n.month_numbers(language).get(name, -1)
        if month < 0:
            return None
    if match["day"] and not month:
        return None
    return int(match["year"]), month, int(match["day"] or 0)


def parse_number(text: str, language: str = "en") -> float | None:
    """A chart value: written the book's way ('70.000' in Dutch) or the English way ('70,000')."""
    local = i18n.parse_number(text, language)
    if local is not None:
        return local
    cleaned = text.strip().replace(",", "").replace("\u202f", "").replace(" ", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


def split_pair(item: RawItem) -> tuple[str, str] | None:
    key, sep, rest = item.source.partition(": ")
    if not sep or not key.strip() or not rest.strip():
        return None
    return key.strip(), rest.strip()


def build_items(
    kind: str,
    body: RawBody,
    inline: Callable[[str], str],
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
                report(raw.line, f"chart value '{rest}' for '{key}' is not a number; write digits")
                continue
            items.append(Item(key, f"{rest}", raw.line, number))
            continue
        if kind == "timeline":
            when = date_key(key, facts_language or language)
            if when is None:
                report(
                    raw.line,
                    f"timeline date '{key}' is not a date; write '1940', 'May 1940' "
                    "or '10 May 1940'",
                )
                continue
            if previous and when < previous[0]:
                report(
                    raw.line,
                    f"timeline dates out of order: '{key}' comes after '{previous[1]}'; "
                    "list events oldest first",
                )
            previous = (when, key)
            if facts_language:
                key = i18n.timeline_date(when, language)
        items.append(Item(inline(key), inline(rest), raw.line))
    return tuple(items)


def build_sidebar(
    kind: str,
    sidebar_id: str,
    title_html: str | None,
    fields: dict[str, tuple[str, int]],
    body: RawBody,
    inline: Callable[[str], str],
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
    return Sidebar(
        kind=kind,
        id=sidebar_id,
        title=title_html,
        fields=tuple((name, inline(value)) for name, (value, _) in fields.items()),
        body_html=body.html if schema.body not in ("list", "pairs") else "",
        items=items,
        line=line,
    )
