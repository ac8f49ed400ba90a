"""An SVG file's bytes in, the reason it is unsafe to pass on (or None) out.

SVG images travel into every output (WeasyPrint draws them, the EPUB carries them as they are), so
they must be self-contained, static pictures: no DOCTYPE or entities (entity expansion bombs), no
scripts or event handlers, no foreignObject (HTML inside), and no references to other files or
the network (`href`, `url(...)`, `@import`) except to parts of the same file and small data: URLs
of PNG or JPEG pictures.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from booklet.confine import MAX_DATA_URL_BYTES

SVG_NS = "{http://www.w3.org/2000/svg}"
MAX_ELEMENTS = 50_000
FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "handler"}
LOCAL_REF = re.compile(r"^\s*(#|data:image/(png|jpeg);base64,)", re.I)
CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)
DECLARATION = re.compile(r"<!(DOCTYPE|ENTITY)|<\?xml-stylesheet", re.I)


def local(name: str) -> str:
    """'{namespace}name' → 'name'."""
    return name.rsplit("}", 1)[-1]


def too_long(url: str) -> str | None:
    """The problem of a data: URL too large for the renderer to decode (caught here, so that it
    is reported at the chapter showing the image rather than as a refusal while rendering)."""
    if len(url) > MAX_DATA_URL_BYTES:
        return (
            f"holds a data: URL of {len(url):,} bytes; the limit is {MAX_DATA_URL_BYTES:,}. "
            "Make the embedded picture smaller"
        )
    return None


def css_problem(css: str) -> str | None:
    if "@import" in css.lower():
        return "imports a stylesheet (@import)"
    for match in CSS_URL.finditer(css):
        if not LOCAL_REF.match(match.group(1)):
            return f"refers to '{match.group(1)[:60]}' in its styles"
        if too_long(match.group(1)):
            return too_long(match.group(1))
    return None


def check_svg(data: bytes) -> str | None:
    """Why this SVG may not be used (a phrase to follow the image's name), or None if it is safe."""
    fix = "; SVG images must be self-contained: embed pictures as data: URLs"
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
    if root.tag != f"{SVG_NS}svg":
        return "is not an SVG file (its root element is not <svg> in the SVG namespace)"
    for count, element in enumerate(root.iter(), 1):
        if count > MAX_ELEMENTS:
            return f"has more than {MAX_ELEMENTS:,} elements; simplify it"
        name = local(str(element.tag))
        if name in FORBIDDEN:
            return f"contains a <{name}> element; SVG images must be static pictures"
        for attribute, value in element.attrib.items():
            attr = local(attribute)
            if attr.lower().startswith("on"):
                return f"has an event handler ({attr}=…); SVG images must be static pictures"
            if attr == "href" and not LOCAL_REF.match(value):
                return f"refers to '{value[:60]}'{fix}"
            if attr == "href" and too_long(value):
                return too_long(value)
            if attr == "style" or "url(" in value:
                problem = css_problem(value)
                if problem:
                    return problem + fix
        if name == "style":
            problem = css_problem("".join(element.itertext()))
            if problem:
                return problem + fix
    return None
