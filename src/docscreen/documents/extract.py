"""Label-anchored field extraction from OCR word boxes.

Values are found next to their printed labels (to the right on a KTP, below on a passport page)
rather than at fixed pixel positions, so layouts that shift a little still read.  Works on word
boxes in the rectified document's coordinates; :mod:`docscreen.documents.read` maps boxes back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
from docscreen.models import DocumentKind, Field
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


def _strip_separators(words: Sequence[Word]) -> list[Word]:
    out = list(words)
    while out and (out[0].text in _SEPARATORS or set(out[0].text) <= _SEPARATORS):
        out.pop(0)
    if out and out[0].text[:1] in _SEPARATORS:
        w = out[0]
        out[0] = Word(w.text.lstrip(":;=|"), w.confidence, w.box, w.line)
        if not out[0].text:
            out.pop(0)
    return out


def _date_in(text: str) -> tuple[str | None, str]:
    """Find a date at the end of ``text``; returns (iso or None, text before it)."""
    m = re.search(
        r"([0-9OIlSBDZ]{1,2}[\s\-./]+[0-9OIlSBDZ]{1,2}[\s\-./]+[0-9OIlSBDZ]{4})\s*$", text
    )
    if m is None:
        m = re.search(r"([0-9OIlSBDZ]{1,2}\s*[A-Za-z]{3,9}\s*[0-9OIlSBDZ]{4})\s*$", text)
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
        "code1": lambda t: re.sub(r"[^A-Z]", "", t.upper())[:2] or None,
        "docnum": nz.normalise_document_number,
        "regnum": nz.normalise_registration,
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


def _anchor(rows: list[Row], template: Template) -> _Anchors:
    best: dict[str, LabelHit] = {}
    starts: dict[int, list[int]] = {}
    label_words: set[tuple[int, int]] = set()
    taken: list[LabelHit] = []
    # Long labels first, so "Nama" does not claim the "Nama" of "Nama Lengkap/Full Name".
    specs = sorted(template.fields, key=lambda s: -max(len(clean(p)) for p in s.labels))
    for spec in specs:
        hits = find_label(rows, spec.labels)
        hits = [
            h
            for h in hits
            if not any(t.row == h.row and t.start < h.end and h.start < t.end for t in taken)
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
    return _strip_separators(words)


def _value_below(a: _Anchors, hit: LabelHit, max_x: int) -> list[Word]:
    label_row = a.rows[hit.row]
    stops = [x for x in a.starts.get(hit.row, []) if x > hit.x1]
    stop = min([*stops, max_x])
    tol = 0.6 * label_row.height
    limit = label_row.bottom + 3.5 * label_row.height
    for ri in range(hit.row + 1, len(a.rows)):
        row = a.rows[ri]
        if row.top > limit:
            break
        words = [
            w
            for i, w in enumerate(row.words)
            if w.box[0] >= hit.x0 - 4 * tol
            and w.box[0] < stop - tol
            and (ri, i) not in a.label_words
            and not is_mrz_word(w)
        ]
        # Rows holding only captions (an English caption under an Indonesian one) are skipped.
        if words:
            return _strip_separators(words)
    return []


def extract_fields(page: Page, template: Template) -> dict[str, Field]:
    """Read every field of ``template`` from the page's words (boxes in page coordinates)."""
    words = [w for w in page.words if not is_mrz_word(w)]
    rows = group_rows(words)
    anchors = _anchor(rows, template)
    max_x = page.width
    if template.kind is DocumentKind.IDN_KTP:
        max_x = int(0.70 * page.width)  # the photo column: values never run into it
    out: dict[str, Field] = {}
    for spec in template.fields:
        hit = anchors.best.get(spec.name)
        if hit is None:
            continue
        if spec.where == "right":
            vwords = _value_right(anchors, hit, max_x)
        else:
            vwords = _value_below(anchors, hit, max_x)
        out.update(_read_spec(spec, vwords))
    if template.kind is DocumentKind.IDN_KTP:
        out.update(_ktp_extras(page, anchors))
    return out


def _read_spec(spec: FieldSpec, vwords: Sequence[Word]) -> dict[str, Field]:
    raw = " ".join(w.text for w in vwords)
    if spec.kind == "place_date":
        iso, before = _date_in(raw)
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
    return {spec.name: _field(spec.name, vwords, value)}


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
