"""Hostile but well-formed manuscripts build, and their outputs hold no markup, file or request
the author smuggled in: raw HTML is shown as text (with a warning), template values are escaped,
sidebar fields are rendered escaped, dangerous links are errors, nothing outside is read, no
connection is opened. Also: a BOM, CRLF line ends and tabs are read as plain text.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_manuscript
from PIL import Image
from safety_helpers import BOOK, leaks, make_outside

from booklet.cli import main
from booklet.errors import ManuscriptError
from booklet.load import load
from booklet.render.templates import render

HOSTILE_BOOK = """\
title: "<script>alert('title')</script> Hostile"
subtitle: "</title><link rel=stylesheet href=file:///etc/passwd>"
language: en
authors: ["<img src=x onerror=alert(1)>"]
description: "\\"><style>@import 'file:///etc/passwd'</style>"
publisher: "<iframe src=../outside/secret.txt></iframe>"
download_url: "https://example.org/\\"><script>alert(2)</script>"
"""
HOSTILE_CHAPTER = """\
---
title: "<script>alert(3)</script> One"
short_title: "<svg onload=alert(4)>"
summary: "<iframe src=../outside/secret.txt>"
---

Text with <img src="../outside/secret.png"> raw HTML.
More text and <script>alert(5)</script> on a second line.

A [web link](https://example.org/?q="><script>) and a
[mail](mailto:someone@example.org), but no fetching.

![A picture "quoted" <b>](pic.png "caption \\" onload=\\"alert(6)")

:::{profile} <b onmouseover=alert(7)>Agent</b>
:role: <script>alert('role')</script> *radio* operator
:network: <link rel=attachment href=../outside/secret.txt>
A biography with `<code>` in code and &lt;entities&gt; and \\<escaped>.
:::

:::{timeline}
- 1940: <u>invasion</u>
- 1944: liberation
:::

## Heading <em>raw</em> {#heading}

<!-- an HTML comment -->

> <div>quoted raw html</div>

```html
<script>in a code block: shown as code, no warning</script>
```
"""


@pytest.fixture(scope="module")
def no_network() -> Iterator[list[object]]:
    """Any attempt to open a connection fails and is recorded (for the whole module)."""
    attempts: list[object] = []

    def refuse(self: object, address: object, *args: object, **kwargs: object) -> None:
        attempts.append(address)
        raise OSError("network is off in tests")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))
        patch.setattr(socket, "getaddrinfo", lambda host, *a, **k: refuse(None, host))
        yield attempts


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    make_outside(base / "outside")
    root = write_manuscript(base / "hostile", HOSTILE_BOOK, {"01-one.md": HOSTILE_CHAPTER})
    Image.new("RGB", (5, 5), "blue").save(root / "pic.png")
    return root


@pytest.fixture(scope="module")
def built(hostile: Path, no_network: list[object]) -> tuple[Path, str]:
    out = hostile.parent / "dist"
    result = CliRunner().invoke(main, ["--manuscript", str(hostile), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.stderr


RAW_HTML_WARNINGS = [
    "hostile/01-one.md:7: warning: raw HTML '<img>' is shown as text; use Markdown instead",
    "hostile/01-one.md:8: warning: raw HTML '<script>' is shown as text; use Markdown instead",
    "hostile/01-one.md:15: warning: raw HTML '<b>' is shown as text; use Markdown instead",
    "hostile/01-one.md:16: warning: raw HTML '<script>' is shown as text; use Markdown instead",
    "hostile/01-one.md:17: warning: raw HTML '<link>' is shown as text; use Markdown instead",
    "hostile/01-one.md:22: warning: raw HTML '<u>' is shown as text; use Markdown instead",
    "hostile/01-one.md:26: warning: raw HTML '<em>' is shown as text; use Markdown instead",
    "hostile/01-one.md:28: warning: raw HTML '<!--' is shown as text; use Markdown instead",
    "hostile/01-one.md:30: warning: raw HTML '<div>' is shown as text; use Markdown instead",
]


def test_raw_html_warnings_reach_stderr_and_manifest(built: tuple[Path, str]) -> None:
    out, stderr = built
    warnings = json.loads((out / "manifest.json").read_text())["warnings"]
    assert [w for w in warnings if "raw HTML" in w] == RAW_HTML_WARNINGS
    for warning in RAW_HTML_WARNINGS:
        assert warning in stderr.splitlines()


def test_no_output_holds_outside_bytes_and_no_connection(
    built: tuple[Path, str], no_network: list[object]
) -> None:
    out, _ = built
    data = json.loads((out / "manifest.json").read_text())
    listed = {o["path"] for o in data["outputs"]}
    listed |= {path for job in data["jobs"] for path, _ in job.get("files", [])}  # the site's
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert files == listed | {"manifest.json"}
    assert "script-alert-title-script-hostile.pdf" in files
    assert leaks(out) == []
    assert no_network == []


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_holds_only_template_markup(hostile: Path, no_network: list[object]) -> None:
    html = render("book.html", load(hostile))
    parser = Elements()
    parser.feed(html)
    tags = [tag for tag, _ in parser.tags]
    for forbidden in ("script", "iframe", "link", "svg", "u", "b"):
        assert forbidden not in tags, forbidden
    assert tags.count("style") == 1  # the template's own @font-face rules
    assert tags.count("img") == 1  # the Markdown picture
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src"):
            value = attrs.get(name) or ""
            assert not value.lower().startswith(("javascript:", "file:", "data:")), (tag, attrs)
    (img,) = [attrs for tag, attrs in parser.tags if tag == "img"]
    assert img == {"src": "pic.png", "alt": 'A picture "quoted" <b>'}
    # what the author typed is shown as text
    for text in (
        "&lt;script&gt;alert(‘title’)&lt;/script&gt; Hostile",  # book.yaml typeset too
        "&lt;img src=x onerror=alert(1)&gt;",
        "&lt;script&gt;alert(5)&lt;/script&gt;",
        "&lt;script&gt;alert(‘role’)&lt;/script&gt; <em>radio</em> operator",
        "&lt;b onmouseover=alert(7)&gt;Agent&lt;/b&gt;",
        "<code>&lt;code&gt;</code>",
        "&lt;entities&gt; and &lt;escaped&gt;",
        "<p>&lt;div&gt;quoted raw html&lt;/div&gt;</p>",
        '<h2 id="one--heading">Heading &lt;em&gt;raw&lt;/em&gt;</h2>',
    ):
        assert text in html, text
    assert 'href="https://example.org/?q=%22%3E%3Cscript%3E"' in html  # normalised by markdown-it
    assert 'href="https://example.org/&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in html


def chapter_with(body: str, tmp_path: Path) -> Path:
    return write_manuscript(tmp_path, BOOK, {"01-one.md": f"---\ntitle: One\n---\n\n{body}\n"})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "[click](javascript:alert(1))",
            "01-one.md:5: error: link target 'javascript:alert(1)' is not allowed; "
            "write 'https://…' or 'NN-chapter.md#id'",
        ),
        (
            "[click](JaVaScRiPt:alert(1))",
            "01-one.md:5: error: link target 'JaVaScRiPt:alert(1)' is not allowed; "
            "write 'https://…' or 'NN-chapter.md#id'",
        ),
        (
            "[file](vbscript:msgbox)",
            "01-one.md:5: error: link target 'vbscript:msgbox' is not allowed; "
            "write 'https://…' or 'NN-chapter.md#id'",
        ),
        (
            "Text\n\n[page](data:text/html;base64,PHNjcmlwdD4=)",
            "01-one.md:7: error: link target 'data:text/html;base64,PHNjcmlwdD4=' is not allowed; "
            "write 'https://…' or 'NN-chapter.md#id'",
        ),
        (
            ":::{quote}\n:source: [x](javascript:alert(1))\nWords.\n:::",
            "01-one.md:6: error: link target 'javascript:alert(1)' is not allowed; "
            "write 'https://…' or 'NN-chapter.md#id'",
        ),
        (
            "![x](javascript:alert(1))",
            "01-one.md:5: error: image 'javascript:alert(1)' must be a file inside the manuscript "
            "folder, given as a relative path",
        ),
    ],
)
def test_dangerous_links_are_errors(body: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(ManuscriptError) as error:
        load(chapter_with(body, tmp_path))
    prefix = f"{tmp_path.name}/"
    assert [str(d).removeprefix(prefix) for d in error.value.diagnostics] == [message]


def test_escaped_and_code_html_give_no_warning(tmp_path: Path) -> None:
    body = "Escaped \\<b> and `<b>` and &lt;b&gt;.\n\n    <b>indented code</b>\n\n<https://example.org>"
    book = load(chapter_with(body, tmp_path))
    assert book.warnings == ()


def test_bom_crlf_and_tabs_read_as_plain_text(tmp_path: Path) -> None:
    chapter = (
        '---\ntitle: One\nsummary: "Tabs\tinside"\n---\n\n'
        "A paragraph\nover two lines.\n\n- item\n\t- nested with a tab\n\n\tcode with a tab\n"
    )
    plain = tmp_path / "plain"
    windows = tmp_path / "windows"
    write_manuscript(plain, BOOK, {"01-one.md": chapter})
    windows.mkdir()
    bom = b"\xef\xbb\xbf"
    (windows / "book.yaml").write_bytes(bom + BOOK.replace("\n", "\r\n").encode())
    (windows / "01-one.md").write_bytes(bom + chapter.replace("\n", "\r\n").encode())
    a, b = load(plain), load(windows)
    assert a.meta == b.meta
    assert a.chapters == b.chapters
    assert "\r" not in str(b.chapters)
    assert a.chapters[0].summary == "Tabs\tinside"


def test_symlinks_that_stay_inside_are_fine(tmp_path: Path) -> None:
    root = chapter_with("![A map](pics/map.png)\n\n![Same map](same.png)", tmp_path)
    (root / "drafts").mkdir()
    (root / "drafts" / "two.md").write_text("---\ntitle: Two\n---\n\nText.\n", encoding="utf-8")
    (root / "02-two.md").symlink_to(root / "drafts" / "two.md")
    (root / "pics").mkdir()
    Image.new("RGB", (5, 5), "blue").save(root / "pics" / "map.png")
    (root / "same.png").symlink_to("pics/map.png")
    book = load(root)
    assert [c.title for c in book.chapters] == ["One", "Two"]
    assert [(i.path, i.width) for i in book.images] == [("pics/map.png", 5), ("same.png", 5)]


def test_remote_images_fail_without_a_connection(tmp_path: Path, no_network: list[object]) -> None:
    body = "![A map](https://example.org/map.png)\n\nSee [the site](https://example.org/)."
    root = chapter_with(body, tmp_path / "remote")
    result = CliRunner().invoke(main, ["--manuscript", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "remote/01-one.md:5: error: image 'https://example.org/map.png' must be a file inside "
        "the manuscript folder, given as a relative path"
    )
    assert no_network == []


def test_odd_image_names_are_errors_not_crashes(tmp_path: Path) -> None:
    body = f"![nul](a%00.png)\n\n![long]({'a' * 300}.png)\n\n![loop](loop.png)"
    root = chapter_with(body, tmp_path / "odd")
    (root / "loop.png").symlink_to("loop.png")
    with pytest.raises(ManuscriptError) as error:
        load(root)
    assert [str(d) for d in error.value.diagnostics] == [
        "odd/01-one.md:5: error: image 'a%00.png' has a control character in its name; "
        "rename the file",
        f"odd/01-one.md:7: error: image '{'a' * 300}.png' cannot be read: File name too long",
        "odd/01-one.md:9: error: image 'loop.png' does not exist",
    ]


def test_pixel_limit_is_checked_without_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 48-megapixel PNG of 17 kB: refused from its header; Pillow never decodes a pixel of it."""
    from PIL import ImageFile

    from booklet.load.images import check_raster

    def no_decoding(self: object) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    big = Path(__file__).parent / "bad" / "image-too-many-pixels" / "big.png"
    assert big.stat().st_size < 20_000
    assert check_raster(big, "image/png") == (
        "has 8000×6000 pixels; the limit is 40,000,000. Scale it down",
        0,
        0,
    )
    # An image within the limit is then decoded whole, once (#27: damaged files are found).
    monkeypatch.undo()
    small = tmp_path / "small.png"
    Image.new("RGB", (30, 20), "blue").save(small)
    assert check_raster(small, "image/png") == (None, 30, 20)


def test_the_real_pipeline_uses_the_confined_fetcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template that points outside (here: a font) fails the build; dist/ is not written."""
    import booklet.render.templates

    outside = make_outside(tmp_path / "outside")
    font = f'@font-face {{ font-family: "Leak"; src: url("{(outside / "secret.txt").as_uri()}") }}'
    monkeypatch.setattr(booklet.render.templates, "font_face_css", lambda: font)
    root = chapter_with("Text.", tmp_path / "book")
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["--manuscript", str(root), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: refused to read '{outside / 'secret.txt'}': it is outside the manuscript folder",
        f"the build failed; '{out}' was left as it was",
    ]
    assert not out.exists()
