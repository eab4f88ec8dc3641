"""Synthetic specimen generator: fictional identity and travel documents with exact ground truth.

Public API::

    make_specimen(seed, kind, forgery=None, capture=None, *, options=None) -> Specimen
    make_bundle(seed, forgery=None, capture=None, *, options=None) -> list[Specimen]
    generate(out_dir, count, seed, kinds=None, forgeries=None, capture=None, ...) -> list[Path]

Everything is deterministic by seed (and reference date).  Nothing describes a real person.

Truth JSON (one per image; every box ``[x, y, w, h]`` is in the FINAL image's pixels, after EXIF
orientation, as the axis-aligned bounding box of the transformed box, clipped to the image):

- ``id`` (``<kind>-<seed>``, never names the forgery), ``kind`` (DocumentKind value), ``specimen_kind``,
  ``seed``, ``image`` (file name), ``bundle`` (id or null), ``reference_date``, ``generator_version``
- ``person``: the fictional person behind the document (genuine data; NIK, district, ...)
- ``fields``: ``{name: {"value", "text", "box"}}`` for every printed field; ``value`` is canonical
  (ISO dates, sex M/F), ``text`` as printed; on a forged document both are what is now printed
- ``mrz_format`` (TD1|TD2|TD3|MRVA|MRVB|null), ``mrz_lines`` (as printed, even if check digits are
  wrong), ``mrz_fields`` (values encoded in the printed MRZ), ``mrz_box``, ``mrz_line_boxes``
- ``portrait_box``, ``document_quad`` (page corners TL, TR, BR, BL), ``image_size`` ``[w, h]``, ``dpi``
- ``forgery``: null or ``{"operator", "altered_fields", "mask" (file name), "details"}``;
  ``bundle_forgery`` on bundle documents: ``{"operator", "altered_document"}``
- ``capture``: ``[{"effect", "strength", ...parameters}]``, ``exif_orientation``, ``usable``
- ``style``: layout choices (e.g. month abbreviations of passport dates)
"""

from __future__ import annotations

from docscreen.specimens.capture import EFFECTS, PRESETS, CaptureSpec, CaptureStep, parse_capture
from docscreen.specimens.forgery import BUNDLE_OPERATORS, OPERATORS
from docscreen.specimens.generate import generate, write_specimen
from docscreen.specimens.kinds import KINDS
from docscreen.specimens.specimen import Specimen, SpecimenOptions, make_bundle, make_specimen

__all__ = [
    "BUNDLE_OPERATORS",
    "EFFECTS",
    "KINDS",
    "OPERATORS",
    "PRESETS",
    "CaptureSpec",
    "CaptureStep",
    "Specimen",
    "SpecimenOptions",
    "generate",
    "make_bundle",
    "make_specimen",
    "parse_capture",
    "write_specimen",
]
