"""A timeline date as an author writes it in, its sort key and its form out.

Exact dates ('1940', 'May 1940', '10 mai 1940', '1940-05-10'), approximate ones ('c. 1850',
'vers 1850', 'rond 1850', 'um 1850'), decades ('1960s', 'années 1960', 'jaren 1960',
'1960er Jahre'), centuries ('19th century', 'XIXe siècle', '19e eeuw', '19. Jahrhundert') and
years before the common era ('52 BC', '52 av. J.-C.', '52 v.Chr.', '52 v. Chr.'), in any of the
shipped languages whatever the book's (a French book may quote an English date).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from booklet import i18n

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
# '10 May 1940', '1er mai 1940', '10. Mai 1940', 'mei 1941', '1940–1944'.
DATE = re.compile(
    r"^(?:(?P<day>\d{1,2})(?:\.|er)?\s+)?(?:(?P<month>[^\W\d_]+)\.?\s+)?(?P<year>\d{3,4})"
    r"(?:\s*[–-].*)?$"
)
ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?$")
# Before a year, or after it for BCE; matched on the lower-cased text.
ABOUT = re.compile(r"^(?:c\.|ca\.|circa|around|about|vers|environ|env\.|rond|omstreeks|um|etwa)\s*")
BCE = re.compile(
    r"\s*(?:bce|bc|b\.c\.(?:e\.)?|av\.\s*j\.?-?\s*c\.?|avant\s+j\.?-?\s*c\.?|"
    r"v\.\s*chr\.?|voor\s+christus|vor\s+christus)$"
)
DECADE = re.compile(
    r"^(?:the\s+(?P<en>\d{2,3}0)s|(?P<en2>\d{2,3}0)s|(?:les\s+)?années\s+(?P<fr>\d{2,3}0)|"
    r"(?:de\s+)?jaren\s+(?P<nl>\d{2,3}0)|(?:die\s+)?(?P<de>\d{2,3}0)er(?:[\s-]*jahre)?)$"
)
CENTURY = re.compile(
    r"^(?:the\s+)?(?:(?P<number>\d{1,2})(?:st|nd|rd|th|e|er|ème|\.)?|(?P<roman>[ivxl]+)"
    r"(?:e|er|ème))\s+(?:century|siècle|eeuw|jahrhundert)$"
)
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
EXAMPLES = {
    "en": "'1940', 'May 1940', '10 May 1940', 'c. 1850', '1960s', '19th century' or '52 BC'",
    "fr": "'1940', 'mai 1940', '10 mai 1940', 'vers 1850', 'années 1960', 'XIXe siècle' "
    "ou '52 av. J.-C.'",
    "nl": "'1940', 'mei 1940', '10 mei 1940', 'rond 1850', 'jaren 1960', '19e eeuw' of '52 v.Chr.'",
    "de": "'1940', 'Mai 1940', '10. Mai 1940', 'um 1850', '1960er Jahre', '19. Jahrhundert' "
    "oder '52 v. Chr.'",
}


@dataclass(frozen=True)
class When:
    """A timeline date: (year, month, day) with 0 for what is not given, year negative before
    the common era; `form` is '' (exact), 'about', 'decade' or 'century'; `iso` when written
    as YYYY-MM-DD (then shown the local way)."""

    year: int
    month: int = 0
    day: int = 0
    form: str = ""
    iso: bool = False

    @property
    def key(self) -> tuple[int, int, int]:
        return self.year, self.month, self.day


def roman(text: str) -> int:
    values = [ROMAN[c] for c in text]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def real(when: When | None) -> When | None:
    """The date if the calendar has it ('1940-13-45' and '31 April 1941' it has not)."""
    if when is None or not when.month:
        return when
    if not 1 <= when.month <= 12:
        return None
    days = calendar.monthrange(when.year, when.month)[1] if when.year > 0 else 31
    return when if 0 <= when.day <= days else None


def exact(text: str, language: str) -> When | None:
    iso = ISO_DATE.match(text)
    if iso:
        return real(When(int(iso["year"]), int(iso["month"]), int(iso["day"] or 0), iso=True))
    match = DATE.match(text)
    if not match:
        return None
    month = 0
    if match["month"]:
        name = match["month"].lower()
        month = MONTHS.get(name) or i18n.month_numbers(language).get(name, -1)
        if month < 0:
            return None
    if match["day"] and not month:
        return None
    return real(When(int(match["year"]), month, int(match["day"] or 0)))


def parse(text: str, language: str = "en") -> When | None:
    """The date `text` stands for, or None if it is none of the forms above."""
    folded = " ".join(text.strip().lower().split())
    bce = BCE.search(folded)
    if bce:
        folded = folded[: bce.start()].strip()
        if folded.isdigit():  # a year BCE may have one or two digits: '52 av. J.-C.'
            folded = folded.zfill(3)
    found: When | None
    about = ABOUT.match(folded)
    if about:
        inner = exact(folded[about.end() :], language)
        found = When(inner.year, inner.month, inner.day, "about") if inner else None
    elif decade := DECADE.match(folded):
        found = When(int(next(g for g in decade.groups() if g)), form="decade")
    elif century := CENTURY.match(folded):
        number = int(century["number"]) if century["number"] else roman(century["roman"])
        found = When((number - 1) * 100, form="century") if 0 < number <= 30 else None
    else:
        found = exact(folded, language)
    if found is None or not bce:
        return found
    if found.form == "century":  # the 1st century BC is -99..-1: it sorts after the 2nd
        return When(-(found.year + 99), form="century")
    return When(-found.year, found.month, found.day, found.form)


def example(language: str) -> str:
    """The forms a timeline date may take, as the book's language writes them."""
    return EXAMPLES.get(i18n.candidates(language)[0], EXAMPLES["en"])
