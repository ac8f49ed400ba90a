"""A folder, a title and a language in, a starter manuscript out (`booklet new`).

The starter shows the whole format at work: `book.yaml` with every key explained, three short
chapters using every sidebar kind with its fields, a footnote, a figure, links between chapters
and one classroom handout; in French, Dutch or German when the book is (`starters.py`). Its text
only explains the format (every number in it counts something in the starter or the engine), so
an author replaces it rather than corrects it. It builds with
`--strict` and without warnings (a test keeps it so).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from booklet import i18n
from booklet.commands.starter_yaml import BOOK_YAMLS
from booklet.commands.starters import STARTERS
from booklet.load.meta import LANGUAGE
from booklet.load.sidebars import SCHEMAS
from booklet.load.source import MAX_CHAPTER_BYTES

ALLOWED_BEFORE = {".git"}  # `git init my-booklet && booklet new my-booklet` is fine


class StarterError(ValueError):
    """The folder cannot take a starter manuscript (it holds files, or is not a folder)."""


# book.yaml's keys for a print shop, explained (the English starter's; starter_yaml.py has theirs).
PRINT_SHOP = """\
# For a print shop (README, "Printing at a print shop or print-on-demand service"): the text
# on the back cover (default: the description), the book's ISBN (a barcode on the back cover),
# and how it is printed: condition coated or uncoated paper; binding auto, saddle-stitch or
# perfect; paper offset-80, offset-90, silk-115, bookwove-80, kdp-white or kdp-cream (its
# thickness makes the spine), or spine_per_page_mm.
# back_cover: "A few sentences for the back of the book."
# isbn: "978-3-16-148410-0"
# print:
#   condition: coated
#   binding: auto
#   paper: offset-80

"""


def book_yaml(title: str, language: str, today: dt.date, chapters: list[str]) -> str:
    """The starter's book.yaml, its comments in the book's language when there is a starter in
    it (`starter_yaml.py`), else in English."""
    chapter_list = "".join(f"  - {name}\n" for name in chapters)
    written = BOOK_YAMLS.get(i18n.candidates(language)[0])
    if written is not None:
        return written.format(
            title=json.dumps(title, ensure_ascii=False),
            language=language,
            date=today.isoformat(),
            identifier=f"urn:uuid:{uuid.uuid4()}",
            chapter_list=chapter_list,
        )
    return f"""\
# The book's metadata and options. Lines starting with '#' are comments; remove the '#'
# in front of a key to use it. `booklet check` names any key it does not know.

# The title on the cover, the title page and in every file's metadata (required).
title: {json.dumps(title, ensure_ascii=False)}

# A line under the title on the cover and the title page.
# subtitle: "What the booklet is about, in a few words"

# The language of the text (required): a tag like en, en-GB, nl-BE, fr or de. It sets the
# hyphenation, the quotation marks and the labels the engine adds ("Contents", "Page").
language: {language}

# Who wrote the booklet, as a list; and who publishes it.
# authors: ["First Author", "Second Author"]
# publisher: "Your school or organisation"

# The date of this edition (YYYY-MM-DD). Builds stamp it into the files, so the same
# manuscript always gives the same bytes.
date: {today.isoformat()}

# A stable identifier for this book; keep it across editions (the EPUB readers use it).
identifier: "urn:uuid:{uuid.uuid4()}"

# One or two sentences for the cover and the files' metadata.
# description: "What a reader will learn from this booklet."

# The licence or copyright line of the colophon.
# rights: "Text licensed CC BY 4.0; you may share and adapt it if you give credit."

# The page size of the booklet: A5 (the default) or half-letter.
trim: A5

# The papers the classroom handouts are made for: A4, Letter, or both (the default).
handout_papers: [A4, Letter]

# The handouts' variants: standard, large-print and dyslexia (dyslexia-friendly).
# handout_variants: [standard, large-print, dyslexia]

# Where readers can download the booklet; the handouts carry it as a QR code.
# download_url: "https://example.org/my-booklet"

# The outputs' file name (my-booklet.pdf, my-booklet.epub): lower-case ASCII letters, digits
# and hyphens. Without it, it is made from the title (accents folded, at most 40 characters).
# slug: my-booklet

# What the e-book claims about its accessibility, and who checked the claim (with EPUBCheck
# and Ace, say). Without them the e-book describes its features and claims nothing.
# accessibility_conformance: "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
# accessibility_certified_by: "Your name or organisation"

# A photo for the cover (a file in this folder), what it shows for readers who cannot see it,
# and its credit for the colophon. Give it at least 1,819 × 2,552 pixels for an A5 cover.
# cover_image: images/cover.jpg
# cover_alt: "What the photo shows"
# cover_credit: "Cover photo: Name, licence"

{PRINT_SHOP}# The words the engine adds come in the book's language ("Inhoud", "Table des matières").
# Give this book its own word for any of them; the README's "Languages" lists the keys.
# labels:
#   questions: "Talk about it"

# The chapters in reading order. Without this list, every NN-name.md file is a chapter,
# in file-name order.
chapters:
{chapter_list}"""


def kinds_chart() -> str:
    """The chart of the second chapter: how many fields each sidebar kind has (true by
    construction, as it is read from the schemas)."""
    return "\n".join(f"- {kind}: {len(schema.fields)}" for kind, schema in SCHEMAS.items())


WELCOME = """\
---
title: Welcome to your booklet
short_title: Welcome
summary: How a chapter is written, and what the engine makes of it.
---

This is the first chapter of a starter manuscript. Each chapter is one Markdown file with a
short front matter between two `---` lines: its title, an optional short title for the running
heads, a one-sentence summary, and whether it is also a classroom handout. Replace this text
with your own, one paragraph after the other.

## Writing text

Write plain paragraphs, *emphasis* and **strong** text, lists and tables. Straight "quotes",
two dashes -- and three dots... become the typographic marks of the book's language. A
footnote goes where its number should appear,[^notes] and its text at the end of the chapter.

Sections are `##` headings: the chapter title comes from the front matter. Every heading gets
an id from its text, so other chapters can link to it, like this link to
[the list of sidebar kinds](02-sidebars.md#every-kind-of-sidebar) in the next chapter, or to
[the classroom chapter](03-classroom.md) as a whole.

## Pictures

A paragraph holding only an image becomes a figure. The text in square brackets describes the
picture for readers who cannot see it (it is required); the text in quotes is the caption.

![A sketch of an open booklet: two pages side by side, each with lines of text and a coloured block for a sidebar.](images/booklet.svg "Replace this picture with your own: a PNG, JPEG or SVG file inside the manuscript folder.")

:::{facts} What the build makes
:source: The booklet engine's README
- A screen PDF for reading on screen.
- A print PDF with bleed and crop marks for a print shop.
- An imposed booklet to print on office paper, fold and staple.
- An EPUB for e-readers.
- A classroom handout of every chapter marked `handout: true`.
:::

[^notes]: Footnotes sit at the foot of the page in the PDFs and pop up in the EPUB.
"""

SIDEBARS = """\
---
title: Sidebars
summary: Boxes beside the text, each of a kind with its own fields and look.
---

A sidebar starts with a line `:::{{kind}} Title`, then `:field: value` lines, then its body, and
ends with a line `:::`. The kind decides which fields it takes and what its body holds;
`booklet check` names any field that is missing or unknown.

## Every kind of sidebar

:::{{quote}}
:source: Who said or wrote it, and where
:date: When
Put a quotation here, word for word. The source field is required: a reader should be able to
find the words again.
:::

:::{{numbers}} This starter in numbers
:source: Counted in this manuscript
- {kinds}: kinds of sidebar
- 3: chapters
- 1: classroom handout
:::

:::{{chart}} Fields of each sidebar kind
:unit: fields
:source: The sidebar schemas of the engine
{chart}
:::

:::{{timeline}} This booklet
- {today}: The starter manuscript is created.
:::

:::{{profile}} A person's name
:role: What they did
:network: The group they belonged to
:active: When they were active
A short biography: where the person came from, what they did, and what became of them.
:::

:::{{term}} Sidebar
A box beside the running text, of one of {kinds} kinds. Every term sidebar also appears in the
glossary at the end of the booklet.
:::

:::{{note}} A note
Any Markdown at all: paragraphs, **strong** text, lists.
:::

The kinds `questions` and `teacher` are shown in [the classroom chapter](03-classroom.md#questions-to-discuss).
"""

CLASSROOM = """\
---
title: In the classroom
short_title: Classroom
summary: A chapter that is also a one-sheet handout.
handout: true
---

This chapter has `handout: true` in its front matter, so the build also makes it a handout of
one sheet, printed on both sides, with space for answers and a link back to the booklet. Keep a
handout chapter short: the build says when one does not fit its sheet, and by how much.

## Questions to discuss

:::{questions}
1. What is your booklet about, in one sentence?
2. Who will read it, and what should they know afterwards?
:::

:::{teacher}
1. Notes for the teacher, never shown to pupils: what a good answer can draw on.
2. They are printed in the teacher's guide, beside the question they follow.
:::
"""

BOOKLET_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 240" width="400" height="240">
  <rect x="20" y="20" width="175" height="200" rx="4" fill="#fdfbf7" stroke="#4a4a4a" stroke-width="2"/>
  <rect x="205" y="20" width="175" height="200" rx="4" fill="#fdfbf7" stroke="#4a4a4a" stroke-width="2"/>
  <g stroke="#8a8a8a" stroke-width="4" stroke-linecap="round">
    <line x1="40" y1="50" x2="175" y2="50"/>
    <line x1="40" y1="70" x2="175" y2="70"/>
    <line x1="40" y1="90" x2="160" y2="90"/>
    <line x1="40" y1="110" x2="175" y2="110"/>
    <line x1="40" y1="130" x2="150" y2="130"/>
    <line x1="225" y1="50" x2="360" y2="50"/>
    <line x1="225" y1="70" x2="340" y2="70"/>
  </g>
  <rect x="225" y="95" width="135" height="100" rx="4" fill="#e4ecf2" stroke="#2f5d7c" stroke-width="2"/>
  <g stroke="#2f5d7c" stroke-width="4" stroke-linecap="round">
    <line x1="240" y1="120" x2="340" y2="120"/>
    <line x1="240" y1="140" x2="330" y2="140"/>
    <line x1="240" y1="160" x2="320" y2="160"/>
  </g>
</svg>
"""


def chapters(language: str, today: dt.date) -> dict[str, str]:
    """The starter's chapters in the book's language (English when there is no starter in it):
    file name → text."""
    values = {"kinds": len(SCHEMAS), "chart": kinds_chart(), "today": today.isoformat()}
    written = STARTERS.get(i18n.candidates(language)[0])
    if written is None:
        return {
            "01-welcome.md": WELCOME,
            "02-sidebars.md": SIDEBARS.format(**values),
            "03-classroom.md": CLASSROOM,
        }
    return {name: text.format(**values) for name, text in written}


def files(title: str, language: str, today: dt.date) -> dict[str, str]:
    """The starter's files: relative path → text."""
    texts = chapters(language, today)
    return {
        "book.yaml": book_yaml(title, language, today, list(texts)),
        **texts,
        "images/booklet.svg": BOOKLET_SVG,
    }


def create(folder: Path, title: str, language: str, today: dt.date | None = None) -> list[Path]:
    """Write the starter into `folder` (made if missing); the files written, in order.

    Refuses a folder that holds anything but `.git`, so no work is ever overwritten.
    """
    title = title.strip()
    if not title or "\n" in title:
        raise StarterError("--title must be one line of text")
    if not LANGUAGE.match(language):
        tag = i18n.tag_for_name(language)
        hint = f"; did you mean '{tag}'?" if tag else ""
        raise StarterError(
            f"--language '{language}' is not a language tag like 'en' or 'nl-BE'{hint}"
        )
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir():
            raise StarterError(f"'{folder}' exists and is not a folder; choose a new folder")
        held = sorted(p.name for p in folder.iterdir() if p.name not in ALLOWED_BEFORE)
        if held:
            raise StarterError(
                f"folder '{folder}' is not empty (it holds '{held[0]}'); booklet new writes "
                "only into a new or empty folder, so choose another"
            )
    written = []
    for name, text in files(title, language, today or dt.date.today()).items():
        assert len(text.encode()) < MAX_CHAPTER_BYTES
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:  # never replaces a file
            file.write(text)
        written.append(path)
    return written
