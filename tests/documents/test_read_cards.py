"""read_document on the other kinds (TD1 / TD2 cards, visas): the fields the issue asks for.

Their captions print small over a guilloche and the page pass often cannot read them; the values
are then taken from the layout's places.  Uses the committed synthetic samples in ``sample_docs``
(tesseract for real).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docscreen.documents.read import read_document
from docscreen.documents.templates import TEMPLATES
from docscreen.models import DocumentKind

SAMPLES = Path(__file__).resolve().parents[2] / "sample_docs"
CARD_FIELDS = (
    "surname",
    "given_names",
    "document_number",
    "birth_date",
    "issue_date",
    "expiry_date",
    "sex",
    "nationality",
)


def _truth(stem: str) -> dict[str, str]:
    spec = json.loads((SAMPLES / f"{stem}.json").read_text())
    return {name: f["value"] for name, f in spec["fields"].items()}


@pytest.mark.parametrize(
    ("stem", "fields"),
    [
        # Upright, glare over the given names and the sex; its captions are unreadable.
        ("td1_card-202700003", tuple(f for f in CARD_FIELDS if f != "document_number")),
        # "NATIONAL ID" in the title is no "Nationality" caption.
        ("td1_card-202700013", CARD_FIELDS),
        # Read upside down at first: the MRZ at the top says the page is turned.
        ("visa_b-202700009", ("given_names", "birth_date", "expiry_date", "sex", "nationality")),
    ],
)
def test_reads_the_printed_fields_of_cards_and_visas(stem: str, fields: tuple[str, ...]) -> None:
    truth = _truth(stem)
    doc = read_document(SAMPLES / f"{stem}.jpg")
    assert doc.kind in (DocumentKind.TD1_CARD, DocumentKind.VISA)
    got = {name: doc.value(name) for name in fields}
    assert got == {name: truth[name] for name in fields}


def test_every_kind_with_an_mrz_has_a_template_with_places() -> None:
    for kind in (DocumentKind.TD1_CARD, DocumentKind.TD2_CARD, DocumentKind.VISA):
        t = TEMPLATES[kind]
        placed = {f.name for f in t.fields if f.nominal is not None}
        assert set(CARD_FIELDS) <= placed, kind
