"""Transliteration variants of names written from another script (Arabic, Persian, Korean):
the part-level rules that make them agree, and the Indonesian variants they must not merge."""

from __future__ import annotations

import pytest

from docscreen.names.normalise import NAME, PATRONYMIC, korean_key, normalise_name, sound_key
from docscreen.names.score import compare_names


def cmp(a: str, b: str):  # type: ignore[no-untyped-def]
    return compare_names(normalise_name(a), normalise_name(b))


def part(c, query: str):  # type: ignore[no-untyped-def]
    return next(p for p in c.parts if p.query == query)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Husayn", "Hussein"),
        ("Omar", "Umar"),
        ("Saeed", "Sa'id"),
        ("Shir", "Sher"),
        ("Mahmoud", "Mahmud"),
        ("Seif", "Al-Sayf"),
        ("Makhlouf", "Makhluf"),
    ],
)
def test_vowel_and_digraph_variants_are_one_transliteration(a: str, b: str) -> None:
    c = cmp(f"{a} Rahimov", f"{b} Rahimov")
    p = part(c, normalise_name(a).tokens[0].text)
    assert p.how == "transliteration"
    assert c.score > 0.9


def test_arabic_article_is_left_out_of_the_transliteration_key() -> None:
    c = cmp("AKHRAS, Iyad", "AL-AKHRAS, Eyad")
    surname = part(c, "AKHRAS")
    assert surname.candidate == "ALAKHRAS"
    assert surname.how == "transliteration"
    assert "article" in surname.rules
    assert c.score > 0.9
    # Written together the article stays part of the word (Alexander is not "Exander").
    assert sound_key(normalise_name("Alexander").tokens[0].key)[0].startswith("AL")


def test_one_unwritten_vowel_between_the_same_consonants() -> None:
    c = cmp("AHMAD, Nazir", "AHMED, Nazir")
    p = part(c, "AHMAD")
    assert (p.how, p.rules) == ("transliteration", ("consonants",))
    assert cmp("ADNUF, Munir", "ADANOF, Munir").score > 0.9


@pytest.mark.parametrize(
    ("a", "b"),
    [("Martana", "Martani"), ("Prasetya", "Prasetyo"), ("Hasan", "Husein"), ("Hartono", "Hartini")],
)
def test_different_names_and_indonesian_gendered_endings_stay_apart(a: str, b: str) -> None:
    c = cmp(f"Budi {a}", f"Budi {b}")
    assert all(p.how != "transliteration" for p in c.parts)


def test_korean_romanisations_agree_when_both_names_are_korean() -> None:
    c = cmp("JO, Yon Jun", "CHO, Yon Chun")
    assert normalise_name("JO, Yon Jun").korean
    assert {p.query: p.how for p in c.parts} == {
        "JO": "transliteration",
        "YON": "exact",
        "JUN": "transliteration",
    }
    assert all(p.rules == ("korean",) for p in c.parts if p.how == "transliteration")
    assert c.score > 0.9
    assert cmp("CHO'NG, Man-pok", "JONG, Man Bok").score > 0.9
    assert korean_key("CHONG") == korean_key("JONG")
    assert korean_key("GYU") == korean_key("KYU")


def test_korean_folds_need_korean_names_on_both_sides() -> None:
    assert not normalise_name("Gary Tanner").korean
    # Without the Korean rule, Chun/Jun and Cho/Jo are different parts.
    c = cmp("Jun Tanner", "Chun Tanner")
    assert all(p.how != "transliteration" for p in c.parts)


def test_family_name_before_the_comma_is_not_the_fathers_name() -> None:
    n = normalise_name("AL-KA'BI, Sa'd Bin Sa'd Muhammad Shiryan")
    roles = {t.text: t.role for t in n.tokens}
    assert roles["ALKABI"] == NAME
    assert roles["SHIRYAN"] == PATRONYMIC
    assert not n.is_single
    c = cmp("ALI ABKAR, Al-Hassan", "BIN-ALI ABKAR, Al-Hasan")
    assert not c.single_name
    assert c.score == pytest.approx(1.0)
    # Indonesian bin/binti at the end of the name is still the father's name.
    assert normalise_name("Sutrisno bin Ahmad").is_single
