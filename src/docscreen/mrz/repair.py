"""Repair OCR confusions in MRZ text, by field alphabet and check digits.

Two kinds of change, each reported as a :class:`~docscreen.models.Repair`:

* alphabet repairs: a character that cannot stand where it was read (a letter in a date, a digit
  in a name, a non-MRZ character, a lone 'K' inside a run of fillers) is replaced by its look-alike
  in the field's alphabet, or by the recogniser's best candidate that fits;
* check-digit-guided repairs: where a check digit fails, a bounded search tries the recogniser's
  alternatives for characters it was *unsure* of (top probability low, or a runner-up close), and
  keeps the cheapest combination that makes the digit right, only when that combination is unique.

Characters read confidently are never changed to satisfy a check digit: an MRZ printed with wrong
check digits stays wrong, because that is evidence about the document, not an OCR error.  Lines of
the wrong length (OCR collapses or doubles '<' in filler runs) are re-padded or trimmed inside
filler runs, choosing the run that makes the most check digits right.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from docscreen.models import Repair
from docscreen.mrz import countries
from docscreen.mrz.formats import (
    FRENCH_NATIONAL_ID,
    MRZ_ALPHABET,
    TD2,
    FieldKind,
    MrzFormat,
    get_format,
    layout_for,
)
from docscreen.mrz.parse import check_ok, check_positions

CharCandidates = Sequence[tuple[str, float]] | None
"""The recogniser's ranked ``(character, probability)`` list for one column (None: unknown)."""

LineCandidates = Sequence[CharCandidates] | None

# --- thresholds (named so that benchmarks can report them) -------------------------------------
MIN_CONFIDENT_PROB = 0.85
"""A character read with a top probability below this is ambiguous (its alternatives may be used)."""
CLOSE_RATIO = 0.35
"""A character is also ambiguous when a runner-up has at least this fraction of its probability."""
MIN_ALTERNATIVE_PROB = 0.01
"""Candidates less probable than this are never considered."""
MAX_CHANGES_PER_CHECK = 2
"""At most this many confidently-allowed characters are changed to satisfy one check digit."""
MAX_SEARCH_EVALUATIONS = 20_000
"""Bound on check-digit evaluations per check; a search that would need more changes nothing."""
MAX_LENGTH_FIX = 3
"""A line at most this many characters too long or short is re-padded/trimmed in filler runs."""
MAX_LENGTH_OPTIONS = 40
"""At most this many ways of re-padding the lines are compared."""
LOOKALIKE_COST = 1.0
"""Cost of a look-alike substitution that the recogniser did not itself propose."""
SOFT_CHANGE_COST = 0.1
"""Extra cost of changing a character that is allowed where it stands (prefer fewer changes)."""

FILLER_CONFUSABLES = frozenset("KSECL")
"""Letters OCR engines read for a '<' (in OCR-B the chevron looks like K, S, E, C, L fragments)."""

# Look-alikes in the order tried.  Kept to shapes that OCR-B glyphs really share.
LETTER_TO_DIGITS: dict[str, str] = {
    "O": "0",
    "Q": "0",
    "D": "0",
    "U": "0",
    "I": "1",
    "L": "1",
    "J": "1",
    "Z": "27",
    "S": "5",
    "B": "83",
    "G": "6",
    "A": "4",
    "T": "71",
}
DIGIT_TO_LETTERS: dict[str, str] = {
    "0": "ODQ",
    "1": "IL",
    "2": "Z",
    "4": "A",
    "5": "S",
    "6": "G",
    "7": "T",
    "8": "B",
}
SEX_LOOKALIKES: dict[str, str] = {"H": "M", "N": "M", "W": "M", "E": "F", "P": "F", "R": "F"}
JUNK_TO_MRZ: dict[str, str] = {
    "«": "<",
    "‹": "<",
    "≤": "<",
    "(": "<",
    "{": "<",
    "[": "<",
    "|": "1I",
    "$": "S5",
}

_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_SEX = frozenset("MFX<")


@dataclass(frozen=True)
class RepairResult:
    """Repaired lines, every change made, and the format the lines were repaired as."""

    lines: tuple[str, ...]
    repairs: tuple[Repair, ...]
    format: str | None


@dataclass
class _Cell:
    read: str  # the character in the (length-fixed) line
    orig: int | None  # its column in the given line; None for an inserted filler
    alts: list[tuple[str, float]] = field(default_factory=list)  # (char, cost), best first
    forced: bool = False  # ``read`` cannot stand here: one of ``alts`` must be used
    value: str = ""  # current choice
    reason: str = ""


@dataclass(frozen=True)
class _Outcome:
    lines: tuple[str, ...]
    repairs: tuple[Repair, ...]
    score: tuple[int, float, float]


# --- alphabets ----------------------------------------------------------------------------------


def _alphabet(kind: FieldKind, fmt: MrzFormat, line: int, column: int) -> frozenset[str]:
    if kind == "doctype":
        # The second character is the issuer's choice (US passport cards print "C1").
        first = column == fmt.field("document_type").start
        return _LETTERS if first else frozenset(MRZ_ALPHABET)
    if kind in ("country", "name"):
        return _LETTERS | {"<"}
    if kind == "numeric":
        spec = fmt.field_at(line, column)
        # Only a birth date may hold fillers (unknown day or month).
        return _DIGITS | {"<"} if spec is not None and spec.name == "birth_date" else _DIGITS
    if kind == "sex":
        return _SEX
    if kind == "check":
        check = fmt.check_at(line, column)
        return _DIGITS if check is not None and check.name == "composite" else _DIGITS | {"<"}
    return frozenset(MRZ_ALPHABET)


def _lookalikes(ch: str, alphabet: frozenset[str]) -> list[str]:
    options = JUNK_TO_MRZ.get(ch, "") + LETTER_TO_DIGITS.get(ch, "") + DIGIT_TO_LETTERS.get(ch, "")
    if alphabet == _SEX:
        options += SEX_LOOKALIKES.get(ch, "")
    if ch in FILLER_CONFUSABLES:
        options += "<"
    return [c for i, c in enumerate(options) if c in alphabet and c not in options[:i]]


# --- candidates ---------------------------------------------------------------------------------


def _probs(cands: CharCandidates) -> list[tuple[str, float]]:
    if not cands:
        return []
    return [(c.upper(), p) for c, p in cands if p >= MIN_ALTERNATIVE_PROB and len(c) == 1]


def _ambiguous(read: str, probs: list[tuple[str, float]]) -> bool:
    if not probs:
        return False
    p_read = next((p for c, p in probs if c == read), 0.0)
    if p_read < MIN_CONFIDENT_PROB:
        return True
    return any(c != read and p >= p_read * CLOSE_RATIO for c, p in probs)


def _build_cell(
    read: str,
    orig: int | None,
    alphabet: frozenset[str],
    probs: list[tuple[str, float]],
) -> _Cell:
    cell = _Cell(read, orig, value=read)
    if read not in alphabet:
        cell.forced = True
        best = max((p for c, p in probs if c in alphabet), default=0.0)
        for c, p in probs:
            if c in alphabet and all(c != a for a, _ in cell.alts):
                cell.alts.append((c, math.log(best / p)))
        for rank, c in enumerate(_lookalikes(read, alphabet)):
            if all(c != a for a, _ in cell.alts):
                cell.alts.append((c, (LOOKALIKE_COST if probs else 0.0) + rank))
        if cell.alts:
            cell.value = cell.alts[0][0]
        cell.reason = "alphabet"
        return cell
    cell.alts.append((read, 0.0))
    if _ambiguous(read, probs):
        p_read = next((p for c, p in probs if c == read), probs[0][1])
        for c, p in probs:
            if c != read and c in alphabet and all(c != a for a, _ in cell.alts):
                cell.alts.append((c, max(math.log(p_read / p), 0.0) + SOFT_CHANGE_COST))
    return cell


# --- context rules ------------------------------------------------------------------------------


def _filler_context(cells: list[_Cell], start: int, end: int, *, name: bool) -> list[int]:
    """Columns in [start, end) whose letter sits inside a trailing run of fillers.

    ICAO data is left-aligned in its field and padded with '<', so a K/S/E/C/L with a run of
    fillers on its left and nothing but fillers (or more such letters) to the field's end is a
    misread filler.  In a name field the run on the left must be at least three long, because
    "SMITH<<K" is a legitimate one-letter given name, unless the recogniser itself offered '<'
    for that letter (then one filler on the left is enough).
    """
    values = [c.value for c in cells]
    out: list[int] = []
    col = start
    while col < end:
        if values[col] not in FILLER_CONFUSABLES:
            col += 1
            continue
        group_end = col
        while group_end < end and values[group_end] in FILLER_CONFUSABLES:
            group_end += 1
        right = values[group_end:end]
        right_ok = all(v in FILLER_CONFUSABLES or v == "<" for v in right)
        left = 0
        while col - left - 1 >= start and values[col - left - 1] == "<":
            left += 1
        unsure = all(any(a == "<" for a, _ in cells[c].alts) for c in range(col, group_end))
        min_left = (1 if unsure else 3) if name else (1 if unsure else 2)
        at_start = col == start and not name and right.count("<") >= 6
        if group_end - col <= 2 and right_ok and (left >= min_left or at_start):
            out.extend(range(col, group_end))
            # Later letters of the same run see these as the fillers they are.
            values[col:group_end] = ["<"] * (group_end - col)
        col = group_end
    return out


# --- the search ---------------------------------------------------------------------------------


def _search(
    fmt: MrzFormat,
    grid: list[list[_Cell]],
    positions: list[tuple[int, int]],
    check_name: str,
) -> dict[tuple[int, int], str] | None:
    """The unique cheapest assignment of the given cells that makes the check digit right."""
    spec = next(c for c in fmt.checks if c.name == check_name)
    soft = [p for p in positions if not grid[p[0]][p[1]].forced and len(grid[p[0]][p[1]].alts) > 1]
    forced = [p for p in positions if grid[p[0]][p[1]].forced and len(grid[p[0]][p[1]].alts) > 1]
    base = [[c.value for c in row] for row in grid]
    forced_options = [grid[r][c].alts for r, c in forced]
    best: tuple[float, dict[tuple[int, int], str]] | None = None
    tie = False
    evaluations = 0
    for k in range(MAX_CHANGES_PER_CHECK + 1):
        for chosen in itertools.combinations(soft, k):
            soft_options = [grid[r][c].alts[1:] for r, c in chosen]
            for soft_pick in itertools.product(*soft_options):
                for forced_pick in itertools.product(*forced_options):
                    evaluations += 1
                    if evaluations > MAX_SEARCH_EVALUATIONS:
                        return None
                    cost = sum(a[1] for a in soft_pick) + sum(a[1] for a in forced_pick)
                    if best is not None and cost > best[0] + 1e-9:
                        continue
                    assign = {p: a[0] for p, a in zip(chosen, soft_pick, strict=True)}
                    assign.update({p: a[0] for p, a in zip(forced, forced_pick, strict=True)})
                    trial = [row[:] for row in base]
                    for (r, c), ch in assign.items():
                        trial[r][c] = ch
                    if not check_ok(fmt, ["".join(row) for row in trial], spec):
                        continue
                    if best is not None and abs(cost - best[0]) <= 1e-9:
                        if assign != best[1]:
                            tie = True
                        continue
                    best, tie = (cost, assign), False
    if best is None or tie:
        return None
    return best[1]


def _repair_fixed(
    fmt: MrzFormat,
    rows: list[list[tuple[str, int | None]]],
    cands: Sequence[LineCandidates],
) -> _Outcome:
    grid: list[list[_Cell]] = []
    for i, row in enumerate(rows):
        line_cands = cands[i] if i < len(cands) else None
        cells: list[_Cell] = []
        for col, (ch, orig) in enumerate(row):
            fspec = fmt.field_at(i, col)
            kind: FieldKind = fspec.kind_at(col) if fspec is not None else "alnum"
            probs: list[tuple[str, float]] = []
            if line_cands is not None and orig is not None and orig < len(line_cands):
                probs = _probs(line_cands[orig])
            cells.append(_build_cell(ch, orig, _alphabet(kind, fmt, i, col), probs))
        grid.append(cells)

    covered = {name for spec in fmt.checks for name in spec.covers}
    # Fillers misread as letters: a 'K' weighs 20, invisible to 7-3-1 check digits (20 * w is 0
    # mod 10), so check digits cannot tell it from '<'; decide by context in every field.
    for f in fmt.fields:
        if f.kind not in ("alnum", "name"):
            continue
        cells = grid[f.line]
        for col in _filler_context(cells, f.start, f.end, name=f.kind == "name"):
            cell = cells[col]
            if f.name not in covered or cell.value == "K" or f.kind == "name":
                cell.forced, cell.alts, cell.value, cell.reason = True, [("<", 0.0)], "<", "filler"
            elif all(a != "<" for a, _ in cell.alts):
                cell.alts.append(("<", SOFT_CHANGE_COST))

    locked: set[tuple[int, int]] = set()
    lines = _current(grid)
    for spec in fmt.checks:
        cells_of = [p for p in check_positions(fmt, lines, spec) if p not in locked]
        if not check_ok(fmt, lines, spec):
            assign = _search(fmt, grid, cells_of, spec.name)
            if assign:
                for (r, c), ch in assign.items():
                    cell = grid[r][c]
                    if cell.value != ch or cell.forced:
                        cell.reason = f"check_digit:{spec.name}"
                    cell.value = ch
                lines = _current(grid)
        if spec.name != "composite" and check_ok(fmt, lines, spec):
            locked.update(check_positions(fmt, lines, spec))

    _repair_codes(fmt, grid)
    lines = _current(grid)
    valid = sum(check_ok(fmt, lines, spec) for spec in fmt.checks)
    repairs: list[Repair] = []
    cost = 0.0
    for i, cells in enumerate(grid):
        for col, cell in enumerate(cells):
            if cell.orig is not None and cell.value != cell.read:
                repairs.append(Repair(i, col, cell.read, cell.value, cell.reason or "alphabet"))
                cost += next((c for a, c in cell.alts if a == cell.value), LOOKALIKE_COST)
    unfixable = sum(c.value not in MRZ_ALPHABET for cells in grid for c in cells)
    return _Outcome(lines, tuple(repairs), (valid, -float(unfixable), -cost))


def _current(grid: list[list[_Cell]]) -> tuple[str, ...]:
    return tuple("".join(c.value for c in cells) for cells in grid)


def _repair_codes(fmt: MrzFormat, grid: list[list[_Cell]]) -> None:
    """Country codes: only a change that yields a known code is kept (else the read stands)."""
    for f in fmt.fields:
        if f.kind != "country":
            continue
        cells = grid[f.line][f.start : f.end]
        current = "".join(c.value for c in cells)
        if countries.is_known(current):
            for cell in cells:
                if cell.value != cell.read:
                    cell.reason = "country_code"
            continue
        options = [[a for a, _ in c.alts] if c.alts else [c.read] for c in cells]
        found = {
            "".join(combo)
            for combo in itertools.product(*options)
            if countries.is_known("".join(combo))
            and sum(a != c.read for a, c in zip(combo, cells, strict=True)) <= 2
        }
        if len(found) == 1:
            code = found.pop()
            for cell, ch in zip(cells, code, strict=True):
                if cell.value != ch or cell.forced:
                    cell.reason = "country_code"
                cell.value = ch
        else:
            # An impossible character that maps to no known code is left as read: "132" printed
            # as a nationality is evidence, not a misread.
            for cell in cells:
                cell.value = cell.read


# --- line lengths -------------------------------------------------------------------------------


def _runs(line: str) -> list[tuple[int, int]]:
    """(start, length) of every run of fillers."""
    out: list[tuple[int, int]] = []
    pos = 0
    for ch, grp in itertools.groupby(line):
        length = len(list(grp))
        if ch == "<":
            out.append((pos, length))
        pos += length
    return out


Row = list[tuple[str, int | None]]


def _length_options(line: str, target: int) -> list[tuple[float, Row, list[Repair], str]]:
    """Ways to bring ``line`` to ``target`` columns by growing or shrinking filler runs."""
    base: Row = [(ch, i) for i, ch in enumerate(line)]
    delta = target - len(line)
    if delta == 0:
        return [(0.0, base, [], line)]
    if abs(delta) > MAX_LENGTH_FIX:
        return [(0.0, base, [], line)]
    runs = _runs(line)
    if delta < 0:
        runs = [r for r in runs if r[1] >= 2]
    options: dict[str, tuple[float, Row, list[Repair]]] = {}
    for combo in itertools.combinations_with_replacement(range(len(runs)), abs(delta)):
        counts = {k: combo.count(k) for k in set(combo)}
        if delta < 0 and any(runs[k][1] - n < 1 for k, n in counts.items()):
            continue
        row: Row = []
        changes: list[Repair] = []
        penalty = 0.0
        for k, (_, length) in enumerate(runs):
            n = counts.get(k, 0)
            if n:
                # Long (trailing) runs lose and gain fillers most; a run of one or two may be a
                # name separator, so touching it is expensive.
                penalty += n * (1.0 / length + (2.0 if length <= 2 else 0.0))
                penalty += 0.01 * (len(runs) - k)
        pos = 0
        for k, (start, length) in enumerate(runs):
            row.extend(base[pos:start])
            n = counts.get(k, 0)
            if delta > 0:
                row.extend(base[start : start + length])
                row.extend(("<", None) for _ in range(n))
            else:
                row.extend(base[start : start + length - n])
                changes.extend(
                    Repair(0, start + length - 1 - j, "<", "", "filler_removed") for j in range(n)
                )
            pos = start + length
        row.extend(base[pos:])
        text = "".join(ch for ch, _ in row)
        if delta > 0:
            changes = [
                Repair(0, col, "", "<", "filler_inserted")
                for col, (_, orig) in enumerate(row)
                if orig is None
            ]
        if text not in options or options[text][0] > penalty:
            options[text] = (penalty, row, changes)
    ranked = sorted(options.items(), key=lambda kv: kv[1][0])[:MAX_LENGTH_OPTIONS]
    if not ranked:
        return [(0.0, base, [], line)]
    return [(pen, row, ch, text) for text, (pen, row, ch) in ranked]


# --- format guess -------------------------------------------------------------------------------


def _guess_format(lines: Sequence[str]) -> str | None:
    if len(lines) == 3:
        return "TD1"
    if len(lines) != 2:
        return None
    mean = sum(len(line) for line in lines) / 2
    length = (
        44 if abs(mean - 44) <= MAX_LENGTH_FIX else 36 if abs(mean - 36) <= MAX_LENGTH_FIX else 0
    )
    first = lines[0][:1]
    first = (DIGIT_TO_LETTERS.get(first, first) or first)[0]
    name = layout_for(2, length, first) if length else None
    head = first + lines[0][1:5]
    head = head[:1] + "".join(DIGIT_TO_LETTERS.get(c, c)[0] for c in head[1:])
    if name == TD2 and head == "IDFRA" and not lines[1][10:13].isalpha():
        return FRENCH_NATIONAL_ID
    return name


# --- entry point --------------------------------------------------------------------------------


def _normalise(lines: Sequence[str]) -> tuple[list[str], list[Repair], list[list[int]]]:
    """Upper-case and drop whitespace; returns the lines, the changes and column maps."""
    out: list[str] = []
    repairs: list[Repair] = []
    maps: list[list[int]] = []
    for i, line in enumerate(lines):
        chars: list[str] = []
        cols: list[int] = []
        for j, ch in enumerate(line):
            if ch.isspace():
                repairs.append(Repair(i, j, ch, "", "whitespace_removed"))
                continue
            up = ch.upper() if len(ch.upper()) == 1 else ch
            if up != ch:
                repairs.append(Repair(i, len(chars), ch, up, "uppercase"))
            chars.append(up)
            cols.append(j)
        out.append("".join(chars))
        maps.append(cols)
    return out, repairs, maps


def repair_lines(
    lines: Sequence[str],
    candidates: Sequence[LineCandidates] | None = None,
) -> RepairResult:
    """Repair OCR'd MRZ lines; ``candidates[i][j]`` ranks alternatives for line i, column j.

    Returns the repaired lines, every change (line, column, read, used, reason) and the format
    they were repaired as (None when the lines fit no format and are returned as normalised).
    Columns of substitutions are in the repaired line; a removed filler gives its column in the
    line as given.
    """
    norm, pre_repairs, col_maps = _normalise(lines)
    name = _guess_format(norm)
    if name is None:
        return RepairResult(tuple(norm), tuple(pre_repairs), None)
    fmt = get_format(name)
    if len(norm) != fmt.line_count:
        return RepairResult(tuple(norm), tuple(pre_repairs), None)

    # Candidates are indexed by the columns of the lines as given; re-index them to the
    # normalised lines so that dropped whitespace does not shift them.
    cands: list[LineCandidates] = []
    for i in range(len(norm)):
        line_cands = candidates[i] if candidates is not None and i < len(candidates) else None
        if line_cands is None:
            cands.append(None)
        else:
            cands.append([line_cands[j] if j < len(line_cands) else None for j in col_maps[i]])

    per_line = [_length_options(line, fmt.line_length) for line in norm]
    # Spread the bound on compared combinations over the lines that need re-padding.
    wrong = sum(len(options) > 1 for options in per_line)
    keep = max(2, int(MAX_LENGTH_OPTIONS ** (1 / wrong))) if wrong else 1
    per_line = [options[:keep] for options in per_line]
    best: tuple[tuple[int, float, float, float], _Outcome, list[Repair]] | None = None
    combos = itertools.islice(itertools.product(*per_line), MAX_LENGTH_OPTIONS)
    for combo in combos:
        rows = [row for _, row, _, _ in combo]
        if any(len(row) != fmt.line_length for row in rows):
            outcome = _Outcome(tuple(text for *_, text in combo), (), (-1, 0.0, 0.0))
        else:
            outcome = _repair_fixed(fmt, rows, cands)
        penalty = sum(pen for pen, *_ in combo)
        score = (*outcome.score, -penalty)
        length_repairs = [
            Repair(i, r.column, r.read, r.used, r.reason)
            for i, (_, _, changes, _) in enumerate(combo)
            for r in changes
        ]
        if best is None or score > best[0]:
            best = (score, outcome, length_repairs)
    assert best is not None  # product of non-empty option lists
    _, outcome, length_repairs = best
    if any(len(line) != fmt.line_length for line in outcome.lines):
        return RepairResult(tuple(norm), tuple(pre_repairs), None)
    return RepairResult(
        outcome.lines,
        (*pre_repairs, *length_repairs, *outcome.repairs),
        fmt.name,
    )
