"""Helpers for the safety tests: marker files outside the manuscript, and output scanning."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "sample"
# Bytes that exist only in files outside the manuscript; no output may ever contain them.
MARKER = b"SECRET-MARKER-5f1c0d7e"
BOOK = "title: Hostile\nlanguage: en\n"
IMAGE_SIZE = (37, 23)  # the marker PNG's size: an embedded image of this size is a leak


def marker_png() -> bytes:
    """A valid PNG that carries the marker in a text chunk (so leaked bytes are recognisable)."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", MARKER.decode())
    buffer = io.BytesIO()
    Image.new("RGB", IMAGE_SIZE, "red").save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def make_outside(folder: Path) -> Path:
    """A folder of secrets next to (not inside) the manuscripts: text, chapter, image, CSS, SVG."""
    folder.mkdir(parents=True, exist_ok=True)
    text = MARKER.decode()
    (folder / "secret.txt").write_text(f"{text}\n", encoding="utf-8")
    (folder / "secret.md").write_text(f"---\ntitle: Secret\n---\n\n{text}\n", encoding="utf-8")
    (folder / "secret.png").write_bytes(marker_png())
    (folder / "secret.css").write_text(f'body::after {{ content: "{text}" }}\n', encoding="utf-8")
    (folder / "secret.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>{text}</text></svg>\n',
        encoding="utf-8",
    )
    (folder / "book.yaml").write_text(f"title: {text}\nlanguage: en\n", encoding="utf-8")
    return folder


def pdf_parts(data: bytes) -> Iterator[tuple[str, bytes]]:
    """Every object of a PDF (streams decoded), its text, and a line per embedded image size."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    reader = PdfReader(io.BytesIO(data))
    numbers = {(n, gen) for gen, entries in reader.xref.items() for n in entries}
    numbers |= {(n, 0) for n in reader.xref_objStm}
    for number, generation in sorted(numbers):
        obj = reader.get_object(IndirectObject(number, generation, reader))
        yield f"obj{number}", repr(obj).encode()
        if hasattr(obj, "get_data"):
            yield f"stream{number}", obj.get_data()
            if obj.get("/Subtype") == "/Image":
                yield f"image{number}", f"image {obj['/Width']}x{obj['/Height']}".encode()
    text = "\n".join(page.extract_text() for page in reader.pages)
    yield "text", text.encode()


def output_bytes(out: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every output file, its PDF objects decoded and its zip entries unpacked."""
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        yield path.name, data
        if data.startswith(b"%PDF"):
            for part, chunk in pdf_parts(data):
                yield f"{path.name}#{part}", chunk
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield f"{path.name}!{name}", archive.read(name)


def leaks(out: Path) -> list[str]:
    """Names of outputs (or parts of them) that hold the marker, the marker image or attachments."""
    image = f"image {IMAGE_SIZE[0]}x{IMAGE_SIZE[1]}".encode()
    found = []
    for name, data in output_bytes(out):
        if MARKER in data or data == image or b"/EmbeddedFile" in data:
            found.append(name)
    return found
