"""Label-anchored field extraction from OCR word boxes.

Values are found next to their printed labels (to the right on a KTP, below on a passport page)
rather than at fixed pixel positions, so layouts that shift a little still read.  Works on word
boxes in the rectified document's coordinates; :mod:`docscreen.documents.read` maps boxes back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from docscreen.documents import normalise as nz
from docscreen.documents.layout import (
    LabelHit,
    Row,
    clean,
    find_label,
    group_rows,
    mean_confidence,
    union_box,
)
from docscreen.documents.templates import FieldSpec, Template
from docscreen.models import Box, DocumentKind, Field
from docscreen.ocr.engine import Word

_SEPARATORS = {":", ";", "=", "-", ".", ",", "|", "—", "_"}


@dataclass(frozen=True)
class Page:
    """OCR words of one rectified document and its size in pixels."""

    words: tuple[Word, ...]
    width: int
    height: int


def is_mrz_word(w: Word) -> bool:
    return "<<" in w.text or (len(w.text) >= 20 and w.text.count("<") >= 2)


def strip_separators(words: Sequence[Word]) -> list[Word]:
    out = list(words)
    while out and (out[0].text in _SEPARATORS or set(out[0].text) <= _SEPARATORS):
        out.pop(0)
    if out and out[0].text[:1] in _SEPARATORS:
        w = out[0]
        out[0] = Word(w.text.lstrip(":;=|"), w.confidence, w.box, w.line)
        if not out[0].text:
            out.pop(0)
    return out


# What may follow a date at the end of a line: specks and punctuation read after it
# ("31-10-1982)." under glare, "13-12-1991 _"), never a letter or a digit.
_DATE_TAIL = r"[^A-Za-z0-9]*$"


def _date_in(text: str) -> tuple[str | None, str]:
    """Find a date at the end of ``text``; returns (iso or None, text before it)."""
    m = re.search(
        r"([0-9OIlSBDZ]{1,2}[\s\-./]+[0-9OIlSBDZ]{1,2}[\s\-./]+[0-9OIlSBDZ]{4})" + _DATE_TAIL, text
    )
    if m is None:
        m = re.search(r"([0-9OIlSBDZ]{1,2}\s*[A-Za-z]{3,9}\s*[0-9OIlSBDZ]{4})" + _DATE_TAIL, text)
    if m is None:
        return None, text
    return nz.normalise_date(m.group(1)), text[: m.start()]


def _normaliser(kind: str) -> Callable[[str], str | None]:
    table: dict[str, Callable[[str], str | None]] = {
        "date": nz.normalise_date,
        "sex": nz.normalise_sex,
        "nik": nz.normalise_nik,
        "name": nz.normalise_name,
        "text": nz.normalise_text,
        "code": nz.normalise_code,
        "code1": _normalise_doc_type,
        "docnum": nz.normalise_document_number,
        "regnum": nz.normalise_registration,
        "office": nz.normalise_office,
        "nationality": nz.normalise_nationality,
        "rt_rw": nz.normalise_rt_rw,
        "blood": nz.normalise_blood_type,
        "valid": _normalise_valid,
    }
    return table[kind]


def _normalise_doc_type(text: str) -> str | None:
    """``P``, ``PD``, ``V``...: tesseract doubles a lone letter ("Pp"), so a repeat is dropped."""
    t = re.sub(r"[^A-Z]", "", text.upper())
    if len(t) >= 2 and t[0] == t[1]:
        t = t[0]
    return t[:2] or None


def _normalise_valid(text: str) -> str | None:
    t = clean(text)
    if fuzz.partial_ratio(t, "SEUMURHIDUP") >= 80 and len(t) >= 8:
        return "SEUMUR HIDUP"
    return nz.normalise_date(text)


def _field(name: str, words: Sequence[Word], value: str | None, raw: str | None = None) -> Field:
    raw_text = raw if raw is not None else " ".join(w.text for w in words)
    conf = mean_confidence(words)
    if value is None:
        conf = min(conf, 0.3)
    return Field(name=name, value=value, raw=raw_text, confidence=conf, box=union_box(words))


@dataclass(frozen=True)
class _Anchors:
    rows: list[Row]
    best: dict[str, LabelHit]
    starts: dict[int, list[int]]  # row -> x0 of every label in it
    label_words: set[tuple[int, int]]  # (row, word index) taken by a label


def _is_heading(rows: list[Row], hit: LabelHit, headings: Sequence[str]) -> bool:
    """Is the text a label match covers closer to one of the document's titles than to it?"""
    if not headings:
        return False
    row = rows[hit.row]
    # The title's words on either side of the match count too ("PASPOR / PASSPORT").
    lo, hi = max(0, hit.start - 2), min(len(row.words), hit.end + 2)
    text = "".join(clean(w.text) for w in row.words[lo:hi])
    label = "".join(clean(w.text) for w in row.words[hit.start : hit.end])
    own = fuzz.ratio(label, clean(hit.phrase))
    return any(
        fuzz.partial_ratio(clean(hd), text) >= 90 and fuzz.ratio(clean(hd), label) > own
        for hd in headings
    )


def _near_place(row: Row, hit: LabelHit, spec: FieldSpec, window: float, w: int, h: int) -> bool:
    """Is a caption where the layout prints it: above its value (or level with it), at most
    ``window`` of the height above and of the width beside the value's reference place?"""
    if spec.nominal is None:
        return True
    nx, ny, _, nh = spec.nominal
    cy = row.cy / max(h, 1)
    return ny - window <= cy <= ny + nh and abs(hit.x0 / max(w, 1) - nx) <= window


def _anchor(rows: list[Row], template: Template, w: int = 0, h: int = 0) -> _Anchors:
    best: dict[str, LabelHit] = {}
    starts: dict[int, list[int]] = {}
    label_words: set[tuple[int, int]] = set()
    taken: list[LabelHit] = []
    ht = h
    # Long labels first, so "Nama" does not claim the "Nama" of "Nama Lengkap/Full Name".
    specs = sorted(template.fields, key=lambda s: -max(len(clean(p)) for p in s.labels))
    for spec in specs:
        hits = find_label(rows, spec.labels)
        hits = [
            h
            for h in hits
            if not any(t.row == h.row and t.start < h.end and h.start < t.end for t in taken)
            and not _is_heading(rows, h, template.headings)
            and (
                template.label_window is None
                or _near_place(rows[h.row], h, spec, template.label_window, w, ht)
            )
        ]
        if not hits:
            continue
        # The fullest caption wins ("No. Paspor / Passport No." over "Passport No.").
        hit = max(hits, key=lambda h: h.score * len(clean(h.phrase)))
        best[spec.name] = hit
        taken.append(hit)
    for hit in taken:
        starts.setdefault(hit.row, []).append(hit.x0)
        label_words.update((hit.row, i) for i in range(hit.start, hit.end))
    return _Anchors(rows, best, starts, label_words)


def _value_right(a: _Anchors, hit: LabelHit, max_x: int) -> list[Word]:
    row = a.rows[hit.row]
    stops = [x for x in a.starts.get(hit.row, []) if x > hit.x1]
    stop = min([*stops, max_x])
    words = [
        w
        for i, w in enumerate(row.words)
        if i >= hit.end and w.box[0] < stop and (hit.row, i) not in a.label_words
    ]
    return strip_separators(words)


def _value_below(a: _Anchors, hit: LabelHit, max_x: int, left: float | None = None) -> list[Word]:
    """The value on the first row under a caption, between the caption's left edge (or
    ``left``, where the layout starts the column, when that is further left) and ``max_x``."""
    label_row = a.rows[hit.row]
    stops = [x for x in a.starts.get(hit.row, []) if x > hit.x1]
    stop = min([*stops, max_x])
    tol = 0.6 * label_row.height
    x0 = hit.x0 if left is None else min(hit.x0, left)
    limit = label_row.bottom + 3.5 * label_row.height
    for ri in range(hit.row + 1, len(a.rows)):
        row = a.rows[ri]
        if row.top > limit:
            break
        words = [
            w
            for i, w in enumerate(row.words)
            if w.box[0] >= x0 - 4 * tol
            and w.box[0] < stop - tol
            and (ri, i) not in a.label_words
            and not is_mrz_word(w)
        ]
        # Rows holding only captions (an English caption under an Indonesian one) are skipped.
        if words:
            return strip_separators(words)
        # ... but not the next field's caption: the value under it belongs to that field (a
        # name the page pass lost must not become the nationality two rows down, "INDONESIA").
        if any(
            (ri, i) in a.label_words and hit.x0 - 4 * tol <= w.box[0] < stop - tol
            for i, w in enumerate(row.words)
        ):
            break
    return []


def _search_region(a: _Anchors, hit: LabelHit, spec: FieldSpec, max_x: int) -> Box:
    row = a.rows[hit.row]
    stops = [x for x in a.starts.get(hit.row, []) if x > hit.x1]
    stop = min([*stops, max_x])
    h = row.height
    if spec.where == "right":
        return (hit.x1, round(row.top - 0.2 * h), max(1, stop - hit.x1), round(1.4 * h))
    return (hit.x0, row.bottom, max(1, stop - hit.x0), round(2.5 * h))


@dataclass(frozen=True)
class LabelPlace:
    """Where a field's printed label was found: its box, and where the next label in its row
    starts (or the column limit), in page coordinates."""

    box: Box
    stop: int


def extract_fields(
    page: Page, template: Template, labels: dict[str, LabelPlace] | None = None
) -> dict[str, Field]:
    """Read every field of ``template`` from the page's words (boxes in page coordinates).

    ``labels``, when given, is filled with where each field's label was found (for second looks).
    """
    words = [w for w in page.words if not is_mrz_word(w)]
    rows = group_rows(words)
    anchors = _anchor(rows, template, page.width, page.height)
    max_x = page.width
    if template.kind is DocumentKind.IDN_KTP:
        max_x = int(0.70 * page.width)  # the photo column: values never run into it
    out: dict[str, Field] = {}
    for spec in template.fields:
        hit = anchors.best.get(spec.name)
        if hit is None:
            continue
        limit = max_x
        left: float | None = None
        if spec.where == "below" and spec.nominal is not None:
            # Only the end of a date's caption may have been read ("Date of Issue" of
            # "Tanggal Pengeluaran / Date of Issue"): its column starts where the layout starts
            # it when that is further left, or the issue date takes the expiry date printed
            # beside it.  (Not for names: a name the page pass lost would be taken from the
            # pattern under the caption's Indonesian half, "AAY" for NOVI; their looks start
            # the column there.)  A caption that was not read cannot stop the value: the column
            # width does.
            if spec.kind == "date":
                left = spec.nominal[0] * page.width
            start = hit.x0 if left is None else min(hit.x0, left)
            limit = min(max_x, round(start + (spec.nominal[2] + 0.01) * page.width))
        if labels is not None:
            row = anchors.rows[hit.row]
            stops = [x for x in anchors.starts.get(hit.row, []) if x > hit.x1]
            lw = row.words[hit.start : hit.end]
            # Median top and height: one word boxed with a neighbour's stroke must not stretch it.
            tops = sorted(w.box[1] for w in lw)
            hs = sorted(w.box[3] for w in lw)
            lbox = (hit.x0, tops[len(tops) // 2], hit.x1 - hit.x0, hs[len(hs) // 2])
            labels[spec.name] = LabelPlace(lbox, min([*stops, limit]))
        if spec.where == "right":
            vwords = _value_right(anchors, hit, limit)
        else:
            vwords = _value_below(anchors, hit, limit, left)
        fields = read_spec(spec, vwords)
        region = _search_region(anchors, hit, spec, limit)
        for name, f in fields.items():
            # An unreadable value still says where it should have been (for the glare check).
            out[name] = f if f.box is not None else Field(name, f.value, f.raw, 0.0, region)
    if template.kind is DocumentKind.IDN_KTP:
        out.update(_ktp_extras(page, anchors))
    _fill_from_layout(page, template, anchors, out)
    return out


def field_names(spec: FieldSpec) -> tuple[str, ...]:
    return ("birth_place", "birth_date") if spec.kind == "place_date" else (spec.name,)


# A fitted layout scale outside this range is not believed (a shift alone is used instead).
_SCALE_RANGE = (0.8, 1.25)


def _axis_fit(pairs: Sequence[tuple[float, float]], span: float) -> tuple[float, float]:
    """``found = scale * reference + offset`` along one axis, robustly (Theil-Sen: the median
    of the slopes between pairs of fields at least a tenth of the page apart, then the median
    offset).  A shift alone when the fields found do not spread enough to measure a scale."""
    if len(pairs) < 2:
        return 1.0, 0.0
    slopes = [
        (b[1] - a[1]) / (b[0] - a[0])
        for i, a in enumerate(pairs)
        for b in pairs[i + 1 :]
        if abs(b[0] - a[0]) >= 0.1 * span
    ]
    scale = float(np.median(slopes)) if len(pairs) >= 3 and len(slopes) >= 3 else 1.0
    if not _SCALE_RANGE[0] <= scale <= _SCALE_RANGE[1]:
        scale = 1.0
    offsets = [f - scale * r for r, f in pairs]
    if len(offsets) == 2 and abs(offsets[0] - offsets[1]) > 0.03 * span:
        # Two values that disagree: one may be a value read in the next column ("ION" of
        # "IDN" taken for the type "P", 280 px right of its place); the median of two is
        # their mean, half of that error.  The smaller shift is believed.
        return scale, min(offsets, key=abs)
    return scale, float(np.median(offsets))


def layout_shifts(
    template: Template, fields: dict[str, Field], w: int, h: int, text_px: float | None = None
) -> dict[str, tuple[float, float]]:
    """How far each field's reference place is from where the page puts it: (dx, dy) per field.

    Fitted as a scale and a shift per axis to the values that were found: an outline found a
    little inside or outside the document's edge stretches the page as well as shifting it, and
    a shift alone then misses the fields far from the ones found (a passport number 40 px
    above its place when the name is 50 px above its own).  With ``text_px``, only one-line
    boxes count (a box that took in its caption too is taller and sits higher).
    """
    xs: list[tuple[float, float]] = []
    ys: list[tuple[float, float]] = []
    for spec in template.fields:
        f = fields.get(field_names(spec)[0])
        if spec.nominal is None or f is None or f.value is None or f.box is None:
            continue
        if text_px is not None and not (
            0.5 * text_px <= f.box[3] <= (2.5 if spec.where == "right" else 1.5) * text_px
        ):
            continue
        nx, ny, _, nh = spec.nominal
        xs.append((nx * w, float(f.box[0])))
        ys.append(((ny + nh / 2) * h, f.box[1] + f.box[3] / 2))
    sx, tx = _axis_fit(xs, w)
    sy, ty = _axis_fit(ys, h)
    out: dict[str, tuple[float, float]] = {}
    for spec in template.fields:
        if spec.nominal is None:
            out[spec.name] = (0.0, 0.0)
            continue
        nx, ny, _, nh = spec.nominal
        rx, ry = nx * w, (ny + nh / 2) * h
        out[spec.name] = ((sx - 1.0) * rx + tx, (sy - 1.0) * ry + ty)
    return out


def _fill_from_layout(page: Page, template: Template, a: _Anchors, out: dict[str, Field]) -> None:
    """Read fields whose label was not readable from where the layout puts them.

    The reference places are moved like the fields that were found through their labels (a
    scale and a shift, see :func:`layout_shifts`), so a page that sits a little off still reads.
    """
    W, H = page.width, page.height
    shifts = layout_shifts(template, out, W, H)
    taken = {id(a.rows[r].words[i]) for r, i in a.label_words} | {
        id(w) for f in out.values() if f.value is not None for w in _words_in(page, f.box)
    }
    for spec in template.fields:
        names = field_names(spec)
        if spec.nominal is None or all(
            out.get(n) is not None and out[n].value is not None for n in names
        ):
            continue
        nx, ny, nw, nh = spec.nominal
        dx, dy = shifts[spec.name]
        x0, x1 = (nx - 0.01) * W + dx, (nx + nw) * W + dx
        y0, y1 = ny * H + dy, (ny + nh) * H + dy
        inside = [
            w
            for w in page.words
            if x0 <= w.box[0] + w.box[2] / 2 <= x1
            and y0 <= w.cy <= y1
            and id(w) not in taken
            and not is_mrz_word(w)
        ]
        if not inside:
            continue
        rows = group_rows(inside)
        mid = (y0 + y1) / 2
        row = min(rows, key=lambda r: abs(r.cy - mid))
        for name, f in read_spec(spec, strip_separators(list(row.words))).items():
            old = out.get(name)
            if f.value is not None and (old is None or old.value is None):
                out[name] = Field(name, f.value, f.raw, 0.9 * f.confidence, f.box)


def _words_in(page: Page, box: Box | None) -> list[Word]:
    if box is None:
        return []
    x, y, w, h = box
    return [
        wd for wd in page.words if x <= wd.box[0] + wd.box[2] / 2 <= x + w and y <= wd.cy <= y + h
    ]


def read_spec(spec: FieldSpec, vwords: Sequence[Word]) -> dict[str, Field]:
    raw = " ".join(w.text for w in vwords)
    if spec.kind == "place_date":
        iso, before = _date_in(raw)
        if iso is None:
            # The date is unreadable: the place still ends at the comma (or before a token with
            # digits in it), so it is not polluted by the date's remains.
            toks = raw.split()
            cut = next((i + 1 for i, t in enumerate(toks) if t.endswith(",")), None)
            if cut is None:
                cut = next(
                    (i for i, t in enumerate(toks) if any(c.isdigit() for c in t)), len(toks)
                )
            before = " ".join(toks[:cut]) + (" " if cut < len(toks) else "")
        place = nz.normalise_text(before.rstrip(" ,.;"))
        n_place = len(before.split())
        place_words = list(vwords[:n_place]) if n_place else []
        date_words = list(vwords[n_place:])
        return {
            "birth_place": _field("birth_place", place_words, place, before.strip(" ,")),
            "birth_date": _field("birth_date", date_words, iso, raw[len(before) :].strip()),
        }
    if not vwords:
        return {spec.name: Field(spec.name, None, "", 0.0, None)}
    value = _normaliser(spec.kind)(raw)
    if value is not None and spec.pattern is not None and not re.fullmatch(spec.pattern, value):
        value = _pattern_head(spec, value)
    if value is not None and spec.kind == "date":
        vwords = words_of_date(vwords, value)
    return {spec.name: _field(spec.name, vwords, value)}


def _pattern_head(spec: FieldSpec, value: str) -> str | None:
    """A number that fits its pattern followed by one or two letters read from the guilloche
    or glare after it ("B3983934ON"): the number.  Anything else that does not fit is unread,
    not wrong (e.g. a passport number whose letter was lost)."""
    if spec.kind != "docnum" or spec.pattern is None:
        return None
    m = re.match(f"(?:{spec.pattern})", value)
    if m is None:
        return None
    rest = value[m.end() :]
    return m.group(0) if 1 <= len(rest) <= 2 and rest.isalpha() else None


def words_of_date(vwords: Sequence[Word], iso: str) -> list[Word]:
    """The words that make up a date: the first ones that read as it on their own.

    A passport prints its issue and expiry dates side by side; when the expiry's caption is not
    read, its date joins the issue date's words ("17 JAN 2026 17 JAN 2036").  The issue date
    must not claim them, or the expiry cannot be found where the layout prints it.
    """
    for k in range(1, len(vwords)):
        if nz.normalise_date(" ".join(w.text for w in vwords[:k])) == iso:
            return list(vwords[:k])
    return list(vwords)


def _ktp_extras(page: Page, a: _Anchors) -> dict[str, Field]:
    """KTP fields printed without labels: the regency under the province, issue place and date
    under the photo."""
    out: dict[str, Field] = {}
    prov = a.best.get("province")
    if prov is not None and prov.row + 1 < len(a.rows):
        row = a.rows[prov.row + 1]
        if not any((prov.row + 1, i) in a.label_words for i in range(len(row.words))):
            words = list(row.words)
            out["regency"] = _field("regency", words, nz.normalise_text(row.text()))
    right = [
        w
        for w in page.words
        if w.box[0] >= 0.66 * page.width and w.cy >= 0.62 * page.height and not is_mrz_word(w)
    ]
    rows = group_rows(right)
    for ri, row in enumerate(rows):
        iso, before = _date_in(row.text())
        if iso is None or before.strip():
            continue
        out["issue_date"] = _field("issue_date", row.words, iso)
        if ri > 0:
            prev = rows[ri - 1]
            out["issue_place"] = _field("issue_place", prev.words, nz.normalise_text(prev.text()))
        break
    return out
