"""Indonesian passport rules PP-02, PP-04..PP-12 (PP-01 and PP-03 live with the ICAO rules)."""

from __future__ import annotations

import datetime as dt
import re

from rapidfuzz import fuzz

from docscreen.checks.context import (
    PASSPORT_KINDS,
    RuleInput,
    add_years,
    age_on,
    issue_date_of,
    norm_sex,
)
from docscreen.checks.names import compare_indonesian, indonesian_tokens
from docscreen.checks.reading import (
    caption_read,
    confident,
    date_slip,
    garbled,
    issue_slip,
    mrz_name_misread,
    name_as_place,
    names_misread,
)
from docscreen.checks.registry import rule
from docscreen.checks.result import boxes_of, fail, passed, skipped
from docscreen.checks.rules_icao import best_birth, best_expiry, mrz_view_of
from docscreen.checks.rules_ktp import ktp_fresh, passport_fresh
from docscreen.checks.traveller import (
    Claim,
    birth_claims,
    claim_field,
    kk_row_of_traveller,
    ktp_nik,
    passport_birth_claims,
    passport_name,
    passport_sex,
)
from docscreen.indonesia.vocab import is_ever_married
from docscreen.models import Document, DocumentKind, Finding, JsonDict, Severity, Status

TEN_YEAR_RULE = dt.date(2022, 10, 12)  # Permenkumham 18/2022 Ps.2A in force
# Immigration offices of NTT (Kantor Imigrasi) and the regency each sits in.
NTT_OFFICES = {"KUPANG": "5371", "ATAMBUA": "5304", "LABUAN BAJO": "5315", "MAUMERE": "5307"}


def _idn_passports(inp: RuleInput) -> list[tuple[int, Document]]:
    return inp.of_kind(DocumentKind.IDN_PASSPORT)


@rule("PP-02", "PP-04")
def passport_identity(inp: RuleInput) -> list[Finding]:
    pps = _idn_passports(inp)
    if not pps:
        return [skipped(c, "no Indonesian passport in this screening") for c in ("PP-02", "PP-04")]
    out: list[Finding] = []
    for index, doc in pps:
        v = mrz_view_of(doc)
        if v is None:
            out.append(skipped("PP-02", "no MRZ read", {"document": index}))
        else:
            code, state, nat = v.document_code, v.issuing_country, v.nationality
            ev: JsonDict = {"document": index, "code": code, "state": state, "nationality": nat}
            bad = []
            if not code.startswith("P"):
                bad.append(f"document code {code}")
            if state != "IDN":
                bad.append(f"issuing state {state}")
            if nat != "IDN":
                bad.append(f"nationality {nat}")
            out.append(
                fail("PP-02", ", ".join(bad), ev, boxes_of(index, doc, "mrz"))
                if bad
                else passed("PP-02", "P / IDN / IDN", ev)
            )
        number = (
            doc.value("document_number") or (v.document_number.strip("<") if v else "")
        ).replace(" ", "")
        check = v.checks.get("number") if v is not None else None
        if v is not None and check is not None and check.valid:
            number = v.document_number.strip("<")  # machine-verified beats the printed reading
        ev4: JsonDict = {"document": index, "number": number}
        if not number:
            out.append(skipped("PP-04", "passport number not read", ev4))
        elif re.fullmatch(r"[A-Z]\d{7}", number.upper()):
            out.append(passed("PP-04", "one letter + 7 digits", ev4))
        else:
            out.append(
                fail(
                    "PP-04",
                    f"{number} is not one letter + 7 digits",
                    ev4,
                    boxes_of(index, doc, "document_number"),
                )
            )
    return out


def _married(inp: RuleInput) -> bool | None:
    for _, doc in inp.of_kind(DocumentKind.IDN_KTP):
        m = is_ever_married(doc.value("marital_status"))
        if m is not None:
            return m
    for _, kk in inp.of_kind(DocumentKind.IDN_KK):
        row = kk_row_of_traveller(inp, kk)
        if row:
            m = is_ever_married(row.get("marital_status"))
            if m is not None:
                return m
    return None


@rule("PP-05", "PP-12")
def passport_validity(inp: RuleInput) -> list[Finding]:
    pps = _idn_passports(inp)
    if not pps:
        return [skipped(c, "no Indonesian passport in this screening") for c in ("PP-05", "PP-12")]
    th = inp.thresholds
    out: list[Finding] = []
    grace = dt.timedelta(days=th.validity_grace_days)
    for index, doc in pps:
        issue = issue_date_of(doc)
        expiry = best_expiry(doc)
        birth = best_birth(doc, inp.context.screening_date)
        if issue is None or expiry is None or birth is None:
            why = "issue, expiry or birth date not read"
            out += [
                skipped("PP-05", why, {"document": index}),
                skipped("PP-12", why, {"document": index}),
            ]
            continue
        age = age_on(birth, issue)
        married = _married(inp)
        adult = age >= th.passport_10y_min_age or bool(married)
        allowed = 10 if issue >= TEN_YEAR_RULE and adult else 5
        years = (expiry - issue).days / 365.25
        ev: JsonDict = {"document": index, "issue": issue.isoformat(), "expiry": expiry.isoformat(),
                        "age_at_issue": age, "married": married, "allowed_years": allowed,
                        "validity_years": round(years, 2)}  # fmt: skip
        boxes = boxes_of(index, doc, "issue_date", "expiry_date")
        misread = issue_slip(doc, issue, expiry, th)
        ten_year = expiry > add_years(issue, 5) + grace
        ok5 = add_years(issue, 5) - grace <= expiry <= add_years(issue, 5) + grace
        ok10 = add_years(issue, 10) - grace <= expiry <= add_years(issue, 10) + grace
        if misread and not (ok5 or ok10):
            # Neither 5 nor 10 years, and the issue date one character from what either would
            # give: the issue date was misread, the validity is not known.
            out += [skipped("PP-05", misread, ev), skipped("PP-12", misread, ev)]
            continue
        if expiry > add_years(issue, 10) + grace:
            out.append(
                fail(
                    "PP-05", f"valid {years:.1f} years: over 10", ev, boxes, severity=Severity.HIGH
                )
            )
        elif expiry > add_years(issue, allowed) + grace:
            why = f"valid {years:.1f} years; {allowed} allowed (issued {issue}, aged {age})"
            out.append(fail("PP-05", why, ev, boxes))
        elif allowed == 10 and expiry < add_years(issue, 5) - grace:
            out.append(fail("PP-05", f"valid only {years:.1f} years", ev, boxes))
        else:
            out.append(passed("PP-05", f"{years:.1f} years, {allowed} allowed", ev))
        if age < th.passport_10y_min_age and married is not True and ten_year:
            out.append(
                fail(
                    "PP-12",
                    f"aged {age} and unmarried at issue, valid {years:.1f} years",
                    ev,
                    boxes,
                )
            )
        else:
            out.append(passed("PP-12", "validity fits the holder's age at issue", ev))
    return out


def _crosses(a: dt.date, b: dt.date, day: dt.date, limit: int) -> bool:
    return (age_on(a, day) < limit) != (age_on(b, day) < limit)


@rule("PP-06", "PP-06b")
def passport_versus_ktp_birth(inp: RuleInput) -> list[Finding]:
    pp_claims = passport_birth_claims(inp)
    claims = birth_claims(inp)
    others = [c for c in claims if (c.kind == "idn_ktp" and c.zone == "viz") or c.zone == "kk"]
    # A KTP whose printed birth date was not read still states it in its NIK (digits 7-12,
    # self-checking): that is the KTP's claim then (a photocopied KTP often loses the date line).
    printed = {c.document for c in others}
    others += [c for c in claims
               if c.kind == "idn_ktp" and c.zone == "nik" and c.document not in printed]  # fmt: skip
    if not pp_claims or not others:
        why = "needs a passport and a KTP/KK birth date"
        return [skipped("PP-06", why), skipped("PP-06b", why)]
    diffs: list[tuple[Claim, Claim]] = []
    slips: list[str] = []
    for p, o in ((p, o) for p in pp_claims for o in others if p.date != o.date):
        slip = date_slip(p.date, o.date, (claim_field(inp, p), claim_field(inp, o)),
                        inp.thresholds, "birth dates")  # fmt: skip
        if slip is None:
            diffs.append((p, o))
        else:
            slips.append(f"{p.label()} / {o.label()}: {slip}")
    ev: JsonDict = {
        "passport": [c.label() for c in pp_claims],
        "ktp_kk": [c.label() for c in others],
    }
    if slips:
        ev["withheld"] = slips
    boxes = _claim_boxes(inp, [*pp_claims, *others])
    if diffs:
        out = [fail("PP-06", "; ".join(f"{p.label()} ≠ {o.label()}" for p, o in diffs), ev, boxes)]
    elif slips:
        out = [skipped("PP-06", "; ".join(slips), ev), skipped("PP-06b", "; ".join(slips), ev)]
        return out
    else:
        out = [passed("PP-06", "same birth date", ev)]
    day = inp.departure
    limits = [inp.thresholds.adult_age]
    if _domestic(inp):
        limits.append(inp.thresholds.domestic_worker_age)
    crossing = [(p, o, n) for p, o in diffs for n in limits if _crosses(p.date, o.date, day, n)]
    if crossing:
        p, o, n = crossing[0]
        why = f"on {day}: {p.label()} is {age_on(p.date, day)}, {o.label()} is {age_on(o.date, day)} (limit {n})"
        out.append(fail("PP-06b", why, {**ev, "on": day.isoformat(), "limit": n}, boxes))
    else:
        out.append(passed("PP-06b", "no age limit crossed", {**ev, "on": day.isoformat()}))
    return out


def _claim_boxes(
    inp: RuleInput, claims: list[Claim]
) -> list[tuple[int, tuple[int, int, int, int]]]:
    out = []
    for c in claims:
        doc = inp.documents[c.document]
        out += boxes_of(c.document, doc, "mrz" if c.zone == "mrz" else "birth_date")
    return out


def _domestic(inp: RuleInput) -> bool:
    kind = (inp.context.placement_type or "").lower()
    return any(k in kind for k in ("domestic", "informal", "rumah tangga", "prt", "caregiver"))


def _cuts(short: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    return bool(short) and all(
        len(u) >= 4 and any(w != u and w.startswith(u) for w in whole) for u in short
    )


def _cut_reading(
    left: tuple[str, ...],
    right: tuple[str, ...],
    a: str,
    b: str,
    p: Document,
    k: Document,
    inp: RuleInput,
) -> str | None:
    """Why a PP-08 difference is a name read cut short, or None: every left-over token of one name
    (``left``/``right``: the comparison's left-overs; 4 letters or more) is the start of a left-over token of the other (WIDIAST of WIDIASTUTI) and
    the name holding the cut tokens was not read confidently.  Read confidently, a shorter token is
    another name (AGUS is not AGUSTINUS)."""
    if _cuts(left, right):
        short, whole = left, right
    elif _cuts(right, left):
        short, whole = right, left
    else:
        return None
    if all(u in indonesian_tokens(b) for u in short):
        holder = k.fields.get("full_name")
    elif a == p.value("full_name"):
        holder = p.fields.get("full_name")
    else:  # the MRZ name: a cut there is the MRZ's own truncation, which MRZ-VIZ-NAME judges
        return None
    if holder is None or confident(holder, inp.thresholds):
        return None
    return (
        f"name read cut short ({' '.join(short)} of {' '.join(whole)}; {holder.name} read at "
        f"{100 * holder.confidence:.0f}%, < {inp.thresholds.min_mismatch_confidence}%)"
    )


def _holder_names(p: Document, k: Document) -> list[str]:
    """Every reading of the holder's name on the passport (printed, MRZ) and the KTP."""
    names = [p.value("full_name"), k.value("full_name"),
             " ".join(x for x in (p.value("given_names"), p.value("surname")) if x)]  # fmt: skip
    v = mrz_view_of(p)
    if v is not None:
        names.append(" ".join(x for x in (v.given_names, v.surname) if x))
    return [n for n in names if n]


@rule("PP-07", "PP-08", "PP-09", "PP-10", "PP-11")
def passport_versus_ktp(inp: RuleInput) -> list[Finding]:
    codes = ("PP-07", "PP-08", "PP-09", "PP-10", "PP-11")
    pp = inp.first(*PASSPORT_KINDS)
    ktp = inp.first(DocumentKind.IDN_KTP)
    if pp is None or ktp is None:
        return [skipped(c, "needs a passport and a KTP") for c in codes]
    (pi, p), (ki, k) = pp, ktp
    out: list[Finding] = []
    # PP-07: sex on passport, KTP and in the NIK.
    sexes = {"passport": passport_sex(p), "ktp": norm_sex(k.value("sex"))}
    parts = ktp_nik(k)
    if parts is not None:
        sexes["nik"] = parts.sex
    known = {s for s in sexes.values() if s}
    ev: JsonDict = {"sexes": sexes}
    if sexes["passport"] is None or len([s for s in sexes.values() if s]) < 2:
        out.append(skipped("PP-07", "sex not read on both documents", ev))
    elif len(known) > 1:
        out.append(fail("PP-07", ", ".join(f"{a}={b}" for a, b in sexes.items()), ev,
                        boxes_of(pi, p, "sex") + boxes_of(ki, k, "sex", "nik")))  # fmt: skip
    else:
        out.append(passed("PP-07", f"all {known.pop()}", ev))
    # PP-08: names.
    a, b = passport_name(p), k.value("full_name")
    if not a or not b:
        out.append(skipped("PP-08", "name not read on both documents"))
    else:
        cmp = compare_indonesian(a, b, inp.thresholds.name_max_edits)
        # The passport's MRZ name counts too: a misread printed name must not also look like a
        # passport/KTP disagreement (MRZ-VIZ-NAME reports the printed one).
        v = mrz_view_of(p)
        mrz_name = " ".join(x for x in (v.given_names, v.surname) if x) if v is not None else ""
        if mrz_name_misread(p):
            mrz_name = ""  # letters after fillers: the MRZ name was misread, it cannot decide
        misread = None if cmp.same else names_misread(cmp.unmatched_left, cmp.unmatched_right)
        if not cmp.same and mrz_name:
            alt = compare_indonesian(mrz_name, b, inp.thresholds.name_max_edits)
            alt_misread = (
                None if alt.same else names_misread(alt.unmatched_left, alt.unmatched_right)
            )
            if alt.same or alt.shared > cmp.shared or (misread and alt_misread is None):
                # The MRZ name agrees, or says more, or is a clean reading where the printed one
                # is debris: the MRZ (OCR-B, read far more reliably) decides.
                a, cmp, misread = mrz_name, alt, alt_misread
            elif misread is None:
                misread = alt_misread
        ev8: JsonDict = {"passport": a, "ktp": b, "pairs": [list(x) for x in cmp.pairs],
                         "unmatched": list(cmp.unmatched_left), "extra": list(cmp.unmatched_right)}  # fmt: skip
        if not cmp.same and misread is None and cmp.shared and not cmp.unmatched_left:
            # Every token of the shorter name is in the longer one: the shorter may be a reading
            # cut short, unless it was read confidently (then it is a different, shorter name).
            if len(indonesian_tokens(b)) == cmp.shared:
                short = k.fields.get("full_name")
            elif a == p.value("full_name"):
                short = p.fields.get("full_name")
            else:  # the MRZ name (check digits vouch for the line) or given names + surname
                short = None
            if short is not None and not confident(short, inp.thresholds):
                misread = (
                    f"name read incompletely ({short.name} read at {100 * short.confidence:.0f}%, "
                    f"< {inp.thresholds.min_mismatch_confidence}%): its tokens all agree"
                )
        if not cmp.same and misread is None and cmp.unmatched_left:
            misread = _cut_reading(cmp.unmatched_left, cmp.unmatched_right, a, b, p, k, inp)
        if cmp.same:
            out.append(passed("PP-08", cmp.explain(), ev8))
        elif misread:
            out.append(skipped("PP-08", f"{misread}: {a} / {b}", ev8))
        else:
            sev = Severity.HIGH if cmp.shared == 0 else None
            why = ("no name token in common: " if cmp.shared == 0 else "") + f"{a} / {b}"
            out.append(fail("PP-08", why, ev8, boxes_of(pi, p, "full_name", "surname", "given_names")
                            + boxes_of(ki, k, "full_name"), severity=sev))  # fmt: skip
    # PP-09: place of birth.
    pa, pb = p.value("birth_place"), k.value("birth_place")
    if not pa or not pb:
        out.append(skipped("PP-09", "birthplace not read on both documents"))
    elif garbled(pa) or garbled(pb) or norm_sex(pa) or norm_sex(pb):
        # Debris, or the sex line read into the birthplace: the reader took the wrong line.
        out.append(skipped("PP-09", f"birthplace misread: {pa} / {pb}"))
    elif caption := caption_read(pa) or caption_read(pb):
        # HABIS BERTANU OF EXP, INDONESIA: the reader took a caption or another line.
        why = f"birthplace read off a caption or another line ({caption}): {pa} / {pb}"
        out.append(skipped("PP-09", why))
    elif name_as_place(pa, names := _holder_names(p, k)) or name_as_place(pb, names):
        # KANI RIYANTI under Tempat Lahir: the reader took the name line (one line off).
        out.append(skipped("PP-09", f"birthplace read off the name line: {pa} / {pb}"))
    elif place_piece(pa, pb):
        # NG of KUPANG, KUPA of KUPANG: one reading kept only the start or end of the other.
        out.append(skipped("PP-09", f"birthplace read in part: {pa} / {pb}"))
    else:
        # Also without spaces: a reader splits or joins words (WAING APU for WAINGAPU).
        score = max(
            fuzz.token_set_ratio(_place(pa), _place(pb)),
            fuzz.ratio(_place(pa).replace(" ", ""), _place(pb).replace(" ", "")),
        )
        ev9: JsonDict = {"passport": pa, "ktp": pb, "score": round(score, 1)}
        if score >= inp.thresholds.region_min_score:
            out.append(passed("PP-09", f"{pa} ~ {pb}", ev9))
        else:
            same_regency = _same_regency(inp, pa, pb)
            sev = Severity.LOW if same_regency else None
            why = f"{pa} / {pb}" + (" (same regency)" if same_regency else "")
            out.append(
                fail(
                    "PP-09",
                    why,
                    ev9,
                    boxes_of(pi, p, "birth_place") + boxes_of(ki, k, "birth_place"),
                    severity=sev,
                )
            )
    # PP-10: issuing office near the KTP province.
    office = _office_rule(inp, pi, p, ki, k)
    out.append(office)
    # PP-11: passport just after the KTP/KK.
    if issue_date_of(p) is None or not any(
        issue_date_of(d) for _, d in inp.of_kind(DocumentKind.IDN_KTP, DocumentKind.IDN_KK)
    ):
        out.append(skipped("PP-11", "issue dates not read"))
    else:
        out.append(_just_in_time(inp, pi, p, ki, k, office))
    return out


def _just_in_time(
    inp: RuleInput, pi: int, p: Document, ki: int, k: Document, office: Finding
) -> Finding:
    """PP-11.  The specification's condition is a *first* passport issued within N days of the
    KTP/KK; a data page does not show whether it is the first, and the same pattern seen from the
    KTP side (KTP-09) is "informative only alone" in the specification, which also raises KTP-04
    and PP-10 only *together* with fresh documents.  So alone it is LOW (shown, no REVIEW: a KTP
    re-issued after a move or a marriage shortly before a first passport is common); together with
    the passport issued outside the KTP province (PP-10 failing) it takes the specification's
    MEDIUM.  A post that wants it alone to raise REVIEW sets ``{"severity": {"PP-11": "MEDIUM"}}``
    in its policy file; the window is the ``just_in_time_days`` threshold."""
    fresh, why = passport_fresh(inp)
    ev: JsonDict = {"days": inp.thresholds.just_in_time_days}
    if not fresh:
        return passed("PP-11", "passport not issued just after the KTP/KK", ev)
    far = office.status is Status.FAIL
    ev["issued_outside_ktp_province"] = far
    why += "; passport issued outside the KTP province" if far else " (alone: informative)"
    boxes = boxes_of(pi, p, "issue_date") + boxes_of(ki, k, "issue_date")
    return fail("PP-11", why, ev, boxes, severity=None if far else Severity.LOW)


def place_piece(a: str, b: str) -> bool:
    """One place reading is the start or the end of the other (letters only, two or more)."""
    x, y = sorted((re.sub(r"[^A-Z]", "", _place(a)), re.sub(r"[^A-Z]", "", _place(b))), key=len)
    return 2 <= len(x) < len(y) and (y.startswith(x) or y.endswith(x))


def _place(text: str) -> str:
    t = re.sub(r"[^A-Z ]", " ", text.upper())
    t = re.sub(r"\b(KABUPATEN|KAB|KOTA)\b", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def _same_regency(inp: RuleInput, a: str, b: str) -> bool:
    regions = inp.regions
    if regions is None:
        return False

    def regencies(name: str) -> set[str]:
        codes = {
            r.code[:4] for level in ("regency", "district") for r, _ in regions.find(name, level)
        }
        return codes

    return bool(regencies(a) & regencies(b))


def _office_rule(inp: RuleInput, pi: int, p: Document, ki: int, k: Document) -> Finding:
    office = (p.value("issuing_office") or "").upper()
    parts = ktp_nik(k)
    province = parts.province if parts else None
    if not office or province is None:
        return skipped("PP-10", "issuing office or KTP NIK not read")
    office_core = re.sub(r"\b(KANTOR|IMIGRASI|KELAS|TPI|I{1,3}|KANIM)\b", " ", office)
    office_core = re.sub(r"\s+", " ", office_core).strip()
    office_prov: str | None = None
    for name, regency in NTT_OFFICES.items():
        if name in office_core:
            office_prov = regency[:2]
    if office_prov is None and inp.regions is not None:
        found = inp.regions.find(office_core, "regency", None, 85.0)
        found += inp.regions.find("KOTA " + office_core, "regency", None, 85.0)
        if found:
            office_prov = found[0][0].code[:2]
    ev: JsonDict = {"office": office, "office_province": office_prov, "ktp_province": province}
    if office_prov is None:
        return skipped("PP-10", f"office {office!r} not located (no region list or unknown)", ev)
    if office_prov == province:
        return passed("PP-10", "issued in the KTP province", ev)
    young = False
    birth = best_birth(p, inp.context.screening_date)
    if birth is not None:
        young = age_on(birth, inp.context.screening_date) < inp.thresholds.pp10_young_age
    fresh, _ = ktp_fresh(inp)
    sev = Severity.MEDIUM if (fresh or young) else None
    why = f"issued at {office} (province {office_prov}), KTP province {province}"
    if sev:
        why += " with " + (
            "fresh KTP/KK" if fresh else f"holder under {inp.thresholds.pp10_young_age}"
        )
    return fail("PP-10", why, ev, boxes_of(pi, p, "issuing_office"), severity=sev)
