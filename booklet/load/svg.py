"""An SVG file's bytes in, the reason it is unsafe to pass on (or None) out.

SVG images travel into every output (WeasyPrint draws them, the EPUB and the web edition carry
them as they are, and an SVG opened on its own in a browser has no CSP), so they must be
self-contained, static pictures. The parsed document is checked against allow-lists: drawing
elements only (no script, foreignObject, animation, links), no event handlers, references
(`href`, CSS `url()`) only to parts of the same file or small data: URLs of PNG or JPEG
pictures, and CSS read after its escapes and comments are undone, so that `@\\69mport` or a
`url()` hidden by a comment are seen for what they are. `<use>` may not expand into more
elements than the file may hold. What cannot be shown safe is refused.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from booklet.confine import MAX_DATA_URL_BYTES

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_ELEMENTS = 50_000
# Static drawing: shapes, text, paint servers, clipping, masking, markers, filters, metadata.
FILTERS = {
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
    "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
    "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur",
    "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting",
    "feSpotLight", "feTile", "feTurbulence",
}  # fmt: skip
ELEMENTS = FILTERS | {
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "switch", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "image",
    "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "pattern",
    "clipPath", "mask", "marker",
}  # fmt: skip
# Namespaces whose elements no renderer draws (editors' metadata); XHTML and MathML are drawn.
INERT_NAMESPACES = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.inkscape.org/namespaces/inkscape",
}
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z][\w.:-]*$")
LOCAL_REF = re.compile(r"^\s*(#[\w.:-]*\s*$|data:image/(png|jpeg);base64,)", re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)
CSS_FUNCTION = re.compile(r"\b(image-set|image|src|expression|element|cross-fade)\s*\(", re.I)
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\(.)", re.S)
CSS_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.S)
SCHEME = re.compile(r"(javascript|vbscript|data)\s*:", re.I)
DECLARATION = re.compile(r"<!(DOCTYPE|ENTITY)|<\?xml-stylesheet", re.I)
FIX = "; SVG images must be self-contained: embed pictures as data: URLs"


def split_name(name: str) -> tuple[str, str]:
    """'{namespace}name' → ('namespace', 'name'); no namespace → ('', name)."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def too_long(url: str) -> str | None:
    """The problem of a data: URL too large for the renderer to decode (caught here, so that it
    is reported at the chapter showing the image rather than as a refusal while rendering)."""
    if len(url) > MAX_DATA_URL_BYTES:
        return (
            f"holds a data: URL of {len(url):,} bytes; the limit is {MAX_DATA_URL_BYTES:,}. "
            "Make the embedded picture smaller"
        )
    return None


def unescape_css(css: str) -> str:
    """CSS as a browser reads it: comments gone, escapes ('\\69', '\\i') made characters."""

    def character(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return match.group(2)

    return CSS_ESCAPE.sub(character, CSS_COMMENT.sub(" ", css))


def css_problem(css: str) -> str | None:
    """What in a stylesheet or style attribute reaches outside the file, or None."""
    plain = unescape_css(css)
    rule = re.search(r"@(?!media\b)[a-z-]+", plain, re.I)
    if rule:
        return f"has the CSS rule {rule.group()} in its styles" + FIX
    function = CSS_FUNCTION.search(plain)
    if function:
        return f"uses the CSS function {function.group(1)}() in its styles" + FIX
    for match in CSS_URL.finditer(plain):
        target = match.group(1)
        if not LOCAL_REF.match(target):
            return f"refers to '{target[:60]}' in its styles" + FIX
        if too_long(target):
            return too_long(target)
    if SCHEME.search(re.sub(r"data:image/(png|jpeg);base64,", "", plain, flags=re.I)):
        return "names a script or data address in its styles" + FIX
    return None


def element_problem(element: ElementTree.Element) -> str | None:
    """Why this element may not be in a picture, or None."""
    namespace, name = split_name(str(element.tag))
    if namespace == SVG_NS and name not in ELEMENTS:
        return f"contains the element <{name}>; SVG images must be static pictures"
    if namespace not in (SVG_NS, *INERT_NAMESPACES):
        return f"contains the element <{name}> of another namespace ({namespace or 'none'})"
    if name == "style" and namespace == SVG_NS:
        return css_problem("".join(element.itertext()))
    for attribute, value in element.attrib.items():
        problem = attribute_problem(attribute, value)
        if problem:
            return problem
    return None


def attribute_problem(attribute: str, value: str) -> str | None:
    """Why this attribute may not be on a picture's element, or None."""
    namespace, name = split_name(attribute)
    if name.lower().startswith("on"):
        return f"has an event handler ({name}=…); SVG images must be static pictures"
    if not ATTRIBUTE_NAME.match(name):
        return f"has an attribute named '{name[:40]}', which no SVG attribute is"
    if name == "href" and namespace in ("", XLINK_NS):
        if not LOCAL_REF.match(value):
            return f"refers to '{value[:60]}'{FIX}"
        return too_long(value)
    if namespace == XLINK_NS:
        return f"has an xlink:{name} attribute; SVG images need only xlink:href"
    if name == "style" or "url(" in value.lower() or "\\" in value:
        return css_problem(value)
    if SCHEME.search(value) and not value.lstrip().lower().startswith("data:image/"):
        return f"has a script or data address in {name}=…{FIX}"
    return None


def use_expansion(root: ElementTree.Element) -> str | None:
    """Why the file's `<use>` elements cannot be drawn (a loop, or more elements than the file
    may hold once each is replaced by what it refers to), or None. Without recursion."""
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    sizes: dict[int, int] = {}
    # Post-order over elements, following <use> to its target: each subtree's drawn size.
    stack: list[tuple[ElementTree.Element, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        element, done = stack.pop()
        key = id(element)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in drawn_children(element, by_id))
            if sizes[key] > MAX_ELEMENTS:
                return (
                    f"has <use> elements that draw more than {MAX_ELEMENTS:,} elements; simplify it"
                )
            continue
        if key in sizes:
            continue
        if key in on_path:
            return "has a <use> that refers to itself or to an element containing it"
        on_path.add(key)
        stack.append((element, True))
        stack.extend((child, False) for child in drawn_children(element, by_id))
    return None


def drawn_children(
    element: ElementTree.Element, by_id: dict[str | None, ElementTree.Element]
) -> list[ElementTree.Element]:
    """An element's children, and for a <use> the element it draws."""
    children = list(element)
    if split_name(str(element.tag))[1] == "use":
        href = element.get("href") or element.get(f"{{{XLINK_NS}}}href") or ""
        target = by_id.get(href.strip()[1:]) if href.strip().startswith("#") else None
        if target is not None:
            children.append(target)
    return children


def check_svg(data: bytes) -> str | None:
    """Why this SVG may not be used (a phrase to follow the image's name), or None if it is safe."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "is not saved as UTF-8; save it as UTF-8"
    declaration = DECLARATION.search(text)
    if declaration:
        return f"has a '{declaration.group()}' declaration; remove it (SVG images need none)"
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        return f"is not a well-formed SVG file ({exc})"
    if root.tag != f"{{{SVG_NS}}}svg":
        return "is not an SVG file (its root element is not <svg> in the SVG namespace)"
    for count, element in enumerate(root.iter(), 1):
        if count > MAX_ELEMENTS:
            return f"has more than {MAX_ELEMENTS:,} elements; simplify it"
        problem = element_problem(element)
        if problem:
            return problem
    return use_expansion(root)
