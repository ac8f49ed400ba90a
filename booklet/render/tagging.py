"""WeasyPrint's structure tree in, the same tree with what PDF/UA-1 asks beyond it out: `/Lang` on
every element whose HTML element says its own language (7.2: text left in the source's language
in a translated edition, so screen readers switch voice), and footnotes as `Note` elements with a
unique `ID`, referenced from their calls (7.9)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_installed: dict[str, Any] = {}
# The ids the templates give a chapter's footnotes (`<slug>--fn-<n>`, see load/ footnotes).
NOTE_ID = re.compile(r"--fn-\d+$")


@dataclass
class Notes:
    """One PDF's notes so far, and the calls still waiting for a note laid out after them."""

    made: dict[str, Any] = field(default_factory=dict)  # note id → its Note element
    waiting: dict[str, list[Any]] = field(default_factory=dict)  # note id → calls made before it
    pieces: dict[str, int] = field(default_factory=dict)  # note id → Note elements so far


def notes_of(pdf: Any) -> Notes:
    """The notes of the PDF being written (its tree is built one page at a time)."""
    notes: Notes | None = pdf.__dict__.get("_booklet_notes")
    if notes is None:
        notes = pdf._booklet_notes = Notes()
    return notes


def refer(call: Any, note: Any) -> None:
    import pydyf

    call["Ref"] = pydyf.Array([note.reference])


def note_or_call(box: Any, made: Any, pdf: Any) -> None:
    """Tag a footnote's element as a Note with its id, and point its calls at it: the screen
    PDF's `::footnote-call` (made a Reference) and the handouts' `a.noteref` links."""
    import pydyf  # names are strings starting with '/' in pydyf

    element, tag = box.element, box.element_tag or ""
    if tag.endswith("::footnote-call"):
        note_id = element.get("id") or ""
        made["S"] = "/Reference"
    elif tag == "a" and "noteref" in (element.get("class") or "").split():
        note_id = (element.get("href") or "").removeprefix("#")
    elif "::" not in tag and NOTE_ID.search(element.get("id") or ""):
        notes, note_id = notes_of(pdf), element.get("id")
        piece = notes.pieces.get(note_id, 0) + 1  # a note split over pages: one Note a page
        notes.pieces[note_id] = piece
        made["S"] = "/Note"
        made["ID"] = pydyf.String(note_id if piece == 1 else f"{note_id}--{piece}")
        if piece == 1:
            notes.made[note_id] = made
            for call in notes.waiting.pop(note_id, []):
                refer(call, made)
        return
    else:
        return
    if not NOTE_ID.search(note_id):
        return
    notes = notes_of(pdf)
    if note_id in notes.made:
        refer(made, notes.made[note_id])
    else:
        notes.waiting.setdefault(note_id, []).append(made)


def install() -> None:
    """Wrap WeasyPrint's tag-tree builder once per process (its recursion goes through it)."""
    if _installed:
        return
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree

    def tagged(box: Any, parent: Any, pdf: Any, *args: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None else None
        own = lang and getattr(box, "element_tag", None) not in ("html", "body")
        for made in original(box, parent, pdf, *args):
            if made is not parent and own and "Lang" not in made:
                made["Lang"] = pydyf.String(lang)
            if made is not parent and element is not None and made["P"] == parent.reference:
                note_or_call(box, made, pdf)
            yield made

    tags._build_box_tree = tagged
    _installed["original"] = original
