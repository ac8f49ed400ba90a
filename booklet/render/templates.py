"""A `Book` in, HTML/XHTML text from the Jinja templates out (shared by every medium)."""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from booklet import __version__, i18n
from booklet.assets.fonts import SANS, SERIF, font_face_css
from booklet.model import Book, Chapter
from booklet.resources import TEMPLATES

NOTEREF = re.compile(r'<a class="noteref" id="([^"]+)" href="#([^"]+)"[^>]*>(\d+)</a>')
HREF = re.compile(r'href="#([^"]+)"')
IN_PAGE_LINK = re.compile(r'<a\s[^>]*?href="#([^"]+)"[^>]*>(.*?)</a>', re.S)
ELEMENT_ID = re.compile(r'\sid="([^"]+)"')
EPUB_TYPE = re.compile(r'\sepub:type="[^"]*"')
CSS_COUNTER = re.compile(r"\{(page|pages)\}")
# A credit that names its own kind ('Photo: …', 'Photo de couverture : …'): no second colon.
LABELLED = re.compile(r"^\w[^:.]{0,30}\s?:\s")
# markdown-it aligns table columns with inline styles, which the site's CSP blocks (style-src 'self').
CELL_ALIGN = re.compile(r'<(t[hd]) style="text-align:(left|center|right)"')


def inline_notes(html: str, chapter: Chapter) -> Markup:
    """Footnote calls become inline <span class="footnote"> (CSS floats them to the page foot)."""
    notes = {note.id: note for note in chapter.footnotes}

    def replace(match: re.Match[str]) -> str:
        note = notes.get(match.group(2))
        if note is None:
            return match.group(0)
        body = unwrap(note.html).strip()
        return f'<span class="footnote" id="{note.id}">{body}</span>'

    return Markup(NOTEREF.sub(replace, html))


def epub_href(book: Book, target: str, suffix: str = ".xhtml") -> str:
    """An in-book link target as a link between the chapter documents (EPUB, or web pages)."""
    if target == "glossary" or target.startswith("glossary--"):
        return f"glossary{suffix}#{target}"
    chapter = book.chapter_of(target)
    return f"{chapter.slug}{suffix}#{target}" if chapter else f"#{target}"


WHOLE_PARAGRAPH = re.compile(r"<p( [^<>]*)?>(.*?)</p>", re.S)


def unwrap(html: str) -> str:
    """Paragraphs made inline (a term's definition after its name): each paragraph's content
    followed by a space; one with attributes (an untranslated block's `lang`) becomes a span
    that keeps them, so the text stays marked and the markup stays well-formed."""

    def inline(match: re.Match[str]) -> str:
        attributes, content = match.group(1), match.group(2)
        return f"<span{attributes}>{content}</span> " if attributes else f"{content} "

    return WHOLE_PARAGRAPH.sub(inline, html)


def glossary_id(term_id: str) -> str:
    """The id of a term's glossary entry (`glossary--<term>`) from the term sidebar's id."""
    return "glossary--" + term_id.split("--term-", 1)[-1]


@pass_context
def epub_links(context: Context, html: str) -> Markup:
    """Rewrite in-book links of rendered prose for the EPUB's one-document-per-chapter layout."""
    book: Book = context["book"]
    return Markup(HREF.sub(lambda m: f'href="{epub_href(book, m.group(1))}"', html))


@pass_context
def web_links(context: Context, html: str) -> Markup:
    """Rewrite in-book links for the web edition's page per chapter; drop EPUB-only attributes;
    table cells aligned by class (`align-right`, styled in web.css) instead of inline styles."""
    book: Book = context["book"]
    html = CELL_ALIGN.sub(r'<\1 class="align-\2"', EPUB_TYPE.sub("", html))
    return Markup(HREF.sub(lambda m: f'href="{epub_href(book, m.group(1), ".html")}"', html))


def css_content(message: str) -> Markup:
    """A label with `{counter}` markers as a CSS `content` value: "Page " counter(page) ….

    The label comes HTML-escaped from the translations; in CSS it is a quoted string instead.
    """
    parts = []
    for n, piece in enumerate(CSS_COUNTER.split(html.unescape(str(message)))):
        if n % 2:
            parts.append(f"counter({piece})")
        elif piece:
            escaped = "".join(
                c if c.isalnum() or c in " .,:;·-" else f"\\{ord(c):x} " for c in piece
            )
            parts.append(f'"{escaped}"')
    return Markup(" ".join(parts) or '""')


def with_backlink(html: str, link: str) -> Markup:
    """A footnote's HTML with its back link first: inside its first paragraph, or before it."""
    if "<p>" in html:
        return Markup(html.replace("<p>", f"<p>{link}", 1))
    return Markup(f"<p>{link}</p>{html}")


def local_links(html: str) -> Markup:
    """Unwrap in-document links whose target is not in `html` (a handout holds one chapter)."""
    ids = set(ELEMENT_ID.findall(html))

    def replace(match: re.Match[str]) -> str:
        return match.group(0) if match.group(1) in ids else match.group(2)

    return Markup(IN_PAGE_LINK.sub(replace, html))


@pass_context
def media_images(context: Context, html: str, medium: str) -> Markup:
    """Point the book's images at their version for a medium (`images.for_medium`)."""
    from booklet.assets.images import for_medium

    return Markup(for_medium(context["book"], str(html), medium))


@cache
def environment(language: str = "en", labels: tuple[tuple[str, str], ...] = ()) -> Environment:
    """The templates' environment for one language (and one book's `labels:`), made once.

    Templates write the engine's words as `pgettext("key", "English")` (or `_("English")`);
    `long_date`, `number` and `names` write dates, numbers and lists of names the local way.
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xhtml", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        i18n.translations(language, labels), newstyle=True
    )
    env.filters["inline_notes"] = inline_notes
    env.filters["unwrap"] = unwrap
    env.filters["epub_links"] = epub_links
    env.filters["glossary_id"] = glossary_id
    env.filters["local_links"] = local_links
    env.filters["media_images"] = media_images
    env.filters["web_links"] = web_links
    env.filters["css_content"] = css_content
    env.filters["with_backlink"] = with_backlink
    env.filters["long_date"] = lambda date: i18n.long_date(date, language)
    env.filters["number"] = lambda value, decimals=0: i18n.number(value, language, decimals)
    env.filters["names"] = lambda items: i18n.names(items, language)
    env.filters["filesize"] = lambda size: i18n.file_size(size, language)
    env.tests["labelled"] = lambda text: bool(LABELLED.match(str(text)))
    env.tests["singular"] = lambda count: i18n.singular(count, language)
    return env


def book_environment(book: Book) -> Environment:
    """The environment in the book's language, with its label overrides."""
    return environment(book.meta.language, book.meta.labels)


def render(template: str, book: Book, **extra: Any) -> str:
    """Render one template with the book's context (plus `extra`)."""
    context = {
        "book": book,
        "meta": book.meta,
        "chapters": book.chapters,
        "glossary": book.glossary,
        "version": __version__,
        "font_faces": Markup(font_face_css()),
        "fonts_used": i18n.names([SERIF, SANS], book.meta.language) + " (SIL Open Font License)",
        "keywords": ", ".join(c.short_title for c in book.chapters),
        # 'Title: subtitle', with the colon the language writes ('Titre : sous-titre').
        "full_title": i18n.label_text(
            book.meta,
            "title-and-subtitle",
            "%(title)s: %(subtitle)s",
            title=book.meta.title,
            subtitle=book.meta.subtitle,
        )
        if book.meta.subtitle
        else book.meta.title,
        **extra,
    }
    return book_environment(book).get_template(template).render(context)
