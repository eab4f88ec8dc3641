"""Signals as screening Findings: catalogue codes, bilingual messages, evidence and regions."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from docscreen.checks.catalogue import spec
from docscreen.forensics.analyse import Analysis, Hints, analyse
from docscreen.forensics.types import SignalResult
from docscreen.models import Document, Finding, Quality, Status

CODES: dict[str, str] = {
    "seam": "TAMPER-SEAM",
    "glyphs": "TAMPER-GLYPHS",
    "copy_move": "TAMPER-COPYMOVE",
    "photo": "TAMPER-PHOTO",
    "photocopy": "TAMPER-PHOTOCOPY",
    "recapture": "TAMPER-RECAPTURE",
}


def to_finding(result: SignalResult, index: int = 0) -> Finding:
    """One signal as a Finding (``pixel=True``: on its own it can only ask for a review)."""
    code = CODES[result.name]
    rule = spec(code)
    evidence = result.to_dict()
    if result.status is Status.FAIL:
        where = ", ".join(sorted({r.label for r in result.regions})) or "page"
        explanation = (
            f"{result.name} score {result.score:.3g} > threshold {result.threshold:.3g} ({where})"
        )
    elif result.status is Status.PASS:
        explanation = f"{result.name} score {result.score:.3g} <= threshold {result.threshold:.3g}"
    else:
        explanation = result.reason
    return Finding(
        code=code,
        severity=rule.severity,
        status=result.status,
        message=rule.message,
        evidence=evidence,
        boxes=tuple((index, r.box) for r in result.regions),
        explanation=explanation,
        pixel=True,
    )


def findings_of(analysis: Analysis, index: int = 0) -> list[Finding]:
    return [to_finding(s, index) for s in analysis.signals]


def tamper_findings(
    image_bgr: NDArray[np.generic],
    document: Document | None = None,
    *,
    index: int = 0,
    quality: Quality | None = None,
    hints: Hints | None = None,
) -> list[Finding]:
    """The screening entry point: every tamper signal on one document image, as Findings.

    ``image_bgr`` is the decoded image as displayed (``LoadedImage.pixels``); ``document`` its
    reading (field boxes, kind, quality) from ``read_document``, or None (then only the page-level
    signals and the ones needing no field can run); ``index`` is the document's position in the
    screening bundle, used in the Findings' boxes.
    """
    return findings_of(analyse(image_bgr, document, quality, hints=hints), index)
