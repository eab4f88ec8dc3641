"""Rules about the traveller as a whole: age at departure and migrant-work rules (PMI-01..08), the
bundle being one person (BUNDLE-01), and case-record rules (ID-01..04)."""

from __future__ import annotations

import itertools

from docscreen.checks.context import PASSPORT_KINDS, RuleInput, age_on, parse_date
from docscreen.checks.names import compare_indonesian, indonesian_tokens
from docscreen.checks.reading import date_slip, mangled
from docscreen.checks.registry import rule
from docscreen.checks.result import fail, passed, skipped
from docscreen.checks.traveller import (
    Claim,
    birth_claims,
    claim_field,
    kk_members,
    kk_row_of_traveller,
    passport_name,
)
from docscreen.models import Document, DocumentKind, Finding, JsonDict

WORK_PURPOSES = frozenset({"work", "employment", "kerja", "bekerja", "pmi", "migrant_work", "job"})
VISIT_PURPOSES = frozenset(
    {"tourism", "visit", "wisata", "kunjungan", "holiday", "family", "umrah"}
)
VAGUE_PURPOSES = frozenset({"other", "unknown", "lainnya", "-", ""})
# UU 18/2017 Ps.13: documents a migrant worker must hold (names of ScreeningContext.presented).
PMI_REQUIRED = ("work_visa", "work_contract", "placement_agreement", "bpjs", "id_pmi")
CONTRACT_ELEMENTS = ("employer_name", "employer_address", "worker_name", "worker_address", "job",
                     "rights_obligations", "working_hours", "wage", "leave", "social_security",
                     "duration", "safety")  # fmt: skip


def for_work(inp: RuleInput) -> bool:
    ctx = inp.context
    purpose = (ctx.purpose or "").strip().lower()
    return purpose in WORK_PURPOSES or bool(ctx.placement_type) or bool(ctx.contract)


def youngest(inp: RuleInput) -> Claim | None:
    claims = birth_claims(inp)
    return max(claims, key=lambda c: c.date) if claims else None


@rule("PMI-01", "PMI-02", "AGE-MINOR")
def age_at_departure(inp: RuleInput) -> list[Finding]:
    codes = ("PMI-01", "PMI-02", "AGE-MINOR")
    y = youngest(inp)
    if y is None:
        return [skipped(c, "no birth date read") for c in codes]
    day = inp.departure
    age = age_on(y.date, day)
    th = inp.thresholds
    ev: JsonDict = {"youngest": y.label(), "on": day.isoformat(), "age": age,
                    "claims": [c.label() for c in birth_claims(inp)]}  # fmt: skip
    out: list[Finding] = []
    work = for_work(inp)
    if not work:
        out.append(skipped("PMI-01", "departure purpose is not work (use --purpose work)", ev))
    elif age < th.adult_age:
        out.append(fail("PMI-01", f"{age} on {day} by {y.label()} (minimum {th.adult_age})", ev))
    else:
        out.append(passed("PMI-01", f"{age} on {day} (youngest claim)", ev))
    placement = (inp.context.placement_type or "").lower()
    if not placement:
        out.append(skipped("PMI-02", "placement type not given", ev))
    elif not any(
        k in placement for k in ("domestic", "informal", "rumah tangga", "prt", "caregiver")
    ):
        out.append(skipped("PMI-02", f"placement {placement!r} is not domestic/informal", ev))
    elif age < th.domestic_worker_age:
        out.append(
            fail("PMI-02", f"{age} on {day}, domestic placement needs {th.domestic_worker_age}", ev)
        )
    else:
        out.append(passed("PMI-02", f"{age} on {day}", ev))
    out.append(
        fail("AGE-MINOR", f"{age} on {day} by {y.label()}", ev)
        if age < th.adult_age
        else passed("AGE-MINOR", f"{age} on {day}", ev)
    )
    return out


@rule("PMI-03", "PMI-04")
def purpose_rules(inp: RuleInput) -> list[Finding]:
    ctx = inp.context
    out: list[Finding] = []
    seen = sorted(ctx.presented)
    if for_work(inp):
        missing = [d for d in PMI_REQUIRED if d not in ctx.presented]
        ev: JsonDict = {"purpose": ctx.purpose, "presented": seen, "missing": missing}
        out.append(
            fail("PMI-03", "missing: " + ", ".join(missing), ev)
            if missing
            else passed("PMI-03", "all required documents seen", ev)
        )
    else:
        out.append(skipped("PMI-03", "departure purpose is not work"))
    purpose = (ctx.purpose or "").strip().lower()
    if ctx.purpose is None:
        out.append(skipped("PMI-04", "no declared purpose"))
        return out
    visit = purpose in VISIT_PURPOSES or any(
        (d.value("visa_type") or "").upper().startswith(("VISIT", "TOUR", "KUNJ"))
        for _, d in inp.of_kind(DocumentKind.VISA)
    )
    vague = purpose in VAGUE_PURPOSES
    y = youngest(inp)
    if y is None:
        out.append(skipped("PMI-04", "no birth date read"))
        return out
    age = age_on(y.date, inp.departure)
    th = inp.thresholds
    no_return = "return_ticket" not in ctx.presented
    ev4: JsonDict = {"purpose": ctx.purpose, "age": age, "return_ticket": not no_return}
    if ((visit and no_return) or vague) and th.pmi04_min_age <= age <= th.pmi04_max_age:
        why = (
            f"purpose {ctx.purpose!r}, "
            + ("no return ticket" if no_return else "vague purpose")
            + f", aged {age}"
        )
        out.append(fail("PMI-04", why, ev4))
    else:
        out.append(passed("PMI-04", "departure profile not flagged", ev4))
    return out


@rule("PMI-05", "PMI-07")
def contract_rules(inp: RuleInput) -> list[Finding]:
    c = {k.lower(): v for k, v in inp.context.contract.items()}
    if not c:
        reason = "no work contract data entered"
        return [skipped("PMI-05", reason), skipped("PMI-07", reason)]
    out: list[Finding] = []
    problems: list[str] = []
    pp = inp.first(*PASSPORT_KINDS)
    if pp is not None:
        _, p = pp
        name = passport_name(p)
        if name and c.get("worker_name") and not compare_indonesian(name, c["worker_name"]).same:
            problems.append(f"worker name {c['worker_name']} ≠ passport {name}")
        pb, cb = parse_date(p.value("birth_date")), parse_date(c.get("worker_birth_date"))
        if pb and cb and pb != cb:
            problems.append(f"worker birth date {cb} ≠ passport {pb}")
        pn, cn = p.value("document_number"), c.get("passport_number")
        if pn and cn and pn.replace(" ", "").upper() != cn.replace(" ", "").upper():
            problems.append(f"passport number {cn} ≠ {pn}")
    missing = [e for e in CONTRACT_ELEMENTS if not (c.get(e) or "").strip()]
    if missing:
        problems.append("missing elements: " + ", ".join(missing))
    ev: JsonDict = {"problems": problems, "passport_compared": pp is not None}
    out.append(
        fail("PMI-05", "; ".join(problems), ev)
        if problems
        else passed("PMI-05", "contract complete and matching", ev)
    )
    flags = [
        k
        for k in ("placement_fee_charged", "wage_deduction")
        if (c.get(k) or "").strip().lower() in ("yes", "ya", "true", "1")
    ]
    known = [k for k in ("placement_fee_charged", "wage_deduction") if c.get(k)]
    if not known:
        out.append(
            skipped(
                "PMI-07", "contract cost terms not entered (placement_fee_charged, wage_deduction)"
            )
        )
    elif flags:
        out.append(fail("PMI-07", "worker charged: " + ", ".join(flags), {"flags": flags}))
    else:
        out.append(passed("PMI-07", "no placement cost charged to the worker", {"checked": known}))
    return out


@rule("PMI-06")
def consent_rule(inp: RuleInput) -> list[Finding]:
    c = {k.lower(): v for k, v in inp.context.contract.items()}
    signer, relation = c.get("consent_signer_name"), (c.get("consent_relation") or "").upper()
    if not signer or not relation:
        return [skipped("PMI-06", "consent letter signer and relation not entered")]
    kks = inp.of_kind(DocumentKind.IDN_KK)
    if not kks:
        return [skipped("PMI-06", "no KK to find the consent signer on")]
    wanted = {"ORANG TUA": ("KEPALA KELUARGA", "ISTRI", "SUAMI", "ORANG TUA"), "SUAMI": ("SUAMI", "KEPALA KELUARGA"),
              "ISTRI": ("ISTRI",), "WALI": ("KEPALA KELUARGA", "ORANG TUA", "FAMILI LAIN")}.get(relation, (relation,))  # fmt: skip
    for _, kk in kks:
        for row in kk_members(kk):
            if compare_indonesian(signer, row.get("full_name", "")).same:
                role = (row.get("relationship") or "").upper()
                ev: JsonDict = {"signer": signer, "relation": relation, "kk_role": role}
                if role in wanted:
                    return [passed("PMI-06", f"{signer} is {role} on the KK", ev)]
                return [
                    fail("PMI-06", f"{signer} is {role or 'listed'} on the KK, not {relation}", ev)
                ]
    return [fail("PMI-06", f"consent signer {signer} is not on the KK", {"signer": signer})]


@rule("PMI-08")
def ektkln_rule(inp: RuleInput) -> list[Finding]:
    # Deliberately always passes: the E-KTKLN/E-PMI card is not mandatory (BP2MI, 2023), so its
    # absence must never count against the traveller.
    return [passed("PMI-08", "E-KTKLN/E-PMI card not required")]


@rule("BUNDLE-01")
def one_person(inp: RuleInput) -> list[Finding]:
    people: list[tuple[int, str, Claim | None]] = []
    for i, doc in enumerate(inp.documents):
        name = _doc_name(doc)
        birth = _doc_birth(inp, i)
        # A name read as debris only ("DA") says nothing about who the document belongs to.
        if name and any(not mangled(t) for t in indonesian_tokens(name)):
            people.append((i, name, birth))
    if len(inp.documents) < 2:
        return [skipped("BUNDLE-01", "a single document")]
    if len(people) < 2:
        return [skipped("BUNDLE-01", "names not read on two documents")]
    strangers, unsure = [], []
    for (i, na, ca), (j, nb, cb) in itertools.combinations(people, 2):
        cmp = compare_indonesian(na, nb, inp.thresholds.name_max_edits)
        if cmp.shared or ca is None or cb is None or ca.date == cb.date:
            continue
        # Birth dates one character apart, one of them not read confidently: more likely one
        # person misread than two people (the names may be misread too).
        slip = date_slip(ca.date, cb.date, (claim_field(inp, ca), claim_field(inp, cb)),
                         inp.thresholds, "birth dates")  # fmt: skip
        pair = f"#{i} {na} ({ca.date}) / #{j} {nb} ({cb.date})"
        if slip is None:
            strangers.append(pair)
        else:
            unsure.append(f"{pair}: {slip}")
    ev: JsonDict = {"documents": [{"document": i, "name": n, "birth": c.date.isoformat() if c else None}
                                  for i, n, c in people]}  # fmt: skip
    if strangers:
        return [fail("BUNDLE-01", "; ".join(strangers), ev)]
    if unsure:
        return [skipped("BUNDLE-01", "; ".join(unsure), ev)]
    return [passed("BUNDLE-01", "names or birth dates connect the documents", ev)]


def _doc_name(doc: Document) -> str | None:
    if doc.kind in PASSPORT_KINDS or doc.kind in (DocumentKind.TD1_CARD, DocumentKind.VISA):
        return passport_name(doc)
    return doc.value("full_name")


def _doc_birth(inp: RuleInput, index: int) -> Claim | None:
    claims = [c for c in birth_claims(inp, include_nik=False) if c.document == index]
    return claims[0] if claims else None


@rule("ID-01", "ID-02")
def record_rules(inp: RuleInput) -> list[Finding]:
    rec = inp.records
    if rec is None:
        reason = "no case store configured (DOCSCREEN_DB_URL or --db)"
        return [skipped("ID-01", reason), skipped("ID-02", reason)]
    out: list[Finding] = []
    if rec.conflicts:
        c = rec.conflicts[0]
        ev: JsonDict = {"conflicts": [{"case_id": x.case_id, "identifier": x.identifier, "value": x.value,
                                       "record_name": x.record_name, "record_birth_date": x.record_birth_date}
                                      for x in rec.conflicts]}  # fmt: skip
        why = f"{c.identifier} {c.value} belongs to case {c.case_id} ({c.record_name}, {c.record_birth_date})"
        out.append(fail("ID-01", why, ev))
    else:
        out.append(
            passed("ID-01", "no record with the same NIK/passport number and another identity")
        )
    y = youngest(inp)
    close = []
    for m in rec.matches:
        if not m.alert:
            continue
        feats = m.features or {}
        dob_feat = feats.get("birth_date") if isinstance(feats.get("birth_date"), dict) else {}
        region_feat = feats.get("region") if isinstance(feats.get("region"), dict) else {}
        rdob = _year_of(
            str((dob_feat or {}).get("candidate") or feats.get("record_birth_date") or "")
        )
        if (
            y is not None
            and rdob is not None
            and abs(y.date.year - rdob) > inp.thresholds.record_max_dob_diff_years
        ):
            continue
        if (region_feat or {}).get("agreement") == "differ":
            continue
        close.append(m)
    ev2: JsonDict = {"matches": [m.to_dict() for m in rec.matches[:5]]}
    if close:
        out.append(
            fail("ID-02", f"resembles case {close[0].case_id} (score {close[0].score:.2f})", ev2)
        )
    else:
        out.append(passed("ID-02", "no close known-case record", ev2))
    return out


@rule("ID-03")
def parents_rule(inp: RuleInput) -> list[Finding]:
    c = {k.lower(): v for k, v in inp.context.contract.items()}
    kks = inp.of_kind(DocumentKind.IDN_KK)
    if not kks or not (c.get("father_name") or c.get("mother_name")):
        return [
            skipped(
                "ID-03",
                "needs the KK and parents' names from the birth certificate or passport application",
            )
        ]
    row = kk_row_of_traveller(inp, kks[0][1])
    if row is None:
        return [skipped("ID-03", "traveller's row not found on the KK")]
    diffs = []
    for key in ("father_name", "mother_name"):
        a, b = c.get(key), row.get(key)
        if a and b and not compare_indonesian(a, b).same:
            diffs.append(f"{key}: {a} / {b}")
    ev: JsonDict = {"differences": diffs}
    return [
        fail("ID-03", "; ".join(diffs), ev)
        if diffs
        else passed("ID-03", "parents' names agree", ev)
    ]


@rule("ID-04")
def physical_security(inp: RuleInput) -> list[Finding]:
    # Needs image forensics (Garuda emblem, photo overlay, signature); the pure rules have no pixels.
    signals = [
        (i, doc.quality.metrics)
        for i, doc in inp.of_kind(DocumentKind.IDN_KTP)
        if "ktp_security_score" in doc.quality.metrics
    ]
    if not signals:
        return [skipped("ID-04", "needs image-forensics signals for the KTP (not available)")]
    i, metrics = signals[0]
    score = metrics["ktp_security_score"]
    ev: JsonDict = {"document": i, "ktp_security_score": score}
    return [
        fail("ID-04", f"security-feature score {score:.2f}", ev)
        if score < 0.5
        else passed("ID-04", "security features present", ev)
    ]


def _year_of(text: str) -> int | None:
    d = parse_date(text)
    if d is not None:
        return d.year
    for token in text.replace(";", " ").replace("/", " ").split():
        if token[:4].isdigit() and 1900 <= int(token[:4]) <= 2100:
            return int(token[:4])
    return None
