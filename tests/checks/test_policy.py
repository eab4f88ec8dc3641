from __future__ import annotations

import json
from pathlib import Path

import pytest

from docscreen.checks.catalogue import CATALOGUE
from docscreen.checks.policy import Policy, apply_policy, decide, load_policy, policy_from_dict
from docscreen.checks.result import fail, passed, skipped
from docscreen.errors import ConfigurationError
from docscreen.models import Finding, Risk, Severity, Status


def f(code: str, severity: Severity | None = None, pixel: bool = False) -> Finding:
    out = fail(code, "test", severity=severity)
    return out if not pixel else Finding(**{**out.__dict__, "pixel": True})


def test_default_levels() -> None:
    assert decide([]).risk is Risk.CLEAR
    assert decide([passed("PP-06"), skipped("KK-01", "no KK")]).risk is Risk.CLEAR
    assert decide([f("PP-04")]).risk is Risk.CLEAR  # LOW alone
    assert decide([f("KTP-10")]).risk is Risk.CLEAR  # INFO
    assert decide([f("KTP-02")]).risk is Risk.REVIEW  # MEDIUM
    assert decide([f("PP-06")]).risk is Risk.REVIEW  # one HIGH
    assert decide([f("PP-06"), f("KTP-01")]).risk is Risk.ALERT  # two HIGH
    assert decide([f("PMI-01")]).risk is Risk.ALERT  # CRITICAL


def test_one_fault_reported_by_two_rules_counts_once() -> None:
    # A birth date changed in the visual zone fails MRZ-VIZ-BIRTH and PP-03 (same group).
    d = decide([f("MRZ-VIZ-BIRTH"), f("PP-03")])
    assert d.risk is Risk.REVIEW
    assert d.reasons == ("MRZ-VIZ-BIRTH,PP-03",)


def test_pixel_findings_alone_never_alert() -> None:
    assert decide([f("ID-04", Severity.CRITICAL)]).risk is Risk.REVIEW
    assert CATALOGUE["ID-04"].pixel
    # ... but they still add to a document fault.
    assert decide([f("ID-04", Severity.HIGH), f("PP-06"), f("KTP-01")]).risk is Risk.ALERT


def test_policy_file_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({
        "alert": {"critical": 1, "high": 3},
        "review": {"min_severity": "HIGH", "low_count": 2},
        "severity": {"PP-04": "CRITICAL", "KTP-02": "LOW"},
        "thresholds": {"just_in_time_days": 30, "adult_age": 21},
        "disabled": ["PP-11"],
    }))  # fmt: skip
    monkeypatch.setenv("DOCSCREEN_POLICY", str(path))
    p = load_policy()
    assert p.thresholds.just_in_time_days == 30 and p.thresholds.adult_age == 21
    assert decide([f("PP-06"), f("KTP-01")], p).risk is Risk.REVIEW  # needs three HIGH now
    assert decide([f("KTP-02", Severity.LOW)], p).risk is Risk.CLEAR  # MEDIUM no longer reviews
    assert decide([f("PP-04"), f("KTP-08")], p).risk is Risk.REVIEW  # two LOW together
    relabelled = apply_policy([f("PP-04"), f("KTP-02"), f("PP-11")], p)
    assert [x.severity for x in relabelled[:2]] == [Severity.CRITICAL, Severity.LOW]
    assert relabelled[2].status is Status.NOT_PERFORMED
    assert decide(relabelled, p).risk is Risk.ALERT


@pytest.mark.parametrize(
    "bad",
    [
        {"severity": {"NOPE-1": "HIGH"}},
        {"severity": {"PP-04": "SEVERE"}},
        {"thresholds": {"adult_agee": 18}},
        {"thresholds": {"adult_age": -1}},
        {"alert": {"high": "two"}},
        {"colour": "red"},
        {"disabled": ["XX-1"]},
    ],
)
def test_bad_policies_are_configuration_errors(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        policy_from_dict(bad)


def test_unreadable_policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "p.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigurationError, match="not valid JSON"):
        load_policy(bad)
    monkeypatch.delenv("DOCSCREEN_POLICY", raising=False)
    assert load_policy() == Policy()


def test_pixel_findings_policy() -> None:
    # Capture findings say how the image was taken (ask for the original): listed, no REVIEW.
    capture = [f("TAMPER-PHOTOCOPY", pixel=True), f("TAMPER-RECAPTURE", pixel=True)]
    assert all(x.severity is Severity.LOW for x in capture)
    assert decide(capture).risk is Risk.CLEAR
    # Field-level tamper signals: one or two are evidence, three together ask for a second look.
    two = [f("TAMPER-SEAM", pixel=True), f("TAMPER-COPYMOVE", pixel=True)]
    assert decide(two).risk is Risk.CLEAR
    three = [*two, f("TAMPER-PHOTO", pixel=True)]
    d = decide(three)
    assert d.risk is Risk.REVIEW and d.reasons == ("TAMPER-COPYMOVE,TAMPER-PHOTO,TAMPER-SEAM",)
    assert decide(three + capture).risk is Risk.REVIEW
    assert decide(three, policy_from_dict({"review": {"pixel_count": 0}})).risk is Risk.CLEAR
    # A post that must see originals raises the capture findings; still never ALERT.
    strict = policy_from_dict({"severity": {"TAMPER-PHOTOCOPY": "CRITICAL"}})
    assert decide(apply_policy(capture, strict), strict).risk is Risk.REVIEW


def test_unknown_alert_or_review_keys_are_errors() -> None:
    with pytest.raises(ConfigurationError):
        policy_from_dict({"review": {"pixels": 2}})
    with pytest.raises(ConfigurationError):
        policy_from_dict({"alert": {"medium": 2}})


def test_tamper_signals_on_a_photocopied_document_do_not_count() -> None:
    def on(code: str, doc: int) -> Finding:
        return fail(code, "test", {"document": doc}, [(doc, (0, 0, 10, 10))])

    signals = [on("TAMPER-GLYPHS", 0), on("TAMPER-PHOTO", 0), on("TAMPER-PHOTO", 1)]
    assert decide(signals).risk is Risk.REVIEW
    copied = [on("TAMPER-PHOTOCOPY", 0), on("TAMPER-PHOTOCOPY", 1)]
    assert decide(signals + copied).risk is Risk.CLEAR
    assert decide(signals + copied[:1]).risk is Risk.CLEAR  # only one signal left uncopied
