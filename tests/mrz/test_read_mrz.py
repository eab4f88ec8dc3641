"""read_mrz end to end: pages rendered here, rotations, EXIF, no MRZ, inputs, the CLI contract."""

from __future__ import annotations

import io
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from docscreen.cli import main
from docscreen.imaging.load import load_image
from docscreen.mrz.read import band_shear, read_mrz

OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)


def page(lines: tuple[str, ...] = TD3) -> np.ndarray:
    """A BGR document page: portrait block, VIZ text, MRZ at the bottom (when ``lines``)."""
    img = Image.new("RGB", (1000, 700), (232, 226, 214))
    draw = ImageDraw.Draw(img)
    sans = ImageFont.truetype(SANS, 24)
    draw.rectangle((50, 50, 280, 340), fill=(140, 130, 120))
    for i, text in enumerate(("PASSPORT / PASPOR", "Surname ERIKSSON", "Given names ANNA MARIA")):
        draw.text((320, 60 + 50 * i), text, font=sans, fill=(30, 30, 60))
    font = ImageFont.truetype(OCRB, 27)
    y0 = 560 - 44 * (len(lines) - 2)
    for i, line in enumerate(lines):
        draw.text((50, y0 + 44 * i), line, font=font, fill=(15, 15, 15))
    return np.asarray(img, dtype=np.uint8)[:, :, ::-1].copy()


def _jpeg(bgr: np.ndarray, orientation: int | None = None) -> bytes:
    img = Image.fromarray(bgr[:, :, ::-1])
    buf = io.BytesIO()
    if orientation is None:
        img.save(buf, format="JPEG", quality=90)
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        img.save(buf, format="JPEG", quality=90, exif=exif)
    return buf.getvalue()


def test_reads_td3_page() -> None:
    result = read_mrz(page())
    assert result.found
    assert result.lines == TD3
    assert result.format == "TD3"
    assert result.valid
    assert result.fields["document_number"].value == "L898902C3"
    assert result.confidence > 0.8
    assert result.seconds > 0
    assert result.box is not None
    x, y, w, h = result.box
    assert 30 <= x <= 70 and 520 <= y <= 580 and w > 800 and 60 <= h <= 140


def test_reads_td1_page() -> None:
    result = read_mrz(page(TD1))
    assert result.lines == TD1
    assert result.format == "TD1"
    assert result.valid


@pytest.mark.parametrize("quarters", [1, 2, 3])
def test_rotated_pages(quarters: int) -> None:
    result = read_mrz(np.ascontiguousarray(np.rot90(page(), quarters)))
    assert result.found
    assert result.lines == TD3


def test_exif_rotated_jpeg_bytes_and_path(tmp_path: Path) -> None:
    # Orientation 6 = "rotate 90 CW to display": store the pixels turned the other way.
    stored = np.ascontiguousarray(np.rot90(page(), 1))
    data = _jpeg(stored, orientation=6)
    assert read_mrz(data).lines == TD3
    path = tmp_path / "turned.jpg"
    path.write_bytes(data)
    loaded = load_image(path)
    assert loaded.exif_rotated
    assert read_mrz(loaded).lines == TD3
    assert read_mrz(str(path)).lines == TD3


def test_printed_invalid_check_digit_stays_invalid() -> None:
    printed = (TD3[0], TD3[1][:-1] + "7")  # wrong composite digit, printed that way
    result = read_mrz(page(printed))
    assert result.found
    assert result.lines == printed
    assert not result.valid
    assert result.checks["composite"] == "invalid"


def test_page_without_mrz() -> None:
    result = read_mrz(page(()))
    assert not result.found
    assert result.reason
    assert result.lines == ()
    assert result.seconds < 2.0


def _write(tmp_path: Path, name: str, bgr: np.ndarray) -> str:
    path = tmp_path / name
    cv2.imwrite(str(path), bgr)
    return str(path)


def test_cli_json_contract_and_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path, "good.png", page())
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    text = tmp_path / "notes.jpg"
    text.write_text("not an image")
    none = _write(tmp_path, "none.png", page(()))
    code = main(["mrz", good, str(empty), str(tmp_path / "missing.png"), str(text), none, "--json"])
    out = capsys.readouterr()
    assert code == 2
    rows = [json.loads(line) for line in out.out.splitlines()]
    assert [r["file"] for r in rows] == [
        good,
        str(empty),
        str(tmp_path / "missing.png"),
        str(text),
        none,
    ]
    first = rows[0]
    for key in ("file", "found", "format", "lines", "valid", "fields", "checks", "seconds"):
        assert key in first
    assert first["found"] and first["valid"] and first["format"] == "TD3"
    assert first["lines"] == list(TD3)
    assert first["fields"]["surname"]["value"] == "ERIKSSON"
    assert all("error" in r for r in rows[1:4])
    assert rows[4]["found"] is False and rows[4]["lines"] == []
    errors = out.err.strip().splitlines()
    assert len(errors) == 3
    assert all(line.startswith("docscreen: error:") for line in errors)


def test_cli_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path, "good.png", page(TD1))
    assert main(["mrz", good]) == 0
    out = capsys.readouterr().out
    assert "TD1, valid" in out
    assert TD1[2] in out


@pytest.mark.shared
def test_real_images_smoke(shared_data: Path) -> None:
    truth = {
        t["file"]: t for t in json.loads((shared_data / "mrz" / "ground_truth.json").read_text())
    }
    for name in ("fastmrz/td1.jpg", "PassportEye/100_pass-cze.jpg", "mrz-detection/id1.jpg"):
        result = read_mrz(shared_data / "mrz" / name)
        assert list(result.lines) == truth[name]["mrz_lines"], name
    assert not read_mrz(shared_data / "mrz" / "fastmrz" / "nomrz.jpg").found


def test_page_photographed_at_a_slant() -> None:
    # Keystone: the right edge much shorter than the left (pitch shrinks along the lines).
    src = page()
    h, w = src.shape[:2]
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    target = np.float32([[0, 0], [w, 0.12 * h], [w, 0.88 * h], [0, h]])
    warped = cv2.warpPerspective(
        src, cv2.getPerspectiveTransform(corners, target), (w, h), borderValue=(90, 90, 90)
    )
    assert read_mrz(warped).lines == TD3


def _turned(src: np.ndarray, degrees: float, distance: float) -> np.ndarray:
    """``src`` photographed turned ``degrees`` about its vertical axis from ``distance`` page
    widths away (a pinhole camera): the near side larger, glyphs narrowed by the turn."""
    h, w = src.shape[:2]
    t = np.radians(degrees)
    z0 = distance * w
    turn = np.array([[np.cos(t), 0, 0], [0, 1, 0], [np.sin(t) / z0, 0, 1]])
    centre = np.array([[1, 0, -w / 2], [0, 1, -h / 2], [0, 0, 1]])
    homography = np.linalg.inv(centre) @ turn @ centre
    return cv2.warpPerspective(src, homography, (w, h), borderValue=(90, 90, 90))


@pytest.mark.parametrize(("lines", "degrees"), [(TD3, 30.0), (TD1, -45.0)])
def test_page_turned_away_in_steep_perspective(lines: tuple[str, ...], degrees: float) -> None:
    # The glyphs at the near end are ~1.5x those at the far end: one cap height and one pitch
    # fit neither end until the band is resampled to an even scale.
    result = read_mrz(_turned(page(lines), degrees, 1.2))
    assert result.lines == lines
    assert result.valid


def _sheared(img: np.ndarray, shear: float) -> np.ndarray:
    h, w = img.shape[:2]
    pad = int(abs(shear) * h / 2) + 10
    m = np.float32([[1, shear, pad - shear * h / 2], [0, 1, 0]])
    return cv2.warpAffine(img, m, (w + 2 * pad, h), borderValue=(90, 90, 90))


@pytest.mark.parametrize("shear", [0.3, -0.3])
def test_italic_band_of_a_page_photographed_askew(shear: float) -> None:
    # A parallelogram page: vertical strokes lean by 0.3 (17 degrees); unsheared cells cut 'N'
    # into 'V' and 'I' into 'Z'.
    img = cv2.resize(_sheared(page(TD1), shear), None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA)
    result = read_mrz(img)
    assert result.lines == TD1
    assert result.valid


def test_band_shear_measures_the_slant() -> None:
    # The band as the reader cuts it: cap height ~32 px, line centres at these rows.
    gray = cv2.cvtColor(page(TD1), cv2.COLOR_BGR2GRAY)[480:660, 30:960]
    gray = cv2.resize(gray, None, fx=1.6, fy=1.6, interpolation=cv2.INTER_CUBIC)
    rows = [83.0, 153.0, 224.0]
    assert band_shear(gray, rows) == 0.0
    slanted = _sheared(gray[:, :, None].repeat(3, axis=2), 0.25)[:, :, 0]
    assert band_shear(slanted, rows) == pytest.approx(-0.25, abs=0.04)


def _glare(
    img: np.ndarray, centre: tuple[int, int], sigma: tuple[int, int], strength: float
) -> np.ndarray:
    """Additive glare: each pixel moves up to ``strength`` of the way to white (Gaussian spot)."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    spot = strength * np.exp(
        -(((xx - centre[0]) / sigma[0]) ** 2 + ((yy - centre[1]) / sigma[1]) ** 2) / 2
    )
    out = img.astype(np.float32) + (255.0 - img.astype(np.float32)) * spot[:, :, None]
    return np.clip(out, 0, 255).astype(np.uint8)


def test_glare_spot_over_the_mrz() -> None:
    # Glyphs in the middle of the band keep ~8% of their contrast: a band-wide ink scale would
    # wash them out to '<'; the per-stretch scale reads them.
    result = read_mrz(_glare(page(), (500, 560), (220, 50), 0.92))
    assert result.lines == TD3
    assert result.valid


def test_band_washed_out_everywhere_is_found_on_the_flattened_page() -> None:
    # Every glyph of the band keeps ~6% of its contrast, below the plain search's threshold.
    img = page(TD1).astype(np.float32)
    spot = np.zeros(img.shape[:2], np.float32)
    spot[460:660, 20:980] = 0.94
    spot = cv2.GaussianBlur(spot, (0, 0), 15)[:, :, None]
    washed = np.clip(img + (255.0 - img) * spot, 0, 255).astype(np.uint8)
    result = read_mrz(washed)
    assert result.lines == TD1
    assert result.valid


def test_td1_line_too_faint_to_find_is_still_read_as_a_line() -> None:
    # The first line's fillers printed so pale that the line does not chain: the band is found as
    # two lines of TD1 length, and the reader looks one spacing above and below for the third.
    img = Image.fromarray(page(TD1)[:, :, ::-1].copy())
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(OCRB, 27)
    y0 = 560 - 44
    draw.rectangle((40, y0 - 5, 990, y0 + 40), fill=(232, 226, 214))
    for i, ch in enumerate(TD1[0]):
        shade = 210 if ch == "<" else 15
        draw.text((50 + i * font.getlength("<"), y0), ch, font=font, fill=(shade,) * 3)
    result = read_mrz(np.asarray(img)[:, :, ::-1].copy())
    assert result.format == "TD1"
    assert result.lines[1:] == TD1[1:]
    assert result.valid == (result.lines == TD1)  # never made valid by force


def test_line_cut_in_two_by_glare_still_completes_the_band() -> None:
    # Glare wipes out the middle of the first line: what is left are two pieces of 14 and 16
    # glyphs, too short to be a line, so the band was not found at all.  The pieces at one
    # spacing above a full line of MRZ length stand for it.
    img = Image.fromarray(page(TD3)[:, :, ::-1].copy())
    draw = ImageDraw.Draw(img)
    advance = ImageFont.truetype(OCRB, 27).getlength("<")
    draw.rectangle((50 + 14 * advance, 555, 50 + 28 * advance, 598), fill=(232, 226, 214))
    result = read_mrz(np.asarray(img)[:, :, ::-1].copy())
    assert result.found and result.format == "TD3"
    assert result.lines[0].startswith("P<UTOERIKSSON<")
    assert result.lines[0].endswith("<" * 16)
    assert result.lines[1] == TD3[1]


def test_bold_headings_that_fit_no_mrz_layout_are_not_an_mrz() -> None:
    # The e-KTP's bold province/regency headings read as clean OCR-B-like text lines of 25 and 27
    # characters: no MRZ layout has such lines, so nothing is reported.
    ktp = Path(__file__).resolve().parents[2] / "sample_docs" / "idn_ktp-202700001.jpg"
    result = read_mrz(load_image(ktp))
    assert not result.found
    assert result.reason is not None and "no MRZ layout" in result.reason
    assert result.lines == ()
