"""Synthetic Indonesian people (Faker id_ID) for the name benchmarks: case records, non-listed
travellers and labelled variant pairs.  Everything is generated from a seed; no real person."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from faker import Faker

from docscreen.cases.records import CaseRecord

OLD_SPELLING = (("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("sy", "sj"), ("kh", "ch"))
MUHAMMAD_FORMS = ("Muhammad", "Muhamad", "Mohammad", "Mochamad", "Moh.", "M.", "Muh.", "Mohamad")
PREFIX_TITLES = ("H.", "Hj.", "Drs.", "Dra.", "Ir.", "dr.", "Pdt.", "Prof.")
SUFFIX_TITLES = ("S.Pd.", "S.H.", "S.E.", "M.Pd.", "S.Kom.", "A.Md.Kep.", "M.Si.", "S.Sos.")
NTT_FAMILIES = (
    "Da Costa",
    "De Rosari",
    "Dos Santos",
    "Da Silva",
    "Messakh",
    "Pereira",
    "Fernandez",
)
NTT_GIVEN = ("Yohanes", "Yosef", "Fransiskus", "Filipus", "Maria", "Yuliana", "Agustinus", "Petrus")


@dataclass(frozen=True)
class Person:
    name: str
    dob: dt.date
    sex: str


class PeopleFactory:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(seed)

    def person(self) -> Person:
        rng = self.rng
        sex = rng.choice("MF")
        first = self.fake.first_name_male() if sex == "M" else self.fake.first_name_female()
        r = rng.random()
        if r < 0.30:  # ~30% of Jakarta voter names are a single word
            name = first
        elif r < 0.40:
            name = f"{rng.choice(NTT_GIVEN)} {rng.choice(NTT_FAMILIES)}"
        elif r < 0.50 and sex == "M":
            name = f"Muhammad {first} {self.fake.last_name()}"
        elif r < 0.80:
            name = f"{first} {self.fake.last_name()}"
        else:
            middle = self.fake.first_name_male() if sex == "M" else self.fake.first_name_female()
            name = f"{first} {middle} {self.fake.last_name()}"
        dob = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 58))
        return Person(name, dob, sex)

    def decorate(self, p: Person) -> str:
        """How the name may appear on another document: titles, old spelling, abbreviations."""
        rng = self.rng
        name = p.name
        r = rng.random()
        if r < 0.25:
            name = old_spelling(name, rng)
        elif r < 0.45:
            name = f"{rng.choice(PREFIX_TITLES)} {name}"
        elif r < 0.6:
            name = f"{name}, {rng.choice(SUFFIX_TITLES)}"
        return name

    def records(self, n: int, prefix: str = "C") -> Iterator[tuple[CaseRecord, Person]]:
        roles = ("suspect", "victim", "missing", "associate", "other")
        for i in range(n):
            p = self.person()
            aliases: tuple[str, ...] = ()
            if self.rng.random() < 0.2:
                aliases = (self.decorate(p),)
            exact = self.rng.random() < 0.7
            rec = CaseRecord(
                case_id=f"{prefix}{i:07d}",
                role=roles[i % len(roles)],
                name=p.name,
                aliases=aliases,
                birth_date=p.dob.isoformat() if exact else str(p.dob.year),
                sex=p.sex,
                nationality=("IDN",),
                nik=(),
                passport_number=(),
                region="5371" if i % 3 == 0 else None,
                source="synthetic",
            )
            yield rec, p


def old_spelling(name: str, rng: random.Random) -> str:
    out = name
    for new, old in rng.sample(OLD_SPELLING, len(OLD_SPELLING)):
        if new in out.lower():
            low = out.lower()
            i = low.find(new)
            repl = old.upper() if out[i].isupper() and len(out) > i else old
            repl = repl[0].upper() + repl[1:] if out[i].isupper() else repl
            out = out[:i] + repl + out[i + len(new) :]
            break
    return out


def variant_pairs(seed: int, n: int) -> Iterator[tuple[str, str, bool, str]]:
    """(a, b, same person?, kind) pairs: half positives by one variant rule, half hard negatives."""
    f = PeopleFactory(seed)
    rng = f.rng
    kinds = ("spelling_reform", "muhammad", "titles", "initials", "bin_binti", "dropped_middle")
    for i in range(n):
        kind = kinds[i % len(kinds)]
        first = f.fake.first_name_male()
        middle = f.fake.first_name_male()
        last = f.fake.last_name()
        base = f"{first} {middle} {last}"
        if kind == "spelling_reform":
            a, b = base, old_spelling(base, rng)
            if a == b:
                a, b = f"Joko {last}", f"Djoko {last}"
        elif kind == "muhammad":
            a, b = f"Muhammad {first} {last}", f"{rng.choice(MUHAMMAD_FORMS)} {first} {last}"
        elif kind == "titles":
            a = base
            b = f"{rng.choice(PREFIX_TITLES)} {base}, {rng.choice(SUFFIX_TITLES)}"
        elif kind == "initials":
            a, b = base, f"{first} {middle[0]}. {last}"
        elif kind == "bin_binti":
            a, b = f"{first} {last}", f"{first} {last} bin {f.fake.first_name_male()}"
        else:
            a, b = base, f"{first} {last}"
        yield a, b, True, kind
        # Hard negative: another person sharing one name part with a.
        other_first = f.fake.first_name_male()
        other_last = f.fake.last_name()
        while other_first == first or other_last == last:
            other_first = f.fake.first_name_male()
            other_last = f.fake.last_name()
        neg = f"{first} {other_last}" if rng.random() < 0.5 else f"{other_first} {last}"
        yield a, neg, False, kind
