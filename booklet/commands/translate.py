"""`booklet translate LANG…`: a manuscript in, its `translations/LANG/*.po` catalogues written or
brought up to date with the source out (and, with `--from`, filled from a translated copy)."""

from __future__ import annotations

from pathlib import Path

from booklet import i18n
from booklet.errors import Diagnostic, ManuscriptError
from booklet.load import load
from booklet.load.meta import LANGUAGE
from booklet.load.sidebars import parse_number
from booklet.load.translations import catalogue_name, fill_from_copy, update
from booklet.reproducible import source_time


def run(manuscript: Path, languages: list[str], copy: Path | None = None) -> list[str]:
    """Update each language's catalogues; one line per language saying what it holds."""
    book = load(manuscript)
    root, own = book.root, book.meta.language
    for language in languages:
        if not LANGUAGE.match(language) or language == own:
            why = "is the source's own" if language == own else "is not a language tag"
            raise ValueError(f"'{language}' {why}; name the language to translate into, e.g. 'fr'")
    sources = [root / "book.yaml", *(root / chapter.source for chapter in book.chapters)]
    texts = [(p, p.read_text(encoding="utf-8-sig").replace("\r\n", "\n")) for p in sources]
    lines = []
    for language in languages:
        written = update(root, language, texts, book.meta.title, source_time(book))
        lines.append(f"{language}: {len(written)} catalogue(s) in {written[0].parent}")
        if copy is not None:
            lines += filled(root, language, texts, copy, own)
    return lines


def filled(
    root: Path, language: str, texts: list[tuple[Path, str]], copy: Path, own: str
) -> list[str]:
    """Fill `language`'s catalogues from the translated copy in `copy` (same file names)."""

    def localize(value: str) -> str:
        number = parse_number(value, own)
        return value if number is None else i18n.number(number, language)

    problems: list[Diagnostic] = []
    for source, text in texts:
        theirs = copy / source.name
        if theirs.is_file():
            po = root / "translations" / language / catalogue_name(source)
            problems += fill_from_copy(po, source, text, theirs, localize)
    if problems:
        raise ManuscriptError(problems)
    return [f"{language}: filled from {copy}"]
