"""Tagged PDFs in (the handouts WeasyPrint wrote), one tagged PDF of them all out, without laying
anything out again.

Each file's pages are appended, after a blank page when the one before ends on a front side, so
that every part starts on a front side. The parts' structure trees become one: each part's
elements go under the first part's `Document` element, and the numbers that tie marked content
and links to their elements (`StructParents`, `StructParent`, the parent tree) are shifted past
the ones already used. Outlines and named destinations are joined; the title and description
are the merged file's own, in the Info dictionary and the XMP packet alike.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

from pikepdf import Array, Dictionary, Name, NumberTree, Pdf, String
from pikepdf.exceptions import PageCopyWarning

from booklet.render.pdfx import save


def merge(paths: list[Path], out: Path, title: str, description: str) -> int:
    """Write the PDFs of `paths` as one to `out`, each starting on a front side; its pages."""
    with Pdf.open(paths[0]) as pdf:
        numbers = NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        shift = max((int(key) for key, _ in numbers.items()), default=-1) + 1
        destinations = dict(pairs_of(destinations_of(pdf)))
        for path in paths[1:]:
            with Pdf.open(path) as part:
                if len(pdf.pages) % 2:
                    blank_page(pdf)
                shift = append(pdf, part, numbers, shift)
                destinations.update(
                    (name, copied(pdf, dest)) for name, dest in pairs_of(destinations_of(part))
                )
        set_destinations(pdf, destinations)
        retitle(pdf, title, description)
        save(pdf, out)
        return len(pdf.pages)


def blank_page(pdf: Pdf) -> None:
    """An empty page the size of the last one (the back of a sheet)."""
    last = pdf.pages[-1].obj
    page = pdf.add_blank_page(page_size=(float(last.MediaBox[2]), float(last.MediaBox[3])))
    for box in (Name.MediaBox, Name.TrimBox, Name.BleedBox):
        if box in last:
            page.obj[box] = Array(last[box])
    page.obj.Tabs = Name.S  # PDF/UA: a page's tab order follows the structure


def append(pdf: Pdf, part: Pdf, numbers: NumberTree, shift: int) -> int:
    """`part`'s pages, structure and outline added at the end of `pdf`, its keys into the parent
    tree (`numbers`) moved up by `shift`; the first key free after them."""
    start = len(pdf.pages)
    with warnings.catch_warnings():  # that named destinations are not copied: `set_destinations`
        warnings.simplefilter("ignore", PageCopyWarning)
        pdf.pages.extend(part.pages)  # copied first: the structure's /Pg then points to the copies
    for page in pdf.pages[start:]:
        renumber(page.obj, shift)
    free = shift
    for key, elements in NumberTree(part.Root.StructTreeRoot.ParentTree).items():
        numbers[int(key) + shift] = copied(pdf, elements)
        free = max(free, int(key) + shift + 1)
    document = top(pdf.Root.StructTreeRoot)
    for element in kids(part.Root.StructTreeRoot):
        element = copied(pdf, element)
        for child in kids(element) if element.get(Name.S) == Name.Document else [element]:
            child.P = document
            document.K.append(child)
    join_outlines(pdf, part)
    return free


def copied(pdf: Pdf, item: Any) -> Any:
    """`item` of another file as an object of `pdf`: indirect objects through pikepdf's copy
    (one copy each, the pages' included), direct arrays and dictionaries item by item."""
    if isinstance(item, Array | Dictionary) and not item.is_indirect:
        if isinstance(item, Array):
            return Array([copied(pdf, value) for value in item])
        return Dictionary({key: copied(pdf, value) for key, value in item.items()})
    return pdf.copy_foreign(item) if isinstance(item, Array | Dictionary) else item


def renumber(page: Dictionary, shift: int) -> None:
    """Shift a copied page's keys into the parent tree, and its annotations'."""
    if Name.StructParents in page:
        page.StructParents = int(page.StructParents) + shift
    for annotation in page.get(Name.Annots, Array()):
        if Name.StructParent in annotation:
            annotation.StructParent = int(annotation.StructParent) + shift


def kids(element: Any) -> Iterator[Any]:
    """The structure elements under an element or the tree's root (not its content items)."""
    found = element.get(Name.K)
    for kid in found if isinstance(found, Array) else [found] if found is not None else []:
        if not isinstance(kid, Dictionary):
            continue  # a marked-content id or reference, not an element
        if kid.get(Name.Type, Name.StructElem) == Name.StructElem and Name.S in kid:
            yield kid


def top(tree: Any) -> Any:
    """The tree's `Document` element, its children in an array (made so if needed)."""
    document = next(kids(tree))
    if not isinstance(document.get(Name.K), Array):
        document.K = Array([document.K] if Name.K in document else [])
    return document


def join_outlines(pdf: Pdf, part: Pdf) -> None:
    """`part`'s top-level bookmarks after `pdf`'s."""
    theirs = part.Root.get(Name.Outlines)
    if theirs is None or Name.First not in theirs:
        return
    theirs = copied(pdf, theirs)
    ours = pdf.Root.get(Name.Outlines)
    if ours is None or Name.First not in ours:
        pdf.Root.Outlines = theirs
        return
    item = theirs.First
    while True:
        item.Parent = ours
        if Name.Next not in item:
            break
        item = item.Next
    ours.Last.Next = theirs.First
    theirs.First.Prev = ours.Last
    ours.Last = theirs.Last
    ours.Count = int(ours.get(Name.Count, 0)) + int(theirs.get(Name.Count, 0))


def destinations_of(pdf: Pdf) -> Any:
    """The name tree of a file's named destinations (an empty one if it has none)."""
    return pdf.Root.get(Name.Names, Dictionary()).get(Name.Dests, Dictionary())


def set_destinations(pdf: Pdf, destinations: dict[str, Any]) -> None:
    """Every part's named destinations as the file's own (a flat name tree, sorted as it must
    be), written once."""
    if not destinations:
        return
    root: Any = pdf.Root
    if Name.Names not in root:
        root.Names = Dictionary()
    flat = Array()
    for name in sorted(destinations):
        flat.extend([String(name), destinations[name]])
    root.Names.Dests = pdf.make_indirect(Dictionary(Names=flat))


def pairs_of(tree: Any) -> Iterator[tuple[str, Any]]:
    """(name, destination) of a name tree, its kids included."""
    flat = tree.get(Name.Names, Array())
    for index in range(0, len(flat), 2):
        yield str(flat[index]), flat[index + 1]
    for kid in tree.get(Name.Kids, Array()):
        yield from pairs_of(kid)


def retitle(pdf: Pdf, title: str, description: str) -> None:
    """The merged file's title and description, in the Info dictionary and the XMP packet."""
    pdf.docinfo.Title = String(title)
    pdf.docinfo.Subject = String(description)
    metadata = pdf.Root.Metadata
    packet = metadata.read_bytes().decode()
    for tag, value in (("dc:title", title), ("dc:description", description)):
        text = (
            f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value, quote=False)}</rdf:li></rdf:Alt>'
        )
        start = packet.find(f"<{tag}>")
        if start < 0:  # WeasyPrint writes a description only when the document has one
            end = packet.rindex("</rdf:RDF>")
            added = f'<rdf:Description rdf:about=""><{tag}>{text}</{tag}></rdf:Description>'
            packet = packet[:end] + added + packet[end:]
            continue
        end = packet.index(f"</{tag}>", start)
        packet = packet[: start + len(tag) + 2] + text + packet[end:]
    metadata.write(packet.encode())
