"""Values printed on KTP-el and Kartu Keluarga (SIAK enumerations, Permendagri 118/2017).

Used by KTP-08 (off-vocabulary values hint at a home-made template) and by the marital-status and
family-role rules.  Matching is fuzzy because OCR noise must not look like a forgery.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

RELIGIONS: tuple[str, ...] = (
    "ISLAM",
    "KRISTEN",
    "KATHOLIK",
    "KATOLIK",
    "HINDU",
    "BUDHA",
    "BUDDHA",
    "KHONGHUCU",
    "KONGHUCU",
    "KEPERCAYAAN TERHADAP TUHAN YME",
)
MARITAL_STATUSES: tuple[str, ...] = (
    "BELUM KAWIN",
    "KAWIN",
    "CERAI HIDUP",
    "CERAI MATI",
    "KAWIN TERCATAT",
    "KAWIN BELUM TERCATAT",
    "CERAI HIDUP TERCATAT",
    "CERAI HIDUP BELUM TERCATAT",
)
BLOOD_TYPES: tuple[str, ...] = (
    "A", "B", "AB", "O", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", "-",
)  # fmt: skip
CITIZENSHIPS: tuple[str, ...] = ("WNI", "WNA")
FAMILY_ROLES: tuple[str, ...] = (
    "KEPALA KELUARGA",
    "SUAMI",
    "ISTRI",
    "ANAK",
    "MENANTU",
    "CUCU",
    "ORANG TUA",
    "MERTUA",
    "FAMILI LAIN",
    "PEMBANTU",
    "LAINNYA",
)
OCCUPATIONS: tuple[str, ...] = (
    "BELUM/TIDAK BEKERJA", "MENGURUS RUMAH TANGGA", "PELAJAR/MAHASISWA", "PENSIUNAN",
    "APARATUR SIPIL NEGARA (ASN)", "PEGAWAI NEGERI SIPIL (PNS)", "TENTARA NASIONAL INDONESIA (TNI)",
    "KEPOLISIAN RI (POLRI)", "PERDAGANGAN", "PETANI/PEKEBUN", "PETERNAK", "NELAYAN/PERIKANAN",
    "INDUSTRI", "KONSTRUKSI", "TRANSPORTASI", "KARYAWAN SWASTA", "KARYAWAN BUMN", "KARYAWAN BUMD",
    "KARYAWAN HONORER", "BURUH HARIAN LEPAS", "BURUH TANI/PERKEBUNAN", "BURUH NELAYAN/PERIKANAN",
    "BURUH PETERNAKAN", "PEMBANTU RUMAH TANGGA", "TUKANG CUKUR", "TUKANG LISTRIK", "TUKANG BATU",
    "TUKANG KAYU", "TUKANG SOL SEPATU", "TUKANG LAS/PANDAI BESI", "TUKANG JAHIT", "TUKANG GIGI",
    "PENATA RIAS", "PENATA BUSANA", "PENATA RAMBUT", "MEKANIK", "SENIMAN", "TABIB", "PARAJI",
    "PERANCANG BUSANA", "PENTERJEMAH", "IMAM MASJID", "PENDETA", "PASTOR", "WARTAWAN",
    "USTADZ/MUBALIGH", "JURU MASAK", "PROMOTOR ACARA", "ANGGOTA DPR-RI", "ANGGOTA DPD",
    "ANGGOTA BPK", "PRESIDEN", "WAKIL PRESIDEN", "ANGGOTA MAHKAMAH KONSTITUSI",
    "ANGGOTA KABINET KEMENTERIAN", "DUTA BESAR", "GUBERNUR", "WAKIL GUBERNUR", "BUPATI",
    "WAKIL BUPATI", "WALIKOTA", "WAKIL WALIKOTA", "ANGGOTA DPRD PROVINSI",
    "ANGGOTA DPRD KABUPATEN/KOTA", "DOSEN", "GURU", "PILOT", "PENGACARA", "NOTARIS", "ARSITEK",
    "AKUNTAN", "KONSULTAN", "DOKTER", "BIDAN", "PERAWAT", "APOTEKER", "PSIKIATER/PSIKOLOG",
    "PENYIAR TELEVISI", "PENYIAR RADIO", "PELAUT", "PENELITI", "SOPIR", "PIALANG", "PARANORMAL",
    "PEDAGANG", "PERANGKAT DESA", "KEPALA DESA", "BIARAWATI", "WIRASWASTA", "LAINNYA",
)  # fmt: skip

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "religion": RELIGIONS,
    "marital_status": MARITAL_STATUSES,
    "blood_type": BLOOD_TYPES,
    "nationality": CITIZENSHIPS,
    "occupation": OCCUPATIONS,
    "relationship": FAMILY_ROLES,
}

# Statuses meaning "has been married" (KTP-05, KTP-06, PP-05, PP-12).
EVER_MARRIED: frozenset[str] = frozenset(
    {
        "KAWIN",
        "KAWIN TERCATAT",
        "KAWIN BELUM TERCATAT",
        "CERAI HIDUP",
        "CERAI MATI",
        "CERAI HIDUP TERCATAT",
        "CERAI HIDUP BELUM TERCATAT",
    }
)


def _clean(value: str) -> str:
    text = re.sub(r"\s*/\s*", "/", value.upper())
    return re.sub(r"\s+", " ", text).strip(" .:")


def match_vocab(field: str, value: str, min_score: float = 85.0) -> tuple[str, float] | None:
    """Closest vocabulary value for ``field`` and its 0..100 score, or None below ``min_score``."""
    choices = VOCABULARIES.get(field)
    if choices is None:
        return None
    cleaned = _clean(value)
    if cleaned in choices:
        return cleaned, 100.0
    if field == "blood_type":
        return None  # one or two characters: fuzzy scores mean nothing
    found = process.extractOne(cleaned, choices, scorer=fuzz.ratio)
    if found is None or found[1] < min_score:
        return None
    return str(found[0]), float(found[1])


def canonical_marital_status(value: str | None) -> str | None:
    if not value:
        return None
    found = match_vocab("marital_status", value)
    return found[0] if found else None


def is_ever_married(value: str | None) -> bool | None:
    """True/False from a printed marital status, None when it cannot be read."""
    status = canonical_marital_status(value)
    if status is None:
        return None
    return status in EVER_MARRIED
