"""PDF/X-4 post-processing on small PDFs made here: RGB colour-managed, links dropped with their
structure references, profiles shipped and readable."""

from __future__ import annotations

from pathlib import Path

import pikepdf
from pdfx_checks import device_rgb_users
from pikepdf import Array, Dictionary, Name
from PIL import ImageCms

from booklet.render import pdfx

ROOT = Path(__file__).resolve().parent.parent


def small_pdf() -> pikepdf.Pdf:
    """One page with an RGB image, an RGB transparency group, a form and a tagged link."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(100, 100))
    image = pdf.make_stream(
        b"\xff\x00\x00", Type=Name.XObject, Subtype=Name.Image, Width=1, Height=1
    )
    image.ColorSpace = Name.DeviceRGB
    image.BitsPerComponent = 8
    form = pdf.make_stream(
        b"1 0 0 rg 0 0 5 5 re f",
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=Array([0, 0, 5, 5]),
        Resources=Dictionary(),
        Group=Dictionary(S=Name.Transparency, CS=Name.DeviceRGB),
    )
    page.obj.Resources = Dictionary(XObject=Dictionary(Im0=image, Fm0=form))
    page.obj.Group = Dictionary(S=Name.Transparency, CS=Name.DeviceRGB)
    link = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 10, 10]), StructParent=0)
    )
    page.obj.Annots = Array([link])
    element = pdf.make_indirect(
        Dictionary(
            Type=Name.StructElem,
            S=Name.Link,
            K=Array([0, Dictionary(Type=Name.OBJR, Obj=link)]),
        )
    )
    pdf.Root.StructTreeRoot = Dictionary(Type=Name.StructTreeRoot, K=Array([element]))
    return pdf


def test_rgb_becomes_srgb_everywhere() -> None:
    pdf = small_pdf()
    assert len(device_rgb_users(pdf)) == 3
    pdfx.manage_rgb(pdf, pdfx.srgb_space(pdf))
    assert device_rgb_users(pdf) == []
    page = pdf.pages[0]
    space = page.Resources.ColorSpace.DefaultRGB
    assert space[0] == Name.ICCBased and int(space[1].N) == 3
    form = page.Resources.XObject.Fm0
    assert form.Resources.ColorSpace.DefaultRGB == space  # forms have their own resources
    assert page.Resources.XObject.Im0.ColorSpace == space


def test_links_go_and_their_structure_references_with_them() -> None:
    pdf = small_pdf()
    pdfx.drop_annotations(pdf)
    assert "/Annots" not in pdf.pages[0].obj
    (element,) = pdf.Root.StructTreeRoot.K
    assert list(element.K) == [0]  # the link's text (its marked content) stays tagged


def test_shipped_profiles_are_cmyk_output_profiles_of_their_condition() -> None:
    for name, condition in pdfx.CONDITIONS.items():
        path = ROOT / "profiles" / condition.profile
        data = path.read_bytes()
        assert data[12:16] == b"prtr" and data[16:20] == b"CMYK", name
        description = ImageCms.getOpenProfile(str(path)).profile.profile_description
        assert condition.identifier in description, name
    srgb = (ROOT / "profiles" / pdfx.SRGB).read_bytes()
    assert srgb[12:16] == b"mntr" and srgb[16:20] == b"RGB "
