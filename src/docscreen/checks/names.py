"""Name comparison for the rules: ICAO 9303 transliteration (MRZ versus visual zone) and
Indonesian name normalisation (passport versus KTP/KK).

Explainable on purpose: every comparison returns which tokens matched how, so a finding can say
why two names were judged the same or different.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

# ICAO Doc 9303 part 3, section 6: transliteration of Latin-based national characters.  Where ICAO
# allows two spellings (Ä -> AE or A) both are generated; the MRZ may use either.
_TRANSLIT: dict[str, tuple[str, ...]] = {
    "Ä": ("AE", "A"), "Å": ("AA", "A"), "Æ": ("AE",), "Ö": ("OE", "O"), "Ø": ("OE", "O"),
    "Œ": ("OE",), "Ü": ("UE", "U", "UXX"), "Ñ": ("N", "NXX"), "ß": ("SS",), "Þ": ("TH",),
    "Ð": ("D",), "Đ": ("D",), "Ħ": ("H",), "I": ("I",), "İ": ("I",), "Ĳ": ("IJ",), "Ł": ("L",),
    "Ŀ": ("L",), "Ŋ": ("N",), "Ŧ": ("T",), "Ə": ("A", "E"), "Ǝ": ("E",),
}  # fmt: skip
_MAX_VARIANTS = 16


def _base_char(ch: str) -> str:
    """Strip the diacritic of a letter with no special ICAO rule (É -> E, Ğ -> G, Ș -> S)."""
    return unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode().upper()


def icao_variants(text: str) -> list[str]:
    """MRZ spellings of a printed name part (upper case, no separators), at most 16 variants."""
    options: list[tuple[str, ...]] = []
    for ch in text.upper():
        if ch in _TRANSLIT:
            options.append(_TRANSLIT[ch])
        elif "A" <= ch <= "Z" or "0" <= ch <= "9":
            options.append((ch,))
        elif ch in "'’`´":  # apostrophes are omitted (O'NEIL -> ONEIL)
            continue
        else:
            base = _base_char(ch)
            options.append((base if base.isalnum() else "",))
    out: list[str] = []
    for combo in itertools.product(*options):
        out.append("".join(combo))
        if len(out) >= _MAX_VARIANTS:
            break
    return out


def mrz_tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[<\s]+", text.upper()) if t]


def viz_tokens(text: str) -> list[str]:
    """Tokens of a printed name: hyphens, commas and spaces separate (ICAO: they become '<')."""
    return [t for t in re.split(r"[\s\-,./]+", text.upper()) if t]


@dataclass(frozen=True)
class NameComparison:
    same: bool
    pairs: tuple[tuple[str, str, str], ...] = ()  # (mrz/left token, viz/right token, how)
    unmatched_left: tuple[str, ...] = ()
    unmatched_right: tuple[str, ...] = ()
    shared: int = 0
    notes: tuple[str, ...] = field(default=())

    def explain(self) -> str:
        bits = [f"{a}={b} ({how})" for a, b, how in self.pairs]
        if self.unmatched_left:
            bits.append("unmatched: " + " ".join(self.unmatched_left))
        if self.unmatched_right:
            bits.append("extra: " + " ".join(self.unmatched_right))
        return "; ".join(bits + list(self.notes))


def _token_match(left: str, candidates: list[str], max_edits: int) -> str | None:
    """How ``left`` (MRZ token) matches one spelling of a printed token, or None."""
    for cand in candidates:
        if not cand:
            continue
        if left == cand:
            return "exact"
    for cand in candidates:
        if len(left) >= 2 and cand.startswith(left):
            return "truncated"
    for cand in candidates:
        if len(left) >= 3 and len(cand) >= 3 and Levenshtein.distance(left, cand) <= max_edits:
            return "one_edit"
    for cand in candidates:
        if cut_short(cand, left):
            return "printed_cut"
    return None


def cut_short(short: str, whole: str) -> bool:
    """``short`` is ``whole`` without its last letter, read from a print that lost it at the line
    end or in the card's background (PUT for PUTI, EL for ELI): a reading cut short, not another
    name."""
    return len(short) >= 2 and len(whole) == len(short) + 1 and whole.startswith(short)


def split_joined(tokens: list[str], other: list[str]) -> list[str]:
    """``tokens`` with each token that is two tokens of ``other`` run together (KANIRIYANTI for
    KANI RIYANTI, in either order) split back into them: a space the reader lost, the same
    letters, not another name."""
    out: list[str] = []
    for t in tokens:
        parts = next(
            ([a, b] for i, a in enumerate(other) for j, b in enumerate(other)
             if i != j and len(a) >= 2 and len(b) >= 2 and a + b == t),
            None,
        )  # fmt: skip
        out += parts if parts is not None else [t]
    return out


def compare_mrz_viz(
    mrz_names: list[str], viz_names: list[str], max_edits: int = 1
) -> NameComparison:
    """Every MRZ token must match a distinct printed token (transliterated, truncated, or within
    ``max_edits`` for OCR slips).  Printed tokens the MRZ leaves out are allowed: the MRZ drops
    patronymics and truncates long names (a genuine Azerbaijani specimen prints DIL in the MRZ for
    ADIL BƏKIR OĞLU)."""
    left = [t for t in mrz_names if t]
    right = [(t, icao_variants(t)) for t in split_joined([t for t in viz_names if t], left)]
    used: set[int] = set()
    pairs: list[tuple[str, str, str]] = []
    unmatched: list[str] = []
    for token in left:
        found = None
        for how_rank in ("exact", "truncated", "one_edit", "printed_cut"):
            for j, (raw, variants) in enumerate(right):
                if j in used:
                    continue
                how = _token_match(token, variants, max_edits)
                if how == how_rank:
                    found = (j, raw, how)
                    break
            if found:
                break
        if found is None:
            unmatched.append(token)
        else:
            used.add(found[0])
            pairs.append((token, found[1], found[2]))
    # OCR sometimes splits one printed word in two ("B KIADI" for BAKIADI): join neighbours.
    for token in list(unmatched):
        for j in range(len(right) - 1):
            if j in used or j + 1 in used:
                continue
            joined = right[j][0] + right[j + 1][0]
            if _token_match(token, icao_variants(joined), max_edits) is not None:
                used |= {j, j + 1}
                unmatched.remove(token)
                pairs.append((token, f"{right[j][0]} {right[j + 1][0]}", "joined"))
                break
    extra = tuple(raw for j, (raw, _) in enumerate(right) if j not in used)
    return NameComparison(
        same=bool(left) and not unmatched,
        pairs=tuple(pairs),
        unmatched_left=tuple(unmatched),
        unmatched_right=extra,
        shared=len(pairs),
    )


# --- Indonesian names -------------------------------------------------------------------------
# Titles and degrees that appear on KTP/KK but never in a passport (Permendagri 73/2022).
_PREFIX_TITLES = frozenset(
    {"H", "HJ", "HAJI", "HAJJAH", "DR", "DRS", "DRA", "IR", "PROF", "KH", "NY", "TN", "SDR", "SDRI"}
)
_DEGREE_RE = re.compile(
    r"^(S|M|A|D)\.?[A-Z]{0,4}\.?([A-Z]{0,4}\.?)?$|^(SH|SE|ST|SPD|SKOM|SSOS|STH|SKEP|SIP|SP|AMD|MM|MSI|MPD|MH|MT|MKOM|BSC|MBA|PHD)$"
)
_PATRONYMIC = frozenset({"BIN", "BINTI", "BT", "BN"})
# Old spellings (Van Ophuijsen / Soewandi) to the current ones; both sides are folded alike.
_SPELLING = (("OE", "U"), ("DJ", "J"), ("TJ", "C"), ("NJ", "NY"), ("SJ", "SY"), ("CH", "KH"))


def _fold_spelling(token: str) -> str:
    for old, new in _SPELLING:
        token = token.replace(old, new)
    return token


def indonesian_tokens(name: str) -> list[str]:
    """Name tokens without titles, degrees, punctuation and the bin/binti tail, spelling folded."""
    text = name.upper()
    if "," in text:  # degrees follow a comma on KTP/KK: "YOHANES NDUN, S.PD"
        text = text.split(",", 1)[0]
    raw = [t for t in re.split(r"[\s\-]+", text) if t]
    tokens: list[str] = []
    for tok in raw:
        bare = re.sub(r"[^A-Z]", "", tok)
        if not bare:
            continue
        if bare in _PATRONYMIC and tokens:
            break
        if not tokens and bare in _PREFIX_TITLES and len(raw) > 1:
            continue
        if "." in tok and _DEGREE_RE.match(tok) and tokens:
            continue
        tokens.append(_fold_spelling(bare))
    return tokens


def compare_indonesian(a: str, b: str, max_edits: int = 1) -> NameComparison:
    """Passport versus KTP/KK name: same after normalisation and reordering, one extra token allowed
    (a patronymic or a family name one document omits)."""
    left, right = indonesian_tokens(a), indonesian_tokens(b)
    left, right = split_joined(left, right), split_joined(right, left)
    if len(left) > len(right):
        left, right = right, left
    used: set[int] = set()
    pairs: list[tuple[str, str, str]] = []
    unmatched: list[str] = []
    for token in left:
        best: tuple[int, str] | None = None
        for j, cand in enumerate(right):
            if j in used:
                continue
            if token == cand:
                best = (j, "exact")
                break
            if (
                best is None
                and min(len(token), len(cand)) >= 4
                and Levenshtein.distance(token, cand) <= max_edits
            ):
                best = (j, "one_edit")
            elif best is None and (cut_short(token, cand) or cut_short(cand, token)):
                best = (j, "cut_short")
        if best is None:
            unmatched.append(token)
        else:
            used.add(best[0])
            pairs.append((token, right[best[0]], best[1]))
    paired = {right[j] for j in used}
    # A token the longer reading repeats (KANIAASTUTI KANIAASTUTI: the reader doubled it) is not
    # a name part of its own.
    extra = tuple(t for j, t in enumerate(right) if j not in used and t not in paired)
    same = bool(left) and not unmatched and len(extra) <= 1
    return NameComparison(
        same=same,
        pairs=tuple(pairs),
        unmatched_left=tuple(unmatched),
        unmatched_right=extra,
        shared=len(pairs),
    )
