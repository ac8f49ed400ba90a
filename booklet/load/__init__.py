"""A manuscript folder in, one frozen `Book` out (or a `ManuscriptError` listing every problem)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import stat
import uuid
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from booklet import i18n
from booklet.confine import check_inside
from booklet.errors import Collector, Diagnostic, in_reading_order, suggest
from booklet.load import glyphs
from booklet.load.parse import ChapterParser, make_markdown, slugify
from booklet.load.svg import check_svg
from booklet.load.translations import Edition, edition_meta, marked, unmarked
from booklet.model import Book, Chapter, Image, Meta, Sidebar, Term

BOOK_KEYS = {
    "title": str,
    "subtitle": str,
    "language": str,
    "authors": list,
    "publisher": str,
    "date": dt.date,
    "identifier": str,
    "description": str,
    "rights": str,
    "trim": str,
    "handout_papers": list,
    "download_url": str,
    "cover_image": str,
    "cover_alt": str,
    "cover_credit": str,
    "chapters": list,
    "labels": dict,
}
REQUIRED_BOOK_KEYS = ("title", "language")
CHAPTER_KEYS = {"title": str, "short_title": str, "summary": str, "handout": bool}
TRIMS = ("A5", "half-letter")
PAPERS = ("A4", "Letter")
MAX_CHAPTER_BYTES = 1_000_000
MAX_BOOK_BYTES = 4_000_000
MAX_CHAPTERS = 200
# Sidebars per book: at least MIN_SIDEBARS, and one per BYTES_PER_SIDEBAR of chapter text beyond
# that, so a long book of normal density builds (the shipped booklet has one per ~600 bytes)
# while a chapter that is nothing but sidebars is still stopped.
MIN_SIDEBARS = 500
BYTES_PER_SIDEBAR = 250
MAX_IMAGE_BYTES = 10_000_000
MAX_IMAGE_PIXELS = 40_000_000
MAX_YAML_DEPTH = 20
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*$\n?", re.S | re.M)
OPENING_FENCE = re.compile(r"\A---[ \t]*$", re.M)
# Characters that XML (and so XHTML, EPUB and PDF metadata) cannot hold; tab and newline are fine.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def read_text(path: Path, collector: Collector, limit: int = MAX_CHAPTER_BYTES) -> str | None:
    """A manuscript text file as str with '\\n' line ends (BOM dropped), or None after an error."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            collector.error(path, 1, "is not a regular file; replace it by a text file")
            return None
        if size > limit:
            collector.error(path, 1, f"file is {size:,} bytes; the limit is {limit:,}. Split it")
            return None
        data = path.read_bytes()
    except OSError as exc:
        collector.error(path, 1, f"cannot read file: {exc.strerror}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        collector.error(
            path, line, f"file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        code = f"U+{ord(control.group()):04X}"
        collector.error(path, line, f"file contains the control character {code}; remove it")
        return None
    return text


def read_yaml(
    text: str, path: Path, first_line: int, collector: Collector, what: str = "book.yaml"
) -> tuple[dict[str, Any], dict[str, int]] | None:
    """Parse a YAML mapping; return it with the line of each key."""
    try:
        parsed = quick_yaml(text)
        if parsed is None:  # a problem: let the pure-Python parser find and name it
            unsupported = check_yaml_events(text, first_line)
            if unsupported is not None:
                collector.error(path, *unsupported)
                return None
            parsed = yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)
        node, data = parsed
    except yaml.MarkedYAMLError as exc:
        line, message = yaml_problem(exc, first_line)
        collector.error(path, line, f"invalid YAML: {message}")
        return None
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        # e.g. 'date: 2026-13-45' is well-formed YAML but no date: find the value to name it.
        bad = failing_scalar(yaml.compose(text, Loader=yaml.SafeLoader))
        line = first_line + (bad.start_mark.line if bad else 0)
        kind = "date" if bad and bad.tag.endswith(":timestamp") else "value"
        value = f"'{bad.value}' is not a valid {kind} " if bad else ""
        collector.error(path, line, f"invalid YAML: {value}({str(exc).splitlines()[0]})")
        return None
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        found = "a list" if isinstance(data, list) else "a single value"
        collector.error(
            path, first_line, f"{what} must be 'key: value' lines like 'title: …', not {found}"
        )
        return None
    lines = {str(k.value): first_line + k.start_mark.line for k, _ in node.value}
    return data, lines


def quick_yaml(text: str) -> tuple[Any, Any] | None:
    """(node, data) parsed by libyaml when the text is plain YAML; None on anything unusual.

    Several times faster than the pure-Python parser; that one still reads whatever this
    refuses, so that its messages stay the only ones users see.
    """
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    try:
        if check_yaml_events(text, 1, loader) is not None:
            return None  # libyaml's composer is recursive: deep nesting must not reach it
        return yaml.compose(text, Loader=loader), yaml.load(text, Loader=loader)
    except (yaml.YAMLError, ValueError, OverflowError):
        return None


def check_yaml_events(
    text: str, first_line: int, loader: Any = yaml.SafeLoader
) -> tuple[int, str] | None:
    """The line and message of the first alias or too deep nesting, found without recursion.

    PyYAML's parser is iterative but its composer recursive: deep nesting would overflow the
    stack, and aliases can make values exponentially large ('billion laughs').
    """
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        line = first_line + (event.start_mark.line if event.start_mark else 0)
        if isinstance(event, yaml.AliasEvent):
            return line, f"YAML aliases ('*{event.anchor}') are not supported; write the value out"
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return line, f"YAML is nested more than {MAX_YAML_DEPTH} levels deep; flatten it"
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def yaml_problem(exc: yaml.MarkedYAMLError, first_line: int) -> tuple[int, str]:
    """The line and a readable message for a YAML syntax error, with a hint for common slips."""
    mark = exc.problem_mark or exc.context_mark
    line = first_line + (mark.line if mark else 0)
    problem = exc.problem or exc.context or "cannot be read"
    tag = re.match(r"could not determine a constructor for the tag '(.*)'", problem)
    if tag:
        name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
        return line, f"tags like '{name}' are not supported; write plain values"
    if exc.context == "while scanning a quoted scalar" and exc.context_mark:
        return (
            line,
            f"the quotes opened on line {first_line + exc.context_mark.line} are never closed",
        )
    if exc.context and exc.problem and exc.context_mark:
        problem += f" ({exc.context} from line {first_line + exc.context_mark.line})"
    if "'\\t'" in problem and exc.problem_mark:
        column = exc.problem_mark.column + 1
        return line, f"a tab in column {column}; YAML allows none there: use spaces, or quotes"
    return line, problem


def failing_scalar(node: yaml.Node | None) -> yaml.ScalarNode | None:
    """The first scalar (in document order) that PyYAML's safe constructor rejects."""
    if isinstance(node, yaml.ScalarNode):
        try:
            yaml.SafeLoader("").construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError):
            return node
        return None
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    for child in children:
        found = failing_scalar(child)
        if found is not None:
            return found
    return None


def check_keys(
    data: dict[str, Any],
    lines: dict[str, int],
    allowed: dict[str, type],
    path: Path,
    collector: Collector,
    what: str,
) -> None:
    for key, value in data.items():
        line = lines.get(str(key), 1)
        if key not in allowed:
            valid = ", ".join(allowed)
            collector.error(
                path,
                line,
                f"unknown {what} key '{key}'{suggest(str(key), allowed)} (valid keys: {valid})",
            )
        elif not isinstance(value, allowed[key]) or (
            allowed[key] is int and isinstance(value, bool)
        ):
            kind = {
                str: "text",
                list: "a list",
                bool: "true or false",
                dt.date: "a date (YYYY-MM-DD)",
                dict: "'key: text' lines",
            }
            collector.error(
                path, line, f"'{key}' must be {kind.get(allowed[key], allowed[key].__name__)}"
            )


def load_meta(
    root: Path, collector: Collector, edition: Edition | None = None
) -> tuple[Meta, list[str] | None, dict[str, int]] | None:
    path = root / "book.yaml"
    if not path.exists() and not path.is_symlink():
        collector.error(
            path, 1, "book.yaml is missing; create it with at least 'title' and 'language'"
        )
        return None
    if not inside_manuscript(path, root, collector, path, 1, "book.yaml"):
        return None
    text = read_text(path, collector)
    if text is not None and edition is not None:
        text = edition.text(path, text)
    if text is not None:
        glyphs.check(path, text, collector)
    parsed = read_yaml(text, path, 1, collector, "book.yaml") if text is not None else None
    if parsed is None:
        return None
    data, lines = parsed
    check_keys(data, lines, BOOK_KEYS, path, collector, "book.yaml")
    for key in REQUIRED_BOOK_KEYS:
        if key not in data:
            collector.error(path, 1, f"book.yaml needs '{key}'")

    def text_of(key: str, default: str = "") -> str:
        value = data.get(key, default)
        return value.strip() if isinstance(value, str) else default

    language = text_of("language", "en")
    if not LANGUAGE.match(language):
        collector.error(
            path,
            lines.get("language", 1),
            f"language '{language}' is not a language tag like 'en' or 'nl-BE'",
        )
    else:
        check_language(language, path, lines.get("language", 1), collector)
    labels = load_labels(data.get("labels"), path, lines.get("labels", 1), text, collector)
    trim = text_of("trim", "A5")
    if trim not in TRIMS:
        collector.error(
            path,
            lines.get("trim", 1),
            f"trim '{trim}' is not known{suggest(trim, TRIMS)} (trims: {', '.join(TRIMS)})",
        )
    papers = tuple(str(p) for p in data.get("handout_papers", PAPERS) or ())
    for paper in papers:
        if paper not in PAPERS:
            collector.error(
                path,
                lines.get("handout_papers", 1),
                f"handout paper '{paper}' is not known{suggest(paper, PAPERS)} (papers: {', '.join(PAPERS)})",
            )
    authors = tuple(str(a) for a in data.get("authors", []) if isinstance(a, str | int))
    date = data.get("date") if isinstance(data.get("date"), dt.date) else dt.date(2000, 1, 1)
    title = text_of("title", "Untitled")
    identifier = (
        text_of("identifier") or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'booklet:' + title)}"
    )
    if identifier.startswith("urn:uuid:"):
        try:
            uuid.UUID(identifier[9:])
        except ValueError:
            collector.error(
                path, lines.get("identifier", 1), f"identifier '{identifier}' is not a valid UUID"
            )
    download_url = text_of("download_url")
    if download_url and not re.match(r"^https?://[^\s/]+", download_url, re.I):
        collector.error(
            path,
            lines.get("download_url", 1),
            f"download_url '{download_url[:60]}' must be a web address starting with https://",
        )
        download_url = ""
    chapters = data.get("chapters")
    if isinstance(chapters, list):
        for entry in chapters:
            if not isinstance(entry, str):
                collector.error(
                    path,
                    lines.get("chapters", 1),
                    f"chapters entry {entry!r:.40} is not a file name; write '- 01-name.md'",
                )
        chapters = [c for c in chapters if isinstance(c, str)]
    meta = Meta(
        title=title,
        subtitle=text_of("subtitle"),
        language=language,
        authors=authors,
        publisher=text_of("publisher"),
        date=date if isinstance(date, dt.date) else dt.date(2000, 1, 1),
        identifier=identifier,
        description=text_of("description"),
        rights=text_of("rights"),
        trim=trim,
        handout_papers=papers,
        download_url=download_url,
        slug=slugify(title),
        cover_image=text_of("cover_image"),
        cover_alt=text_of("cover_alt"),
        cover_credit=text_of("cover_credit"),
        labels=labels,
    )
    order = [str(c) for c in chapters] if isinstance(chapters, list) else None
    return meta, order, lines


def check_language(language: str, path: Path, line: int, collector: Collector) -> None:
    """Warn when the engine cannot write the book's language: no catalogue, no CLDR dates."""
    if not i18n.has_catalogue(language):
        shipped = ", ".join(i18n.shipped())
        collector.warn(
            path,
            line,
            f"language '{language}' has no translation of the engine's labels (shipped: "
            f"{shipped}); they stay English. Set them under 'labels:' in book.yaml, or add a "
            "catalogue (README, 'Languages')",
        )
    if not i18n.has_dates(language):
        collector.warn(
            path, line, f"language '{language}' has no date names in CLDR; dates are in English"
        )
    if not i18n.has_hyphenation(language):
        collector.warn(
            path,
            line,
            f"language '{language}' has no hyphenation dictionary; words are not hyphenated",
        )


def load_labels(
    value: object, path: Path, line: int, text: str | None, collector: Collector
) -> tuple[tuple[str, str], ...]:
    """The `labels:` mapping checked: known keys, text values, the English placeholders kept."""
    if not isinstance(value, dict):
        return ()
    keys = i18n.label_keys()
    # The line of each key: labels are indented under 'labels:'.
    lines: dict[str, int] = {}
    if text is not None:
        for n, source in enumerate(text.splitlines()[line:], line + 1):
            if source and not source[0].isspace():
                break
            match = re.match(r"\s+['\"]?([^'\":]+)['\"]?\s*:", source)
            if match:
                lines.setdefault(match.group(1).strip(), n)
    labels = []
    for key, label in value.items():
        at = lines.get(str(key), line)
        if key not in keys:
            valid = ", ".join(sorted(keys))
            collector.error(
                path,
                at,
                f"unknown label '{key}'{suggest(str(key), keys)} (labels: {valid})",
            )
        elif not isinstance(label, str) or not label.strip():
            collector.error(path, at, f"label '{key}' must be text, like '{keys[key]}'")
        elif problem := i18n.check_label(key, label):
            collector.error(path, at, problem)
        else:
            labels.append((str(key), label.strip()))
    return tuple(sorted(labels))


def printable(text: str) -> str:
    """Text with control characters shown as escapes, for messages."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: m.group().encode("unicode_escape").decode(), text)


def inside_manuscript(
    path: Path, root: Path, collector: Collector, at: Path, line: int, name: str
) -> bool:
    """True if `path` (symlinks resolved) is a regular file in the manuscript; else an error at `at`."""
    if not check_inside(path, [root]):
        collector.error(
            at,
            line,
            f"'{name}' is a symbolic link to '{os.path.realpath(path)}', outside the manuscript "
            "folder; copy the file into the folder instead",
        )
        return False
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        collector.error(at, line, f"cannot read '{name}': {exc.strerror}")
        return False
    if stat.S_ISDIR(mode):
        collector.error(at, line, f"'{name}' is a folder, not a file")
        return False
    if not stat.S_ISREG(mode):
        collector.error(at, line, f"'{name}' is not a regular file; replace it by a file")
        return False
    return True


def chapter_files(
    root: Path, order: list[str] | None, lines: dict[str, int], collector: Collector
) -> list[Path]:
    """The chapter files in reading order: as listed in book.yaml, or every NN-name.md file."""
    book = root / "book.yaml"
    if order is None:
        # Hidden files ('._01-x.md' from macOS, editor lock files) are never chapters.
        candidates = sorted(
            p
            for p in root.glob("*.md")
            if not p.name.startswith(".") and (p.is_file() or p.is_symlink())
        )
        return [p for p in candidates if inside_manuscript(p, root, collector, p, 1, p.name)]
    files: list[Path] = []
    line = lines.get("chapters", 1)
    for name in order:
        path = root / name
        if (
            re.search(r"[/\\\x00-\x1f\x7f]", name)
            or name.startswith(".")
            or not name.endswith(".md")
        ):
            collector.error(
                book,
                line,
                f"chapter '{printable(name)}' must be a '.md' file name inside the manuscript folder",
            )
        elif not path.exists() and not path.is_symlink():
            found = [p.name for p in root.glob("*.md")]
            collector.error(
                book, line, f"chapter file '{name}' does not exist{suggest(name, found)}"
            )
        elif path in files:
            collector.error(book, line, f"chapter '{name}' is listed twice")
        elif inside_manuscript(path, root, collector, book, line, name):
            files.append(path)
    return files


def check_book_size(
    root: Path, files: list[Path], listed: bool, line: int, collector: Collector
) -> int:
    """Stop before parsing anything if the book is over the chapter count or total size limit.

    Each is reported where it is broken: at the first chapter over the count (at the list in
    book.yaml when the chapters are listed there), and at the chapter whose bytes take the
    running total over the limit. Returns the chapters' total size in bytes.
    """
    if len(files) > MAX_CHAPTERS:
        if listed:
            collector.error(
                root / "book.yaml",
                line,
                f"the book lists {len(files)} chapters; the limit is {MAX_CHAPTERS}",
            )
        else:
            collector.error(
                files[MAX_CHAPTERS],
                1,
                f"this is chapter {MAX_CHAPTERS + 1} of {len(files)}; a book may have at most "
                f"{MAX_CHAPTERS} chapters",
            )
        collector.raise_if_any()
    total = 0
    for path in files:
        size = path.stat().st_size
        if size > MAX_CHAPTER_BYTES:
            continue  # reported as too big itself when it is read
        total += size
        if total > MAX_BOOK_BYTES:
            collector.error(
                path,
                1,
                f"this chapter ({size:,} bytes) takes the book to {total:,} bytes; the limit "
                f"for all chapters is {MAX_BOOK_BYTES:,}. Shorten it or split the book",
            )
            collector.raise_if_any()
    return sum(path.stat().st_size for path in files)


def chapter_slug(path: Path) -> str:
    return slugify(re.sub(r"^\d+[-_ ]*", "", path.stem) or path.stem)


def load(root: Path, strict: bool = False, language: str | None = None) -> Book:
    """Read and validate the whole manuscript; raise `ManuscriptError` with every problem.

    With `strict`, warnings (raw HTML, a character the fonts lack…) are errors too. With a
    `language` that has catalogues in `translations/`, the book is that translated edition.
    """
    root = root.resolve()
    collector = Collector(root)
    edition = Edition(root, language, collector) if language else None
    loaded = load_meta(root, collector, edition)
    if loaded is None:
        collector.raise_if_any()
        raise AssertionError("unreachable")
    meta, order, meta_lines = loaded
    source_language = meta.language
    if edition is not None:
        meta = edition_meta(meta, edition.language)
    files = chapter_files(root, order, meta_lines, collector)
    if not files and not collector.errors:
        collector.error(
            root / "book.yaml", 1, "the manuscript has no chapters; add NN-name.md files"
        )
    size = check_book_size(root, files, order is not None, meta_lines.get("chapters", 1), collector)
    slugs: dict[str, str] = {}
    for path in files:
        slug = chapter_slug(path)
        other = next((name for name, s in slugs.items() if s == slug), None)
        if other is not None:
            collector.error(
                path,
                1,
                f"chapter slug '{slug}' is also the slug of '{other}'; rename one of the files",
            )
        slugs[path.name] = slug
    facts = source_language if edition is not None else ""
    parser = ChapterParser(make_markdown(meta.language), collector, slugs, meta.language, facts)
    chapters: list[Chapter] = []
    ids: dict[str, set[str]] = {}
    links = []
    images: dict[str, Image] = {}
    if meta.cover_image:
        book_yaml = root / "book.yaml"
        line = meta_lines.get("cover_image", 1)
        cover = check_image(root, book_yaml, meta.cover_image, line, collector)
        if not meta.cover_alt:
            collector.error(
                book_yaml, line, "cover_image needs cover_alt: a sentence saying what it shows"
            )
        if cover:
            images[cover.path] = dataclasses.replace(
                cover, uses=((collector.where(book_yaml), line),)
            )
            meta = dataclasses.replace(meta, cover_image=cover.path)
    for number, path in enumerate(files, 1):
        text = read_text(path, collector)
        if text is None:
            continue
        if edition is not None:
            text = edition.text(path, text)
        glyphs.check(path, unmarked(text), collector)
        front, body, first_line = split_front_matter(text, path, collector)
        if front is None:
            continue
        if not body.strip():
            collector.error(
                path, first_line, "chapter has no text; write its Markdown after the front matter"
            )
            continue
        slug = slugs[path.name]
        parsed = parser.parse(path, body, first_line, slug)
        if edition is not None:
            parsed = marked(parsed, source_language)
        ids[path.name] = parsed.ids | {slug}
        links.extend(parsed.links)
        for src, line in parsed.images:
            image = check_image(root, path, src, line, collector)
            if image:
                seen = images.get(image.path, image)
                where = (collector.where(path), line)
                images[image.path] = dataclasses.replace(image, uses=(*seen.uses, where))
        title = str(front.get("title", "")).strip()
        chapters.append(
            Chapter(
                slug=slug,
                number=number,
                source=path.name,
                title=title,
                short_title=str(front.get("short_title") or title),
                summary=str(front.get("summary", "")),
                handout=bool(front.get("handout", False)),
                blocks=tuple(parsed.blocks),
                headings=tuple(parsed.headings),
                footnotes=tuple(parsed.footnotes),
                words=parsed.words,
                credits=tuple(parsed.credits),
            )
        )
    for link in links:
        if link.anchor and link.target in ids:
            target_ids = ids[link.target]
            if f"{slugs[link.target]}--{link.anchor}" not in target_ids:
                names = sorted(i.split("--", 1)[1] for i in target_ids if "--" in i)
                collector.error(
                    link.path,
                    link.line,
                    f"link to missing anchor '#{link.anchor}' in '{link.target}'"
                    f"{suggest(link.anchor, names)}",
                )
    check_sidebar_count(chapters, collector, root, size)
    glossary = gather_terms(chapters, collector, root)
    if edition is not None:
        edition.report(source_language)
        counts = edition.progress
        meta = dataclasses.replace(
            meta, translation=(counts.translated, counts.total, counts.fuzzy)
        )
    if strict:
        collector.errors += [
            Diagnostic(w.path, w.line, w.message) for w in in_reading_order(collector.warnings)
        ]
    collector.raise_if_any()
    return Book(
        root=root,
        meta=meta,
        chapters=tuple(chapters),
        glossary=glossary,
        images=tuple(images.values()),
        warnings=tuple(in_reading_order(collector.warnings)),
    )


def split_front_matter(
    text: str, path: Path, collector: Collector
) -> tuple[dict[str, Any] | None, str, int]:
    match = FRONT_MATTER.match(text)
    if not match:
        if OPENING_FENCE.match(text):
            collector.error(path, 1, "front matter is never closed; add a line '---' after it")
        else:
            collector.error(
                path, 1, "chapter needs front matter: start with '---', 'title: …', '---'"
            )
        return None, "", 1
    parsed = read_yaml(match.group(1), path, 2, collector, "front matter")
    body_line = text[: match.end()].count("\n") + 1
    if parsed is None:
        return None, "", body_line
    data, lines = parsed
    check_keys(data, lines, CHAPTER_KEYS, path, collector, "front matter")
    if not str(data.get("title", "")).strip():
        collector.error(path, 2, "front matter needs 'title: …'")
    return data, text[match.end() :], body_line


def image_path(src: str) -> str | None:
    """The file path a Markdown image `src` (a URL) names, or None if it is not a plain path."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or parts.query or parts.fragment or src.startswith(("/", "\\")):
        return None
    return unquote(parts.path)


def check_image(
    root: Path, chapter: Path, src: str, line: int, collector: Collector
) -> Image | None:
    """An image the chapter shows, checked: inside the manuscript, the right type, within limits."""
    try:
        problem, image = inspect_image(root, chapter, src)
    except OSError as exc:  # e.g. a name too long for the file system
        problem, image = f"cannot be read: {exc.strerror}", None
    if problem:
        collector.error(chapter, line, f"image '{src}' {problem}")
    return image


def inspect_image(root: Path, chapter: Path, src: str) -> tuple[str | None, Image | None]:
    """What is wrong with an image (a phrase to follow its name), or its `Image`."""
    name = image_path(src)
    if not name:
        return "must be a file inside the manuscript folder, given as a relative path", None
    if re.search(r"[\x00-\x1f\x7f]", name):
        return "has a control character in its name; rename the file", None
    # Both the path as written (what the outputs refer to) and the file it leads to must be inside.
    path = Path(os.path.normpath(chapter.parent / name))
    real = Path(os.path.realpath(path))
    if not path.is_relative_to(root):
        return "is outside the manuscript folder; copy it inside", None
    if not real.is_relative_to(root):
        return (
            "is a symbolic link to a file outside the manuscript folder; copy the file inside",
            None,
        )
    media_type = IMAGE_TYPES.get(real.suffix.lower())
    if media_type is None:
        return "must be PNG, JPEG or SVG", None
    if not real.exists():
        return "does not exist", None
    if real.is_dir():
        return "is a folder, not a file", None
    if not real.is_file():
        return "is not a regular file", None
    size = real.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return f"is {size:,} bytes; the limit is {MAX_IMAGE_BYTES:,}", None
    width = height = 0
    if media_type == "image/svg+xml":
        problem = check_svg(real.read_bytes())
    else:
        problem, width, height = check_raster(real, media_type)
    if problem:
        return problem, None
    return None, Image(path.relative_to(root).as_posix(), media_type, width, height)


def check_raster(path: Path, media_type: str) -> tuple[str | None, int, int]:
    """A PNG/JPEG file's problem (or None) and size, from its header: nothing is decoded.

    Pillow's `open` reads only the header, so the pixel count is checked before any
    decompression; its own bomb check (at twice its MAX_IMAGE_PIXELS) is turned into our message.
    """
    from PIL import Image as PILImage

    expected = PIL_FORMATS[media_type]
    too_many = f"has more than {MAX_IMAGE_PIXELS:,} pixels; scale it down"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            img = PILImage.open(path, formats=list(PIL_FORMATS.values()))
        with img:
            width, height = img.size
            if width * height > MAX_IMAGE_PIXELS:
                return (
                    f"has {width}×{height} pixels; the limit is {MAX_IMAGE_PIXELS:,}. Scale it down",
                    0,
                    0,
                )
            if img.format != expected:
                right = ".png" if img.format == "PNG" else ".jpg"
                return f"holds {img.format} data; rename it to '{path.stem}{right}'", 0, 0
            img.verify()  # checksums and structure; still no pixel decoding
    except PILImage.DecompressionBombError:
        return too_many, 0, 0
    except Exception:  # Pillow raises many types for broken files
        return f"is not a readable {expected} file", 0, 0
    return None, width, height


def sidebar_limit(size: int) -> int:
    """How many sidebars a book whose chapters add up to `size` bytes may have."""
    return max(MIN_SIDEBARS, size // BYTES_PER_SIDEBAR)


def check_sidebar_count(
    chapters: list[Chapter], collector: Collector, root: Path, size: int
) -> None:
    limit = sidebar_limit(size)
    count = 0
    for chapter in chapters:
        for sidebar in chapter.sidebars:
            count += 1
            if count > limit:
                collector.error(
                    root / chapter.source,
                    sidebar.line,
                    f"this is sidebar number {limit + 1}; a book of {size:,} bytes may have at "
                    f"most {limit} (one per {BYTES_PER_SIDEBAR} bytes, at least {MIN_SIDEBARS}); "
                    "merge some into the text",
                )
                return


def gather_terms(chapters: list[Chapter], collector: Collector, root: Path) -> tuple[Term, ...]:
    terms: dict[str, tuple[Term, Chapter, Sidebar]] = {}
    for chapter in chapters:
        for sidebar in chapter.sidebars:
            if sidebar.kind != "term" or not sidebar.title:
                continue
            key = re.sub(r"<[^>]+>", "", sidebar.title).strip().lower()
            if key in terms:
                first = terms[key]
                collector.error(
                    root / chapter.source,
                    sidebar.line,
                    f"term '{key}' is defined twice (first in {first[1].source}:{first[2].line}); keep one",
                )
                continue
            term = Term(sidebar.title, sidebar.id, sidebar.body_html, chapter.slug)
            terms[key] = (term, chapter, sidebar)
    return tuple(t for _, (t, _, _) in sorted(terms.items()))
