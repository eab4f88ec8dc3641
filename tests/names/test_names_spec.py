"""Every row of the two specification files (../shared/data/indonesia) is honoured by the packaged
rules: each title is stripped, down-weighted, expanded or treated as a connector as the spec says,
and every spelling example pair is recognised as the same name."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from docscreen.names.normalise import LOW, NAME, PATRONYMIC, normalise_name
from docscreen.names.rules import is_degree
from docscreen.names.score import name_similarity


def rows(shared_data: Path, name: str) -> list[dict[str, str]]:
    with (shared_data / "indonesia" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_title_of_the_spec(shared_data: Path) -> None:
    checked = 0
    for row in rows(shared_data, "name_titles_honorifics.csv"):
        token, kind, position = row["token"], row["kind"], row["position"]
        if token.endswith(".*"):
            # Open families (S.Pd., M.Kes., A.Md.Keb., Sp.OG.): the examples in "meaning".
            examples = re.findall(r"\b[A-Z][A-Za-z]*\.[A-Za-z.]+", row["meaning"]) or [token[:-1]]
            for ex in examples:
                if ex.count(".") >= 1 and len(ex) > 2:
                    assert is_degree(ex) or normalise_name(f"Budi Santoso, {ex}").rules, ex
            continue
        if kind == "patronymic_connector":
            n = normalise_name(f"Ahmad Fauzi {token} Santoso")
            assert n.tokens[-1].role == PATRONYMIC, token
        elif kind == "abbreviation_expand":
            n = normalise_name(f"{token} Firman Hidayat")
            if token == "Nur":  # a name in its own right; Noor/Nur is a variant group
                assert n.tokens[0].key == normalise_name("Noor").tokens[0].key
            else:
                assert n.tokens[0].text in ("MUHAMMAD", "ABDUL", "SITI"), token
        elif position == "suffix":
            n = normalise_name(f"Budi Santoso {token}")
            assert [t.text for t in n.tokens] == ["BUDI", "SANTOSO"], token
        else:
            n = normalise_name(f"{token} Budi Santoso")
            texts = [t.text for t in n.tokens if t.role == NAME]
            assert texts == ["BUDI", "SANTOSO"], (token, [(t.text, t.role) for t in n.tokens])
            low = [t for t in n.tokens if t.role == LOW]
            assert all(t.weight < 0.5 for t in low)
        checked += 1
    assert checked >= 85


def _example_pairs(example: str) -> list[tuple[str, str]]:
    pairs = []
    for chunk in example.split(";"):
        names = [n.strip() for n in re.split(r"->|/|~", chunk) if n.strip()]
        pairs.extend((names[0], other) for other in names[1:])
    return pairs


def test_every_spelling_example_of_the_spec(shared_data: Path) -> None:
    pairs = []
    for row in rows(shared_data, "name_spelling_variants.csv"):
        pairs.extend((row["kind"], a, b) for a, b in _example_pairs(row["example"]))
    assert len(pairs) >= 100
    failures = [(k, a, b) for k, a, b in pairs if name_similarity(a, b) < 0.85]
    assert not failures


@pytest.mark.parametrize("kind", ["orthography_rule", "orthography_example", "given_name_variant"])
def test_old_spellings_and_variant_groups_are_exact_after_normalisation(
    shared_data: Path, kind: str
) -> None:
    for row in rows(shared_data, "name_spelling_variants.csv"):
        if row["kind"] != kind or "AMBIGUOUS" in row["note"]:
            continue
        for a, b in _example_pairs(row["example"]):
            assert normalise_name(a).key_string == normalise_name(b).key_string, (a, b)
