"""Plain text in (a book.yaml field, a label), the same text with the typography the chapters'
body gets out: apostrophes, the language's quotation marks, dashes and ellipses, French spaces.

The marks come from the very rules the Markdown stage runs (markdown-it's replacements and
smartquotes, and the French spacing), applied to the text as one run of text, so nothing in it
is read as Markdown: an asterisk or an underscore in a title stays as written.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from booklet.load.markdown import make_markdown

RULES = ("replacements", "smartquotes", "french_spacing")


@cache
def markdown(language: str) -> MarkdownIt:
    return make_markdown(language)


def smart(text: str, language: str) -> str:
    """`text` with the typographic marks of `language` ("'" → "’", '"…"' → '«\u202f…\u202f»')."""
    if not text or not any(c in text for c in "'\"-.:;!?()+«»"):
        return text
    md = markdown(language)
    state = StateCore("", md, {})
    run = Token("inline", "", 0, content=text, children=[Token("text", "", 0, content=text)])
    state.tokens = [run]
    for rule in md.core.ruler.__rules__:
        if rule.name in RULES and rule.enabled:
            rule.fn(state)
    children = run.children or []
    return "".join(child.content for child in children)
