"""From findings to a risk level: CLEAR, REVIEW or ALERT.

Default (DESIGN: refer, never decide): any CRITICAL or two HIGH faults = ALERT; any HIGH or MEDIUM =
REVIEW.  Findings of one catalogue ``group`` count as one fault.

Image ("pixel") findings never raise ALERT on their own.  By default every TAMPER-* code is LOW:
one field-level tamper signal (seam, glyphs, copy-move, photo; near chance on realistic captures)
is evidence shown with its region, and ``review.pixel_count`` (3) of them failing together on one
bundle raise REVIEW (not counting those on a document captured as a photocopy or from a screen:
that capture alone upsets texture and colour).  The capture findings (photocopy, screen recapture) say how the image was
taken, not that the document is forged: they are listed ("ask for the original") without raising
the risk; a post that must see originals sets them to MEDIUM in its policy file.  Pixel findings
given a MEDIUM or higher severity by the policy raise REVIEW like any other finding.

A JSON policy file (``DOCSCREEN_POLICY``) can change:

    {"alert": {"critical": 1, "high": 2},
     "review": {"min_severity": "MEDIUM", "low_count": 0, "pixel_count": 3},
     "severity": {"PP-11": "LOW"},            # per-rule severity overrides
     "thresholds": {"just_in_time_days": 60},  # heuristic thresholds (checks.context.Thresholds)
     "disabled": ["PP-04"]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from docscreen import settings
from docscreen.checks.catalogue import CATALOGUE
from docscreen.checks.context import Thresholds
from docscreen.errors import ConfigurationError
from docscreen.models import Finding, Risk, Severity, Status

TAMPER_GROUP = "image_tamper"  # the field-level tamper signals
CAPTURE_GROUP = "image_capture"  # photocopy / screen recapture: how the image was taken

RANK = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}


@dataclass(frozen=True)
class Policy:
    alert_critical: int = 1  # this many CRITICAL faults raise ALERT
    alert_high: int = 2  # this many faults at HIGH or above raise ALERT
    review_min_severity: Severity = Severity.MEDIUM  # one fault at or above this raises REVIEW
    review_low_count: int = 0  # this many LOW faults together raise REVIEW (0: never)
    # This many failed field-level image-tamper findings (group image_tamper, each document and
    # signal counted) together raise REVIEW (0: never).
    review_pixel_count: int = 3
    severity: dict[str, Severity] = field(default_factory=dict)
    thresholds: Thresholds = field(default_factory=Thresholds)
    disabled: frozenset[str] = frozenset()
    source: str | None = None


@dataclass(frozen=True)
class Decision:
    risk: Risk
    reasons: tuple[str, ...]  # the fault groups and codes that set the level


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity(str(value).upper())
    except ValueError as exc:
        raise ConfigurationError(f"{where}: {value!r} is not a severity") from exc


def _count(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ConfigurationError(f"{where}: {value!r} must be an integer 0..100")
    return value


def policy_from_dict(data: dict[str, Any], source: str | None = None) -> Policy:
    """A policy from its JSON form; unknown keys, rule codes or thresholds are errors (typos in a
    policy must not silently fall back to defaults)."""
    known = {"alert", "review", "severity", "thresholds", "disabled", "description"}
    extra = set(data) - known
    if extra:
        raise ConfigurationError(f"policy: unknown keys {sorted(extra)}")
    p = Policy(source=source)
    alert = data.get("alert", {})
    review = data.get("review", {})
    if not isinstance(alert, dict) or not isinstance(review, dict):
        raise ConfigurationError("policy: 'alert' and 'review' must be objects")
    if "critical" in alert:
        p = replace(p, alert_critical=_count(alert["critical"], "alert.critical"))
    if "high" in alert:
        p = replace(p, alert_high=_count(alert["high"], "alert.high"))
    if "min_severity" in review:
        p = replace(p, review_min_severity=_severity(review["min_severity"], "review.min_severity"))
    if "low_count" in review:
        p = replace(p, review_low_count=_count(review["low_count"], "review.low_count"))
    if "pixel_count" in review:
        p = replace(p, review_pixel_count=_count(review["pixel_count"], "review.pixel_count"))
    unknown_keys = (set(alert) - {"critical", "high"}) | (
        set(review) - {"min_severity", "low_count", "pixel_count"}
    )
    if unknown_keys:
        raise ConfigurationError(f"policy: unknown keys {sorted(unknown_keys)}")
    overrides: dict[str, Severity] = {}
    for code, sev in dict(data.get("severity", {})).items():
        if code not in CATALOGUE:
            raise ConfigurationError(f"policy: unknown rule code {code!r}")
        overrides[code] = _severity(sev, f"severity.{code}")
    names = {f.name: f for f in fields(Thresholds)}
    changes: dict[str, int] = {}
    for name, value in dict(data.get("thresholds", {})).items():
        if name not in names:
            raise ConfigurationError(f"policy: unknown threshold {name!r}")
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10_000:
            raise ConfigurationError(
                f"policy: threshold {name}={value!r} must be an integer 0..10000"
            )
        changes[name] = value
    disabled = frozenset(str(c) for c in data.get("disabled", []))
    unknown = disabled - set(CATALOGUE)
    if unknown:
        raise ConfigurationError(f"policy: unknown rule codes in disabled: {sorted(unknown)}")
    return replace(
        p, severity=overrides, thresholds=replace(Thresholds(), **changes), disabled=disabled
    )


def load_policy(path: Path | None = None) -> Policy:
    """The policy file at ``path`` or ``DOCSCREEN_POLICY``; the default policy when neither."""
    path = path or settings.POLICY.get()
    if path is None:
        return Policy()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read policy file {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"policy file {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f"policy file {path} must hold a JSON object")
    return policy_from_dict(data, source=str(path))


def apply_policy(findings: Iterable[Finding], policy: Policy) -> list[Finding]:
    """Severity overrides and disabled rules applied to findings."""
    out: list[Finding] = []
    for f in findings:
        if f.code in policy.disabled:
            reason = "disabled by the policy"
            out.append(replace(f, status=Status.NOT_PERFORMED, explanation=reason,
                               evidence={**f.evidence, "reason": reason}))  # fmt: skip
        elif f.code in policy.severity:
            out.append(replace(f, severity=policy.severity[f.code]))
        else:
            out.append(f)
    return out


def _group(code: str) -> str:
    rule = CATALOGUE.get(code)
    return rule.group if rule is not None else ""


def _document_of(f: Finding) -> int | None:
    """The bundle index of the document a finding is about (its boxes, else its evidence)."""
    if f.boxes:
        return f.boxes[0][0]
    doc = f.evidence.get("document")
    return doc if isinstance(doc, int) else None


def decide(findings: Iterable[Finding], policy: Policy | None = None) -> Decision:
    policy = policy or Policy()
    faults: dict[str, tuple[Severity, bool, str]] = {}  # group -> (severity, pixel-only, codes)
    findings = list(findings)
    # Field-level tamper signals (one per document and signal); those on a document captured as a
    # photocopy or from a screen do not count: that capture alone upsets texture and colour.
    captured = {_document_of(f) for f in findings
                if f.status is Status.FAIL and _group(f.code) == CAPTURE_GROUP}  # fmt: skip
    tamper = [f.code for f in findings
              if f.status is Status.FAIL and _group(f.code) == TAMPER_GROUP
              and (_document_of(f) is None or _document_of(f) not in captured)]  # fmt: skip
    for f in findings:
        if f.status is not Status.FAIL:
            continue
        rule = CATALOGUE.get(f.code)
        group = rule.fault if rule is not None else f.code
        pixel = f.pixel or (rule.pixel if rule is not None else False)
        old = faults.get(group)
        if old is None:
            faults[group] = (f.severity, pixel, f.code)
        else:
            sev = f.severity if RANK[f.severity] > RANK[old[0]] else old[0]
            codes = old[2] if f.code in old[2].split(",") else f"{old[2]},{f.code}"
            faults[group] = (sev, old[1] and pixel, codes)
    data = [(s, px, codes) for s, px, codes in faults.values()]
    solid = [(s, codes) for s, px, codes in data if not px]
    critical = [codes for s, codes in solid if s is Severity.CRITICAL]
    high = [codes for s, codes in solid if RANK[s] >= RANK[Severity.HIGH]]
    if policy.alert_critical and len(critical) >= policy.alert_critical:
        return Decision(Risk.ALERT, tuple(critical))
    if policy.alert_high and len(high) >= policy.alert_high:
        return Decision(Risk.ALERT, tuple(high))
    review = [codes for s, _, codes in data if RANK[s] >= RANK[policy.review_min_severity]]
    if review:
        return Decision(Risk.REVIEW, tuple(review))
    lows = [codes for s, _, codes in data if s is Severity.LOW]
    if policy.review_low_count and len(lows) >= policy.review_low_count:
        return Decision(Risk.REVIEW, tuple(lows))
    if policy.review_pixel_count and len(tamper) >= policy.review_pixel_count:
        return Decision(Risk.REVIEW, (",".join(sorted(set(tamper))),))
    return Decision(Risk.CLEAR, ())
