"""Normalise printed field text: dates to ISO, sex to M/F, NIK digits, names and codes.

Pure functions (no cv2, no tesseract).  Each returns the normalised value or None when the text
cannot be read as one, so an unreadable field stays None instead of becoming a wrong value.
"""

from __future__ import annotations

import datetime as dt
import re

from rapidfuzz import fuzz

# Indonesian and English month abbreviations and names, as printed on passports and KTPs.
_MONTHS: dict[str, int] = {
    "JAN": 1, "JANUARI": 1, "JANUARY": 1,
    "FEB": 2, "PEB": 2, "FEBRUARI": 2, "PEBRUARI": 2, "FEBRUARY": 2,
    "MAR": 3, "MARET": 3, "MARCH": 3,
    "APR": 4, "APRIL": 4,
    "MEI": 5, "MAY": 5,
    "JUN": 6, "JUNI": 6, "JUNE": 6,
    "JUL": 7, "JULI": 7, "JULY": 7,
    "AGU": 8, "AGT": 8, "AGS": 8, "AUG": 8, "AGUSTUS": 8, "AUGUST": 8,
    "SEP": 9, "SEPT": 9, "SEPTEMBER": 9,
    "OKT": 10, "OCT": 10, "OKTOBER": 10, "OCTOBER": 10,
    "NOV": 11, "NOP": 11, "NOVEMBER": 11, "NOPEMBER": 11,
    "DES": 12, "DEC": 12, "DESEMBER": 12, "DECEMBER": 12,
}  # fmt: skip

# Letters tesseract confuses with digits; used only where a digit is expected.
_DIGIT_FIX = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1", "L": "1",
     "B": "8", "S": "5", "s": "5", "Z": "2", "z": "2", "G": "6", "b": "6", "T": "7", "g": "9"}
)  # fmt: skip
_LETTER_FIX = str.maketrans({"0": "O", "1": "I", "8": "B", "5": "S", "2": "Z", "6": "G"})
# A passport series letter read as a digit: only the common confusions (B as 8, A as 4).
_SERIES_FIX = str.maketrans({"8": "B", "4": "A"})
# Where the format prints a letter, any digit read there is its look-alike.
_LETTER_ONLY_FIX = str.maketrans({"0": "O", "1": "I", "8": "B", "5": "S", "2": "Z", "6": "G", "4": "A", "7": "T"})  # fmt: skip


def fix_digits(text: str) -> str:
    """Map look-alike letters to digits (for text where only digits are expected)."""
    return text.translate(_DIGIT_FIX)


def _month(token: str) -> int | None:
    t = token.upper().translate(_LETTER_FIX).strip(".")
    if t in _MONTHS:
        return _MONTHS[t]
    # Bilingual prints such as "AGU/AUG" or "MEI/MAY": either half will do.
    for part in re.split(r"[/\\|]", t):
        if part in _MONTHS:
            return _MONTHS[part]
    if len(t) >= 3:
        best = max(_MONTHS, key=lambda m: fuzz.ratio(t, m))
        if fuzz.ratio(t, best) >= 66:
            return _MONTHS[best]
    return None


def month_number(token: str) -> int | None:
    """The month a printed month name or abbreviation stands for, exactly as spelt (``SEP``,
    ``AGU/AUG``); None otherwise (no look-alikes, no fuzzy match)."""
    t = token.upper().strip(".")
    if t in _MONTHS:
        return _MONTHS[t]
    return next((_MONTHS[p] for p in re.split(r"[/\\|]", t) if p in _MONTHS), None)


def _year(text: str) -> int | None:
    digits = fix_digits(text)
    if re.fullmatch(r"\d{4}", digits):
        y = int(digits)
        return y if 1900 <= y <= 2100 else None
    return None


def _make(y: int | None, m: int | None, d: int | None) -> str | None:
    if y is None or m is None or d is None:
        return None
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def normalise_date(text: str) -> str | None:
    """``17-08-1990``, ``17 AGU 1990``, ``17 AUG/AGU 1990``, ``1990-08-17``... -> ``1990-08-17``."""
    t = text.strip().upper()
    if not t:
        return None
    # Month name forms: DD MON YYYY (tolerating any separators between the three parts).
    m = re.search(
        r"([0-9OIlSBDZ]{1,2})[\s.\-/,]*([A-Z]{3,9}(?:[/\\|][A-Z]{3,9})?)[\s.\-/,]*([0-9OIlSBDZ]{4})",
        t,
    )
    if m:
        day_s = fix_digits(m.group(1))
        month = _month(m.group(2))
        if day_s.isdigit() and month is not None:
            return _make(_year(m.group(3)), month, int(day_s))
    digits_only = re.sub(r"[\s]", "", fix_digits(t))
    parts = [p for p in re.split(r"[\-/.,:]+", digits_only) if p]
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        a, b, c = parts
        if len(a) == 4:
            return _make(int(a), int(b), int(c))
        if len(c) == 4:
            return _make(int(c), int(b), int(a))
    m2 = re.fullmatch(r"(\d{2})(\d{2})(\d{4})", digits_only)
    if m2:
        return _make(int(m2.group(3)), int(m2.group(2)), int(m2.group(1)))
    # Day, month and year run together with the month's first letter read as a digit
    # ("043AN2022" for "04 JAN 2022"): the month is the three characters between.
    compact = re.sub(r"[^A-Z0-9]", "", t)
    m3 = re.fullmatch(r"([0-9OIlSBDZ]{2})([A-Z0-9]{3})([0-9OIlSBDZ]{4})", compact)
    if m3 and any(c.isalpha() for c in m3.group(2)[1:]):
        day_s = fix_digits(m3.group(1))
        month = _month(m3.group(2))
        if day_s.isdigit() and month is not None:
            return _make(_year(m3.group(3)), month, int(day_s))
    return None


_MALE = ("LAKI-LAKI", "LAKI", "MALE", "PRIA")
_FEMALE = ("PEREMPUAN", "FEMALE", "WANITA")


def normalise_sex(text: str) -> str | None:
    """``LAKI-LAKI``/``L``/``M``/``P/F``... -> ``M``/``F`` (``X`` kept); None when unreadable."""
    t = re.sub(r"[^A-Z/\-]", "", text.upper())
    if not t:
        return None
    if t in ("M", "L", "L/M", "M/L", "LK"):
        return "M"
    if t in ("F", "P", "P/F", "F/P", "W", "PR"):
        return "F"
    if t in ("X", "<"):
        return "X"
    # "P / F" and "L / M" with the slash read as I, l, 1 or |.
    m = re.fullmatch(
        r"([LMPF])[/I1|]?([LMPF])",
        text.upper().replace(" ", "").replace("|", "/").replace("1", "/"),
    )
    if m and {m.group(1), m.group(2)} in ({"L", "M"}, {"P", "F"}):
        return "M" if m.group(1) in "LM" else "F"
    if "LAKI" in t or t.startswith("MALE") or "PRIA" in t:
        return "M"
    if "EREMPU" in t or "FEMALE" in t or "WANITA" in t:
        return "F"
    letters = t.replace("-", "").replace("/", "")
    best_m = max(fuzz.ratio(letters, x.replace("-", "")) for x in _MALE)
    best_f = max(fuzz.ratio(letters, x.replace("-", "")) for x in _FEMALE)
    if max(best_m, best_f) >= 70 and best_m != best_f:
        return "M" if best_m > best_f else "F"
    return None


def normalise_nik(text: str) -> str | None:
    """The 16-digit NIK from OCR text, mapping O->0, I->1, B->8, S->5 inside the number only.

    Look-alike letters are mapped only within the run that forms the number, so a label such as
    ``NIK :`` next to it is never turned into digits.
    """
    t = text.upper()
    # Runs of digit-like characters, allowing single spaces inside (OCR splits long numbers).
    for m in re.finditer(r"[0-9OIlSBDZG|](?:[0-9OIlSBDZG| ]*[0-9OIlSBDZG|])?", t):
        run = m.group(0)
        digits = fix_digits(run.replace(" ", ""))
        if not digits.isdigit():
            continue
        real = sum(c.isdigit() for c in run)
        if real < 10:  # mostly letters: a word, not the number
            continue
        if len(digits) == 16:
            return digits
    return None


# Words of the captions printed over or beside a name ("Nama Lengkap/Full Name", "Nama
# Keluarga/Surname", "Nama/Given Names"): a reading made only of these is the caption, not a name.
_NAME_CAPTION_WORDS = (
    "NAMA", "LENGKAP", "FULL", "NAME", "NAMES", "SURNAME", "KELUARGA", "GIVEN",
)  # fmt: skip


def _caption_word(token: str) -> bool:
    """Is a token one of the name captions' words, or a part of one read under glare ("ULL",
    "MAMA", "FUL")?  Short tokens (two letters or fewer) never count: they are initials."""
    t = re.sub(r"[^A-Z]", "", token)
    if len(t) < 3:
        return False
    return any(fuzz.ratio(t, w) >= 75 for w in _NAME_CAPTION_WORDS)


def is_name_caption(text: str) -> bool:
    """Is a name reading the caption over the name ("ULL NAME", "MAMA LENGKAP FUL NAME")?

    Every token must look like a caption word and one must be a caption word exactly, so a name
    whose words only resemble them ("RAMA ATMA": RAMA is one letter from NAMA) is kept."""
    toks = text.upper().split()
    if len(toks) == 1:
        # One word: only a caption word exactly ("NAMI" is a name, "NAMA" is not).
        return re.sub(r"[^A-Z]", "", toks[0]) in _NAME_CAPTION_WORDS
    if not toks or not all(_caption_word(t) for t in toks):
        return False
    return any(re.sub(r"[^A-Z]", "", t) in _NAME_CAPTION_WORDS for t in toks)


def normalise_name(text: str) -> str | None:
    """Upper case, single spaces, stray OCR punctuation removed; None when nothing is left, when
    no letter is left (digits of the next line are no name) or when the text is the caption."""
    t = text.upper().replace("|", " ")
    # Look-alikes inside or at the end of a word of letters: "GHALIYAT!" is GHALIYATI,
    # "SUART1NI" SUARTINI, "AR0N" ARON (names print no digits or exclamation marks).
    t = re.sub(r"(?<=[A-Z])[!1](?=[A-Z]|\s|$)|(?:(?<=\s)|^)!(?=[A-Z])", "I", t)
    t = re.sub(r"(?<=[A-Z])0(?=[A-Z])", "O", t)
    t = re.sub(r"[^A-Z0-9'.,\- ]", " ", t)
    t = re.sub(r"\s+", " ", t).strip(" .,-:")
    if not re.search(r"[A-Z]", t) or is_name_caption(t):
        return None
    return t or None


def normalise_text(text: str) -> str | None:
    """Free text (address, place, occupation): upper case, single spaces, edge punctuation cut."""
    t = re.sub(r"\s+", " ", text.upper().replace("|", " ")).strip(" :;.,-_")
    return t or None


def normalise_code(text: str, length: int = 3) -> str | None:
    """An ICAO code such as ``IDN`` (digits read for letters are mapped back)."""
    t = re.sub(r"[^A-Z0-9]", "", text.upper()).translate(_LETTER_FIX)
    if len(t) == length and t.isalpha():
        return t
    return None


def normalise_document_number(text: str) -> str | None:
    """Passport / card number: letters and digits only, upper case, 6..12 characters.

    Numbers shaped like a letter prefix and a run of digits (Indonesian ``B0174438``) get
    look-alike letters in the digit run mapped to digits (``BO174438`` -> ``B0174438``).
    """
    t = re.sub(r"[^A-Z0-9]", "", text.upper())
    if not 6 <= len(t) <= 12:
        return None
    # One letter and seven digits (Indonesian and many other passports); a second letter only
    # when it cannot be a misread digit.
    head = 2 if len(t) == 9 and t[1].isalpha() and t[1] not in "OIDSBZGQL" else 1
    prefix, tail = t[:head], t[head:]
    if len(t) == 8 and t[0].isdigit() and fix_digits(t[1:]).isdigit():
        # Eight characters whose first is a digit: a series letter read as its look-alike digit
        # (``83983934`` -> ``B3983934``); the letter is where the format prints one.
        prefix = t[0].translate(_SERIES_FIX)
    if prefix.isalpha() and len(tail) == 7 and sum(c.isdigit() for c in tail) >= 5:
        fixed = fix_digits(tail)
        if fixed.isdigit():
            return prefix + fixed
    return t


# Indonesian passport register number: 2 digits, letter, 2 digits, 2 letters, 4 digits, then
# the issuing office's 3-letter code (``17I12XL6623-KPG``).
_REG_SHAPE = "DDLDDLLDDDD"


def normalise_registration(text: str) -> str | None:
    """Indonesian passport register number such as ``17I12XL6623-KPG`` (hyphen kept).

    When the reading has the register number's shape, look-alikes are mapped by position
    (a letter where a digit is printed and the other way round: ``94142SE1916`` ->
    ``94I42SE1916``); otherwise the text is kept as read.
    """
    t = re.sub(r"[^A-Z0-9\-]", "", text.upper()).strip("-")
    m = re.fullmatch(r"([A-Z0-9]{11})-?([A-Z0-9]{3})", t)
    if m:
        body = "".join(
            fix_digits(c) if kind == "D" else c.translate(_LETTER_ONLY_FIX)
            for c, kind in zip(m.group(1), _REG_SHAPE, strict=True)
        )
        office = m.group(2).translate(_LETTER_ONLY_FIX)
        ok = all(
            c.isdigit() if kind == "D" else c.isalpha()
            for c, kind in zip(body, _REG_SHAPE, strict=True)
        )
        if ok and office.isalpha():
            return f"{body}-{office}"
    return t if len(t) >= 6 else None


# Indonesian immigration offices (Kantor Imigrasi) that issue passports, as printed.
IMMIGRATION_OFFICES: tuple[str, ...] = (
    "KUPANG", "ATAMBUA", "LABUAN BAJO", "MAUMERE", "WAINGAPU", "JAKARTA PUSAT", "JAKARTA SELATAN",
    "JAKARTA UTARA", "JAKARTA BARAT", "JAKARTA TIMUR", "SURABAYA", "TANJUNG PERAK", "DENPASAR",
    "NGURAH RAI", "SINGARAJA", "MATARAM", "BANDUNG", "BOGOR", "BEKASI", "TANGERANG", "SEMARANG",
    "YOGYAKARTA", "MALANG", "BALIKPAPAN", "SAMARINDA", "PONTIANAK", "BANJARMASIN", "MEDAN",
    "BATAM", "PEKANBARU", "PADANG", "PALEMBANG", "MAKASSAR", "MANADO", "AMBON", "JAYAPURA",
)  # fmt: skip


def normalise_office(text: str) -> str | None:
    """The issuing office: a known immigration office when the text is clearly one (stray marks
    after it dropped: ``MAUMERE g Menge`` -> ``MAUMERE``), else the text as read."""
    t = normalise_text(text)
    if t is None:
        return None
    letters = re.sub(r"[^A-Z ]", "", t).strip()
    best = max(IMMIGRATION_OFFICES, key=lambda o: fuzz.ratio(letters, o))
    if fuzz.ratio(letters, best) >= 80:
        return best
    toks = letters.split()
    for office in IMMIGRATION_OFFICES:
        n = len(office.split())
        if len(toks) > n and " ".join(toks[:n]) == office:
            return office  # the office, then specks or the signature read as letters
    return t


# Country names printed in full, mapped to their ICAO codes (the rest are kept as printed).
_COUNTRY_NAMES: dict[str, str] = {
    "INDONESIA": "IDN", "MALAYSIA": "MYS", "SINGAPORE": "SGP", "PHILIPPINES": "PHL",
    "TIMOR-LESTE": "TLS", "TIMOR LESTE": "TLS", "AUSTRALIA": "AUS", "THAILAND": "THA",
}  # fmt: skip


def normalise_nationality(text: str) -> str | None:
    """A 3-letter code as printed, a full country name mapped to its code, or the text (``WNI``)."""
    t = normalise_text(text)
    if t is None:
        return None
    if t in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[t]
    best = max(_COUNTRY_NAMES, key=lambda n: fuzz.ratio(t, n))
    if len(t) > 5 and fuzz.ratio(t, best) >= 85:
        return _COUNTRY_NAMES[best]
    code = normalise_code(t)
    return code if code is not None else t


def normalise_rt_rw(text: str) -> str | None:
    """``005 / 012`` -> ``005/012``."""
    d = fix_digits(re.sub(r"[^0-9OIlSBDZ/]", "", text.upper().replace("\\", "/")))
    m = (
        re.fullmatch(r"(\d{1,3})/?(\d{3})", d)
        if "/" not in d
        else re.fullmatch(r"(\d{1,3})/(\d{1,3})", d)
    )
    if not m:
        return None
    return f"{int(m.group(1)):03d}/{int(m.group(2)):03d}"


def normalise_blood_type(text: str) -> str | None:
    """``A``, ``B+``, ``AB-``, ``O`` or ``-`` (unknown), as printed on KTPs.

    Only the text after the last colon counts (a crop may catch the label's end), and digits
    tesseract reads for these letters are mapped back (8 -> B, 0 -> O, 4 -> A).
    """
    t = text.upper().rsplit(":", 1)[-1]
    t = re.sub(r"[^A-Z0-9+\-]", "", t).translate(str.maketrans("804", "BOA"))
    m = re.fullmatch(r"(AB|A|B|O)([+\-]?)", t)
    if m:
        return m.group(1) + m.group(2)
    if t in ("-", "--"):
        return "-"
    return None
