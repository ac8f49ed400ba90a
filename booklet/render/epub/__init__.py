"""A `Book` in, `<slug>.epub` out: templated XHTML packaged by ebooklib, with print page numbers.

ebooklib is used only as a packager (its own HTML handling rewrites documents): every document is
rendered here as complete XHTML and added byte for byte. The page-list comes from the laid-out
screen PDF: each page's marker sits before the first element whose id first appears on that page.
"""

from __future__ import annotations

import io
from pathlib import Path

from booklet import i18n
from booklet.assets.subset import SANS, SERIF, embedded_fonts, font_face_css
from booklet.model import Book, Output
from booklet.render.epub.documents import FONT_SHEET, STYLESHEET, Document, content_documents, page
from booklet.render.epub.package import COVER_IMAGE, package
from booklet.render.epub.pagelist import PageBreak, insert_markers, ncx, page_breaks
from booklet.render.pdf import screen_document
from booklet.resources import STYLES

COVER_WIDTH = 1600  # pixels; the height follows the trim (A5: 2263)


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


def render_book(book: Book, path: Path) -> list[PageBreak]:
    """Render every document, place the page markers, and package the EPUB at `path`."""
    content = content_documents(book)
    breaks = page_breaks(book, content)
    content = [insert_markers(d, [b for b in breaks if b.document == d.name]) for d in content]
    printed = len(screen_document(book).pages)
    names = i18n.names([SERIF, SANS], book.meta.language)
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
