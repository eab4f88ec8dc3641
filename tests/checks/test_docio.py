from __future__ import annotations

import datetime as dt

import pytest

from docscreen.checks.docio import document_from_dict, document_from_truth
from docscreen.errors import InputError
from docscreen.models import DocumentKind, Risk
from docscreen.screening import screen

from .builders import ktp, passport

TODAY = dt.date(2026, 6, 1)


def test_document_dict_round_trip() -> None:
    doc = passport()
    again = document_from_dict(doc.to_dict())
    assert again.kind is DocumentKind.IDN_PASSPORT
    assert again.fields == doc.fields
    assert again.mrz is not None and doc.mrz is not None
    assert again.mrz.lines == doc.mrz.lines and again.mrz.valid


def test_bad_document_json() -> None:
    with pytest.raises(InputError, match="kind"):
        document_from_dict({"fields": {}})
    with pytest.raises(InputError, match="unknown document kind"):
        document_from_dict({"kind": "boat"})


def test_generator_truth_as_perfect_reader() -> None:
    specimens = pytest.importorskip("docscreen.specimens")
    from docscreen.specimens.specimen import SpecimenOptions

    opts = SpecimenOptions(today=TODAY)
    genuine = [document_from_truth(s.truth, TODAY) for s in specimens.make_bundle(11, options=opts)]
    assert {d.kind for d in genuine} == {DocumentKind.IDN_PASSPORT, DocumentKind.IDN_KTP}
    from docscreen.models import ScreeningContext

    ctx = ScreeningContext(screening_date=TODAY)
    assert screen(genuine, ctx, store=False, regions=None).risk is not Risk.ALERT
    forged = specimens.make_bundle(11, forgery="bundle_age_cross", options=opts)
    report = screen(
        [document_from_truth(s.truth, TODAY) for s in forged], ctx, store=False, regions=None
    )
    assert report.risk is Risk.ALERT
    assert any(f.code == "PP-06b" and f.status.value == "fail" for f in report.findings)


def test_builders_are_consistent() -> None:
    # The fixtures used across the rule tests describe one genuine traveller.
    report = screen([passport(), ktp()], None, store=False, regions=None)
    assert report.documents[0].mrz is not None and report.documents[0].mrz.valid
