"""Small built-in vocabularies for synthetic specimens.

Embedded so the generator works from a fresh clone without ``../shared``.  The region codes are a
handful of public Kemendagri district codes (2025 list) with two villages each; the vocabularies follow
the KTP/KK blank vocabulary (SIAK spellings).  Nothing here describes a real person.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    code: str  # 6-digit Kemendagri district (kecamatan) code
    name: str
    regency: str  # as printed on the KTP second heading line
    province: str  # as printed on the KTP first heading line (without "PROVINSI")
    villages: tuple[str, ...]


_NTT = "NUSA TENGGARA TIMUR"

DISTRICTS: tuple[District, ...] = (
    District("530104", "SEMAU", "KABUPATEN KUPANG", _NTT, ("BOKONUSAN", "OTAN")),
    District("530106", "KUPANG TIMUR", "KABUPATEN KUPANG", _NTT, ("BABAU", "NAIBONAT")),
    District("530201", "KOTA SOE", "KABUPATEN TIMOR TENGAH SELATAN", _NTT, ("SOE", "CENDANA")),
    District(
        "530202", "MOLLO SELATAN", "KABUPATEN TIMOR TENGAH SELATAN", _NTT, ("BILOTO", "KESETNANA")
    ),
    District("530301", "MIOMAFFO TIMUR", "KABUPATEN TIMOR TENGAH UTARA", _NTT, ("BOKON", "BITEFA")),
    District(
        "530302", "MIOMAFFO BARAT", "KABUPATEN TIMOR TENGAH UTARA", _NTT, ("NOEPESU", "FATUNENO")
    ),
    District("530401", "LAMAKNEN", "KABUPATEN BELU", _NTT, ("KEWAR", "FULUR")),
    District("530402", "TASIFETO TIMUR", "KABUPATEN BELU", _NTT, ("SILAWAN", "TULAKADI")),
    District(
        "530501", "TELUK MUTIARA", "KABUPATEN ALOR", _NTT, ("KALABAHI BARAT", "KALABAHI KOTA")
    ),
    District("530502", "ALOR BARAT LAUT", "KABUPATEN ALOR", _NTT, ("ADANG", "ALOR KECIL")),
    District("530701", "PAGA", "KABUPATEN SIKKA", _NTT, ("MASABEWA", "WOLOWIRO")),
    District("530702", "MEGO", "KABUPATEN SIKKA", _NTT, ("BHERA", "DOBO")),
    District("530801", "NANGAPANDA", "KABUPATEN ENDE", _NTT, ("NDORUREA", "ONDOREA")),
    District("530803", "ENDE", "KABUPATEN ENDE", _NTT, ("RABURIA", "RIARAJA")),
    District("531001", "WAE RII", "KABUPATEN MANGGARAI", _NTT, ("SATAR NGKELING", "LALONG")),
    District("531003", "RUTENG", "KABUPATEN MANGGARAI", _NTT, ("WAE BELANG", "CUMBI")),
    District("531101", "KOTA WAINGAPU", "KABUPATEN SUMBA TIMUR", _NTT, ("KAMBAJAWA", "HAMBALA")),
    District("531102", "HAHARU", "KABUPATEN SUMBA TIMUR", _NTT, ("RAMBANGARU", "PRAIBAKUL")),
    District("531301", "NAGA WUTUNG", "KABUPATEN LEMBATA", _NTT, ("PASIR PUTIH", "DUAWUTUN")),
    District("531303", "ILE APE", "KABUPATEN LEMBATA", _NTT, ("KOLIPADAN", "DULITUKAN")),
    District("531401", "ROTE BARAT DAYA", "KABUPATEN ROTE NDAO", _NTT, ("OESELI", "OEBOU")),
    District("531403", "LOBALAIN", "KABUPATEN ROTE NDAO", _NTT, ("NAMODALE", "MOKDALE")),
    District("531501", "MACANG PACAR", "KABUPATEN MANGGARAI BARAT", _NTT, ("BARI", "ROKAP")),
    District("531503", "LEMBOR", "KABUPATEN MANGGARAI BARAT", _NTT, ("TANGGE", "WAE WAKO")),
    District("532101", "MALAKA TENGAH", "KABUPATEN MALAKA", _NTT, ("BARENE", "KAKANIUK")),
    District("532102", "MALAKA BARAT", "KABUPATEN MALAKA", _NTT, ("MOTAULUN", "SIKUN")),
    District("537101", "ALAK", "KOTA KUPANG", _NTT, ("NAMOSAIN", "NUNBAUN SABU")),
    District("537102", "MAULAFA", "KOTA KUPANG", _NTT, ("OEPURA", "MAULAFA")),
    District("537103", "KELAPA LIMA", "KOTA KUPANG", _NTT, ("KELAPA LIMA", "OESAPA")),
    District("537104", "OEBOBO", "KOTA KUPANG", _NTT, ("OEBOBO", "OETETE")),
    District("537105", "KOTA RAJA", "KOTA KUPANG", _NTT, ("BAKUNASE", "BAKUNASE DUA")),
    District("537106", "KOTA LAMA", "KOTA KUPANG", _NTT, ("AIRMATA", "LAI LAI BISI KOPAN")),
    District("317101", "GAMBIR", "JAKARTA PUSAT", "DKI JAKARTA", ("GAMBIR", "CIDENG")),
    District("317106", "MENTENG", "JAKARTA PUSAT", "DKI JAKARTA", ("MENTENG", "PEGANGSAAN")),
    District("327301", "SUKASARI", "KOTA BANDUNG", "JAWA BARAT", ("SUKARASA", "GEGERKALONG")),
    District(
        "357801", "KARANG PILANG", "KOTA SURABAYA", "JAWA TIMUR", ("KARANG PILANG", "KEBRAON")
    ),
    District("517101", "DENPASAR SELATAN", "KOTA DENPASAR", "BALI", ("SERANGAN", "PEDUNGAN")),
    District(
        "647101", "BALIKPAPAN TIMUR", "KOTA BALIKPAPAN", "KALIMANTAN TIMUR", ("MANGGAR", "LAMARU")
    ),
)

# Most specimens are from NTT, the deployment region; a few are from elsewhere (migrants' transit).
NTT_SHARE = 0.8

# Immigration offices that issue passports to NTT residents (spec: ntt_immigration_offices.csv),
# keyed by the regency-code prefixes they usually serve; others fall back to a national office.
NTT_OFFICES: dict[str, tuple[str, ...]] = {
    "KUPANG": ("5301", "5302", "5314", "5320", "5371"),
    "ATAMBUA": ("5303", "5304", "5321"),
    "LABUAN BAJO": ("5309", "5310", "5315", "5319"),
    "MAUMERE": ("5305", "5306", "5307", "5308", "5313", "5316"),
}
OTHER_OFFICES: tuple[str, ...] = ("JAKARTA PUSAT", "SURABAYA", "DENPASAR", "BANDUNG", "BALIKPAPAN")
OFFICE_CODES: dict[str, str] = {
    "KUPANG": "KPG",
    "ATAMBUA": "ATB",
    "LABUAN BAJO": "LBJ",
    "MAUMERE": "MMR",
    "JAKARTA PUSAT": "JKP",
    "SURABAYA": "SBY",
    "DENPASAR": "DPS",
    "BANDUNG": "BDG",
    "BALIKPAPAN": "BPN",
}

BIRTH_PLACES_NTT: tuple[str, ...] = (
    "KUPANG",
    "SOE",
    "KEFAMENANU",
    "ATAMBUA",
    "KALABAHI",
    "MAUMERE",
    "ENDE",
    "RUTENG",
    "WAINGAPU",
    "BAA",
    "LABUAN BAJO",
    "BETUN",
    "LARANTUKA",
    "LEWOLEBA",
    "BAJAWA",
    "OELAMASI",
)
BIRTH_PLACES_OTHER: tuple[str, ...] = (
    "JAKARTA",
    "SURABAYA",
    "BANDUNG",
    "DENPASAR",
    "MAKASSAR",
    "BALIKPAPAN",
    "MEDAN",
    "SEMARANG",
)

RELIGIONS: tuple[tuple[str, float], ...] = (
    ("KRISTEN", 0.5),
    ("KATHOLIK", 0.3),
    ("ISLAM", 0.15),
    ("HINDU", 0.02),
    ("KEPERCAYAAN TERHADAP TUHAN YME", 0.03),
)
MARITAL: tuple[str, ...] = ("BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI")
BLOOD_TYPES: tuple[str, ...] = ("A", "B", "AB", "O", "-", "O+", "A+", "B+")
OCCUPATIONS_ADULT: tuple[str, ...] = (
    "PETANI/PEKEBUN",
    "WIRASWASTA",
    "MENGURUS RUMAH TANGGA",
    "KARYAWAN SWASTA",
    "NELAYAN/PERIKANAN",
    "BURUH HARIAN LEPAS",
    "PEDAGANG",
    "GURU",
    "SOPIR",
    "BELUM/TIDAK BEKERJA",
    "PERAWAT",
    "TUKANG BATU",
    "PETERNAK",
    "PEMBANTU RUMAH TANGGA",
)
OCCUPATION_STUDENT = "PELAJAR/MAHASISWA"

MONTHS_ID: tuple[str, ...] = (
    "JAN",
    "FEB",
    "MAR",
    "APR",
    "MEI",
    "JUN",
    "JUL",
    "AGU",
    "SEP",
    "OKT",
    "NOV",
    "DES",
)
MONTHS_EN: tuple[str, ...] = (
    "JAN",
    "FEB",
    "MAR",
    "APR",
    "MAY",
    "JUN",
    "JUL",
    "AUG",
    "SEP",
    "OCT",
    "NOV",
    "DEC",
)


@dataclass(frozen=True)
class Country:
    code: str  # ICAO 3-letter code
    name: str  # as printed in the heading
    card_title: str  # TD1/TD2 card title
    city: str  # place of issue for visas


# Issuing states for the non-Indonesian ICAO formats.  Not UTO (ICAO's specimen state): the checks
# rightly flag it, and a genuine specimen must not look like a specimen-state document.
FOREIGN: tuple[Country, ...] = (
    Country("TLS", "REPUBLICA DEMOCRATICA DE TIMOR-LESTE", "BILHETE DE IDENTIDADE", "DILI"),
    Country("MYS", "MALAYSIA", "IDENTITY CARD", "KUALA LUMPUR"),
    Country("PHL", "REPUBLIC OF THE PHILIPPINES", "NATIONAL ID", "MANILA"),
    Country("AUS", "AUSTRALIA", "IDENTITY CARD", "DARWIN"),
)
FOREIGN_SURNAMES: tuple[str, ...] = (
    "DA SILVA",
    "SOARES",
    "PEREIRA",
    "LIM",
    "TAN",
    "SANTOS",
    "REYES",
    "SMITH",
    "NGUYEN",
    "BROWN",
    "DE JESUS",
    "ERIKSSON",
    "MARTINS",
    "LOPES",
    "WONG",
)
FOREIGN_GIVEN: tuple[str, ...] = (
    "ANA MARIA",
    "JOSE",
    "MEI LING",
    "JUAN CARLOS",
    "EMMA",
    "MARIA",
    "DAVID",
    "ALDA",
    "JOAO",
    "SARAH",
    "WEI",
    "LUCIA",
    "PAULO",
    "GRACE",
    "ANTONIO",
)
