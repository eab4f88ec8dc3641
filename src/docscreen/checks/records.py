"""Adapter between screening and the case store (``docscreen.cases``), kept small so screening works
when no store is configured or the cases package is unavailable."""

from __future__ import annotations

import logging
from typing import Any

from docscreen.checks.context import PASSPORT_KINDS, IdentityConflict, RecordEvidence, RuleInput
from docscreen.checks.traveller import birth_claims, ktp_nik, passport_name, passport_sex
from docscreen.models import Document, DocumentKind, Match

log = logging.getLogger(__name__)


def traveller_query(documents: tuple[Document, ...]) -> dict[str, str | None] | None:
    """Name, birth date, sex, nationality, NIK and passport number of the traveller, or None."""
    inp = RuleInput(documents)
    pp = inp.first(*PASSPORT_KINDS)
    ktp = inp.first(DocumentKind.IDN_KTP)
    name = passport_name(pp[1]) if pp else None
    if not name and ktp:
        name = ktp[1].value("full_name")
    if not name:
        return None
    claims = birth_claims(inp, include_nik=False)
    dobs = sorted({c.date.isoformat() for c in claims})
    nik = ktp_nik(ktp[1]) if ktp else None
    nationality = None
    if pp is not None:
        nationality = (
            "IDN" if pp[1].kind is DocumentKind.IDN_PASSPORT else pp[1].value("nationality")
        )
    elif ktp is not None:
        nationality = "IDN"
    return {
        "name": name,
        "dob": ";".join(dobs) or None,
        "sex": passport_sex(pp[1]) if pp else None,
        "nationality": nationality,
        "nik": nik.nik if nik else None,
        "passport_number": pp[1].value("document_number") if pp else None,
    }


def case_evidence(documents: tuple[Document, ...], store: Any) -> RecordEvidence | None:
    """Matches and identifier conflicts for the traveller, or None without a usable store."""
    if store is None:
        return None
    try:
        from docscreen.cases.match import match_person
    except ImportError:  # the cases package is optional for screening
        log.warning("docscreen.cases is not available: record rules not performed")
        return None
    if isinstance(store, str):
        from docscreen.cases.store import CaseStore

        store = CaseStore(store)
    query = traveller_query(documents)
    if query is None:
        return RecordEvidence()
    matches: list[Match] = match_person(
        store,
        query["name"] or "",
        dob=query["dob"],
        sex=query["sex"],
        nationality=query["nationality"],
        nik=query["nik"],
        passport_number=query["passport_number"],
    )
    conflicts = []
    for m in matches:
        feats = m.features or {}
        if feats.get("identifier_conflict"):
            ident = feats.get("identifier") or {}
            name_feat = feats.get("name") or {}
            dob_feat = feats.get("birth_date") or {}
            conflicts.append(
                IdentityConflict(
                    case_id=m.case_id,
                    identifier=str(ident.get("kind", "identifier")),
                    value=str(ident.get("value", "")),
                    record_name=name_feat.get("matched_name"),
                    record_birth_date=dob_feat.get("candidate"),
                )
            )
    return RecordEvidence(conflicts=tuple(conflicts), matches=tuple(matches))
