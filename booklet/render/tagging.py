"""WeasyPrint's structure tree in, the same tree with `/Lang` on every element whose HTML element
says its own language out: text left in the source's language in a translated edition (PDF/UA-1
7.2: a change of natural language is declared, so screen readers switch voice)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_installed: dict[str, Any] = {}


def install() -> None:
    """Wrap WeasyPrint's tag-tree builder once per process (its recursion goes through it)."""
    if _installed:
        return
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree

    def with_lang(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None else None
        own = lang and getattr(box, "element_tag", None) not in ("html", "body")
        for made in original(box, parent, *args):
            if own and "Lang" not in made and made is not parent:
                made["Lang"] = pydyf.String(lang)
            yield made

    tags._build_box_tree = with_lang
    _installed["original"] = original
