"""Second looks at fields the page pass read badly: one field's crop, OCR'd on its own.

The page pass (sparse text over the whole rectified document) loses lone characters ("P", "B+"),
drops a passport number's leading letter under glare, and splits or loses name tokens.  A crop of
one field, contrast-stretched, enlarged to the letter height tesseract likes and read as a single
line (or word) with the field's alphabet as a whitelist, usually gets them.  Where looks disagree
a further look on a binarised copy breaks the tie: the value most looks agree on wins.

Only the printed field itself is looked at: the MRZ is never used to fill or correct a printed
value (the two are compared later to find forgeries).
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz

from docscreen.documents import normalise as nz
from docscreen.documents.extract import (
    LabelPlace,
    field_names,
    layout_shifts,
    read_spec,
    strip_separators,
)
from docscreen.documents.templates import FieldSpec, Template
from docscreen.errors import OcrCrashError
from docscreen.indonesia.nik import parse_nik
from docscreen.indonesia.provinces import PROVINCES, province_name
from docscreen.models import Box, Field
from docscreen.ocr.engine import OcrEngine, OcrOptions, Word

_UPPER = string.ascii_uppercase
_DIGITS = string.digits

# The characters each kind of field can hold (tesseract whitelist); None: free text.
# The KTP prints "Label : value" and a crop beside the label starts at the colon: without ':' in
# the alphabet tesseract reads it as a digit (":5315..." as "35315...", a 17-digit NIK).
ALPHABETS: dict[str, str] = {
    "nik": _DIGITS + ":",
    "docnum": _UPPER + _DIGITS,
    "regnum": _UPPER + _DIGITS + "-",
    "code": _UPPER,
    "code1": _UPPER,
    "blood": "ABO+-:",
    "date": _UPPER + _DIGITS + "-/.:",
    "rt_rw": _DIGITS + "/:",
}
# Confidence of a value two readings agree on (the page pass and a look, or two looks): tesseract
# scores a whitelisted read 0 whenever the whitelist overrode its first choice for a character,
# even when the read is right, so agreement is the evidence.
AGREED = 0.9
# Confidence of a value one whitelisted look read, well-shaped, that tesseract gave no score.
SHAPED_UNSCORED = 0.5
# The letters a sex printed as one letter can be (M/F, Indonesian L/P).
SEX_LETTERS = "MFLP"
# Fields printed as one or two characters: always read on their own (sparse mode misses them).
LONE_KINDS = frozenset({"code1", "blood"})
# Fields whose value must have an exact shape: a low-confidence reading gets a second look.
STRICT_KINDS = frozenset({"nik", "docnum", "date", "regnum", "code"})
# A page-pass reading at least this confident is not looked at again (strict fields).
TRUSTED = 0.85
# A name read with at least this mean word confidence is not looked at again.
NAME_TRUSTED = 0.9
# A name reading at least this sure of itself keeps a name-shaped token no other reading has.
SURE_NAME = 0.75
# Name crops are widened this much more than they are enlarged (see ``read_crop``).
NAME_STRETCH = 1.5
# A name token this long may be two run together (KURNIAWATI is one, BELLAALIKA two).
RUN_TOGETHER_LETTERS = 10
# Letter height (px) the crops are enlarged to: tesseract's LSTM reads best around 30-40 px.
TARGET_TEXT_PX = 32.0


@dataclass(frozen=True)
class Look:
    """One reading of a field: its value (None when unreadable), confidence and words."""

    value: str | None
    confidence: float
    field: Field
    weight: float = 1.0  # the page pass counts less than a dedicated look for lone characters


def _gray(image: NDArray[np.uint8]) -> NDArray[np.uint8]:
    if image.ndim == 3:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    return image


def prepare(
    crop: NDArray[np.uint8], text_px: float, variant: int, stretch: float = 1.0
) -> tuple[NDArray[np.uint8], float]:
    """Contrast-stretch and enlarge a crop (variant 0), or also binarise it locally (variant 1).

    Returns the image for tesseract and the (vertical) scale applied; ``stretch`` widens the
    crop by that much more than it heightens it.  Local binarisation keeps faint print under
    glare, where one global threshold would separate glare from paper instead of ink.
    """
    g = _gray(crop).astype(np.float32)
    lo, hi = np.percentile(g, [1, 99])
    if hi - lo >= 8:
        g = np.clip((g - lo) * (255.0 / (hi - lo)), 0, 255)
    k = float(np.clip(TARGET_TEXT_PX / max(text_px, 1.0), 1.0, 2.5))
    out = np.asarray(g, dtype=np.uint8)
    if k > 1.01 or stretch > 1.01:
        out = np.asarray(
            cv2.resize(out, None, fx=k * stretch, fy=k, interpolation=cv2.INTER_CUBIC),
            dtype=np.uint8,
        )
    if variant == 1:
        block = int(max(15, 2 * round(TARGET_TEXT_PX) + 1))
        out = np.asarray(
            cv2.adaptiveThreshold(
                cv2.GaussianBlur(out, (3, 3), 0),
                255,
                cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                cv2.THRESH_BINARY,
                block,
                12,
            ),
            dtype=np.uint8,
        )
    pad = 12
    out = np.asarray(
        cv2.copyMakeBorder(out, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255), dtype=np.uint8
    )
    return out, k


def _options(spec: FieldSpec, variant: int, lone: bool = False) -> OcrOptions:
    if lone and spec.kind == "sex":
        # A sex printed as one letter (cards, visas): a lone letter in single-line mode comes
        # back empty
        # (psm 13, a raw line: single-word and single-character modes lose it under glare).
        return OcrOptions(lang="eng", psm=13, config=f"-c tessedit_char_whitelist={SEX_LETTERS}")
    alphabet = ALPHABETS.get(spec.kind)
    if alphabet is None:
        # English alone loads in about half the time of eng+ind and reads names and places
        # as well (Latin letters, no Indonesian dictionary words to gain from).
        return OcrOptions(lang="eng", psm=7)
    config = f"-c tessedit_char_whitelist={alphabet}"
    psm = 8 if spec.kind in LONE_KINDS else 7
    # Whitelisted fields hold no Indonesian words: English alone loads faster.
    return OcrOptions(lang="eng", psm=psm, config=config)


def _ink_box(gray: NDArray[np.uint8]) -> tuple[int, int, int, int] | None:
    """Bounding box of the print in a small crop (lone characters are cropped tight)."""
    if gray.size == 0:
        return None
    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    _, ink = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h = gray.shape[0]
    keep = [
        i
        for i in range(1, n)
        if stats[i, cv2.CC_STAT_AREA] >= 6
        and stats[i, cv2.CC_STAT_HEIGHT] < 0.95 * h  # not a frame line or the crop's edge
        and stats[i, cv2.CC_STAT_WIDTH] < 0.95 * gray.shape[1]
    ]
    if not keep:
        return None
    x0 = min(int(stats[i, cv2.CC_STAT_LEFT]) for i in keep)
    y0 = min(int(stats[i, cv2.CC_STAT_TOP]) for i in keep)
    x1 = max(int(stats[i, cv2.CC_STAT_LEFT] + stats[i, cv2.CC_STAT_WIDTH]) for i in keep)
    y1 = max(int(stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT]) for i in keep)
    return x0, y0, x1, y1


def text_span(gray: NDArray[np.uint8], text_px: float, dark: bool = True) -> tuple[int, int] | None:
    """Columns of a line crop that hold the text: up to the end of the longest run of
    letter-sized marks on one line, plus a margin.  None when no run is found (keep the crop).

    A crop that runs on over a guilloche or a dark blob after the text makes tesseract return
    nothing at all ("KIANDRA TINA NURDIYANTI" then the pattern: empty; the text alone: read).
    Marks are found after local binarisation first, so print faded by glare still counts; when
    the guilloche's own strokes make that one run over the whole crop, after one global
    threshold (dark print on a light pattern: "NOVI" then 35 mm of pattern), when ``dark``:
    that threshold loses letters faded by glare, so a cut by it can end a name early.
    """
    h, w = gray.shape[:2]
    if h < 6 or w < 3 * text_px:
        return None
    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    block = int(max(11, 2 * round(text_px) + 1))
    local = cv2.adaptiveThreshold(
        blur, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY_INV, block, 10
    )
    span = _span_of_marks(np.asarray(local, dtype=np.uint8), text_px)
    if span is None and dark:
        _, ink = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        span = _span_of_marks(np.asarray(ink, dtype=np.uint8), text_px)
    return span


def _letter_marks(ink: NDArray[np.uint8], text_px: float) -> list[tuple[int, int, float]]:
    """Letter-sized marks of a binary ink image: (x0, x1, centre y) each."""
    n, _, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return [
        (int(st[i, 0]), int(st[i, 0] + st[i, 2]), float(st[i, 1] + st[i, 3] / 2))
        for i in range(1, n)
        if 0.45 * text_px <= st[i, 3] <= 2.2 * text_px
        and st[i, 2] <= 2.5 * text_px
        and st[i, cv2.CC_STAT_AREA] >= 0.12 * st[i, 2] * st[i, 3]
    ]


def has_print(image: NDArray[np.uint8], region: Box, text_px: float) -> bool:
    """Are there at least three letter-sized marks in a region (faint ones too)?  A look that
    read nothing on a region with none is not repeated."""
    x, y, bw, bh = region
    crop = image[max(0, y) : max(0, y + bh), max(0, x) : max(0, x + bw)]
    if crop.size == 0:
        return False
    block = int(max(11, 2 * round(text_px) + 1))
    ink = cv2.adaptiveThreshold(
        cv2.GaussianBlur(_gray(crop), (3, 3), 0),
        255,
        cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
        cv2.THRESH_BINARY_INV,
        block,
        10,
    )
    return len(_letter_marks(np.asarray(ink, dtype=np.uint8), text_px)) >= 3


def _span_of_marks(ink: NDArray[np.uint8], text_px: float) -> tuple[int, int] | None:
    w = ink.shape[1]
    marks = _letter_marks(ink, text_px)
    if len(marks) < 2:
        return None
    mid = float(np.median([m[2] for m in marks]))
    marks = sorted(m for m in marks if abs(m[2] - mid) <= 0.5 * text_px)
    if not marks:
        return None
    runs: list[list[tuple[int, int, float]]] = []
    for m in marks:
        if runs and m[0] - max(r[1] for r in runs[-1]) <= 2.0 * text_px:
            runs[-1].append(m)
        else:
            runs.append([m])
    run = max(runs, key=len)
    if len(run) < 2:
        return None
    # Only the end is cut: the left edge comes from the label or the layout, and a run can
    # break inside the text where glare or a dark patch merges letters.
    x1 = min(w, max(r[1] for r in run) + round(1.5 * text_px))
    if x1 >= w - text_px:
        return None
    return 0, x1


def _read(
    engine: OcrEngine,
    crop: NDArray[np.uint8],
    text_px: float,
    variant: int,
    options: OcrOptions,
    x0: int,
    y0: int,
    stretch: float = 1.0,
) -> list[Word]:
    """Tesseract's words in a prepared crop, boxes back in page coordinates."""
    prepared, k = prepare(crop, text_px, variant, stretch)
    kx = k * stretch
    pad = 12
    try:
        words = engine.words(prepared, options)
    except OcrCrashError:
        # Tesseract dies on some crops (SIGFPE on a clean passport name line, every time): the
        # look reads nothing and the page pass's reading stands, instead of losing the document.
        return []
    return [
        Word(
            wd.text,
            wd.confidence,
            (
                round((wd.box[0] - pad) / kx) + x0,
                round((wd.box[1] - pad) / k) + y0,
                round(wd.box[2] / kx),
                round(wd.box[3] / k),
            ),
            wd.line,
        )
        for wd in words
    ]


def read_crop(
    engine: OcrEngine,
    image: NDArray[np.uint8],
    region: Box,
    spec: FieldSpec,
    text_px: float,
    variant: int,
    known: str | None = None,
) -> dict[str, Field]:
    """OCR one field's region (page coordinates) and read the field from it.

    ``known`` is what the page pass read there (a name's edge words it confirms are kept)."""
    h, w = image.shape[:2]
    x, y, bw, bh = region
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(w, x + bw), min(h, y + bh)
    if x1 - x0 < 6 or y1 - y0 < 6:
        return {}
    crop = image[y0:y1, x0:x1]
    lone = spec.kind in LONE_KINDS
    ink = _ink_box(_gray(crop)) if lone or spec.kind == "sex" else None
    if spec.kind == "sex" and ink is not None:
        # "M" alone, not "LAKI-LAKI": at most about two letters wide.
        lone = ink[2] - ink[0] <= 2.0 * text_px
    if lone:
        if ink is None:
            return {}
        m = max(4, round(0.3 * text_px))
        ix0, iy0 = max(0, ink[0] - m), max(0, ink[1] - m)
        ix1, iy1 = min(x1 - x0, ink[2] + m), min(y1 - y0, ink[3] + m)
        crop = crop[iy0:iy1, ix0:ix1]
        x0, y0 = x0 + ix0, y0 + iy0
    sign: str | None = None
    if spec.kind == "blood":
        sign = blood_sign(_gray(crop), text_px)
    # Names print in a sans whose word space is barely wider than the gap beside an I or an A
    # ("TITI ASTUTI", "NABILA ANGGRAINI"): tesseract runs the words together, and widened by
    # half they come apart.  Widening also misreads some letters ("JINAW!I"), so only a name
    # the page pass read with a token long enough to be two is widened, on the first look.
    stretch = 1.0
    longest = max((len(t) for t in (known or "").split()), default=0)
    if spec.kind == "name" and variant == 0 and longest >= RUN_TOGETHER_LETTERS:
        stretch = NAME_STRETCH
    words = _read(engine, crop, text_px, variant, _options(spec, variant, lone), x0, y0, stretch)
    empty = not words
    if spec.kind == "name":
        words = _name_words(words, known)
    if not lone and (empty or (not words and not known)):
        # Nothing at all (or, where the page pass read no name, only specks and pattern): a
        # guilloche or a dark blob after the text can make tesseract give up on the whole line
        # ("NOVI" then 35 mm of pattern read as "SS Se"); the text alone, cut where its letters
        # end, reads.  Where the page pass read a name, a cut could lose its glare-faded end
        # ("ALMIRA YULIANTI" cut after "YUL"): the crop is cut only when nothing was read, and
        # never by darkness alone.
        span = text_span(_gray(crop), text_px, dark=not known)
        if span is not None:
            words = _read(
                engine, crop[:, span[0] : span[1]], text_px, variant,
                _options(spec, variant, lone), x0 + span[0], y0, stretch,
            )  # fmt: skip
            if spec.kind == "name":
                words = _name_words(words, known)
    got = read_spec(spec, strip_separators(words))
    if sign is not None:
        got = _with_sign(spec.name, got, sign, (x0, y0, x1 - x0, y1 - y0))
    return got


def blood_sign(gray: NDArray[np.uint8], text_px: float) -> str | None:
    """The rhesus sign after a blood group, or a lone dash, found by shape in a tight crop.

    Tesseract drops a small '+' or '-' beside a letter.  Letters are the tall marks; a shorter
    mark right of all of them is '+' when about square and '-' when flat.  A crop with no letter
    and one flat mark is the dash printed for an unknown group.  None when there is no such mark.
    """
    if gray.size == 0:
        return None
    _, ink = cv2.threshold(
        cv2.GaussianBlur(gray, (3, 3), 0), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU
    )
    n, _, st, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    comps = [
        (int(st[i, 0]), int(st[i, 1]), int(st[i, 2]), int(st[i, 3]))
        for i in range(1, n)
        if st[i, cv2.CC_STAT_AREA] >= 4
    ]
    if not comps:
        return None
    top_h = max(c[3] for c in comps)
    letters = [c for c in comps if c[3] >= 0.85 * top_h and top_h >= 0.55 * text_px]
    dots = [c for c in comps if c not in letters]
    if not letters:
        # Only a colon's dots and a dash: the dash printed for an unknown group.
        flat = [
            c
            for c in comps
            if c[2] >= 1.3 * c[3] and c[2] >= 0.4 * text_px and c[3] <= 0.5 * text_px
        ]
        return "-" if len(flat) == 1 and len(comps) <= 3 else None
    right = max(c[0] + c[2] for c in letters)
    letter_h = float(np.median([c[3] for c in letters]))
    after = [c for c in dots if c[0] >= right - 1 and c[2] >= 0.25 * letter_h]
    if len(after) != 1:
        return None
    _, _, w, h = after[0]
    if w >= 2.2 * h:
        return "-"
    if 0.6 <= w / max(h, 1) <= 1.6 and h >= 0.35 * letter_h:
        return "+"
    return None


def _with_sign(name: str, got: dict[str, Field], sign: str, box: Box) -> dict[str, Field]:
    f = got.get(name)
    if f is None or f.value is None:
        if sign == "-" and (f is None or not f.raw.strip(" :")):
            return {name: Field(name, "-", "-", 0.6, box)}
        return got
    if f.value[-1] in "+-" or f.value == "-":
        return got
    return {name: Field(name, f.value + sign, f.raw, f.confidence, f.box, f.source)}


def _name_words(words: list[Word], known: str | None) -> list[Word]:
    """A look's words that may be a name: trimmed of edge specks; none when what is left is
    unsure on average (specks and pattern read as letters: no name beats a wrong one)."""
    words = _trim_name(words, known)
    if words and sum(w.confidence for w in words) / len(words) < 0.5:
        return []
    return words


def _trim_name(words: list[Word], known: str | None = None) -> list[Word]:
    """A line crop catches specks and rule marks beside a name: words without letters go, and
    unsure words at either end, unless the page pass read the same word there (``known``): a
    faint last name read at 0.31 ("ICHA RAHMAWATI") is the name, not a speck."""
    words = [w for w in words if any(c.isalpha() for c in w.text)]
    seen = (known or "").upper().split()

    def unsure(w: Word) -> bool:
        text = w.text.upper()
        return w.confidence < 0.35 and not (
            len(text) >= 3 and any(fuzz.ratio(text, t) >= 80 for t in seen)
        )

    while words and unsure(words[-1]):
        words.pop()
    while words and unsure(words[0]):
        words.pop(0)
    return words


def _starts_late(spec: FieldSpec, f: Field, start: float | None, text_px: float) -> bool:
    """Does a value begin well right of where its column's values begin?  Then its first
    tokens were lost (glare fading "EJA BUD" of "EJA BUDIMAN": the page pass reads "IMAN"
    confidently, and only where it starts tells)."""
    return start is not None and f.box is not None and f.box[0] > start + 2.0 * text_px


def value_start(
    spec: FieldSpec,
    template: Template,
    fields: dict[str, Field],
    label: LabelPlace | None,
    column_x: float | None = None,
) -> float | None:
    """Where the values of ``spec``'s column begin: under a caption its left edge, or where the
    layout (``column_x``, shifted like the values found) starts the column when that is further
    left (only "Full Name" of "Nama Lengkap / Full Name" read: "JAYENG" under "Nama Lengkap" is
    lost and "DONGORAN" alone starts where the caption found starts); right of labels (KTP) the
    median left edge of the other values read right of their labels."""
    if spec.where == "below":
        if label is None:
            return None
        return float(label.box[0] if column_x is None else min(label.box[0], column_x))
    xs = [
        f.box[0]
        for s in template.fields
        if s.where == "right" and s.name != spec.name
        for n in field_names(s)[:1]
        if (f := fields.get(n)) is not None and f.value is not None and f.box is not None
    ]
    return float(np.median(xs)) if len(xs) >= 3 else None


def _needs_look(
    spec: FieldSpec,
    fields: dict[str, Field],
    region: Box | None,
    start: float | None = None,
    text_px: float = 0.0,
) -> bool:
    names = field_names(spec)
    unread = any(fields.get(n) is None or fields[n].value is None for n in names)
    if unread:
        return True
    if spec.kind in LONE_KINDS:
        # Sparse mode reads a neighbour for a lone letter ("ID" of "IDN" for the type "P"): a
        # confident reading counts only where the field is printed.
        f = fields[names[0]]
        if f.box is None or region is None or f.confidence < TRUSTED:
            return True
        cx = f.box[0] + f.box[2] / 2
        return not region[0] <= cx <= region[0] + region[2]
    if spec.kind == "name" and len(fields[names[0]].value or "") <= 1:
        return True  # one letter left of a name: the rest lost (glare, a faint line)
    if spec.kind == "name" and spec.critical:
        # Names lose and split tokens in sparse mode: an unsure one gets a line read, and so
        # does one that starts late (its first tokens lost, however sure the rest).
        f = fields[names[0]]
        return f.confidence < NAME_TRUSTED or _starts_late(spec, f, start, text_px)
    if spec.kind in STRICT_KINDS:
        return any(fields[n].confidence < TRUSTED for n in names)
    return False


def _priority(spec: FieldSpec) -> int:
    if spec.critical and spec.kind != "name":
        return 0
    if spec.kind == "name" or spec.kind in LONE_KINDS:
        return 1
    if spec.kind in STRICT_KINDS:
        return 2
    return 3


def _from_label(spec: FieldSpec, place: LabelPlace, w: int, text_px: float, dx: float) -> Box:
    """The value's region from its label: right of it up to the next label (KTP), or under it
    across the column (passport captions), never reaching the next row of captions.

    Under a caption the column comes from the layout (shifted like the fields that were found):
    only part of a caption may have been read ("Typ" of "Jenis / Type").
    """
    lx, ly, lw, lh = place.box
    if spec.where == "below":
        lh = min(lh, round(0.8 * text_px))  # captions print smaller than values
    if spec.where == "right":
        half = max(0.95 * text_px, 0.8 * lh)
        top = round(ly + lh / 2 - half)
        x0 = lx + lw
        return (x0, top, max(1, place.stop - x0), round(2 * half))
    x0, x1 = lx, place.stop
    if spec.nominal is not None:
        nx, _, nw, _ = spec.nominal
        col = round(nx * w + dx)
        # A caption match that starts well left of its column took in the end of the
        # neighbour's caption ("... Issue Tanggal Habis Berlaku / Date of Expiry"): the column
        # starts where the layout starts it, not under the neighbour's value ("24 23 SEP 2034").
        x0 = col if lx < col - 2.0 * text_px else min(x0, col)
        x1 = min(x1, round((nx + nw) * w + dx + 0.3 * text_px))
    # A letter's width of margin: a number's first letter ("C8265965") at the crop's very edge
    # is dropped by tesseract.
    x0 = round(x0 - 1.0 * text_px)
    x1 = max(x1, lx + lw)
    top = ly + lh + 1
    return (x0, top, max(1, x1 - x0), round(2.0 * text_px))


def field_region(
    spec: FieldSpec,
    fields: dict[str, Field],
    w: int,
    h: int,
    shift: tuple[float, float],
    text_px: float,
    label: LabelPlace | None = None,
) -> Box | None:
    """Where to look for a field: under or beside its label when that was found, else around what
    the page pass found, else where the layout puts it.

    Names take the whole width their layout allows, since the page pass may have lost a token at
    either end; a found value's box is padded by about half a letter.
    """
    names = field_names(spec)
    boxes = [
        b
        for n in names
        if (f := fields.get(n)) is not None and f.value is not None and (b := f.box) is not None
    ]
    if label is not None:
        x, y, bw, bh = _from_label(spec, label, w, text_px, shift[0])
        b = boxes[0] if boxes else None
        tall = 2.5 if spec.where == "right" else 1.6  # the KTP's NIK is printed large
        if (
            b is not None
            and 0.5 * text_px <= b[3] <= tall * text_px
            and y - text_px <= b[1] <= y + bh
        ):
            # The page pass found the value where the label says: its line, the label's width.
            pad = round(0.4 * text_px)
            return (x, b[1] - pad, bw, b[3] + 2 * pad)
        return (x, y, bw, bh)
    nominal: Box | None = None
    if spec.nominal is not None:
        nx, ny, nw, nh = spec.nominal
        dx, dy = shift
        cy = (ny + nh / 2) * h + dy
        half = max(nh * h / 2, 0.9 * text_px)
        nominal = (
            round(nx * w + dx - 0.3 * text_px),
            round(cy - half),
            round(nw * w),
            round(2 * half),
        )
    if boxes:
        bx0 = min(b[0] for b in boxes)
        by0 = min(b[1] for b in boxes)
        bx1 = max(b[0] + b[2] for b in boxes)
        by1 = max(b[1] + b[3] for b in boxes)
        th = max(text_px, 0.6 * (by1 - by0))
        px, py = round(0.6 * th), round(0.35 * th)
        x0, x1 = bx0 - px, bx1 + px
        if spec.kind == "name" and nominal is not None:
            x0 = min(x0, nominal[0])
            x1 = max(x1, nominal[0] + nominal[2])
        return (x0, by0 - py, x1 - x0, by1 - by0 + 2 * py)
    # Unread: the label-anchored region the page pass searched (KTP style, right of the label) ...
    for n in names:
        f = fields.get(n)
        if f is not None and f.box is not None and spec.where == "right":
            return f.box
    # ... or the layout's place for the value.
    return nominal


def _vote(looks: Sequence[Look], scored: bool = False, kind: str | None = None) -> Look | None:
    """The value most looks agree on (weighted); ties go to the earlier dedicated look, or for
    ``scored`` fields (free text, no whitelist) to the more confident reading.

    Tesseract's confidences under a whitelist are too low to compare with the page pass's, so
    agreement decides, and the first dedicated look (grey, enlarged) breaks ties.  Without a
    whitelist the scores compare: "DY WAING PY" (0.1) loses to "WAINGAPU" (0.9).
    """
    valid = [lk for lk in looks if lk.value is not None]
    if not valid:
        return None
    votes: dict[str, float] = {}
    for lk in valid:
        votes[lk.value or ""] = votes.get(lk.value or "", 0.0) + lk.weight
    if scored:
        return max(valid, key=lambda lk: (round(votes[lk.value or ""], 3), lk.confidence))
    # At equal votes a clean read (no look-alike mapped) beats one that needed repairs.
    return max(
        valid,
        key=lambda lk: (
            votes[lk.value or ""]
            + 0.01 * lk.weight
            + (0.06 if kind is not None and clean_read(kind, lk.field.raw, lk.value) else 0.0)
        ),
    )


def _confidence(best: Look, looks: Sequence[Look], whitelisted: bool) -> float:
    """A confidence for the agreed value: high when two readings agree, the reading's own score
    otherwise, and for a whitelisted reading tesseract did not score, a middling one."""
    same = [lk for lk in looks if lk.value == best.value]
    if len(same) >= 2:
        return max(AGREED, *(lk.confidence for lk in same))
    if best.confidence <= 0.0 and whitelisted:
        return SHAPED_UNSCORED
    return best.confidence


def name_shaped(token: str) -> bool:
    """Could a token be a name word rather than specks read as letters?  Three letters or more,
    a vowel among them, not one letter repeated ("WWW", "III")."""
    t = re.sub(r"[^A-Z]", "", token.upper())
    return len(t) >= 3 and any(c in "AEIOUY" for c in t) and len(set(t)) > 1


def name_consensus(looks: Sequence[Look]) -> str | None:
    """A name agreed token by token across readings.

    The reading whose tokens the other readings support best is kept, each of its tokens
    replaced by the spelling most readings give for it (``MANULLAN`` read once, ``MANULLANG``
    twice -> ``MANULLANG``); with three readings or more, tokens no other reading has (specks
    read as ``YT``) are dropped.
    """
    toks = [(lk.value or "").split() for lk in looks]
    toks = [t for t in toks if t]
    if len(toks) < 2:
        return None

    def near(a: str, b: str) -> bool:
        # A piece of a token supports it too: "YANTI" (the page pass lost "NURDI") for
        # "NURDIYANTI", so a reading with the whole name is not outvoted by shorter ones.
        return fuzz.ratio(a, b) >= 75 or (
            min(len(a), len(b)) >= 4 and fuzz.partial_ratio(a, b) >= 90
        )

    def support(i: int, t: str) -> int:
        return sum(1 for j, tj in enumerate(toks) if j != i and any(near(t, u) for u in tj))

    def score(i: int) -> int:
        # Supported tokens count; an unsupported token counts against its reading only when it
        # is short enough to be specks ("YT"): a whole first name that only the line read has
        # ("CAWUK" of "CAWUK WALUYO", lost by the page pass) is the name, not debris.  In a
        # reading sure of itself such a token counts for it when it is shaped like a name:
        # "ELI USYI FUJIATI" read at 0.81 by the page pass, "FUJIATI" at 0.52 by a look that
        # lost the faint first names, is the whole name.
        sure = i < len(looks) and looks[i].confidence >= SURE_NAME
        return sum(
            1 if support(i, t) or (sure and name_shaped(t)) else (-1 if len(t) <= 2 else 0)
            for t in toks[i]
        )

    order = sorted(
        range(len(toks)),
        key=lambda i: (score(i), looks[i].weight if i < len(looks) else 0.0),
        reverse=True,
    )
    best = order[0]
    sure = best < len(looks) and looks[best].confidence >= SURE_NAME
    out: list[str] = []
    for t in toks[best]:
        if len(toks) >= 3 and support(best, t) == 0 and not (sure and name_shaped(t)):
            continue
        # Only other spellings of the token vote on it, not a reading that ran it together
        # with the next one ("NABILAANGGRAINI" supports "NABILA" but is no spelling of it).
        variants = [t] + [
            u
            for j, tj in enumerate(toks)
            if j != best and tj
            for u in [max(tj, key=lambda u: fuzz.ratio(t, u))]
            if fuzz.ratio(t, u) >= 75 and abs(len(t) - len(u)) <= 2
        ]
        counts = {v: variants.count(v) for v in variants}
        top = max(counts.values())
        out.append(t if counts[t] == top else next(v for v in variants if counts[v] == top))
    return " ".join(out) or None


def _settled(spec: FieldSpec, looks: Sequence[Look], had_value: bool) -> bool:
    """Enough looks: two agree, or a dedicated look read a well-shaped value where the page pass
    had none (a strict field's shape is the check: 16 digits, a date, letter + 7 digits)."""
    valid = [lk.value for lk in looks if lk.value is not None]
    if len(valid) >= 2 and len(set(valid)) < len(valid):
        return True
    if not looks or looks[-1].value is None or looks[-1].weight < 1.0:
        return False
    if spec.kind in LONE_KINDS:
        return True  # the dedicated, whitelisted look is the reading that counts
    if spec.kind in STRICT_KINDS:
        # One read that needed look-alikes mapped ("P2BSP2034" for "23 SEP 2034") is not
        # enough on its own: the binarised look may read it cleanly.
        return not had_value and clean_read(spec.kind, looks[-1].field.raw, looks[-1].value)
    return False  # names and free text whose readings differ need a third look


_DATE_CLEAN = re.compile(r"(\d{1,2})[^A-Z0-9]*([A-Z]{3,9})[^A-Z0-9]*(\d{4})")
_DATE_CLEAN_NUM = re.compile(r"(\d{1,2})[-./ ]+(\d{1,2})[-./ ]+(\d{4})")


def clean_read(kind: str, raw: str, value: str | None) -> bool:
    """Was a strict value read as printed, with no letter taken for a digit or the other way
    round?  A date's day and year in digits and its month a month's name; a number's characters
    all as read; a NIK's 16 digits.  Other kinds: always."""
    if value is None:
        return False
    t = raw.upper()
    if kind == "date":
        for m in (*_DATE_CLEAN.finditer(t), *_DATE_CLEAN_NUM.finditer(t)):
            if nz.normalise_date(" ".join(m.groups())) == value and (
                m.re is _DATE_CLEAN_NUM or nz.month_number(m.group(2)) is not None
            ):
                return True
        return False
    if kind in ("docnum", "regnum"):
        return re.sub(r"[^A-Z0-9\-]", "", t).strip("-") == value
    if kind == "nik":
        return re.sub(r"[\s:]", "", t) == value
    return True


def _believable(
    spec: FieldSpec,
    label: LabelPlace | None,
    shift: tuple[float, float],
    h: int,
    text_px: float,
) -> LabelPlace | None:
    """A caption over its value is believed only near where the layout prints the value: a
    title taken for it ("PASPOR / PASSPORT" for "Passport No.", 100 px above the number) would
    send the look to the title's line.  Captions beside their values (KTP) are always believed."""
    if label is None or spec.where != "below" or spec.nominal is None:
        return label
    top = spec.nominal[1] * h + shift[1]
    bottom = label.box[1] + label.box[3]
    return label if abs(bottom - top) <= 2.5 * text_px else None


def nik_plausible(nik: str, province: str | None = None) -> bool:
    """Could 16 digits be a NIK as printed on this card?  A known province code and a valid date
    part, and (when the card's printed province is clearly one province) that province's code.

    Only decides whether the NIK is looked at again: a NIK that disagrees with its card after the
    looks stays as read (that disagreement is for the rules to judge)."""
    if parse_nik(nik) is None or province_name(nik) is None:
        return False
    if province:
        printed = re.sub(r"^PROVINSI\s*", "", province.upper())
        code, name = max(PROVINCES.items(), key=lambda kv: fuzz.ratio(printed, kv[1].upper()))
        if fuzz.ratio(printed, name.upper()) >= 85 and code != nik[:2]:
            return False
    return True


def _doubt_nik(fields: dict[str, Field]) -> dict[str, Field]:
    """A NIK read confidently that cannot be this card's ("55..." on a card of NUSA TENGGARA
    TIMUR, 53) loses its confidence, so it gets a look of its own."""
    f = fields.get("nik")
    if f is None or f.value is None or f.confidence < TRUSTED:
        return fields
    prov = fields.get("province")
    if nik_plausible(f.value, prov.value if prov is not None else None):
        return fields
    out = dict(fields)
    out["nik"] = Field(f.name, f.value, f.raw, min(f.confidence, 0.5), f.box, f.source)
    return out


def _doubt_dates(fields: dict[str, Field]) -> dict[str, Field]:
    """Dates that contradict each other (issued after expiry, the same date read twice, born
    after issue) lose their confidence, so each gets a look of its own.  Nothing is corrected
    from the other dates: only the printed field itself decides its value."""
    out = dict(fields)
    pairs = (
        ("issue_date", "expiry_date"),
        ("birth_date", "issue_date"),
        ("birth_date", "expiry_date"),
    )
    for a, b in pairs:
        fa, fb = out.get(a), out.get(b)
        if fa is None or fb is None or fa.value is None or fb.value is None:
            continue
        if fa.value >= fb.value:  # ISO dates compare as text
            for n, f in ((a, fa), (b, fb)):
                out[n] = Field(f.name, f.value, f.raw, min(f.confidence, 0.5), f.box, f.source)
    return out


def second_looks(
    engine: OcrEngine,
    image: NDArray[np.uint8],
    template: Template,
    fields: dict[str, Field],
    labels: dict[str, LabelPlace] | None = None,
    *,
    max_looks: int | None = None,
) -> dict[str, Field]:
    """Give weak fields dedicated looks; returns the fields with the agreed values."""
    out = _doubt_nik(_doubt_dates(fields))
    province = out.get("province")
    h, w = image.shape[:2]
    # Letter height of the values: about half the layout's line height for them.
    line_h = sorted(s.nominal[3] for s in template.fields if s.nominal is not None)
    text_px = 0.55 * h * (line_h[len(line_h) // 2] if line_h else 0.045)
    shifts = layout_shifts(template, out, w, h, text_px)
    budget = max_looks if max_looks is not None else template.max_looks
    for spec in sorted(template.fields, key=_priority):
        if budget <= 0:
            break
        label = _believable(spec, (labels or {}).get(spec.name), shifts[spec.name], h, text_px)
        region = field_region(spec, out, w, h, shifts[spec.name], text_px, label)
        start = None
        if spec.kind == "name":
            column_x = None if spec.nominal is None else spec.nominal[0] * w + shifts[spec.name][0]
            start = value_start(spec, template, out, label, column_x)
        if region is None or not _needs_look(spec, out, region, start, text_px):
            continue
        names = field_names(spec)
        key = names[-1]  # the part that matters (the date of "Tempat/Tgl Lahir")
        looks: dict[str, list[Look]] = {n: [] for n in names}
        first_weight = 0.5 if spec.kind in LONE_KINDS else 1.0
        for n in names:
            f = out.get(n)
            if f is not None and f.value is not None:
                looks[n].append(Look(f.value, f.confidence, f, first_weight))
        had_value = bool(looks[key])
        # A binarised second copy only for the fields that decide usability and for names;
        # other fields get one look (each look is a tesseract start, ~0.1 s of CPU).
        # Dates and numbers too: a glare-faded date the grey look reads as nothing, binarised reads.
        strict = spec.kind in ("date", "nik", "docnum")
        variants = (0, 1) if spec.critical or spec.kind in LONE_KINDS or strict else (0,)
        for variant in variants:
            if budget <= 0:
                break
            budget -= 1
            page_value = looks[key][0].value if had_value else None
            got = read_crop(engine, image, region, spec, text_px, variant, page_value)
            for n, f in got.items():
                if n in looks:
                    looks[n].append(Look(f.value, f.confidence, f, 1.0 + 0.05 * (1 - variant)))
            if _settled(spec, looks[key], had_value) and not (
                spec.kind == "nik"
                and looks[key][-1].value is not None
                and not nik_plausible(
                    looks[key][-1].value or "", province.value if province is not None else None
                )
            ):
                break
            if not any(f.raw for f in got.values()) and (
                not strict or had_value or variant == 1 or not has_print(image, region, text_px)
            ):
                # Nothing printed there to look at again; only an unread date or number whose
                # place holds print gets its binarised look after a grey look that read nothing
                # (glare fades print).
                break
        whitelisted = spec.kind in ALPHABETS
        for n in names:
            best = _vote(looks[n], scored=not whitelisted, kind=spec.kind)
            if best is None:
                continue
            # Looked at again: the confidence says how well the readings agree.
            conf = _confidence(best, looks[n], whitelisted)
            f = best.field
            best = Look(
                best.value, conf, Field(f.name, f.value, f.raw, conf, f.box, f.source), best.weight
            )
            if spec.kind == "name":
                agreed = name_consensus([lk for lk in looks[n] if lk.value is not None])
                if agreed is not None and agreed != best.value:
                    f = best.field
                    best = Look(
                        agreed,
                        best.confidence,
                        Field(f.name, agreed, f.raw, f.confidence, f.box, f.source),
                    )
            out[n] = best.field
    return out


def shape_ok(spec: FieldSpec, value: str | None) -> bool:
    """Does a normalised value fit the field's pattern (fields without one always do)?"""
    return value is not None and (
        spec.pattern is None or re.fullmatch(spec.pattern, value) is not None
    )
