"""The names DESIGN.md promises at the top level of the package."""

from __future__ import annotations

import docscreen


def test_public_api_names_are_exported() -> None:
    for name in ("screen", "read_mrz", "read_document", "CaseStore", "ScreeningReport", "Document"):
        assert name in docscreen.__all__
        assert callable(getattr(docscreen, name))


def test_screen_on_a_document_without_readers() -> None:
    doc = docscreen.Document(file=None, kind=docscreen.DocumentKind.UNKNOWN)
    report = docscreen.screen([doc])
    assert report.risk in set(docscreen.Risk)
    assert all(f.status in set(docscreen.Status) for f in report.findings)
