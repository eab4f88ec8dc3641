"""Words into rows, and printed labels found in rows by fuzzy matching.

Tesseract's own line numbering splits a form row into pieces (sparse mode) or merges columns, so
rows are rebuilt from the word boxes: words whose vertical centres sit within half a word height
of each other share a row.  Labels are matched on the row's text with a fuzzy alignment, so
``Tempat/Tgl Lahir`` still matches when it is read as ``Tempat/TglLahir`` or ``Ternpat/Tgl Lahir``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from docscreen.models import Box
from docscreen.ocr.engine import Word


@dataclass(frozen=True)
class Row:
    words: tuple[Word, ...]  # left to right

    @property
    def top(self) -> int:
        return min(w.box[1] for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.y2 for w in self.words)

    @property
    def height(self) -> float:
        hs = sorted(w.box[3] for w in self.words)
        return float(hs[len(hs) // 2])

    @property
    def cy(self) -> float:
        return sum(w.cy for w in self.words) / len(self.words)

    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class LabelHit:
    """Where a label was found: its row, the words it spans, and how well it matched (0..1)."""

    row: int
    start: int  # first word index in the row
    end: int  # one past the last word index
    score: float
    x0: int
    x1: int
    phrase: str


def group_rows(words: Sequence[Word]) -> list[Row]:
    """Cluster words into rows by vertical centre, each row sorted left to right."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.cy):
        placed = False
        for row in reversed(rows[-3:]):
            ref = sorted(x.box[3] for x in row)[len(row) // 2]
            rcy = sum(x.cy for x in row) / len(row)
            if abs(w.cy - rcy) <= 0.5 * max(ref, min(w.box[3], 2 * ref)):
                row.append(w)
                placed = True
                break
        if not placed:
            rows.append([w])
    return [Row(tuple(sorted(r, key=lambda w: w.box[0]))) for r in rows]


def clean(text: str) -> str:
    """Upper case letters, digits and slashes only, for matching labels."""
    return re.sub(r"[^A-Z0-9/]", "", text.upper())


def find_label(
    rows: Sequence[Row], phrases: Sequence[str], *, min_score: float = 0.8
) -> list[LabelHit]:
    """Every place one of ``phrases`` appears as a run of whole words in a row (best first)."""
    hits: list[LabelHit] = []
    targets = [clean(p) for p in phrases]
    for ri, row in enumerate(rows):
        toks = [clean(w.text) for w in row.words]
        n = len(toks)
        for i in range(n):
            if not toks[i]:
                continue
            acc = ""
            for j in range(i, min(n, i + 10)):
                acc += toks[j]
                for phrase, target in zip(phrases, targets, strict=True):
                    if not target or len(acc) > len(target) + 4:
                        continue
                    s = fuzz.ratio(acc, target) / 100.0
                    if s >= min_score:
                        hits.append(
                            LabelHit(ri, i, j + 1, s, row.words[i].box[0], row.words[j].x2, phrase)
                        )
    # Fullest caption first: "Kantor yang Mengeluarkan / Issuing Office" over "Issuing Office".
    hits.sort(key=lambda h: -h.score * len(clean(h.phrase)))
    # Drop hits overlapping a better one in the same row.
    kept: list[LabelHit] = []
    for h in hits:
        if any(k.row == h.row and k.start < h.end and h.start < k.end for k in kept):
            continue
        kept.append(h)
    return kept


def union_box(words: Sequence[Word]) -> Box | None:
    if not words:
        return None
    x0 = min(w.box[0] for w in words)
    y0 = min(w.box[1] for w in words)
    x1 = max(w.x2 for w in words)
    y1 = max(w.y2 for w in words)
    return (x0, y0, x1 - x0, y1 - y0)


def mean_confidence(words: Sequence[Word]) -> float:
    if not words:
        return 0.0
    return sum(w.confidence for w in words) / len(words)
