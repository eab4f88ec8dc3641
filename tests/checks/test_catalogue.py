from __future__ import annotations

import csv
from pathlib import Path

from docscreen.checks import catalogue
from docscreen.checks.catalogue import CATALOGUE, CSV_CODES
from docscreen.models import Severity


def test_every_rule_has_both_messages_and_a_stable_code() -> None:
    seen_id, seen_en = set(), set()
    for code, rule in CATALOGUE.items():
        assert rule.code == code
        assert rule.message_id.strip() and rule.message_en.strip(), code
        assert rule.message_id != rule.message_en, code
        assert rule.message_id not in seen_id and rule.message_en not in seen_en, code
        seen_id.add(rule.message_id)
        seen_en.add(rule.message_en)
        assert rule.applies_to, code
        assert isinstance(rule.severity, Severity)


def test_indonesian_specification_is_complete(shared_data: Path) -> None:
    with (shared_data / "indonesia" / "crosscheck_rules.csv").open() as fh:
        spec = {r["rule_id"]: r["severity"] for r in csv.DictReader(fh)}
    assert len(spec) == 50
    assert set(CSV_CODES) == set(spec)
    for code, severity in spec.items():
        assert CATALOGUE[code].severity.value == severity, code


def test_rules_doc_lists_every_code() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"
    text = doc.read_text(encoding="utf-8")
    for code, rule in CATALOGUE.items():
        assert f"`{code}`" in text, code
        assert rule.message_en in text, code


def test_codes_are_unique() -> None:
    codes = [r.code for r in catalogue._RULES]
    assert len(codes) == len(set(codes))
