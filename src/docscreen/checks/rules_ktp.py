"""NIK and KTP-el rules (crosscheck_rules.csv NIK-01..07, KTP-01..10)."""

from __future__ import annotations

import datetime as dt
import re

from docscreen.checks.context import (
    PASSPORT_KINDS,
    RuleInput,
    age_on,
    issue_date_of,
    norm_sex,
    parse_date,
)
from docscreen.checks.reading import confident, date_slip, garbled, mangled
from docscreen.checks.registry import rule
from docscreen.checks.result import boxes_of, fail, passed, skipped
from docscreen.checks.traveller import birth_claims, kk_members, kk_row_of_traveller
from docscreen.indonesia.nik import (
    nik_birth_date_near,
    nik_birth_dates,
    normalise_nik,
    placeholder_birth_date,
    split_nik,
)
from docscreen.indonesia.provinces import PROVINCES
from docscreen.indonesia.regions import Region, RegionTable, normalise_region_name
from docscreen.indonesia.vocab import VOCABULARIES, is_ever_married, match_vocab
from docscreen.models import Box, Document, DocumentKind, Finding, JsonDict, Severity

_NIK_CODES = ("NIK-01", "NIK-02", "NIK-03", "NIK-04", "NIK-05", "NIK-06", "NIK-07")


def _nik_targets(inp: RuleInput) -> list[tuple[int, Document, str, str]]:
    """(document, doc, field name, raw NIK) for the KTP NIK and every NIK on a presented KK."""
    out: list[tuple[int, Document, str, str]] = []
    for i, doc in inp.of_kind(DocumentKind.IDN_KTP):
        raw = doc.value("nik")
        out.append((i, doc, "nik", raw or ""))
    for i, doc in inp.of_kind(DocumentKind.IDN_KK):
        for n, row in enumerate(kk_members(doc), start=1):
            if row.get("nik"):
                out.append((i, doc, f"member.{n}.nik", row["nik"]))
    return out


@rule(*_NIK_CODES)
def nik_rules(inp: RuleInput) -> list[Finding]:
    targets = _nik_targets(inp)
    if not targets:
        return [skipped(c, "no KTP or KK in this screening") for c in _NIK_CODES]
    out: list[Finding] = []
    today = inp.context.screening_date
    for index, doc, fname, raw in targets:
        base: JsonDict = {"document": index, "field": fname}
        boxes = boxes_of(index, doc, fname)
        if not raw:
            f = doc.fields.get(fname)
            why = (
                f"NIK read as {f.raw!r} but withheld as a misreading"
                if f is not None and f.raw
                else "NIK not read"
            )
            out += [skipped(c, why, base) for c in _NIK_CODES]
            continue
        digits = normalise_nik(raw)
        ev = {**base, "raw": raw, "nik": digits}
        parts = split_nik(raw)
        if parts is None:
            out.append(
                fail("NIK-01", f"{raw!r} gives {len(digits)} characters, not 16 digits", ev, boxes)
            )
            out += [skipped(c, "NIK is not 16 digits", ev) for c in _NIK_CODES[1:]]
            continue
        out.append(passed("NIK-01", "16 digits", ev))
        # Province: packaged, always known.
        prov = PROVINCES.get(parts.province)
        out.append(
            passed("NIK-02", f"{parts.province} = {prov}", ev)
            if prov
            else fail("NIK-02", f"{parts.province} is no province code", ev, boxes)
        )
        regions = inp.regions
        if regions is None:
            out.append(
                skipped("NIK-03", "no region code list configured (DOCSCREEN_REGION_CODES)", ev)
            )
            out.append(
                skipped("NIK-04", "no region code list configured (DOCSCREEN_REGION_CODES)", ev)
            )
        else:
            for code, digits_ in (("NIK-03", parts.regency), ("NIK-04", parts.district)):
                look = regions.lookup(digits_)
                ev2 = {**ev, "code": digits_, "status": look.status.value}
                if look.known:
                    out.append(passed(code, look.explain(), ev2))
                elif code == "NIK-03" and any(s.child_code == digits_ for s in regions.splits):
                    out.append(passed(code, f"{digits_}: regency created by a split", ev2))
                else:
                    out.append(fail(code, look.explain(), ev2, boxes))
        # Birth date in the NIK.
        day_raw = int(parts.nik[6:8])
        dates = nik_birth_dates(parts)
        if (
            not (1 <= day_raw <= 31 or 41 <= day_raw <= 71)
            or not 1 <= parts.month <= 12
            or not dates
        ):
            out.append(
                fail("NIK-05", f"DDMMYY {parts.nik[6:12]} is no (female +40) date", ev, boxes)
            )
            out.append(skipped("NIK-07", "NIK birth date impossible", ev))
        else:
            out.append(passed("NIK-05", f"DDMMYY {parts.nik[6:12]} is a date ({parts.sex})", ev))
            printed = parse_date(doc.value("birth_date")) if fname == "nik" else None
            chosen = nik_birth_date_near(parts, printed)
            plausible = [
                d for d in dates if d <= today and age_on(d, today) <= inp.thresholds.max_age
            ]
            ev3 = {**ev, "candidates": [d.isoformat() for d in dates]}
            if chosen is not None and chosen in plausible:
                out.append(passed("NIK-07", f"born {chosen}", ev3))
            elif plausible:
                out.append(passed("NIK-07", f"born {plausible[-1]}", ev3))
            else:
                out.append(
                    fail("NIK-07", "NIK birth date in the future or over the age limit", ev3, boxes)
                )
        out.append(
            fail("NIK-06", "serial 0000", ev, boxes)
            if parts.serial == "0000"
            else passed("NIK-06", f"serial {parts.serial}", ev)
        )
    return out


def _ktps(inp: RuleInput, code: str) -> list[tuple[int, Document]] | Finding:
    ktps = inp.of_kind(DocumentKind.IDN_KTP)
    return ktps if ktps else skipped(code, "no KTP in this screening")


@rule("KTP-01", "KTP-02", "KTP-02b")
def nik_versus_printed(inp: RuleInput) -> list[Finding]:
    ktps = inp.of_kind(DocumentKind.IDN_KTP)
    if not ktps:
        return [skipped(c, "no KTP in this screening") for c in ("KTP-01", "KTP-02", "KTP-02b")]
    out: list[Finding] = []
    adult = inp.thresholds.adult_age
    for index, doc in ktps:
        base: JsonDict = {"document": index}
        parts = split_nik(doc.value("nik") or "")
        if parts is None:
            out += [
                skipped(c, "NIK not read or invalid", base) for c in ("KTP-01", "KTP-02", "KTP-02b")
            ]
            continue
        sex = norm_sex(doc.value("sex"))
        ev = {**base, "nik": parts.nik, "nik_sex": parts.sex, "printed_sex": doc.value("sex")}
        if sex is None:
            out.append(skipped("KTP-01", "printed sex not read", ev))
        elif sex == parts.sex:
            out.append(passed("KTP-01", f"NIK and card both say {sex}", ev))
        else:
            why = f"NIK day {parts.nik[6:8]} means {parts.sex}, card says {doc.value('sex')}"
            out.append(fail("KTP-01", why, ev, boxes_of(index, doc, "nik", "sex")))
        printed = parse_date(doc.value("birth_date"))
        nik_date = nik_birth_date_near(parts, printed)
        if printed is None or nik_date is None:
            why = "printed birth date not read" if printed is None else "NIK date impossible"
            out.append(skipped("KTP-02", why, base))
            out.append(skipped("KTP-02b", why, base))
            continue
        ev = {
            **base,
            "nik": parts.nik,
            "nik_birth": nik_date.isoformat(),
            "printed_birth": printed.isoformat(),
        }
        boxes = boxes_of(index, doc, "nik", "birth_date")
        same = (printed.day, printed.month, printed.year % 100) == (
            nik_date.day,
            nik_date.month,
            nik_date.year % 100,
        )
        misread = None if same else date_slip(
            printed, nik_date, (doc.fields.get("birth_date"), doc.fields.get("nik")),
            inp.thresholds, "printed / NIK birth dates",
        )  # fmt: skip
        if misread is not None:
            out.append(skipped("KTP-02", misread, ev))
            out.append(skipped("KTP-02b", misread, ev))
            continue
        out.append(
            passed("KTP-02", "NIK DDMMYY = printed birth date", ev)
            if same
            else fail(
                "KTP-02", f"NIK says {nik_date:%d-%m-%Y}, card says {printed:%d-%m-%Y}", ev, boxes
            )
        )
        day = inp.departure
        a_nik, a_printed = age_on(nik_date, day), age_on(printed, day)
        ev = {**ev, "on": day.isoformat(), "age_by_nik": a_nik, "age_printed": a_printed}
        if a_nik < adult <= a_printed:
            why = f"NIK makes the holder {a_nik} on {day}, the printed date {a_printed}"
            out.append(fail("KTP-02b", why, ev, boxes))
        else:
            out.append(passed("KTP-02b", f"ages {a_nik} (NIK) and {a_printed} (printed)", ev))
    return out


@rule("KTP-03")
def address_hierarchy(inp: RuleInput) -> list[Finding]:
    ktps = _ktps(inp, "KTP-03")
    if isinstance(ktps, Finding):
        return [ktps]
    regions = inp.regions
    if regions is None:
        return [skipped("KTP-03", "no region code list configured (DOCSCREEN_REGION_CODES)")]
    score = float(inp.thresholds.region_min_score)
    out: list[Finding] = []
    for index, doc in ktps:
        names = {k: doc.value(k) for k in ("province", "regency", "district", "village")}
        ev: JsonDict = {"document": index, **names}
        if not names["province"] or not names["regency"]:
            out.append(skipped("KTP-03", "province/regency header not read", ev))
            continue
        chain: list[str] = []
        parents = [r.code for r, _ in regions.find(names["province"], "province", None, score)]
        words = names["province"].split()
        clean = [w for w in words if not mangled(w)]
        if clean and len(clean) < len(words):
            # NUSA TENGGARA A: the reader lost the last word (TIMUR or BARAT?): every province whose
            # name has the words read may be the one printed.
            parents += [r.code for r in _words_of(regions, " ".join(clean), "province", [""])
                        if r.code not in parents]  # fmt: skip
        problem: str | None = None
        unknown: str | None = None
        for level, key in (
            ("regency", "regency"),
            ("district", "district"),
            ("village", "village"),
        ):
            value = names[key]
            if not value:
                break
            if level == "village" and not regions.has_villages:
                break
            if not parents:
                unknown = f"{key} parent not recognised"
                break
            found = [r for p in parents for r, _ in regions.find(value, level, p, score)]
            if found:
                chain.append(f"{value}={found[0].code}")
                parents = [r.code for r in found]
                continue
            part = _words_of(regions, value, level, parents)
            if part:
                # BARAT of SUMBA BARAT: the reader kept one word of the name; it fits here.
                chain.append(f"{value}~{part[0].name} {part[0].code} (read in part)")
                parents = [r.code for r in part]
                continue
            anywhere = regions.find(value, level, None, score)
            if anywhere:
                where = ", ".join(r.code for r, _ in anywhere[:3])
                problem = f"{key} {value!r} exists ({where}) but not under {names_of(names, level)}"
            else:
                unknown = f"{key} {value!r} is in no list (unreadable or invented)"
            break
        ev["chain"] = chain
        if problem:
            boxes = boxes_of(index, doc, "province", "regency", "district", "village")
            out.append(fail("KTP-03", problem, ev, boxes))
        elif unknown and not chain:
            out.append(skipped("KTP-03", unknown, ev))
        else:
            note = f" ({unknown})" if unknown else ""
            out.append(passed("KTP-03", "address levels belong together" + note, ev))
    return out


def _words_of(regions: RegionTable, value: str, level: str, parents: list[str]) -> list[Region]:
    """Regions of ``level`` under ``parents`` whose name has every word of ``value`` and more, or
    starts with it (4 letters or more): a place name the reader got only part of (a word of it
    alone, BARAT or KOTA; its start, BAKUN of BAKUNASE DUA)."""
    words = normalise_region_name(value).split()
    if not words:
        return []
    out = []
    for p in parents:
        for r in regions.children(p, level):
            name = normalise_region_name(r.name).split()
            if len(name) > len(words) and all(w in name for w in words):
                out.append(r)
            elif len(whole := " ".join(words)) >= 4 and " ".join(name).startswith(whole):
                out.append(r)  # BAKUN of BAKUNASE DUA: the reader lost the end of the name
    return out


def names_of(names: dict[str, str | None], level: str) -> str:
    order = ["province", "regency", "district", "village"]
    parent = order[order.index(level) - 1]
    return f"{parent} {names[parent]!r}"


def ktp_fresh(inp: RuleInput) -> tuple[bool, str]:
    """KTP-09's condition: a KTP/KK issued at most N days before the passport or the departure."""
    days = inp.thresholds.just_in_time_days
    refs: list[tuple[str, dt.date]] = []
    for _, pp in inp.of_kind(*PASSPORT_KINDS):
        d = issue_date_of(pp)
        if d is not None:
            refs.append(("passport issue", d))
    if inp.context.departure_date is not None:
        refs.append(("departure", inp.context.departure_date))
    for _, doc in inp.of_kind(DocumentKind.IDN_KTP, DocumentKind.IDN_KK):
        issued = issue_date_of(doc)
        if issued is None:
            continue
        for label, ref in refs:
            if 0 <= (ref - issued).days <= days:
                return (
                    True,
                    f"{doc.kind.value} issued {issued}, {(ref - issued).days} days before {label} {ref}",
                )
    return False, ""


def passport_fresh(inp: RuleInput) -> tuple[bool, str]:
    """PP-11's condition: the passport issued at most N days after the KTP/KK."""
    days = inp.thresholds.just_in_time_days
    for _, pp in inp.of_kind(*PASSPORT_KINDS):
        p_issue = issue_date_of(pp)
        if p_issue is None:
            continue
        for _, doc in inp.of_kind(DocumentKind.IDN_KTP, DocumentKind.IDN_KK):
            issued = issue_date_of(doc)
            if issued is not None and 0 <= (p_issue - issued).days <= days:
                return (
                    True,
                    f"passport issued {p_issue}, {(p_issue - issued).days} days after the {doc.kind.value} ({issued})",
                )
    return False, ""


@rule("KTP-04")
def nik_region_versus_header(inp: RuleInput) -> list[Finding]:
    ktps = _ktps(inp, "KTP-04")
    if isinstance(ktps, Finding):
        return [ktps]
    regions = inp.regions
    if regions is None:
        return [skipped("KTP-04", "no region code list configured (DOCSCREEN_REGION_CODES)")]
    out: list[Finding] = []
    for index, doc in ktps:
        parts = split_nik(doc.value("nik") or "")
        header = doc.value("regency")
        ev: JsonDict = {"document": index, "header": header}
        if parts is None or not header:
            out.append(skipped("KTP-04", "NIK or header regency not read", ev))
            continue
        found = regions.find(
            header, "regency", parts.province, float(inp.thresholds.region_min_score)
        )
        found += regions.find(header, "regency", None, float(inp.thresholds.region_min_score))
        codes = {r.code for r, _ in found}
        ev.update({"nik_regency": parts.regency, "header_codes": sorted(codes)})
        if not codes:
            out.append(skipped("KTP-04", f"header regency {header!r} not in the list", ev))
            continue
        nik_codes = {parts.regency}
        new = regions.recoded.get(parts.regency)
        if new:
            nik_codes.add(new)
        nik_codes |= {s.child_code for s in regions.splits if s.parent_code == parts.regency}
        if nik_codes & codes:
            out.append(passed("KTP-04", f"NIK region {parts.regency} = header {header}", ev))
            continue
        fresh_ktp, why_k = ktp_fresh(inp)
        fresh_pp, why_p = passport_fresh(inp)
        sev = Severity.MEDIUM if (fresh_ktp or fresh_pp) else None
        why = f"NIK registered in {parts.regency}, card header {header} ({'/'.join(sorted(codes))})"
        if sev:
            why += "; with fresh documents: " + (why_k or why_p)
        out.append(fail("KTP-04", why, ev, boxes_of(index, doc, "nik", "regency"), severity=sev))
    return out


@rule("KTP-05", "KTP-07")
def issue_rules(inp: RuleInput) -> list[Finding]:
    ktps = inp.of_kind(DocumentKind.IDN_KTP)
    if not ktps:
        return [skipped(c, "no KTP in this screening") for c in ("KTP-05", "KTP-07")]
    th = inp.thresholds
    out: list[Finding] = []
    for index, doc in ktps:
        issue = issue_date_of(doc)
        birth = parse_date(doc.value("birth_date"))
        married = is_ever_married(doc.value("marital_status"))
        ev: JsonDict = {"document": index, "issue": doc.value("issue_date"), "birth": doc.value("birth_date"),
                        "marital_status": doc.value("marital_status")}  # fmt: skip
        if issue is None or birth is None:
            out.append(skipped("KTP-05", "issue or birth date not read", ev))
        else:
            age = age_on(birth, issue)
            ev["age_at_issue"] = age
            if age >= th.ktp_min_age or married:
                out.append(passed("KTP-05", f"aged {age} at issue", ev))
            else:
                why = f"aged {age} at issue, status {doc.value('marital_status') or 'unreadable'}"
                out.append(
                    fail("KTP-05", why, ev, boxes_of(index, doc, "issue_date", "birth_date"))
                )
        valid = (doc.value("valid_until") or "").upper().strip()
        ev7: JsonDict = {"document": index, "valid_until": valid, "issue": doc.value("issue_date")}
        if not valid:
            out.append(skipped("KTP-07", "'Berlaku hingga' not read", ev7))
            continue
        boxes = boxes_of(index, doc, "valid_until", "issue_date")
        if issue is not None and issue.year < th.ktp_first_issue_year:
            out.append(
                fail(
                    "KTP-07", f"KTP-el issued {issue}, before {th.ktp_first_issue_year}", ev7, boxes
                )
            )
        elif re.sub(r"[^A-Z]", "", valid) in ("SEUMURHIDUP", "SEUMURHIOUP"):
            out.append(passed("KTP-07", "valid for life", ev7))
        elif parse_date(valid) is not None:
            if issue is None:
                out.append(skipped("KTP-07", "dated validity but issue date not read", ev7))
            elif issue.year <= th.ktp_dated_validity_last_issue_year:
                out.append(passed("KTP-07", f"dated validity on a card issued {issue.year}", ev7))
            else:
                why = f"dated validity {valid} on a card issued {issue} (after {th.ktp_dated_validity_last_issue_year})"
                out.append(fail("KTP-07", why, ev7, boxes))
        else:
            out.append(skipped("KTP-07", f"'Berlaku hingga' {valid!r} unreadable", ev7))
    return out


@rule("KTP-06")
def marriage_age(inp: RuleInput) -> list[Finding]:
    docs = inp.of_kind(DocumentKind.IDN_KTP, DocumentKind.IDN_KK)
    if not docs:
        return [skipped("KTP-06", "no KTP or KK in this screening")]
    th = inp.thresholds
    out: list[Finding] = []
    for index, doc in docs:
        row = kk_row_of_traveller(inp, doc) if doc.kind is DocumentKind.IDN_KK else None
        source: dict[str, str | None] = (
            dict(row) if row is not None else {k: f.value for k, f in doc.fields.items()}
        )
        status, birth_text = source.get("marital_status"), source.get("birth_date")
        married = is_ever_married(status)
        birth = parse_date(birth_text)
        ev: JsonDict = {"document": index, "marital_status": status, "birth": birth_text}
        if married is None or birth is None:
            out.append(skipped("KTP-06", "marital status or birth date not read", ev))
            continue
        if not married:
            out.append(passed("KTP-06", "not married", ev))
            continue
        wed = parse_date(source.get("marriage_date"))
        if wed is None:
            for _, kk in inp.of_kind(DocumentKind.IDN_KK):
                r = kk_row_of_traveller(inp, kk)
                wed = parse_date(r.get("marriage_date")) if r else None
        age_wed = age_on(birth, wed) if wed else None
        age_now = age_on(birth, inp.context.screening_date)
        ev.update(
            {
                "marriage_date": wed.isoformat() if wed else None,
                "age_at_marriage": age_wed,
                "age_now": age_now,
            }
        )
        too_young = (
            age_wed < th.marriage_min_age if age_wed is not None else age_now < th.marriage_min_age
        )
        if too_young:
            why = f"married at {age_wed}" if age_wed is not None else f"married and aged {age_now}"
            boxes = boxes_of(index, doc, "marital_status", "birth_date")
            out.append(fail("KTP-06", why + f" (minimum {th.marriage_min_age})", ev, boxes))
        else:
            out.append(passed("KTP-06", "married at an allowed age", ev))
    return out


_VOCAB_FIELDS = ("religion", "marital_status", "blood_type", "occupation", "nationality")


def _fragment(name: str, value: str) -> bool:
    """``value`` is the start or the end of an official value ("TEN" of KRISTEN, "N/PERIKANAN" of
    NELAYAN/PERIKANAN): the reader lost part of the print, the card is not shown to be wrong."""
    v = re.sub(r"\s+", " ", re.sub(r"\s*/\s*", "/", value.upper())).strip(" .:")
    return len(v) >= 2 and any(
        c != v and (c.startswith(v) or c.endswith(v)) for c in VOCABULARIES.get(name, ())
    )


# Printed values of the KTP's other lines that have no vocabulary of their own (Berlaku Hingga).
_OTHER_LINE_VALUES = frozenset({"SEUMUR HIDUP"})


def _other_line(name: str, value: str, min_score: float) -> bool:
    """``value`` is an official value of another KTP line (KAWIN under religion, SEUMUR HIDUP under
    nationality): the reader took the neighbouring line, the card is not shown to be wrong."""
    v = re.sub(r"\s+", " ", value.upper()).strip(" .:")
    if any(
        o == v or (len(v) >= 4 and (o.startswith(v) or o.endswith(v))) for o in _OTHER_LINE_VALUES
    ):
        return True  # SEUMUR HIDUP, or its start or end (HIDUP)
    return any(
        match_vocab(other, value, min_score) is not None
        for other in VOCABULARIES
        if other != name and other != "blood_type"
    )


@rule("KTP-08")
def vocabulary(inp: RuleInput) -> list[Finding]:
    docs = inp.of_kind(DocumentKind.IDN_KTP)
    if not docs:
        return [skipped("KTP-08", "no KTP in this screening")]
    out: list[Finding] = []
    for index, doc in docs:
        off: list[str] = []
        partial: list[str] = []  # the start or end of an official value: a reading cut short
        shifted: list[str] = []  # another line's official value: the reader took the wrong line
        seen: dict[str, str] = {}
        for name in _VOCAB_FIELDS:
            value = doc.value(name)
            if not value:
                continue
            seen[name] = value
            if match_vocab(name, value, float(inp.thresholds.vocab_min_score)) is not None:
                continue
            if _fragment(name, value) or garbled(value):
                partial.append(f"{name}={value}")
            elif _other_line(name, value, float(inp.thresholds.vocab_min_score)):
                shifted.append(f"{name}={value}")
            else:
                off.append(f"{name}={value}")
        ev: JsonDict = {"document": index, "values": seen, "off_vocabulary": off,
                        "read_incompletely": partial, "other_line": shifted}  # fmt: skip
        if not seen:
            out.append(skipped("KTP-08", "no vocabulary field read", ev))
        elif off:
            # Two official-looking fields off the vocabulary raise it to MEDIUM (the specification),
            # when both were read confidently: two garbled readings on a poor capture are not a
            # fake template.
            sure = [o for o in off if confident(doc.fields.get(o.split("=")[0]), inp.thresholds)]
            sev = Severity.MEDIUM if len(sure) >= 2 else None
            ev["read_confidently"] = sure
            boxes = boxes_of(index, doc, *[o.split("=")[0] for o in off])
            out.append(
                fail("KTP-08", "not official values: " + ", ".join(off), ev, boxes, severity=sev)
            )
        elif partial or shifted:
            bits = []
            if partial:
                bits.append("read incompletely or garbled (start or end of an official value, "
                            "or debris): " + ", ".join(partial))  # fmt: skip
            if shifted:
                bits.append("read from another line (another field's official value): "
                            + ", ".join(shifted))  # fmt: skip
            out.append(skipped("KTP-08", "; ".join(bits), ev))
        else:
            out.append(passed("KTP-08", "official values", ev))
    return out


@rule("KTP-09")
def just_in_time_ktp(inp: RuleInput) -> list[Finding]:
    docs = inp.of_kind(DocumentKind.IDN_KTP, DocumentKind.IDN_KK)
    if not docs:
        return [skipped("KTP-09", "no KTP or KK in this screening")]
    if not any(issue_date_of(d) for _, d in docs):
        return [skipped("KTP-09", "KTP/KK issue date not read")]
    has_ref = inp.context.departure_date is not None or any(
        issue_date_of(p) for _, p in inp.of_kind(*PASSPORT_KINDS)
    )
    if not has_ref:
        return [skipped("KTP-09", "no passport issue date or departure date to compare with")]
    fresh, why = ktp_fresh(inp)
    boxes: list[tuple[int, Box]] = []
    for i, d in docs:
        boxes += boxes_of(i, d, "issue_date")
    return [fail("KTP-09", why, {"days": inp.thresholds.just_in_time_days}, boxes) if fresh
            else passed("KTP-09", f"issued more than {inp.thresholds.just_in_time_days} days before")]  # fmt: skip


@rule("KTP-10")
def placeholder_dates(inp: RuleInput) -> list[Finding]:
    claims = [c for c in birth_claims(inp, include_nik=False) if c.zone in ("viz", "mrz", "kk")]
    if not claims:
        return [skipped("KTP-10", "no birth date read")]
    hits = {}
    for c in claims:
        why = placeholder_birth_date(c.date)
        if why:
            hits[c.label()] = why
    ev: JsonDict = {"claims": [c.label() for c in claims], "placeholders": hits}
    if hits:
        return [fail("KTP-10", "; ".join(sorted(set(hits.values()))), ev)]
    return [passed("KTP-10", "no placeholder birth date", ev)]
