"""WeasyPrint's font subsetting in, the same subsetting with its glyph arrays typed once out.

WeasyPrint 70 allocates the glyph ids it keeps as `ffi.new(f"hb_codepoint_t[{n}]", ids)`: a
C type named anew for every length, which cffi parses with pycparser each time (a twentieth of
a handout's writing time). An open array, `hb_codepoint_t[]`, sized by its initialiser, is the
same memory and is parsed once.
"""

from __future__ import annotations

import re
from typing import Any

SIZED = re.compile(r"^(\w+)\[\d+\]$")


class OpenArrays:
    """An `ffi` whose `new` gives sized arrays with an initialiser an open array type."""

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi

    def new(self, ctype: str, init: Any = None) -> Any:
        sized = SIZED.match(ctype) if init is not None else None
        return self._ffi.new(f"{sized.group(1)}[]" if sized else ctype, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


def install() -> None:
    """Give WeasyPrint's PDF font module the `ffi` above (once a process)."""
    import weasyprint.pdf.fonts as fonts

    if not isinstance(fonts.ffi, OpenArrays):
        fonts.ffi = OpenArrays(fonts.ffi)
