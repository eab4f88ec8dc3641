"""What each document kind prints: its fields, the labels that announce them, where the value sits.

Labels are listed in Indonesian and English (and the bilingual forms printed on Indonesian
passports); the reader finds them by fuzzy matching, so positions may shift.  ``where`` says where
the value sits relative to its label: ``right`` (KTP style ``Label : value``) or ``below`` (ICAO
passport style, value under the caption).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from docscreen.models import DocumentKind

ID1_MM = (85.60, 53.98)
TD3_MM = (125.0, 88.0)
TD2_MM = (105.0, 74.0)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    labels: tuple[str, ...]
    where: str  # "right" | "below"
    # date | sex | nik | name | text | code | code1 | docnum | regnum | office | nationality |
    # rt_rw | blood | place_date | valid
    kind: str
    critical: bool = False  # glare over it makes the capture unusable
    pattern: str | None = None  # a normalised value must match this, else it counts as unread
    # Where the value is printed on the reference layout (x, y, w, h as fractions of the
    # document).  Used only when the label cannot be read (small print suffers first from blur),
    # shifted by how far the fields that were found sit from their own reference places.
    nominal: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Template:
    kind: DocumentKind
    size_mm: tuple[float, float]
    fields: tuple[FieldSpec, ...]
    # Printed titles that are no field's label: a label match that is closer to one of these
    # ("PASPOR / PASSPORT" for "No. Paspor / Passport No.") is the title, not the label.
    headings: tuple[str, ...] = ()
    # When set: a caption counts only within this distance (fraction of the document's height
    # and width) above / beside its value's reference place.  Cards print their titles in the
    # same words as captions ("NATIONAL ID" reads as "Nationality").
    label_window: float | None = None
    # Second looks per document (each a small tesseract call, ~0.1 s of CPU).
    max_looks: int = 5


KTP = Template(
    DocumentKind.IDN_KTP,
    ID1_MM,
    (
        FieldSpec("province", ("PROVINSI",), "right", "text"),
        FieldSpec("nik", ("NIK",), "right", "nik", critical=True),
        FieldSpec(
            "full_name",
            ("Nama",),
            "right",
            "name",
            critical=True,
        ),
        FieldSpec(
            "birth_place_date",
            ("Tempat/Tgl Lahir", "Tempat/Tgl.Lahir", "Tempat Tgl Lahir"),
            "right",
            "place_date",
            critical=True,
        ),
        FieldSpec("sex", ("Jenis Kelamin", "Jenis kelamin"), "right", "sex"),
        FieldSpec("blood_type", ("Gol. Darah", "Gol Darah", "GolDarah"), "right", "blood"),
        FieldSpec("address", ("Alamat",), "right", "text"),
        FieldSpec("rt_rw", ("RT/RW",), "right", "rt_rw"),
        FieldSpec("village", ("Kel/Desa", "KelDesa"), "right", "text"),
        FieldSpec("district", ("Kecamatan",), "right", "text"),
        FieldSpec("religion", ("Agama",), "right", "text"),
        FieldSpec("marital_status", ("Status Perkawinan",), "right", "text"),
        FieldSpec("occupation", ("Pekerjaan",), "right", "text"),
        FieldSpec("nationality", ("Kewarganegaraan",), "right", "nationality"),
        FieldSpec("valid_until", ("Berlaku Hingga",), "right", "valid"),
    ),
)

IDN_PASSPORT = Template(
    DocumentKind.IDN_PASSPORT,
    TD3_MM,
    (
        FieldSpec("document_type", ("Jenis/Type", "Jenis / Type", "Type"), "below", "code1"),
        FieldSpec(
            "issuing_country",
            ("Kode Negara/Country Code", "Kode Negara / Country Code", "Country Code"),
            "below",
            "code",
        ),
        FieldSpec(
            "document_number",
            ("No. Paspor/Passport No.", "No. Paspor / Passport No.", "Passport No", "No. Paspor"),
            "below",
            "docnum",
            critical=True,
            # One letter and 7 digits (two letters and 6 or 7 digits on some series).
            pattern=r"[A-Z]\d{7}|[A-Z]{2}\d{6,7}",
        ),
        FieldSpec(
            "full_name",
            ("Nama Lengkap/Full Name", "Nama Lengkap / Full Name", "Full Name", "Nama Lengkap"),
            "below",
            "name",
            critical=True,
        ),
        FieldSpec("surname", ("Nama Keluarga/Surname", "Surname"), "below", "name"),
        FieldSpec("given_names", ("Nama/Given Names", "Given Names"), "below", "name"),
        FieldSpec("sex", ("Jenis Kelamin/Sex", "Jenis Kelamin / Sex", "Sex"), "below", "sex"),
        FieldSpec(
            "nationality",
            ("Kewarganegaraan/Nationality", "Kewarganegaraan / Nationality", "Nationality"),
            "below",
            "nationality",
        ),
        FieldSpec(
            "birth_date",
            ("Tanggal Lahir/Date of Birth", "Tanggal Lahir / Date of Birth", "Date of Birth"),
            "below",
            "date",
            critical=True,
        ),
        FieldSpec(
            "birth_place",
            ("Tempat Lahir/Place of Birth", "Tempat Lahir / Place of Birth", "Place of Birth"),
            "below",
            "text",
        ),
        FieldSpec(
            "issue_date",
            (
                "Tanggal Pengeluaran/Date of Issue",
                "Tanggal Pengeluaran / Date of Issue",
                "Date of Issue",
            ),
            "below",
            "date",
        ),
        FieldSpec(
            "expiry_date",
            (
                "Tanggal Habis Berlaku/Date of Expiry",
                "Tanggal Habis Berlaku / Date of Expiry",
                "Date of Expiry",
            ),
            "below",
            "date",
        ),
        FieldSpec(
            "registration_number",
            ("No. Reg. / Reg. No.", "No. Registrasi / Reg. No.", "Reg. No.", "No. Reg."),
            "below",
            "regnum",
        ),
        FieldSpec(
            "issuing_office",
            (
                "Kantor yang Mengeluarkan/Issuing Office",
                "Kantor Yang Mengeluarkan / Issuing Office",
                "Issuing Office",
            ),
            "below",
            "office",
        ),
    ),
    headings=("PASPOR / PASSPORT", "REPUBLIK INDONESIA", "REPUBLIC OF INDONESIA"),
)

# Reference places of the values (fractions of the document: x, y, w, h), measured on the
# reference layouts; widths run to the next column so longer values still fit.
_KTP_AT: dict[str, tuple[float, float, float, float]] = {
    "province": (0.05, 0.04, 0.90, 0.045),
    "nik": (0.20, 0.17, 0.50, 0.065),
    "full_name": (0.27, 0.265, 0.43, 0.04),
    "birth_place_date": (0.27, 0.32, 0.43, 0.04),
    "sex": (0.27, 0.377, 0.22, 0.04),
    "blood_type": (0.64, 0.377, 0.06, 0.04),
    "address": (0.27, 0.433, 0.43, 0.04),
    "rt_rw": (0.27, 0.488, 0.43, 0.042),
    "village": (0.27, 0.546, 0.43, 0.04),
    "district": (0.27, 0.602, 0.43, 0.04),
    "religion": (0.27, 0.659, 0.43, 0.04),
    "marital_status": (0.27, 0.715, 0.43, 0.04),
    "occupation": (0.27, 0.770, 0.43, 0.042),
    "nationality": (0.27, 0.828, 0.43, 0.04),
    "valid_until": (0.27, 0.884, 0.43, 0.04),
}
_PASSPORT_AT: dict[str, tuple[float, float, float, float]] = {
    "document_type": (0.32, 0.178, 0.21, 0.045),
    "issuing_country": (0.537, 0.178, 0.21, 0.045),
    "document_number": (0.747, 0.178, 0.24, 0.045),
    "full_name": (0.32, 0.274, 0.66, 0.045),
    "sex": (0.32, 0.370, 0.21, 0.045),
    "nationality": (0.537, 0.370, 0.21, 0.045),
    "birth_date": (0.32, 0.466, 0.21, 0.045),
    "birth_place": (0.537, 0.466, 0.44, 0.045),
    "issue_date": (0.32, 0.563, 0.21, 0.045),
    "expiry_date": (0.537, 0.563, 0.21, 0.045),
    "registration_number": (0.32, 0.659, 0.21, 0.05),
    "issuing_office": (0.537, 0.659, 0.44, 0.045),
}


def _placed(t: Template, at: dict[str, tuple[float, float, float, float]]) -> Template:
    return replace(t, fields=tuple(replace(f, nominal=at.get(f.name)) for f in t.fields))


KTP = replace(_placed(KTP, _KTP_AT), max_looks=8)
IDN_PASSPORT = replace(_placed(IDN_PASSPORT, _PASSPORT_AT), max_looks=8)

# Other ICAO passports and cards: English captions, value below (ICAO 9303 part 4/5 zones).
GENERIC_PASSPORT = Template(
    DocumentKind.PASSPORT,
    TD3_MM,
    (
        FieldSpec("document_type", ("Type",), "below", "code1"),
        FieldSpec("issuing_country", ("Country Code", "Code", "Issuing State"), "below", "code"),
        FieldSpec(
            "document_number",
            ("Passport No.", "Document No.", "Visa No.", "Card No."),
            "below",
            "docnum",
            critical=True,
        ),
        FieldSpec("surname", ("Surname", "Name"), "below", "name", critical=True),
        FieldSpec("given_names", ("Given Names", "Given names", "Forenames"), "below", "name"),
        FieldSpec("nationality", ("Nationality",), "below", "nationality"),
        FieldSpec("birth_date", ("Date of Birth", "Date of birth"), "below", "date", critical=True),
        FieldSpec("birth_place", ("Place of Birth", "Place of birth"), "below", "text"),
        FieldSpec("sex", ("Sex",), "below", "sex"),
        FieldSpec("issue_date", ("Date of Issue", "Date of issue"), "below", "date"),
        FieldSpec("expiry_date", ("Date of expiry", "Valid until", "Expiry"), "below", "date"),
        FieldSpec("issuing_office", ("Authority", "Issuing Office"), "below", "text"),
    ),
)

_CARD_FIELDS = tuple(f for f in GENERIC_PASSPORT.fields if f.name != "birth_place")

TD1_CARD = Template(DocumentKind.TD1_CARD, ID1_MM, _CARD_FIELDS)
TD2_CARD = Template(DocumentKind.TD2_CARD, TD2_MM, _CARD_FIELDS)

VISA = Template(
    DocumentKind.VISA,
    TD3_MM,
    (
        *GENERIC_PASSPORT.fields,
        FieldSpec("place_of_issue", ("Place of Issue", "Issued at"), "below", "text"),
    ),
)

# Cards and visas print their captions small (about 1.4 mm) over a guilloche, and the page pass
# often cannot read them: the values' places on the reference layout of these kinds (portrait at
# the left, names across, then birth date / sex / nationality, number / expiry, issue date under
# the portrait) let the reader take the values without their captions.  Bands are 5% of the
# height around the value's line (6% for visas, whose MRV-A and MRV-B rows differ by ~3%).
_TD1_AT: dict[str, tuple[float, float, float, float]] = {
    "surname": (0.267, 0.208, 0.70, 0.05),
    "given_names": (0.267, 0.318, 0.70, 0.05),
    "birth_date": (0.267, 0.428, 0.34, 0.05),
    "sex": (0.633, 0.428, 0.10, 0.05),
    "nationality": (0.742, 0.428, 0.22, 0.05),
    "document_number": (0.267, 0.538, 0.34, 0.05),
    "expiry_date": (0.633, 0.538, 0.33, 0.05),
    "issue_date": (0.040, 0.622, 0.22, 0.05),
}
_TD2_AT: dict[str, tuple[float, float, float, float]] = {
    "surname": (0.303, 0.145, 0.67, 0.05),
    "given_names": (0.303, 0.239, 0.67, 0.05),
    "birth_date": (0.303, 0.333, 0.33, 0.05),
    "sex": (0.652, 0.333, 0.08, 0.05),
    "nationality": (0.740, 0.333, 0.23, 0.05),
    "document_number": (0.303, 0.427, 0.33, 0.05),
    "expiry_date": (0.652, 0.427, 0.32, 0.05),
    "issue_date": (0.032, 0.602, 0.24, 0.05),
}
_VISA_AT: dict[str, tuple[float, float, float, float]] = {
    "surname": (0.296, 0.134, 0.67, 0.06),
    "given_names": (0.296, 0.224, 0.67, 0.06),
    "birth_date": (0.296, 0.315, 0.33, 0.06),
    "sex": (0.648, 0.315, 0.08, 0.06),
    "nationality": (0.725, 0.315, 0.24, 0.06),
    "document_number": (0.296, 0.405, 0.33, 0.06),
    "expiry_date": (0.648, 0.405, 0.32, 0.06),
    "issue_date": (0.028, 0.603, 0.25, 0.06),
    "place_of_issue": (0.296, 0.603, 0.67, 0.06),
}

# Their page pass is cheaper (a card is half a passport page), and more of their values are
# read without captions: two more looks.
TD1_CARD = replace(_placed(TD1_CARD, _TD1_AT), label_window=0.15, max_looks=7)
TD2_CARD = replace(_placed(TD2_CARD, _TD2_AT), label_window=0.15, max_looks=7)
VISA = replace(_placed(VISA, _VISA_AT), label_window=0.15, max_looks=7)

TEMPLATES: dict[DocumentKind, Template] = {
    t.kind: t for t in (KTP, IDN_PASSPORT, GENERIC_PASSPORT, TD1_CARD, TD2_CARD, VISA)
}
