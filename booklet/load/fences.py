"""A chapter's markdown-it tokens and source lines in, the fences and notes an author left open
or misplaced out (as errors): a sidebar inside a quote, list or footnote (markdown-it reads it
there, but as text nobody validates); a code block never closed (it swallows the rest of the
chapter); a footnote defined twice (the second is dropped in silence)."""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it.token import Token

FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:")
CODE_FENCE = re.compile(r"^(`{3,}|~{3,})")

Report = Callable[[int, str], None]


def check_fences(tokens: list[Token], lines: list[str], first_line: int, report: Report) -> None:
    """Report every misplaced or unclosed fence in `tokens` (a chapter body parsed from
    `lines`, whose first is line `first_line` of its file)."""
    for token in tokens:
        if token.map is None or token.type not in ("fence", "colon_fence"):
            continue
        line = first_line + token.map[0]
        if token.type == "colon_fence" and token.level > 0:
            report(
                line,
                "a sidebar cannot stand inside a quote, a list or a footnote; start its ':::' "
                "at the beginning of a line, outside them",
            )
        elif token.type == "fence" and not closed(token, lines):  # sidebars: chapter.sidebar
            report(
                line,
                "this code block is never closed, so it takes in the rest of the text; add a "
                f"line '{token.markup}' after its end",
            )
    footnotes_defined_twice(lines, first_line, report)


def closed(token: Token, lines: list[str]) -> bool:
    """Whether the fence's last line closes it (markdown-it runs an open one to the end)."""
    assert token.map is not None
    start, end = token.map
    if end - start < 2 or end > len(lines):
        return False
    last = lines[end - 1].strip()
    mark = token.markup[0]
    return len(last) >= len(token.markup) and last == mark * len(last)


def footnotes_defined_twice(lines: list[str], first_line: int, report: Report) -> None:
    """A second '[^x]:' definition (outside code blocks): markdown-it keeps the first only."""
    seen: dict[str, int] = {}
    fence = ""
    for number, text in enumerate(lines, first_line):
        opening = CODE_FENCE.match(text)
        if opening and (not fence or opening.group(1).startswith(fence)):
            fence = "" if fence else opening.group(1)
            continue
        match = None if fence else FOOTNOTE_DEFINITION.match(text)
        if match is None:
            continue
        label = match.group(1)
        if label in seen:
            report(
                number,
                f"footnote [^{label}] is defined twice (also on line {seen[label]}); keep one, "
                "or give this one a label of its own",
            )
        seen.setdefault(label, number)
