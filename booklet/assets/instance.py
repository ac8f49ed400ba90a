"""A variable font file and an axis location in, a static font (optionally subset) out.

WeasyPrint turns every variable font into a static one with fontTools each time it writes a PDF,
and so did the EPUB; at 0.2-4 s a face that was most of a build's time. libharfbuzz-subset (which
WeasyPrint already needs) does the same in milliseconds, so the booklet hands WeasyPrint and the
EPUB static instances made here; fontTools is the fallback where the library is missing.
"""

from __future__ import annotations

import ctypes
import io
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

# hb_subset_sets_t and hb_subset_flags_t values (hb-subset.h, HarfBuzz >= 6.0).
UNICODE_SET, NAME_ID_SET, NAME_LANG_SET, FEATURE_SET, SCRIPT_SET = 1, 4, 5, 6, 7
NO_HINTING = 0x1

CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef uint32_t hb_tag_t;
hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
void hb_face_destroy(hb_face_t *face);
hb_tag_t hb_tag_from_string(const char *str, int len);
void hb_set_add(hb_set_t *set, uint32_t codepoint);
void hb_set_clear(hb_set_t *set);
void hb_set_invert(hb_set_t *set);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned int value);
int hb_subset_input_pin_axis_location(hb_subset_input_t *input, hb_face_t *face,
                                      hb_tag_t axis_tag, float axis_value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""


@cache
def has_harfbuzz_subset() -> bool:
    """Whether libharfbuzz-subset can instance fonts (cheaper to ask than `harfbuzz()`)."""
    try:
        return hasattr(ctypes.CDLL("libharfbuzz-subset.so.0"), "hb_subset_input_pin_axis_location")
    except OSError:
        return False


@cache
def harfbuzz_version() -> str:
    """HarfBuzz's version where it can instance fonts, else "" (for cache keys)."""
    if not has_harfbuzz_subset():
        return ""
    version = ctypes.CDLL("libharfbuzz.so.0").hb_version_string
    version.restype = ctypes.c_char_p
    return str(version().decode())


@cache
def harfbuzz() -> tuple[Any, Any, Any] | None:
    """(ffi, libharfbuzz, libharfbuzz-subset), or None where they cannot instance fonts."""
    if not has_harfbuzz_subset():
        return None
    from cffi import FFI

    ffi = FFI()
    ffi.cdef(CDEF)
    return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")


def static_instance(
    path: Path,
    location: dict[str, float],
    characters: str | None = None,
    features: Iterable[str] | None = None,
    hinting: bool = True,
) -> bytes:
    """The font pinned at `location`; cut to `characters` and `features` when given (else all).

    Name records are all kept (the copyright and licence the OFL asks for).
    """
    lib = harfbuzz()
    if lib is None:
        return _fonttools_instance(path, location, characters, features, hinting)
    ffi, hb, subset = lib
    blob = hb.hb_blob_create_from_file_or_fail(str(path).encode())
    if blob == ffi.NULL:
        raise OSError(f"cannot read font file {path}")
    face = hb.hb_face_create(blob, 0)
    request = subset.hb_subset_input_create_or_fail()
    result = ffi.NULL
    try:
        everything = [NAME_ID_SET, NAME_LANG_SET, SCRIPT_SET]
        everything += [UNICODE_SET] if characters is None else []
        everything += [FEATURE_SET] if features is None else []
        for kind in everything:
            chosen = subset.hb_subset_input_set(request, kind)
            hb.hb_set_clear(chosen)
            hb.hb_set_invert(chosen)
        if characters is not None:
            chosen = subset.hb_subset_input_set(request, UNICODE_SET)
            for character in characters:
                hb.hb_set_add(chosen, ord(character))
        if features is not None:
            chosen = subset.hb_subset_input_set(request, FEATURE_SET)
            hb.hb_set_clear(chosen)
            for feature in features:
                hb.hb_set_add(chosen, hb.hb_tag_from_string(feature.encode(), -1))
        subset.hb_subset_input_set_flags(request, 0 if hinting else NO_HINTING)
        for axis, value in location.items():
            if not subset.hb_subset_input_pin_axis_location(
                request, face, hb.hb_tag_from_string(axis.encode(), -1), value
            ):
                raise ValueError(f"{path.name} has no {axis!r} axis")
        result = subset.hb_subset_or_fail(face, request)
        if result == ffi.NULL:
            raise ValueError(f"HarfBuzz could not instance {path.name} at {location}")
        data = hb.hb_face_reference_blob(result)
        length = ffi.new("unsigned int *")
        font = bytes(ffi.buffer(hb.hb_blob_get_data(data, length), length[0]))
        hb.hb_blob_destroy(data)
        return font
    finally:
        if result != ffi.NULL:
            hb.hb_face_destroy(result)
        subset.hb_subset_input_destroy(request)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _fonttools_instance(
    path: Path,
    location: dict[str, float],
    characters: str | None,
    features: Iterable[str] | None,
    hinting: bool,
) -> bytes:
    """The same with fontTools: correct, but seconds per face instead of milliseconds."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(path, recalcTimestamp=False)
    if characters is not None or features is not None or not hinting:
        options = subset.Options()
        options.layout_features = list(features) if features is not None else ["*"]
        options.hinting = hinting
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        if characters is None:
            subsetter.populate(unicodes=font.getBestCmap())
        else:
            subsetter.populate(text=characters)
        subsetter.subset(font)
    font = instancer.instantiateVariableFont(font, location, updateFontNames=False)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
