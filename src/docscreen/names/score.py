"""Compare two normalised names part by part and explain the result.

Name parts are aligned one to one (greedy on similarity, best pairs first); a part may also match
two adjacent parts of the other name written together (Amirhossein / Amir Hossein).  Each aligned
pair says why it matched: same spelling, a spelling rule (which one), an initial, a truncation or a
fuzzy similarity (rapidfuzz).  The name score combines how much of each name's weight is covered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from docscreen.models import JsonDict
from docscreen.names.normalise import (
    INITIAL,
    NAME,
    PATRONYMIC,
    NameToken,
    NormalisedName,
    korean_key,
)

# Below this similarity two parts are not aligned at all.
MIN_PART_SIMILARITY = 0.80
INITIAL_SIMILARITY = 0.80
TRUNCATION_SIMILARITY = 0.85
# Truncation (MRZ cut-off, short form Parlin/Parlindungan) needs this many characters in common.
MIN_TRUNCATION_PREFIX = 4
JOINED_SIMILARITY = 0.9
# Two parts with the same transliteration key (Husayn/Hussein, Omar/Umar, Al-Akhras/Akhras) or,
# for longer parts, the same consonants in the same order (Ahmad/Ahmed, Mahmoud/Mahmud).
TRANSLITERATION_SIMILARITY = 0.92
SKELETON_SIMILARITY = 0.88
MIN_SKELETON = 4
# Weight of the better-covered side: a query alias often drops middle names that the record has.
COVERAGE_MAX_WEIGHT = 0.35

Weigher = Callable[[NameToken], float]


@dataclass(frozen=True)
class PartMatch:
    query: str
    candidate: str
    similarity: float
    how: str  # exact | spelling | initial | truncation | fuzzy | joined
    rules: tuple[str, ...] = ()
    candidate_keys: tuple[str, ...] = ()  # spelling keys of the candidate part(s)

    def to_dict(self) -> JsonDict:
        out: JsonDict = {
            "query": self.query,
            "candidate": self.candidate,
            "similarity": round(self.similarity, 3),
            "how": self.how,
        }
        if self.rules:
            out["rules"] = list(self.rules)
        return out


@dataclass(frozen=True)
class NameComparison:
    score: float
    query_coverage: float
    candidate_coverage: float
    parts: tuple[PartMatch, ...] = ()
    unmatched_query: tuple[str, ...] = ()
    unmatched_candidate: tuple[str, ...] = ()
    rules: tuple[str, ...] = field(default=())  # name-level rules of both names (titles, ...)
    single_name: bool = False
    exact_single: bool = False  # single-part names whose parts are the same after spelling rules
    # Both names keep a full-weight part the other lacks and the two are unlike each other
    # (Belinda Prasetja / Belinda Hartati): a different part, not one left off one document.
    conflicting_parts: bool = False

    def to_dict(self) -> JsonDict:
        return {
            "score": round(self.score, 4),
            "query_coverage": round(self.query_coverage, 4),
            "candidate_coverage": round(self.candidate_coverage, 4),
            "parts": [p.to_dict() for p in self.parts],
            "unmatched_query": list(self.unmatched_query),
            "unmatched_candidate": list(self.unmatched_candidate),
            "rules": list(self.rules),
            "single_name": self.single_name,
            "conflicting_parts": self.conflicting_parts,
        }


def default_weight(token: NameToken) -> float:
    return token.weight


def part_similarity(
    a: NameToken, b: NameToken, korean: bool = False
) -> tuple[float, str, tuple[str, ...]]:
    """Similarity of two name parts in 0..1 with how it was reached and which rules fired.
    ``korean``: both names look Korean, so their parts are also compared by romanisation key."""
    if a.key == b.key:
        if a.text == b.text:
            return 1.0, "exact", ()
        return 1.0, "spelling", tuple(dict.fromkeys(a.rules + b.rules))
    if a.role == INITIAL or b.role == INITIAL:
        if a.text[:1] == b.text[:1] or a.key[:1] == b.key[:1]:
            return INITIAL_SIMILARITY, "initial", ()
        return 0.0, "none", ()
    sim = Levenshtein.normalized_similarity(a.key, b.key)
    # The Indonesian spelling rules can pull foreign names apart (GAGLOEV -> GAGLUV): the
    # written forms are compared too and the better similarity is kept.
    if a.text != a.key or b.text != b.key:
        sim = max(sim, Levenshtein.normalized_similarity(a.text, b.text))
    if sim < TRANSLITERATION_SIMILARITY and korean and korean_key(a.text) == korean_key(b.text):
        return TRANSLITERATION_SIMILARITY, "transliteration", ("korean",)
    if sim < TRANSLITERATION_SIMILARITY and a.sound and a.sound == b.sound:
        return (
            TRANSLITERATION_SIMILARITY,
            "transliteration",
            tuple(dict.fromkeys(a.sound_rules + b.sound_rules)),
        )
    if sim < SKELETON_SIMILARITY and _same_consonants(a.sound, b.sound):
        return SKELETON_SIMILARITY, "transliteration", ("consonants",)
    short, long_ = (a.key, b.key) if len(a.key) <= len(b.key) else (b.key, a.key)
    truncated = len(short) >= MIN_TRUNCATION_PREFIX and long_.startswith(short)
    if truncated and sim < TRUNCATION_SIMILARITY:
        return TRUNCATION_SIMILARITY, "truncation", ()
    return sim, "fuzzy", ()


_VOWELS = str.maketrans("", "", "AEIOU")


def _same_consonants(a: str, b: str) -> bool:
    """Same first letter, same consonants in the same order and the same last letter
    (AHMAD/AHMED, ADNUF/ADANOF, ALSEHRI/ALSHEHRI): the short vowels Arabic and Cyrillic do not
    write.  The last letter must agree, so the Indonesian gendered endings (Martana/Martani,
    Prasetya/Prasetyo) stay apart."""
    if not a or not b or a[0] != b[0] or a[-1] != b[-1]:
        return False
    ca = a[0] + a[1:].translate(_VOWELS)
    return len(ca) >= MIN_SKELETON and ca == b[0] + b[1:].translate(_VOWELS)


def compare_names(
    query: NormalisedName, candidate: NormalisedName, weigh: Weigher = default_weight
) -> NameComparison:
    """Align the parts of two names and score how well they cover each other."""
    qa = query.tokens
    cb = candidate.tokens
    if not qa or not cb:
        return NameComparison(0.0, 0.0, 0.0)
    pairs: list[tuple[float, int, int, str, tuple[str, ...]]] = []
    korean = query.korean and candidate.korean
    for i, a in enumerate(qa):
        for j, b in enumerate(cb):
            sim, how, rules = part_similarity(a, b, korean)
            if sim >= MIN_PART_SIMILARITY:
                pairs.append((sim, i, j, how, rules))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    q_sim: dict[int, float] = {}
    c_sim: dict[int, float] = {}
    parts: list[PartMatch] = []
    # Parts written together (Amirhossein / Amir Hossein) first, before "Amir" alone claims the
    # joined part as a truncation.
    _join_pass(qa, cb, q_sim, c_sim, parts, min_sim=JOINED_SIMILARITY)
    _join_pass(cb, qa, c_sim, q_sim, parts, swapped=True, min_sim=JOINED_SIMILARITY)
    for sim, i, j, how, rules in pairs:
        if i in q_sim or j in c_sim:
            continue
        q_sim[i] = sim
        c_sim[j] = sim
        parts.append(PartMatch(qa[i].text, cb[j].text, sim, how, rules, (cb[j].key,)))

    q_cov = _coverage(qa, q_sim, weigh)
    c_cov = _coverage(cb, c_sim, weigh)
    score = COVERAGE_MAX_WEIGHT * max(q_cov, c_cov) + (1 - COVERAGE_MAX_WEIGHT) * min(q_cov, c_cov)
    single = query.is_single or candidate.is_single
    exact_single = False
    if single:
        q_sig = {t.key for t in query.significant}
        c_sig = {t.key for t in candidate.significant}
        exact_single = bool(q_sig) and bool(q_sig & c_sig)
    conflicting = _conflicting(
        [t for k, t in enumerate(qa) if k not in q_sim],
        [t for k, t in enumerate(cb) if k not in c_sim],
    )
    return NameComparison(
        score=score,
        query_coverage=q_cov,
        candidate_coverage=c_cov,
        parts=tuple(parts),
        unmatched_query=tuple(t.text for k, t in enumerate(qa) if k not in q_sim),
        unmatched_candidate=tuple(t.text for k, t in enumerate(cb) if k not in c_sim),
        rules=tuple(dict.fromkeys(query.rules + candidate.rules)),
        single_name=single,
        exact_single=exact_single,
        conflicting_parts=conflicting,
    )


# Unaligned parts at least this similar may be a transliteration (Umar / Omar), not a conflict.
CONFLICT_MAX_SIMILARITY = 0.5


def _conflicting(q_left: list[NameToken], c_left: list[NameToken]) -> bool:
    qs = [t for t in q_left if t.role == NAME and t.weight >= 1.0]
    cs = [t for t in c_left if t.role == NAME and t.weight >= 1.0]
    if not qs or not cs:
        return False
    return all(
        Levenshtein.normalized_similarity(a.key, b.key) < CONFLICT_MAX_SIMILARITY
        for a in qs
        for b in cs
    )


def _join_pass(
    xs: tuple[NameToken, ...],
    ys: tuple[NameToken, ...],
    x_sim: dict[int, float],
    y_sim: dict[int, float],
    parts: list[PartMatch],
    swapped: bool = False,
    min_sim: float = 0.9,
) -> None:
    """Match one unaligned part of xs against two adjacent unaligned parts of ys written as one."""
    for i, x in enumerate(xs):
        if i in x_sim or len(x.key) < MIN_TRUNCATION_PREFIX:
            continue
        for j in range(len(ys) - 1):
            if j in y_sim or j + 1 in y_sim:
                continue
            joined = ys[j].key + ys[j + 1].key
            sim = max(
                Levenshtein.normalized_similarity(x.key, joined),
                Levenshtein.normalized_similarity(x.text, ys[j].text + ys[j + 1].text),
            )
            if sim >= min_sim:
                x_sim[i] = sim
                y_sim[j] = sim
                y_sim[j + 1] = sim
                both = f"{ys[j].text} {ys[j + 1].text}"
                q, c = (both, x.text) if swapped else (x.text, both)
                keys = (x.key,) if swapped else (ys[j].key, ys[j + 1].key)
                parts.append(PartMatch(q, c, sim, "joined", (), keys))
                break


def _coverage(tokens: tuple[NameToken, ...], sims: dict[int, float], weigh: Weigher) -> float:
    total = 0.0
    got = 0.0
    for k, t in enumerate(tokens):
        w = weigh(t)
        if k not in sims:
            # The father's-name tail after bin/binti is often left off one document.
            if t.role == PATRONYMIC:
                continue
            total += w
            continue
        total += w
        got += w * sims[k]
    return got / total if total > 0 else 0.0


def name_similarity(a: str, b: str) -> float:
    """Convenience: the name score of two raw names with the default weights."""
    from docscreen.names.normalise import normalise_name

    return compare_names(normalise_name(a), normalise_name(b)).score
