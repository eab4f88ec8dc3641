"""MRZ dates (YYMMDD) with century inference.

The MRZ drops the century, so it is inferred: a birth date is never in the future relative to the
screening day; an expiry date is in the 2000s unless that would put it more than
:data:`EXPIRY_MAX_YEARS_AHEAD` years ahead, which only happens for documents that expired in the
1900s.  Reading "970801" as 2097 would make a document that expired in 1997 look valid for decades,
which is the wrong way to fail for a screening tool.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

DateKind = Literal["birth", "expiry"]

EXPIRY_MAX_YEARS_AHEAD = 50
"""An expiry date further than this many years after today is taken to be in the 1900s."""


@dataclass(frozen=True)
class MrzDate:
    """A parsed MRZ date: the date, or why there is none."""

    raw: str
    date: dt.date | None
    problem: str | None = None  # "unknown_parts" | "not_a_date" | "bad_characters"

    @property
    def iso(self) -> str:
        return self.date.isoformat() if self.date is not None else ""


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(raw: str, kind: DateKind, today: dt.date | None = None) -> MrzDate:
    """Parse six MRZ characters as a date of the given kind."""
    today = today or dt.date.today()
    if len(raw) != 6:
        return MrzDate(raw, None, "bad_characters")
    if "<" in raw and all(c.isdigit() or c == "<" for c in raw):
        # ICAO lets an issuer replace unknown parts of a birth date with fillers.
        return MrzDate(raw, None, "unknown_parts")
    if not raw.isascii() or not raw.isdigit():
        return MrzDate(raw, None, "bad_characters")
    yy, mm, dd = int(raw[:2]), int(raw[2:4]), int(raw[4:])
    if kind == "birth":
        for century in (2000, 1900):
            d = _make(century + yy, mm, dd)
            if d is not None and d <= today:
                return MrzDate(raw, d)
        # A valid day that is still in the future in 19yy cannot happen; the day itself is bad.
        return MrzDate(raw, None, "not_a_date")
    year = 2000 + yy
    if year > today.year + EXPIRY_MAX_YEARS_AHEAD:
        year -= 100
    d = _make(year, mm, dd)
    return MrzDate(raw, d, None if d is not None else "not_a_date")
