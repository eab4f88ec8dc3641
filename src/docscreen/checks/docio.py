"""Documents from JSON: the ``Document.to_dict`` shape (what ``docscreen read --json`` prints) and the
generator's truth JSON (a "perfect reader" document: every field exactly as printed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from docscreen.checks.mrzview import mrz_result_from_lines
from docscreen.errors import InputError
from docscreen.models import (
    Box,
    Document,
    DocumentKind,
    Field,
    FieldSource,
    MrzField,
    MrzResult,
    Quality,
    Repair,
)


def _box(value: Any) -> Box | None:
    if isinstance(value, list | tuple) and len(value) == 4:
        try:
            x, y, w, h = (int(v) for v in value)
        except (TypeError, ValueError):
            return None
        return (x, y, w, h)
    return None


def _kind(value: Any) -> DocumentKind:
    try:
        return DocumentKind(str(value))
    except ValueError as exc:
        raise InputError(f"unknown document kind {value!r}") from exc


def _source(value: Any) -> FieldSource:
    try:
        return FieldSource(str(value))
    except ValueError:
        return FieldSource.VIZ


def mrz_from_dict(d: dict[str, Any]) -> MrzResult:
    fields = {
        name: MrzField(
            name,
            str(f.get("value", "")),
            str(f.get("raw", "")),
            str(f.get("check", "none")),
            bool(f.get("covered", False)),
        )
        for name, f in dict(d.get("fields") or {}).items()
        if isinstance(f, dict)
    }
    repairs = tuple(
        Repair(int(r["line"]), int(r["column"]), str(r["read"]), str(r["used"]), str(r["reason"]))
        for r in d.get("repairs") or []
        if isinstance(r, dict)
    )
    return MrzResult(
        found=bool(d.get("found", False)),
        format=d.get("format"),
        lines=tuple(str(x) for x in d.get("lines") or ()),
        valid=bool(d.get("valid", False)),
        fields=fields,
        checks={str(k): str(v) for k, v in dict(d.get("checks") or {}).items()},
        repairs=repairs,
        box=_box(d.get("box")),
        confidence=float(d.get("confidence") or 0.0),
        seconds=float(d.get("seconds") or 0.0),
        reason=d.get("reason"),
    )


def document_from_dict(d: dict[str, Any]) -> Document:
    """A Document from its ``to_dict`` JSON form (or the truth JSON of a generated specimen)."""
    if not isinstance(d, dict) or "kind" not in d:
        raise InputError("a document JSON object needs at least 'kind' and 'fields'")
    if "mrz_lines" in d or "person" in d:
        return document_from_truth(d)
    fields: dict[str, Field] = {}
    for name, f in dict(d.get("fields") or {}).items():
        if isinstance(f, dict):
            value = f.get("value")
            fields[name] = Field(
                name,
                None if value is None else str(value),
                str(f.get("raw") or (value or "")),
                # A value given without a confidence is taken as given (typed, or from a system).
                float(f["confidence"]) if f.get("confidence") is not None else 1.0,
                _box(f.get("box")),
                _source(f.get("source", "viz")),
            )
        elif f is not None:
            fields[name] = Field(name, str(f), str(f), 1.0, None, FieldSource.ENTERED)
    q = d.get("quality") or {}
    quality = Quality(
        usable=bool(q.get("usable", True)),
        reasons=tuple(str(r) for r in q.get("reasons") or ()),
        metrics={str(k): float(v) for k, v in dict(q.get("metrics") or {}).items()},
    )
    mrz = mrz_from_dict(d["mrz"]) if isinstance(d.get("mrz"), dict) else None
    size = d.get("image_size")
    return Document(
        file=d.get("file"),
        kind=_kind(d["kind"]),
        fields=fields,
        mrz=mrz,
        quality=quality,
        image_size=(int(size[0]), int(size[1]))
        if isinstance(size, list) and len(size) == 2
        else None,
        page=d.get("page"),
        sha256=d.get("sha256"),
        reason=d.get("reason"),
    )


def document_from_truth(t: dict[str, Any], today: dt.date | None = None) -> Document:
    """A perfect-reader Document from a generator truth JSON (fields and MRZ lines exactly)."""
    fields: dict[str, Field] = {}
    for name, f in dict(t.get("fields") or {}).items():
        value = f.get("value") if isinstance(f, dict) else f
        box = _box(f.get("box")) if isinstance(f, dict) else None
        if value is None:
            continue
        fields[name] = Field(name, str(value), str(value), 1.0, box, FieldSource.VIZ)
    mrz = None
    lines = t.get("mrz_lines")
    if lines:
        mrz = mrz_result_from_lines([str(x) for x in lines], today)
        box = _box(t.get("mrz_box"))
        if box is not None:
            from dataclasses import replace

            mrz = replace(mrz, box=box)
    return Document(
        file=t.get("file") or (f"{t['id']}.json" if t.get("id") else None),
        kind=_kind(t.get("kind", "unknown")),
        fields=fields,
        mrz=mrz,
        quality=Quality(usable=bool(t.get("usable", True))),
    )
