"""A chapter's markdown-it tokens in, the same tokens rewritten and what they hold noted out.

The rules walk a token stream in place, in the order of `RULES` (markdown-it-py's shape: each
rule a function of the state): heading ids, links rewritten and checked, images noted with their
alt text and credits, figures, and block ids. `ChapterState` holds only data: where the chapter
is, what it has made so far (`ParsedChapter`) and what it already reported.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from booklet.errors import Collector, suggest
from booklet.load.markdown import fold, slugify
from booklet.load.sidebars import SCHEMAS
from booklet.load.typography import smart
from booklet.model import Block, Credit, Footnote, Heading, TeacherNotes

EXPLICIT_ID = re.compile(r"\s*\{#([^\W\d_][\w-]*)\}\s*$")
# The ids the engine makes inside a chapter (sidebars, their titles and chart texts, terms,
# notes and calls, credits, blocks): a heading whose text would slug to one ('## Note 1',
# '## fn 1') gets '-heading' after it, so that no id is used twice in a document.
GENERATED = re.compile(
    rf"^(?:(?:{'|'.join(SCHEMAS)})-\d+(?:-title|-svgtitle|-svgdesc)?|term-.*|fn-\d+.*"
    r"|fnref-\d+.*|credit-\d+|b\d+)$"
)
CHAPTER_LINK = re.compile(r"^([\w.-]+\.md)(?:#([\w-]+))?$")
EXTERNAL = re.compile(r"^(https?:|mailto:)", re.I)
BLOCKS = {
    "paragraph_open",
    "bullet_list_open",
    "ordered_list_open",
    "table_open",
    "blockquote_open",
}
FIGURE = '<figure class="figure"'


@dataclass
class Link:
    path: Path
    line: int
    target: str
    anchor: str | None  # accents folded, as ids are
    written: str = ""  # the anchor as the author typed it, for messages


@dataclass
class ParsedChapter:
    blocks: list[Block] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    images: list[tuple[str, int]] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    teacher: list[TeacherNotes] = field(default_factory=list)
    words: int = 0
    ids: set[str] = field(default_factory=set)


@dataclass
class ChapterState:
    """One chapter being parsed: where it is, what it has made, what it already reported.

    `chapter_slugs` maps the book's chapter file names to their slugs, for links between them.
    """

    md: MarkdownIt
    collector: Collector
    chapter_slugs: dict[str, str]
    language: str
    path: Path
    slug: str
    first_line: int
    lines: list[str]
    facts_language: str = ""  # a translated edition's source language
    out: ParsedChapter = field(default_factory=ParsedChapter)
    counts: Counter[str] = field(default_factory=Counter)  # blocks, credits, sidebars by kind
    sidebar_line: int = 0  # where inline text of the current sidebar is reported
    reported: set[tuple[str, str]] = field(default_factory=set)  # by the current sidebar
    next_suffix: dict[str, int] = field(default_factory=dict)  # for unique_id

    def error(self, line: int, message: str) -> None:
        self.collector.error(self.path, line, message)

    def line_of(self, token: Token, offset: int) -> int:
        return self.first_line + offset + (token.map[0] if token.map else 0)

    def unique_id(self, wanted: str) -> str:
        """`wanted`, or `wanted-2`, `-3`… when taken; the next number is remembered, so that
        58,000 headings alike cost no more than 58,000 different ones."""
        candidate, n = wanted, self.next_suffix.get(wanted, 2)
        while candidate in self.out.ids:
            candidate, n = f"{wanted}-{n}", n + 1
        self.next_suffix[wanted] = n
        self.out.ids.add(candidate)
        return candidate

    def first_report(self, key: tuple[str, str], inline: bool) -> bool:
        """False for inline text whose problem this sidebar already reported."""
        seen = key in self.reported
        self.reported.add(key)
        return not (inline and seen)


# A rule: the state, a token stream (a chapter's or a sidebar body's), and the stream's line
# offset from the chapter's first line.
Rule = Callable[[ChapterState, list[Token], int], None]


def headings(state: ChapterState, tokens: list[Token], offset: int) -> None:
    """Heading ids from '{#id}' or the text, unique in the chapter; no '#' titles."""
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            heading(state, token, tokens[i + 1], offset)


def heading(state: ChapterState, token: Token, inline: Token, offset: int) -> None:
    line = state.line_of(token, offset)
    level = int(token.tag[1])
    if level == 1:
        state.error(line, "chapters take their title from the front matter; use '##' here")
    wanted = None
    children = inline.children or []
    last = children[-1] if children else None
    if last is not None and last.type == "text":
        match = EXPLICIT_ID.search(last.content)
        if match:
            wanted = fold(match.group(1))
            last.content = last.content[: match.start()]
            inline.content = EXPLICIT_ID.sub("", inline.content)
    plain = "".join(c.content for c in children if c.type in ("text", "code_inline"))
    if not inline.content.strip():
        state.error(line, "heading is empty; write its text after the '#' signs, or remove it")
    if wanted and GENERATED.match(wanted):
        state.error(line, f"heading id '{wanted}' is one the engine makes itself; choose another")
    elif wanted and f"{state.slug}--{wanted}" in state.out.ids:
        state.error(line, f"heading id '{wanted}' is used twice in this chapter")
    made = slugify(plain)
    anchor = state.unique_id(
        f"{state.slug}--{wanted or (made + '-heading' if GENERATED.match(made) else made)}"
    )
    token.attrSet("id", anchor)
    state.out.headings.append(Heading(level, plain.strip(), anchor))


def links_and_images(state: ChapterState, tokens: list[Token], offset: int) -> None:
    """Links rewritten to ids and checked, images noted with their alt text and credit, words."""
    for token in tokens:
        if token.type == "inline" and token.children is not None:
            state.out.words += len(token.content.split())
            inline_links(state, token, state.line_of(token, offset))


def inline_links(state: ChapterState, token: Token, line: int) -> None:
    """One inline token's links rewritten and checked and its images noted, from `line` on:
    body text, and also sidebar titles, fields and footnotes, whose links would otherwise
    reach the PDF as the author's file paths."""
    children = token.children or []
    for child, following in zip(children, [*children[1:], None], strict=False):
        if child.type in ("softbreak", "hardbreak"):
            line += 1  # a link or an image is reported at its own line
        elif child.type == "link_open":
            link(state, child, line)
        elif child.type == "image":
            image(state, child, line)
            stray_attributes(state, child, following, line)


# What follows an image when its attribute block was not read as one: '{width=50%}' (an
# unquoted value markdown-it-attrs cannot read) or ' {credit="…"}' (a space before it).
ATTRIBUTES_AS_TEXT = re.compile(r"^(\s*)(\{[^{}\n]*\})")


def stray_attributes(state: ChapterState, image: Token, following: Token | None, line: int) -> None:
    """An attribute block after an image that stayed text would be printed: an error."""
    if following is None or following.type != "text":
        return
    found = ATTRIBUTES_AS_TEXT.match(following.content)
    if not found:
        return
    src = str(image.attrGet("src") or "")
    written = found.group(2).translate(TYPESET_BACK)
    if found.group(1):
        state.error(
            line,
            f"image '{src}': '{written}' is separated from the image by a space, so it would be "
            "printed as text; write it right after the image's ')'",
        )
    else:
        state.error(
            line,
            f"image '{src}' takes no attribute '{written}'; the only one is "
            '{credit="Photo: …"}',
        )


# The typographer has already run on text: put back the marks the author typed.
TYPESET_BACK = str.maketrans(
    {
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "\u202f": "",
        "\u00a0": " ",
    }
)


def link(state: ChapterState, token: Token, line: int) -> None:
    """A link within the book, checked and pointed at its id. One rule for what the author
    types: raw or percent-encoded, accents kept or left off ('02-marché.md#où-sont-les-élèves',
    '02-marche.md#ou-sont-les-eleves'), compared with accents folded; messages quote it as
    typed."""
    href = str(token.attrGet("href") or "")
    if EXTERNAL.match(href):
        return
    typed = unicodedata.normalize("NFC", unquote(href))  # markdown-it percent-encodes
    if typed.startswith("#"):
        anchor = fold(typed[1:])
        state.out.links.append(Link(state.path, line, state.path.name, anchor, typed[1:]))
        token.attrSet("href", f"#{state.slug}--{anchor}")
        return
    match = CHAPTER_LINK.match(typed)
    if not match:
        state.error(
            line,
            f"link target '{typed}' is neither a web address nor a chapter file; "
            "write 'https://…' or 'NN-chapter.md#id'",
        )
        return
    written, anchor = match.group(1), match.group(2)
    names = {fold(name): name for name in state.chapter_slugs}
    target = written if written in state.chapter_slugs else names.get(fold(written), written)
    slug = state.chapter_slugs.get(target)
    if slug is None:
        hint = suggest(written, state.chapter_slugs)
        if (state.path.parent / written).is_file():  # a file of the folder that is no chapter
            hint = (
                "; the file is not a chapter: chapters are NN-name.md files (or those "
                "book.yaml's chapters: lists)"
            )
        state.error(line, f"link to missing chapter '{written}'{hint}")
        return
    folded = fold(anchor) if anchor else None
    state.out.links.append(Link(state.path, line, target, folded, anchor or ""))
    token.attrSet("href", f"#{slug}--{folded}" if folded else f"#{slug}")


def image(state: ChapterState, token: Token, line: int) -> None:
    src = str(token.attrGet("src") or "")
    if not token.content.strip():
        state.error(line, f"image '{src}' needs alt text: write ![what it shows]({src})")
    state.out.images.append((src, line))
    credit = token.attrs.pop("credit", None)
    unknown = token.meta.pop("insecure_attrs", None)
    if unknown:
        names = ", ".join(sorted(unknown))
        state.error(
            line,
            f"image '{src}' takes no attribute '{names}'; the only one is {{credit=\"Photo: …\"}}",
        )
    if credit is not None:
        if str(credit).strip():
            token.meta["credit"], token.meta["line"] = str(credit).strip(), line
        else:
            state.error(line, f"image '{src}' has an empty credit; write {{credit=\"Photo: …\"}}")


def figures(state: ChapterState, tokens: list[Token], offset: int) -> None:
    """A paragraph holding only an image becomes a <figure> with its title as caption."""
    for i in range(len(tokens) - 2):
        opening, inline, closing = tokens[i : i + 3]
        children = inline.children or []
        if (
            opening.type == "paragraph_open"
            and closing.type == "paragraph_close"
            and len(children) == 1
            and children[0].type == "image"
        ):
            opening.type, opening.tag, opening.nesting = "html_block", "", 0
            opening.content = figure(state, children[0]) + "</figure>\n"
            inline.type, inline.children, inline.content = "text", [], ""
            closing.type, closing.tag, closing.nesting = "text", "", 0


def figure(state: ChapterState, image: Token) -> str:
    """An image's <figure> (without its closing tag): caption and credit, the credit noted."""
    src = html.escape(str(image.attrGet("src") or ""))
    alt = html.escape(image.content)
    caption = smart(str(image.attrGet("title") or ""), state.language)  # as the body is
    made = f'{FIGURE}><img src="{src}" alt="{alt}" />'
    credit = image.meta.pop("credit", None)
    credit = smart(credit, state.language) if credit else credit
    credit_html = ""
    if credit:
        state.counts["credit"] += 1
        ident = state.unique_id(f"{state.slug}--credit-{state.counts['credit']}")
        path = str(image.attrGet("src") or "")
        state.out.credits.append(Credit(ident, path, credit, caption or image.content))
        credit_html = f' <span class="credit" id="{ident}">{html.escape(credit)}</span>'
    if caption or credit:
        made += f"<figcaption>{html.escape(caption)}{credit_html}</figcaption>"
    return made


def stray_credits(state: ChapterState, tokens: list[Token], offset: int) -> None:
    """A credit left on an image that did not become a figure is shown nowhere: an error."""
    for token in tokens:
        for child in token.children or []:
            if child.type == "image" and "credit" in child.meta:
                state.error(
                    child.meta["line"],
                    "a credit is shown under a figure: put the image in a paragraph of its own",
                )


def block_ids(state: ChapterState, tokens: list[Token], offset: int) -> None:
    """Give every top-level block an id, so pages can be located in every medium."""
    for token in tokens:
        if token.level == 0 and token.type in BLOCKS and not token.attrGet("id"):
            token.attrSet("id", next_block_id(state))
        elif token.level == 0 and token.type == "html_block" and token.content.startswith(FIGURE):
            ident = next_block_id(state)
            token.content = token.content.replace(FIGURE, f'{FIGURE} id="{ident}"', 1)


def next_block_id(state: ChapterState) -> str:
    state.counts["block"] += 1
    return state.unique_id(f"{state.slug}--b{state.counts['block']}")


RULES: list[tuple[str, Rule]] = [
    ("headings", headings),
    ("inline", links_and_images),
    ("figures", figures),
    ("credits", stray_credits),
]
# A sidebar's body runs RULES only: its blocks are inside the sidebar's own element.
CHAPTER_RULES: list[tuple[str, Rule]] = [*RULES, ("block_ids", block_ids)]


def run(
    state: ChapterState, rules: list[tuple[str, Rule]], tokens: list[Token], offset: int
) -> None:
    for _, rule in rules:
        rule(state, tokens, offset)
