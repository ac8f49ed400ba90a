"""A book's language in, its configured markdown-it parser out: CommonMark with tables,
typography in the language's way (quotes, French spacing), footnotes, ':::' fences and image
credits; raw HTML noted (never passed through), nesting limits, and `slugify` for ids."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.footnote import footnote_plugin

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


def fold(text: str) -> str:
    """Text without its accents ('où-sont-les-élèves' → 'ou-sont-les-eleves'), NFC: how ids and
    links are compared, so that a link works typed with accents or without (#26)."""
    parts = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in parts if not unicodedata.combining(c)))


def slugify(text: str) -> str:
    """Text as an id or file name: lower case, accents folded, runs of anything but letters
    and digits as '-'."""
    slug = re.sub(r"[^\w]+", "-", fold(text.lower()), flags=re.UNICODE).strip("-_")
    return slug or "section"


def make_markdown(language: str) -> MarkdownIt:
    """The parser for a book in `language`, made once per book and used for every chapter."""
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
