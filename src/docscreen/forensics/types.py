"""Result types of the tamper signals (plain frozen dataclasses, like the rest of the library)."""

from __future__ import annotations

from dataclasses import dataclass, field

from docscreen.models import Box, JsonDict, Status


@dataclass(frozen=True)
class Region:
    """A suspect area in the ORIGINAL image's pixels, with why it is suspect."""

    box: Box
    label: str  # e.g. a field name, "portrait", "page"
    score: float = 0.0

    def to_dict(self) -> JsonDict:
        return {"box": list(self.box), "label": self.label, "score": round(self.score, 4)}


@dataclass(frozen=True)
class SignalResult:
    """One signal on one document: a score against its threshold, the regions it suspects."""

    name: str  # "seam" | "glyphs" | "copy_move" | "photo" | "photocopy" | "recapture"
    status: Status  # FAIL (suspect) | PASS | NOT_PERFORMED (abstained)
    score: float = 0.0
    threshold: float = 0.0
    regions: tuple[Region, ...] = ()
    reason: str = ""  # why not performed, or what was found
    details: JsonDict = field(default_factory=dict)

    def to_dict(self) -> JsonDict:
        return {
            "signal": self.name,
            "status": self.status.value,
            "score": round(self.score, 4),
            "threshold": round(self.threshold, 4),
            "regions": [r.to_dict() for r in self.regions],
            "reason": self.reason,
            "details": self.details,
        }


def not_performed(name: str, reason: str) -> SignalResult:
    return SignalResult(name, Status.NOT_PERFORMED, reason=reason)


def judged(
    name: str,
    score: float,
    threshold: float,
    regions: tuple[Region, ...] = (),
    details: JsonDict | None = None,
) -> SignalResult:
    """FAIL when ``score`` exceeds ``threshold`` (every signal's score grows with suspicion)."""
    status = Status.FAIL if score > threshold else Status.PASS
    return SignalResult(
        name,
        status,
        score=score,
        threshold=threshold,
        regions=regions if status is Status.FAIL else (),
        details=dict(details or {}),
    )
