"""The 75 reference MRZ vectors and the 48 image ground truths in ../shared/data/mrz."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from docscreen.mrz.fields import words
from docscreen.mrz.parse import parse_mrz
from docscreen.mrz.repair import repair_lines

TODAY = dt.date(2026, 1, 1)

# The vectors name fields like the libraries they come from; ours are the interface names.
NAMES = {
    "document_code": "document_type",
    "issuer": "issuing_country",
    "optional1": "optional_data_1",
    "optional2": "optional_data_2",
}
RAW_COMPARED = {
    "document_code",
    "issuer",
    "nationality",
    "birth_date",
    "expiry_date",
    "sex",
    "optional1",
    "optional2",
    "personal_number",
}


def _load(shared: Path, name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((shared / "mrz" / name).read_text(encoding="utf-8"))
    return data


def _field_mismatches(lines: list[str], expected: dict[str, str]) -> list[str]:
    result = parse_mrz(lines, today=TODAY)
    bad = []
    for key, want in expected.items():
        field = result.fields[NAMES.get(key, key)]
        if key == "document_code":
            ok = field.raw.rstrip("<") == want.rstrip("<")
        elif key in RAW_COMPARED:
            ok = field.raw == want
        elif key in ("surname", "given_names"):
            ok = field.value == words(want)
        else:  # document_number: vectors keep fillers of short numbers
            ok = field.value == want.strip("<")
        if not ok:
            bad.append(f"{key}: {field.value!r}/{field.raw!r} != {want!r}")
    return bad


def test_every_vector_parses_to_its_format_checks_and_validity(shared_data: Path) -> None:
    vectors = _load(shared_data, "vectors.json")
    assert len(vectors) == 75
    failures = []
    for i, vec in enumerate(vectors):
        r = parse_mrz(vec["mrz_lines"], today=TODAY)
        checks = {k: "valid" if v else "invalid" for k, v in vec["checks"].items()}
        checks.pop("dates_parse", None)
        got = {k: r.checks[k] for k in checks if k in r.checks}
        if r.format != vec["format"] or r.valid != vec["valid"] or got != checks:
            failures.append((i, r.format, r.valid, r.checks, vec["format"], vec["valid"], checks))
        if vec["format"] is None:
            assert not r.found
    assert failures == []


def test_every_clean_vector_parses_to_its_fields(shared_data: Path) -> None:
    failures = {}
    for i, vec in enumerate(_load(shared_data, "vectors.json")):
        if vec.get("ocr_noisy") or not vec["expected"]:
            continue
        bad = _field_mismatches(vec["mrz_lines"], vec["expected"])
        if bad:
            failures[i] = bad
    assert failures == {}


def test_noisy_vectors_repair_to_their_corrected_lines_and_fields(shared_data: Path) -> None:
    noisy = [v for v in _load(shared_data, "vectors.json") if v.get("ocr_noisy")]
    assert len(noisy) == 4
    for vec in noisy:
        repaired = repair_lines(vec["mrz_lines"])
        assert list(repaired.lines) == vec["corrected_lines"], vec["source"]
        assert repaired.repairs  # every change is reported
        assert _field_mismatches(list(repaired.lines), vec["expected"]) == []
        assert parse_mrz(repaired.lines, today=TODAY).valid
        # The noisy text itself stays invalid: parse reports what it is given.
        assert not parse_mrz(vec["mrz_lines"], today=TODAY).valid


def test_repair_leaves_valid_vectors_alone_and_never_validates_printed_errors(
    shared_data: Path,
) -> None:
    for vec in _load(shared_data, "vectors.json"):
        if vec.get("ocr_noisy") or vec["format"] is None:
            continue
        before = parse_mrz(vec["mrz_lines"], today=TODAY)
        repaired = repair_lines(vec["mrz_lines"])
        if vec["valid"]:
            assert repaired.lines == tuple(vec["mrz_lines"]), vec["source"]
            assert repaired.repairs == ()
        after = parse_mrz(repaired.lines, today=TODAY)
        for name, status in before.checks.items():
            if status == "invalid":
                assert after.checks[name] == "invalid", (vec["source"], name)


def test_ground_truth_mrz_lines_agree_on_check_digit_validity(shared_data: Path) -> None:
    entries = [e for e in _load(shared_data, "ground_truth.json") if e["has_mrz"]]
    assert len(entries) == 48
    for e in entries:
        r = parse_mrz(e["mrz_lines"], today=TODAY)
        assert r.format == e["format"], e["file"]
        assert r.valid == bool(e["check_digits_valid"]), e["file"]
        if e["check_digits_valid"]:
            assert all(v == "valid" for v in r.checks.values()), e["file"]
        assert _field_mismatches(e["mrz_lines"], e["fields"] or {}) == [], e["file"]


@pytest.mark.parametrize("column", [0, 7, 20])
def test_vector_lines_survive_dropped_fillers(shared_data: Path, column: int) -> None:
    """OCR collapses '<' runs: drop one filler from a long run and repair must put it back."""
    restored = 0
    tried = 0
    for vec in _load(shared_data, "vectors.json"):
        if not vec["valid"] or vec["format"] is None:
            continue
        lines = list(vec["mrz_lines"])
        last = lines[-1]
        run = last.find("<<<<", column)
        if run < 0:
            continue
        tried += 1
        damaged = [*lines[:-1], last[:run] + last[run + 1 :]]
        if list(repair_lines(damaged).lines) == lines:
            restored += 1
    assert tried >= 20
    assert restored == tried
