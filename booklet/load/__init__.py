"""A manuscript folder in, one frozen `Book` out (or a `ManuscriptError` listing every problem).

`load` runs the stage's steps in order: book.yaml (meta.py), the chapter files and their slugs
(files.py), the cover image (images.py), each chapter (read by source.py, parsed by chapter.py
with markdown.py's parser and rules.py's rules, its images checked by images.py), then the
checks that need the whole book (checks.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from booklet.errors import Collector, Diagnostic, in_reading_order
from booklet.load import checks, glyphs
from booklet.load.chapter import parse_chapter
from booklet.load.files import chapter_files, chapter_slugs, check_book_size, no_chapters
from booklet.load.images import chapter_images, cover_image
from booklet.load.markdown import make_markdown
from booklet.load.meta import fallback_meta, load_meta
from booklet.load.rules import Link, ParsedChapter
from booklet.load.source import read_text, split_front_matter
from booklet.load.translations import Edition, edition_meta, marked, unmarked
from booklet.load.typography import smart
from booklet.model import Book, Chapter, Image, Meta


def load(root: Path, strict: bool = False, language: str | None = None) -> Book:
    """Read and validate the whole manuscript; raise `ManuscriptError` with every problem.

    With `strict`, warnings (raw HTML, a character the fonts lack…) are errors too. With a
    `language` that has catalogues in `translations/`, the book is that translated edition.
    """
    root = root.resolve()
    collector = Collector(root)
    edition = Edition(root, language, collector) if language else None
    meta, order, meta_lines = book_meta(root, collector, edition)
    source_language = meta.language
    if edition is not None:
        meta = edition_meta(meta, edition.language)
    files = chapter_files(root, order, meta_lines, collector)
    if not files and not collector.errors:
        collector.error(root / "book.yaml", *no_chapters(order, meta_lines))
    size = check_book_size(root, files, order is not None, meta_lines.get("chapters", 1), collector)
    slugs = chapter_slugs(files, collector)
    images: dict[str, Image] = {}
    meta = cover_image(root, meta, meta_lines.get("cover_image", 1), images, collector)
    reading = Reading(root, slugs, meta.language, source_language, edition, collector)
    chapters, ids, links = read_chapters(reading, files, images)
    checks.cross_references(links, ids, slugs, collector)
    checks.check_sidebar_count(chapters, collector, root, size)
    glossary = checks.gather_terms(chapters, collector, root)
    checks.teacher_notes(chapters, collector, root)
    checks.reserved_names(images, chapters, collector, root)
    if edition is not None:
        meta = translation_progress(edition, meta, source_language)
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


def book_meta(
    root: Path, collector: Collector, edition: Edition | None
) -> tuple[Meta, list[str] | None, dict[str, int]]:
    """book.yaml read and checked; when it cannot be read (reported), the defaults, so that the
    chapters are read and checked too (every NN-name.md file)."""
    loaded = load_meta(root, collector, edition)
    if loaded is None:
        return fallback_meta(root), None, {}
    return loaded


@dataclass(frozen=True)
class Reading:
    """What reading each chapter needs to know about the book."""

    root: Path
    slugs: dict[str, str]  # chapter file name -> slug
    language: str  # the edition's
    source_language: str  # the manuscript's (the same unless `edition`)
    edition: Edition | None  # a translated edition's catalogues
    collector: Collector


def read_chapters(
    reading: Reading, files: list[Path], images: dict[str, Image]
) -> tuple[list[Chapter], dict[str, set[str]], list[Link]]:
    """Every chapter that can be read, the ids each defines (by file name) and the links of all;
    the images they show are checked and added to `images`."""
    md = make_markdown(reading.language)  # once per book
    chapters: list[Chapter] = []
    ids: dict[str, set[str]] = {}
    links: list[Link] = []
    for number, path in enumerate(files, 1):
        slug = reading.slugs[path.name]
        read = read_chapter(reading, path, slug, md)
        if read is None:
            continue
        front, parsed = read
        ids[path.name] = parsed.ids | {slug}
        links.extend(parsed.links)
        chapter_images(reading.root, path, parsed.images, images, reading.collector)
        chapters.append(make_chapter(front, parsed, number, path, slug, reading.language))
    return chapters, ids, links


def read_chapter(
    reading: Reading, path: Path, slug: str, md: MarkdownIt
) -> tuple[dict[str, object], ParsedChapter] | None:
    """A chapter's front matter and its parsed Markdown (in a translated edition, the translated
    text); None when either cannot be had."""
    collector = reading.collector
    text = read_text(path, collector)
    if text is None:
        return None
    if reading.edition is not None:
        text = reading.edition.text(path, text)
    glyphs.check(path, unmarked(text), collector)
    front, body, first_line = split_front_matter(text, path, collector)
    if front is None:
        return None
    if not body.strip():
        collector.error(
            path, first_line, "chapter has no text; write its Markdown after the front matter"
        )
        return None
    facts = reading.source_language if reading.edition is not None else ""
    parsed = parse_chapter(
        md, reading.collector, reading.slugs, reading.language, path, body, first_line, slug, facts
    )
    if reading.edition is not None:
        parsed = marked(parsed, reading.source_language)
    return front, parsed


def make_chapter(
    front: dict[str, object],
    parsed: ParsedChapter,
    number: int,
    path: Path,
    slug: str,
    language: str,
) -> Chapter:
    """The chapter, its front matter's texts with the body's typography (apostrophes, quotes)."""
    title = smart(str(front.get("title", "")).strip(), language)
    return Chapter(
        slug=slug,
        number=number,
        source=path.name,
        title=title,
        short_title=smart(str(front.get("short_title") or "").strip(), language) or title,
        summary=smart(str(front.get("summary", "")), language),
        handout=bool(front.get("handout", False)),
        blocks=tuple(parsed.blocks),
        headings=tuple(parsed.headings),
        footnotes=tuple(parsed.footnotes),
        words=parsed.words,
        credits=tuple(parsed.credits),
        teacher=tuple(parsed.teacher),
    )


def translation_progress(edition: Edition, meta: Meta, source_language: str) -> Meta:
    """The edition's blocks left untranslated reported; how many are translated, in `meta`."""
    edition.report(source_language)
    counts = edition.progress
    return dataclasses.replace(meta, translation=(counts.translated, counts.total, counts.fuzzy))
