"""A chapter's Markdown source in, its translatable segments out (one per block: a heading, a
paragraph, a list item, a table cell, a footnote, an image's alt text, caption and credit, a
sidebar's title, text fields and body blocks, the front matter's title, short title and summary),
and the same source with each segment replaced by its translation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

FRONT_KEYS = ("title", "short_title", "summary")
BOOK_KEYS = (
    "title",
    "subtitle",
    "description",
    "back_cover",
    "rights",
    "cover_alt",
    "cover_credit",
)
FENCE_OPEN = re.compile(r"^:::\{([^}]*)\}[ \t]*(.*?)[ \t]*$")
FIELD = re.compile(r"^:([A-Za-z_][\w-]*):[ \t]*(.*?)[ \t]*$")
HEADING = re.compile(r"^(#{1,6}[ \t]+)(.*?)([ \t]*\{#[^\W\d_][\w-]*\})?[ \t]*$")
ITEM = re.compile(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)(.*)$")
FOOTNOTE = re.compile(r"^(\[\^([^\]\s]+)\]:[ \t]*)(.*)$")
IMAGE = re.compile(
    r'^!\[(?P<alt>[^\]]*)\]\((?P<src>\S+)(?:[ \t]+"(?P<caption>[^"]*)")?\)(?P<attrs>\{[^}]*\})?$'
)
CREDIT = re.compile(r'(credit=")([^"]*)(")')
CODE_FENCE = re.compile(r"^[ \t]*(```|~~~)")
# In these sidebars a list item is `fact: text`; the fact (a number, a date) stays the source's.
# A `numbers` value ('30,000', 'Almost 100') is text a reader reads: a message of its own, kept
# honest by the facts check; chart values and timeline dates are the source's (see sidebars).
KEYED = {"numbers": "both", "timeline": "before", "chart": "after"}
KEY_SPLIT = re.compile(r"^(.*?):[ \t]+(.*)$")
# A fallback (a block with no translation) is marked with these; loading turns them into `lang`.
FALLBACK_START, FALLBACK_END = "\ue000", "\ue001"
# What a translation may not hold where it goes back (an image's title is in quotes, …).
ESCAPES: dict[str, Callable[[str], str]] = {
    "image: alt": lambda s: s.replace("]", "\\]"),
    "image: caption": lambda s: s.replace('"', '\\"'),
    "image: credit": lambda s: s.replace('"', "'"),
}


@dataclass(frozen=True)
class Segment:
    """One message: its text in the source, where it is, and how to put a translation back."""

    context: str  # what it is: "paragraph", "heading", "facts: item", "profile: role", …
    text: str
    line: int  # 1-based line of the source file
    end: int  # the line after its last one
    start_col: int  # where the text begins on its first line
    end_col: int  # where it ends on its last line (from the line's start)
    anchored: bool = False  # a heading with an id of its own (`{#id}`)


@dataclass
class Scanner:
    lines: list[str]
    found: list[Segment]
    sidebar: str = ""  # the kind of the sidebar we are in, or ""
    in_code: bool = False

    def add(self, context: str, line: int, start: int, text: str, anchored: bool = False) -> None:
        if text.strip():
            end = start + len(text)
            self.found.append(Segment(context, text, line, line + 1, start, end, anchored))


def segments(text: str) -> list[Segment]:
    """Every translatable segment of a chapter, in reading order."""
    lines = text.split("\n")
    scanner = Scanner(lines, [])
    body = front_matter(scanner)
    paragraph: list[int] = []
    sidebar = ""  # the sidebar a paragraph began in (its closing fence ends it)
    for number in range(body, len(lines)):
        line = lines[number]
        kind = scanner.sidebar
        if scan_line(scanner, number, line) or not line.strip():
            flush(scanner, paragraph, sidebar)
            paragraph = []
        else:
            sidebar = kind if not paragraph else sidebar
            paragraph.append(number)
    flush(scanner, paragraph, sidebar)
    return sorted(scanner.found, key=lambda s: (s.line, s.start_col))


def front_matter(scanner: Scanner) -> int:
    """The front matter's segments; the index of the first body line."""
    lines = scanner.lines
    if not lines or lines[0].rstrip() != "---":
        return 0
    for number in range(1, len(lines)):
        if lines[number].rstrip() == "---":
            return number + 1
        yaml_key(scanner, number, FRONT_KEYS, "front matter")
    return 0


def yaml_key(scanner: Scanner, number: int, keys: tuple[str, ...], where: str) -> None:
    """A `key: value` among `keys` as a segment (its value as YAML reads it), the value's
    indented continuation lines included: a long value folded onto the next lines, or a block
    scalar (`summary: >`), is one message, and its translation replaces all of its lines."""
    key, _, value = scanner.lines[number].partition(":")
    if key not in keys or not value.strip():
        return
    last = number
    while last + 1 < len(scanner.lines) and scanner.lines[last + 1][:1] in (" ", "\t"):
        last += 1
    start = len(key) + 1 + (len(value) - len(value.lstrip()))
    source = "\n".join([value, *scanner.lines[number + 1 : last + 1]])
    text = yaml_text(source.strip()) if last > number else yaml_text(value.strip())
    if text.strip():
        end_col = len(scanner.lines[last]) if last > number else start + len(text)
        scanner.found.append(Segment(f"{where}: {key}", text, number + 1, last + 2, start, end_col))


def book_segments(text: str) -> list[Segment]:
    """The translatable values of `book.yaml` (one-line keys only)."""
    scanner = Scanner(text.split("\n"), [])
    for number in range(len(scanner.lines)):
        yaml_key(scanner, number, BOOK_KEYS, "book")
    return scanner.found


def yaml_text(value: str) -> str:
    """A YAML scalar's text (quotes removed, folded lines joined the YAML way), for the
    message."""
    import yaml

    try:
        loaded = (
            yaml.safe_load(f"value: {value}")["value"] if "\n" in value else yaml.safe_load(value)
        )
    except yaml.YAMLError:
        return value
    return loaded if isinstance(loaded, str) else value


def scan_line(scanner: Scanner, number: int, line: str) -> bool:
    """Handle a line that is a block of its own; False for a line of a paragraph (or blank)."""
    if CODE_FENCE.match(line):
        scanner.in_code = not scanner.in_code
        return True
    if scanner.in_code:
        return True
    return any(rule(scanner, number, line) for rule in LINE_RULES)


def fence(scanner: Scanner, number: int, line: str) -> bool:
    if line.strip() == ":::" and scanner.sidebar:
        scanner.sidebar = ""
        return True
    match = FENCE_OPEN.match(line)
    if not match:
        return False
    scanner.sidebar = match[1].strip()
    scanner.add(f"{scanner.sidebar}: title", number + 1, match.start(2), match[2])
    return True


def field(scanner: Scanner, number: int, line: str) -> bool:
    match = FIELD.match(line) if scanner.sidebar else None
    if match:
        scanner.add(f"{scanner.sidebar}: {match[1]}", number + 1, match.start(2), match[2])
    return bool(match)


def heading(scanner: Scanner, number: int, line: str) -> bool:
    match = HEADING.match(line)
    if match:
        kind = context(scanner, "heading")
        scanner.add(kind, number + 1, match.start(2), match[2], anchored=bool(match[3]))
    return bool(match)


def item(scanner: Scanner, number: int, line: str) -> bool:
    match = ITEM.match(line)
    if not match:
        return False
    start, text = match.start(2), match[2]
    side = KEYED.get(scanner.sidebar)
    keyed = KEY_SPLIT.match(text) if side else None
    if keyed and side == "both":
        scanner.add(context(scanner, "value"), number + 1, start, keyed[1])
    if keyed and side in ("before", "both"):
        start, text = start + keyed.start(2), keyed[2]
    elif keyed:
        text = keyed[1]
    scanner.add(context(scanner, "item"), number + 1, start, text)
    return True


def footnote(scanner: Scanner, number: int, line: str) -> bool:
    match = FOOTNOTE.match(line)
    if match:
        scanner.add(f"footnote {match[2]}", number + 1, match.start(3), match[3])
    return bool(match)


def table(scanner: Scanner, number: int, line: str) -> bool:
    if not line.lstrip().startswith("|"):
        return False
    if re.fullmatch(r"[\s|:-]+", line):
        return True  # the alignment row
    for cell in re.finditer(r"(?<=\|)([^|]+)(?=\|)", line):
        text = cell[1].strip()
        start = cell.start(1) + (len(cell[1]) - len(cell[1].lstrip()))
        scanner.add(context(scanner, "table cell"), number + 1, start, text)
    return True


def image(scanner: Scanner, number: int, line: str) -> bool:
    match = IMAGE.match(line.strip())
    if not match:
        return False
    offset = len(line) - len(line.lstrip())
    scanner.add("image: alt", number + 1, offset + match.start("alt"), match["alt"])
    if match["caption"] is not None:
        scanner.add("image: caption", number + 1, offset + match.start("caption"), match["caption"])
    credit = CREDIT.search(match["attrs"] or "")
    if credit:
        start = offset + match.start("attrs") + credit.start(2)
        scanner.add("image: credit", number + 1, start, credit[2])
    return True


def context(scanner: Scanner, what: str) -> str:
    return f"{scanner.sidebar}: {what}" if scanner.sidebar else what


LINE_RULES: list[Callable[[Scanner, int, str], bool]] = [
    fence,
    field,
    heading,
    footnote,
    image,
    table,
    item,
]


def flush(scanner: Scanner, paragraph: list[int], sidebar: str) -> None:
    """A paragraph (or a sidebar's body paragraph) of consecutive lines, as one segment."""
    if not paragraph:
        return
    first, last = paragraph[0], paragraph[-1]
    lines = scanner.lines
    start = len(lines[first]) - len(lines[first].lstrip(" >"))
    text = "\n".join(lines[n] for n in range(first, last + 1))[start:]
    kind = f"{sidebar}: paragraph" if sidebar else "paragraph"
    scanner.found.append(Segment(kind, text, first + 1, last + 2, start, len(lines[last])))


def replaced(text: str, found: list[Segment], translate: Callable[[Segment], str]) -> str:
    """The source with each segment's text replaced by `translate(segment)` (its lines kept)."""
    lines = text.split("\n")
    for segment in sorted(found, key=lambda s: (s.line, s.start_col), reverse=True):
        first, last = segment.line - 1, segment.end - 2
        new = translate(segment)
        if segment.context.startswith(("front matter:", "book:")):
            new = json.dumps(new, ensure_ascii=False)  # a YAML double-quoted scalar
            head = lines[first][: segment.start_col]
            lines[first : last + 1] = [head + new]  # a value folded on several lines: one
            continue
        if segment.end - segment.line == 1:
            new = new.replace("\n", " ")
        if segment.context in ESCAPES:
            new = ESCAPES[segment.context](new)
        head = lines[first][: segment.start_col]
        tail = lines[last][segment.end_col :] if segment.line == segment.end - 1 else ""
        lines[first : last + 1] = (head + new + tail).split("\n")
    return "\n".join(lines)
