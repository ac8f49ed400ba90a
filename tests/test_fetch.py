"""The read rule (`booklet/confine.py`) and WeasyPrint's confined fetcher (`booklet/fetch.py`).

Hostile HTML is fed straight to WeasyPrint here (the loader never lets such HTML through): every
way of pointing at a file outside the book must be refused, and the PDF must not hold its bytes.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from safety_helpers import leaks, make_outside

from booklet.confine import (
    Refused,
    check_inside,
    confined_path,
    read_confined,
    refusals,
)
from booklet.render.fetcher import BlockedURL, ConfinedFetcher, refuse_attachments


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Every attempt to open a connection fails and is recorded."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network is off in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))  # type: ignore[arg-type]
    yield attempts


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A manuscript folder with a picture and an SVG inside, and secrets in a sibling folder."""
    make_outside(tmp_path / "outside")
    root = tmp_path / "book"
    root.mkdir()
    Image.new("RGB", (5, 5), "blue").save(root / "inside.png")
    (root / "inside.txt").write_text("fine\n")
    return root


def test_check_inside_resolves_symlinks(book: Path) -> None:
    outside = book.parent / "outside"
    (book / "link.txt").symlink_to(outside / "secret.txt")
    (book / "sub").symlink_to(outside)
    assert check_inside(book / "inside.txt", [book])
    assert not check_inside(book / "link.txt", [book])
    assert not check_inside(book / "sub" / "secret.txt", [book])
    assert not check_inside(book / ".." / "outside" / "secret.txt", [book])
    # a sibling folder whose name starts like the root is not inside it
    assert not check_inside(book.parent / "book-other" / "x", [book])


def test_confined_path_and_read(book: Path) -> None:
    outside = book.parent / "outside"
    (book / "link.txt").symlink_to(outside / "secret.txt")
    os.mkfifo(book / "pipe.txt")
    assert read_confined(book / "inside.txt", [book]) == b"fine\n"
    assert confined_path(book / "inside.txt", [book]) == (book / "inside.txt").resolve()
    with refusals() as refused:
        for path, reason in [
            (book / "link.txt", "outside the manuscript folder"),
            (book / ".." / "outside" / "secret.txt", "outside the manuscript folder"),
            ("/etc/passwd", "outside the manuscript folder"),
            ("/dev/urandom", "outside the manuscript folder"),
            (book / "pipe.txt", "not a regular file"),
            (book / "missing.txt", "No such file or directory"),
            (book, "not a regular file"),
            (f"{book}/a\x00b", "not a usable file name"),
        ]:
            with pytest.raises(Refused, match=reason):
                read_confined(path, [book])
        with pytest.raises(Refused, match="larger than 3 bytes"):
            read_confined(book / "inside.txt", [book], limit=3)
    assert len(refused) == 9
    # /dev is refused even when a root contains it: devices are not regular files
    with pytest.raises(Refused, match="not a regular file"):
        read_confined("/dev/zero", [Path("/dev")])


def fetch(fetcher: ConfinedFetcher, url: str) -> bytes:
    response = fetcher.fetch(url)
    try:
        return bytes(response.read())
    finally:
        response.close()


def test_fetcher_serves_inside_files_and_small_data_urls(book: Path) -> None:
    fetcher = ConfinedFetcher([book])
    assert fetch(fetcher, (book / "inside.txt").as_uri()) == b"fine\n"
    assert fetcher.fetch((book / "inside.png").as_uri()).content_type == "image/png"
    assert fetch(fetcher, "data:text/plain;base64,aGk=") == b"hi"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///dev/urandom",
        "file://localhost/etc/passwd",
        "file://evil.example/share/x.png",
        "FILE:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/x.png",
        "ftp://example.org/x.png",
        "gopher://example.org/",
        "jar:file:///x.zip!/y",
        "{book}/../outside/secret.txt",
        "{book}/%2e%2e/outside/secret.txt",
        "{book}/link/secret.txt",
        "{book}/inside%00.txt",
        "data:text/plain," + "x" * 2_000_001,
    ],
)
def test_fetcher_refuses(book: Path, url: str, no_network: list[object]) -> None:
    (book / "link").symlink_to(book.parent / "outside")
    url = url.replace("{book}", book.as_uri())
    with refusals() as refused, pytest.raises(BlockedURL):
        ConfinedFetcher([book]).fetch(url)
    assert len(refused) == 1
    assert no_network == []


def render(book: Path, html: str) -> tuple[bytes | None, list[str], BaseException | None]:
    """Lay out and write hostile HTML with the book's fetcher; the PDF, refusals and any abort."""
    from weasyprint import HTML

    fetcher = ConfinedFetcher([book])
    with refusals() as refused:
        try:
            document = HTML(string=html, base_url=book.as_uri() + "/", url_fetcher=fetcher).render()
            refuse_attachments(document)
            return document.write_pdf(), refused, None
        except BlockedURL as exc:
            return None, refused, exc


SECRET = "../outside/secret"
HOSTILE = {
    "img": f'<img src="{SECRET}.png" alt="x">',
    "img-absolute": '<img src="{outside}/secret.png" alt="x">',
    "img-dev": '<img src="/dev/urandom" alt="x">',
    "stylesheet": '<link rel="stylesheet" href="{outside}/secret.css">',
    "import": f'<style>@import url("{SECRET}.css");</style><p>x</p>',
    "background": f'<div style="background: url({SECRET}.png); height: 9px">x</div>',
    "font-face": f'<style>@font-face {{ font-family: X; src: url({SECRET}.txt) }}</style><p style="font-family: X">x</p>',
    "object": f'<object data="{SECRET}.svg" type="image/svg+xml"></object>',
    "embed": f'<embed src="{SECRET}.svg" type="image/svg+xml">',
    "inline-svg-image": f'<svg width="9" height="9"><image href="{SECRET}.png" width="9" height="9"/></svg>',
    "svg-in-svg": '<img src="data:image/svg+xml,'
    + '%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E%3Cimage href=%22{outside}/secret.png%22 width=%229%22 height=%229%22/%3E%3C/svg%3E" alt="x">',
    "link-attachment": f'<link rel="attachment" href="{SECRET}.txt"><p>x</p>',
    "a-attachment": f'<p><a rel="attachment" href="{SECRET}.txt">file</a></p>',
    "https-image": '<img src="https://example.org/x.png" alt="x">',
    "metadata-refresh": '<meta http-equiv="refresh" content="0; url=file:///etc/passwd"><p>x</p>',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_html_never_reads_outside(
    book: Path, name: str, tmp_path: Path, no_network: list[object]
) -> None:
    outside = (book.parent / "outside").as_uri()
    html = "<html><body>" + HOSTILE[name].replace("{outside}", outside) + "</body></html>"
    pdf, refused, aborted = render(book, html)
    assert no_network == []
    if pdf is not None:
        out = tmp_path / "out"
        out.mkdir()
        (out / "hostile.pdf").write_bytes(pdf)
        assert leaks(out) == []
    if name == "metadata-refresh":  # never fetched at all
        assert refused == [] and aborted is None
    else:
        assert refused, "the outside file must be refused, not merely missing"


def test_attachments_are_refused_even_inside(book: Path) -> None:
    _, refused, aborted = render(book, '<link rel="attachment" href="inside.txt"><p>x</p>')
    assert isinstance(aborted, BlockedURL)
    assert refused == ["refused to attach '<link rel=attachment>': outputs never embed files"]


@pytest.mark.parametrize("name", ["img", "stylesheet", "link-attachment"])
def test_leak_detector_sees_leaks_of_the_default_fetcher(
    book: Path, name: str, tmp_path: Path
) -> None:
    """Control: WeasyPrint's own fetcher does read these files, and `leaks` notices."""
    from weasyprint import HTML

    outside = (book.parent / "outside").as_uri()
    html = "<html><body>" + HOSTILE[name].replace("{outside}", outside) + "</body></html>"
    out = tmp_path / "out"
    out.mkdir()
    HTML(string=html, base_url=book.as_uri() + "/").write_pdf(out / "leaky.pdf")
    assert leaks(out) != []
