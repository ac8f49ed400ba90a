"""The `Book` and the finished outputs in, `site/` out: web edition, download page, files, OPDS.

Nothing is laid out again: the downloads are the build's own files (hard links, or copies where
the file system has none) under `site/downloads/` with their names, the cover is page 1 of the
finished screen PDF drawn by PDFium, and the pages come from the same `Book` as every output.
"""

from __future__ import annotations

import io
import os
import shutil
import uuid
from pathlib import Path

from booklet.model import Book, Output
from booklet.render import templates
from booklet.render.web import (
    COVER,
    OPDS_TYPE,
    Download,
    Site,
    absolute,
    write,
    write_edition,
)
from booklet.render.web.languages import Edition
from booklet.reproducible import source_time

FOLDER = "site"
DOWNLOADS = "downloads"
COVER_WIDTH = 600  # pixels: sharp at the page's 300 CSS pixels on a 2x screen, and for sharing
FEED = "opds.xml"


def cover_jpeg(pdf: Path) -> tuple[bytes, tuple[int, int]] | None:
    """Page 1 of a finished PDF as a JPEG `COVER_WIDTH` pixels wide, with its size (None if
    PDFium cannot read the file: the page then goes without a cover)."""
    import pypdfium2

    try:
        with pypdfium2.PdfDocument(pdf) as document:
            page = document[0]
            bitmap = page.render(scale=COVER_WIDTH / page.get_width())
            image = bitmap.to_pil().convert("RGB")
    except (pypdfium2.PdfiumError, IndexError):
        return None
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), image.size


def link(source: Path, target: Path) -> Path:
    """`target` with the bytes of `source`: a hard link where possible, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return target


# Outputs the site never offers: the teacher's guide holds what pupils are to find themselves.
PRIVATE = frozenset({"teacher"})


def downloads(book: Book, outputs: list[Output], staging: Path) -> list[Download]:
    """The outputs as the download page lists them, their files linked into the site."""
    chapters = {chapter.slug: chapter for chapter in book.chapters}
    found = []
    for output in outputs:
        if output.kind in PRIVATE:
            continue
        relative = output.path.relative_to(staging / book.meta.edition).as_posix()
        href = f"{DOWNLOADS}/{relative}"
        link(output.path, staging / FOLDER / book.meta.edition / href)
        chapter = None
        if output.kind == "handout" and output.paper:
            stem = output.path.stem.removesuffix(f"-{output.variant}" if output.variant else "")
            chapter = chapters.get(stem.removesuffix(f"-{output.paper}"))
        size = output.path.stat().st_size
        found.append(
            Download(output.kind, href, size, output.pages, output.paper, chapter, output.variant)
        )
    return found


def atom_id(book: Book, name: str) -> str:
    """An Atom id (an absolute IRI): the file's address, else a URN made from the identifier."""
    return (
        absolute(book, name)
        or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{book.meta.identifier}#{name}')}"
    )


def feed(book: Book, site: Site) -> str:
    """The OPDS 1.2 acquisition feed: one entry, the EPUB and the PDF; absolute links where
    `download_url` gives the site's address, else relative to the feed's own (Atom allows it)."""
    offered = sorted(  # the e-book first: reading apps take the first file they can open
        (d for d in site.downloads if d.kind in ("epub", "pdf")), key=lambda d: d.kind != "epub"
    )
    return templates.render(
        "web/opds.xml",
        book,
        site=site,
        offered=offered,
        href=lambda name: absolute(book, name) or name,
        atom_id=lambda name: atom_id(book, name),
        home=absolute(book, "index.html"),
        updated=source_time(book).strftime("%Y-%m-%dT%H:%M:%SZ"),
        opds_type=OPDS_TYPE,
    )


def render(
    book: Book, staging: Path, outputs: list[Output], editions: tuple[Edition, ...] = ()
) -> tuple[Output, list[Path]]:
    """Write `site/` into the staging folder from the finished `outputs` (paths inside it);
    `editions`: every edition on the site, when there are several (the language switch).

    Returns the manifest's `site` entry (its index page) and every file of the folder.
    """
    folder = staging / FOLDER / book.meta.edition
    offered = downloads(book, outputs, staging)
    files = [folder / d.href for d in offered]
    cover, size = None, (0, 0)
    screen = next((o for o in outputs if o.kind == "pdf"), None)
    made = cover_jpeg(screen.path) if screen is not None else None
    if made is not None:
        data, size = made
        files.append(write(folder / COVER, data))
        cover = COVER
    site = Site(tuple(offered), cover, size, feed=bool(offered), editions=editions)
    pages = write_edition(book, folder, site)
    if site.feed:
        files.append(write(folder / FEED, feed(book, site).encode()))
    count = sum(1 for path in pages if path.suffix == ".html")
    return Output("site", folder / "index.html", count), sorted(files + pages)
