"""A manuscript's sources and its `translations/LANG/*.po` catalogues in, out: the catalogues
brought up to date with the source (msgmerge's way), each file's translated text with fallbacks
marked, what is left to translate, and an error for every fact a translation changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, write_po

from booklet.errors import Collector, Diagnostic
from booklet.load.rules import ParsedChapter
from booklet.load.segments import (
    FALLBACK_END,
    FALLBACK_START,
    Segment,
    book_segments,
    replaced,
    segments,
)
from booklet.model import Block, Meta, Prose

FOLDER = "translations"
BOOK_CATALOGUE = "book.po"
NUMBER = re.compile(r"\d{1,3}(?:[,.'\u00a0\u202f ]\d{3})+(?!\d)|\d+")
LINK = re.compile(r"\]\(([^)\s]+)")
NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
CODE = re.compile(r"`([^`]+)`")
PLAIN = ("front matter:", "book:", "image:")  # contexts whose fallbacks cannot carry a `lang`
LANGUAGE_FOLDER = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass
class Progress:
    """How far one language is: blocks in all, translated, fuzzy; each one left, with places."""

    language: str
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    left: list[tuple[str, int, str, int, str]] = field(default_factory=list)  # po, line, src…


def languages(root: Path) -> list[str]:
    """The languages with catalogues: `translations/<language>/` folders holding `.po` files."""
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    return sorted(
        d.name
        for d in folder.iterdir()
        if d.is_dir() and LANGUAGE_FOLDER.match(d.name) and any(d.glob("*.po"))
    )


def catalogue_name(source: Path) -> str:
    """`03-sabotage.md` → `03-sabotage.po`; `book.yaml` → `book.po`."""
    return BOOK_CATALOGUE if source.name == "book.yaml" else source.with_suffix(".po").name


def source_segments(source: Path, text: str) -> list[Segment]:
    return book_segments(text) if source.name == "book.yaml" else segments(text)


def template(source: Path, text: str, root: Path) -> Catalog:
    """A catalogue of the file's segments: the text as msgid, what it is as context."""
    catalog = Catalog(fuzzy=False)
    place = source.relative_to(root).as_posix()
    for segment in source_segments(source, text):
        message = catalog.get(segment.text, segment.context)
        if message is not None:
            message.locations.append((place, segment.line))
        else:
            catalog.add(segment.text, context=segment.context, locations=[(place, segment.line)])
    return catalog


HEADER = """\
# {name} translation of {title}: one message per block of {source}.
# Edit it with Poedit, Weblate or any PO editor. After the source changes, run
# 'booklet translate {language}': new blocks are added, changed ones marked fuzzy
# (with their previous text) and shown in the source's language until checked."""


def update(
    root: Path, language: str, sources: Iterable[tuple[Path, str]], title: str, when: dt.datetime
) -> list[Path]:
    """Write `translations/<language>/*.po` up to date with the sources: new blocks added,
    changed ones fuzzy with their previous text, removed ones obsolete. The files written."""
    from booklet import i18n

    folder = root / FOLDER / language
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source, text in sources:
        path = folder / catalogue_name(source)
        fresh = template(source, text, root)
        if path.is_file():
            catalog = read_or_raise(path)
            catalog.update(fresh, update_creation_date=False)
        else:
            catalog = fresh
            catalog.locale = language.replace("-", "_")
            catalog.creation_date = when
            catalog.revision_date = when
        catalog.header_comment = HEADER.format(
            name=i18n.language_name(language) or language,
            title=title,
            source=source.name,
            language=language,
        )
        catalog.project, catalog.version = title, ""
        catalog.fuzzy = False
        out = io.BytesIO()
        write_po(out, catalog, width=0, include_previous=True, sort_output=False)
        path.write_bytes(out.getvalue())
        written.append(path)
    return written


def read_or_raise(path: Path) -> Catalog:
    """A catalogue that must parse (to be updated or filled): else `ManuscriptError`."""
    collector = Collector(path.parent.parent.parent)
    catalog = read_catalogue(path, collector)
    collector.raise_if_any()
    assert catalog is not None
    return catalog


def read_catalogue(path: Path, collector: Collector) -> Catalog | None:
    """A catalogue, or None with an error at the line where it does not parse."""
    try:
        with path.open("rb") as file:
            return read_po(file, abort_invalid=True)
    except PoFileError as error:
        what = re.sub(r" on \d+$", "", str(error))
        line = int(getattr(error, "lineno", 0) or 0) + 1  # Babel counts from 0
        collector.error(path, line, f"{what}; fix the PO file")
    except (OSError, UnicodeDecodeError, ValueError) as error:
        collector.error(path, 1, f"cannot read this catalogue: {error}")
    return None


def translated_text(
    source: Path,
    text: str,
    catalog: Catalog | None,
    po: Path,
    collector: Collector,
    progress: Progress,
    heading_id: Callable[[str], str] = lambda text: "",
) -> str:
    """The source text with each segment's translation; a segment with none (or a fuzzy one)
    keeps the source text between the fallback marks, and is counted as left."""
    found = source_segments(source, text)
    known = {(s.text, s.context) for s in found}
    if catalog is not None:
        unknown_messages(catalog, known, po, collector)

    def translate(segment: Segment) -> str:
        message = catalog.get(segment.text, segment.context) if catalog is not None else None
        progress.total += 1
        # A heading keeps the source's id, so that links to it work in every edition.
        anchor = heading_id(segment.text) if segment.context == "heading" else ""
        anchor = "" if segment.anchored else anchor
        if message is not None and message.string and not message.fuzzy:
            progress.translated += 1
            if not check_facts(segment, message, source, po, collector):
                return segment.text + anchor  # reported at the PO line; not again at the source
            return str(message.string) + anchor
        progress.fuzzy += bool(message is not None and message.fuzzy and message.string)
        state = "fuzzy" if message is not None and message.fuzzy else "untranslated"
        line = message.lineno if message is not None and message.lineno else 1
        progress.left.append((str(po), line, str(source), segment.line, state))
        if segment.context.startswith(PLAIN):
            return segment.text  # shown in attributes or as plain text: no marks
        return FALLBACK_START + segment.text + FALLBACK_END + anchor

    return replaced(text, found, translate)


def unknown_messages(
    catalog: Catalog, known: set[tuple[str, str]], po: Path, collector: Collector
) -> None:
    """An error for each translated message of a block that no longer exists."""
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        if (message.id, message.context or "") not in known:
            collector.error(
                po,
                message.lineno or 1,
                "no block of the source has this text; run 'booklet translate "
                f"{po.parent.name}' to bring the catalogue up to date",
            )


def facts(text: str) -> dict[str, set[str]]:
    """What a translation must keep: numbers (any digit grouping), links, notes, code."""
    numbers = {re.sub(r"[,.'\u00a0\u202f ]", "", n) for n in NUMBER.findall(CODE.sub("", text))}
    return {
        "number": numbers,
        "link": set(LINK.findall(text)),
        "footnote reference": set(NOTE_CALL.findall(text)),
        "inline code": set(CODE.findall(text)),
    }


def check_facts(
    segment: Segment, message: Message, source: Path, po: Path, collector: Collector
) -> bool:
    """An error at the PO line for each fact the translation lacks or adds; True if none."""
    want, got = facts(segment.text), facts(str(message.string))
    before = len(collector.errors)
    place = f"{source.name}:{segment.line}"
    for kind in want:
        for value in sorted(want[kind] - got[kind]):
            collector.error(
                po, message.lineno or 1, f"the translation lacks the {kind} {value!r} of {place}"
            )
        for value in sorted(got[kind] - want[kind]):
            collector.error(
                po,
                message.lineno or 1,
                f"the translation has the {kind} {value!r}, which {place} does not",
            )
    return len(collector.errors) == before


FALLBACK = re.compile(
    f"(?P<tag><[A-Za-z][\\w-]*(?:\\s[^<>]*)?>)?{FALLBACK_START}(?P<text>.*?){FALLBACK_END}", re.S
)


def mark_fallbacks(html: str, language: str) -> str:
    """Source text left untranslated, marked with the source's language: on the element it
    fills (`<p lang="en">`), else in a span, so screen readers and hyphenation switch."""

    def mark(match: re.Match[str]) -> str:
        tag, text = match["tag"], match["text"]
        if tag and not tag.startswith("</"):
            return f'{tag[:-1].rstrip("/")} lang="{language}">{text}'
        return f'{tag or ""}<span lang="{language}">{text}</span>'

    return FALLBACK.sub(mark, html)


def unmarked(text: str) -> str:
    """Plain text (a title, a field) with the fallback marks taken out."""
    return text.replace(FALLBACK_START, "").replace(FALLBACK_END, "")


@dataclass
class Edition:
    """A translated edition being loaded: the source files' text in the edition's language, the
    catalogues' problems in the collector, and what is left to translate."""

    root: Path
    language: str
    collector: Collector
    progress: Progress = field(init=False)

    def __post_init__(self) -> None:
        self.progress = Progress(self.language)

    def text(self, source: Path, text: str) -> str:
        """The file's text with every block translated (or marked as the source's)."""
        from booklet.load.markdown import slugify

        po = self.root / FOLDER / self.language / catalogue_name(source)
        catalog = read_catalogue(po, self.collector) if po.is_file() else None

        def heading_id(heading: str) -> str:
            return f" {{#{slugify(heading)}}}"

        return translated_text(source, text, catalog, po, self.collector, self.progress, heading_id)

    def report(self, source_language: str) -> None:
        """A warning at the catalogue's line for each block shown in the source's language (one
        for a whole file without a catalogue)."""
        missing: dict[str, list[str]] = {}
        for po, line, source, source_line, state in self.progress.left:
            if not Path(po).is_file():
                missing.setdefault(po, []).append(source)
                continue
            where = f"{Path(source).name}:{source_line}"
            why = (
                "the source changed since it was translated; check it and clear the fuzzy flag"
                if state == "fuzzy"
                else "it has no translation yet"
            )
            message = f"{state}: the block at {where} is shown in '{source_language}' ({why})"
            self.collector.warn(Path(po), line, message)
        for po, sources in missing.items():
            self.collector.warn(
                Path(po),
                1,
                f"no catalogue: the {len(sources)} blocks of {Path(sources[0]).name} are shown in "
                f"'{source_language}'; make it with: booklet translate {self.language}",
            )


def edition_meta(meta: Meta, language: str) -> Meta:
    """The source's `Meta` (already translated) as the edition's: its language, the source's
    language, file names and web address with the language in them."""
    url = meta.download_url.strip()
    if url:
        url = urljoin(url if url.endswith("/") else url + "/", f"{language}/")
    return dataclasses.replace(
        meta,
        language=language,
        source_language=meta.language,
        slug=f"{meta.slug}-{language.lower()}",
        download_url=url,
    )


def marked(parsed: ParsedChapter, language: str) -> ParsedChapter:
    """A parsed chapter whose fallbacks carry the source's `language` (plain text: unmarked)."""

    def html(text: str) -> str:
        return mark_fallbacks(text, language)

    def block(b: Block) -> Block:
        if isinstance(b, Prose):
            return Prose(html(b.html))
        return dataclasses.replace(
            b,
            title=html(b.title) if b.title else b.title,
            fields=tuple((name, html(value)) for name, value in b.fields),
            body_html=html(b.body_html),
            items=tuple(
                dataclasses.replace(i, key=html(i.key), html=html(i.html)) for i in b.items
            ),
        )

    return dataclasses.replace(
        parsed,
        blocks=[block(b) for b in parsed.blocks],
        headings=[dataclasses.replace(h, text=unmarked(h.text)) for h in parsed.headings],
        footnotes=[dataclasses.replace(f, html=html(f.html)) for f in parsed.footnotes],
        credits=[
            dataclasses.replace(c, text=unmarked(c.text), caption=unmarked(c.caption))
            for c in parsed.credits
        ],
    )


def fill_from_copy(
    po: Path, source: Path, text: str, copy: Path, localize: Callable[[str], str]
) -> list[Diagnostic]:
    """Fill the catalogue's empty messages from a translated copy of `source` whose blocks match
    the source's one for one; the problems (none if all was filled). `localize` rewrites a
    `numbers` value the copy left as the source wrote it."""
    theirs = copy.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    ours, found = source_segments(source, text), source_segments(source, theirs)
    kinds = [s.context.split(" ")[0] for s in ours], [s.context.split(" ")[0] for s in found]
    if kinds[0] != kinds[1]:
        at = next(
            (n for n, (a, b) in enumerate(zip(*kinds, strict=False)) if a != b),
            min(map(len, kinds)),
        )
        line = found[at].line if at < len(found) else len(theirs.split("\n"))
        return [Diagnostic(str(copy), line, f"its blocks differ from {source.name}'s from here on")]
    catalog = read_or_raise(po)
    for mine, other in zip(ours, found, strict=True):
        message = catalog.get(mine.text, mine.context)
        if message is None or message.string:
            continue
        string = other.text
        if mine.context.endswith("value") and string == mine.text:
            string = localize(string)
        message.string = string
    out = io.BytesIO()
    write_po(out, catalog, width=0, include_previous=True)
    po.write_bytes(out.getvalue())
    return []
