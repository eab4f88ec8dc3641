"""Reading defects are not forgeries: what the rules may trust of a document read from an image.

A rule that compares a value the reader got wrong would report a forgery that is not there.  Two
kinds of evidence say a reading is unsure:

- the reader's own confidence: a printed field read below ``min_read_confidence`` (percent, a
  policy threshold) is withheld from the rules, which then say ``not_performed`` ("not read")
  instead of ``fail``.  Fields that check themselves (the NIK: 16 digits, region, date) and values
  an officer typed in are exempt;
- the shape of a name: tokens an OCR engine leaves behind when it mangles a name (one or two
  letters, no vowel, digits or punctuation inside, or a piece of a token the other reading has
  whole) are not evidence that a name differs; a name field holding a place name read elsewhere
  on the traveller's documents (the reader took the wrong line) is withheld;
- a machine-readable zone whose structure is broken (dates that are not six digits, a sex
  character that is not M/F/X/<) was misread, not forged: a forger edits characters within the
  layout.  It is withheld with the reason, so check-digit and MRZ rules say ``not_performed``.

The documents in the report keep every value as read; only the rules see the trusted view.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from rapidfuzz.distance import Levenshtein

from docscreen.checks.context import Thresholds, add_years, parse_date
from docscreen.checks.mrzview import view
from docscreen.indonesia.nik import split_nik
from docscreen.indonesia.provinces import PROVINCES
from docscreen.models import Document, DocumentKind, Field, FieldSource

# Fields whose own structure shows a misreading (the rules check it), so confidence is not needed.
SELF_CHECKING = frozenset({"nik", "kk_number"})
_SHORT_OK = frozenset({"AL", "EL", "NG", "OH", "YU"})  # real two-letter name parts
# Field labels of the layouts: read in place of a value, they are not a name.
LABEL_WORDS = frozenset({"NAMA", "LENGKAP", "FULL", "NAME", "NAMES", "SURNAME", "GIVEN", "NAMA/NAME",
                         "TEMPAT", "TGL", "LAHIR", "JENIS", "KELAMIN"})  # fmt: skip


def low_confidence(f: Field, thresholds: Thresholds) -> bool:
    """True when the reader itself doubts this printed value."""
    if f.value is None or f.source is FieldSource.ENTERED or f.source is FieldSource.MRZ:
        return False
    if f.name in SELF_CHECKING:
        return False
    # Exactly 0 with a value: the reader gave no confidence for it (a second look by a path that
    # does not score), which is not doubt.
    return 0.0 < f.confidence < thresholds.min_read_confidence / 100.0


NAME_FIELDS = ("full_name", "surname", "given_names")
_DATE_PAIRS = (
    ("issue_date", "expiry_date"),
    ("birth_date", "issue_date"),
    ("birth_date", "expiry_date"),
)
PLACE_FIELDS = ("birth_place", "issuing_office", "issue_place", "regency", "district", "village",
                "province", "authority")  # fmt: skip


def _letters(text: str) -> str:
    return re.sub(r"[^A-Z]", "", text.upper())


def mrz_misread(doc: Document) -> str | None:
    """Why the document's MRZ reading is broken beyond what a forger would print, or None."""
    if doc.mrz is None or not doc.mrz.found or not doc.mrz.lines:
        return None
    v = view(doc.mrz.lines, doc.mrz.format)
    if v is None:
        return None
    problems = [
        f"{label} date {raw!r} is not six digits"
        for label, raw in (("birth", v.birth_raw), ("expiry", v.expiry_raw))
        if not re.fullmatch(r"\d{6}", raw)
    ]
    if v.sex not in ("M", "F", "X", "<"):
        problems.append(f"sex {v.sex!r}")
    return "MRZ misread (rescan): " + "; ".join(problems) if problems else None


def mrz_name_misread(doc: Document) -> str | None:
    """Why the MRZ's name field was misread, or None: letters after a run of three or more fillers
    (``HARYZ<<<<<OYAN`` for HARYANTO<<OMAN).  ICAO 9303 writes the name as SURNAME<<GIVEN<NAMES
    and then fillers only, so letters after a filler run cannot be printed; a forger retyping
    the name keeps that layout.  The name has no check digit, so nothing else vouches for it."""
    if doc.mrz is None or not doc.mrz.found or not doc.mrz.lines:
        return None
    lines = [x.strip().upper() for x in doc.mrz.lines]
    if len(lines) == 3:
        field = lines[2]
    elif len(lines) == 2:
        field = lines[0][5:]
    else:
        return None
    if re.search(r"<{3,}[A-Z]", field.rstrip("<")):
        return f"MRZ name misread (rescan): letters after fillers in {field.rstrip('<')}"
    return None


# Words printed on the layouts that are never part of a person's name: read inside a name, they
# show the reader took another line (the nationality, a header, the sex or validity line).
OTHER_LINE_WORDS = frozenset({"INDONESIA", "REPUBLIK", "REPUBLIC", "PASPOR", "PASSPORT",
                              "KEWARGANEGARAAN", "NATIONALITY", "PROVINSI", "KABUPATEN",
                              "KECAMATAN", "KELURAHAN", "PEREMPUAN", "SEUMUR", "HIDUP", "BERLAKU",
                              "HINGGA", "PEKERJAAN", "ALAMAT", "AGAMA"})  # fmt: skip


def wrong_line(name: str) -> bool:
    """A name reading holding a run of three digits or more, or a word of the layout that is no
    name (INDONESIA, PEREMPUAN...): the reader took (part of) another line for the name, so the
    letters beside it are not the name either."""
    if re.search(r"\d{3,}", name):
        return True
    return any(w in OTHER_LINE_WORDS for w in re.split(r"[^A-Z]+", name.upper()))


def caption_name(name: str) -> bool:
    """The name reading is the field's caption (Nama Lengkap / Full Name), read whole or mangled:
    it holds a caption word exactly (NAME, LENGKAP...) and every other word is one letter away
    from a caption word (MAMA, FUL, ULL).  An exact word is required, so a real name one letter
    from a caption word (RAMA) is never taken for one."""
    words = [w for w in re.split(r"[^A-Z]+", name.upper()) if w]
    if not words or not any(w in LABEL_WORDS for w in words):
        return False
    return all(
        w in LABEL_WORDS
        or (len(w) >= 3 and any(Levenshtein.distance(w, lw) <= 1 for lw in LABEL_WORDS))
        for w in words
    )


_PROVINCE_BY_NAME = {re.sub(r"[^A-Z]", "", v.upper()): k for k, v in PROVINCES.items()}


def nik_province_misread(doc: Document) -> str | None:
    """Why a KTP's NIK was misread, or None: its province digits are no province code, and the
    card's printed province header is a province whose code is one digit away (55 read for 53
    under PROVINSI NUSA TENGGARA TIMUR).  A forger edits the birth date or sex digits and keeps a
    valid region; a code that exists nowhere one digit from the header is a misreading, so no
    digit of that NIK can be trusted."""
    if doc.kind is not DocumentKind.IDN_KTP:
        return None
    f, header = doc.fields.get("nik"), doc.value("province")
    if f is None or not f.value or f.source is not FieldSource.VIZ or not header:
        return None
    parts = split_nik(f.value)
    if parts is None or parts.province in PROVINCES:
        return None
    name = re.sub(r"[^A-Z]", "", header.upper())
    name = name.removeprefix("PROVINSI")
    code = _PROVINCE_BY_NAME.get(name)
    if code is None or sum(a != b for a, b in zip(code, parts.province, strict=True)) != 1:
        return None
    return (
        f"NIK misread (rescan): province digits {parts.province} are no code, "
        f"the card's header {header} is {code}"
    )


def trusted(
    doc: Document, thresholds: Thresholds, places: frozenset[str] = frozenset()
) -> Document:
    """``doc`` with the values its reader doubted withheld (value None, raw text kept): values read
    with low confidence, names that are a place read elsewhere (``places``, letters only), hold
    digits or words of another line, or are three letters or fewer read unsure, one date read into two date fields, and a structurally broken MRZ (kept with ``found=False`` and the
    reason)."""
    doubtful = {n: f for n, f in doc.fields.items() if low_confidence(f, thresholds)}
    for name in NAME_FIELDS:
        f = doc.fields.get(name)
        if (
            f is not None
            and f.value
            and f.source is FieldSource.VIZ
            and (
                _letters(f.value) in places
                or wrong_line(f.value)
                or caption_name(f.value)
                or (len(_letters(f.value)) <= 3 and not confident(f, thresholds))
            )
        ):
            # A place read elsewhere, another line, or a lone scrap of at most three letters read
            # unsure (BUN): not enough of a name to say whose document it is.
            doubtful[name] = f
    for a, b in _DATE_PAIRS:
        fa, fb = doc.fields.get(a), doc.fields.get(b)
        if (
            fa is not None
            and fb is not None
            and fa.source is FieldSource.VIZ
            and fb.source is FieldSource.VIZ
            and (da := parse_date(fa.value)) is not None
            and da == parse_date(fb.value)
        ):
            # One date read into two fields (issued on its expiry day, born on the issue day):
            # the reader took the same line twice, neither value is known.
            doubtful[a], doubtful[b] = fa, fb
    if nik_province_misread(doc) is not None:
        doubtful["nik"] = doc.fields["nik"]
    broken = mrz_misread(doc)
    if not doubtful and broken is None:
        return doc
    fields = dict(doc.fields)
    for name, f in doubtful.items():
        fields[name] = replace(f, value=None)
    out = replace(doc, fields=fields)
    if broken is not None and doc.mrz is not None:
        out = replace(out, mrz=replace(doc.mrz, found=False, reason=broken))
    return out


def trusted_documents(docs: tuple[Document, ...], thresholds: Thresholds) -> tuple[Document, ...]:
    places = frozenset(
        p
        for d in docs
        for n in PLACE_FIELDS
        if (f := d.fields.get(n)) is not None
        and f.value
        and not low_confidence(f, thresholds)
        and len(p := _letters(f.value)) >= 4
    )
    return tuple(trusted(d, thresholds, places) for d in docs)


def mangled(token: str) -> bool:
    """A name token that looks like OCR debris rather than a name part: one or two letters (other
    than common particles), no vowel in three or more letters, digits/punctuation inside, or a
    field label (NAMA, FULL NAME...) read in place of the value."""
    t = token.upper().strip(".,;:'\"-")
    if not t or t in LABEL_WORDS:
        return True
    if re.search(r"[^A-Z]", t):
        return True
    if len(t) <= 2:
        return t not in _SHORT_OK
    return not re.search(r"[AEIOUY]", t)


def mangled_tokens(tokens: tuple[str, ...] | list[str]) -> list[str]:
    return [t for t in tokens if mangled(t)]


def fragment_of(token: str, others: tuple[str, ...] | list[str]) -> bool:
    """``token`` is the start or the end (three letters or more) of a token the other reading has
    whole: CAKR of CAKRAJIYA, YONO of SURYONO."""
    t = _letters(token)
    # The lost part is at least a third of the token: ASTUTI is a name of its own, not a piece of
    # PRASTUTI, while CAKR is what is left of CAKRAJIYA.
    return len(t) >= 3 and any(
        o != t and 3 * len(t) <= 2 * len(o) and (o.startswith(t) or o.endswith(t))
        for o in map(_letters, others)
    )


def _debris(tokens: tuple[str, ...], other_side: tuple[str, ...]) -> list[str]:
    return [t for t in tokens if mangled(t) or fragment_of(t, other_side)]


def name_misread(unmatched: tuple[str, ...], extra: tuple[str, ...]) -> str | None:
    """Why a name difference is more likely a misreading than another name, or None.

    ``unmatched``: tokens of the reference name (MRZ or the other document) not found in the
    reading; ``extra``: tokens of the reading left over.  When every leftover token of the
    reading is debris, the reading is incomplete, not different."""
    if not unmatched:
        return None
    junk = _debris(extra, unmatched)
    if extra and len(junk) == len(extra):
        return "name misread: left-over tokens " + " ".join(extra) + " look like OCR debris"
    return None


def names_misread(unmatched: tuple[str, ...], extra: tuple[str, ...]) -> str | None:
    """Two readings of one name (passport / KTP): why they differ only by debris, or None.

    ``unmatched``: tokens of the shorter name not found in the longer; ``extra``: tokens of the
    longer left over (one is allowed: a patronymic or family name one document omits).  When all
    the left-over tokens of one side are debris (its real tokens all agree, or it was read as
    debris only), or the longer one has at most one real token left over, nothing real disagrees."""
    if not unmatched and len(extra) <= 1:
        return None
    junk_unmatched = _debris(unmatched, extra)
    junk_extra = _debris(extra, unmatched)
    real_extra = len(extra) - len(junk_extra)
    if (
        (unmatched and len(junk_unmatched) == len(unmatched))
        or (extra and len(junk_extra) == len(extra))
        or (not unmatched and real_extra <= 1)
    ):
        junk = [*junk_unmatched, *junk_extra]
        return "name misread: left-over tokens " + " ".join(junk) + " look like OCR debris"
    return None


# Words of the layouts' captions (Tempat Lahir / Place of Birth, Tanggal Habis Berlaku / Date of
# Expiry, Kantor yang Mengeluarkan / Issuing Office...): read inside a place, the reader took a
# caption for the value.
CAPTION_WORDS = frozenset({"TEMPAT", "TGL", "TANGGAL", "LAHIR", "PLACE", "OF", "BIRTH", "DATE",
                           "HABIS", "BERLAKU", "HINGGA", "EXPIRY", "EXP", "ISSUE", "PENGELUARAN",
                           "KANTOR", "MENGELUARKAN", "ISSUING", "OFFICE", "JENIS", "KELAMIN",
                           "SEX", "NAMA", "NAME"})  # fmt: skip


# Values of other lines that are never a birthplace (the nationality, the sex and blood-group line,
# the KTP's validity and citizenship).
NOT_PLACE_WORDS = frozenset({"INDONESIA", "REPUBLIK", "REPUBLIC", "PASPOR", "PASSPORT",
                             "KEWARGANEGARAAN", "NATIONALITY", "WNI", "PEREMPUAN", "LAKI", "GOL",
                             "DARAH", "SEUMUR", "HIDUP", "AGAMA", "ALAMAT", "PEKERJAAN"})  # fmt: skip


def caption_read(text: str) -> str | None:
    """The caption words (HABIS, OF, EXP...) or other lines' words (INDONESIA, PEREMPUAN...) in a
    printed place reading, or None: a place holding one was read off (part of) a caption or
    another line, so it says nothing about where the holder was born."""
    words = [
        w for w in re.split(r"[^A-Z]+", text.upper()) if w in CAPTION_WORDS or w in NOT_PLACE_WORDS
    ]
    return " ".join(words) if words else None


def name_as_place(place: str, names: list[str]) -> bool:
    """The place reading is the holder's name (every word, 4 letters or more in all, is a word of
    one of ``names``, or all of them run together): the reader took the name line."""
    words = [w for w in re.split(r"[^A-Z]+", place.upper()) if w]
    if not words or len("".join(words)) < 4:
        return False
    for name in names:
        tokens = [t for t in re.split(r"[^A-Z]+", name.upper()) if t]
        joined = {"".join(tokens), "".join(reversed(tokens))}
        if all(w in tokens or w in joined for w in words):
            return True
    return False


def unsure_name(doc: Document, thresholds: Thresholds) -> str | None:
    """Why the printed name of ``doc`` is too unsure to be called another name, or None: every
    printed name field with a value was read below ``min_name_confidence`` (a confidence of
    exactly 0, no score, is not doubt).  Used only when the reading shares no token with the
    name it is compared with: a name read that badly (N KAY for MELANI CINTA at 37%) is
    unreadable; a forged name is printed as clearly as the rest and read as well."""
    read = [
        f
        for n in NAME_FIELDS
        if (f := doc.fields.get(n)) is not None and f.value and f.source is FieldSource.VIZ
    ]
    limit = thresholds.min_name_confidence / 100.0
    if not read or not all(0.0 < f.confidence < limit for f in read):
        return None
    how = ", ".join(f"{f.name} read at {100 * f.confidence:.0f}%" for f in read)
    return f"printed name unreadable ({how}, < {thresholds.min_name_confidence}%)"


def garbled(text: str) -> bool:
    """A printed word value (place, religion, occupation...) that the reader garbled: digits or
    stray symbols inside, or nothing but debris tokens."""
    t = text.upper().strip()
    if re.search(r"[^A-Z .,'/()\-]", t):
        return True
    tokens = [x for x in re.split(r"[\s.,/()\-]+", t) if x]
    return not tokens or all(mangled(x) for x in tokens)


# --- one-character differences: a slip of the reader, unless the print was read confidently -----
# A forger changes a value to change what it says (an age by years, another number); a reader
# slips on one character.  So a printed value that differs from what it is compared with by one
# character only, and that the reader did not read confidently, is withheld with the reason
# instead of reported: the officer reads it on the document.  Confidently read one-character
# differences still fail.


def one_char_apart(a: str, b: str) -> bool:
    """The two readings differ by one character (a substitution, or one character lost or added),
    compared without spaces and separators."""
    x = re.sub(r"[\s\-./<]", "", a.upper())
    y = re.sub(r"[\s\-./<]", "", b.upper())
    return x != y and Levenshtein.distance(x, y) == 1


def confident(f: Field | None, thresholds: Thresholds) -> bool:
    """Read confidently enough that a one-character difference counts: typed in or from the MRZ, or
    a printed reading at ``min_mismatch_confidence`` or above.  A confidence of exactly 0 (a second
    look that does not score) is no confidence for this purpose."""
    if f is None or f.source is FieldSource.ENTERED or f.source is FieldSource.MRZ:
        return True
    return f.confidence >= thresholds.min_mismatch_confidence / 100.0


def _unsure(fields: tuple[Field | None, ...], thresholds: Thresholds) -> list[Field]:
    return [f for f in fields if f is not None and not confident(f, thresholds)]


def _slip_reason(a: str, b: str, unsure: list[Field], thresholds: Thresholds, what: str) -> str:
    how = ", ".join(f"{f.name} read at {100 * f.confidence:.0f}%" for f in unsure)
    return (
        f"{what} {a} / {b} differ by one character and {how} "
        f"(< {thresholds.min_mismatch_confidence}%): likely a misreading, check on the document"
    )


def slip(
    a: str, b: str, fields: tuple[Field | None, ...], thresholds: Thresholds, what: str
) -> str | None:
    """Why the difference between ``a`` and ``b`` is withheld as a likely misreading (one character
    apart and one of the ``fields`` holding them not read confidently), or None."""
    unsure = _unsure(fields, thresholds)
    if not unsure or not one_char_apart(a, b):
        return None
    return _slip_reason(a, b, unsure, thresholds, what)


def date_slip(
    a: dt.date, b: dt.date, fields: tuple[Field | None, ...], thresholds: Thresholds, what: str
) -> str | None:
    """``slip`` for two dates, compared as their DDMMYYYY digits."""
    unsure = _unsure(fields, thresholds)
    if not unsure or not one_char_apart(f"{a:%d%m%Y}", f"{b:%d%m%Y}"):
        return None
    return _slip_reason(a.isoformat(), b.isoformat(), unsure, thresholds, what)


def issue_slip(
    doc: Document, issue: dt.date, expiry: dt.date, thresholds: Thresholds
) -> str | None:
    """Why a printed issue date that breaks a validity rule is likely misread: it is one character
    from the expiry date less 5 or 10 years (passports run from their issue day) and was not read
    confidently."""
    for years in (5, 10):
        why = date_slip(issue, add_years(expiry, -years), (doc.fields.get("issue_date"),),
                        thresholds, f"printed issue date / expiry less {years} years")  # fmt: skip
        if why is not None:
            return why
    return None
