"""The chosen outputs in, the jobs that make them out: which medium renders how (`MEDIA`), and
which renderers share a process and its one layout of the book."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from booklet.errors import Diagnostic
from booklet.model import Book, Output

Renderer = Callable[[Book, Path], list[Output]]


def lazy(target: str) -> Renderer:
    """`module:function`, imported on first call: a build whose outputs are all unchanged
    never imports WeasyPrint, pikepdf or ebooklib."""
    module, _, name = target.partition(":")

    def renderer(book: Book, out_dir: Path) -> list[Output]:
        function: Renderer = getattr(importlib.import_module(module), name)
        return function(book, out_dir)

    renderer.__module__, renderer.__qualname__ = module, name  # what cache keys name
    return renderer


@dataclass(frozen=True)
class Medium:
    """How the builder runs one medium's renderer (`render(book, out_dir) -> list[Output]`)."""

    render: Renderer
    shared_layout: bool = False  # reads the one screen layout: rendered in the book's job
    after_layout: bool = False  # needs the layout only (the EPUB's page-list), not the PDF's bytes
    makes: Callable[[Book], bool] | None = None  # whether this book has anything of it to make


MEDIA: dict[str, Medium] = {
    "pdf": Medium(lazy("booklet.render.pdf:render"), shared_layout=True),
    "epub": Medium(lazy("booklet.render.epub:render"), shared_layout=True, after_layout=True),
    "print": Medium(lazy("booklet.render.prepress:render"), shared_layout=True),
    "imposed": Medium(lazy("booklet.render.prepress:render_imposed"), shared_layout=True),
    "cover": Medium(lazy("booklet.render.cover:render"), shared_layout=True),
    "handouts": Medium(lazy("booklet.render.handouts:render")),
    # Page numbers from the one layout; for teachers only (the site does not offer it).
    "teacher": Medium(
        lazy("booklet.render.teacher:render"),
        shared_layout=True,
        after_layout=True,
        makes=lambda book: any(chapter.teacher for chapter in book.chapters),
    ),
}
SITE = "site"  # made after the others, from their finished files (see `builder.site_job`)
GROUPS = (*MEDIA, SITE)  # the names `--only` takes


def renderers() -> dict[str, Renderer]:
    """Each medium's renderer by name (looked up at call time, so tests can swap `MEDIA`)."""
    return {name: medium.render for name, medium in MEDIA.items()}


def chosen(only: list[str] | None) -> tuple[list[str], bool]:
    """The renderers to run and whether to make the site. The site offers the outputs of the
    build, so `--only site` alone runs every renderer; with other names, only those."""
    if not only or set(only) == {SITE}:
        return list(MEDIA), True
    return [name for name in MEDIA if name in only], SITE in only


def laid_out(book: Book) -> object:
    """The book laid out (once per process): what `after_layout` renderers wait for."""
    return importlib.import_module("booklet.render.pdf").screen_document(book)


def makes_something(medium: Medium, book: Book) -> bool:
    return medium.makes is None or medium.makes(book)


def plan(book: Book, names: list[str]) -> list[Job]:
    """The jobs for the chosen renderers: the shared-layout ones together, each handout apart;
    a medium the book has nothing for (no teacher's notes) is left out."""
    names = [name for name in names if makes_something(MEDIA[name], book)]
    shared = tuple(name for name in names if MEDIA[name].shared_layout)
    early = tuple(name for name in shared[1:] if MEDIA[name].after_layout)
    edition = f" ({book.meta.edition})" if book.meta.edition else ""
    jobs = [Job(", ".join(shared) + edition, shared, book, early, laid_out)] if shared else []
    for name in names:
        if name == "handouts":
            jobs += handout_jobs(book, edition)
        elif not MEDIA[name].shared_layout:
            jobs.append(Job(name + edition, (name,), book))
    return jobs


def handout_jobs(book: Book, edition: str) -> list[Job]:
    """A job per handout (chapter, paper and variant), on a view of the book where that chapter
    is the only handout chapter and that paper and variant the only ones: they run side by side,
    and a chapter edited makes only its own handouts again (each job's key hashes its chapter)."""
    alone = {  # each handout chapter the only one marked
        chapter.slug: tuple(
            c if c is chapter else dataclasses.replace(c, handout=False) for c in book.chapters
        )
        for chapter in book.handout_chapters
    }
    jobs = []
    for paper in book.meta.handout_papers:
        for variant in book.meta.handout_variants:
            meta = dataclasses.replace(
                book.meta, handout_papers=(paper,), handout_variants=(variant,)
            )
            named = "" if variant == "standard" else f" {variant}"
            for slug, chapters in alone.items():
                view = dataclasses.replace(book, meta=meta, chapters=chapters)
                jobs.append(Job(f"handout {slug} {paper}{named}{edition}", ("handouts",), view))
    return jobs


@dataclass(frozen=True)
class Job:
    """Renderers that run together in one process, on the book or a view of it."""

    name: str
    renderers: tuple[str, ...]
    book: Book
    # Renderers that need only what `prepare` makes (the layout), not the first renderer's
    # output: forked as soon as `prepare` is done.
    early: tuple[str, ...] = ()
    prepare: Callable[[Book], object] | None = None


@dataclass
class JobResult:
    outputs: list[Output]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    weasyprint: list[str] = field(default_factory=list)  # WeasyPrint's warnings
    refused: list[str] = field(default_factory=list)
    # Files beside the outputs that belong to the job (the site's pages): path in the output
    # folder and sha256, so that a reuse takes them too.
    files: list[tuple[str, str]] = field(default_factory=list)
