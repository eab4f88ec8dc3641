"""read_document on generated specimens (genuine passport page and e-KTP), tesseract for real."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from docscreen.documents.read import read_document
from docscreen.models import DocumentKind

specimens = pytest.importorskip("docscreen.specimens")
OPTS = specimens.SpecimenOptions(today=dt.date(2026, 11, 1))


@pytest.fixture(scope="module")
def passport() -> object:
    return specimens.make_specimen(424242, "idn_passport", capture="rotate=3", options=OPTS)


@pytest.fixture(scope="module")
def ktp() -> object:
    return specimens.make_specimen(424243, "idn_ktp", capture="rotate=182", options=OPTS)


def test_reads_a_genuine_passport_page(passport: object) -> None:
    truth = passport.truth  # type: ignore[attr-defined]
    doc = read_document(passport.data, read_mrz=False)  # type: ignore[attr-defined]
    assert doc.kind is DocumentKind.IDN_PASSPORT
    for name in ("document_number", "full_name", "birth_date", "expiry_date", "sex"):
        assert doc.value(name) == truth["fields"][name]["value"], name
    assert doc.quality.usable, doc.quality.reasons
    # Boxes are in the image's own coordinates, near the generator's truth box.
    got = doc.fields["document_number"].box
    want = truth["fields"]["document_number"]["box"]
    assert got is not None and abs(got[0] - want[0]) < 25 and abs(got[1] - want[1]) < 25


def test_reads_an_upside_down_ktp(ktp: object) -> None:
    truth = ktp.truth  # type: ignore[attr-defined]
    doc = read_document(ktp.data, read_mrz=False)  # type: ignore[attr-defined]
    assert doc.kind is DocumentKind.IDN_KTP
    for name in ("nik", "full_name", "birth_date", "sex", "province"):
        assert doc.value(name) == truth["fields"][name]["value"], name


def test_cli_json_contract_and_bad_file(ktp: object, tmp_path: Path) -> None:
    good = tmp_path / "ktp.png"
    cv2.imwrite(str(good), np.asarray(ktp.image))  # type: ignore[attr-defined]
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    proc = subprocess.run(
        [sys.executable, "-m", "docscreen.cli", "read", str(bad), str(good), "--json", "--no-mrz"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert lines[0] == {"file": str(bad), "error": lines[0]["error"]}
    assert "broken.jpg" in proc.stderr and proc.stderr.count("\n") == 1
    doc = lines[1]
    assert doc["file"] == str(good)
    assert doc["kind"] == "idn_ktp"
    nik = doc["fields"]["nik"]
    assert set(nik) >= {"value", "raw", "confidence", "box"}
    assert nik["value"] == ktp.truth["fields"]["nik"]["value"]  # type: ignore[attr-defined]
    assert {"usable", "reasons", "metrics", "checks"} <= set(doc["quality"])
