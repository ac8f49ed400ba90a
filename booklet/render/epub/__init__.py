"""A `Book` in, `<slug>.epub` out: templated XHTML packaged by ebooklib, with print page numbers.

ebooklib is used only as a packager (its own HTML handling rewrites documents): every document is
rendered here as complete XHTML and added byte for byte. The page-list comes from the laid-out
screen PDF: each page's marker sits before the first element whose id first appears on that page.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from booklet import __version__, i18n
from booklet.assets.subset import SANS, SERIF, EpubFace, embedded_fonts, font_face_css
from booklet.model import Book, Image, Output
from booklet.render import templates
from booklet.render.pdf import screen_document
from booklet.reproducible import source_time
from booklet.resources import STYLES

XHTML = "application/xhtml+xml"
XHTML_NS = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
COVER_IMAGE = "cover.jpg"
COVER_WIDTH = 1600  # pixels; the height follows the trim (A5: 2263)
STYLESHEET = "css/epub.css"
FONT_SHEET = "css/fonts.css"
# Elements a page-break <span> may precede; elsewhere (dt, li, ...) it becomes the first child.
FLOW_PARENTS = frozenset(
    [
        "body",
        "section",
        "header",
        "footer",
        "aside",
        "div",
        "blockquote",
        "figure",
        "nav",
        "main",
        "article",
        "li",
        "dd",
        "td",
        "th",
    ]
)
START_TAG = '<[A-Za-z][^<>]*?\\sid="{}"[^<>]*>'
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
APPLE_OPTIONS = """<?xml version="1.0" encoding="utf-8"?>
<display_options>
<platform name="*">
<option name="specified-fonts">true</option>
</platform>
</display_options>
"""


@dataclass(frozen=True)
class Document:
    """One XHTML file of the EPUB (directly under EPUB/, next to content.opf)."""

    name: str
    uid: str
    text: str

    @property
    def properties(self) -> list[str]:
        return ["svg"] if "<svg" in self.text else []


@dataclass(frozen=True)
class PageBreak:
    """Where printed page `number` begins: before (in a list: at the start of) element `target`."""

    number: int
    document: str
    target: str
    inside: bool = False

    @property
    def id(self) -> str:
        return f"page-{self.number}"

    @property
    def label(self) -> str:
        return str(self.number)

    @property
    def href(self) -> str:
        return f"{self.document}#{self.id}"

    @property
    def marker(self) -> str:
        return (
            f'<span class="pagebreak" id="{self.id}" epub:type="pagebreak" role="doc-pagebreak" '
            f'aria-label="{self.label}"></span>'
        )


@dataclass(frozen=True)
class NavPoint:
    id: str
    label: str
    href: str
    children: tuple[NavPoint, ...] = field(default=())


# -- when ------------------------------------------------------------------------------------


def modified(book: Book) -> dt.datetime:
    """The publication's last-modified time in UTC, never before the ZIP format's epoch."""
    return max(source_time(book), ZIP_EPOCH)


# -- documents -------------------------------------------------------------------------------


def page(template: str, book: Book, **extra: Any) -> str:
    """One XHTML document from `templates/epub/`, linked to the fonts and the stylesheet."""
    sheets = [FONT_SHEET, STYLESHEET]
    return templates.render(f"epub/{template}", book, stylesheets=sheets, **extra)


def content_documents(book: Book) -> list[Document]:
    """The chapters, glossary and picture credits: the documents that hold the printed pages."""
    docs = [
        Document(f"{c.slug}.xhtml", f"chapter-{c.slug}", page("chapter.xhtml", book, chapter=c))
        for c in book.chapters
    ]
    if book.glossary:
        docs.append(Document("glossary.xhtml", "glossary", page("glossary.xhtml", book)))
    if book.credits or book.meta.cover_credit:
        docs.append(Document("credits.xhtml", "credits", page("credits.xhtml", book)))
    return docs


def element_ids(doc: Document) -> list[tuple[str, bool]]:
    """(id, whether a marker must go inside) for each element a page can begin with, in order.

    Footnotes are left out: they sit at the end of the chapter here but at the foot of the page
    in print, so they cannot mark where a page begins.
    """
    root = etree.fromstring(doc.text.encode())
    found = []
    for element in root.iter(f"{XHTML_NS}*"):
        ident = element.get("id")
        if not ident or any(
            e.get("class") == "footnotes" for e in (element, *element.iterancestors())
        ):
            continue
        parent = element.getparent()
        parent_tag = etree.QName(parent).localname if parent is not None else "html"
        found.append((ident, parent_tag not in FLOW_PARENTS))
    return found


def page_anchors(book: Book) -> list[set[str]]:
    """The element ids present on each page of the screen PDF (a split block is on several)."""
    return [set(laid_out.anchors) for laid_out in screen_document(book).pages]


def page_breaks(book: Book, docs: list[Document]) -> list[PageBreak]:
    """One marker per printed page holding text of a chapter or the glossary, in reading order.

    The cover, front matter and blank pages have no counterpart in these documents and no marker.
    A page that begins mid-paragraph gets its marker before the next block starting on it; if no
    block starts on it, before the call of a footnote printed on it; failing that (a block longer
    than a page), before the block that runs over the top of it.
    """
    anchors = page_anchors(book)
    first: dict[str, int] = {}
    for number, ids in enumerate(anchors, 1):
        for ident in sorted(ids):
            first.setdefault(ident, number)
    elements = [(doc.name, ident, inside) for doc in docs for ident, inside in element_ids(doc)]
    breaks: dict[int, PageBreak] = {}
    for name, ident, inside in elements:
        if ident in first:
            breaks.setdefault(first[ident], PageBreak(first[ident], name, ident, inside))
    for chapter in book.chapters:
        for note in chapter.footnotes:
            if note.id in first:
                call = PageBreak(
                    first[note.id], f"{chapter.slug}.xhtml", note.id.replace("--fn-", "--fnref-")
                )
                breaks.setdefault(call.number, call)
    for number, ids in enumerate(anchors, 1):
        running = [element for element in elements if element[1] in ids]
        if number not in breaks and running:
            name, ident, inside = running[-1]  # the innermost, latest block still open
            breaks[number] = PageBreak(number, name, ident, inside)
    order = {doc.name: i for i, doc in enumerate(docs)}
    return sorted(breaks.values(), key=lambda b: (order[b.document], b.number))


def insert_markers(doc: Document, breaks: list[PageBreak]) -> Document:
    """The document with a page-break marker before (or at the start of) each target element."""
    text = doc.text
    placed = []
    for pagebreak in breaks:
        match = re.search(START_TAG.format(re.escape(pagebreak.target)), text)
        if match is None:
            raise ValueError(
                f"{doc.name}: no element with id '{pagebreak.target}' for page {pagebreak.number}"
            )
        placed.append(
            (match.end() if pagebreak.inside else match.start(), pagebreak.number, pagebreak.marker)
        )
    for position, _, marker in sorted(placed, reverse=True):  # from the end, so positions hold
        text = text[:position] + marker + text[position:]
    return Document(doc.name, doc.uid, text)


def nav_points(book: Book) -> list[NavPoint]:
    points = []
    for chapter in book.chapters:
        href = f"{chapter.slug}.xhtml"
        children = tuple(
            NavPoint(f"np-{h.id}", h.text, f"{href}#{h.id}")
            for h in chapter.headings
            if h.level == 2
        )
        points.append(
            NavPoint(f"np-{chapter.slug}", f"{chapter.number}. {chapter.title}", href, children)
        )
    if book.glossary:
        label = i18n.label_text(book.meta, "glossary", "Glossary")
        points.append(NavPoint("np-glossary", label, "glossary.xhtml"))
    if book.credits or book.meta.cover_credit:
        label = i18n.label_text(book.meta, "picture-credits", "Picture credits")
        points.append(NavPoint("np-credits", label, "credits.xhtml"))
    return points


def play_order(hrefs: list[str], docs: list[Document]) -> dict[str, int]:
    """NCX playOrder: every distinct target numbered in reading order (spine, then position)."""
    spine = {doc.name: (i, doc.text) for i, doc in enumerate(docs)}

    def position(href: str) -> tuple[int, int]:
        name, _, fragment = href.partition("#")
        index, text = spine[name]
        return index, (text.find(f' id="{fragment}"') if fragment else -1)

    ordered = sorted(set(hrefs), key=position)
    return {href: n for n, href in enumerate(ordered, 1)}


def ncx(book: Book, docs: list[Document], pages: list[PageBreak]) -> str:
    points = nav_points(book)
    hrefs = (
        [p.href for p in points]
        + [c.href for p in points for c in p.children]
        + [p.href for p in pages]
    )
    depth = 2 if any(p.children for p in points) else 1
    order = play_order(hrefs, docs)
    return templates.render(
        "epub/toc.ncx.xml", book, points=points, pages=pages, play_order=order, depth=depth
    )


# -- resources -------------------------------------------------------------------------------


def cover_image(book: Book) -> bytes:
    """Page 1 of the screen PDF (the printed cover) as a JPEG about 1600 pixels wide."""
    import pypdfium2

    document = screen_document(book)
    pdf = document.copy([document.pages[0]]).write_pdf()
    with pypdfium2.PdfDocument(pdf) as source:
        cover = source[0]
        bitmap = cover.render(scale=COVER_WIDTH / cover.get_width())
        image = bitmap.to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue()


def image_bytes(book: Book, image: Image) -> bytes:
    """A manuscript image as the e-book holds it: re-encoded and sized for screens (SVG as is)."""
    from booklet.assets.images import EPUB, read_original, version

    if image.is_svg:
        return read_original(book, image)
    return version(book, image, EPUB).path.read_bytes()


# -- packaging -------------------------------------------------------------------------------


class FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries share one timestamp and one mode: same input, same bytes."""

    def __init__(self, file: Any, when: dt.datetime, **kwargs: Any) -> None:
        super().__init__(file, "w", **kwargs)
        self.when: tuple[int, int, int, int, int, int] = (
            when.year,
            when.month,
            when.day,
            when.hour,
            when.minute,
            when.second,
        )

    def writestr(
        self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.when)
            info.compress_type = self.compression if compress_type is None else compress_type
            info.external_attr = 0o644 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compresslevel=compresslevel)


def writer_class() -> type:
    from ebooklib import epub

    class Writer(epub.EpubWriter):  # type: ignore[misc]
        """ebooklib's writer plus `xml:lang` on <package>, our own NCX and fixed zip timestamps."""

        def __init__(
            self, name: str, book: Any, options: dict[str, Any], language: str, ncx: str
        ) -> None:
            super().__init__(name, book, options)
            self.language = language
            self.ncx = ncx

        def _write_opf_file(self, root: Any) -> None:
            root.set(XML_LANG, self.language)
            super()._write_opf_file(root)

        def _get_ncx(self) -> bytes:
            return self.ncx.encode()

        def write(self) -> None:
            self.out = FixedTimeZip(
                self.file_name,
                self.options["mtime"],
                compression=zipfile.ZIP_DEFLATED,
                compresslevel=9,
            )
            self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
            self._write_container()
            self._write_opf()
            self._write_items()
            self.out.close()

    return Writer


def accessibility(book: Book, images: bool) -> list[tuple[str, str]]:
    """EPUB Accessibility 1.1 discovery metadata (schema.org properties)."""
    features = [
        "tableOfContents",
        "readingOrder",
        "structuralNavigation",
        "pageNavigation",
        "printPageNumbers",
        "alternativeText",  # the cover and images have alt text; charts have their data as text
        "displayTransformability",
    ]
    meta = [("schema:accessMode", "textual"), ("schema:accessMode", "visual")]
    meta += [("schema:accessModeSufficient", "textual")]
    meta += [("schema:accessibilityFeature", f) for f in features]
    meta += [("schema:accessibilityHazard", "none")]
    if images:
        summary = i18n.label_text(
            book.meta,
            "accessibility-summary-images",
            "This publication conforms to WCAG 2.2 Level AA. Its text is fully navigable through "
            "the table of contents, the landmarks and the page list of the printed booklet. "
            "Every image and chart has a text alternative, footnotes are linked both ways, and "
            "the text can be restyled by the reading system.",
        )
    else:
        summary = i18n.label_text(
            book.meta,
            "accessibility-summary",
            "This publication conforms to WCAG 2.2 Level AA. Its text is fully navigable through "
            "the table of contents, the landmarks and the page list of the printed booklet. "
            "Every image has a text alternative, footnotes are linked both ways, and the text "
            "can be restyled by the reading system.",
        )
    meta += [("schema:accessibilitySummary", summary)]
    return meta


def package(
    book: Book,
    path: Path,
    documents: list[Document],
    spine: list[str],
    ncx_text: str,
    cover: bytes,
    css: list[tuple[str, str]],
    fonts: list[tuple[EpubFace, bytes]],
) -> None:
    """Write the EPUB with ebooklib: metadata, manifest, spine, NCX and zip."""
    from ebooklib import epub

    meta = book.meta
    ebook = epub.EpubBook()
    generator = {"name": "generator", "content": f"booklet {__version__} with EbookLib"}
    ebook.metadata[epub.NAMESPACES["OPF"]]["generator"] = [("", generator)]
    ebook.set_identifier(meta.identifier)
    ebook.set_language(meta.language)
    ebook.title = meta.title
    ebook.add_metadata("DC", "title", meta.title, {"id": "title"})
    ebook.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if meta.subtitle:
        ebook.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        ebook.add_metadata(
            None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"}
        )
    for n, author in enumerate(meta.authors, 1):
        ebook.add_author(author, role="aut", uid=f"author-{n}")  # unique ids (ebooklib #356)
    for name, value in (
        ("publisher", meta.publisher),
        ("description", meta.description),
        ("rights", meta.rights),
    ):
        if value:
            ebook.add_metadata("DC", name, value)
    ebook.add_metadata("DC", "date", meta.date.isoformat())
    ebook.add_metadata(None, "meta", meta.identifier, {"property": "pageBreakSource"})
    for prop, value in accessibility(
        book, bool(book.images) or "<svg" in "".join(d.text for d in documents)
    ):
        ebook.add_metadata(None, "meta", value, {"property": prop})
    ebook.add_metadata(
        None,
        "meta",
        "EPUB Accessibility 1.1 - WCAG 2.2 Level AA",
        {"property": "dcterms:conformsTo", "id": "conformance"},
    )
    ebook.add_metadata(
        None,
        "meta",
        meta.publisher or "booklet",
        {"property": "a11y:certifiedBy", "refines": "#conformance"},
    )

    ebook.set_cover(COVER_IMAGE, cover, create_page=False)
    items = {}
    for doc in documents:
        item = epub.EpubItem(
            uid=doc.uid, file_name=doc.name, media_type=XHTML, content=doc.text.encode()
        )
        item.properties = ["nav"] if doc.name == "nav.xhtml" else doc.properties
        ebook.add_item(item)
        items[doc.name] = item
    for name, text in css:
        ebook.add_item(
            epub.EpubItem(
                uid=Path(name).stem + "-css",
                file_name=name,
                media_type="text/css",
                content=text.encode(),
            )
        )
    for face, data in fonts:
        ebook.add_item(
            epub.EpubItem(
                uid=Path(face.file_name).stem,
                file_name=face.file_name,
                media_type="font/ttf",
                content=data,
            )
        )
    for n, image in enumerate(book.images, 1):
        if image.path in {COVER_IMAGE, *items}:
            raise ValueError(
                f"image '{image.path}' has the name of a file the e-book needs; rename it"
            )
        ebook.add_item(
            epub.EpubItem(
                uid=f"image-{n}",
                file_name=image.path,
                media_type=image.media_type,
                content=image_bytes(book, image),
            )
        )
    if fonts:  # Apple Books uses embedded fonts only when asked to
        ebook.add_item(
            epub.EpubItem(
                file_name="META-INF/com.apple.ibooks.display-options.xml",
                content=APPLE_OPTIONS.encode(),
                manifest=False,
            )
        )
    ebook.add_item(epub.EpubNcx())
    ebook.spine = [items[name] for name in spine]
    first = book.chapters[0].slug + ".xhtml"
    ebook.guide = [
        {
            "type": "cover",
            "href": "cover.xhtml",
            "title": i18n.label_text(book.meta, "cover", "Cover"),
        },
        {
            "type": "toc",
            "href": "nav.xhtml",
            "title": i18n.label_text(book.meta, "contents", "Contents"),
        },
        {"type": "text", "href": first, "title": book.chapters[0].title},
    ]
    options = {"epub3_pages": False, "epub3_landmark": False, "mtime": modified(book)}
    writer = writer_class()(str(path), ebook, options, meta.language, ncx_text)
    writer.process()
    writer.write()


def render_book(book: Book, path: Path) -> list[PageBreak]:
    """Render every document, place the page markers, and package the EPUB at `path`."""
    content = content_documents(book)
    breaks = page_breaks(book, content)
    content = [insert_markers(d, [b for b in breaks if b.document == d.name]) for d in content]
    printed = len(screen_document(book).pages)
    names = f"{SERIF} and {SANS}"
    front = [
        Document("cover.xhtml", "cover", page("cover.xhtml", book, cover_image=COVER_IMAGE)),
        Document(
            "titlepage.xhtml",
            "titlepage",
            page("titlepage.xhtml", book, page_count=printed, embedded_fonts=names),
        ),
        Document("nav.xhtml", "nav", page("nav.xhtml", book, pages=breaks)),
    ]
    documents = front + content
    stylesheet = (STYLES / "epub.css").read_text(encoding="utf-8")
    fonts = embedded_fonts([d.text for d in documents] + [stylesheet])
    css = [(STYLESHEET, stylesheet), (FONT_SHEET, font_face_css(fonts))]
    package(
        book,
        path,
        documents,
        [d.name for d in documents],
        ncx(book, documents, breaks),
        cover_image(book),
        css,
        fonts,
    )
    return breaks


def render(book: Book, out_dir: Path) -> list[Output]:
    """The EPUB: `<slug>.epub`; its page count is the number of printed pages in its page-list."""
    path = out_dir / f"{book.meta.slug}.epub"
    breaks = render_book(book, path)
    return [Output("epub", path, len(breaks))]
