"""A book's language tag and `labels:` in, its translated engine labels, dates and numbers out.

The engine's words live in gettext catalogues inside the package (`booklet/locales/`), English
being the message ids: `booklet.pot` lists every message, `<lang>/LC_MESSAGES/booklet.po` holds
one language. The .po files are read and compiled in memory (no .mo to keep in step). Labels
resolve as: the book's `labels:` → the region's catalogue (`nl_BE`) → the language's (`nl`) →
English. Every message has a context, its key (`pgettext("contents", "Contents")`), which is
also the key a book's `labels:` mapping uses to override it. Nothing here reads the environment
(`LANG`): the book's language alone decides.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from babel.support import Translations
from babel.units import format_unit

from booklet.model import Meta
from booklet.resources import PACKAGE

LOCALES = PACKAGE / "locales"
DOMAIN = "booklet"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalogue_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, domain=DOMAIN)


def template() -> Catalog:
    """The message template (`booklet.pot`): every engine message in English."""
    return read_catalogue(LOCALES / f"{DOMAIN}.pot")


def shipped() -> tuple[str, ...]:
    """The languages with a catalogue (English, the message ids, needs none), sorted."""
    found = {p.parent.parent.name for p in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found | {"en"}))


@cache
def label_keys() -> dict[str, str]:
    """Every label key (a message's context) with its English text."""
    return {str(m.context): str(m.id) for m in template() if m.id and m.context}


def locale(tag: str) -> Locale | None:
    """The CLDR locale of a language tag like 'nl-BE' (None if CLDR does not know it)."""
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def candidates(tag: str) -> list[str]:
    """Catalogue names for a tag, most general first: 'nl-BE' → ['nl', 'nl_BE']."""
    parts = tag.replace("_", "-").split("-")
    names = [parts[0].lower()]
    loc = locale(tag)
    if loc is not None and loc.territory:
        names.append(f"{loc.language}_{loc.territory}")
    elif len(parts) > 1:
        names.append(f"{parts[0].lower()}_{parts[1].upper()}")
    return names


def has_catalogue(tag: str) -> bool:
    """True if the tag's language is English or has a shipped catalogue."""
    language = candidates(tag)[0]
    return language == "en" or catalogue_path(language).is_file()


def check_label(key: str, value: str) -> str | None:
    """What is wrong with a `labels:` override (None if nothing): it keeps the placeholders."""
    english = label_keys()[key]
    wanted, given = set(PLACEHOLDER.findall(english)), set(PLACEHOLDER.findall(value))
    if wanted != given:
        names = ", ".join(f"%({n})s" for n in sorted(wanted)) or "none"
        return f"label '{key}' must keep the placeholders of '{english}' ({names})"
    return None


def escape_label(value: str) -> str:
    """A `labels:` value as a msgstr: HTML-escaped (templates take msgstrs as markup), '%' doubled."""
    return (
        PLACEHOLDER.sub(
            lambda m: f"\0{m.group(1)}\1",
            html.escape(value, quote=True),
        )
        .replace("%", "%%")
        .replace("\0", "%(")
        .replace("\1", ")s")
    )


@cache
def translations(tag: str, labels: tuple[tuple[str, str], ...] = ()) -> Translations:
    """The book's translations: its language's catalogue, its region's, then its `labels:`."""
    merged = Catalog(locale=None, domain=DOMAIN)

    def put(msgid: Any, string: Any, context: str | None) -> None:
        existing = merged.get(msgid, context)  # `add` would keep the earlier string
        if existing is None:
            merged.add(msgid, string, context=context)
        else:
            existing.string = string

    english = {str(m.context): m for m in template() if m.id}
    for name in candidates(tag):
        path = catalogue_path(name)
        if not path.is_file():
            continue
        for message in read_catalogue(path):
            if message.id and message.string and not message.fuzzy:
                put(message.id, message.string, message.context)
    for key, value in labels:
        if key in english:
            put(english[key].id, escape_label(value), key)
    buffer = BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def book_translations(meta: Meta) -> Translations:
    return translations(meta.language, meta.labels)


def label_text(meta: Meta, key: str, english: str, **values: object) -> str:
    """One label as plain text (not HTML), for metadata the code writes: `pgettext` + values."""
    message = str(book_translations(meta).pgettext(key, english))
    return html.unescape(message % values)


def babel_locale(tag: str) -> Locale:
    """The CLDR locale for dates, numbers and lists (English if CLDR lacks the language)."""
    loc = locale(tag)
    if loc is None or not loc.months["format"]["wide"]:
        return Locale("en")
    return loc


def has_dates(tag: str) -> bool:
    """True if CLDR knows the tag's language and its month names."""
    loc = locale(tag)
    return loc is not None and bool(loc.months["format"]["wide"])


def has_hyphenation(tag: str) -> bool:
    """True if pyphen (WeasyPrint's hyphenation) has a dictionary for the tag."""
    import pyphen

    return pyphen.language_fallback(tag.replace("-", "_")) is not None


def long_date(date: dt.date, tag: str) -> str:
    """'1 maart 2026', '1 mars 2026', '1. März 2026'; plain 'en' keeps '1 March 2026'."""
    loc = babel_locale(tag)
    if str(loc) == "en":
        return format_date(date, "d MMMM y", locale=loc)
    return format_date(date, "long", locale=loc)


def timeline_date(when: tuple[int, int, int], tag: str, form: str = "") -> str:
    """A timeline's (year, month, day) the local way: '1940', 'mei 1940', '10 mei 1940'; a
    negative year is before the common era ('52 av. J.-C.'); `form` 'about' ('vers 1850'),
    'decade' ('années 1960') or 'century' ('XIXe siècle', the year its first)."""
    year, month, day = when
    labels = translations(tag)
    if form == "century":
        number = (1 - year) // 100 if year < 0 else year // 100 + 1
        text = str(labels.pgettext("date-century", "%(ordinal)s century")) % {
            "ordinal": ordinal(number, tag)
        }
    elif form == "decade":
        text = str(labels.pgettext("date-decade", "%(decade)ss")) % {"decade": abs(year)}
    elif not month or year < 1:
        text = str(abs(year))
        if month:  # before the common era: CLDR's patterns cannot write the year
            text = f"{format_skeleton('MMMM', dt.date(2000, month, 1), locale=babel_locale(tag))} {text}"
            text = f"{day} {text}" if day else text
    elif not day:
        text = format_skeleton("yMMMM", dt.date(year, month, 1), locale=babel_locale(tag))
    else:
        text = long_date(dt.date(year, month, day), tag)
    if form == "about":
        text = str(labels.pgettext("date-about", "c. %(date)s")) % {"date": text}
    if year < 0:
        text = str(labels.pgettext("date-bce", "%(date)s BC")) % {"date": text}
    return str(text)


def ordinal(number: int, tag: str) -> str:
    """A century's ordinal: '19th', 'XIXe' (French writes centuries in Roman numerals), '19e',
    '19.'."""
    language = candidates(tag)[0]
    if language == "fr":
        numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        roman, rest = "", number
        for value, letters in numerals:
            while rest >= value:
                roman, rest = roman + letters, rest - value
        return roman + ("er" if number == 1 else "e")
    if language == "nl":
        return f"{number}e"
    if language == "de":
        return f"{number}."
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{'th' if 10 <= number % 100 <= 20 else suffix}"


def number(value: float, tag: str, decimals: int = 0) -> str:
    """A number the local way: 70,000 / 70.000 / 70 000; with at least `decimals` decimals
    (3,10 stays 3,10)."""
    if decimals:
        pattern = "#,##0." + "0" * decimals + "#" * 3
        return format_decimal(value, pattern, locale=babel_locale(tag))
    return format_decimal(value, locale=babel_locale(tag))


def decimal_symbol(tag: str) -> str:
    """The language's decimal separator ('.' when CLDR does not know it)."""
    loc = locale(tag)
    return str(loc.number_symbols["latn"]["decimal"]) if loc is not None else "."


@cache
def month_numbers(tag: str) -> dict[str, int]:
    """Month names of the tag's language, wide and abbreviated, lower case → 1..12."""
    loc = locale(tag)
    if loc is None:
        return {}
    found: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in loc.months[context][width].items():
                found.setdefault(name.lower().rstrip("."), number)
    return found


def parse_number(text: str, tag: str) -> float | None:
    """A number written the tag's way ('70.000', '70 000', '12,5'), or None."""
    loc = locale(tag)
    if loc is None or loc.language == "en":
        return None
    text = text.strip()
    if loc.number_symbols["latn"]["group"].isspace():  # '70 000' typed with a plain space
        text = text.replace(" ", loc.number_symbols["latn"]["group"])
    try:
        return float(parse_decimal(text, locale=loc, strict=True))
    except (NumberFormatError, ValueError):
        return None


def file_size(size: int, tag: str) -> str:
    """A file's size as file managers write it, in decimal units and the language's symbols
    (CLDR's): '850 kB', '1.2 MB', '1,2 Mo'."""
    loc = babel_locale(tag)
    if size < 1_000_000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", "short", locale=loc)
    return format_unit(size / 1_000_000, "digital-megabyte", "short", format="0.0", locale=loc)


def singular(count: int, tag: str) -> bool:
    """True where the language writes `count` things in the singular ('1 page'; French also
    '0 page'): templates then use the label `KEY-one` instead of `KEY`. The shipped languages
    have no other plural forms."""
    return bool(babel_locale(tag).plural_form(count) == "one")


def language_name(tag: str) -> str:
    """The language's own name for itself: 'Nederlands (België)', 'français', 'English'."""
    loc = locale(tag)
    return loc.get_display_name(loc) or tag if loc is not None else tag


@cache
def _tags_by_name() -> dict[str, str]:
    """Every language CLDR knows, by its own name and its English name, folded → its tag."""
    from babel.localedata import locale_identifiers

    found: dict[str, str] = {}
    for tag in sorted(t for t in locale_identifiers() if "_" not in t):
        loc = Locale.parse(tag)
        for name in (loc.get_display_name(loc), loc.get_display_name("en")):
            if name:
                found.setdefault(name.casefold(), tag)
    return found


def tag_for_name(name: str) -> str | None:
    """The tag of a language given by name ('français', 'Dutch', 'Deutsch' → fr, nl, de)."""
    return _tags_by_name().get(name.strip().casefold())


def names(items: Iterable[str], tag: str) -> str:
    """'A, B and C' / 'A, B en C' / 'A, B et C' / 'A, B und C'."""
    items = list(items)
    if not items:
        return ""
    return format_list(items, locale=babel_locale(tag))
