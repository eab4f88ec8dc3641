"""Page layouts: each document kind is drawn from its data into an image with exact text runs.

Sizes follow the real formats at 300 dpi: passport data page 125 x 88 mm (TD3), ID-1 card
85.6 x 54 mm (TD1, e-KTP), TD2 105 x 74 mm, MRV-A visa 120 x 80 mm, MRV-B visa 105 x 74 mm.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from docscreen.specimens import data, mrzgen
from docscreen.specimens.person import Person, add_years, random_date
from docscreen.specimens.render import (
    OCRB_ADVANCE_EM,
    Rgb,
    TextRun,
    draw_text,
    emblem,
    font,
    paste_portrait,
    security_background,
)

DPI = 300.0
MRZ_PITCH = DPI / 10.0  # 10 characters per inch
MRZ_SIZE = round(MRZ_PITCH / OCRB_ADVANCE_EM)

KINDS: tuple[str, ...] = ("idn_passport", "idn_ktp", "td1_card", "td2_card", "visa_a", "visa_b")
DOCUMENT_KIND: dict[str, str] = {
    "idn_passport": "idn_passport",
    "idn_ktp": "idn_ktp",
    "td1_card": "td1_card",
    "td2_card": "td2_card",
    "visa_a": "visa",
    "visa_b": "visa",
}

# Passports issued from this day to adults are valid ten years (Permenkumham 18/2022); before it,
# and for children under 17, five years.
TEN_YEAR_RULE = dt.date(2022, 10, 12)
ADULT_AGE_PASSPORT = 17


def mm(value: float) -> int:
    return round(value / 25.4 * DPI)


@dataclass
class Rendered:
    """A clean page and everything needed to describe (or forge) it."""

    kind: str
    image: Image.Image
    runs: dict[str, TextRun]
    values: dict[str, str]  # canonical value of every printed field
    mrz_format: str | None = None
    mrz_lines: list[str] | None = None
    mrz_runs: list[TextRun] = field(default_factory=list)
    mrz_fields: dict[str, str] = field(default_factory=dict)
    portrait_box: tuple[int, int, int, int] | None = None
    style: dict[str, str] = field(default_factory=dict)


def date_text(day: dt.date, months: tuple[str, ...]) -> str:
    return f"{day.day:02d} {months[day.month - 1]} {day.year}"


def fit_size(text: str, family: str, size: int, max_width: int) -> int:
    while size > 10 and font(family, size).getlength(text) > max_width:
        size -= 1
    return size


def _mrz_block(
    draw: ImageDraw.ImageDraw, lines: list[str], x: int, first_baseline: int, step: int
) -> list[TextRun]:
    return [
        draw_text(
            draw,
            f"mrz_{i + 1}",
            line,
            (x, first_baseline + i * step),
            "ocrb",
            MRZ_SIZE,
            (10, 10, 10),
            pitch=MRZ_PITCH,
        )
        for i, line in enumerate(lines)
    ]


def _labelled(
    draw: ImageDraw.ImageDraw,
    runs: dict[str, TextRun],
    name: str,
    label: str,
    value: str,
    xy: tuple[int, int],
    *,
    max_width: int = 900,
    label_size: int = 17,
    value_size: int = 30,
    label_fill: Rgb = (70, 60, 90),
) -> None:
    x, y = xy
    draw_text(draw, f"label_{name}", label, (x, y), "sans", label_size, label_fill)
    size = fit_size(value, "sans_bold", value_size, max_width)
    runs[name] = draw_text(draw, name, value, (x, y + 38), "sans_bold", size)


# --- Indonesian passport ------------------------------------------------------------------------


@dataclass(frozen=True)
class PassportData:
    person: Person
    number: str
    issue_date: dt.date
    expiry_date: dt.date
    office: str
    registration_number: str
    months: str  # "id" | "en": month abbreviations printed in the dates


def passport_validity_years(issue: dt.date, birth: dt.date) -> int:
    age = issue.year - birth.year - ((issue.month, issue.day) < (birth.month, birth.day))
    return 10 if issue >= TEN_YEAR_RULE and age >= ADULT_AGE_PASSPORT else 5


def office_for(district_code: str) -> str:
    for office, prefixes in data.NTT_OFFICES.items():
        if district_code[:4] in prefixes:
            return office
    if district_code.startswith("53"):
        return "KUPANG"
    return {"31": "JAKARTA PUSAT", "35": "SURABAYA", "51": "DENPASAR", "32": "BANDUNG"}.get(
        district_code[:2], "BALIKPAPAN"
    )


def make_passport_data(
    rng: random.Random, person: Person, today: dt.date, *, expired: bool = False
) -> PassportData:
    """Issue and expiry dates consistent with the validity rule; valid (or just expired) today."""
    earliest = max(person.birth_date + dt.timedelta(days=30), add_years(today, -10))
    for _ in range(50):
        if expired:
            issue = random_date(rng, add_years(today, -10), add_years(today, -5))
        else:
            issue = random_date(rng, earliest, today - dt.timedelta(days=1))
        if issue <= person.birth_date:
            continue
        expiry = add_years(issue, passport_validity_years(issue, person.birth_date))
        if expired == (expiry < today):
            break
    else:  # pragma: no cover - the date ranges above always admit a solution
        raise RuntimeError("could not choose passport dates")
    office = office_for(person.district_code)
    letter = rng.choice("ABCEX")
    number = f"{letter}{rng.randint(0, 9_999_999):07d}"
    reg = (
        f"{rng.randint(10, 99)}{rng.choice(string.ascii_uppercase)}{rng.randint(10, 99)}"
        f"{rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)}"
        f"{rng.randint(0, 9999):04d}-{data.OFFICE_CODES[office]}"
    )
    return PassportData(person, number, issue, expiry, office, reg, rng.choice(("id", "en")))


def render_passport(rng: random.Random, d: PassportData) -> Rendered:
    p = d.person
    w, h = mm(125), mm(88)
    img = security_background((w, h), (236, 232, 218), (196, 150, 170), 0)
    draw = ImageDraw.Draw(img)
    # The MRZ sits on a plain band, as on real pages (ICAO clear zone).
    draw.rectangle((0, h - 250, w, h), fill=(245, 243, 236))
    blue = (30, 45, 110)
    emblem(draw, (95, 85), 48, (150, 110, 40))
    draw_text(draw, "heading_1", "REPUBLIK INDONESIA", (180, 78), "serif_bold", 46, blue)
    draw_text(draw, "heading_2", "REPUBLIC OF INDONESIA", (182, 112), "sans", 24, blue)
    draw_text(draw, "heading_3", "PASPOR / PASSPORT", (1010, 78), "sans_bold", 34, blue)
    months = data.MONTHS_ID if d.months == "id" else data.MONTHS_EN
    runs: dict[str, TextRun] = {}
    c1, c2, c3 = 480, 800, 1110
    y0, step = 180, 100
    _labelled(draw, runs, "document_type", "Jenis / Type", "P", (c1, y0))
    _labelled(draw, runs, "issuing_country", "Kode Negara / Country Code", "IDN", (c2, y0))
    _labelled(draw, runs, "document_number", "No. Paspor / Passport No.", d.number, (c3, y0))
    _labelled(
        draw,
        runs,
        "full_name",
        "Nama Lengkap / Full Name",
        p.full_name,
        (c1, y0 + step),
        max_width=950,
    )
    sex_text = "L / M" if p.sex == "M" else "P / F"
    _labelled(draw, runs, "sex", "Jenis Kelamin / Sex", sex_text, (c1, y0 + 2 * step))
    _labelled(
        draw, runs, "nationality", "Kewarganegaraan / Nationality", "INDONESIA", (c2, y0 + 2 * step)
    )
    _labelled(
        draw,
        runs,
        "birth_date",
        "Tanggal Lahir / Date of Birth",
        date_text(p.birth_date, months),
        (c1, y0 + 3 * step),
    )
    _labelled(
        draw,
        runs,
        "birth_place",
        "Tempat Lahir / Place of Birth",
        p.birth_place,
        (c2, y0 + 3 * step),
        max_width=600,
    )
    _labelled(
        draw,
        runs,
        "issue_date",
        "Tanggal Pengeluaran / Date of Issue",
        date_text(d.issue_date, months),
        (c1, y0 + 4 * step),
    )
    _labelled(
        draw,
        runs,
        "expiry_date",
        "Tanggal Habis Berlaku / Date of Expiry",
        date_text(d.expiry_date, months),
        (c2, y0 + 4 * step),
    )
    _labelled(
        draw,
        runs,
        "registration_number",
        "No. Reg. / Reg. No.",
        d.registration_number,
        (c1, y0 + 5 * step),
        max_width=300,
    )
    _labelled(
        draw,
        runs,
        "issuing_office",
        "Kantor yang Mengeluarkan / Issuing Office",
        d.office,
        (c2, y0 + 5 * step),
        max_width=600,
    )
    pbox = (50, 175, 390, 500)
    paste_portrait(img, rng, pbox, (235, 238, 242), p.sex)
    draw.rectangle(
        (pbox[0], pbox[1], pbox[0] + pbox[2], pbox[1] + pbox[3]), outline=(120, 120, 130), width=2
    )
    _signature(draw, rng, (c1 + 10, 730, 260, 60))
    mrz = mrzgen.MrzData(
        "TD3",
        "P",
        "IDN",
        p.surname,
        p.given_names,
        d.number,
        "IDN",
        p.birth_date,
        p.sex,
        d.expiry_date,
    )
    lines = mrzgen.compose(mrz)
    mrz_runs = _mrz_block(draw, lines, 60, h - 140, 75)
    values = {
        "document_type": "P",
        "issuing_country": "IDN",
        "document_number": d.number,
        "full_name": p.full_name,
        "sex": p.sex,
        "nationality": "IDN",
        "birth_date": p.birth_date.isoformat(),
        "birth_place": p.birth_place,
        "issue_date": d.issue_date.isoformat(),
        "expiry_date": d.expiry_date.isoformat(),
        "registration_number": d.registration_number,
        "issuing_office": d.office,
    }
    return Rendered(
        "idn_passport",
        img,
        runs,
        values,
        "TD3",
        lines,
        mrz_runs,
        _mrz_fields(mrz),
        pbox,
        {"months": d.months},
    )


def _mrz_fields(m: mrzgen.MrzData) -> dict[str, str]:
    out = {
        "document_type": m.document_code,
        "issuing_country": m.issuing_country,
        "document_number": m.document_number,
        "surname": mrzgen.mrz_text(m.surname).replace("<", " ").strip(),
        "given_names": mrzgen.mrz_text(m.given_names).replace("<", " ").strip(),
        "nationality": m.nationality,
        "birth_date": m.birth_date.isoformat(),
        "sex": m.sex,
        "expiry_date": m.expiry_date.isoformat(),
    }
    if m.optional_1:
        out["personal_number" if m.format == "TD3" else "optional_data_1"] = m.optional_1
    if m.optional_2:
        out["optional_data_2"] = m.optional_2
    return out


def _signature(
    draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[int, int, int, int]
) -> None:
    x, y, w, h = box
    pts = []
    for i in range(28):
        t = i / 27
        pts.append((x + t * w, y + h / 2 + rng.uniform(-0.45, 0.45) * h * (1 - abs(0.5 - t))))
    draw.line(pts, fill=(25, 30, 80), width=3, joint="curve")


# --- Indonesian e-KTP ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KtpData:
    person: Person
    issue_place: str
    issue_date: dt.date


def make_ktp_data(rng: random.Random, person: Person, today: dt.date) -> KtpData:
    # e-KTP since 2011; issued at 17 or later.
    start = max(add_years(person.birth_date, 17), dt.date(2012, 1, 1))
    issue = random_date(rng, min(start, today - dt.timedelta(days=1)), today - dt.timedelta(days=1))
    place = person.regency.replace("KABUPATEN ", "").replace("KOTA ", "")
    return KtpData(person, place, issue)


def render_ktp(rng: random.Random, d: KtpData) -> Rendered:
    p = d.person
    w, h = mm(85.6), mm(54)
    img = security_background((w, h), (196, 224, 240), (140, 186, 214), 1)
    draw = ImageDraw.Draw(img)
    dark = (15, 15, 20)
    runs: dict[str, TextRun] = {}
    head1 = f"PROVINSI {p.province}"
    s1 = fit_size(head1, "sans_bold", 30, w - 60)
    hw = font("sans_bold", s1).getlength(head1)
    runs["province"] = draw_text(
        draw, "province", head1, (int((w - hw) / 2), 50), "sans_bold", s1, dark
    )
    s2 = fit_size(p.regency, "sans_bold", 30, w - 60)
    hw = font("sans_bold", s2).getlength(p.regency)
    runs["regency"] = draw_text(
        draw, "regency", p.regency, (int((w - hw) / 2), 88), "sans_bold", s2, dark
    )
    draw_text(draw, "label_nik", "NIK", (30, 142), "sans_bold", 32, dark)
    draw_text(draw, "colon_nik", ":", (185, 142), "sans_bold", 32, dark)
    runs["nik"] = draw_text(draw, "nik", p.nik, (210, 143), "ocrb", 36, dark)
    lx, cx, vx, vmax = 30, 262, 278, 470
    size = 21
    birth_text = p.birth_date.strftime("%d-%m-%Y")
    rows: list[tuple[str, str, str | None, str]] = [
        ("Nama", "full_name", None, p.full_name),
        ("Tempat/Tgl Lahir", "birth_place", None, p.birth_place),
        ("Jenis Kelamin", "sex", None, "LAKI-LAKI" if p.sex == "M" else "PEREMPUAN"),
        ("Alamat", "address", None, p.address),
        ("RT/RW", "rt_rw", "indent", p.rt_rw),
        ("Kel/Desa", "village", "indent", p.village),
        ("Kecamatan", "district", "indent", p.district),
        ("Agama", "religion", None, p.religion),
        ("Status Perkawinan", "marital_status", None, p.marital_status),
        ("Pekerjaan", "occupation", None, p.occupation),
        ("Kewarganegaraan", "nationality", None, "WNI"),
        ("Berlaku Hingga", "valid_until", None, "SEUMUR HIDUP"),
    ]
    y = 188
    for label, name, indent, value in rows:
        draw_text(draw, f"label_{name}", label, (lx + (34 if indent else 0), y), "sans", size, dark)
        draw_text(draw, f"colon_{name}", ":", (cx, y), "sans", size, dark)
        vs = fit_size(
            value + (", " + birth_text if name == "birth_place" else ""), "sans", size, vmax
        )
        runs[name] = draw_text(draw, name, value, (vx, y), "sans", vs, dark)
        if name == "birth_place":
            comma_x = runs[name].x + int(font("sans", vs).getlength(value))
            draw_text(draw, "comma", ",", (comma_x, y), "sans", vs, dark)
            bx = comma_x + int(font("sans", vs).getlength(", "))
            runs["birth_date"] = draw_text(
                draw, "birth_date", birth_text, (bx, y), "sans", vs, dark
            )
        if name == "sex":
            draw_text(draw, "label_blood_type", "Gol. Darah", (520, y), "sans", size, dark)
            draw_text(draw, "colon_blood_type", ":", (640, y), "sans", size, dark)
            runs["blood_type"] = draw_text(
                draw, "blood_type", p.blood_type, (655, y), "sans", size, dark
            )
        y += 36
    pbox = (772, 120, 205, 265)
    bg = (200, 40, 40) if rng.random() < 0.5 else (30, 80, 190)
    paste_portrait(img, rng, pbox, bg, p.sex)
    issue_text = d.issue_date.strftime("%d-%m-%Y")
    for name, text, yy in (("issue_place", d.issue_place, 420), ("issue_date", issue_text, 450)):
        s = fit_size(text, "sans", 20, 220)
        tw = font("sans", s).getlength(text)
        runs[name] = draw_text(
            draw, name, text, (int(pbox[0] + (pbox[2] - tw) / 2), yy), "sans", s, dark
        )
    _signature(draw, rng, (pbox[0] + 30, 470, 150, 50))
    values = {
        "province": p.province,
        "regency": p.regency,
        "nik": p.nik,
        "full_name": p.full_name,
        "birth_place": p.birth_place,
        "birth_date": p.birth_date.isoformat(),
        "sex": p.sex,
        "blood_type": p.blood_type,
        "address": p.address,
        "rt_rw": p.rt_rw,
        "village": p.village,
        "district": p.district,
        "religion": p.religion,
        "marital_status": p.marital_status,
        "occupation": p.occupation,
        "nationality": "WNI",
        "valid_until": "SEUMUR HIDUP",
        "issue_place": d.issue_place,
        "issue_date": d.issue_date.isoformat(),
    }
    # The heading runs carry the "PROVINSI " prefix; its value is the province alone.
    return Rendered("idn_ktp", img, runs, values, None, None, [], {}, pbox, {})


# --- foreign ICAO documents ---------------------------------------------------------------------


@dataclass(frozen=True)
class ForeignData:
    person: Person
    country: data.Country
    number: str
    issue_date: dt.date
    expiry_date: dt.date
    optional: str


def make_foreign_data(
    rng: random.Random, person: Person, country: data.Country, today: dt.date, *, years: int
) -> ForeignData:
    issue = random_date(
        rng, add_years(today, -years) + dt.timedelta(days=2), today - dt.timedelta(days=1)
    )
    expiry = add_years(issue, years)
    number = (
        "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
        + f"{rng.randint(0, 9_999_999):07d}"
    )
    optional = f"{rng.randint(0, 99_999_999):08d}" if rng.random() < 0.5 else ""
    return ForeignData(person, country, number, issue, expiry, optional)


def make_visa_data(
    rng: random.Random, person: Person, country: data.Country, today: dt.date
) -> ForeignData:
    issue = random_date(rng, today - dt.timedelta(days=150), today - dt.timedelta(days=1))
    expiry = issue + dt.timedelta(days=rng.choice((90, 180, 365)))
    number = f"{rng.choice(string.ascii_uppercase)}{rng.randint(0, 99_999_999):08d}"
    return ForeignData(person, country, number, issue, expiry, "")


_FOREIGN_SPECS: dict[str, tuple[str, float, float, str, str]] = {
    # kind: (MRZ format, width mm, height mm, document code, title)
    "td1_card": ("TD1", 85.6, 54.0, "ID", "IDENTITY CARD"),
    "td2_card": ("TD2", 105.0, 74.0, "ID", "IDENTITY CARD"),
    "visa_a": ("MRVA", 120.0, 80.0, "V", "VISA"),
    "visa_b": ("MRVB", 105.0, 74.0, "V", "VISA"),
}


def render_foreign(rng: random.Random, kind: str, d: ForeignData) -> Rendered:
    fmt, wmm, hmm, code, title = _FOREIGN_SPECS[kind]
    p, c = d.person, d.country
    w, h = mm(wmm), mm(hmm)
    is_visa = fmt.startswith("MRV")
    base: Rgb = (232, 222, 240) if is_visa else (226, 236, 214)
    ink: Rgb = (176, 150, 200) if is_visa else (150, 190, 150)
    img = security_background((w, h), base, ink, 2 if is_visa else 3)
    draw = ImageDraw.Draw(img)
    navy = (25, 35, 90)
    months = data.MONTHS_EN
    mrz_lines_n = 3 if fmt == "TD1" else 2
    mrz_step = 52 if fmt == "TD1" else 66
    mrz_top = h - 40 - (mrz_lines_n - 1) * mrz_step
    draw.rectangle((0, mrz_top - 60, w, h), fill=(246, 244, 240))
    heading = c.name
    hs = fit_size(heading, "sans_bold", 30, w - 120)
    draw_text(draw, "heading_1", heading, (40, 50), "sans_bold", hs, navy)
    draw_text(draw, "heading_2", title if is_visa else c.card_title, (40, 85), "sans", 24, navy)
    ph = min(int(w * 0.24 * 1.28), mrz_top - 60 - 110 - 80)
    pbox = (40, 110, int(ph / 1.28), ph)
    pw = pbox[2]
    paste_portrait(img, rng, pbox, (230, 232, 236), p.sex)
    x1 = pbox[0] + pbox[2] + 40
    x2 = x1 + (w - x1) // 2
    vsize = 26 if fmt == "TD1" else 28
    step = 70 if fmt == "TD1" else 82
    runs: dict[str, TextRun] = {}

    def put(name: str, label: str, value: str, x: int, row: int, max_width: int = 400) -> None:
        _labelled(
            draw,
            runs,
            name,
            label,
            value,
            (x, 120 + row * step),
            max_width=max_width,
            label_size=16,
            value_size=vsize,
        )

    full_w = w - x1 - 30
    put("surname", "Surname", p.surname, x1, 0, full_w)
    put("given_names", "Given names", p.given_names, x1, 1, full_w)
    put("birth_date", "Date of birth", date_text(p.birth_date, months), x1, 2, x2 - x1 - 20)
    put("sex", "Sex", p.sex, x2, 2)
    put("nationality", "Nationality", p.nationality, x2 + 110, 2, 150)
    put("document_number", "Visa No." if is_visa else "Document No.", d.number, x1, 3, x2 - x1 - 20)
    put(
        "expiry_date",
        "Valid until" if is_visa else "Date of expiry",
        date_text(d.expiry_date, months),
        x2,
        3,
        w - x2 - 30,
    )
    # Date of issue (and place, for visas) go under the portrait where there is room.
    iy = pbox[1] + pbox[3] + 10
    _labelled(
        draw,
        runs,
        "issue_date",
        "Date of issue",
        date_text(d.issue_date, months),
        (40, iy + 18),
        max_width=pw + 40,
        label_size=16,
        value_size=vsize - 4,
    )
    values = {
        "surname": p.surname,
        "given_names": p.given_names,
        "birth_date": p.birth_date.isoformat(),
        "sex": p.sex,
        "nationality": p.nationality,
        "document_number": d.number,
        "expiry_date": d.expiry_date.isoformat(),
        "issue_date": d.issue_date.isoformat(),
    }
    if is_visa:
        _labelled(
            draw,
            runs,
            "place_of_issue",
            "Issued at",
            c.city,
            (x1, iy + 18),
            max_width=w - x1 - 30,
            label_size=16,
            value_size=vsize - 4,
        )
        values["place_of_issue"] = c.city
        # Printed visa conditions (not canonical fields, but a reader sees them).
        put(
            "visa_type",
            "Type of visa",
            rng.choice(("VISITOR", "WORK", "BUSINESS", "TRANSIT")),
            x1,
            4,
            x2 - x1 - 20,
        )
        put("entries", "Entries", rng.choice(("SINGLE", "MULTIPLE")), x2, 4, w - x2 - 30)
    if not p.given_names:
        runs.pop("given_names", None)
        values.pop("given_names", None)
    mrz = mrzgen.MrzData(
        fmt,
        code if not is_visa else ("V" if fmt == "MRVB" else "VA"),
        c.code,
        p.surname,
        p.given_names,
        d.number,
        p.nationality,
        p.birth_date,
        p.sex,
        d.expiry_date,
        d.optional,
    )
    lines = mrzgen.compose(mrz)
    mx = int((w - len(lines[0]) * MRZ_PITCH) / 2)
    mrz_runs = _mrz_block(draw, lines, mx, mrz_top, mrz_step)
    return Rendered(kind, img, runs, values, fmt, lines, mrz_runs, _mrz_fields(mrz), pbox, {})
