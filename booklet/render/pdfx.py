"""An open print PDF (pikepdf) and the book in, the same PDF made PDF/X-4 out: an output intent
for a named printing condition with its ICC profile, RGB made colour-managed (sRGB), the PDF/X
identification in the Info dictionary and the XMP packet, and no annotations on the page.

WeasyPrint writes one variant per file, and the print PDF is the screen PDF's pages (tagged
PDF/UA-1); so PDF/X-4 is added here, after the fact, and the tags, outline and PDF/UA
identification stay. The colours stay RGB, as PDF/X-4 allows when they are colour-managed: every
resource dictionary gets a `DefaultRGB` (sRGB) and images and transparency groups name sRGB
themselves, and the printer's RIP converts to the output intent's CMYK.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from pikepdf import Array, Dictionary, Name, ObjectStreamMode, Pdf, Stream, String

from booklet.model import Book
from booklet.reproducible import source_time
from booklet.resources import PROFILES

PDFX_VERSION = "PDF/X-4"
PDF_VERSION = "1.6"  # PDF/X-4 is based on PDF 1.6
REGISTRY = "http://www.color.org"  # where the characterisations' names are registered
SRGB = "sRGB2014.icc"  # the ICC's own sRGB profile (copied, distributed without restriction)


@dataclass(frozen=True)
class Condition:
    """A printing condition: the characterisation's registered name, what it is, its profile."""

    identifier: str  # OutputConditionIdentifier: the ICC registry's name of the data
    description: str
    profile: str  # file in profiles/


CONDITIONS = {
    "coated": Condition(
        "FOGRA39",
        "Offset printing, ISO 12647-2:2004/Amd 1, paper type 1 or 2 (coated art, 115 g/m2)",
        "FOGRA39L-coated.icc",
    ),
    "uncoated": Condition(
        "FOGRA29",
        "Offset printing, ISO 12647-2:2004, paper type 4 (white uncoated, 120 g/m2)",
        "FOGRA29L-uncoated.icc",
    ),
}
DEFAULT_CONDITION = "coated"


def condition(book: Book) -> Condition:
    """The book's printing condition (`print: condition:` in book.yaml, default coated)."""
    return CONDITIONS[book.meta.printing.condition or DEFAULT_CONDITION]


@cache
def profile_bytes(name: str) -> bytes:
    return (PROFILES / name).read_bytes()


def output_intent(pdf: Pdf, condition: Condition) -> Dictionary:
    profile = pdf.make_stream(profile_bytes(condition.profile), N=4)
    return Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFX,
        OutputConditionIdentifier=String(condition.identifier),
        OutputCondition=String(condition.description),
        RegistryName=String(REGISTRY),
        Info=String(f"{condition.identifier}: {condition.description}"),
        DestOutputProfile=profile,
    )


def srgb_space(pdf: Pdf) -> Array:
    profile = pdf.make_stream(profile_bytes(SRGB), N=3, Alternate=Name.DeviceRGB)
    return pdf.make_indirect(Array([Name.ICCBased, profile]))


def manage_rgb(pdf: Pdf, srgb: Array) -> None:
    """DeviceRGB becomes sRGB: a `DefaultRGB` in every resource dictionary (for `rg`, `RG` and
    `/DeviceRGB cs` in content streams), and sRGB named outright by images and groups."""
    for obj in list(pdf.objects):
        holder = obj.stream_dict if isinstance(obj, Stream) else obj
        if not isinstance(holder, Dictionary):
            continue
        resources = holder.get(Name.Resources)
        if isinstance(resources, Dictionary):
            if Name.ColorSpace not in resources:
                resources.ColorSpace = Dictionary()
            resources.ColorSpace.DefaultRGB = srgb
        if holder.get(Name.ColorSpace) == Name.DeviceRGB:  # images, shadings
            holder.ColorSpace = srgb
        group = holder.get(Name.Group)
        if isinstance(group, Dictionary) and group.get(Name.CS) == Name.DeviceRGB:
            group.CS = srgb


def drop_annotations(pdf: Pdf) -> None:
    """PDF/X allows no annotation on the printed area, and print-on-demand services refuse
    links: the pages' links go, and so do their references in the structure tree (the `Link`
    elements keep their text)."""
    for page in pdf.pages:
        if Name.Annots in page.obj:
            del page.obj[Name.Annots]
    root = pdf.Root.get(Name.StructTreeRoot)
    if root is None:
        return
    pending = [root]
    while pending:
        element = pending.pop()
        kids = element.get(Name.K)
        if isinstance(kids, Array):
            kept = [kid for kid in kids if not is_annotation_reference(kid)]
            if len(kept) != len(kids):
                element.K = Array(kept)
            pending += [kid for kid in kept if isinstance(kid, Dictionary)]
        elif isinstance(kids, Dictionary):
            if is_annotation_reference(kids):
                del element[Name.K]
            else:
                pending.append(kids)


def is_annotation_reference(kid: object) -> bool:
    return isinstance(kid, Dictionary) and kid.get(Name.Type) == Name.OBJR


def identification(book: Book) -> bytes:
    """The XMP properties PDF/X-4 asks for, as one more `rdf:Description` of the packet."""
    when = source_time(book).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = uuid.uuid5(uuid.NAMESPACE_URL, "booklet-print:" + book.meta.identifier)
    return (
        '<rdf:Description rdf:about="" xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">'
        f"<pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion>"
        "<pdf:Trapped>False</pdf:Trapped>"
        f"<xmp:MetadataDate>{when}</xmp:MetadataDate>"
        f"<xmpMM:DocumentID>uuid:{document}</xmpMM:DocumentID>"
        "<xmpMM:VersionID>1</xmpMM:VersionID>"
        "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>"
        "</rdf:Description>"
    ).encode()


def new_packet(pdf: Pdf, book: Book) -> Stream:
    """An XMP packet for a file WeasyPrint wrote without one (the cover): title, authors,
    dates and tool, as the Info dictionary has them."""
    info = pdf.docinfo
    when = source_time(book).strftime("%Y-%m-%dT%H:%M:%SZ")
    title = escape(str(info.get(Name.Title, book.meta.title)))
    authors = "".join(f"<rdf:li>{escape(a)}</rdf:li>" for a in book.meta.authors)
    tool = escape(str(info.get(Name.Creator, "booklet")))  # the same as the Info dictionary's
    producer = escape(str(info.get(Name.Producer, "booklet")))
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
        f"<dc:creator><rdf:Seq>{authors}</rdf:Seq></dc:creator>"
        f"<xmp:CreateDate>{when}</xmp:CreateDate><xmp:ModifyDate>{when}</xmp:ModifyDate>"
        f"<xmp:CreatorTool>{tool}</xmp:CreatorTool><pdf:Producer>{producer}</pdf:Producer>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>\n"
        '<?xpacket end="r"?>'
    )
    stream = pdf.make_stream(packet.encode(), Type=Name.Metadata, Subtype=Name.XML)
    pdf.Root.Metadata = stream
    return stream


def identify(pdf: Pdf, book: Book) -> None:
    """PDF/X-4 in the Info dictionary and the XMP packet (kept as written otherwise)."""
    info = pdf.docinfo
    info.GTS_PDFXVersion = String(PDFX_VERSION)
    info.Trapped = Name("/False")
    metadata = pdf.Root.get(Name.Metadata) or new_packet(pdf, book)
    packet = metadata.read_bytes()
    end = packet.rindex(b"</rdf:RDF>")
    metadata.write(packet[:end] + identification(book) + packet[end:])


def make_pdfx(pdf: Pdf, book: Book, condition: Condition) -> None:
    """Make an open print PDF (TrimBox and BleedBox set on every page) PDF/X-4."""
    pdf.Root.OutputIntents = Array([output_intent(pdf, condition)])
    manage_rgb(pdf, srgb_space(pdf))
    drop_annotations(pdf)
    for page in pdf.pages:
        if Name.ArtBox in page.obj:  # PDF/X: a TrimBox or an ArtBox, not both
            del page.obj[Name.ArtBox]
    identify(pdf, book)


def save(pdf: Pdf, path: Path, version: str = "") -> None:
    """Write compactly (object streams) and reproducibly (the /ID is derived from the content);
    `version` forces the header's PDF version (PDF/X-4 is 1.6)."""
    if version:
        pdf.save(path, force_version=version, **SAVE_OPTIONS)
    else:
        pdf.save(path, **SAVE_OPTIONS)


SAVE_OPTIONS: dict[str, Any] = dict(
    deterministic_id=True,
    object_stream_mode=ObjectStreamMode.generate,
    compress_streams=True,
    fix_metadata_version=False,  # keep the XMP packet (PDF/UA identification) byte for byte
)
