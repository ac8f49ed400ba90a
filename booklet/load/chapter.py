"""A chapter's Markdown in, its blocks (prose and sidebars), headings and footnotes out.

`parse_chapter` parses the text once, checks its nesting and raw HTML, runs `CHAPTER_RULES` on the
tokens, then cuts them at each level-0 ':::' fence: the prose between is rendered as it is, each
fence becomes a typed sidebar (its fields, and its body parsed again and run through `RULES`).
Footnotes come last, and calls of notes that were never defined.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from booklet.errors import Collector, suggest
from booklet.load.fences import check_fences
from booklet.load.markdown import (
    INLINE_TOO_DEEP,
    MAX_DEPTH,
    slugify,
    too_deep,
    too_deep_inline,
)
from booklet.load.rules import (
    CHAPTER_RULES,
    RULES,
    ChapterState,
    ParsedChapter,
    inline_links,
    run,
)
from booklet.load.sidebars import (
    SCHEMAS,
    RawBody,
    RawItem,
    build_sidebar,
    check_required,
    check_title,
    kind_meant,
)
from booklet.load.sidebars import parse_fields as parse_sidebar_fields
from booklet.model import Footnote, Prose, Sidebar, TeacherNotes

# '- 10. Mai 1942: …' in a sidebar list is a date, not a nested ordered list starting at 10.
BULLET_NUMBER = re.compile(r"^([ \t]*[-*+][ \t]+\d{1,9})\.(?=[ \t])", re.M)
ESCAPED_NUMBER = re.compile(r"^(\d{1,9})\\\.")
FOOTNOTE_CALL = re.compile(r"\[\^[^\]\s]+\](?!:)")
FENCE_INFO = re.compile(r"^\{([^}]*)\}\s*(.*)$")


def parse_chapter(
    md: MarkdownIt,
    collector: Collector,
    chapter_slugs: dict[str, str],
    language: str,
    path: Path,
    text: str,
    first_line: int,
    slug: str,
    facts_language: str = "",
) -> ParsedChapter:
    """Parse one chapter's body (starting at `first_line` of `path`); problems go to `collector`.

    `chapter_slugs` maps the book's chapter file names to slugs, for links between chapters;
    `facts_language` is a translated edition's source language (chart values, timeline dates).
    """
    lines = text.split("\n")
    state = ChapterState(
        md, collector, chapter_slugs, language, path, slug, first_line, lines, facts_language
    )
    env: dict[str, Any] = {"slug": slug}
    tokens = md.parse(text, env)
    check_parsed(state, tokens, env, first_line)
    check_fences(tokens, lines, first_line, state.error)
    body, notes = split_footnotes(tokens)
    run(state, CHAPTER_RULES, body, 0)
    segment: list[Token] = []
    for token in body:
        if token.type == "colon_fence" and token.level == 0:
            flush(state, segment, env)
            follows = state.out.blocks[-1] if state.out.blocks and not segment else None
            segment = []
            words = state.out.words
            made = sidebar(state, token)
            if made and made.kind == "teacher":
                state.out.words = words  # the book's length is what pupils read
                state.out.teacher.append(teacher_notes(made, follows))
            elif made:
                state.out.blocks.append(made)
        else:
            segment.append(token)
    flush(state, segment, env)
    footnotes(state, notes, env)
    undefined_notes(state, body)
    unused_notes(state, env)
    return state.out


def teacher_notes(notes: Sidebar, follows: object) -> TeacherNotes:
    """A teacher sidebar without a title right after a questions box (nothing between them)
    holds the notes on those questions; any other (e.g. ':::{teacher} Lesson steps') holds
    notes on the chapter."""
    if isinstance(follows, Sidebar) and follows.kind == "questions" and not notes.title:
        return TeacherNotes(notes, follows.id)
    return TeacherNotes(notes)


def flush(state: ChapterState, segment: list[Token], env: dict[str, Any]) -> None:
    """The prose between two sidebars, as one block."""
    if segment:
        state.out.blocks.append(Prose(state.md.renderer.render(segment, state.md.options, env)))


def check_parsed(
    state: ChapterState, tokens: list[Token], env: dict[str, Any], first_line: int
) -> None:
    """Report nesting beyond the limit (an error) and raw HTML shown as text (a warning)."""
    deep = too_deep(tokens)
    if deep is not None:
        state.error(
            first_line + (deep.map[0] if deep.map else 0),
            f"lists and quotes are nested more than {MAX_DEPTH} levels deep here; flatten them",
        )
    deep = too_deep_inline(tokens)
    if deep is not None:
        state.reported.add(("deep", ""))  # list entries are rendered again
        state.error(first_line + (deep.map[0] if deep.map else 0), INLINE_TOO_DEEP)
    warn_raw_html(state, env, first_line)


def warn_raw_html(
    state: ChapterState, env: dict[str, Any], first_line: int, inline: bool = False
) -> None:
    """Report what `find_raw_html` noted: dropped links as errors, raw HTML as warnings.

    `inline`: the text was one sidebar title, field or list entry, all on `first_line`;
    list entries are rendered again from their source, so what was reported is skipped.
    """
    for offset, (kind, url) in env.pop("dropped_links", []):
        if state.first_report((kind, url), inline):
            line = first_line if inline else first_line + offset
            if kind == "image":
                state.error(
                    line,
                    f"image '{url}' must be a file inside the manuscript folder, "
                    "given as a relative path",
                )
            else:
                state.error(
                    line,
                    f"link target '{url}' is not allowed; write 'https://…' or 'NN-chapter.md#id'",
                )
    for offset, tag in env.pop("raw_html", []):
        if state.first_report(("html", tag), inline):
            line = first_line if inline else first_line + offset
            state.collector.warn(
                state.path, line, f"raw HTML '{tag}' is shown as text; use Markdown instead"
            )


def sidebar(state: ChapterState, token: Token) -> Sidebar | None:
    """A level-0 ':::{kind} Title' fence as a typed sidebar, or None after reporting why not."""
    line = state.line_of(token, 0)
    start, end = token.map or (0, 0)
    if end - 1 <= start or not state.lines[end - 1].strip().startswith(":::"):
        state.error(line, "sidebar is never closed; add a line ':::' after its body")
        return None
    info = FENCE_INFO.match(token.info.strip())
    if not info:
        state.error(line, f"sidebar needs a kind: write ':::{{note}}' (kinds: {kinds()})")
        return None
    kind, title = info.group(1).strip(), info.group(2).strip() or None
    if kind not in SCHEMAS:
        meant = kind_meant(kind)
        hint = (
            f"; did you mean '{meant}'? Kinds are English words"
            if meant
            else suggest(kind, SCHEMAS)
        )
        state.error(line, f"unknown sidebar kind '{kind}'{hint} (kinds: {kinds()})")
        return None
    lines = token.content.split("\n")
    nested = next((n for n, text in enumerate(lines) if text.lstrip().startswith(":::")), None)
    if nested is not None:
        state.error(
            line + 1 + nested,
            f"sidebars cannot be nested: the one opened on line {line} is still open here; "
            "close it with a line ':::' before this one",
        )
        return None
    return typed_sidebar(state, kind, title, lines, line)


def typed_sidebar(
    state: ChapterState, kind: str, title: str | None, lines: list[str], line: int
) -> Sidebar:
    """A sidebar of a known kind: its fields, title and body checked against its schema."""
    fields, used = parse_sidebar_fields(lines, line + 1, kind, state.error)
    check_title(kind, title, state.error, line)
    state.sidebar_line, state.reported = line, set()
    for value, field_line in fields.values():  # report at the field's own line
        env: dict[str, Any] = {"slug": state.slug}
        state.md.parseInline(value, env)
        warn_raw_html(state, env, field_line, inline=True)

    def inline(source: str, line: int = 0) -> str:
        return sidebar_inline(state, source, line or state.sidebar_line)

    title_text = inline(title) if title else None
    body_lines = colonless_fields(state, kind, lines[used:], line + 1 + used, fields)
    check_required(kind, title, fields, state.error, line)
    body = sidebar_body(state, "\n".join(body_lines), line + 1 + used)
    state.counts[kind] += 1
    ident = state.unique_id(
        f"{state.slug}--term-{slugify(title)}"
        if kind == "term" and title
        else f"{state.slug}--{kind}-{state.counts[kind]}"
    )
    return build_sidebar(
        kind,
        ident,
        title_text,
        fields,
        body,
        inline,
        line,
        state.error,
        state.language,
        state.facts_language,
    )


UNMARKED_FIELD = re.compile(r"^([A-Za-z][\w-]*):\s+(\S.*)$")


def colonless_fields(
    state: ChapterState,
    kind: str,
    lines: list[str],
    first_line: int,
    fields: dict[str, tuple[str, int]],
) -> list[str]:
    """A body line 'source: …' naming a field of the kind is that field without its leading
    colon: reported at its line, and taken as the field (its line left blank in the body), so
    that the body is not reported as something else."""
    body = list(lines)
    for n, text in enumerate(lines):
        found = UNMARKED_FIELD.match(text.strip())
        if not found or found.group(1) not in SCHEMAS[kind].fields or found.group(1) in fields:
            continue
        name = found.group(1)
        state.error(
            first_line + n,
            f"'{name}:' is read as text: a field starts with a colon and comes before the "
            f"body; write ':{name}: {found.group(2)[:40]}'",
        )
        fields[name] = (found.group(2).strip(), first_line + n)
        body[n] = ""
    return body


def sidebar_inline(state: ChapterState, source: str, line: int) -> str:
    """A sidebar title, field value or list entry (at `line`) as inline HTML (raw HTML
    escaped, reported; links checked and pointed at their ids)."""
    env: dict[str, Any] = {"slug": state.slug}
    tokens = state.md.parseInline(source, env)
    warn_raw_html(state, env, state.sidebar_line, inline=True)
    if too_deep_inline(tokens):
        if state.first_report(("deep", ""), inline=True):
            state.error(state.sidebar_line, INLINE_TOO_DEEP)
        return html.escape(source)
    for token in tokens:
        inline_links(state, token, line)
    return str(state.md.renderer.render(tokens, state.md.options, env))


def sidebar_body(state: ChapterState, text: str, first_line: int) -> RawBody:
    """A sidebar's body parsed on its own (at its lines): rendered, and its list entries."""
    env: dict[str, Any] = {"slug": state.slug}
    md = state.md
    tokens = md.parse(BULLET_NUMBER.sub(r"\1\\.", text), env)
    check_parsed(state, tokens, env, first_line)
    tokens, _ = split_footnotes(tokens)
    run(state, RULES, tokens, first_line - state.first_line)
    rendered = md.renderer.render(tokens, md.options, env)
    if FOOTNOTE_CALL.search(text):
        state.error(
            first_line,
            "footnotes cannot be used inside a sidebar; put the remark in the sidebar's text",
        )
    top = [t for t in tokens if t.level == 0]
    items: tuple[RawItem, ...] | None = None
    if (
        len(top) == 2
        and top[0].type in ("bullet_list_open", "ordered_list_open")
        and top[1].type in ("bullet_list_close", "ordered_list_close")
    ):
        items = list_items(state, tokens, env, first_line)
    return RawBody(rendered, items, not text.strip())


def list_items(
    state: ChapterState, tokens: list[Token], env: dict[str, Any], first_line: int
) -> tuple[RawItem, ...]:
    """The entries of a body that is one list: source text, inline HTML and line of each."""
    renderer: Any = state.md.renderer  # RendererHTML; the protocol type lacks renderInline
    found = []
    for i, t in enumerate(tokens):
        if t.type == "list_item_open" and t.level == 1:
            inline = next((x for x in tokens[i:] if x.type == "inline"), None)
            if inline is None or inline.children is None:
                continue
            found.append(
                RawItem(
                    ESCAPED_NUMBER.sub(r"\1.", inline.content),
                    renderer.renderInline(inline.children, state.md.options, env),
                    first_line + (t.map[0] if t.map else 0),
                )
            )
    return tuple(found)


def footnotes(state: ChapterState, tokens: list[Token], env: dict[str, Any]) -> None:
    current: list[Token] = []
    number = 0
    for token in tokens:
        if token.type == "footnote_open":
            current, number = [], int(token.meta["id"]) + 1
        elif token.type == "inline":
            inline_links(state, token, state.line_of(token, 0))
            current.append(token)
        elif token.type == "footnote_close":
            body = state.md.renderer.render(current, state.md.options, env)
            state.out.footnotes.append(Footnote(f"{state.slug}--fn-{number}", number, body.strip()))
        elif token.type != "footnote_anchor":
            current.append(token)


def undefined_notes(state: ChapterState, tokens: list[Token]) -> None:
    """A `[^x]` left as text means a footnote call without a definition."""
    for token in tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                match = FOOTNOTE_CALL.search(child.content) if child.type == "text" else None
                if match:
                    label = match.group(0)
                    state.error(
                        state.line_of(token, 0),
                        f"footnote {label} has no definition; add a line '{label}: text'",
                    )


def unused_notes(state: ChapterState, env: dict[str, Any]) -> None:
    """A footnote definition no `[^x]` calls is printed nowhere: a warning at its line."""
    refs = env.get("footnotes", {}).get("refs", {})
    for key, used in refs.items():
        if used != -1:
            continue
        label = str(key)[1:]
        definition = f"[^{label}]:"
        found = next((n for n, text in enumerate(state.lines) if text.startswith(definition)), 0)
        state.collector.warn(
            state.path,
            state.first_line + found,
            f"footnote [^{label}] is defined but never called, so it is printed nowhere; "
            f"call it with [^{label}] in the text, or remove it",
        )


def split_footnotes(tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    """Separate the footnote block that the footnote plugin appends at the end."""
    for i, token in enumerate(tokens):
        if token.type == "footnote_block_open":
            notes = [
                t
                for t in tokens[i:]
                if t.type not in ("footnote_block_open", "footnote_block_close")
            ]
            return tokens[:i], notes
    return tokens, []


def kinds() -> str:
    return ", ".join(sorted(SCHEMAS))
