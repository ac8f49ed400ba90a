"""A chapter's Markdown in, its blocks (prose and sidebars), headings and footnotes out."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.footnote import footnote_plugin

from booklet.errors import Collector, suggest
from booklet.load.sidebars import (
    SCHEMAS,
    RawBody,
    RawItem,
    build_sidebar,
    check_required,
    check_title,
)
from booklet.load.sidebars import parse_fields as parse_sidebar_fields
from booklet.model import Block, Credit, Footnote, Heading, Prose, Sidebar

# Typographic quotes per language: primary open/close, secondary open/close.
QUOTES = {
    "en": "“”‘’",
    "nl": "“”‘’",
    "de": "„“‚‘",
    "fr": ["«\u202f", "\u202f»", "‹\u202f", "\u202f›"],
    "es": "«»“”",
    "it": "«»“”",
}
# French spacing: a narrow no-break space (U+202F) before ; ! ? and inside « », a no-break
# space (U+00A0) before a colon; typed spaces there are replaced, missing ones added. A colon
# or mark not followed by a space or the end ('10:30', 'http://') is left alone.
FR_MARK = re.compile(r"(?<=[^\s!?;:«])[ \u00a0\u202f]?([;!?])(?=[\s)\]»”’!?]|$)")
FR_COLON = re.compile(r"(?<=[^\s!?;:«])[ \u00a0\u202f]?:(?=\s|$)")
FR_OPEN = re.compile(r"«[ \u00a0\u202f]?(?=\S)")
FR_CLOSE = re.compile(r"(?<=\S)[ \u00a0\u202f]?»")
FR_DIGITS = re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))")  # '30 000' kept on one line
# '- 10. Mai 1942: …' in a sidebar list is a date, not a nested ordered list starting at 10.
BULLET_NUMBER = re.compile(r"^([ \t]*[-*+][ \t]+\d{1,9})\.(?=[ \t])", re.M)
ESCAPED_NUMBER = re.compile(r"^(\d{1,9})\\\.")
EXPLICIT_ID = re.compile(r"\s*\{#([A-Za-z][\w-]*)\}\s*$")
CHAPTER_LINK = re.compile(r"^([\w.-]+\.md)(?:#([\w-]+))?$")
EXTERNAL = re.compile(r"^(https?:|mailto:)", re.I)
FOOTNOTE_CALL = re.compile(r"\[\^[^\]\s]+\](?!:)")
BLOCKS = {
    "paragraph_open",
    "bullet_list_open",
    "ordered_list_open",
    "table_open",
    "blockquote_open",
}
FENCE_INFO = re.compile(r"^\{([^}]*)\}\s*(.*)$")
FIGURE = '<figure class="figure"'
# markdown-it silently drops whatever lies deeper than `maxNesting` token levels; we stop well
# before that (a list level takes two token levels) and report it as an error instead.
MAX_NESTING = 20
MAX_DEPTH = 8
MAX_INLINE_DEPTH = 10
CONTAINERS = {
    "bullet_list_open": 1,
    "ordered_list_open": 1,
    "blockquote_open": 1,
    "bullet_list_close": -1,
    "ordered_list_close": -1,
    "blockquote_close": -1,
}
INLINE_TOO_DEEP = (
    f"emphasis and links are nested more than {MAX_INLINE_DEPTH} levels deep here; "
    "use fewer '*' and '_'"
)
# Raw HTML is never passed through (`html: False` escapes it); we only warn that it shows as text.
RAW_HTML = re.compile(r"<(/?[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*>|<!--")
# markdown-it's validateLink drops links and images with these schemes, leaving their source as
# text; that is safe, but the author should hear about it.
DROPPED_LINK = re.compile(
    r"(!?)\[[^\[\]]*\]\(\s*<?\s*((?:javascript|vbscript|file|data):(?:[^()\s>]|\([^()\s]*\))*)",
    re.I,
)


def slugify(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-_")
    return slug or "section"


def make_markdown(language: str) -> MarkdownIt:
    quotes = QUOTES.get(language.split("-")[0].lower(), "“”‘’")
    md = MarkdownIt(
        "commonmark", {"typographer": True, "xhtmlOut": True, "html": False, "quotes": quotes}
    )
    md.enable(["table", "replacements", "smartquotes", "strikethrough"])
    md.options["maxNesting"] = MAX_NESTING
    md.use(colon_fence_plugin).use(footnote_plugin)
    # `![alt](x.jpg "Caption"){credit="Photo: …"}`: a credit is the only attribute an image takes.
    md.use(attrs_plugin, after=("image",), allowed=["credit"])
    md.add_render_rule("footnote_ref", render_footnote_ref)
    md.add_render_rule("th_open", render_header_cell)
    # Before text_join, escaped characters ('\\<') are still separate tokens, so they never match.
    md.core.ruler.before("text_join", "find_raw_html", find_raw_html)
    if language.split("-")[0].lower() == "fr":
        md.core.ruler.after("smartquotes", "french_spacing", french_spacing)
    return md


def french_spacing(state: StateCore) -> None:
    """French no-break spaces in text (not code): 'Vraiment ?', 'Note :', '« Oui »'."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        previous = None
        for child in token.children:
            if child.type == "text":
                # A mark right after emphasis or a link still follows a word.
                glued = previous is not None and previous.type not in ("softbreak", "hardbreak")
                text = ("x" if glued else "") + child.content
                text = FR_MARK.sub("\u202f\\1", text)
                text = FR_COLON.sub("\u00a0:", text)
                text = FR_OPEN.sub("«\u202f", text)
                text = FR_CLOSE.sub("\u202f»", text)
                text = FR_DIGITS.sub("\u202f", text)
                child.content = text[1:] if glued else text
            previous = child


def render_header_cell(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    # Header cells name their scope so PDF/UA and screen readers can pair them with data cells.
    tokens[idx].attrSet("scope", "col")
    return str(self.renderToken(tokens, idx, options, env))


def find_raw_html(state: StateCore) -> None:
    """Note HTML tags left as text in env['raw_html'] and dropped links in env['dropped_links'].

    Entries are `(line offset, what)`; one raw-HTML warning per line is enough.
    """
    found = state.env.setdefault("raw_html", [])
    dropped = state.env.setdefault("dropped_links", [])
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        breaks, warned = 0, set()
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                breaks += 1
            if child.type != "text":
                continue
            line = (token.map[0] if token.map else 0) + breaks
            match = RAW_HTML.search(child.content)
            if match and line not in warned:
                warned.add(line)
                found.append((line, f"<{match.group(1)}>" if match.group(1) else "<!--"))
            for link in DROPPED_LINK.finditer(child.content):
                dropped.append((line, ("image" if link.group(1) else "link", link.group(2))))


def too_deep(tokens: list[Token]) -> Token | None:
    """The first block token nested deeper than MAX_DEPTH lists and quotes (or near maxNesting)."""
    depth = 0
    for token in tokens:
        depth += CONTAINERS.get(token.type, 0)
        if depth > MAX_DEPTH or token.level >= MAX_NESTING - 1:
            return token
    return None


def too_deep_inline(tokens: list[Token]) -> Token | None:
    """The first inline token whose emphasis and links nest deeper than MAX_INLINE_DEPTH.

    markdown-it pairs emphasis markers after parsing, outside `maxNesting`: a line of 10,000
    asterisks becomes 5,000 nested <em>/<strong>, which no layout engine survives.
    """
    for token in tokens:
        depth = 0
        for child in token.children or ():
            depth += child.nesting
            if depth > MAX_INLINE_DEPTH:
                return token
    return None


def render_footnote_ref(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    meta = tokens[idx].meta
    number = int(meta["id"]) + 1
    slug = env["slug"]
    ref_id = f"{slug}--fnref-{number}" + (f"-{meta['subId']}" if meta.get("subId") else "")
    return (
        f'<a class="noteref" id="{ref_id}" href="#{slug}--fn-{number}" '
        f'epub:type="noteref" role="doc-noteref">{number}</a>'
    )


@dataclass
class Link:
    path: Path
    line: int
    target: str
    anchor: str | None


@dataclass
class ParsedChapter:
    blocks: list[Block] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    images: list[tuple[str, int]] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    words: int = 0
    ids: set[str] = field(default_factory=set)


class ChapterParser:
    """Parses one chapter; `chapter_slugs` maps chapter file names to slugs for link rewriting."""

    def __init__(
        self,
        md: MarkdownIt,
        collector: Collector,
        chapter_slugs: dict[str, str],
        language: str = "en",
        facts_language: str = "",
    ) -> None:
        self.md = md
        self.language = language
        self.facts_language = facts_language  # a translated edition's source language
        self.collector = collector
        self.chapter_slugs = chapter_slugs
        self.renderer: Any = md.renderer  # RendererHTML; the protocol type lacks renderInline
        self.sidebar_line = 0
        self.sidebar_reported: set[tuple[str, str]] = set()

    def parse(self, path: Path, text: str, first_line: int, slug: str) -> ParsedChapter:
        self.path, self.first_line, self.slug = path, first_line, slug
        self.out = ParsedChapter()
        self.counts: dict[str, int] = {}
        env: dict[str, Any] = {"slug": slug}
        tokens = self.md.parse(text, env)
        self.check_parsed(tokens, env, first_line)
        self.lines = text.split("\n")
        body, notes = split_footnotes(tokens)
        self.prepare(body, 0)
        segment: list[Token] = []
        for token in body:
            if token.type == "colon_fence" and token.level == 0:
                self.flush(segment, env)
                segment = []
                sidebar = self.sidebar(token)
                if sidebar:
                    self.out.blocks.append(sidebar)
            else:
                segment.append(token)
        self.flush(segment, env)
        self.footnotes(notes, env)
        self.undefined_notes(body)
        return self.out

    def undefined_notes(self, tokens: list[Token]) -> None:
        """A `[^x]` left as text means a footnote call without a definition."""
        for token in tokens:
            if token.type == "inline" and token.children:
                for child in token.children:
                    match = FOOTNOTE_CALL.search(child.content) if child.type == "text" else None
                    if match:
                        label = match.group(0)
                        self.error(
                            self.line_of(token, 0),
                            f"footnote {label} has no definition; add a line '{label}: text'",
                        )

    # -- helpers -------------------------------------------------------------------------

    def check_parsed(self, tokens: list[Token], env: dict[str, Any], first_line: int) -> None:
        """Report nesting beyond the limit (an error) and raw HTML shown as text (a warning)."""
        deep = too_deep(tokens)
        if deep is not None:
            self.error(
                first_line + (deep.map[0] if deep.map else 0),
                f"lists and quotes are nested more than {MAX_DEPTH} levels deep here; flatten them",
            )
        deep = too_deep_inline(tokens)
        if deep is not None:
            self.sidebar_reported.add(("deep", ""))  # list entries are rendered again
            self.error(first_line + (deep.map[0] if deep.map else 0), INLINE_TOO_DEEP)
        self.warn_raw_html(env, first_line)

    def warn_raw_html(self, env: dict[str, Any], first_line: int, inline: bool = False) -> None:
        """Report what `find_raw_html` noted: dropped links as errors, raw HTML as warnings.

        `inline`: the text was one sidebar title, field or list entry, all on `first_line`;
        list entries are rendered again from their source, so what was reported is skipped.
        """
        for offset, (kind, url) in env.pop("dropped_links", []):
            if self.first_report((kind, url), inline):
                line = first_line if inline else first_line + offset
                if kind == "image":
                    self.error(
                        line,
                        f"image '{url}' must be a file inside the manuscript folder, "
                        "given as a relative path",
                    )
                else:
                    self.error(
                        line,
                        f"link target '{url}' is not allowed; write 'https://…' or 'NN-chapter.md#id'",
                    )
        for offset, tag in env.pop("raw_html", []):
            if self.first_report(("html", tag), inline):
                line = first_line if inline else first_line + offset
                self.collector.warn(
                    self.path, line, f"raw HTML '{tag}' is shown as text; use Markdown instead"
                )

    def first_report(self, key: tuple[str, str], inline: bool) -> bool:
        """False for inline text whose problem this sidebar already reported."""
        seen = key in self.sidebar_reported
        self.sidebar_reported.add(key)
        return not (inline and seen)

    def error(self, line: int, message: str) -> None:
        self.collector.error(self.path, line, message)

    def line_of(self, token: Token, offset: int) -> int:
        return self.first_line + offset + (token.map[0] if token.map else 0)

    def flush(self, segment: list[Token], env: dict[str, Any]) -> None:
        if segment:
            self.out.blocks.append(Prose(self.md.renderer.render(segment, self.md.options, env)))

    def unique_id(self, wanted: str) -> str:
        candidate, n = wanted, 2
        while candidate in self.out.ids:
            candidate, n = f"{wanted}-{n}", n + 1
        self.out.ids.add(candidate)
        return candidate

    def prepare(self, tokens: list[Token], offset: int, sidebar: bool = False) -> None:
        """Heading ids, link checks, figures and word counts, in place on a token stream."""
        for i, token in enumerate(tokens):
            if token.type == "heading_open":
                self.heading(token, tokens[i + 1], offset)
            if token.type == "inline" and token.children is not None:
                line = self.line_of(token, offset)
                self.out.words += len(token.content.split())
                for child in token.children:
                    if child.type == "link_open":
                        self.link(child, line)
                    elif child.type == "image":
                        self.image(child, line)
        self.figures(tokens)
        for token in tokens:  # credits left after figures were made
            for child in token.children or []:
                if child.type == "image" and "credit" in child.meta:
                    self.error(
                        child.meta["line"],
                        "a credit is shown under a figure: put the image in a paragraph of its own",
                    )
        if not sidebar:
            self.block_ids(tokens)

    def block_ids(self, tokens: list[Token]) -> None:
        """Give every top-level block an id, so pages can be located in every medium."""
        for token in tokens:
            if token.level == 0 and token.type in BLOCKS and not token.attrGet("id"):
                token.attrSet("id", self.next_block_id())
            elif (
                token.level == 0 and token.type == "html_block" and token.content.startswith(FIGURE)
            ):
                ident = self.next_block_id()
                token.content = token.content.replace(FIGURE, f'{FIGURE} id="{ident}"', 1)

    def next_block_id(self) -> str:
        self.counts["block"] = self.counts.get("block", 0) + 1
        return self.unique_id(f"{self.slug}--b{self.counts['block']}")

    def heading(self, token: Token, inline: Token, offset: int) -> None:
        line = self.line_of(token, offset)
        level = int(token.tag[1])
        if level == 1:
            self.error(line, "chapters take their title from the front matter; use '##' here")
        wanted = None
        children = inline.children or []
        last = children[-1] if children else None
        if last is not None and last.type == "text":
            match = EXPLICIT_ID.search(last.content)
            if match:
                wanted = match.group(1)
                last.content = last.content[: match.start()]
                inline.content = EXPLICIT_ID.sub("", inline.content)
        plain = "".join(c.content for c in children if c.type in ("text", "code_inline"))
        if wanted and f"{self.slug}--{wanted}" in self.out.ids:
            self.error(line, f"heading id '{wanted}' is used twice in this chapter")
        anchor = self.unique_id(f"{self.slug}--{wanted or slugify(plain)}")
        token.attrSet("id", anchor)
        self.out.headings.append(Heading(level, plain.strip(), anchor))

    def link(self, token: Token, line: int) -> None:
        href = str(token.attrGet("href") or "")
        if EXTERNAL.match(href):
            return
        if href.startswith("#"):
            self.out.links.append(Link(self.path, line, self.path.name, href[1:]))
            token.attrSet("href", f"#{self.slug}--{href[1:]}")
            return
        match = CHAPTER_LINK.match(href)
        if not match:
            self.error(
                line,
                f"link target '{href}' is neither a web address nor a chapter file; "
                "write 'https://…' or 'NN-chapter.md#id'",
            )
            return
        target, anchor = match.group(1), match.group(2)
        slug = self.chapter_slugs.get(target)
        if slug is None:
            hint = suggest(target, self.chapter_slugs)
            self.error(line, f"link to missing chapter '{target}'{hint}")
            return
        self.out.links.append(Link(self.path, line, target, anchor))
        token.attrSet("href", f"#{slug}--{anchor}" if anchor else f"#{slug}")

    def image(self, token: Token, line: int) -> None:
        src = str(token.attrGet("src") or "")
        if not token.content.strip():
            self.error(line, f"image '{src}' needs alt text: write ![what it shows]({src})")
        self.out.images.append((src, line))
        credit = token.attrs.pop("credit", None)
        unknown = token.meta.pop("insecure_attrs", None)
        if unknown:
            names = ", ".join(sorted(unknown))
            self.error(
                line,
                f"image '{src}' takes no attribute '{names}'; the only one is "
                '{credit="Photo: …"}',
            )
        if credit is not None:
            if str(credit).strip():
                token.meta["credit"], token.meta["line"] = str(credit).strip(), line
            else:
                self.error(
                    line, f"image '{src}' has an empty credit; write {{credit=\"Photo: …\"}}"
                )

    def figures(self, tokens: list[Token]) -> None:
        """A paragraph holding only an image becomes a <figure> with its title as caption."""
        for i in range(len(tokens) - 2):
            opening, inline, closing = tokens[i : i + 3]
            children = inline.children or []
            if not (
                opening.type == "paragraph_open"
                and closing.type == "paragraph_close"
                and len(children) == 1
                and children[0].type == "image"
            ):
                continue
            image = children[0]
            src = html.escape(str(image.attrGet("src") or ""))
            alt = html.escape(image.content)
            caption = str(image.attrGet("title") or "")
            figure = f'{FIGURE}><img src="{src}" alt="{alt}" />'
            credit = image.meta.pop("credit", None)
            credit_html = ""
            if credit:
                self.counts["credit"] = self.counts.get("credit", 0) + 1
                ident = self.unique_id(f"{self.slug}--credit-{self.counts['credit']}")
                path = str(image.attrGet("src") or "")
                self.out.credits.append(Credit(ident, path, credit, caption or image.content))
                credit_html = f' <span class="credit" id="{ident}">{html.escape(credit)}</span>'
            if caption or credit:
                figure += f"<figcaption>{html.escape(caption)}{credit_html}</figcaption>"
            opening.type, opening.tag, opening.nesting = "html_block", "", 0
            opening.content = figure + "</figure>\n"
            inline.type, inline.children, inline.content = "text", [], ""
            closing.type, closing.tag, closing.nesting = "text", "", 0

    # -- sidebars --------------------------------------------------------------------------

    def sidebar(self, token: Token) -> Sidebar | None:
        line = self.line_of(token, 0)
        start, end = token.map or (0, 0)
        if end - 1 <= start or not self.lines[end - 1].strip().startswith(":::"):
            self.error(line, "sidebar is never closed; add a line ':::' after its body")
            return None
        info = FENCE_INFO.match(token.info.strip())
        if not info:
            self.error(line, f"sidebar needs a kind: write ':::{{note}}' (kinds: {kinds()})")
            return None
        kind, title = info.group(1).strip(), info.group(2).strip() or None
        if kind not in SCHEMAS:
            self.error(
                line, f"unknown sidebar kind '{kind}'{suggest(kind, SCHEMAS)} (kinds: {kinds()})"
            )
            return None
        lines = token.content.split("\n")
        nested = next((n for n, text in enumerate(lines) if text.lstrip().startswith(":::")), None)
        if nested is not None:
            self.error(line + 1 + nested, "sidebars cannot be nested; close the first with ':::'")
            return None

        def report(at: int, message: str) -> None:
            self.error(at, message)

        fields, used = parse_sidebar_fields(lines, line + 1, kind, report)
        check_title(kind, title, report, line)
        self.sidebar_line, self.sidebar_reported = line, set()
        for value, field_line in fields.values():  # report at the field's own line
            env: dict[str, Any] = {"slug": self.slug}
            self.md.parseInline(value, env)
            self.warn_raw_html(env, field_line, inline=True)
        title_text = self.inline(title) if title else None
        check_required(kind, title, fields, report, line)
        body = self.sidebar_body("\n".join(lines[used:]), line + 1 + used)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        ident = (
            f"{self.slug}--term-{slugify(title)}"
            if kind == "term" and title
            else f"{self.slug}--{kind}-{self.counts[kind]}"
        )
        self.out.ids.add(ident)
        return build_sidebar(
            kind,
            ident,
            title_text,
            fields,
            body,
            self.inline,
            line,
            report,
            self.language,
            self.facts_language,
        )

    def inline(self, source: str) -> str:
        """A sidebar title or field value as inline HTML (raw HTML escaped, reported)."""
        env: dict[str, Any] = {"slug": self.slug}
        tokens = self.md.parseInline(source, env)
        self.warn_raw_html(env, self.sidebar_line, inline=True)
        if too_deep_inline(tokens):
            if self.first_report(("deep", ""), inline=True):
                self.error(self.sidebar_line, INLINE_TOO_DEEP)
            return html.escape(source)
        return str(self.md.renderer.render(tokens, self.md.options, env))

    def sidebar_body(self, text: str, first_line: int) -> RawBody:
        env: dict[str, Any] = {"slug": self.slug}
        tokens = self.md.parse(BULLET_NUMBER.sub(r"\1\\.", text), env)
        self.check_parsed(tokens, env, first_line)
        tokens, _ = split_footnotes(tokens)
        self.prepare(tokens, first_line - self.first_line, sidebar=True)
        rendered = self.md.renderer.render(tokens, self.md.options, env)
        if FOOTNOTE_CALL.search(text):
            self.error(
                first_line,
                "footnotes cannot be used inside a sidebar; put the remark in the sidebar's text",
            )
        empty = not text.strip()
        top = [t for t in tokens if t.level == 0]
        items: tuple[RawItem, ...] | None = None
        if (
            len(top) == 2
            and top[0].type in ("bullet_list_open", "ordered_list_open")
            and top[1].type in ("bullet_list_close", "ordered_list_close")
        ):
            found = []
            for i, t in enumerate(tokens):
                if t.type == "list_item_open" and t.level == 1:
                    inline = next((x for x in tokens[i:] if x.type == "inline"), None)
                    if inline is None or inline.children is None:
                        continue
                    found.append(
                        RawItem(
                            ESCAPED_NUMBER.sub(r"\1.", inline.content),
                            self.renderer.renderInline(inline.children, self.md.options, env),
                            first_line + (t.map[0] if t.map else 0),
                        )
                    )
            items = tuple(found)
        return RawBody(rendered, items, empty)

    # -- footnotes -------------------------------------------------------------------------

    def footnotes(self, tokens: list[Token], env: dict[str, Any]) -> None:
        current: list[Token] = []
        number = 0
        for token in tokens:
            if token.type == "footnote_open":
                current, number = [], int(token.meta["id"]) + 1
            elif token.type == "footnote_close":
                body = self.md.renderer.render(current, self.md.options, env)
                self.out.footnotes.append(
                    Footnote(f"{self.slug}--fn-{number}", number, body.strip())
                )
            elif token.type != "footnote_anchor":
                current.append(token)


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
