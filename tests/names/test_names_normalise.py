"""Name normalisation: every rule of the Indonesian title and spelling specification."""

from __future__ import annotations

import pytest

from docscreen.names.normalise import (
    INITIAL,
    LOW,
    PATRONYMIC,
    modernise,
    normalise_name,
    spelling_key,
)
from docscreen.names.rules import is_degree, load_rules


def texts(raw: str) -> list[str]:
    return [t.text for t in normalise_name(raw).tokens]


# Old (Van Ophuijsen / Soewandi) -> EYD orthography: each rule with the spec's own example.
@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("SOEKARNO", "SUKARNO", "oe->u"),
        ("BOEDI", "BUDI", "oe->u"),
        ("NOENOEHITOE", "NUNUHITU", "oe->u"),
        ("DJOKO", "JOKO", "dj->j"),
        ("DJAMI", "JAMI", "dj->j"),
        ("TJAHJONO", "CAHJONO", "tj->c"),
        ("NJOMAN", "NYOMAN", "nj->ny"),
        ("SJAHRIR", "SYAHRIR", "sj->sy"),
        ("CHAIRUL", "KHAIRUL", "ch->kh"),
    ],
)
def test_orthography_rules(old: str, new: str, rule: str) -> None:
    modern, fired = modernise(old)
    assert modern == new
    assert rule in fired


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("SOE", "SU"),
        ("OEIJ", "UI"),
        ("TJHIOENG", "CHIUNG"),
        ("DJOENG", "JUNG"),
        ("NJAN", "NYAN"),
        ("TJAY", "CAI"),
        ("JANG", "YANG"),
    ],
)
def test_chinese_indonesian_examples_share_a_key(old: str, new: str) -> None:
    assert spelling_key(old)[0] == spelling_key(new)[0]


def test_single_pass_does_not_reread_replacements() -> None:
    # TJ -> C must not then be read as CH -> KH.
    assert modernise("TJHIOENG")[0] == "CHIUNG"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("CAHYONO", "TJAHJONO"),
        ("YANTI", "JANTI"),  # j -> y (ambiguous; both fold to one key)
        ("YOHANES", "JOHANNES"),
        ("RAMADAN", "RAMADHAN"),  # dh/d
        ("TOMAS", "THOMAS"),  # th/t
        ("FATUR", "FATHUR"),
        ("FILIPUS", "PHILIPUS"),  # ph/f
        ("STEFANUS", "STEPHANUS"),
        ("KAROLINA", "CAROLINA"),  # c/k
        ("KRISTOFEL", "CRISTOFEL"),
        ("ALEKSANDER", "ALEXANDER"),  # x/ks
        ("MAKSIMUS", "MAXIMUS"),
        ("KURNIAWAN", "QURNIAWAN"),  # q/k
        ("FERNANDES", "FERNANDEZ"),  # z/s
        ("LOPES", "LOPEZ"),
        ("PERERA", "PEREIRA"),  # ei/e
        ("MESAKH", "MESSAKH"),  # doubles
        ("TALO", "TALLO"),
        ("SALUK", "SALUKH"),  # final kh/k
        ("MESAK", "MESSAKH"),
        ("SURIANI", "SURYANI"),  # y/i after a consonant
        ("RIZKI", "RIZKY"),
    ],
)
def test_transliteration_variants_share_a_key(a: str, b: str) -> None:
    assert spelling_key(a)[0] == spelling_key(b)[0]


def test_initial_y_is_not_folded_to_i() -> None:
    assert spelling_key("YANTI")[0].startswith("Y")
    assert spelling_key("YANTI")[0] != spelling_key("IANTI")[0]


def test_every_given_name_variant_of_the_spec_reaches_its_canonical_key() -> None:
    rules = load_rules()
    assert len(rules.given) >= 60
    for variant, canonical in rules.given.items():
        assert spelling_key(variant)[0] == spelling_key(canonical)[0], variant


@pytest.mark.parametrize(
    "form", ["MUHAMAD", "MOHAMMAD", "MOHAMAD", "MOCHAMMAD", "MOCHAMAD", "MUCHAMMAD", "MUH", "MHD"]
)
def test_muhammad_family(form: str) -> None:
    assert spelling_key(form)[0] == spelling_key("MUHAMMAD")[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Drs. Bambang Wijaya", ["BAMBANG", "WIJAYA"]),
        ("Dra. Sri Wahyuni", ["SRI", "WAHYUNI"]),
        ("Ir. Agus Salim", ["AGUS", "SALIM"]),
        ("dr. Rina Kusuma", ["RINA", "KUSUMA"]),
        ("drg. Rina Kusuma", ["RINA", "KUSUMA"]),
        ("Prof. Dr. Rina Kusuma", ["RINA", "KUSUMA"]),
        ("H. Ahmad Dahlan", ["AHMAD", "DAHLAN"]),
        ("Hj. Siti Aminah", ["SITI", "AMINAH"]),
        ("K.H. Hasyim Asyari", ["HASYIM", "ASYARI"]),
        ("Pdt. Yakobus Messakh", ["YAKOBUS", "MESSAKH"]),
        ("Sr. Maria Goreti", ["MARIA", "GORETI"]),
        ("R.A. Kartini Sosroningrat", ["KARTINI", "SOSRONINGRAT"]),
        ("Alm. Petrus Nahak", ["PETRUS", "NAHAK"]),
        ("Rina Kusuma, S.Pd., M.Pd.", ["RINA", "KUSUMA"]),
        ("Rina Kusuma S.Kep", ["RINA", "KUSUMA"]),
        ("Yanti Lestari, A.Md.Keb.", ["YANTI", "LESTARI"]),
        ("Budi Santoso, S.H., M.H.", ["BUDI", "SANTOSO"]),
        ("Andreas Bere Pr", ["ANDREAS", "BERE"]),
        ("Yohanes Seran SVD", ["YOHANES", "SERAN"]),
        ("Ahmad Fauzi, Lc.", ["AHMAD", "FAUZI"]),
        ("Dewi Sartika Ph.D.", ["DEWI", "SARTIKA"]),
    ],
)
def test_titles_and_degrees_are_stripped(raw: str, expected: list[str]) -> None:
    assert texts(raw) == expected
    assert normalise_name(raw).rules  # the stripping is recorded


def test_titles_without_dots_are_stripped_but_single_letters_are_initials() -> None:
    assert texts("DRS BAMBANG WIJAYA") == ["BAMBANG", "WIJAYA"]
    n = normalise_name("H AHMAD DAHLAN")
    assert n.tokens[0].role == INITIAL


def test_a_title_is_never_the_whole_name() -> None:
    assert texts("Made") == ["MADE"]
    assert texts("Andi") == ["ANDI"]


@pytest.mark.parametrize(
    "raw",
    [
        "Umbu Ndakularak",
        "Rambu Hamu",
        "Andi Mappanyukki",
        "Wayan Sudirta",
        "Ni Luh Putu Ayu",
        "Ida Bagus Mantra",
        "Tamu Rambu Yuliana",
    ],
)
def test_noble_and_birth_order_names_are_kept_with_low_weight(raw: str) -> None:
    n = normalise_name(raw)
    assert n.tokens[0].role == LOW
    assert n.tokens[0].weight < 0.5
    assert n.significant  # the personal name stays at full weight


def test_abbreviations_expand() -> None:
    assert texts("M. Firman Hidayat") == ["MUHAMMAD", "FIRMAN", "HIDAYAT"]
    assert texts("Moh. Hatta") == ["MUHAMMAD", "HATTA"]
    assert texts("Abd. Rahman Saleh") == ["ABDUL", "RAHMAN", "SALEH"]
    assert texts("St. Nurhaliza Putri") == ["SITI", "NURHALIZA", "PUTRI"]


def test_bin_binti_marks_the_fathers_name() -> None:
    n = normalise_name("Ahmad Fauzi bin Abdullah")
    assert [(t.text, t.role) for t in n.tokens] == [
        ("AHMAD", "name"),
        ("FAUZI", "name"),
        ("ABDULLAH", PATRONYMIC),
    ]
    assert "patronymic:bin" in n.rules
    assert normalise_name("Siti Aminah binti Umar").tokens[-1].role == PATRONYMIC
    assert normalise_name("Siti Aminah bt. Umar").tokens[-1].role == PATRONYMIC


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Maria Da Costa", "MARIA DACOSTA"),
        ("Yosef De Rosari", "YOSEF DEROSARI"),
        ("Ana Dos Santos", "ANA DOSSANTOS"),
        ("Paulus Da Silva", "PAULUS DASILVA"),
        ("Rita Da Cunha", "RITA DACUNHA"),
    ],
)
def test_portuguese_particles_join(a: str, b: str) -> None:
    assert normalise_name(a).keys == normalise_name(b).keys


def test_mrz_and_list_formats() -> None:
    assert normalise_name("SANTOSO<<BUDI").key_string == normalise_name("Budi Santoso").key_string
    assert normalise_name("SANTOSO, Budi").key_string == normalise_name("Budi Santoso").key_string


def test_degree_patterns() -> None:
    for d in ("S.Pd.", "S.H.", "M.Kes.", "A.Md.Kep.", "Sp.OG.", "S.Kom"):
        assert is_degree(d), d
    for not_degree in ("S", "M", "Siti", "M."):
        assert not is_degree(not_degree), not_degree
