from __future__ import annotations

import pytest

from docscreen.checks.names import (
    compare_indonesian,
    compare_mrz_viz,
    icao_variants,
    indonesian_tokens,
    mrz_tokens,
    viz_tokens,
)


@pytest.mark.parametrize(
    ("printed", "mrz"),
    [
        ("MÜLLER", "MUELLER"),
        ("MÜLLER", "MULLER"),
        ("GÖTZ", "GOETZ"),
        ("STRAßE", "STRASSE"),
        ("ÅSA", "AASA"),
        ("ÆRØ", "AEROE"),
        ("BƏKIR", "BAKIR"),
        ("OĞLU", "OGLU"),
        ("O'NEIL", "ONEIL"),
        ("ÞÓR", "THOR"),
        ("MUÑOZ", "MUNOZ"),
    ],
)
def test_icao_transliteration(printed: str, mrz: str) -> None:
    assert mrz in icao_variants(printed)


def test_azerbaijani_specimen_mrz_name_is_not_a_forgery() -> None:
    # Genuine SIDTD specimen: MRZ PCAZEABDULLAYEV<<DIL<<<..., printed ADIL BƏKIR OĞLU.
    mrz = mrz_tokens("ABDULLAYEV<<DIL<<<<<<<<<<<")
    cmp = compare_mrz_viz(mrz, viz_tokens("ABDULLAYEV") + viz_tokens("ADIL BƏKIR OĞLU"))
    assert cmp.same
    assert ("DIL", "ADIL", "one_edit") in cmp.pairs
    assert cmp.unmatched_right == ("BƏKIR", "OĞLU")


def test_truncated_mrz_names_match() -> None:
    cmp = compare_mrz_viz(
        ["SETIAWATI", "KRISTINA", "MARGARE"], viz_tokens("SETIAWATI KRISTINA MARGARETHA")
    )
    assert cmp.same and cmp.pairs[-1][2] == "truncated"


def test_changed_name_is_reported() -> None:
    cmp = compare_mrz_viz(["NDUN", "YOHANES"], viz_tokens("NDUN ANDREAS"))
    assert not cmp.same and cmp.unmatched_left == ("YOHANES",)


def test_indonesian_normalisation() -> None:
    assert indonesian_tokens("Drs. H. Soekarno Djojo, S.H.") == ["SUKARNO", "JOJO"]
    assert indonesian_tokens("AHMAD BIN SALEH") == ["AHMAD"]
    assert compare_indonesian("YOHANES NDUN, S.PD", "NDUN YOHANES").same
    assert compare_indonesian("SITI AMINAH", "SITI AMINAH BINTI HASAN").same
    assert compare_indonesian("MARIA THERESIA BELLO", "MARIA BELLO").same  # one extra token
    different = compare_indonesian("ANDI LAKA", "AMID TEFA")
    assert not different.same and different.shared == 0
    partial = compare_indonesian("YOHANES NDUN", "YOHANES TEFA")
    assert not partial.same and partial.shared == 1


def test_printed_word_split_by_ocr_is_joined() -> None:
    cmp = compare_mrz_viz(["MARBUN", "BAKIADI"], viz_tokens("MARBUN B KIADI"))
    assert cmp.same and ("BAKIADI", "B KIADI", "joined") in cmp.pairs


def test_two_words_read_run_together_are_the_same_name() -> None:
    # KANI RIYANTI printed, read as KANIRIYANTI (the space lost; the reader doubled the token):
    # the MRZ RIYANTI<<KANI has the same letters.
    cmp = compare_mrz_viz(["RIYANTI", "KANI"], viz_tokens("KANIRIYANTI KANIRIYANTI"))
    assert cmp.same, cmp.explain()
    assert compare_mrz_viz(["RIYANTI", "KANI"], viz_tokens("RIYANTIKANI")).same
    assert compare_indonesian("KANIRIYANTI", "KANI RIYANTI").same
    assert compare_indonesian("KANI RIYANTI", "KANIRIYANTI").same
    assert compare_indonesian("KANIA ASTUTI", "KANIAASTUTI KANIAASTUTI").same  # doubled
    # Other letters run together are still another name.
    assert not compare_mrz_viz(["RIYANTI", "KANI"], viz_tokens("KANIRIYANTO")).same
    assert not compare_indonesian("KANIRIYANTO", "KANI RIYANTI").same
    assert not compare_indonesian("EGA PUTRA", "KANI RIYANTI").same
