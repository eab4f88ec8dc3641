"""The rules and the MRZ layer judge country codes from one list."""

from __future__ import annotations

from docscreen.checks.countries import MRZ_COUNTRY_CODES
from docscreen.mrz import countries


def test_rules_use_the_mrz_layers_codes() -> None:
    assert {"IDN", "D", "UNO", "XXA", "XCE", "RKS"} <= MRZ_COUNTRY_CODES
    assert MRZ_COUNTRY_CODES <= countries.ALL_CODES
    # Withdrawn and specimen codes are not valid current codes; their own rules judge them.
    assert not {"DDR", "YUG", "UTO"} & MRZ_COUNTRY_CODES
