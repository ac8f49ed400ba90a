"""The parsed chapters in, the checks that need the whole book out (as diagnostics): links to
anchors in other chapters, the number of sidebars, glossary terms defined once."""

from __future__ import annotations

import re
from pathlib import Path

from booklet.errors import Collector, suggest
from booklet.load.files import EPUB_NAMES, WEB_NAMES
from booklet.load.rules import Link
from booklet.model import Chapter, Image, Sidebar, Term

# Sidebars per book: at least MIN_SIDEBARS, and one per BYTES_PER_SIDEBAR of chapter text beyond
# that, so a long book of normal density builds (the shipped booklet has one per ~600 bytes)
# while a chapter that is nothing but sidebars is still stopped.
MIN_SIDEBARS = 500
SUGGESTED = 100
BYTES_PER_SIDEBAR = 250


def cross_references(
    links: list[Link], ids: dict[str, set[str]], slugs: dict[str, str], collector: Collector
) -> None:
    """Every link to an anchor ('#id', 'NN-name.md#id') names an id of its chapter; the first
    SUGGESTED misses get a "did you mean" (each is a search of the chapter's ids)."""
    names: dict[str, list[str]] = {}
    misses = 0
    for link in links:
        if link.anchor and link.target in ids:
            target_ids = ids[link.target]
            if f"{slugs[link.target]}--{link.anchor}" not in target_ids:
                misses += 1
                if link.target not in names:
                    names[link.target] = sorted(
                        i.split("--", 1)[1] for i in target_ids if "--" in i
                    )
                hint = suggest(link.anchor, names[link.target]) if misses <= SUGGESTED else ""
                collector.error(
                    link.path,
                    link.line,
                    f"link to missing anchor '#{link.written or link.anchor}' in '{link.target}'"
                    f"{hint}",
                )


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


def reserved_names(
    images: dict[str, Image], chapters: list[Chapter], collector: Collector, root: Path
) -> None:
    """An error at every use of an image whose name a web page or an EPUB file needs, so that
    `check` finds it and the build never fails on it after laying the book out."""
    web = WEB_NAMES | {f"{c.slug}.html" for c in chapters}
    epub = EPUB_NAMES | {f"{c.slug}.xhtml" for c in chapters}
    for image in images.values():
        first = image.path.split("/", 1)[0]
        what = (
            "a file the e-book needs"
            if first in epub
            else "a file of the web edition"
            if first in web
            else ""
        )
        for where, line in image.uses if what else ():
            collector.error(
                root.parent / where,
                line,
                f"image '{image.path}' has the name of {what}; rename it or move it to a folder",
            )


def teacher_notes(chapters: list[Chapter], collector: Collector, root: Path) -> None:
    """In a book with teacher's notes, a warning for each questions box without notes, and
    for notes listing another number of entries than the questions they follow."""
    if not any(chapter.teacher for chapter in chapters):
        return
    for chapter in chapters:
        notes = {n.questions: n.sidebar for n in chapter.teacher if n.questions}
        for box in (s for s in chapter.sidebars if s.kind == "questions"):
            found = notes.get(box.id)
            if found is None:
                collector.warn(
                    root / chapter.source,
                    box.line,
                    "these discussion questions have no teacher's notes; add a ':::{teacher}' "
                    "block right after them (the teacher's guide lists them as without notes)",
                )
            elif found.items and len(found.items) != len(box.items):
                collector.warn(
                    root / chapter.source,
                    found.line,
                    f"the teacher's notes list {len(found.items)} entries for "
                    f"{len(box.items)} questions; write one entry a question, in their order",
                )
