"""WeasyPrint's column layout in, the same layout with a search instead of 1 px steps out.

WeasyPrint 70 balances columns by laying them out again at growing heights. When it cannot tell
how much taller the columns must be (an unbreakable sidebar taller than the trial column, whose
first fragment is all it measures), it adds 1 px per trial: 89 trial layouts for one handout.
`install()` changes only that case: the heights it would have tried one pixel apart are searched
by doubling, then halving (gallop, then bisect), and the height the 1 px steps would have stopped
at is then laid out as before. Where "this height is enough" grows with the height, as it does
for blocks in columns, the result is the same layout, byte for byte (tests/test_columns.py).

It is a patch of a private function, so it is guarded: it applies only to the exact source it was
written against (WeasyPrint's version and the function's hash); anything else keeps WeasyPrint's
own code. Offered upstream (binary search was proposed in WeasyPrint PR #878).
"""

from __future__ import annotations

import hashlib
import inspect
import math
from typing import Any

VERSION = "70.0"
SOURCE_SHA256 = (  # of weasyprint.layout.column.columns_layout's source, as shipped
    "7a05cce3272fc581cf8d9352ebe07d4de51fb742dfccd6d2e86895ac0eca9691"
)

# The 1 px step, as it is in WeasyPrint 70 ...
STEP = """\
                # Increase the column heights and render them again
                add_height = 1 if lost_space == inf else lost_space
                height += add_height
"""
# ... and as a search: only while the step would be 1 px (lost_space unknown) and more than one
# height is left below the page's bottom.
SEARCH = """\
                # Increase the column heights and render them again
                if lost_space == inf and _PixelSearch.useful(height, max_height):
                    probing = _PixelSearch(height, max_height)
                    height = probing.start + probing.probe
                    continue
                add_height = 1 if lost_space == inf else lost_space
                height += add_height
"""
# Each trial of a search is judged before anything else looks at it.
JUDGE_AT = """\
            if balancing:
                if column_skip_stack is None:
"""
JUDGE = """\
            if balancing and probing is not None:
                enough = column_skip_stack is None or lost_space != inf
                tried = probing.probe
                if probing.record(enough):
                    lost_space = inf  # a trial of the search, not one of the 1 px steps
                    height = probing.start + probing.probe
                    continue
                final, probing = probing.result(), None
                if final != tried:  # lay out again where the 1 px steps would have stopped
                    lost_space = inf
                    height = final
                    continue
                # else this trial is exactly the one the 1 px steps would have stopped at
            if balancing:
                if column_skip_stack is None:
"""
RESET_AT = "        page_is_empty = stop_rendering = balancing = False\n"
RESET = RESET_AT + "        probing = None\n"


class PixelSearch:
    """The first of the heights `start + 1`, `start + 2`, ... (up to `limit`) that is enough.

    "Enough" is what ends WeasyPrint's 1 px steps: the columns hold everything, or they tell how
    much taller they must be. `start` is known not to be enough.
    """

    def __init__(self, start: float, limit: float) -> None:
        self.start = start
        self.last = math.floor(limit - start)  # steps that stay within the limit
        self.low = 0  # steps known not to be enough ...
        self.high: int | None = None  # ... and known to be enough
        self.probe = 1

    @staticmethod
    def useful(start: float, limit: float) -> bool:
        return math.floor(limit - start) >= 2

    def record(self, enough: bool) -> bool:
        """Note the result of the trial at `probe`; False when the search is over."""
        if enough:
            self.high = self.probe
        else:
            self.low = self.probe
        if self.high is None:
            if self.low >= self.last:
                return False
            self.probe = min(2 * self.low, self.last)
        else:
            if self.high - self.low <= 1:
                return False
            self.probe = (self.low + self.high) // 2
        return True

    def result(self) -> float:
        """The height the 1 px steps would have laid out last."""
        return self.start + (self.high if self.high is not None else self.last)


_installed: dict[str, Any] = {}


def source_of(function: Any) -> str:
    return inspect.getsource(function)


def install() -> bool:
    """Use the searching column layout if WeasyPrint is the version it was made for.

    True when installed (now or before); False leaves WeasyPrint as it is.
    """
    if "result" in _installed:
        return bool(_installed["result"])
    _installed["result"] = False
    import weasyprint
    import weasyprint.layout.block as block
    import weasyprint.layout.column as column

    original = column.columns_layout
    try:
        source = source_of(original)
    except (OSError, TypeError):
        return False
    digest = hashlib.sha256(source.encode()).hexdigest()
    if weasyprint.__version__ != VERSION or digest != SOURCE_SHA256:
        return False
    if source.count(STEP) != 1 or source.count(JUDGE_AT) != 1 or source.count(RESET_AT) != 1:
        return False
    patched_source = source.replace(STEP, SEARCH).replace(JUDGE_AT, JUDGE).replace(RESET_AT, RESET)
    namespace = dict(vars(column))
    namespace["_PixelSearch"] = PixelSearch
    code = compile(patched_source, column.__file__ or "column.py", "exec")
    exec(code, namespace)  # the module's own globals, with its function redefined
    patched = namespace["columns_layout"]
    column.columns_layout = block.columns_layout = patched
    _installed.update(original=original, patched=patched, result=True)
    return True


def uninstall() -> None:
    """WeasyPrint's own column layout again (for tests that compare the two)."""
    if _installed.get("result"):
        import weasyprint.layout.block as block
        import weasyprint.layout.column as column

        column.columns_layout = block.columns_layout = _installed["original"]
    _installed.clear()
