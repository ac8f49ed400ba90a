"""A `Book` in, `<slug>.epub` out: templated XHTML packaged by ebooklib, with print page numbers.

ebooklib is used only as a packager (its own HTML handling rewrites documents): every document is
rendered here as complete XHTML and added byte for byte. The page-list comes from the laid-out
screen PDF (its page map, kept on disk for the next build of the same layout): each page's marker
sits before the first element whose id first appears on that page.
"""

from __future__ import annotations

from pathlib import Path

from booklet import i18n
from booklet.assets.subset import SANS, SERIF, embedded_fonts, font_face_css
from booklet.model import Book, Output
from booklet.render.epub.documents import FONT_SHEET, STYLESHEET, Document, content_documents, page
from booklet.render.epub.package import COVER_IMAGE, package
from booklet.render.epub.pagelist import PageBreak, insert_markers, ncx, page_breaks
from booklet.render.epub.pagemap import page_map
from booklet.resources import STYLES


def render_book(book: Book, path: Path) -> list[PageBreak]:
    """Render every document, place the page markers, and package the EPUB at `path`."""
    content = content_documents(book)
    breaks = page_breaks(book, content)
    content = [insert_markers(d, [b for b in breaks if b.document == d.name]) for d in content]
    layout = page_map(book)
    names = i18n.names([SERIF, SANS], book.meta.language)
    front = [
        Document("cover.xhtml", "cover", page("cover.xhtml", book, cover_image=COVER_IMAGE)),
        Document(
            "titlepage.xhtml",
            "titlepage",
            page("titlepage.xhtml", book, page_count=len(layout.anchors), embedded_fonts=names),
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
        layout.cover,
        css,
        fonts,
    )
    return breaks


def render(book: Book, out_dir: Path) -> list[Output]:
    """The EPUB: `<slug>.epub`; its page count is the number of printed pages in its page-list."""
    path = out_dir / f"{book.meta.slug}.epub"
    breaks = render_book(book, path)
    return [Output("epub", path, len(breaks))]
