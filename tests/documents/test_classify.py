"""Document type from printed keywords (and the MRZ when there is one)."""

from __future__ import annotations

from docscreen.documents.classify import classify, keywords_found
from docscreen.models import DocumentKind, MrzField, MrzResult, Repair

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


def _checked_mrz(
    checks: dict[str, str],
    country: str = "IDN",
    *,
    confidence: float = 0.99,
    notes: tuple[str, ...] = (),
    repairs: tuple[Repair, ...] = (),
) -> MrzResult:
    state = () if country in ("IDN", "PHL") else ("unknown_country_code",)
    fields = {
        "document_type": MrzField("document_type", "P", "P"),
        "issuing_country": MrzField("issuing_country", country, country, notes=state),
    }
    return MrzResult(found=True, format="TD3", valid=False, fields=fields, checks=checks,
                     confidence=confidence, notes=notes, repairs=repairs)  # fmt: skip


def test_mrz_with_most_check_digits_holding_is_trusted_without_words() -> None:
    # A forged birth date breaks its own check digit and the composite; a photocopied page may
    # give no printed words at all.  The number and expiry digits still hold: it is an MRZ.
    forged = _checked_mrz(
        {"document_number": "valid", "birth_date": "invalid", "expiry_date": "valid",
         "personal_number": "valid", "composite": "invalid"}
    )  # fmt: skip
    c = classify([], forged)
    assert c.kind is DocumentKind.IDN_PASSPORT
    assert c.confidence < 0.99  # not a valid MRZ


def test_mrz_like_text_with_one_check_digit_is_not_trusted_alone() -> None:
    # The always-valid empty personal number does not count; one data check is chance.
    lucky = _checked_mrz(
        {"document_number": "invalid", "birth_date": "valid", "expiry_date": "invalid",
         "personal_number": "valid", "composite": "invalid"}
    )  # fmt: skip
    assert classify(["ferry", "schedule", "harbour"], lucky).kind is DocumentKind.UNKNOWN
    invented = _checked_mrz(
        {"document_number": "valid", "birth_date": "valid", "expiry_date": "invalid"}, "QQX"
    )
    assert classify([], invented).kind is DocumentKind.UNKNOWN


def test_garbage_read_as_an_mrz_is_not_trusted_alone() -> None:
    # A non-document photo (vizwork nondoc-011) read as a TD2 "MRZ": the check-digit search made
    # the number's digit hold, the expiry held by chance over letters, the confidence was 0.63.
    held = {"document_number": "valid", "birth_date": "invalid", "expiry_date": "valid"}
    search = (Repair(1, 3, "B", "H", "check_digit:document_number"),)
    for garbage in (
        _checked_mrz(held, notes=("expiry_date:bad_characters",)),
        _checked_mrz(held, confidence=0.63),
        _checked_mrz(held, repairs=search),
    ):
        assert classify([], garbage).kind is DocumentKind.UNKNOWN
    assert classify([], _checked_mrz(held)).kind is DocumentKind.IDN_PASSPORT
