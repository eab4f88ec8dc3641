"""Kartu Keluarga (family card) rules KK-01..06.  A KK is usually typed in by the officer as a
Document of kind ``idn_kk`` with fields ``kk_number``, ``issue_date``, address fields and one row per
member as ``member.<n>.<attribute>`` (nik, full_name, sex, birth_place, birth_date, religion,
marital_status, relationship, marriage_date, father_name, mother_name)."""

from __future__ import annotations

import datetime as dt
import itertools

from docscreen.checks.context import RuleInput, age_on, issue_date_of, norm_sex, parse_date
from docscreen.checks.names import compare_indonesian
from docscreen.checks.registry import rule
from docscreen.checks.result import boxes_of, fail, passed, skipped
from docscreen.checks.traveller import (
    birth_claims,
    kk_members,
    kk_row_of_traveller,
    passport_birth_claims,
)
from docscreen.indonesia.nik import normalise_nik, split_nik
from docscreen.indonesia.vocab import canonical_marital_status, is_ever_married, match_vocab
from docscreen.models import Document, DocumentKind, Finding, JsonDict, Severity

_NO_KK = "no KK (Kartu Keluarga) in this screening"


def _kks(inp: RuleInput) -> list[tuple[int, Document]]:
    return inp.of_kind(DocumentKind.IDN_KK)


@rule("KK-01")
def kk_number(inp: RuleInput) -> list[Finding]:
    kks = _kks(inp)
    if not kks:
        return [skipped("KK-01", _NO_KK)]
    out: list[Finding] = []
    for index, doc in kks:
        raw = doc.value("kk_number")
        ev: JsonDict = {"document": index, "kk_number": raw}
        if not raw:
            out.append(skipped("KK-01", "KK number not read", ev))
            continue
        digits = normalise_nik(raw)
        problems: list[str] = []
        if len(digits) != 16 or not digits.isdigit():
            problems.append("not 16 digits")
        else:
            if inp.regions is not None and not inp.regions.lookup(digits[:6]).known:
                problems.append(f"district {digits[:6]} in no list")
            try:
                yy = int(digits[10:12])
                printed = issue_date_of(doc)
                year = 2000 + yy if 2000 + yy <= inp.context.screening_date.year else 1900 + yy
                reg = dt.date(year, int(digits[8:10]), int(digits[6:8]))
                if printed is not None and reg > printed:
                    problems.append(f"registration date {reg} after the print date {printed}")
            except ValueError:
                problems.append(f"digits 7-12 {digits[6:12]} are no DDMMYY date")
        boxes = boxes_of(index, doc, "kk_number")
        out.append(
            fail("KK-01", "; ".join(problems), ev, boxes)
            if problems
            else passed("KK-01", "valid", ev)
        )
    return out


@rule("KK-02")
def ktp_on_kk(inp: RuleInput) -> list[Finding]:
    kks, ktps = _kks(inp), inp.of_kind(DocumentKind.IDN_KTP)
    if not kks or not ktps:
        return [skipped("KK-02", "needs both a KTP and a KK")]
    ki, ktp = ktps[0]
    parts = split_nik(ktp.value("nik") or "")
    if parts is None:
        return [skipped("KK-02", "KTP NIK not read")]
    out: list[Finding] = []
    for index, kk in kks:
        row = next(
            (r for r in kk_members(kk) if normalise_nik(r.get("nik", "")) == parts.nik), None
        )
        ev: JsonDict = {"document": index, "nik": parts.nik}
        if row is None:
            out.append(
                fail("KK-02", f"NIK {parts.nik} is not on the KK", ev, boxes_of(ki, ktp, "nik"))
            )
            continue
        diffs: list[str] = []
        name_a, name_b = ktp.value("full_name"), row.get("full_name")
        if name_a and name_b and not compare_indonesian(name_a, name_b).same:
            diffs.append(f"name {ktp.value('full_name')} / {row['full_name']}")
        a, b = norm_sex(ktp.value("sex")), norm_sex(row.get("sex"))
        if a and b and a != b:
            diffs.append(f"sex {a} / {b}")
        da, db = parse_date(ktp.value("birth_date")), parse_date(row.get("birth_date"))
        if da and db and da != db:
            diffs.append(f"birth date {da} / {db}")
        pa, pb = ktp.value("birth_place"), row.get("birth_place")
        if pa and pb and compare_indonesian(pa, pb).shared == 0:
            diffs.append(f"birthplace {pa} / {pb}")
        ev["differences"] = diffs
        out.append(
            fail("KK-02", "; ".join(diffs), ev, boxes_of(ki, ktp, "full_name", "birth_date"))
            if diffs
            else passed("KK-02", "KTP row found on the KK and agrees", ev)
        )
    return out


@rule("KK-02b")
def kk_age_cross(inp: RuleInput) -> list[Finding]:
    kks = _kks(inp)
    if not kks:
        return [skipped("KK-02b", _NO_KK)]
    claims = birth_claims(inp, include_nik=False)
    kk_dates = [c for c in claims if c.zone == "kk"]
    others = [c for c in claims if c.kind in ("idn_ktp",) and c.zone == "viz"]
    others += passport_birth_claims(inp)
    if not kk_dates or not others:
        return [skipped("KK-02b", "no KK row birth date or no KTP/passport birth date")]
    day, adult = inp.departure, inp.thresholds.adult_age
    minor = [c for c in kk_dates if age_on(c.date, day) < adult]
    adults = [c for c in others if age_on(c.date, day) >= adult]
    ev: JsonDict = {
        "kk": [c.label() for c in kk_dates],
        "others": [c.label() for c in others],
        "on": day.isoformat(),
    }
    if minor and adults:
        return [
            fail("KK-02b", f"KK: under {adult} ({minor[0].date}); {adults[0].label()} adult", ev)
        ]
    return [passed("KK-02b", "KK and other documents agree on adulthood", ev)]


@rule("KK-03")
def family_plausible(inp: RuleInput) -> list[Finding]:
    kks = _kks(inp)
    if not kks:
        return [skipped("KK-03", _NO_KK)]
    th = inp.thresholds
    out: list[Finding] = []
    for index, kk in kks:
        rows = kk_members(kk)
        people = [
            (r, parse_date(r.get("birth_date")), (r.get("relationship") or "").upper())
            for r in rows
        ]
        heads = [
            (r, d) for r, d, rel in people if d and rel in ("KEPALA KELUARGA", "SUAMI", "ISTRI")
        ]
        kids = [(r, d) for r, d, rel in people if d and rel == "ANAK"]
        if not heads or not kids:
            out.append(
                skipped("KK-03", "no parent and child rows with birth dates", {"document": index})
            )
            continue
        problems: list[str] = []
        severity = None
        for kid, kd in kids:
            for parent, pd in heads:
                sex = norm_sex(parent.get("sex"))
                age = age_on(pd, kd)
                lo, hi = ((th.mother_min_age, th.mother_max_age) if sex == "F"
                          else (th.father_min_age, th.father_max_age))  # fmt: skip
                if age < 0:
                    problems.append(
                        f"{kid.get('full_name')} is older than {parent.get('full_name')}"
                    )
                elif not lo <= age <= hi:
                    problems.append(
                        f"{parent.get('full_name')} was {age} at {kid.get('full_name')}'s birth"
                    )
        dates = sorted(d for _, d in kids)
        gaps = [
            (a, b)
            for a, b in itertools.pairwise(dates)
            if 0 < (b - a).days < th.sibling_min_gap_days
        ]
        if gaps and not problems:
            severity = Severity.LOW
            problems += [f"siblings born {a} and {b}" for a, b in gaps]
        ev: JsonDict = {"document": index, "problems": problems}
        out.append(
            fail(
                "KK-03",
                "; ".join(problems),
                ev,
                boxes_of(index, kk, "kk_number"),
                severity=severity,
            )
            if problems
            else passed("KK-03", "family ages plausible", ev)
        )
    return out


_ADDRESS = ("rt_rw", "village", "district", "regency")


@rule("KK-04", "KK-05")
def ktp_versus_kk(inp: RuleInput) -> list[Finding]:
    kks, ktps = _kks(inp), inp.of_kind(DocumentKind.IDN_KTP)
    if not kks or not ktps:
        return [skipped(c, "needs both a KTP and a KK") for c in ("KK-04", "KK-05")]
    ki, ktp = ktps[0]
    out: list[Finding] = []
    for index, kk in kks:
        diffs = []
        compared = []
        for name in _ADDRESS:
            a, b = ktp.value(name), kk.value(name)
            if a and b:
                compared.append(name)
                na = "".join(ch for ch in a.upper() if ch.isalnum())
                nb = "".join(ch for ch in b.upper() if ch.isalnum())
                if na != nb:
                    diffs.append(f"{name}: {a} / {b}")
        ev: JsonDict = {"document": index, "compared": compared, "differences": diffs}
        if not compared:
            out.append(skipped("KK-04", "address not read on both", ev))
        elif diffs:
            out.append(fail("KK-04", "; ".join(diffs), ev, boxes_of(ki, ktp, *_ADDRESS)))
        else:
            out.append(passed("KK-04", "same address", ev))
        row = kk_row_of_traveller(inp, kk)
        if row is None:
            out.append(skipped("KK-05", "traveller's row not found on the KK", {"document": index}))
            continue
        diffs5 = []
        ra, rb = ktp.value("religion"), row.get("religion")
        if ra and rb:
            ma, mb = match_vocab("religion", ra), match_vocab("religion", rb)
            same_rel = (ma[0] if ma else ra.upper())[:4] == (mb[0] if mb else rb.upper())[:4]
            if not same_rel:
                diffs5.append(f"religion {ra} / {rb}")
        sa, sb = ktp.value("marital_status"), row.get("marital_status")
        if sa and sb:
            married_a, married_b = is_ever_married(sa), is_ever_married(sb)
            ca, cb = canonical_marital_status(sa), canonical_marital_status(sb)
            if married_a != married_b or (
                ca and cb and ca.startswith("CERAI") != cb.startswith("CERAI")
            ):
                diffs5.append(f"marital status {sa} / {sb}")
        ev5: JsonDict = {"document": index, "differences": diffs5}
        if not (ra and rb) and not (sa and sb):
            out.append(skipped("KK-05", "religion/marital status not on both", ev5))
        elif diffs5:
            out.append(
                fail(
                    "KK-05", "; ".join(diffs5), ev5, boxes_of(ki, ktp, "religion", "marital_status")
                )
            )
        else:
            out.append(passed("KK-05", "religion and marital status agree", ev5))
    return out


@rule("KK-06")
def family_roles(inp: RuleInput) -> list[Finding]:
    kks = _kks(inp)
    if not kks:
        return [skipped("KK-06", _NO_KK)]
    out: list[Finding] = []
    for index, kk in kks:
        problems = []
        rows = kk_members(kk)
        for r in rows:
            rel = (r.get("relationship") or "").upper().strip()
            sex = norm_sex(r.get("sex"))
            married = is_ever_married(r.get("marital_status"))
            who = r.get("full_name") or r.get("nik") or "?"
            if rel == "ISTRI" and (sex == "M" or married is False):
                problems.append(f"{who}: ISTRI but {sex}/{r.get('marital_status')}")
            if rel == "SUAMI" and (sex == "F" or married is False):
                problems.append(f"{who}: SUAMI but {sex}/{r.get('marital_status')}")
            if (
                rel in ("SUAMI", "ISTRI", "MENANTU", "MERTUA")
                and married is False
                and f"{who}: {rel}" not in " ".join(problems)
            ):
                problems.append(f"{who}: {rel} but BELUM KAWIN")
        ev: JsonDict = {"document": index, "problems": problems}
        if not any(r.get("relationship") for r in rows):
            out.append(skipped("KK-06", "no family roles read", ev))
        else:
            out.append(
                fail("KK-06", "; ".join(problems), ev)
                if problems
                else passed("KK-06", "roles fit", ev)
            )
    return out
