"""Document type from printed keywords (and the MRZ when there is one)."""

from __future__ import annotations

from docscreen.documents.classify import classify, keywords_found
from docscreen.models import DocumentKind, MrzField, MrzResult

KTP_TEXT = (
    "PROVINSI NUSA TENGGARA TIMUR KABUPATEN KUPANG NIK : 5301065002999404 Nama : SISKA "
    "Tempat/Tgl Lahir : MAUMERE, 10-02-1999 Jenis Kelamin : PEREMPUAN Gol. Darah : B "
    "Alamat : JL. MAWAR RT/RW : 012/008 Kel/Desa : BABAU Kecamatan : KUPANG TIMUR Agama : ISLAM "
    "Status Perkawinan : KAWIN Pekerjaan : PETANI Kewarganegaraan : WNI Berlaku Hingga : SEUMUR HIDUP"
)
PASSPORT_TEXT = (
    "REPUBLIK INDONESIA REPUBLIC OF INDONESIA PASPOR / PASSPORT Jenis / Type Kode Negara / Country "
    "Code No. Paspor / Passport No. P IDN E2954804 Nama Lengkap / Full Name SISKA WAHYUNI "
    "Jenis Kelamin / Sex Kewarganegaraan / Nationality Tanggal Lahir / Date of Birth "
    "Tempat Lahir / Place of Birth Tanggal Pengeluaran / Date of Issue "
    "Tanggal Habis Berlaku / Date of Expiry Kantor yang Mengeluarkan / Issuing Office"
)


def test_ktp_by_keywords() -> None:
    c = classify(KTP_TEXT.split(), layout="ID1")
    assert c.kind is DocumentKind.IDN_KTP
    assert "BERLAKU HINGGA" in c.keywords["ktp"]


def test_ktp_keywords_survive_ocr_noise() -> None:
    noisy = KTP_TEXT.replace("PROVINSI", "PR0VINSI").replace("Kecamatan", "Kecarnatan")
    assert classify(noisy.split()).kind is DocumentKind.IDN_KTP


def test_indonesian_passport_by_keywords() -> None:
    assert classify(PASSPORT_TEXT.split(), layout="TD3").kind is DocumentKind.IDN_PASSPORT


def test_unrelated_text_is_unknown() -> None:
    text = "the quick brown fox jumps over the lazy dog ferry schedule harbour Kupang tiket"
    c = classify(text.split())
    assert c.kind is DocumentKind.UNKNOWN
    assert "keywords" in c.reason


def test_empty_is_unknown() -> None:
    assert classify([]).kind is DocumentKind.UNKNOWN


def _mrz(fmt: str, doc_type: str, country: str) -> MrzResult:
    fields = {
        "document_type": MrzField("document_type", doc_type, doc_type),
        "issuing_country": MrzField("issuing_country", country, country),
    }
    return MrzResult(found=True, format=fmt, valid=True, fields=fields)


def test_mrz_decides_when_present() -> None:
    assert classify([], _mrz("TD3", "P", "IDN")).kind is DocumentKind.IDN_PASSPORT
    assert classify([], _mrz("TD3", "P", "PHL")).kind is DocumentKind.PASSPORT
    assert classify([], _mrz("TD1", "ID", "MYS")).kind is DocumentKind.TD1_CARD
    assert classify([], _mrz("MRVA", "V", "AUS")).kind is DocumentKind.VISA
    assert classify([], _mrz("TD2", "ID", "MYS")).kind is DocumentKind.TD2_CARD


def test_keywords_found_spans_tokens() -> None:
    assert keywords_found(["Berlaku", "Hingga"], ["BERLAKU HINGGA"]) == ("BERLAKU HINGGA",)
    assert keywords_found(["Berlaku"], ["BERLAKU HINGGA"]) == ()


def test_indonesian_passport_wins_over_its_own_english_captions() -> None:
    """The Indonesian page prints English captions as well; with only its title read among the
    Indonesian words, the ICAO words used to outnumber them and it was called a foreign passport."""
    text = (
        "PASPOR PASSPORT Surname Given Names Nationality Date of Birth Place of Birth "
        "Date of Issue Date of Expiry Authority Country Code"
    )
    assert classify(text.split(), layout="TD3").kind is DocumentKind.IDN_PASSPORT
    foreign = text.replace("PASPOR ", "")
    assert classify(foreign.split(), layout="TD3").kind is DocumentKind.PASSPORT
    mrz_seen = foreign + " P<IDNSANTOSO<<BUDI<<<<<<<<<<<<<<<<"
    assert classify(mrz_seen.split(), layout="TD3").kind is DocumentKind.IDN_PASSPORT


def test_mrz_with_failing_check_digits_alone_does_not_make_a_document() -> None:
    import dataclasses

    broken = dataclasses.replace(_mrz("TD1", "ID", "MYS"), valid=False)
    text = [
        "the",
        "quick",
        "brown",
        "fox",
        "jumps",
        "over",
        "the",
        "lazy",
        "dog",
        "ferry",
        "schedule",
        "harbour",
    ]
    assert classify(text, broken).kind is DocumentKind.UNKNOWN
    # With the document's own words printed, the MRZ still names the kind.
    assert (
        classify(
            PASSPORT_TEXT.split(), dataclasses.replace(_mrz("TD3", "P", "IDN"), valid=False)
        ).kind
        is DocumentKind.IDN_PASSPORT
    )


def test_misread_mrz_country_on_an_indonesian_page() -> None:
    c = classify(PASSPORT_TEXT.split(), _mrz("TD3", "P", "1DN"), layout="TD3")
    assert c.kind is DocumentKind.IDN_PASSPORT
