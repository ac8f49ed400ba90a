"""What a PDF/X-4 file must have, checked with pikepdf on any print PDF or cover the build wrote."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Name

ROOT = Path(__file__).resolve().parent.parent
MM = 72 / 25.4
XMP = {
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def boxes(page: Any) -> dict[str, tuple[float, ...]]:
    return {
        name: tuple(float(v) for v in page.obj[Name("/" + name)])
        for name in ("MediaBox", "BleedBox", "TrimBox")
    }


def inside(inner: tuple[float, ...], outer: tuple[float, ...], slack: float = 0.01) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def xmp_text(pdf: pikepdf.Pdf, prefix: str, name: str) -> str | None:
    tree = ET.fromstring(pdf.Root.Metadata.read_bytes().split(b"?>", 1)[1].rsplit(b"<?", 1)[0])
    found = tree.find(f".//{{{XMP[prefix]}}}{name}")
    return None if found is None else found.text


def fonts(pdf: pikepdf.Pdf) -> list[Any]:
    found = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
            found.append(obj)
    return found


def device_rgb_users(pdf: pikepdf.Pdf) -> list[str]:
    """Objects that name DeviceRGB outright (images, shadings, groups)."""
    users = []
    for obj in pdf.objects:
        holder = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
        if not isinstance(holder, pikepdf.Dictionary):
            continue
        if holder.get("/ColorSpace") == Name.DeviceRGB:
            users.append(repr(holder)[:80])
        group = holder.get("/Group")
        if isinstance(group, pikepdf.Dictionary) and group.get("/CS") == Name.DeviceRGB:
            users.append(repr(holder)[:80])
    return users


def check_pdfx4(path: Path, trim: tuple[float, float], identifier: str = "FOGRA39") -> None:
    """Output intent with the embedded CMYK profile, PDF/X-4 in Info and XMP, boxes nested with
    the trim size and 3 mm bleed on every page, fonts embedded, RGB colour-managed, no links."""
    bleed = 3 * MM
    with pikepdf.open(path) as pdf:
        assert pdf.pdf_version == "1.6"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == Name.GTS_PDFX and intent.Type == Name.OutputIntent
        assert str(intent.OutputConditionIdentifier) == identifier
        assert str(intent.RegistryName) == "http://www.color.org"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4
        data = profile.read_bytes()
        assert data[12:16] == b"prtr" and data[16:20] == b"CMYK"  # an output profile, CMYK
        shipped = {p.read_bytes() for p in (ROOT / "profiles").glob("FOGRA*.icc")}
        assert data in shipped
        assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-4"
        assert pdf.docinfo.Trapped == Name("/False")
        assert str(pdf.docinfo.Title)
        assert xmp_text(pdf, "pdfxid", "GTS_PDFXVersion") == "PDF/X-4"
        assert xmp_text(pdf, "pdf", "Trapped") == "False"
        assert xmp_text(pdf, "xmpMM", "VersionID") and xmp_text(pdf, "xmpMM", "DocumentID")
        assert xmp_text(pdf, "xmpMM", "RenditionClass") == "default"
        assert "/ID" in pdf.trailer
        for number, page in enumerate(pdf.pages, 1):
            box = boxes(page)
            trim_box, bleed_box, media_box = box["TrimBox"], box["BleedBox"], box["MediaBox"]
            assert inside(trim_box, bleed_box) and inside(bleed_box, media_box), number
            width, height = trim_box[2] - trim_box[0], trim_box[3] - trim_box[1]
            assert abs(width - trim[0]) < 0.01 and abs(height - trim[1]) < 0.01, number
            expected = (
                trim_box[0] - bleed,
                trim_box[1] - bleed,
                trim_box[2] + bleed,
                trim_box[3] + bleed,
            )
            assert all(abs(a - b) < 0.01 for a, b in zip(bleed_box, expected, strict=True))
            assert "/ArtBox" not in page.obj and "/Annots" not in page.obj, number
            space = page.Resources.ColorSpace.DefaultRGB
            assert space[0] == Name.ICCBased and int(space[1].N) == 3
        assert device_rgb_users(pdf) == []
        for font in fonts(pdf):
            for descendant in font.get("/DescendantFonts", [font]):
                if descendant.get("/Subtype") == "/Type3":
                    continue
                descriptor = descendant.FontDescriptor
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font
