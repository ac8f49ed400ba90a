"""A 13-digit ISBN in, its EAN-13 barcode out: the 95 modules (GS1 General Specifications,
5.2.1) and an SVG of them with the quiet zones, at a given module width in mm."""

from __future__ import annotations

# Digit patterns, 7 modules each ("1" dark): set A (left, odd parity), B (left, even), C (right).
A = ("0001101", "0011001", "0010011", "0111101", "0100011",
     "0110001", "0101111", "0111011", "0110111", "0001011")  # fmt: skip
C = tuple("".join("0" if m == "1" else "1" for m in pattern) for pattern in A)
B = tuple(pattern[::-1] for pattern in C)
# Which set each of the six left digits takes, chosen by the first digit (which is not drawn).
PARITY = ("AAAAAA", "AABABB", "AABBAB", "AABBBA", "ABAABB",
          "ABBAAB", "ABBBAA", "ABABAB", "ABABBA", "ABBABA")  # fmt: skip
GUARD, CENTRE = "101", "01010"
QUIET_LEFT, QUIET_RIGHT = 11, 7  # modules of white the standard asks on each side
MODULE_MM = 0.33  # the nominal module width (magnification 100 %)
HEIGHT_MM = 22.85  # the nominal bar height


def modules(digits: str) -> str:
    """The 95 modules of an EAN-13 (13 digits, the last the check digit)."""
    if len(digits) != 13 or not digits.isdigit():
        raise ValueError(f"an EAN-13 has 13 digits, not {digits!r}")
    sets = {"A": A, "B": B}
    left = "".join(
        sets[s][int(d)] for s, d in zip(PARITY[int(digits[0])], digits[1:7], strict=True)
    )
    right = "".join(C[int(d)] for d in digits[7:])
    return GUARD + left + CENTRE + right + GUARD


def svg(digits: str, module_mm: float = MODULE_MM, height_mm: float = HEIGHT_MM) -> str:
    """The barcode as SVG (mm units), bars only, with its quiet zones; guard bars run 5 modules
    lower, as the standard draws them (the digits go under the others)."""
    bars = modules(digits)
    width = (QUIET_LEFT + len(bars) + QUIET_RIGHT) * module_mm
    long_bars = set(range(3)) | set(range(45, 50)) | set(range(92, 95))
    rects = []
    start = None
    for index, module in enumerate(bars + "0"):
        if module == "1" and start is None:
            start = index
        elif module == "0" and start is not None:
            tall = start in long_bars
            height = height_mm + (5 * module_mm if tall else 0)
            x = (QUIET_LEFT + start) * module_mm
            rects.append(
                f'<rect x="{x:.3f}" y="0" width="{(index - start) * module_mm:.3f}" '
                f'height="{height:.3f}"/>'
            )
            start = None
    full = height_mm + 5 * module_mm
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="barcode-bars" '
        f'width="{width:.3f}mm" height="{full:.3f}mm" viewBox="0 0 {width:.3f} {full:.3f}" '
        f'role="img" aria-label="EAN-13 {digits}"><g fill="#000">{"".join(rects)}</g></svg>'
    )
