"""Fictional, internally consistent people for synthetic specimens (Faker ``id_ID``)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from faker import Faker

from docscreen.indonesia.nik import build_nik
from docscreen.specimens import data

# Share of Indonesians with a single-word name (Jakarta voter list: 29.9%); NTT is similar.
SINGLE_NAME_SHARE = 0.3


@dataclass(frozen=True)
class Person:
    full_name: str
    surname: str  # MRZ primary identifier
    given_names: str  # MRZ secondary identifier ("" for a single-word name)
    sex: str  # "M" | "F"
    birth_date: dt.date
    birth_place: str
    nationality: str  # ICAO code
    district_code: str = ""
    district: str = ""
    regency: str = ""
    province: str = ""
    village: str = ""
    address: str = ""
    rt_rw: str = ""
    religion: str = ""
    marital_status: str = ""
    occupation: str = ""
    blood_type: str = ""
    nik: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["birth_date"] = self.birth_date.isoformat()
        return out

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year + years, day=28)


def _read_list(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [ln.strip() for ln in lines if ln.strip() and "," not in ln]


@dataclass(frozen=True)
class NameLists:
    """Optional extra Indonesian name lists (first/last, by sex), read once when configured."""

    first_male: tuple[str, ...] = ()
    first_female: tuple[str, ...] = ()
    last_male: tuple[str, ...] = ()
    last_female: tuple[str, ...] = ()

    @classmethod
    def load(cls, names_dir: Path | None) -> NameLists:
        if names_dir is None or not names_dir.is_dir():
            return cls()
        # The mutiawsr lists live one level down; accept either folder.
        base = names_dir / "mutiawsr" if (names_dir / "mutiawsr").is_dir() else names_dir
        neutral_first = _read_list(base / "first-neutral.csv")
        neutral_last = _read_list(base / "last-neutral.csv")
        return cls(
            first_male=tuple(_read_list(base / "first-male.csv") + neutral_first),
            first_female=tuple(_read_list(base / "first-female.csv") + neutral_first),
            last_male=tuple(_read_list(base / "last-male.csv") + neutral_last),
            last_female=tuple(_read_list(base / "last-female.csv") + neutral_last),
        )


def faker_for(rng: random.Random) -> Faker:
    fake = Faker("id_ID")
    fake.seed_instance(rng.getrandbits(32))
    return fake


def _clean(name: str) -> str:
    keep = "".join(ch if ch.isalpha() or ch in " '-" else " " for ch in name.upper())
    return " ".join(keep.split())


def indonesian_name(rng: random.Random, fake: Faker, sex: str, names: NameLists) -> str:
    use_lists = bool(names.first_male) and rng.random() < 0.5
    if use_lists:
        first = rng.choice(names.first_male if sex == "M" else names.first_female)
        last = rng.choice(names.last_male if sex == "M" else names.last_female)
    elif sex == "M":
        first, last = fake.first_name_male(), fake.last_name_male()
    else:
        first, last = fake.first_name_female(), fake.last_name_female()
    if rng.random() < SINGLE_NAME_SHARE:
        return _clean(first)
    name = _clean(f"{first} {last}")
    if rng.random() < 0.2:
        extra = fake.first_name_male() if sex == "M" else fake.first_name_female()
        name = _clean(f"{first} {extra} {last}")
    return name


def split_name(full_name: str) -> tuple[str, str]:
    """MRZ identifiers for an Indonesian name: the last word is the primary identifier.

    A single-word name has no secondary identifier (ICAO 9303 part 3, 4.6.1).
    """
    parts = full_name.split()
    if len(parts) == 1:
        return parts[0], ""
    return parts[-1], " ".join(parts[:-1])


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = max(0, (end - start).days)
    return start + dt.timedelta(days=rng.randint(0, span))


def make_indonesian(
    rng: random.Random,
    today: dt.date,
    *,
    names: NameLists | None = None,
    min_age: int = 17,
    max_age: int = 60,
    sex: str | None = None,
) -> Person:
    """A fictional Indonesian resident with a NIK built from a built-in district code."""
    names = names or NameLists()
    fake = faker_for(rng)
    sex = sex or rng.choice(("M", "F"))
    latest = add_years(today, -min_age)
    earliest = add_years(today, -max_age - 1) + dt.timedelta(days=1)
    birth = random_date(rng, earliest, latest)
    ntt = [d for d in data.DISTRICTS if d.code.startswith("53")]
    other = [d for d in data.DISTRICTS if not d.code.startswith("53")]
    district = rng.choice(ntt if rng.random() < data.NTT_SHARE else other)
    places = data.BIRTH_PLACES_NTT if district.code.startswith("53") else data.BIRTH_PLACES_OTHER
    full_name = indonesian_name(rng, fake, sex, names)
    surname, given = split_name(full_name)
    age = age_on(birth, today)
    religions = [r for r, _ in data.RELIGIONS]
    weights = [w for _, w in data.RELIGIONS]
    street = _clean(fake.street_name()).replace("GG ", "GG. ").replace("JL ", "JL. ")
    address = f"{street} NO. {rng.randint(1, 120)}" if rng.random() < 0.6 else street
    return Person(
        full_name=full_name,
        surname=surname,
        given_names=given,
        sex=sex,
        birth_date=birth,
        birth_place=rng.choice(places),
        nationality="IDN",
        district_code=district.code,
        district=district.name,
        regency=district.regency,
        province=district.province,
        village=rng.choice(district.villages),
        address=address,
        rt_rw=f"{rng.randint(1, 20):03d}/{rng.randint(1, 12):03d}",
        religion=rng.choices(religions, weights)[0],
        marital_status="BELUM KAWIN" if age < 20 else rng.choice(data.MARITAL),
        occupation=data.OCCUPATION_STUDENT if age < 19 else rng.choice(data.OCCUPATIONS_ADULT),
        blood_type=rng.choice(data.BLOOD_TYPES),
        nik=build_nik(district.code, birth, sex, rng.randint(1, 9999)),
    )


def make_foreigner(rng: random.Random, today: dt.date, country: data.Country) -> Person:
    sex = rng.choice(("M", "F"))
    birth = random_date(rng, add_years(today, -65), add_years(today, -18))
    surname = rng.choice(data.FOREIGN_SURNAMES)
    given = rng.choice(data.FOREIGN_GIVEN)
    return Person(
        full_name=f"{given} {surname}",
        surname=surname,
        given_names=given,
        sex=sex,
        birth_date=birth,
        birth_place=country.city,
        nationality=country.code,
    )
