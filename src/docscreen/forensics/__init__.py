"""docscreen.forensics: image tamper signals (REVIEW-level evidence, never ALERT on their own).

Public API::

    tamper_findings(image_bgr, document=None, *, index=0) -> list[Finding]   # for screening
    analyse(image, document=None, quality=None) -> Analysis                 # raw signal results
    outline(image, findings, *, document=0) -> image                        # officer view
"""

from docscreen.forensics.analyse import Analysis, Hints, Thresholds, analyse
from docscreen.forensics.findings import CODES, tamper_findings, to_finding
from docscreen.forensics.outline import outline
from docscreen.forensics.types import Region, SignalResult

__all__ = [
    "CODES",
    "Analysis",
    "Hints",
    "Region",
    "SignalResult",
    "Thresholds",
    "analyse",
    "outline",
    "tamper_findings",
    "to_finding",
]
