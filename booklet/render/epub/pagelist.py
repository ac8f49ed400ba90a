"""The laid-out screen PDF and the EPUB's documents in, the printed page numbers out: where each
page begins (a marker before the first element whose id first appears on it), and the NCX."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from booklet import i18n
from booklet.model import Book
from booklet.render import templates
from booklet.render.epub.documents import Document
from booklet.render.epub.pagemap import page_map

XHTML_NS = "{http://www.w3.org/1999/xhtml}"
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
START_TAG = '<[A-Za-z][^<>]*?\\sid="{}"[^<>]*>'


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


def page_breaks(book: Book, docs: list[Document]) -> list[PageBreak]:
    """One marker per printed page holding text of a chapter or the glossary, in reading order.

    The cover, front matter and blank pages have no counterpart in these documents and no marker.
    A page that begins mid-paragraph gets its marker before the next block starting on it; if no
    block starts on it, before the call of a footnote printed on it; failing that (a block longer
    than a page), before the block that runs over the top of it.
    """
    anchors = page_map(book).anchors
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
        if number in breaks:
            continue  # (looking through every element for every page made long books quadratic)
        running = [element for element in elements if element[1] in ids]
        if running:
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
