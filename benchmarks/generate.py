"""A manuscript folder and a page count in, a larger manuscript out: the chapters repeated (with
unique file names, slugs, titles and glossary terms, links rewritten to their own copy) until the
book has about that many pages; and the same text as one Markdown file for Pandoc.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

# Calibrated on the shipped booklet (A5, with its sidebars): about 124 words of chapter text per
# page of the finished book, covers, contents and glossary included.
WORDS_PER_PAGE = 124
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*$\n?", re.S | re.M)
TERM = re.compile(r"^(:::+\{term\}[ \t]+)(.+)$", re.M)
SIDEBAR_OPEN = re.compile(r"^:::+\{(\w+)\}[ \t]*(.*)$")
SIDEBAR_FIELD = re.compile(r"^:\w+:")
SIDEBAR_CLOSE = re.compile(r"^:::+[ \t]*$")
# Sidebars beyond this many (if set) become plain paragraphs, their title in bold, their text
# kept. Unset: the engine's limit grows with the text, so a book of the booklet's density builds.
MAX_SIDEBARS: int | None = None
FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
WORD = re.compile(r"[A-Za-z0-9À-ÿ]+(?:['’-][A-Za-z0-9À-ÿ]+)*")


def split(text: str) -> tuple[dict[str, object], str]:
    """A chapter's front matter (as a mapping) and its Markdown body."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    return yaml.safe_load(match.group(1)) or {}, text[match.end() :]


def chapters(root: Path) -> list[Path]:
    """The chapter files in book order (`chapters:` of book.yaml, else file-name order)."""
    meta = yaml.safe_load((root / "book.yaml").read_text(encoding="utf-8")) or {}
    order = meta.get("chapters")
    return [root / name for name in order] if order else sorted(root.glob("*.md"))


def words(root: Path) -> int:
    return sum(len(WORD.findall(split(p.read_text(encoding="utf-8"))[1])) for p in chapters(root))


def copies_for(root: Path, pages: int) -> int:
    """How many times the chapters of `root` must be repeated to fill about `pages` pages."""
    return max(1, round(pages * WORDS_PER_PAGE / max(words(root), 1)))


def generate(source: Path, dest: Path, pages: int) -> Path:
    """Write a manuscript of about `pages` pages into `dest` (created); returns `dest`."""
    files = chapters(source)
    copies = copies_for(source, pages)
    dest.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():  # images and other files, shared by every copy
        if item.suffix != ".md" and item.name != "book.yaml":
            (shutil.copytree if item.is_dir() else shutil.copy2)(item, dest / item.name)
    order: list[str] = []
    sidebars = 0
    for copy in range(1, copies + 1):
        names = {p.name: name_of(p, copy, len(order) + i + 1) for i, p in enumerate(files)}
        for path in files:
            text = rewrite(path.read_text(encoding="utf-8"), copy, names)
            text, sidebars = limit_sidebars(text, sidebars)
            (dest / names[path.name]).write_text(text, encoding="utf-8")
        order.extend(names[p.name] for p in files)
    meta = yaml.safe_load((source / "book.yaml").read_text(encoding="utf-8")) or {}
    meta["chapters"] = order
    title = str(meta.get("title", "Book"))
    meta["title"] = f"{title} ({pages} pages)"
    (dest / "book.yaml").write_text(
        yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    retitle_translations(dest, title, f" ({pages} pages)")
    return dest


def retitle_translations(dest: Path, title: str, suffix: str) -> None:
    """The copied catalogues' book title follows the new one (a message for a text the source
    no longer has is an error); the chapters' copies have no catalogues and show the source."""
    import io

    from babel.messages.pofile import read_po, write_po

    for po in sorted(dest.glob("translations/*/book.po")):
        with po.open("rb") as file:
            catalog = read_po(file)
        message = catalog.get(title, "book: title")
        if message is None:
            continue
        catalog.delete(title, "book: title")
        catalog.add(
            title + suffix, message.string + suffix, message.locations, context="book: title"
        )
        out = io.BytesIO()
        write_po(out, catalog, width=0)
        po.write_bytes(out.getvalue())


def name_of(path: Path, copy: int, number: int) -> str:
    stem = re.sub(r"^\d+[-_ ]*", "", path.stem) or path.stem
    return f"{number:03d}-{stem}{'' if copy == 1 else f'-{copy}'}.md"


def rewrite(text: str, copy: int, names: dict[str, str]) -> str:
    """One chapter as copy number `copy`: its own title and terms, links to its own copies."""
    front, body = split(text)
    if copy > 1:
        for key in ("title", "short_title"):
            if key in front:
                front[key] = f"{front[key]} ({copy})"
        body = TERM.sub(lambda m: f"{m.group(1)}{m.group(2).strip()} ({copy})", body)
    for old, new in names.items():
        body = body.replace(f"]({old}", f"]({new}")
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    return f"---\n{head}---\n{body}"


def limit_sidebars(text: str, seen: int) -> tuple[str, int]:
    """`text` with every sidebar after the first MAX_SIDEBARS of the book made plain text."""
    lines: list[str] = []
    plain = in_fields = False
    for line in text.split("\n"):
        opening = SIDEBAR_OPEN.match(line)
        if opening:
            seen += 1
            plain = MAX_SIDEBARS is not None and seen > MAX_SIDEBARS
            in_fields = plain
            if not plain:
                lines.append(line)
            elif opening.group(2).strip():
                lines += [f"**{opening.group(2).strip()}**", ""]
        elif plain and in_fields and SIDEBAR_FIELD.match(line):
            continue
        elif plain and SIDEBAR_CLOSE.match(line):
            plain = in_fields = False
        else:
            in_fields = False
            lines.append(line)
    return "\n".join(lines), seen


def pandoc_markdown(root: Path) -> str:
    """The book's chapters as one Markdown text for Pandoc: each chapter's title as a level-1
    heading over its body, footnote labels made unique per chapter (Pandoc reads one document)."""
    parts = []
    for number, path in enumerate(chapters(root), 1):
        front, body = split(path.read_text(encoding="utf-8"))
        body = FOOTNOTE.sub(lambda m, n=number: f"[^c{n}-{m.group(1)}]", body)  # type: ignore[misc]
        parts.append(f"# {front.get('title', path.stem)}\n\n{body.strip()}\n")
    return "\n\n".join(parts)
