"""The packaged Indonesian name rules: titles to strip, name parts to down-weight, connectors,
abbreviations, old-spelling rules, transliteration folds and given-name variant groups.

The rules are data (``docscreen/data/names/*.csv``) so an operator can read what the matcher does;
they are loaded once and cached.  The regular-expression degree patterns (S.Pd., M.Kes., A.Md.Kep.,
Sp.OG. ...) are open-ended families and live here as code.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "names"


@dataclass(frozen=True)
class Title:
    text: str  # as written on the card, e.g. "Hj." or "Ida Bagus"
    kind: str
    position: str  # prefix | suffix | infix
    action: str  # strip | low | connector | expand
    expands_to: str = ""


@dataclass(frozen=True)
class NameRules:
    prefix_titles: dict[tuple[str, ...], Title]  # upper-cased word sequence -> title
    suffix_titles: dict[str, Title]
    connectors: frozenset[str]
    orthography: tuple[tuple[str, str], ...]  # old -> new, longest first
    folds: tuple[tuple[str, str], ...]
    particles: frozenset[str]
    given: dict[str, str]  # variant -> canonical
    max_prefix_words: int


# Degree families written as initials after the name (Permenristekdikti 59/2018): Sarjana S.x,
# Magister M.x, Ahli Madya A.Md.x, specialist doctors Sp.x.  Only with their dots: a bare "S" or
# "M" is an initial.
DEGREE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^S\.[A-Z][A-Za-z.]*$", re.IGNORECASE),
    re.compile(r"^M\.[A-Z][A-Za-z.]*$", re.IGNORECASE),
    re.compile(r"^A\.Md\.?[A-Za-z.]*$", re.IGNORECASE),
    re.compile(r"^A\.[PM]\.?$", re.IGNORECASE),
    re.compile(r"^Sp\.[A-Z][A-Za-z.()]*$", re.IGNORECASE),
)

# Titles also recognised without their dots (OCR and data entry drop them).  Single letters are
# not: without the dot "H" or "R" is more often an initial than Haji or Raden.
_DOTLESS_MIN_LEN = 2


def _rows(name: str) -> list[list[str]]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [row for row in csv.reader(text.splitlines()) if row and not row[0].startswith("#")]


def _word_key(text: str) -> tuple[str, ...]:
    return tuple(text.upper().split())


@cache
def load_rules() -> NameRules:
    prefix: dict[tuple[str, ...], Title] = {}
    suffix: dict[str, Title] = {}
    connectors: set[str] = set()
    for row in _rows("titles.csv"):
        text, kind, position, action, expands = (row + [""] * 5)[:5]
        title = Title(text, kind, position, action, expands)
        variants = {text.upper()}
        bare = text.replace(".", "").upper()
        if len(bare) >= _DOTLESS_MIN_LEN:
            variants.add(bare)
        if action == "connector":
            connectors.update(variants)
            continue
        for v in variants:
            if position == "suffix":
                suffix[v] = title
            else:
                prefix[_word_key(v)] = title
    ortho: list[tuple[str, str]] = []
    folds: list[tuple[str, str]] = []
    particles: set[str] = set()
    given: dict[str, str] = {}
    for kind, src, dst in (tuple(([*r, "", ""])[:3]) for r in _rows("variants.csv")):
        if kind == "orthography":
            ortho.append((src, dst))
        elif kind == "fold":
            folds.append((src, dst))
        elif kind == "particle":
            particles.add(src)
        elif kind == "given":
            given[src] = dst
    ortho.sort(key=lambda p: -len(p[0]))
    return NameRules(
        prefix_titles=prefix,
        suffix_titles=suffix,
        connectors=frozenset(connectors),
        orthography=tuple(ortho),
        folds=tuple(folds),
        particles=frozenset(particles),
        given=given,
        max_prefix_words=max(len(k) for k in prefix),
    )


def is_degree(token: str) -> bool:
    """True for an academic degree written after the name (S.Pd., M.Kes., A.Md.Keb., Sp.OG.)."""
    return any(p.match(token) for p in DEGREE_PATTERNS)
