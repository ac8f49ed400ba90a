"""The editions a site holds in, each page's language switch and `hreflang` alternates out.

One site holds every edition: the source's at its root, each translation in its language's
folder (`fr/`, `nl/`). Chapter pages keep their names across editions, so a page's twin in
another language is the same name in that edition's folder (or its download page, should that
edition lack the page). Links are relative, so the site works from any sub-path and from disk;
the alternates are absolute when the edition has a public address, as search engines want.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from babel.numbers import format_percent

from booklet import i18n
from booklet.model import Book

INDEX = "index.html"


@dataclass(frozen=True)
class Edition:
    """One edition on the site, as the others' pages link to it."""

    language: str
    folder: str  # "" for the source's (the site's root), else its language
    url: str  # its public address (`download_url`), or ""
    pages: frozenset[str]  # its page names
    share: float = 1.0  # the share of its blocks that is translated


@dataclass(frozen=True)
class Switch:
    """A language switch's entry: an edition's twin of the current page."""

    language: str
    name: str  # the language's own name, capitalised as a menu item
    href: str  # relative to the current page
    url: str  # absolute if the edition has an address, else `href`
    current: bool


def page_names(book: Book) -> frozenset[str]:
    """The HTML pages of `book`'s web edition (as `render.web.pages` writes them)."""
    names = {INDEX, "contents.html", *(f"{c.slug}.html" for c in book.chapters)}
    if book.glossary:
        names.add("glossary.html")
    if book.credits or book.meta.cover_credit:
        names.add("credits.html")
    return frozenset(names)


def edition(book: Book) -> Edition:
    meta = book.meta
    return Edition(
        meta.language,
        meta.edition,
        meta.download_url.strip(),
        page_names(book),
        meta.translated_share,
    )


def relative(here: str, there: str, name: str) -> str:
    """The link from a page of the edition in folder `here` to `name` in folder `there`."""
    if here == there:
        return name
    up = "../" if here else ""
    return f"{up}{there}/{name}" if there else f"{up}{name}"


def public(url: str, name: str) -> str:
    """A page's public address inside an edition at `url` (its folder is the download page)."""
    if name == INDEX:
        return url
    return urljoin(url if url.endswith("/") else url + "/", name)


def own_name(language: str) -> str:
    """'Français', 'Nederlands (België)': the language's own name as a menu item."""
    name = i18n.language_name(language)
    return name[:1].upper() + name[1:]


def switches(book: Book, editions: tuple[Edition, ...], name: str) -> list[Switch]:
    """The switch for page `name` of `book`: every edition's twin, the book's own marked (none
    when the site holds one edition only)."""
    if len(editions) < 2:
        return []
    here = book.meta.edition
    found = []
    for other in editions:
        target = name if name in other.pages else INDEX
        href = relative(here, other.folder, target)
        url = public(other.url, target) if other.url else href
        current = other.folder == here
        found.append(Switch(other.language, own_name(other.language), href, url, current))
    return found


def default(editions: tuple[Edition, ...], switch: list[Switch]) -> str:
    """The `x-default` alternate: the source's twin (the edition at the root), or ''."""
    for other, entry in zip(editions, switch, strict=False):
        if not other.folder:
            return entry.url
    return ""


def share_text(book: Book) -> tuple[str, str] | None:
    """How much of a translated edition is translated ('60 %', the edition's way) and the
    name of the language the rest is shown in ('anglais'); None when all of it is."""
    meta = book.meta
    if not meta.source_language or meta.translated_share >= 1:
        return None
    here = i18n.babel_locale(meta.language)
    share = format_percent(min(meta.translated_share, 0.99), locale=here)
    source = i18n.locale(meta.source_language)
    name = source.get_display_name(here) if source is not None else None
    return str(share), name or meta.source_language
