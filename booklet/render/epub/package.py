"""The EPUB's documents, stylesheets, fonts and images in, the `.epub` file out: ebooklib used
as a packager only, in named steps (metadata, accessibility, documents, resources, guide, zip)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from booklet import __version__, i18n
from booklet.assets.subset import EpubFace
from booklet.model import Book, Image
from booklet.render.epub.documents import XHTML, Document
from booklet.reproducible import source_time

COVER_IMAGE = "cover.jpg"
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
APPLE_OPTIONS = """<?xml version="1.0" encoding="utf-8"?>
<display_options>
<platform name="*">
<option name="specified-fonts">true</option>
</platform>
</display_options>
"""


def modified(book: Book) -> dt.datetime:
    """The publication's last-modified time in UTC, never before the ZIP format's epoch."""
    return max(source_time(book), ZIP_EPOCH)


def image_bytes(book: Book, image: Image) -> bytes:
    """A manuscript image as the e-book holds it: re-encoded and sized for screens (SVG as is)."""
    from booklet.assets.images import EPUB, read_original, version

    if image.is_svg:
        return read_original(book, image)
    return version(book, image, EPUB).path.read_bytes()


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
            "The text is fully navigable through the table of contents, the landmarks and the "
            "page list of the printed booklet. Every image and chart has a text alternative, footnotes are linked both ways, and "
            "the text can be restyled by the reading system.",
        )
    else:
        summary = i18n.label_text(
            book.meta,
            "accessibility-summary",
            "The text is fully navigable through the table of contents, the landmarks and the "
            "page list of the printed booklet. Every image has a text alternative, footnotes are linked both ways, and the text "
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

    ebook = epub.EpubBook()
    add_metadata(ebook, book)
    add_accessibility(ebook, book, documents)
    ebook.set_cover(COVER_IMAGE, cover, create_page=False)
    items = add_documents(ebook, documents)
    add_resources(ebook, book, css, fonts, taken={COVER_IMAGE, *items})
    ebook.add_item(epub.EpubNcx())
    ebook.spine = [items[name] for name in spine]
    ebook.guide = guide(book)
    options = {"epub3_pages": False, "epub3_landmark": False, "mtime": modified(book)}
    writer = writer_class()(str(path), ebook, options, book.meta.language, ncx_text)
    writer.process()
    writer.write()


def add_metadata(ebook: Any, book: Book) -> None:
    """Dublin Core: identifier, language, titles, authors, publisher, description, rights, date."""
    from ebooklib import epub

    meta = book.meta
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


def add_accessibility(ebook: Any, book: Book, documents: list[Document]) -> None:
    """The accessibility metadata (what the engine makes sure of), and a conformance claim and
    its certifier only when book.yaml makes them: the engine cannot check what the author's
    words and pictures convey, so it claims nothing in anyone's name."""
    for prop, value in accessibility(
        book, bool(book.images) or "<svg" in "".join(d.text for d in documents)
    ):
        ebook.add_metadata(None, "meta", value, {"property": prop})
    claim, certifier = book.meta.accessibility_conformance, book.meta.accessibility_certified_by
    if claim:
        ebook.add_metadata(
            None, "meta", claim, {"property": "dcterms:conformsTo", "id": "conformance"}
        )
    if claim and certifier:
        ebook.add_metadata(
            None, "meta", certifier, {"property": "a11y:certifiedBy", "refines": "#conformance"}
        )


def add_documents(ebook: Any, documents: list[Document]) -> dict[str, Any]:
    """Every XHTML document, byte for byte; the items by file name (for the spine)."""
    from ebooklib import epub

    items = {}
    for doc in documents:
        item = epub.EpubItem(
            uid=doc.uid, file_name=doc.name, media_type=XHTML, content=doc.text.encode()
        )
        item.properties = ["nav"] if doc.name == "nav.xhtml" else doc.properties
        ebook.add_item(item)
        items[doc.name] = item
    return items


def item(file_name: str, media_type: str, content: bytes, uid: str) -> Any:
    from ebooklib import epub

    return epub.EpubItem(uid=uid, file_name=file_name, media_type=media_type, content=content)


def add_resources(
    ebook: Any,
    book: Book,
    css: list[tuple[str, str]],
    fonts: list[tuple[EpubFace, bytes]],
    taken: set[str],
) -> None:
    """Stylesheets, fonts, the manuscript's images, and Apple Books' display options."""
    from ebooklib import epub

    for name, text in css:
        ebook.add_item(item(name, "text/css", text.encode(), uid=Path(name).stem + "-css"))
    for face, data in fonts:
        ebook.add_item(item(face.file_name, "font/ttf", data, uid=Path(face.file_name).stem))
    for n, image in enumerate(book.shown_images, 1):
        if image.path in taken:
            raise ValueError(
                f"image '{image.path}' has the name of a file the e-book needs; rename it"
            )
        ebook.add_item(item(image.path, image.media_type, image_bytes(book, image), f"image-{n}"))
    if fonts:  # Apple Books uses embedded fonts only when asked to
        ebook.add_item(
            epub.EpubItem(
                file_name="META-INF/com.apple.ibooks.display-options.xml",
                content=APPLE_OPTIONS.encode(),
                manifest=False,
            )
        )


def guide(book: Book) -> list[dict[str, str]]:
    """The EPUB 2 guide: cover, contents and the first chapter."""
    first = book.chapters[0].slug + ".xhtml"
    return [
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
