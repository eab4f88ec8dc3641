"""Genuine specimens: determinism, boxes, MRZ check digits, NIK consistency."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from docscreen.indonesia.nik import parse_nik
from docscreen.mrz.checkdigit import is_valid
from docscreen.specimens import KINDS, SpecimenOptions, make_bundle, make_specimen

TODAY = dt.date(2026, 11, 29)
OPTS = SpecimenOptions(today=TODAY)


def _mrz_checks(fmt: str, lines: list[str]) -> list[tuple[str, str]]:
    """(data, digit) pairs of every check digit, written independently of the generator."""
    if fmt == "TD1":
        l1, l2 = lines[0], lines[1]
        return [
            (l1[5:14], l1[14]),
            (l2[0:6], l2[6]),
            (l2[8:14], l2[14]),
            (l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29]),
        ]
    l2 = lines[1]
    pairs = [(l2[0:9], l2[9]), (l2[13:19], l2[19]), (l2[21:27], l2[27])]
    if fmt == "TD3":
        pairs.append((l2[28:42], l2[42]))
        pairs.append((l2[0:10] + l2[13:20] + l2[21:43], l2[43]))
    if fmt == "TD2":
        pairs.append((l2[0:10] + l2[13:20] + l2[21:35], l2[35]))
    return pairs


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_bytes_and_truth(kind: str) -> None:
    a = make_specimen(7, kind, options=OPTS)
    b = make_specimen(7, kind, options=OPTS)
    assert hashlib.sha256(a.data).hexdigest() == hashlib.sha256(b.data).hexdigest()
    assert a.truth == b.truth
    c = make_specimen(8, kind, options=OPTS)
    assert c.data != a.data


@pytest.mark.parametrize("kind", KINDS)
def test_boxes_inside_image_and_mrz_valid(kind: str) -> None:
    sp = make_specimen(11, kind, options=OPTS)
    w, h = sp.truth["image_size"]
    decoded = np.asarray(Image.open(io.BytesIO(sp.data)))
    assert decoded.shape[:2] == (h, w)
    assert sp.truth["fields"], "every kind prints fields"
    for name, f in sp.truth["fields"].items():
        x, y, bw, bh = f["box"]
        assert x >= 0 and y >= 0 and x + bw <= w and y + bh <= h, name
        assert bw > 0 and bh > 0, name
    lines = sp.truth["mrz_lines"]
    fmt = sp.truth["mrz_format"]
    if kind == "idn_ktp":
        assert lines is None
        return
    assert len({len(line) for line in lines}) == 1
    for data, digit in _mrz_checks(fmt, lines):
        assert is_valid(data, digit), (data, digit)
    # The MRZ carries the printed birth date and sex.
    mf = sp.truth["mrz_fields"]
    assert mf["birth_date"] == sp.truth["fields"]["birth_date"]["value"]
    assert mf["sex"] == sp.truth["person"]["sex"]


def test_box_covers_the_printed_ink() -> None:
    sp = make_specimen(3, "idn_passport", options=OPTS)
    grey = np.asarray(Image.open(io.BytesIO(sp.data)).convert("L"), dtype=np.int16)
    x, y, w, h = sp.truth["fields"]["document_number"]["box"]
    inside = grey[y : y + h, x : x + w]
    assert inside.min() < 60  # black ink inside the box
    ring = grey[y - 6 : y + h + 6, x - 6 : x + w + 6].copy()
    ring[6:-6, 6:-6] = 255
    assert ring.min() > 60  # and none just outside it


@pytest.mark.parametrize("seed", range(6))
def test_ktp_nik_matches_birth_date_and_sex(seed: int) -> None:
    sp = make_specimen(seed, "idn_ktp", options=OPTS)
    fields = sp.truth["fields"]
    parts = parse_nik(fields["nik"]["value"])
    assert parts is not None
    assert parts.birth_date(today=TODAY) == dt.date.fromisoformat(fields["birth_date"]["value"])
    assert parts.sex == fields["sex"]["value"]
    assert fields["sex"]["text"] == ("LAKI-LAKI" if parts.sex == "M" else "PEREMPUAN")
    assert parts.district == sp.truth["person"]["district_code"]


@pytest.mark.parametrize("seed", range(8))
def test_passport_validity_rule(seed: int) -> None:
    sp = make_specimen(seed, "idn_passport", options=OPTS)
    f = sp.truth["fields"]
    issue = dt.date.fromisoformat(f["issue_date"]["value"])
    expiry = dt.date.fromisoformat(f["expiry_date"]["value"])
    birth = dt.date.fromisoformat(f["birth_date"]["value"])
    age = issue.year - birth.year - ((issue.month, issue.day) < (birth.month, birth.day))
    years = 10 if issue >= dt.date(2022, 10, 12) and age >= 17 else 5
    assert expiry.replace(day=min(expiry.day, 28)) == issue.replace(
        year=issue.year + years, day=min(issue.day, 28)
    )
    assert issue < TODAY <= expiry
    assert f["issuing_office"]["value"] in {
        "KUPANG",
        "ATAMBUA",
        "LABUAN BAJO",
        "MAUMERE",
        "JAKARTA PUSAT",
        "SURABAYA",
        "DENPASAR",
        "BANDUNG",
        "BALIKPAPAN",
    }


def test_bundle_is_one_person() -> None:
    passport, ktp = make_bundle(5, options=OPTS)
    assert passport.truth["bundle"] == ktp.truth["bundle"]
    for name in ("full_name", "birth_date", "sex"):
        assert passport.truth["fields"][name]["value"] == ktp.truth["fields"][name]["value"]


def test_exif_orientation_only_capture_displays_as_truth() -> None:
    sp = make_specimen(2, "idn_ktp", capture="exif_rotation=6,jpeg=90", options=OPTS)
    assert sp.ext == "jpg" and sp.truth["exif_orientation"] == 6
    raw = Image.open(io.BytesIO(sp.data))
    assert raw.getexif().get(0x0112) == 6
    shown = ImageOps.exif_transpose(raw)
    w, h = sp.truth["image_size"]
    assert shown.size == (w, h)
    assert raw.size == (h, w)  # stored pixels are turned
    diff = np.abs(np.asarray(shown, dtype=np.int16) - sp.image[:, :, ::-1].astype(np.int16))
    assert diff.mean() < 3  # only JPEG loss
