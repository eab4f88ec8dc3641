"""Which document is this?  The MRZ decides where there is one; printed keywords where not.

Pure logic over the MRZ result and the OCR'd words (no cv2, no tesseract), so it is tested on text.
A photo that is not a document has neither an MRZ nor enough keywords and stays ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from docscreen.models import DocumentKind, MrzResult

# Keywords printed on each kind; each is counted once however often it appears.
KTP_KEYWORDS: tuple[str, ...] = (
    "PROVINSI", "NIK", "TEMPAT/TGL LAHIR", "JENIS KELAMIN", "GOL. DARAH", "ALAMAT", "RT/RW",
    "KEL/DESA", "KECAMATAN", "AGAMA", "STATUS PERKAWINAN", "PEKERJAAN", "KEWARGANEGARAAN",
    "BERLAKU HINGGA", "SEUMUR HIDUP",
)  # fmt: skip
IDN_PASSPORT_KEYWORDS: tuple[str, ...] = (
    "PASPOR", "REPUBLIK INDONESIA", "KODE NEGARA", "NO. PASPOR", "NAMA LENGKAP", "TANGGAL LAHIR",
    "TEMPAT LAHIR", "TANGGAL PENGELUARAN", "TANGGAL HABIS BERLAKU", "KANTOR YANG MENGELUARKAN",
    "NO. REGISTRASI", "JENIS KELAMIN/SEX", "KEWARGANEGARAAN/NATIONALITY",
)  # fmt: skip
ICAO_KEYWORDS: tuple[str, ...] = (
    "PASSPORT", "SURNAME", "GIVEN NAMES", "NATIONALITY", "DATE OF BIRTH", "PLACE OF BIRTH",
    "DATE OF ISSUE", "DATE OF EXPIRY", "AUTHORITY", "COUNTRY CODE", "PASSPORT NO", "SEX",
)  # fmt: skip
VISA_KEYWORDS: tuple[str, ...] = (
    "VISA",
    "VALID FROM",
    "VALID UNTIL",
    "NUMBER OF ENTRIES",
    "ENTRIES",
)
CARD_KEYWORDS: tuple[str, ...] = ("IDENTITY CARD", "RESIDENCE PERMIT", "CARD NO", "DOCUMENT NO")

# How many distinct keywords make a kind (without an MRZ).
MIN_KEYWORDS = 3
# An MRZ whose check digits do not all hold is still trusted alone when at least this many of
# the check digits of its own data fields (number, birth, expiry) hold: text that only looks
# like MRZ lines passes one by chance one time in ten, two one time in a hundred.
MIN_SOUND_CHECKS = 2
MIN_SOUND_CONFIDENCE = 0.8  # the glyph classifier's mean confidence (read_mrz's GOOD_CONFIDENCE)
_DATA_CHECKS = ("document_number", "birth_date", "expiry_date")


@dataclass(frozen=True)
class Classification:
    kind: DocumentKind
    confidence: float
    reason: str
    keywords: dict[str, tuple[str, ...]]


def _norm(text: str) -> str:
    return re.sub(r"[^A-Z0-9/.]", "", text.upper())


def keywords_found(
    tokens: Sequence[str], keywords: Iterable[str], min_score: float = 85
) -> tuple[str, ...]:
    """Which ``keywords`` occur in the token stream (fuzzy, across token boundaries)."""
    stream = [_norm(t) for t in tokens if _norm(t)]
    found: list[str] = []
    for kw in keywords:
        target = _norm(kw)
        n_tok = max(1, len(kw.split()))
        hit = False
        for i in range(len(stream)):
            for k in (n_tok - 1, n_tok, n_tok + 1):
                if k < 1 or i + k > len(stream):
                    continue
                cand = "".join(stream[i : i + k])
                if abs(len(cand) - len(target)) > max(2, len(target) // 3):
                    continue
                if fuzz.ratio(cand, target) >= min_score:
                    hit = True
                    break
            if hit:
                break
        if hit:
            found.append(kw)
    return tuple(found)


def classify(
    tokens: Sequence[str], mrz: MrzResult | None = None, *, layout: str = "unknown"
) -> Classification:
    """Document kind from the MRZ (when found) or printed keywords; ``layout`` is ID1/TD3/unknown."""
    found = {
        "ktp": keywords_found(tokens, KTP_KEYWORDS),
        "idn_passport": keywords_found(tokens, IDN_PASSPORT_KEYWORDS),
        "icao": keywords_found(tokens, ICAO_KEYWORDS),
        "visa": keywords_found(tokens, VISA_KEYWORDS),
        "card": keywords_found(tokens, CARD_KEYWORDS),
    }
    n_keywords = sum(len(v) for v in found.values())
    if (
        mrz is not None
        and mrz.found
        and mrz.format
        and (mrz.valid or n_keywords >= MIN_KEYWORDS or sound_mrz(mrz))
    ):
        # An MRZ whose check digits fail on a page with no document words is not trusted alone
        # (a page of ordinary text can look like MRZ lines), unless most of its check digits
        # hold: a forged birth date breaks its own check digit and the composite, not the rest
        # (and a photocopied page may give the reader no printed words at all).
        kind = _from_mrz(mrz, found)
        if kind is DocumentKind.PASSPORT and _indonesian_passport(tokens, found["idn_passport"]):
            # A misread country code in the MRZ; the printed page says Indonesian.
            kind = DocumentKind.IDN_PASSPORT
        if kind is not None:
            conf = 0.99 if mrz.valid else 0.9
            return Classification(kind, conf, f"MRZ {mrz.format}", found)
    n_ktp = len(found["ktp"])
    n_idp = len(found["idn_passport"])
    n_icao = len(found["icao"])
    n_visa = len(found["visa"])
    n_card = len(found["card"])
    scores = {
        DocumentKind.IDN_KTP: n_ktp - (1 if layout == "TD3" else 0),
        DocumentKind.IDN_PASSPORT: n_idp + (1 if "PASSPORT" in found["icao"] else 0),
        DocumentKind.PASSPORT: n_icao if "PASSPORT" in found["icao"] else n_icao - 2,
        DocumentKind.VISA: n_visa + (n_icao // 2 if "VISA" in found["visa"] else 0),
        DocumentKind.TD1_CARD: n_card + (n_icao // 2 if layout == "ID1" else 0),
    }
    kind, score = max(scores.items(), key=lambda kv: kv[1])
    # The Indonesian page prints its labels in English too, so the ICAO words can outnumber the
    # Indonesian ones; "PASPOR", "REPUBLIK INDONESIA" or an Indonesian MRZ settle it.
    if kind == DocumentKind.PASSPORT and _indonesian_passport(tokens, found["idn_passport"]):
        kind = DocumentKind.IDN_PASSPORT
        score = max(score, scores[DocumentKind.IDN_PASSPORT])
    if score < MIN_KEYWORDS:
        return Classification(
            DocumentKind.UNKNOWN,
            0.5,
            "no MRZ and too few document keywords were found (not a known document, or unreadable)",
            found,
        )
    # Indonesian KTP vs passport share words (Jenis Kelamin, Kewarganegaraan): take the margin.
    runner_up = max(v for k, v in scores.items() if k != kind)
    conf = min(0.98, 0.6 + 0.08 * (score - runner_up))
    return Classification(kind, conf, f"{score} keywords of {kind.value}", found)


def sound_mrz(mrz: MrzResult) -> bool:
    """An MRZ that reads as one though some check digits fail: every field well formed (dates,
    sex, known states), read confidently, and at least :data:`MIN_SOUND_CHECKS` of its data
    fields' check digits holding as read (a digit that holds only after the check-digit search
    changed characters for it is no evidence)."""
    if not mrz.found or not mrz.format or mrz.notes or mrz.confidence < MIN_SOUND_CONFIDENCE:
        return False
    if any("unknown_country_code" in f.notes for f in mrz.fields.values()):
        return False  # a misread or invented state: no structure to lean on
    searched = {r.reason.partition(":")[2] for r in mrz.repairs if r.reason.startswith("check_")}
    held = sum(
        1 for name in _DATA_CHECKS if mrz.checks.get(name) == "valid" and name not in searched
    )
    return held >= MIN_SOUND_CHECKS


_IDN_MRZ = re.compile(r"P[<KL«]{0,2}[I1]DN")


def _indonesian_passport(tokens: Sequence[str], idn_found: Sequence[str]) -> bool:
    """Printed marks only an Indonesian passport carries, or a P<IDN MRZ line.

    Checked per word rather than fuzzily across words: "PASSPORT" is within fuzzy reach of
    "PASPOR" and "REPUBLIC" of "REPUBLIK", and foreign pages print those.
    """
    for t in tokens:
        n = _norm(t).strip("/.")
        if n in ("PASPOR", "PASPORPASSPORT") or (n.startswith("REPUBLI") and n.endswith("K")):
            return True
        if _IDN_MRZ.match(t.strip().upper()):
            return True
    return "REPUBLIK INDONESIA" in idn_found and any("INDONES" in _norm(t) for t in tokens)


def _from_mrz(mrz: MrzResult, found: dict[str, tuple[str, ...]]) -> DocumentKind | None:
    fmt = (mrz.format or "").upper()
    doc_type = mrz.fields["document_type"].value if "document_type" in mrz.fields else ""
    country = mrz.fields["issuing_country"].value if "issuing_country" in mrz.fields else ""
    if fmt in ("MRVA", "MRVB", "MRV-A", "MRV-B") or doc_type.startswith("V"):
        return DocumentKind.VISA
    if fmt == "TD3":
        if country.replace("<", "") == "IDN" and doc_type.startswith("P"):
            return DocumentKind.IDN_PASSPORT
        return DocumentKind.PASSPORT
    if fmt == "TD1":
        return DocumentKind.TD1_CARD
    if fmt == "TD2":
        return DocumentKind.TD2_CARD
    return None
