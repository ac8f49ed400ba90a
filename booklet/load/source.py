"""A manuscript's text files in, checked text out: read_text (UTF-8, limits, control characters),
YAML mappings with the line of each key (safe, no aliases, no deep nesting), front matter."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from booklet.errors import Collector, suggest

CHAPTER_KEYS = {"title": str, "short_title": str, "summary": str, "handout": bool}
MAX_CHAPTER_BYTES = 1_000_000
MAX_YAML_DEPTH = 20
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*$\n?", re.S | re.M)
OPENING_FENCE = re.compile(r"\A---[ \t]*$", re.M)
# Characters that XML (and so XHTML, EPUB and PDF metadata) cannot hold; tab and newline are fine.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# What a YAML escape ('\\0', '\\e', '\\ud800') can put in a value that a file cannot hold:
# the same characters, and lone surrogates, which no UTF-8 file or XML document can carry.
ESCAPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
# What check_keys calls each type in its message.
KINDS: dict[type, str] = {
    str: "text",
    list: "a list",
    bool: "true or false",
    dt.date: "a date (YYYY-MM-DD)",
    dict: "'key: text' lines",
}


def read_text(path: Path, collector: Collector, limit: int = MAX_CHAPTER_BYTES) -> str | None:
    """A manuscript text file as str with '\\n' line ends (BOM dropped), or None after an error."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            collector.error(path, 1, "is not a regular file; replace it by a text file")
            return None
        if size > limit:
            collector.error(path, 1, f"file is {size:,} bytes; the limit is {limit:,}. Split it")
            return None
        data = path.read_bytes()
    except OSError as exc:
        collector.error(path, 1, f"cannot read file: {exc.strerror}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        collector.error(
            path, line, f"file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        code = f"U+{ord(control.group()):04X}"
        collector.error(path, line, f"file contains the control character {code}; remove it")
        return None
    return text


def read_yaml(
    text: str, path: Path, first_line: int, collector: Collector, what: str = "book.yaml"
) -> tuple[dict[str, Any], dict[str, int]] | None:
    """Parse a YAML mapping; return it with the line of each key."""
    try:
        parsed = quick_yaml(text)
        if parsed is None:  # a problem: let the pure-Python parser find and name it
            unsupported = check_yaml_events(text, first_line)
            if unsupported is not None:
                collector.error(path, *unsupported)
                return None
            parsed = yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)
        node, data = parsed
    except yaml.MarkedYAMLError as exc:
        line, message = author_problem(exc, text, first_line) or yaml_problem(exc, first_line)
        collector.error(path, line, f"invalid YAML: {message}")
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML cannot read (e.g. U+0085)
        line = first_line + text.count("\n", 0, exc.position)
        code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        collector.error(path, line, f"invalid YAML: {code} cannot be read; remove it")
        return None
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        # e.g. 'date: 2026-13-45' is well-formed YAML but no date: find the value to name it.
        bad = failing_scalar(yaml.compose(text, Loader=yaml.SafeLoader))
        line = first_line + (bad.start_mark.line if bad else 0)
        kind = "date" if bad and bad.tag.endswith(":timestamp") else "value"
        value = f"'{bad.value}' is not a valid {kind} " if bad else ""
        collector.error(path, line, f"invalid YAML: {value}({str(exc).splitlines()[0]})")
        return None
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        found = "a list" if isinstance(data, list) else "a single value"
        collector.error(
            path, first_line, f"{what} must be 'key: value' lines like 'title: …', not {found}"
        )
        return None
    problems = node_problems(node, first_line)
    for line, message in problems:
        collector.error(path, line, message)
    if problems:
        return None
    lines = {str(k.value): first_line + k.start_mark.line for k, _ in node.value}
    return data, lines


def node_problems(root: yaml.Node, first_line: int) -> list[tuple[int, str]]:
    """The line and message of each key given twice in a mapping (YAML keeps the last one in
    silence) and of each text holding a character that an escape put there but that no
    output can carry (a NUL, an ESC, a lone surrogate). Walked without recursion."""
    problems: list[tuple[int, str]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        line = first_line + node.start_mark.line
        if isinstance(node, yaml.ScalarNode) and (bad := ESCAPED.search(str(node.value))):
            code = f"U+{ord(bad.group()):04X}"
            problems.append(
                (
                    line,
                    f"the value holds the control character {code}, which no output can carry; remove it",
                )
            )
        elif isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name, at = str(key.value), first_line + key.start_mark.line
                if isinstance(key, yaml.ScalarNode) and name in seen:
                    problems.append(
                        (
                            at,
                            f"'{printable(name)}' is given twice (also on line {seen[name]}); "
                            "keep one",
                        )
                    )
                seen.setdefault(name, at)
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(problems)


def quick_yaml(text: str) -> tuple[Any, Any] | None:
    """(node, data) parsed by libyaml when the text is plain YAML; None on anything unusual.

    Several times faster than the pure-Python parser; that one still reads whatever this
    refuses, so that its messages stay the only ones users see.
    """
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    try:
        if check_yaml_events(text, 1, loader) is not None:
            return None  # libyaml's composer is recursive: deep nesting must not reach it
        return yaml.compose(text, Loader=loader), yaml.load(text, Loader=loader)
    except (yaml.YAMLError, ValueError, OverflowError):
        return None


def check_yaml_events(
    text: str, first_line: int, loader: Any = yaml.SafeLoader
) -> tuple[int, str] | None:
    """The line and message of the first alias or too deep nesting, found without recursion.

    PyYAML's parser is iterative but its composer recursive: deep nesting would overflow the
    stack, and aliases can make values exponentially large ('billion laughs').
    """
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        line = first_line + (event.start_mark.line if event.start_mark else 0)
        if isinstance(event, yaml.AliasEvent):
            return line, f"YAML aliases ('*{event.anchor}') are not supported; write the value out"
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return line, f"YAML is nested more than {MAX_YAML_DEPTH} levels deep; flatten it"
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def yaml_problem(exc: yaml.MarkedYAMLError, first_line: int) -> tuple[int, str]:
    """The line and a readable message for a YAML syntax error, with a hint for common slips."""
    mark = exc.problem_mark or exc.context_mark
    line = first_line + (mark.line if mark else 0)
    problem = exc.problem or exc.context or "cannot be read"
    tag = re.match(r"could not determine a constructor for the tag '(.*)'", problem)
    if tag:
        name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
        return line, f"tags like '{name}' are not supported; write plain values"
    if exc.context == "while scanning a quoted scalar" and exc.context_mark:
        return (
            line,
            f"the quotes opened on line {first_line + exc.context_mark.line} are never closed",
        )
    if exc.context and exc.problem and exc.context_mark:
        problem += f" ({exc.context} from line {first_line + exc.context_mark.line})"
    if "'\\t'" in problem and exc.problem_mark:
        column = exc.problem_mark.column + 1
        return line, f"a tab in column {column}; YAML allows none there: use spaces, or quotes"
    return line, problem


KEY_LINE = re.compile(r"^(?P<indent>[ ]*)(?P<key>[\w-]+):[ ]+(?P<value>\S.*?)\s*$")


def author_problem(exc: yaml.MarkedYAMLError, text: str, first_line: int) -> tuple[int, str] | None:
    """The two slips YAML names in its own terms, in an author's: a value holding ': ' (French
    puts a space before a colon) and a key indented under one that holds a value; None for
    any other problem."""
    mark = exc.problem_mark
    lines = text.splitlines()
    if mark is None or mark.line >= len(lines):
        return None
    number, source = first_line + mark.line, lines[mark.line]
    written = KEY_LINE.match(source)
    indented = exc.problem == "expected <block end>, but found '<block mapping start>'"
    if exc.problem == "mapping values are not allowed here" and written:
        if not written["indent"]:
            value = written["value"].replace("\\", "\\\\").replace('"', '\\"')
            return number, (
                f"the value of '{written['key']}' holds ': ', which YAML reads as another key; "
                f'put the value in quotes: {written["key"]}: "{value}"'
            )
        indented = True
    if indented and written and written["indent"]:
        above = next((ln for ln in reversed(lines[: mark.line]) if ln.strip()), "")
        deeper = len(written["indent"]) - (len(above) - len(above.lstrip(" ")))
        return number, (
            f"this line is indented {deeper} space(s) more than the one above, whose key "
            f"already has a value; start '{written['key']}:' where the other keys start"
        )
    return None


def failing_scalar(node: yaml.Node | None) -> yaml.ScalarNode | None:
    """The first scalar (in document order) that PyYAML's safe constructor rejects."""
    if isinstance(node, yaml.ScalarNode):
        try:
            yaml.SafeLoader("").construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            return node
        return None
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    for child in children:
        found = failing_scalar(child)
        if found is not None:
            return found
    return None


def well_typed(value: Any, kind: type) -> bool:
    """Whether a YAML value has the type a key wants (YAML's true/false are no numbers)."""
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def check_keys(
    data: dict[str, Any],
    lines: dict[str, int],
    allowed: dict[str, type],
    path: Path,
    collector: Collector,
    what: str,
) -> None:
    """Report keys that are not in `allowed`, and values not of the key's type."""
    for key, value in data.items():
        line = lines.get(str(key), 1)
        if key not in allowed:
            valid = ", ".join(allowed)
            collector.error(
                path,
                line,
                f"unknown {what} key '{key}'{suggest(str(key), allowed)} (valid keys: {valid})",
            )
        elif not well_typed(value, allowed[key]):
            kind = KINDS.get(allowed[key], allowed[key].__name__)
            collector.error(path, line, f"'{key}' must be {kind}")


def split_front_matter(
    text: str, path: Path, collector: Collector
) -> tuple[dict[str, Any] | None, str, int]:
    """A chapter's front matter (None after an error), its body, and the body's first line."""
    match = FRONT_MATTER.match(text)
    if not match:
        if OPENING_FENCE.match(text):
            collector.error(path, 1, "front matter is never closed; add a line '---' after it")
        else:
            collector.error(
                path, 1, "chapter needs front matter: start with '---', 'title: …', '---'"
            )
        return None, "", 1
    parsed = read_yaml(match.group(1), path, 2, collector, "front matter")
    body_line = text[: match.end()].count("\n") + 1
    if parsed is None:
        return None, "", body_line
    data, lines = parsed
    check_keys(data, lines, CHAPTER_KEYS, path, collector, "front matter")
    if not str(data.get("title", "")).strip():
        collector.error(path, 2, "front matter needs 'title: …'")
    return data, text[match.end() :], body_line


def printable(text: str) -> str:
    """Text with control characters shown as escapes, for messages."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: m.group().encode("unicode_escape").decode(), text)
