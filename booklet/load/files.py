"""The manuscript folder and book.yaml's chapter list in, the chapter files in reading order out:
each a regular file inside the folder, within the limits of count and size, with its slug."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from booklet.confine import check_inside
from booklet.errors import Collector, suggest
from booklet.load.markdown import slugify
from booklet.load.source import MAX_CHAPTER_BYTES, printable

CHAPTER_NAME = re.compile(r"^\d+[-_ ]?[^.].*\.md$")  # '01-welcome.md', '2_notes.md'
MAX_BOOK_BYTES = 4_000_000
MAX_CHAPTERS = 200


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
    # Only NN-name.md files are chapters ('README.md', 'idees.md' are the author's own notes);
    # hidden files ('._01-x.md' from macOS, editor lock files) never are.
    candidates = sorted(
        p
        for p in root.glob("*.md")
        if CHAPTER_NAME.match(p.name) and (p.is_file() or p.is_symlink())
    )
    if order is None:
        return [p for p in candidates if inside_manuscript(p, root, collector, p, 1, p.name)]
    line = lines.get("chapters", 1)
    errors = len(collector.errors)
    files = listed_files(root, order, line, collector)
    if len(collector.errors) > errors:
        return files  # a wrong entry may be the file that looks unlisted: no warning besides
    for path in candidates:
        if path.name not in order:
            collector.warn(
                book,
                line,
                f"'{path.name}' is not in the chapters list, so it is left out of the book; "
                "list it, or move it out of the manuscript folder",
            )
    return files


def listed_files(root: Path, order: list[str], line: int, collector: Collector) -> list[Path]:
    """The files book.yaml's chapters list names, each checked (reported at the list)."""
    book = root / "book.yaml"
    files: list[Path] = []
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


# Bytes of a chapter slug: its files ('<slug>-Letter.pdf', '<slug>.xhtml') stay far below the
# 255 bytes a file name may have, whatever the script (a Cyrillic letter is 2 bytes).
MAX_SLUG_BYTES = 120


def chapter_slug(path: Path) -> str:
    """'03-the-war.md' -> 'the-war': the name without its number, as ids and page names use it;
    a long name is cut at a word's end (at a letter's when one word is too long)."""
    slug = slugify(re.sub(r"^\d+[-_ ]*", "", path.stem) or path.stem)
    if len(slug.encode()) <= MAX_SLUG_BYTES:
        return slug
    head = slug.encode()[:MAX_SLUG_BYTES].decode(errors="ignore")  # whole letters only
    if slug[len(head)] == "-" or "-" not in head:
        return head.rstrip("-")
    return head.rsplit("-", 1)[0]


# Names the outputs need for themselves, by the first segment of an image's path. The web
# edition's pages and folders, and the EPUB's own files (images keep their paths in both).
WEB_NAMES = frozenset(
    {"index.html", "contents.html", "glossary.html", "credits.html", "opds.xml", "assets"}
)
EPUB_NAMES = frozenset(
    {"cover.jpg", "cover.xhtml", "titlepage.xhtml", "nav.xhtml", "glossary.xhtml"}
    | {"credits.xhtml", "toc.ncx", "content.opf", "css", "META-INF", "mimetype"}
)
# A chapter's pages are '<slug>.xhtml' and '<slug>.html': these slugs would overwrite others.
RESERVED_SLUGS = frozenset(
    name.rsplit(".", 1)[0] for name in WEB_NAMES | EPUB_NAMES if name.endswith("html")
)


def chapter_slugs(files: list[Path], collector: Collector) -> dict[str, str]:
    """Each chapter file's name and its slug; a slug taken twice is an error at the second."""
    slugs: dict[str, str] = {}
    for path in files:
        slug = chapter_slug(path)
        if slug in RESERVED_SLUGS:
            taken = ", ".join(sorted(RESERVED_SLUGS))
            collector.error(
                path,
                1,
                f"the chapter's pages would be '{slug}.html' and '{slug}.xhtml', a page the web "
                f"edition or the e-book needs itself; rename the file (names taken: {taken})",
            )
        other = next((name for name, s in slugs.items() if s == slug), None)
        if other is not None:
            collector.error(
                path,
                1,
                f"chapter slug '{slug}' is also the slug of '{other}'; rename one of the files",
            )
        slugs[path.name] = slug
    return slugs


def no_chapters(order: list[str] | None, lines: dict[str, int]) -> tuple[int, str]:
    """The line and message for a manuscript without chapters: at `chapters:` when it lists
    none, else at book.yaml's top."""
    if order is not None:
        return lines.get("chapters", 1), (
            "'chapters' lists no chapter; list the NN-name.md files, or remove 'chapters' to "
            "take every one in name order"
        )
    return 1, "the manuscript has no chapters; add NN-name.md files"
