"""The immutable document model that loading produces and every renderer consumes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from booklet.errors import Diagnostic

# Named papers of `print: paper:` and their thickness a page (half a sheet's caliper), in mm:
# the spine of a bound book is the pages times this.
PAPERS = {
    "offset-80": "0.050",  # 80 g/m2 uncoated offset, 100 µm a sheet
    "offset-90": "0.055",  # 90 g/m2 uncoated offset
    "silk-115": "0.048",  # 115 g/m2 coated silk (thinner for its weight)
    "bookwove-80": "0.0635",  # 80 g/m2 bulky cream book paper
    "kdp-white": "0.0572",  # KDP's white paper: 0.002252 in a page
    "kdp-cream": "0.0635",  # KDP's cream paper: 0.0025 in a page
}


@dataclass(frozen=True)
class Printing:
    """`print:` of book.yaml: how a print shop prints the book (see render/cover.py)."""

    condition: str = "coated"  # the printing condition of the PDF/X output intent
    binding: str = "auto"  # auto (saddle stitch up to 64 pages), saddle-stitch or perfect
    paper: str = "offset-80"  # a named paper: its thickness makes the spine
    spine_per_page_mm: float = 0.0  # the paper's thickness a page; 0: the named paper's
    end_pages: str = "blank"  # the pages the binding adds at the end: blank or lined
    asked: bool = False  # book.yaml has a `print:` section: the book is going to a print shop


@dataclass(frozen=True)
class Meta:
    title: str
    subtitle: str
    language: str
    authors: tuple[str, ...]
    publisher: str
    date: dt.date
    identifier: str
    description: str
    rights: str
    trim: str
    handout_papers: tuple[str, ...]
    download_url: str
    slug: str
    cover_image: str = ""  # a manuscript image (path from the root) on the cover, or ""
    cover_alt: str = ""  # what the cover photo shows
    cover_credit: str = ""
    # What the e-book claims about its accessibility, and who checked it: nothing unless given.
    accessibility_conformance: str = ""
    accessibility_certified_by: str = ""
    # `labels:` of book.yaml: (key, text) pairs overriding the engine's labels for this book.
    labels: tuple[tuple[str, str], ...] = ()
    # A translated edition: the language the manuscript is written in ("" for the source's own
    # edition), and its blocks (translated, in all, fuzzy); the rest falls back to the source.
    source_language: str = ""
    translation: tuple[int, int, int] = (0, 0, 0)
    isbn: str = ""  # a checked ISBN-13 as the author grouped it ("978-…"); "" without
    back_cover: str = ""  # the back cover's text ("" uses the description)
    printing: Printing = Printing()
    handout_variants: tuple[str, ...] = ("standard",)  # standard, large-print, dyslexia

    @property
    def translated_share(self) -> float:
        translated, total, _ = self.translation
        return translated / total if total else 1.0

    @property
    def edition(self) -> str:
        """The folder of this edition's outputs: "" for the source, else its language."""
        return self.language if self.source_language else ""


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str


@dataclass(frozen=True)
class Item:
    """One entry of a list-shaped sidebar: `key` before the colon (may be empty), inline HTML after."""

    key: str
    html: str
    line: int
    number: float | None = None
    decimals: int = 0  # a chart value's decimals as written: '3,10' is shown '3,10', not '3,1'


@dataclass(frozen=True)
class Sidebar:
    kind: str
    id: str
    title: str | None
    fields: tuple[tuple[str, str], ...]
    body_html: str
    items: tuple[Item, ...]
    line: int

    def field(self, name: str) -> str | None:
        return dict(self.fields).get(name)

    @property
    def max_number(self) -> float:
        return max((i.number or 0.0 for i in self.items), default=0.0) or 1.0


@dataclass(frozen=True)
class TeacherNotes:
    """A `teacher` sidebar: notes that only the teacher's guide shows, never a pupil's output.
    `questions` is the id of the questions box it follows ("" for notes on the chapter, such
    as lesson steps); a list of as many entries as those questions gives one note each."""

    sidebar: Sidebar
    questions: str = ""


@dataclass(frozen=True)
class Prose:
    html: str


Block = Prose | Sidebar


@dataclass(frozen=True)
class Footnote:
    id: str
    number: int
    html: str


@dataclass(frozen=True)
class Image:
    """An image file the manuscript uses, relative to the manuscript root."""

    path: str
    media_type: str
    width: int  # pixels of the file as stored (before its EXIF orientation is applied)
    height: int
    uses: tuple[tuple[str, int], ...] = ()  # (manuscript file, line) where the image is shown

    @property
    def is_svg(self) -> bool:
        return self.media_type == "image/svg+xml"


@dataclass(frozen=True)
class Credit:
    """A picture credit: shown under its figure and listed with the book's picture credits."""

    id: str  # the credit's element under the figure (a link target)
    image: str  # the image's path from the manuscript root
    text: str  # as written, e.g. "Photo: …, CC BY 4.0"
    caption: str  # the figure's caption, else the image's alt text


@dataclass(frozen=True)
class Chapter:
    slug: str
    number: int
    source: str
    title: str
    short_title: str
    summary: str
    handout: bool
    blocks: tuple[Block, ...]
    headings: tuple[Heading, ...]
    footnotes: tuple[Footnote, ...]
    words: int
    credits: tuple[Credit, ...] = ()
    teacher: tuple[TeacherNotes, ...] = ()  # kept apart from `blocks`: no pupil sees them

    @property
    def id(self) -> str:
        return self.slug

    @property
    def sidebars(self) -> tuple[Sidebar, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Sidebar))

    @property
    def has_questions(self) -> bool:
        return any(s.kind == "questions" for s in self.sidebars)


@dataclass(frozen=True)
class Term:
    term: str
    id: str
    html: str
    chapter: str


@dataclass(frozen=True)
class Book:
    root: Path
    meta: Meta
    chapters: tuple[Chapter, ...]
    glossary: tuple[Term, ...]
    images: tuple[Image, ...]
    warnings: tuple[Diagnostic, ...] = field(default=())  # from loading (raw HTML shown as text)

    @property
    def credits(self) -> tuple[Credit, ...]:
        """Every picture credit in reading order."""
        return tuple(credit for chapter in self.chapters for credit in chapter.credits)

    @property
    def shown_images(self) -> tuple[Image, ...]:
        """The images a page shows: all but a cover photo used nowhere else (the e-book's and
        the site's cover is the printed cover made into a picture, not the photo itself)."""
        return tuple(i for i in self.images if i.path != self.meta.cover_image or len(i.uses) > 1)

    @property
    def handout_chapters(self) -> tuple[Chapter, ...]:
        return tuple(c for c in self.chapters if c.handout)

    def chapter_of(self, element_id: str) -> Chapter | None:
        """The chapter holding an element id (ids are prefixed with the chapter slug)."""
        for chapter in self.chapters:
            if element_id == chapter.slug or element_id.startswith(chapter.slug + "--"):
                return chapter
        return None


@dataclass(frozen=True)
class Output:
    """A file a renderer made: its kind (`pdf`, `epub`, …), where, its pages, and its paper."""

    kind: str
    path: Path
    pages: int
    paper: str | None = None
    variant: str = ""  # a handout's variant other than the standard one: large-print, dyslexia
