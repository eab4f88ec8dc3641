"""The TD3 page a passport's MRZ implies: its corners wherever the page lies in the photo."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from docscreen.imaging.load import load_image
from docscreen.mrz.read import read_mrz, read_mrz_page

specimens = pytest.importorskip("docscreen.specimens")
OPTS = specimens.SpecimenOptions(today=dt.date(2026, 6, 1))


@pytest.mark.parametrize(
    "capture",
    [
        "rotate=3",  # level, upright
        "rotate=183,perspective:0.1",  # upside down, a little slant
        "rotate=-43.5,photocopy:0.47",  # a photocopy turned 43 degrees on a light table
        "rotate=92.7,uneven_light:0.5",  # a quarter turn
    ],
)
def test_page_corners_from_the_mrz_alone(capture: str) -> None:
    spec = specimens.make_specimen(5900011, "idn_passport", capture=capture, options=OPTS)
    pixels = load_image(spec.data).pixels
    mrz, page = read_mrz_page(pixels)
    assert mrz.found and mrz.format == "TD3"
    assert mrz == read_mrz(pixels) or mrz.lines == read_mrz(pixels).lines
    assert page is not None
    truth = np.array(spec.truth["document_quad"], dtype=np.float64)  # page as read: TL TR BR BL
    width = float(np.linalg.norm(truth[1] - truth[0]))
    errors = np.linalg.norm(np.array(page) - truth, axis=1)
    # Within 3% of the page's width at every corner, in the order the page is read.  A slanted
    # photo shrinks the far side: the page is drawn square around the MRZ, so only the corners
    # beside the MRZ hold then (the far ones within 8%).
    near = errors[2:] if "perspective" in capture else errors
    assert near.max() < 0.03 * width, (errors.round(1).tolist(), width)
    assert errors.max() < 0.08 * width, (errors.round(1).tolist(), width)


def test_no_page_without_a_td3_mrz() -> None:
    ktp = specimens.make_specimen(5900011, "idn_ktp", capture="rotate=3", options=OPTS)
    mrz, page = read_mrz_page(load_image(ktp.data).pixels)
    assert not mrz.found and page is None
