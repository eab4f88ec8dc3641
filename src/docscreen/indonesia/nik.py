"""NIK (Nomor Induk Kependudukan): 16 digits = region (6) + birth date DDMMYY (+40 on DD for women)
+ serial (4).  Pure functions; validators return a result object or None instead of raising."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_NIK_RE = re.compile(r"^\d{16}$")


@dataclass(frozen=True)
class NikParts:
    nik: str
    province: str  # 2 digits
    regency: str  # 4 digits (province + regency)
    district: str  # 6 digits (province + regency + district)
    day: int  # day of birth as printed in the NIK, women already minus 40
    month: int
    year2: int  # two-digit year
    sex: str  # "M" or "F"
    serial: str  # 4 digits

    def birth_date(
        self, century_hint: int | None = None, today: dt.date | None = None
    ) -> dt.date | None:
        """Birth date with the century inferred (never in the future), or None if impossible."""
        today = today or dt.date.today()
        if century_hint is not None:
            year = century_hint * 100 + self.year2
        else:
            year = 2000 + self.year2 if 2000 + self.year2 <= today.year else 1900 + self.year2
        try:
            d = dt.date(year, self.month, self.day)
        except ValueError:
            return None
        if d > today and century_hint is None:
            try:
                d = dt.date(year - 100, self.month, self.day)
            except ValueError:
                return None
        return d


def parse_nik(text: str) -> NikParts | None:
    """Split a 16-digit NIK into its parts, or None when it is not 16 digits or has no valid date."""
    nik = text.strip()
    if not _NIK_RE.match(nik):
        return None
    day = int(nik[6:8])
    month = int(nik[8:10])
    sex = "M"
    if day > 40:
        day -= 40
        sex = "F"
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    if nik[12:16] == "0000":
        return None
    return NikParts(
        nik=nik,
        province=nik[0:2],
        regency=nik[0:4],
        district=nik[0:6],
        day=day,
        month=month,
        year2=int(nik[10:12]),
        sex=sex,
        serial=nik[12:16],
    )


def build_nik(district_code: str, birth_date: dt.date, sex: str, serial: int) -> str:
    """Compose a NIK from a 6-digit district code, birth date, sex ("M"/"F") and serial 1..9999."""
    digits = re.sub(r"\D", "", district_code)
    if len(digits) != 6:
        raise ValueError(f"district code must have 6 digits, got {district_code!r}")
    if not 1 <= serial <= 9999:
        raise ValueError(f"serial must be 1..9999, got {serial}")
    if sex not in ("M", "F"):
        raise ValueError(f"sex must be 'M' or 'F', got {sex!r}")
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{digits}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


# OCR confusions that are only undone inside a NIK token (NIK-01): letters that look like digits.
_NIK_OCR = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "B": "8",
                          "S": "5", "s": "5"})  # fmt: skip


def normalise_nik(text: str) -> str:
    """The NIK as digits: OCR look-alikes mapped (O->0, I/l->1, B->8, S->5), spaces and dots dropped."""
    return re.sub(r"[\s.\-:]", "", text.translate(_NIK_OCR))


def split_nik(text: str) -> NikParts | None:
    """Any 16 digits split into NIK parts without judging them (rules report each defect)."""
    nik = normalise_nik(text)
    if not _NIK_RE.match(nik):
        return None
    day = int(nik[6:8])
    sex = "F" if day > 40 else "M"
    return NikParts(
        nik=nik,
        province=nik[0:2],
        regency=nik[0:4],
        district=nik[0:6],
        day=day - 40 if day > 40 else day,
        month=int(nik[8:10]),
        year2=int(nik[10:12]),
        sex=sex,
        serial=nik[12:16],
    )


def nik_birth_dates(parts: NikParts) -> list[dt.date]:
    """The calendar dates the NIK's DDMMYY can mean (19YY and 20YY), earliest first."""
    out: list[dt.date] = []
    for century in (19, 20):
        try:
            out.append(dt.date(century * 100 + parts.year2, parts.month, parts.day))
        except ValueError:
            continue
    return out


def nik_birth_date_near(parts: NikParts, reference: dt.date | None) -> dt.date | None:
    """The NIK birth date whose century is closest to ``reference`` (e.g. the printed birth date),
    else the latest one not after today."""
    dates = nik_birth_dates(parts)
    if not dates:
        return None
    if reference is not None:
        return min(dates, key=lambda d: abs((d - reference).days))
    today = dt.date.today()
    past = [d for d in dates if d <= today]
    return past[-1] if past else dates[0]


def placeholder_birth_date(date: dt.date) -> str | None:
    """Why a birth date looks like a registry placeholder for an unknown date, or None.

    SIAK registers unknown birth dates as 1 July (since 2004) or 31 December (before), and the 15th
    when only the month is known; 1 January is the common international placeholder."""
    if (date.month, date.day) == (7, 1):
        return "01-07: SIAK placeholder for an unknown birth date (since 2004)"
    if (date.month, date.day) == (12, 31):
        return "31-12: SIAK placeholder for an unknown birth date (before 2004)"
    if (date.month, date.day) == (1, 1):
        return "01-01: common placeholder for an unknown birth date"
    if date.day == 15:
        return "day 15: SIAK placeholder when only the month of birth is known"
    return None
