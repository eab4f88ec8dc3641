"""Building Findings from catalogue entries (the message and default severity come from there)."""

from __future__ import annotations

from collections.abc import Iterable

from docscreen.checks.catalogue import spec
from docscreen.models import Box, Document, Finding, JsonDict, Severity, Status


def make(
    code: str,
    status: Status,
    *,
    evidence: JsonDict | None = None,
    boxes: Iterable[tuple[int, Box]] = (),
    explanation: str = "",
    severity: Severity | None = None,
) -> Finding:
    rule = spec(code)
    return Finding(
        code=code,
        severity=severity or rule.severity,
        status=status,
        message=rule.message,
        evidence=dict(evidence or {}),
        boxes=tuple(boxes),
        explanation=explanation,
        pixel=rule.pixel,
    )


def fail(
    code: str,
    explanation: str,
    evidence: JsonDict | None = None,
    boxes: Iterable[tuple[int, Box]] = (),
    severity: Severity | None = None,
) -> Finding:
    return make(
        code,
        Status.FAIL,
        evidence=evidence,
        boxes=boxes,
        explanation=explanation,
        severity=severity,
    )


def passed(
    code: str,
    explanation: str = "",
    evidence: JsonDict | None = None,
    boxes: Iterable[tuple[int, Box]] = (),
) -> Finding:
    return make(code, Status.PASS, evidence=evidence, boxes=boxes, explanation=explanation)


def skipped(code: str, reason: str, evidence: JsonDict | None = None) -> Finding:
    """``not_performed``: the rule could not run (missing field, document, list or context)."""
    ev: JsonDict = {"reason": reason}
    ev.update(evidence or {})
    return make(code, Status.NOT_PERFORMED, evidence=ev, explanation=reason)


def boxes_of(index: int, doc: Document, *names: str) -> list[tuple[int, Box]]:
    """Where the named fields are on document ``index`` (MRZ box for names starting "mrz")."""
    out: list[tuple[int, Box]] = []
    for name in names:
        if name == "mrz":
            if doc.mrz is not None and doc.mrz.box is not None:
                out.append((index, doc.mrz.box))
            continue
        f = doc.fields.get(name)
        if f is not None and f.box is not None:
            out.append((index, f.box))
    return out
