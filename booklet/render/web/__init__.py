"""A `Book` in, the web edition out: a page per chapter, contents, glossary, stylesheet and fonts.

The pages come from the same templates as the other media (`_blocks.html`, the sidebar templates)
with `medium="web"`; `templates/web/` holds the page frames and `styles/web.css` the looks. Every
link is relative and names a file, so the folder works from any sub-path of a host and from disk.
There is no script: the pages read completely without JavaScript, and a Content-Security-Policy
forbids anything from other origins. `write_edition` is what `booklet serve` calls to preview a
book; the site job (`render_site.py`) calls it with the downloads and adds the feed and the files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from markupsafe import Markup

from booklet import i18n
from booklet.assets.images import read_original, web_files
from booklet.errors import BuildError
from booklet.model import Book, Chapter
from booklet.render import templates
from booklet.render.web.languages import Edition, default, share_text, switches
from booklet.resources import STYLES

ASSETS = "assets"
STYLESHEET = f"{ASSETS}/web.css"
FONTS = f"{ASSETS}/fonts"
COVER = f"{ASSETS}/cover.jpg"
ICON = f"{ASSETS}/icon.svg"
# Nothing from elsewhere: only this site's own styles, images and fonts; no script at all.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)
OPDS_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
MEDIA_TYPES = {".pdf": "application/pdf", ".epub": "application/epub+zip"}


@dataclass(frozen=True)
class Download:
    """A finished output offered on the download page, at `href` inside the site."""

    kind: str
    href: str
    bytes: int
    pages: int
    paper: str | None = None
    chapter: Chapter | None = None  # a handout's chapter
    variant: str = ""  # a handout's variant other than the standard one

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(Path(self.href).suffix, "application/octet-stream")

    @property
    def size(self) -> str:
        """The size as people read it: '850 kB', '1.2 MB' (decimal units, as file managers do)."""
        if self.bytes < 1_000_000:
            return f"{max(1, round(self.bytes / 1000))} kB"
        return f"{self.bytes / 1_000_000:.1f} MB"


@dataclass(frozen=True)
class Page:
    """One HTML file of the site."""

    name: str
    text: str


@dataclass(frozen=True)
class Site:
    """What the pages know about the site around them (empty for a preview without downloads)."""

    downloads: tuple[Download, ...] = ()
    cover: str | None = None  # the cover image inside the site, if there is one
    cover_size: tuple[int, int] = (0, 0)  # its width and height in pixels
    feed: bool = False  # whether opds.xml is there
    editions: tuple[Edition, ...] = ()  # every edition on the site, when there are several


def page_name(chapter: Chapter) -> str:
    return f"{chapter.slug}.html"


def base_url(book: Book) -> str:
    """The site's address from `download_url` (the page where readers get the booklet), as a
    folder URL that page names resolve against; '' when the book has none."""
    url = book.meta.download_url.strip()
    if not url:
        return ""
    return url if url.endswith("/") else url + "/"


def absolute(book: Book, name: str) -> str:
    """A page's public address (canonical, Open Graph, feed), or '' without `download_url`."""
    base = base_url(book)
    if not base:
        return ""
    return book.meta.download_url.strip() if name == "index.html" else urljoin(base, name)


def work_example(download: Download, url: str) -> dict[str, Any]:
    """One downloadable format as a schema.org `Book` work example."""
    example: dict[str, Any] = {
        "@type": "Book",
        "encodingFormat": download.media_type,
        "url": url,
        "contentSize": download.size,
    }
    if download.kind in ("pdf", "epub"):
        example["bookFormat"] = "https://schema.org/EBook"
    if download.kind != "epub":
        example["numberOfPages"] = download.pages
    return example


def json_ld(book: Book, site: Site) -> Markup:
    """schema.org `Book` with its formats, for search engines (a data block, not a script)."""
    meta = book.meta
    url = absolute(book, "index.html")

    def link(href: str) -> str:
        return urljoin(base_url(book), href) if url else href

    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Book",
        "name": meta.title,
        "inLanguage": meta.language,
        "datePublished": meta.date.isoformat(),
        "identifier": meta.identifier,
    }
    optional = {
        "alternativeHeadline": meta.subtitle,
        "author": list(meta.authors),
        "publisher": {"@type": "Organization", "name": meta.publisher} if meta.publisher else "",
        "description": meta.description,
        "copyrightNotice": meta.rights,
    }
    data.update((key, value) for key, value in optional.items() if value)
    if url:
        data["url"] = url
    if site.cover:
        data["image"] = link(site.cover)
    examples: list[dict[str, Any]] = [
        {
            "@type": "Book",
            "bookFormat": "https://schema.org/EBook",
            "encodingFormat": "text/html",
            "url": link(page_name(book.chapters[0])),
            "name": f"{meta.title} (read online)",
        }
    ]
    examples += [
        work_example(download, link(download.href))
        for download in site.downloads
        if download.kind in ("pdf", "epub", "print", "imposed")
    ]
    data["workExample"] = examples
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def pages(book: Book, site: Site = Site()) -> list[Page]:
    """Every HTML page of the web edition, rendered in memory (writes nothing)."""
    chapters = book.chapters
    handouts: dict[str, list[Download]] = {}
    for download in site.downloads:
        if download.kind in ("handout", "handouts") and download.paper:
            handouts.setdefault(download.paper, []).append(download)
    common: dict[str, Any] = {
        "site": site,
        "csp": CSP,
        "stylesheet": STYLESHEET,
        "icon": ICON,
        "opds_type": OPDS_TYPE,
        "first": page_name(chapters[0]),
        "page_name": page_name,
        "trims": {
            "A5": i18n.label_text(book.meta, "trim-a5", "A5, 148 × 210 mm"),
            "half-letter": i18n.label_text(
                book.meta, "trim-half-letter", "half letter, 5.5 × 8.5 in"
            ),
        },
        "downloads": {d.kind: d for d in site.downloads if d.kind not in ("handout", "handouts")},
        "handouts": handouts,
        "cover_url": absolute(book, site.cover) if site.cover else "",
        "date_text": i18n.long_date(book.meta.date, book.meta.language),
        "language_name": i18n.language_name(book.meta.language),
        "share": share_text(book),
    }

    def render(template: str, name: str, **extra: Any) -> Page:
        switch = switches(book, site.editions, name)
        text = templates.render(
            f"web/{template}",
            book,
            **common,
            name=name,
            canonical=absolute(book, name),
            switch=switch,
            x_default=default(site.editions, switch),
            **extra,
        )
        return Page(name, text)

    result = [render("index.html", "index.html", json_ld=json_ld(book, site))]
    result.append(render("contents.html", "contents.html"))
    for n, chapter in enumerate(chapters):
        result.append(
            render(
                "chapter.html",
                page_name(chapter),
                chapter=chapter,
                previous=chapters[n - 1] if n else None,
                next=chapters[n + 1] if n + 1 < len(chapters) else None,
            )
        )
    if book.glossary:
        result.append(render("glossary.html", "glossary.html"))
    if book.credits or book.meta.cover_credit:
        result.append(render("credits.html", "credits.html"))
    return result


def web_fonts(texts: list[str]) -> list[tuple[str, bytes]]:
    """The e-book's static, subset faces (the characters of these pages) as WOFF2 files."""
    from booklet.assets.subset import EPUB_FACES, characters_of, web_font

    characters = characters_of(texts)
    return [
        (f"{FONTS}/{Path(face.file_name).with_suffix('.woff2').name}", web_font(face, characters))
        for face in EPUB_FACES
    ]


def font_css(fonts: list[tuple[str, bytes]]) -> str:
    """@font-face rules for the web fonts, relative to the stylesheet in `assets/`."""
    from booklet.assets.fonts import font_face
    from booklet.assets.subset import EPUB_FACES

    rules = ["/* Static subsets of Literata and Source Sans 3 (SIL Open Font License 1.1). */"]
    for face, (path, _) in zip(EPUB_FACES, fonts, strict=True):
        src = f'url("{Path(path).relative_to(ASSETS).as_posix()}") format("woff2")'
        rules.append(font_face(face.family, src, *face.weight_style, display="swap"))
    return "\n".join(rules) + "\n"


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_edition(book: Book, folder: Path, site: Site = Site()) -> list[Path]:
    """Write the web edition of `book` into `folder` (made if missing); return the files written.

    Without `site` it is the web edition alone (index, contents, chapters, glossary, stylesheet,
    fonts, images), as a preview shows it; the site job passes the downloads, the cover and
    whether the feed exists. Lays nothing out and reads only the book's own images.
    """
    rendered = pages(book, site)
    own = {page.name for page in rendered} | {ASSETS}
    clash = [i.path for i in book.shown_images if i.path.split("/", 1)[0] in own]
    if clash:
        raise BuildError(
            f"image '{path}' has the name of a file of the web edition; rename it" for path in clash
        )
    stylesheet = (STYLES / "web.css").read_text(encoding="utf-8")
    if len(site.editions) > 1:  # the language switch's looks, only on a site that has one
        stylesheet += (STYLES / "web-languages.css").read_text(encoding="utf-8")
    fonts = web_fonts([page.text for page in rendered] + [stylesheet])
    written = [write(folder / page.name, page.text.encode()) for page in rendered]
    written.append(write(folder / STYLESHEET, (font_css(fonts) + stylesheet).encode()))
    written += [write(folder / name, data) for name, data in fonts]
    icon = templates.render("web/icon.svg", book)
    written.append(write(folder / ICON, icon.encode()))
    for image in book.shown_images:  # re-encoded versions: sized, upright, no metadata (images.py)
        if image.is_svg:
            written.append(write(folder / image.path, read_original(book, image)))
            continue
        for name, made in web_files(book, image):  # the srcset's files too
            written.append(write(folder / name, made.path.read_bytes()))
    return written
