"""Synthetic specimen generator: fictional identity and travel documents with exact ground truth.

Public API::

    make_specimen(seed, kind, forgery=None, capture=None, *, options=None) -> Specimen
    make_bundle(seed, forgery=None, capture=None, *, options=None) -> list[Specimen]
    generate(out_dir, count, seed, kinds=None, forgeries=None, capture=None, ...) -> list[Path]

Everything is deterministic by seed (and reference date).  Nothing describes a real person.
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
