"""ICAO 9303 rules on one document: check digits, layout, country codes, dates, specimen data,
expiry and validity; and the MRZ versus the visual zone (PP-03 for Indonesian passports)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from docscreen.checks.context import (
    MRZ_KINDS,
    RuleInput,
    add_years,
    issue_date_of,
    norm_sex,
    parse_date,
)
from docscreen.checks.countries import MRZ_COUNTRY_CODES, nationality_code
from docscreen.checks.mrzview import MrzView, digit_of, view, yymmdd_to_date
from docscreen.checks.names import compare_mrz_viz, mrz_tokens, viz_tokens
from docscreen.checks.reading import (
    issue_slip,
    mrz_name_misread,
    name_misread,
    slip,
    unsure_name,
)
from docscreen.checks.registry import rule
from docscreen.checks.result import boxes_of, fail, passed, skipped
from docscreen.models import Document, DocumentKind, Finding, JsonDict, Status

_CD_CODES = {
    "number": "ICAO-CD-NUMBER",
    "birth": "ICAO-CD-BIRTH",
    "expiry": "ICAO-CD-EXPIRY",
    "optional": "ICAO-CD-OPTIONAL",
    "composite": "ICAO-CD-COMPOSITE",
}
_NUM_FIX = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5",
                          "B": "8", "G": "6"})  # fmt: skip


def mrz_view_of(doc: Document) -> MrzView | None:
    if doc.mrz is None or not doc.mrz.found or not doc.mrz.lines:
        return None
    return view(doc.mrz.lines, doc.mrz.format)


def _per_mrz_doc(
    inp: RuleInput, codes: tuple[str, ...], fn: Callable[[int, Document, MrzView], list[Finding]]
) -> list[Finding]:
    docs = inp.of_kind(*MRZ_KINDS)
    out: list[Finding] = []
    for index, doc in docs:
        v = mrz_view_of(doc)
        if v is None:
            why = (doc.mrz.reason if doc.mrz is not None else None) or "no MRZ was read"
            out += [skipped(c, why, {"document": index}) for c in codes]
            continue
        out += fn(index, doc, v)
    if not docs:
        out += [skipped(c, "no document with an MRZ in this screening") for c in codes]
    return out


@rule(*_CD_CODES.values(), "PP-01")
def check_digits(inp: RuleInput) -> list[Finding]:
    def one(index: int, doc: Document, v: MrzView) -> list[Finding]:
        out: list[Finding] = []
        boxes = boxes_of(index, doc, "mrz")
        for key, code in _CD_CODES.items():
            c = v.checks.get(key)
            if c is None:
                out.append(
                    skipped(code, f"{v.format} has no such check digit", {"document": index})
                )
                continue
            ev: JsonDict = {"document": index, "data": c.data, "printed": c.digit}
            ev["expected"] = digit_of(c.data)
            if c.valid:
                out.append(passed(code, f"check digit {c.digit} of {c.data} is right", ev))
            else:
                out.append(
                    fail(
                        code,
                        f"printed {c.digit}, expected {ev['expected']} for {c.data}",
                        ev,
                        boxes,
                    )
                )
        if doc.kind is DocumentKind.IDN_PASSPORT:
            bad = [k for k, c in v.checks.items() if not c.valid]
            ev2: JsonDict = {"document": index, "invalid": bad}
            out.append(
                fail("PP-01", "invalid check digits: " + ", ".join(bad), ev2, boxes)
                if bad
                else passed("PP-01", "all passport check digits are right", ev2)
            )
        else:
            out.append(skipped("PP-01", "not an Indonesian passport", {"document": index}))
        return out

    return _per_mrz_doc(inp, (*_CD_CODES.values(), "PP-01"), one)


_CODE_LETTERS = {"TD3": "P", "TD1": "IAC", "TD2": "IAC", "MRVA": "V", "MRVB": "V"}


@rule("ICAO-FORMAT", "ICAO-COUNTRY")
def layout(inp: RuleInput) -> list[Finding]:
    def one(index: int, doc: Document, v: MrzView) -> list[Finding]:
        problems: list[str] = []
        raw = doc.mrz.lines if doc.mrz is not None else v.lines
        width = len(v.lines[0])
        for i, line in enumerate(raw):
            if len(line) != width:
                problems.append(f"line {i + 1} has {len(line)} characters, not {width}")
            bad = sorted(set(re.sub(r"[A-Z0-9<]", "", line)))
            if bad:
                problems.append(
                    f"line {i + 1} has characters outside the MRZ alphabet: {''.join(bad)}"
                )
        if v.document_code[:1] not in _CODE_LETTERS[v.format]:
            problems.append(f"document code {v.document_code!r} does not fit {v.format}")
        if v.sex not in ("M", "F", "X", "<"):
            problems.append(f"sex {v.sex!r} is not M, F, X or <")
        for label, raw_date in (("birth", v.birth_raw), ("expiry", v.expiry_raw)):
            if not re.fullmatch(r"\d{6}", raw_date):
                problems.append(f"{label} date {raw_date!r} is not six digits")
        ev: JsonDict = {"document": index, "format": v.format, "problems": problems}
        boxes = boxes_of(index, doc, "mrz")
        out = [
            fail("ICAO-FORMAT", "; ".join(problems), ev, boxes)
            if problems
            else passed("ICAO-FORMAT", f"{v.format} layout is well formed", ev)
        ]
        issuing = v.issuing_country.strip("<")
        nationality = v.nationality.strip("<")
        unknown = [c for c in (issuing, nationality) if c not in MRZ_COUNTRY_CODES and c != "UTO"]
        ev2: JsonDict = {"document": index, "issuing_country": issuing, "nationality": nationality}
        out.append(
            fail("ICAO-COUNTRY", "not ICAO codes: " + ", ".join(unknown), ev2, boxes)
            if unknown
            else passed("ICAO-COUNTRY", f"{issuing}/{nationality} are ICAO codes", ev2)
        )
        return out

    return _per_mrz_doc(inp, ("ICAO-FORMAT", "ICAO-COUNTRY"), one)


def _printed_date(doc: Document, name: str) -> tuple[str | None, dt.date | None, bool]:
    """(text, date, impossible): ``impossible`` when the text has date digits but no such day."""
    text = doc.value(name)
    if not text:
        return None, None, False
    d = parse_date(text)
    if d is not None:
        return text, d, False
    m = re.fullmatch(r"\s*(\d{1,4})[-./ ](\d{1,2})[-./ ](\d{1,4})\s*", text)
    return text, None, m is not None


def best_birth(doc: Document, today: dt.date) -> dt.date | None:
    """The document's birth date: MRZ when its check digit holds, else printed, else MRZ."""
    v = mrz_view_of(doc)
    mrz_birth = v.birth_date(today) if v is not None else None
    check = v.checks.get("birth") if v is not None else None
    if mrz_birth is not None and check is not None and check.valid:
        return mrz_birth
    printed = parse_date(doc.value("birth_date"))
    return printed or mrz_birth


def best_expiry(doc: Document) -> dt.date | None:
    v = mrz_view_of(doc)
    mrz_exp = v.expiry_date() if v is not None else None
    if (
        v is not None
        and mrz_exp is not None
        and v.checks.get("expiry")
        and v.checks["expiry"].valid
    ):
        return mrz_exp
    printed = parse_date(doc.value("expiry_date") or doc.value("valid_until"))
    return printed or mrz_exp


@rule("ICAO-DATES")
def dates_valid(inp: RuleInput) -> list[Finding]:
    today = inp.context.screening_date
    docs = inp.of_kind(*MRZ_KINDS, DocumentKind.IDN_KTP)
    out: list[Finding] = []
    for index, doc in docs:
        problems: list[str] = []
        seen: list[str] = []
        v = mrz_view_of(doc)
        if v is not None:
            for label, raw in (("MRZ birth", v.birth_raw), ("MRZ expiry", v.expiry_raw)):
                if re.fullmatch(r"\d{6}", raw):
                    seen.append(label)
                    past = label == "MRZ birth"
                    if yymmdd_to_date(raw, today, past=past) is None:
                        problems.append(f"{label} {raw} is not a calendar date")
        boxes: list[tuple[int, tuple[int, int, int, int]]] = []
        for name in ("birth_date", "issue_date", "expiry_date"):
            text, d, impossible = _printed_date(doc, name)
            if text is None:
                continue
            if d is not None or impossible:
                seen.append(name)
            if impossible:
                problems.append(f"printed {name} {text!r} is not a calendar date")
                boxes += boxes_of(index, doc, name)
            if name == "birth_date" and d is not None and d > today:
                problems.append(f"printed birth date {d} is in the future")
                boxes += boxes_of(index, doc, name)
        ev: JsonDict = {"document": index, "checked": seen, "problems": problems}
        if problems:
            out.append(fail("ICAO-DATES", "; ".join(problems), ev, boxes))
        elif seen:
            out.append(passed("ICAO-DATES", "dates are real calendar dates", ev))
        else:
            out.append(skipped("ICAO-DATES", "no date could be read", {"document": index}))
    return out or [skipped("ICAO-DATES", "no identity document in this screening")]


_SPECIMEN_WORDS = re.compile(r"\b(SPECIMEN|SPECIMAN|CONTOH|MUSTER|SPECIMEN/CONTOH|SAMPLE|VOID)\b")
_SPECIMEN_NUMBERS = {"L898902C3", "D23145890", "L898902C", "AB2134", "XI85935F8"}


@rule("ICAO-SPECIMEN")
def specimen(inp: RuleInput) -> list[Finding]:
    out: list[Finding] = []
    for index, doc in inp.of_kind(*MRZ_KINDS, DocumentKind.IDN_KTP):
        hits: list[str] = []
        boxes = []
        for name, f in doc.fields.items():
            if f.value and _SPECIMEN_WORDS.search(f.value.upper()):
                hits.append(f"{name}={f.value}")
                boxes += boxes_of(index, doc, name)
        v = mrz_view_of(doc)
        if v is not None:
            if v.issuing_country == "UTO" or v.nationality == "UTO":
                hits.append("MRZ state UTO (Utopia, the ICAO specimen state)")
            if v.surname == "ERIKSSON" and v.given_names.startswith("ANNA"):
                hits.append("MRZ name ERIKSSON ANNA MARIA (ICAO specimen)")
            if v.document_number.strip("<") in _SPECIMEN_NUMBERS:
                hits.append(f"MRZ number {v.document_number.strip('<')} (ICAO specimen)")
            if any("SPECIMEN" in line or "CONTOH" in line for line in v.lines):
                hits.append("MRZ contains SPECIMEN/CONTOH")
            if hits:
                boxes += boxes_of(index, doc, "mrz")
        number = (doc.value("document_number") or "").replace(" ", "").upper()
        if number in _SPECIMEN_NUMBERS:
            hits.append(f"printed number {number} (ICAO specimen)")
        ev: JsonDict = {"document": index, "hits": hits}
        if hits:
            out.append(fail("ICAO-SPECIMEN", "; ".join(hits), ev, boxes))
        elif doc.fields or v is not None:
            out.append(passed("ICAO-SPECIMEN", "no specimen marks", ev))
        else:
            out.append(skipped("ICAO-SPECIMEN", "nothing was read", {"document": index}))
    return out or [skipped("ICAO-SPECIMEN", "no identity document in this screening")]


@rule("ICAO-EXPIRED", "ICAO-VALIDITY", "ICAO-ISSUE-EXPIRY", "ICAO-BIRTH-ISSUE")
def validity(inp: RuleInput) -> list[Finding]:
    th = inp.thresholds
    today = inp.context.screening_date
    out: list[Finding] = []
    docs = inp.of_kind(*MRZ_KINDS)
    for index, doc in docs:
        expiry = best_expiry(doc)
        issue = issue_date_of(doc)
        d: JsonDict = {"document": index}
        exp_box = boxes_of(index, doc, "expiry_date") or boxes_of(index, doc, "mrz")
        if expiry is None:
            out.append(skipped("ICAO-EXPIRED", "expiry date not read", d))
        else:
            ev = {**d, "expiry": expiry.isoformat(), "screening_date": today.isoformat()}
            dep = inp.context.departure_date
            if dep is not None:
                ev["departure_date"] = dep.isoformat()
            if expiry < today:
                out.append(
                    fail("ICAO-EXPIRED", f"expired on {expiry}, screened {today}", ev, exp_box)
                )
            elif dep is not None and expiry < dep:
                out.append(
                    fail("ICAO-EXPIRED", f"expires {expiry}, before departure {dep}", ev, exp_box)
                )
            else:
                out.append(passed("ICAO-EXPIRED", f"valid until {expiry}", ev))
        if issue is None or expiry is None:
            why = "issue date not read" if issue is None else "expiry date not read"
            out.append(skipped("ICAO-VALIDITY", why, d))
            out.append(skipped("ICAO-ISSUE-EXPIRY", why, d))
        else:
            years = {
                DocumentKind.IDN_PASSPORT: th.passport_max_years,
                DocumentKind.PASSPORT: th.passport_max_years,
                DocumentKind.VISA: th.visa_max_years,
            }.get(doc.kind, th.card_max_years)
            latest = add_years(issue, years) + dt.timedelta(days=th.validity_grace_days)
            ev = {**d, "issue": issue.isoformat(), "expiry": expiry.isoformat(), "max_years": years}
            boxes = boxes_of(index, doc, "issue_date", "expiry_date")
            misread = issue_slip(doc, issue, expiry, th)
            if expiry <= latest:
                out.append(passed("ICAO-VALIDITY", f"validity within {years} years", ev))
            elif misread:
                out.append(skipped("ICAO-VALIDITY", misread, ev))
            else:
                why = f"valid {expiry} from {issue}: over {years} years"
                out.append(fail("ICAO-VALIDITY", why, ev, boxes))
            if issue < expiry:
                out.append(passed("ICAO-ISSUE-EXPIRY", "issued before expiry", ev))
            elif misread:
                out.append(skipped("ICAO-ISSUE-EXPIRY", misread, ev))
            else:
                why = f"issued {issue}, expires {expiry}"
                out.append(fail("ICAO-ISSUE-EXPIRY", why, ev, boxes))
    out += birth_before_issue(inp, [*docs, *inp.of_kind(DocumentKind.IDN_KTP)])
    if not docs:
        for code in ("ICAO-EXPIRED", "ICAO-VALIDITY", "ICAO-ISSUE-EXPIRY"):
            out.append(skipped(code, "no document with an MRZ in this screening"))
    return out


def birth_before_issue(inp: RuleInput, docs: list[tuple[int, Document]]) -> list[Finding]:
    out: list[Finding] = []
    for index, doc in docs:
        issue = issue_date_of(doc)
        birth = best_birth(doc, inp.context.screening_date)
        if issue is None or birth is None:
            out.append(
                skipped("ICAO-BIRTH-ISSUE", "birth or issue date not read", {"document": index})
            )
            continue
        ev: JsonDict = {"document": index, "birth": birth.isoformat(), "issue": issue.isoformat()}
        out.append(
            fail(
                "ICAO-BIRTH-ISSUE",
                f"born {birth}, issued {issue}",
                ev,
                boxes_of(index, doc, "birth_date", "issue_date"),
            )
            if birth >= issue
            else passed("ICAO-BIRTH-ISSUE", "born before issue", ev)
        )
    return out or [skipped("ICAO-BIRTH-ISSUE", "no identity document in this screening")]


# --- MRZ versus visual zone ---------------------------------------------------------------------
_VIZ_CODES = {
    "name": "MRZ-VIZ-NAME",
    "birth_date": "MRZ-VIZ-BIRTH",
    "sex": "MRZ-VIZ-SEX",
    "expiry_date": "MRZ-VIZ-EXPIRY",
    "document_number": "MRZ-VIZ-NUMBER",
    "nationality": "MRZ-VIZ-NATIONALITY",
}


def _clipped(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return (
        len(long_) - len(short) == 1
        and len(short) >= 5
        and (long_.endswith(short) or long_.startswith(short))
    )


def _cmp_fields(
    index: int, doc: Document, v: MrzView, inp: RuleInput
) -> dict[str, tuple[Status, str, JsonDict]]:
    """Each MRZ/VIZ comparison as (status, explanation, evidence)."""
    res: dict[str, tuple[Status, str, JsonDict]] = {}
    # Names.
    surname, given = doc.value("surname"), doc.value("given_names")
    full = doc.value("full_name")
    if surname or given or full:
        printed = viz_tokens(surname or "") + viz_tokens(given or "") if (surname or given) else []
        if not printed:
            printed = viz_tokens(full or "")
        mrz = mrz_tokens(v.surname) + mrz_tokens(v.given_names)
        cmp = compare_mrz_viz(mrz, printed, inp.thresholds.name_max_edits)
        if not cmp.same and full and (surname or given):
            alt = compare_mrz_viz(mrz, viz_tokens(full), inp.thresholds.name_max_edits)
            cmp = alt if alt.same else cmp
        ev: JsonDict = {
            "mrz": " ".join(mrz),
            "printed": " ".join(printed),
            "pairs": [list(p) for p in cmp.pairs],
            "unmatched_mrz": list(cmp.unmatched_left),
            "extra_printed": list(cmp.unmatched_right),
        }
        if not cmp.same and cmp.shared and not cmp.unmatched_right:
            # Every printed token read agrees with the MRZ, some MRZ tokens were not read in the
            # printed name: an incomplete reading, nothing contradicts.
            why = "printed name read incompletely: " + cmp.explain()
            res["name"] = (Status.NOT_PERFORMED, why, ev)
        elif not cmp.same and (misread := name_misread(cmp.unmatched_left, cmp.unmatched_right)):
            # What the printed reading has beyond the MRZ is OCR debris: unreadable, not different.
            res["name"] = (Status.NOT_PERFORMED, f"{misread}: {cmp.explain()}", ev)
        elif not cmp.same and (broken := mrz_name_misread(doc)):
            # The MRZ's name field breaks the ICAO layout: the MRZ was misread, not edited.
            res["name"] = (Status.NOT_PERFORMED, f"{broken}: {cmp.explain()}", ev)
        elif not cmp.same and not cmp.shared and (unsure := unsure_name(doc, inp.thresholds)):
            # Nothing in common with the MRZ and read at low confidence: an unreadable printed
            # name (the MRZ, read far more reliably, still goes to the other rules).
            res["name"] = (Status.NOT_PERFORMED, f"{unsure}: {cmp.explain()}", ev)
        else:
            res["name"] = (Status.PASS if cmp.same else Status.FAIL, cmp.explain(), ev)
    # Dates: compared as YYMMDD, the only thing the MRZ holds.
    for name, raw in (("birth_date", v.birth_raw), ("expiry_date", v.expiry_raw)):
        text = doc.value(name)
        d = parse_date(text)
        if text is None:
            continue
        if d is None:
            res[name] = (Status.NOT_PERFORMED, f"printed {name} {text!r} unreadable", {})
            continue
        yymmdd = d.strftime("%y%m%d")
        mrz_digits = raw.translate(_NUM_FIX)
        ev = {"mrz": raw, "printed": text, "printed_yymmdd": yymmdd}
        same = yymmdd == mrz_digits
        misread = None if same else slip(yymmdd, mrz_digits, (doc.fields.get(name),),
                                         inp.thresholds, f"printed {name} (YYMMDD) / MRZ")  # fmt: skip
        if misread is not None:
            res[name] = (Status.NOT_PERFORMED, misread, ev)
            continue
        res[name] = (
            Status.PASS if same else Status.FAIL,
            f"MRZ {raw} {'=' if same else '≠'} printed {text}",
            ev,
        )
    # Sex.
    printed_sex = norm_sex(doc.value("sex"))
    if doc.value("sex"):
        mrz_sex = v.sex if v.sex in "MFX" else "X"
        if printed_sex is None:
            res["sex"] = (Status.NOT_PERFORMED, f"printed sex {doc.value('sex')!r} unreadable", {})
        else:
            same = printed_sex == mrz_sex or (printed_sex == "X" and v.sex == "<")
            res["sex"] = (
                Status.PASS if same else Status.FAIL,
                f"MRZ {v.sex} {'=' if same else '≠'} printed {doc.value('sex')}",
                {"mrz": v.sex, "printed": doc.value("sex")},
            )
    # Document number (OCR look-alikes folded on both sides).
    number = doc.value("document_number")
    if number:
        a = re.sub(r"[\s<]", "", number.upper()).translate(_NUM_FIX)
        b = v.document_number.strip("<").translate(_NUM_FIX)
        same = a == b
        if not same and sum(ch.isdigit() for ch in number) < 3:
            # A "number" without digits is a label or noise read in its place, not a number.
            res["document_number"] = (
                Status.NOT_PERFORMED,
                f"printed number unreadable ({number!r})",
                {"mrz": b, "printed": number},
            )
            number = ""
        elif not same and (
            cut := slip(
                a, b, (doc.fields.get("document_number"),), inp.thresholds, "printed number / MRZ"
            )
        ):
            res["document_number"] = (Status.NOT_PERFORMED, cut, {"mrz": b, "printed": number})
            number = ""
        elif not same and _clipped(a, b):
            # One character lost at an edge is a reading defect, not a different number.
            res["document_number"] = (
                Status.NOT_PERFORMED,
                f"printed number {number!r} read incompletely (MRZ {b})",
                {"mrz": b, "printed": number},
            )
            number = ""
    if number:
        res["document_number"] = (
            Status.PASS if same else Status.FAIL,
            f"MRZ {v.document_number.strip('<')} {'=' if same else '≠'} printed {number}",
            {"mrz": v.document_number.strip("<"), "printed": number},
        )
    nat = doc.value("nationality")
    if nat:
        code = nationality_code(nat)
        if code is None:
            res["nationality"] = (Status.NOT_PERFORMED, f"printed nationality {nat!r} unknown", {})
        else:
            same = code == v.nationality.strip("<")
            res["nationality"] = (
                Status.PASS if same else Status.FAIL,
                f"MRZ {v.nationality} {'=' if same else '≠'} printed {nat}",
                {"mrz": v.nationality, "printed": nat},
            )
    return res


@rule(*_VIZ_CODES.values(), "PP-03")
def mrz_versus_viz(inp: RuleInput) -> list[Finding]:
    def one(index: int, doc: Document, v: MrzView) -> list[Finding]:
        res = _cmp_fields(index, doc, v, inp)
        out: list[Finding] = []
        for name, code in _VIZ_CODES.items():
            if name not in res:
                out.append(skipped(code, f"printed {name} not read", {"document": index}))
                continue
            status, why, ev = res[name]
            ev = {"document": index, **ev}
            box_names = ("surname", "given_names", "full_name") if name == "name" else (name,)
            if status is Status.FAIL:
                out.append(fail(code, why, ev, boxes_of(index, doc, *box_names, "mrz")))
            elif status is Status.PASS:
                out.append(passed(code, why, ev))
            else:
                out.append(skipped(code, why, ev))
        if doc.kind is DocumentKind.IDN_PASSPORT:
            keys = ("name", "birth_date", "sex", "expiry_date", "document_number")
            bad = [k for k in keys if k in res and res[k][0] is Status.FAIL]
            done = [k for k in keys if k in res and res[k][0] is not Status.NOT_PERFORMED]
            ev2: JsonDict = {"document": index, "differ": bad, "compared": done}
            if bad:
                why = "; ".join(f"{k}: {res[k][1]}" for k in bad)
                out.append(fail("PP-03", why, ev2, boxes_of(index, doc, *bad, "mrz")))
            elif done:
                out.append(passed("PP-03", "MRZ agrees with the data page", ev2))
            else:
                out.append(skipped("PP-03", "no printed field to compare", ev2))
        else:
            out.append(skipped("PP-03", "not an Indonesian passport", {"document": index}))
        return out

    return _per_mrz_doc(inp, (*_VIZ_CODES.values(), "PP-03"), one)
