"""Name comparison: aligned parts, the rule that made them agree, coverage and the score."""

from __future__ import annotations

import pytest

from docscreen.names.normalise import normalise_name
from docscreen.names.score import compare_names, name_similarity


def cmp(a: str, b: str):  # type: ignore[no-untyped-def]
    return compare_names(normalise_name(a), normalise_name(b))


def test_old_spelling_matches_with_the_rule_named() -> None:
    c = cmp("Soekarno Djojodiningrat", "Sukarno Joyodiningrat")
    assert c.score == pytest.approx(1.0)
    hows = {p.how for p in c.parts}
    assert hows == {"spelling"}
    rules = {r for p in c.parts for r in p.rules}
    assert "oe->u" in rules
    assert "dj->j" in rules


def test_exact_parts_say_exact() -> None:
    c = cmp("Budi Santoso", "SANTOSO BUDI")
    assert c.score == pytest.approx(1.0)
    assert all(p.how == "exact" for p in c.parts)


def test_title_on_ktp_not_on_passport() -> None:
    c = cmp("Hj. Siti Rahmawati, S.Pd.", "SITI RAHMAWATI")
    assert c.score == pytest.approx(1.0)
    assert "title:Hj." in c.rules


def test_initial_is_weaker_than_the_full_part() -> None:
    full = cmp("Budi Hartono Santoso", "Budi Hartono Santoso").score
    initial = cmp("Budi H. Santoso", "Budi Hartono Santoso")
    assert any(p.how == "initial" for p in initial.parts)
    assert 0.8 < initial.score < full


def test_dropped_middle_name_scores_below_full_but_high() -> None:
    c = cmp("Yohanes Seran", "Yohanes Bosco Seran")
    assert c.unmatched_candidate == ("BOSCO",)
    assert 0.6 < c.score < 1.0
    assert c.query_coverage == pytest.approx(1.0)


def test_missing_patronymic_does_not_count_against() -> None:
    c = cmp("Ahmad Fauzi", "Ahmad Fauzi bin Abdullah")
    assert c.score == pytest.approx(1.0)


def test_truncation_like_an_mrz_cut() -> None:
    c = cmp("Parlindungan Siregar", "Parlindu Siregar")
    assert any(p.how == "truncation" for p in c.parts)
    assert c.score > 0.9


def test_joined_parts() -> None:
    c = cmp("Amirhossein Safari", "Amir Hossein Safari")
    assert any(p.how == "joined" for p in c.parts)
    assert c.score > 0.9


def test_different_people_sharing_one_part_score_low() -> None:
    assert name_similarity("Budi Santoso", "Budi Prasetyo") < 0.6
    assert name_similarity("Muhammad Rizki", "Muhammad Fajar") < 0.5


def test_common_part_weighs_less_than_a_rare_one() -> None:
    # Sharing only "Muhammad" is weaker evidence than sharing only a family name.
    assert name_similarity("Muhammad Rizki", "Muhammad Fajar") < name_similarity(
        "Rizki Harahap", "Fajar Harahap"
    )


def test_single_name_flag() -> None:
    c = cmp("Sutini", "SUTINI")
    assert c.single_name
    assert c.exact_single
    c2 = cmp("Umbu Sutini", "Sutinah")
    assert c2.single_name
    assert not c2.exact_single


def test_explanation_is_json_ready() -> None:
    d = cmp("Djoko Santoso", "Joko Santoso").to_dict()
    assert d["parts"][0]["how"] in ("spelling", "exact")
    assert set(d) >= {"score", "query_coverage", "candidate_coverage", "parts", "rules"}
