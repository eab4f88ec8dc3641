"""The committed sample_docs/ set is complete and consistent with its truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from docscreen.mrz.checkdigit import is_valid

SAMPLES = Path(__file__).resolve().parents[2] / "sample_docs"
ROWS = [
    (folder, json.loads(line))
    for index in sorted(SAMPLES.rglob("index.jsonl"))
    for folder in [index.parent]
    for line in index.read_text(encoding="utf-8").splitlines()
]


def test_the_set_has_kinds_forgeries_bundles_and_stays_small() -> None:
    assert 18 <= len(ROWS) <= 30
    kinds = {row["kind"] for _, row in ROWS}
    assert {"idn_passport", "idn_ktp", "td1_card", "visa"} <= kinds
    assert sum(1 for _, row in ROWS if row["forgery"]) >= 6
    assert sum(1 for _, row in ROWS if row["bundle"]) >= 4
    assert any(row["usable"] is False for _, row in ROWS)
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < 6 * 1024 * 1024
    assert (SAMPLES / "README.md").read_text(encoding="utf-8").count(
        "docscreen specimens generate"
    ) >= 1


@pytest.mark.parametrize(("folder", "row"), ROWS, ids=[row["id"] for _, row in ROWS])
def test_each_sample_matches_its_truth(folder: Path, row: dict[str, object]) -> None:
    truth = json.loads((folder / str(row["truth"])).read_text(encoding="utf-8"))
    with Image.open(folder / str(row["image"])) as img:
        assert list(img.size) == truth["image_size"] or truth["exif_orientation"]
    forgery = truth["forgery"]
    if forgery:
        with Image.open(folder / Path(str(row["truth"])).parent / forgery["mask"]) as mask:
            assert list(mask.size) == truth["image_size"]
    if truth["mrz_lines"] and not forgery and not truth.get("bundle_forgery"):
        l2 = truth["mrz_lines"][1]
        if truth["mrz_format"] != "TD1":
            assert (
                is_valid(l2[0:9], l2[9])
                and is_valid(l2[13:19], l2[19])
                and is_valid(l2[21:27], l2[27])
            )
