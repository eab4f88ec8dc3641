"""Match a traveller against known-case records, with a reason for every point of the score.

Score = name score (part alignment, :mod:`docscreen.names.score`) adjusted by birth-date,
nationality, sex and region agreement.  A match alerts when the score reaches the threshold
(``DOCSCREEN_MATCH_THRESHOLD``, calibrated by ``benchmarks/names_quality.py``), except that a
single-word name never alerts without birth-date or nationality agreement.  The same NIK or passport
number is a match whatever the name; the same number under a different identity (name, birth date
or sex that disagree) is flagged ``identifier_conflict``, which screening reports as CRITICAL.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from docscreen import settings
from docscreen.cases.index import CandidateIndex, RecordView, normalise_query_nationality
from docscreen.cases.records import (
    BirthDate,
    normalise_document_number,
    parse_birth_date,
)
from docscreen.indonesia.nik import parse_nik
from docscreen.models import JsonDict, Match
from docscreen.names.normalise import NameToken, NormalisedName, normalise_name
from docscreen.names.score import NameComparison, compare_names

if TYPE_CHECKING:
    from docscreen.cases.store import CaseStore


@dataclass(frozen=True)
class MatchConfig:
    """Thresholds and score adjustments (defaults from settings; see benchmarks/RESULTS.md)."""

    threshold: float = field(default_factory=settings.MATCH_THRESHOLD.get)
    # A query with neither birth date nor nationality has its own calibration: with nothing but
    # the name, the score means something else.
    name_only_threshold: float = field(default_factory=settings.MATCH_NAME_ONLY_THRESHOLD.get)
    report_threshold: float = field(default_factory=settings.MATCH_REPORT_THRESHOLD.get)
    candidates: int = field(default_factory=settings.MATCH_CANDIDATES.get)
    max_results: int = 10
    # Birth-date agreement is graded by how easily two unrelated people agree that well: the
    # same day (1 in ~21,000 over sixty years) is strong evidence, the same month some, the same
    # year (1 in ~60) or a wider range none beyond what the name-frequency estimate makes of it.
    dob_exact: float = 0.25
    dob_month: float = 0.10
    dob_year: float = 0.0
    dob_overlap: float = 0.0  # a range (1973/1975) or alternatives wider than a year
    dob_conflict: float = -0.50
    nationality_agree: float = 0.04
    nationality_conflict: float = -0.06
    sex_conflict: float = -0.25
    region_agree: float = 0.02
    single_name: float = -0.10  # one word identifies less than a full name
    # Each name has a full-weight part the other lacks, and they are unlike: a different name part.
    name_conflict: float = 0.0
    # Name frequency: per factor of ten chance matches (other records that could carry the
    # matched name parts and a birth date agreeing as well) above the floor, the most taken.
    # Every traveller is compared with the whole store, so even a small chance per query adds up
    # to false alerts: with a birth date the penalty starts at 0.003 chance matches.  A query
    # with the name alone has nothing else to tell namesakes apart and its own threshold; there
    # the penalty starts at 0.03 (benchmarks/names_quality.py, calibration sets).
    homonym_per_decade: float = -0.50
    homonym_max: float = -0.70
    homonym_floor: float = 0.003
    homonym_floor_name_only: float = 0.03
    conflict_name_score: float = 0.75  # below this, a shared identifier is a different identity
    use_index_weights: bool = True


@dataclass(frozen=True)
class MatchQuery:
    name: str
    dob: str | None = None  # exact, month, year, range; alternatives separated by ";"
    sex: str | None = None
    nationality: tuple[str, ...] = ()
    nik: str | None = None
    passport_number: str | None = None
    region: str | None = None  # Kemendagri code; derived from the NIK when absent


@lru_cache(maxsize=50_000)
def parse_birth_dates(text: str | None) -> tuple[BirthDate, ...]:
    if not text:
        return ()
    out = []
    for part in text.split(";"):
        b = parse_birth_date(part)
        if b is not None:
            out.append(b)
    return tuple(out)


# Birth dates of travellers and records spread over about sixty years.
BIRTH_SPAN_DAYS = 60 * 365


def _dob_feature(query: tuple[BirthDate, ...], rec: RecordView, cfg: MatchConfig) -> JsonDict:
    cand = parse_birth_dates(rec.dob_text)
    if not query or not cand:
        return {
            "agreement": "unknown",
            "precision": None,
            "adjust": 0.0,
            "query": None,
            "candidate": rec.dob_text,
            "chance": 1.0,
        }
    best = "conflict"
    best_gap = 10**9
    width = BIRTH_SPAN_DAYS
    for q in query:
        for c in cand:
            if q.low <= c.high and c.low <= q.high:
                best_gap = 0
                if q.exact and c.exact:
                    best, width = "exact", 1
                elif best != "exact":
                    best = "overlap"
                    # The vaguer side decides how easily two dates agree by chance.
                    width = min(width, max((q.high - q.low).days, (c.high - c.low).days) + 1)
            else:
                gap = min(abs((q.low - c.high).days), abs((c.low - q.high).days))
                best_gap = min(best_gap, gap)
    if best == "conflict" and best_gap <= 31:
        best = "close"
    precision = None
    if best == "exact":
        precision, adjust = "day", cfg.dob_exact
    elif best == "overlap":
        if width <= 31:
            precision, adjust = "month", cfg.dob_month
        elif width <= 366:
            precision, adjust = "year", cfg.dob_year
        else:
            precision, adjust = "range", cfg.dob_overlap
    elif best == "close":
        adjust = 0.0
    else:
        adjust = cfg.dob_conflict
    # Chance that an unrelated person's birth date agrees this well (for the homonym estimate).
    chance = min(1.0, width / BIRTH_SPAN_DAYS) if best in ("exact", "overlap") else 1.0
    return {
        "agreement": best,
        "precision": precision,
        "adjust": adjust,
        "query": ";".join(q.text for q in query),
        "candidate": rec.dob_text,
        "chance": round(chance, 6),
    }


def _nationality_feature(query: tuple[str, ...], rec: RecordView, cfg: MatchConfig) -> JsonDict:
    if not query or not rec.nationality:
        return {"agreement": "unknown", "adjust": 0.0}
    if set(query) & set(rec.nationality):
        return {
            "agreement": "agree",
            "adjust": cfg.nationality_agree,
            "candidate": list(rec.nationality),
        }
    return {
        "agreement": "conflict",
        "adjust": cfg.nationality_conflict,
        "candidate": list(rec.nationality),
    }


def _sex_feature(query: str | None, rec: RecordView, cfg: MatchConfig) -> JsonDict:
    if query not in ("M", "F") or rec.sex not in ("M", "F"):
        return {"agreement": "unknown", "adjust": 0.0}
    if query == rec.sex:
        return {"agreement": "agree", "adjust": 0.0}
    return {"agreement": "conflict", "adjust": cfg.sex_conflict, "candidate": rec.sex}


def _region_feature(query: str | None, rec: RecordView, cfg: MatchConfig) -> JsonDict:
    if not query or not rec.region or not rec.region[:4].isdigit():
        return {"agreement": "unknown", "adjust": 0.0}
    # Regency level (4 digits): NTT regencies split since 1999 keep old codes in old NIKs, so a
    # district-level disagreement is not evidence against a match.
    if rec.region[:4] == query[:4]:
        return {"agreement": "agree", "adjust": cfg.region_agree, "candidate": rec.region}
    return {"agreement": "differ", "adjust": 0.0, "candidate": rec.region}


EXACT_NAME_SCORE = 0.999
# Below this many names, part frequencies say nothing about the population.
MIN_ENTRIES_FOR_FREQUENCY = 1000


class Matcher:
    """Scores a query against the records of one index snapshot."""

    def __init__(self, index: CandidateIndex, config: MatchConfig | None = None) -> None:
        self.index = index
        self.config = config or MatchConfig()

    def _weigh(self, token: NameToken) -> float:
        if not self.config.use_index_weights:
            return token.weight
        return token.weight * self.index.token_weight(token.key)

    def _best_name(
        self, qn: NormalisedName, entries: list[int]
    ) -> tuple[NameComparison, str, int] | None:
        best: tuple[NameComparison, str, int] | None = None
        for e in entries:
            cand_name = self.index.entry_names[e]
            comp = compare_names(qn, normalise_name(cand_name), self._weigh)
            if best is None or comp.score > best[0].score:
                best = (comp, cand_name, e)
        return best

    def _frequency(
        self, comp: NameComparison, entry: int, dob_chance: float, name_only: bool = False
    ) -> JsonDict:
        """How many records could carry the matched name parts, and a birth date agreeing as
        well, by chance: a common name needs a precise birth date to mean anything."""
        idx = self.index
        # Counted in records (people), not names: a record's own aliases (HAMMAMI, Omar / HAMMAMI,
        # Umar) are not other people sharing the name.
        n = max(idx.n_records, 1)
        expected = float(n)
        for part in comp.parts:
            if part.how == "initial":
                continue
            for key in part.candidate_keys:
                # Other records with this part (the candidate's own record does not count).
                expected *= max(idx.token_rf.get(key, 1) - 1, 0) / n
        if not comp.parts or idx.n_entries < MIN_ENTRIES_FOR_FREQUENCY:
            expected = 0.0
        if comp.score >= EXACT_NAME_SCORE:
            # Independence underestimates common combinations (Yosef Da Costa): count the other
            # records that carry exactly this name.
            expected = max(expected, float(idx.homonyms(entry) - 1))
        # Penalised from homonym_floor chance carriers on: a store of 100,000 records is
        # searched for every traveller, so even a small chance per query adds up to false alerts.
        expected = max(expected, 0.0)
        chance = expected * dob_chance
        floor = self.config.homonym_floor_name_only if name_only else self.config.homonym_floor
        adjust = max(
            self.config.homonym_max,
            min(0.0, self.config.homonym_per_decade * math.log10(max(chance / floor, 1.0))),
        )
        return {
            "expected_homonyms": round(expected, 2),
            "chance_matches": round(chance, 4),
            "adjust": round(adjust, 4),
        }

    def match(
        self, query: MatchQuery, exclude_entries: frozenset[int] = frozenset()
    ) -> list[Match]:
        cfg = self.config
        idx = self.index
        qn = normalise_name(query.name)
        q_dob = parse_birth_dates(query.dob)
        q_nat = normalise_query_nationality(query.nationality)
        q_sex = (query.sex or "").upper() or None
        q_region = query.region
        nik = (query.nik or "").strip() or None
        if q_region is None and nik:
            parts = parse_nik(nik)
            q_region = parts.district if parts else None
        name_only = not (q_dob or q_nat)
        threshold = cfg.name_only_threshold if name_only else cfg.threshold

        per_record: dict[int, list[int]] = {}
        for e in idx.candidates(qn, cfg.candidates, exclude_entries):
            per_record.setdefault(int(idx.entry_record[e]), []).append(int(e))
        id_hits: dict[int, tuple[str, str]] = {}
        if nik:
            for r in idx.records_by_identifier("nik", nik):
                id_hits[r] = ("nik", nik)
        if query.passport_number:
            pn = normalise_document_number(query.passport_number)
            for r in idx.records_by_identifier("passport", pn):
                id_hits.setdefault(r, ("passport", pn))
        for r in id_hits:
            per_record[r] = [e for e in idx.entries_of(r) if e not in exclude_entries]

        out: list[Match] = []
        for r, entries in per_record.items():
            best = self._best_name(qn, entries)
            if best is None:
                continue
            comp, matched, entry = best
            rec = idx.record(r)
            dob = _dob_feature(q_dob, rec, cfg)
            common = self._frequency(comp, entry, dob["chance"], name_only)
            nat = _nationality_feature(q_nat, rec, cfg)
            sex = _sex_feature(q_sex, rec, cfg)
            region = _region_feature(q_region, rec, cfg)
            adjust = (
                dob["adjust"] + nat["adjust"] + sex["adjust"] + region["adjust"] + common["adjust"]
            )
            if comp.single_name:
                adjust += cfg.single_name
            if comp.conflicting_parts:
                adjust += cfg.name_conflict
            score = min(1.0, max(0.0, comp.score + adjust))
            # Stricter than "date or nationality": most travellers share the record's
            # nationality, so for a one-word name only the birth date is evidence.
            supported = dob["agreement"] in ("exact", "overlap")
            single_ok = not comp.single_name or (comp.exact_single and supported)
            alert = score >= threshold and single_ok
            ident: JsonDict | None = None
            conflict = False
            if r in id_hits:
                kind, value = id_hits[r]
                conflict = (
                    comp.score < cfg.conflict_name_score
                    or dob["agreement"] == "conflict"
                    or sex["agreement"] == "conflict"
                )
                ident = {"kind": kind, "value": value, "same_number": True}
                score = 1.0
                alert = True
            elif score < cfg.report_threshold:
                continue
            features: dict[str, Any] = {
                "name": {**comp.to_dict(), "matched_name": matched, "query_name": query.name},
                "birth_date": dob,
                "nationality": nat,
                "sex": sex,
                "region": region,
                "name_frequency": common,
                "single_name": comp.single_name,
                "single_name_blocked": not single_ok and r not in id_hits,
                "identifier": ident,
                "identifier_conflict": conflict,
                "threshold": threshold,
            }
            out.append(Match(rec.case_id, round(score, 4), rec.role, alert, features))
        out.sort(key=lambda m: (-m.score, m.case_id))
        return out[: cfg.max_results]


def match_person(
    store_or_index: CaseStore | CandidateIndex | Matcher,
    name: str,
    dob: str | dt.date | None = None,
    sex: str | None = None,
    nationality: str | None = None,
    nik: str | None = None,
    passport_number: str | None = None,
) -> list[Match]:
    """What screening calls: ranked matches for one traveller (best first).

    ``dob`` may be a date or text (exact, month, year or range).  A match whose features have
    ``identifier_conflict`` True shares a NIK or passport number with a record of another identity.
    """
    if isinstance(store_or_index, Matcher):
        matcher = store_or_index
    elif isinstance(store_or_index, CandidateIndex):
        matcher = Matcher(store_or_index)
    else:
        matcher = Matcher(store_or_index.index())
    query = MatchQuery(
        name=name,
        dob=dob.isoformat() if isinstance(dob, dt.date) else dob,
        sex=sex,
        nationality=(nationality,) if nationality else (),
        nik=nik,
        passport_number=passport_number,
    )
    return matcher.match(query)


def with_threshold(config: MatchConfig, threshold: float) -> MatchConfig:
    """The config with one threshold for every query (with or without birth date/nationality)."""
    return replace(config, threshold=threshold, name_only_threshold=threshold)
