"""Capture chain: truth geometry follows the pixels; presets; generate() determinism; name lists."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from docscreen.errors import InputError
from docscreen.specimens import SpecimenOptions, generate, make_specimen, parse_capture

TODAY = dt.date(2026, 11, 29)
OPTS = SpecimenOptions(today=TODAY)


@pytest.mark.parametrize(("angle", "k"), [(90, 1), (180, 2), (270, 3)])
def test_right_angle_rotation_moves_field_pixels_with_their_box(angle: int, k: int) -> None:
    clean = make_specimen(5, "idn_ktp", options=OPTS)
    turned = make_specimen(5, "idn_ktp", capture=f"rotate={angle}", options=OPTS)
    x, y, w, h = clean.truth["fields"]["nik"]["box"]
    expected = np.rot90(clean.image[y : y + h, x : x + w], k=k)
    X, Y, W, H = turned.truth["fields"]["nik"]["box"]
    got = turned.image[Y : Y + H, X : X + W]
    assert got.shape == expected.shape
    assert np.abs(got.astype(int) - expected.astype(int)).mean() < 2.0


@pytest.mark.parametrize("seed", range(4))
def test_realistic_capture_boxes_hold_ink_and_stay_inside(seed: int) -> None:
    sp = make_specimen(seed, "idn_passport", capture="realistic", options=OPTS)
    assert sp.ext == "jpg" and sp.truth["usable"] is True
    w, h = sp.truth["image_size"]
    assert sp.image.shape[:2] == (h, w)
    grey = np.asarray(Image.fromarray(sp.image[:, :, ::-1]).convert("L"))
    paper = np.percentile(grey, 60)
    for name, f in sp.truth["fields"].items():
        x, y, bw, bh = f["box"]
        assert x >= 0 and y >= 0 and x + bw <= w and y + bh <= h, name
        assert grey[y : y + bh, x : x + bw].min() < paper - 60, name  # the ink is in the box
    for qx, qy in sp.truth["document_quad"]:
        assert -1 <= qx <= w + 1 and -1 <= qy <= h + 1


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_orientations(orientation: int) -> None:
    sp = make_specimen(1, "td1_card", capture=f"exif_rotation={orientation}", options=OPTS)
    raw = Image.open(io.BytesIO(sp.data))
    assert raw.getexif().get(0x0112) == orientation
    shown = np.asarray(ImageOps.exif_transpose(raw), dtype=np.int16)
    assert shown.shape[:2] == sp.image.shape[:2]
    assert np.abs(shown - sp.image[:, :, ::-1].astype(np.int16)).mean() < 3


def test_unusable_preset_is_flagged() -> None:
    for seed in range(3):
        sp = make_specimen(seed, "idn_ktp", capture="unusable", options=OPTS)
        assert sp.truth["usable"] is False
        effects = {e["effect"] for e in sp.truth["capture"]}
        assert effects & {"cut_corner", "glare_key", "blur"}


def test_glare_key_covers_the_nik() -> None:
    plain = make_specimen(2, "idn_ktp", options=OPTS)
    glared = make_specimen(2, "idn_ktp", capture="glare_key:1.0", options=OPTS)
    x, y, w, h = plain.truth["fields"]["nik"]["box"]
    before = plain.image[y : y + h, x : x + w].astype(int)
    after = glared.image[y : y + h, x : x + w].astype(int)
    assert before.min() < 80 and after.min() > before.min() + 100  # the ink is washed out


@pytest.mark.parametrize("bad", ["sepia", "blur:2", "rotate=abc", "none,blur"])
def test_bad_capture_specs(bad: str) -> None:
    with pytest.raises(InputError):
        parse_capture(bad)


def test_generate_is_deterministic(tmp_path: Path) -> None:
    def run(out: Path) -> dict[str, str]:
        generate(
            out,
            3,
            9,
            kinds=["idn_passport", "idn_ktp"],
            forgeries=["copy_move", "photo_swap"],
            forgery_rate=1.0,
            capture="realistic",
            options=OPTS,
        )
        return {
            str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*"))
            if p.is_file()
        }

    first, second = run(tmp_path / "a"), run(tmp_path / "b")
    assert first == second
    assert sum(name.endswith(".mask.png") for name in first) == 3


def test_names_dir_lists_are_used(tmp_path: Path) -> None:
    for part in ("first-male", "first-female", "last-male", "last-female"):
        (tmp_path / f"{part}.csv").write_text("Zzyzx\n", encoding="utf-8")
    opts = SpecimenOptions(today=TODAY, names_dir=tmp_path)
    names = [
        make_specimen(s, "idn_ktp", options=opts).truth["fields"]["full_name"]["value"]
        for s in range(12)
    ]
    assert any("ZZYZX" in n for n in names)
    plain = [
        make_specimen(s, "idn_ktp", options=OPTS).truth["fields"]["full_name"]["value"]
        for s in range(12)
    ]
    assert not any("ZZYZX" in n for n in plain)
