"""A manuscript folder in, one frozen `Book` out (or a `ManuscriptError` listing every problem)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from typing import Any

import yaml

from .errors import Collector, suggest
from .model import Book, Chapter, Image, Meta, Sidebar, Term
from .parse import ChapterParser, make_markdown, slugify

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
    "chapters": list,
}
REQUIRED_BOOK_KEYS = ("title", "language")
CHAPTER_KEYS = {"title": str, "short_title": str, "summary": str, "handout": bool}
TRIMS = ("A5", "half-letter")
PAPERS = ("A4", "Letter")
MAX_CHAPTER_BYTES = 1_000_000
MAX_IMAGE_BYTES = 10_000_000
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*$\n?", re.S | re.M)
LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def read_text(path: Path, collector: Collector, limit: int = MAX_CHAPTER_BYTES) -> str | None:
    try:
        size = path.stat().st_size
        if size > limit:
            collector.error(path, 1, f"file is {size:,} bytes; the limit is {limit:,}. Split it")
            return None
        data = path.read_bytes()
    except OSError as exc:
        collector.error(path, 1, f"cannot read file: {exc.strerror}")
        return None
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        collector.error(
            path, line, f"file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        )
        return None


def read_yaml(
    text: str, path: Path, first_line: int, collector: Collector
) -> tuple[dict[str, Any], dict[str, int]] | None:
    """Parse a YAML mapping; return it with the line of each key."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        collector.error(path, line, f"invalid YAML: {problem}")
        return None
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        collector.error(path, first_line, "expected 'key: value' lines")
        return None
    lines = {str(k.value): first_line + k.start_mark.line for k, _ in node.value}
    return data, lines


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
            }
            collector.error(
                path, line, f"'{key}' must be {kind.get(allowed[key], allowed[key].__name__)}"
            )


def load_meta(
    root: Path, collector: Collector
) -> tuple[Meta, list[str] | None, dict[str, int]] | None:
    path = root / "book.yaml"
    if not path.is_file():
        collector.error(
            path, 1, "book.yaml is missing; create it with at least 'title' and 'language'"
        )
        return None
    text = read_text(path, collector)
    parsed = read_yaml(text, path, 1, collector) if text is not None else None
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
    chapters = data.get("chapters")
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
        download_url=text_of("download_url"),
        slug=slugify(title),
    )
    order = [str(c) for c in chapters] if isinstance(chapters, list) else None
    return meta, order, lines


def chapter_files(
    root: Path, order: list[str] | None, lines: dict[str, int], collector: Collector
) -> list[Path]:
    if order is None:
        return sorted(p for p in root.glob("*.md") if p.is_file())
    files: list[Path] = []
    book = root / "book.yaml"
    for name in order:
        path = root / name
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".md"):
            collector.error(
                book,
                lines.get("chapters", 1),
                f"chapter '{name}' must be a '.md' file name inside the manuscript folder",
            )
        elif not path.is_file():
            found = [p.name for p in root.glob("*.md")]
            collector.error(
                book,
                lines.get("chapters", 1),
                f"chapter file '{name}' does not exist{suggest(name, found)}",
            )
        elif path in files:
            collector.error(book, lines.get("chapters", 1), f"chapter '{name}' is listed twice")
        else:
            files.append(path)
    return files


def chapter_slug(path: Path) -> str:
    return slugify(re.sub(r"^\d+[-_ ]*", "", path.stem) or path.stem)


def load(root: Path) -> Book:
    """Read and validate the whole manuscript; raise `ManuscriptError` with every problem."""
    root = root.resolve()
    collector = Collector(root)
    loaded = load_meta(root, collector)
    if loaded is None:
        collector.raise_if_any()
        raise AssertionError("unreachable")
    meta, order, meta_lines = loaded
    files = chapter_files(root, order, meta_lines, collector)
    if not files and not collector.errors:
        collector.error(
            root / "book.yaml", 1, "the manuscript has no chapters; add NN-name.md files"
        )
    slugs: dict[str, str] = {}
    for path in files:
        slug = chapter_slug(path)
        if slug in slugs.values():
            collector.error(path, 1, f"chapter slug '{slug}' is used by two files; rename one")
        slugs[path.name] = slug
    parser = ChapterParser(make_markdown(meta.language), collector, slugs)
    chapters: list[Chapter] = []
    ids: dict[str, set[str]] = {}
    links = []
    images: dict[str, Image] = {}
    for number, path in enumerate(files, 1):
        text = read_text(path, collector)
        if text is None:
            continue
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
        ids[path.name] = parsed.ids | {slug}
        links.extend(parsed.links)
        for src, line in parsed.images:
            image = check_image(root, path, src, line, collector)
            if image:
                images[image.path] = image
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
    glossary = gather_terms(chapters, collector, root)
    collector.raise_if_any()
    return Book(
        root=root,
        meta=meta,
        chapters=tuple(chapters),
        glossary=glossary,
        images=tuple(images.values()),
        warnings=tuple(str(w) for w in collector.warnings),
    )


def split_front_matter(
    text: str, path: Path, collector: Collector
) -> tuple[dict[str, Any] | None, str, int]:
    match = FRONT_MATTER.match(text)
    if not match:
        collector.error(path, 1, "chapter needs front matter: start with '---', 'title: …', '---'")
        return None, "", 1
    parsed = read_yaml(match.group(1), path, 2, collector)
    body_line = text[: match.end()].count("\n") + 1
    if parsed is None:
        return None, "", body_line
    data, lines = parsed
    check_keys(data, lines, CHAPTER_KEYS, path, collector, "front matter")
    if not str(data.get("title", "")).strip():
        collector.error(path, 2, "front matter needs 'title: …'")
    return data, text[match.end() :], body_line


def check_image(
    root: Path, chapter: Path, src: str, line: int, collector: Collector
) -> Image | None:
    if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I) or src.startswith("/"):
        collector.error(
            chapter,
            line,
            f"image '{src}' must be a file inside the manuscript folder, given as a relative path",
        )
        return None
    path = (chapter.parent / src).resolve()
    if not path.is_relative_to(root):
        collector.error(
            chapter, line, f"image '{src}' is outside the manuscript folder; copy it inside"
        )
        return None
    media_type = IMAGE_TYPES.get(path.suffix.lower())
    if media_type is None:
        collector.error(chapter, line, f"image '{src}' must be PNG, JPEG or SVG")
        return None
    if not path.is_file():
        collector.error(chapter, line, f"image '{src}' does not exist")
        return None
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        collector.error(
            chapter, line, f"image '{src}' is {size:,} bytes; the limit is {MAX_IMAGE_BYTES:,}"
        )
        return None
    width = height = 0
    if media_type != "image/svg+xml":
        from PIL import Image as PILImage

        try:
            with PILImage.open(path) as img:
                width, height = img.size
                if width * height > MAX_IMAGE_PIXELS:
                    collector.error(
                        chapter,
                        line,
                        f"image '{src}' has {width}×{height} pixels; the limit is {MAX_IMAGE_PIXELS:,}",
                    )
                    return None
                img.verify()
        except Exception:  # Pillow raises many types for broken files
            collector.error(
                chapter,
                line,
                f"image '{src}' is not a readable {media_type.split('/')[1].upper()} file",
            )
            return None
    return Image(str(path.relative_to(root)), media_type, width, height)


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
