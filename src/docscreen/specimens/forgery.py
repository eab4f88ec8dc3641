"""Forgery operators: alter a rendered page the way document forgers do, and say exactly what changed.

Each operator returns the altered page, a mask of every pixel it touched (0/255) and the fields whose
printed value changed.  Pixels outside the mask are identical to the genuine page of the same seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from docscreen.errors import InputError
from docscreen.indonesia.nik import parse_nik
from docscreen.mrz.checkdigit import check_digit
from docscreen.specimens import data, mrzgen
from docscreen.specimens.kinds import MRZ_PITCH, Rendered, date_text
from docscreen.specimens.person import add_years, age_on, faker_for, indonesian_name, split_name
from docscreen.specimens.render import TextRun, draw_text, font, portrait, to_bgr

Box = tuple[int, int, int, int]
Image8 = NDArray[np.uint8]

# Single-document operators and the kinds they apply to.
_MRZ_KINDS = frozenset({"idn_passport", "td1_card", "td2_card", "visa_a", "visa_b"})
_ALL_KINDS = _MRZ_KINDS | {"idn_ktp"}
APPLIES: dict[str, frozenset[str]] = {
    "viz_birth_date": _ALL_KINDS,
    "mrz_recomputed": _MRZ_KINDS,
    "mrz_raw": _MRZ_KINDS,
    "nik_mismatch": frozenset({"idn_ktp"}),
    "photo_swap": _ALL_KINDS,
    "inpaint_retype": _ALL_KINDS,
    "copy_move": _ALL_KINDS,
    "expired": frozenset({"idn_passport"}),
}
OPERATORS: tuple[str, ...] = tuple(APPLIES)
BUNDLE_OPERATORS: tuple[str, ...] = ("bundle_age_cross", "name_swap")


def applicable(operator: str, kind: str) -> bool:
    if operator in BUNDLE_OPERATORS:
        return kind == "bundle"
    return kind in APPLIES.get(operator, frozenset())


@dataclass
class ForgeryResult:
    operator: str
    image: Image8  # BGR page (before capture)
    mask: Image8  # 0/255, page pixels
    altered_fields: list[str]
    values: dict[str, str]  # canonical value of every printed field, as now printed
    texts: dict[str, str] = field(default_factory=dict)  # printed text of altered fields
    boxes: dict[str, Box] = field(default_factory=dict)  # new boxes of altered fields
    mrz_lines: list[str] | None = None
    mrz_fields: dict[str, str] | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Work:
    """A page being forged: pixels, touched mask, and the bookkeeping for the truth."""

    r: Rendered
    page: Image8
    mask: Image8
    values: dict[str, str]
    mrz_lines: list[str] | None
    mrz_fields: dict[str, str]
    texts: dict[str, str] = field(default_factory=dict)
    boxes: dict[str, Box] = field(default_factory=dict)
    altered: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def result(self, operator: str) -> ForgeryResult:
        return ForgeryResult(
            operator,
            self.page,
            self.mask,
            self.altered,
            self.values,
            self.texts,
            self.boxes,
            self.mrz_lines,
            self.mrz_fields,
            self.details,
        )

    def mark(self, name: str) -> None:
        if name not in self.altered:
            self.altered.append(name)


# --- text helpers -------------------------------------------------------------------------------


def _ink_mask(page: Image8, box: Box, pad: int = 4) -> Image8:
    """Pixels of printed ink inside ``box``: clearly darker than the paper around them."""
    h, w = page.shape[:2]
    x, y, bw, bh = box
    x0, y0 = max(0, x - pad), max(0, y - pad)
    x1, y1 = min(w, x + bw + pad), min(h, y + bh + pad)
    grey = cv2.cvtColor(page[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    paper = float(np.percentile(grey, 80))
    ink = (grey < paper - 45).astype(np.uint8) * 255
    ink = np.asarray(cv2.dilate(ink, np.ones((5, 5), np.uint8)), dtype=np.uint8)
    out = np.zeros((h, w), np.uint8)
    out[y0:y1, x0:x1] = ink
    return out


def _crop_window(page: Image8, box: Box, margin: int) -> tuple[int, int, int, int]:
    h, w = page.shape[:2]
    x, y, bw, bh = box
    return max(0, x - margin), max(0, y - margin), min(w, x + bw + margin), min(h, y + bh + margin)


def _erase(work: _Work, box: Box) -> None:
    """Remove the text in ``box`` the way a forger does: inpaint it from the surrounding print."""
    region = _ink_mask(work.page, box)
    if not region.any():
        return
    # Inpaint a window around the box only (the rest of the page is untouched anyway).
    x0, y0, x1, y1 = _crop_window(work.page, box, 16)
    patch = cv2.inpaint(work.page[y0:y1, x0:x1], region[y0:y1, x0:x1], 3, cv2.INPAINT_TELEA)
    work.page = work.page.copy()
    work.page[y0:y1, x0:x1] = np.asarray(patch, dtype=np.uint8)
    work.mask |= region


def _draw(work: _Work, run: TextRun) -> TextRun:
    f = font(run.family, run.size)
    bx0, by0, bx1, by1 = f.getbbox(run.text, anchor="ls")
    width = (len(run.text) * run.spacing + run.size) if run.spacing else (bx1 - bx0)
    guess = (run.x + int(bx0), run.y + int(by0), int(width) + 2, int(by1 - by0) + 2)
    x0, y0, x1, y1 = _crop_window(work.page, guess, 12)
    before = work.page[y0:y1, x0:x1]
    img = Image.fromarray(np.ascontiguousarray(before[:, :, ::-1]))
    d = ImageDraw.Draw(img)
    local = draw_text(
        d,
        run.field,
        run.text,
        (run.x - x0, run.y - y0),
        run.family,
        run.size,
        run.fill,
        pitch=run.spacing,
    )
    after = to_bgr(img)
    changed = np.any(after != before, axis=2)
    lx, ly, bw, bh = local.box
    touched = np.zeros(changed.shape, np.uint8)
    touched[changed] = 255
    touched[max(0, ly - 2) : ly + bh + 2, max(0, lx - 2) : lx + bw + 2] = 255
    work.mask[y0:y1, x0:x1] |= touched
    work.page = work.page.copy()
    work.page[y0:y1, x0:x1] = after
    return TextRun(
        run.field,
        run.text,
        run.family,
        run.size,
        run.x,
        run.y,
        run.fill,
        (lx + x0, ly + y0, bw, bh),
        run.spacing,
    )


def retype(
    work: _Work, name: str, new_text: str, rng: random.Random, *, jitter: bool = True
) -> TextRun:
    """Erase a printed field and print ``new_text`` in its place, a little off (size, position, ink)."""
    run = work.r.runs[name]
    _erase(work, run.box)
    size, dx, dy, fill = run.size, 0, 0, run.fill
    if jitter:
        size = max(8, round(run.size * rng.uniform(0.93, 1.07)))
        if size == run.size:
            size += rng.choice((-1, 1))
        dx, dy = rng.randint(-3, 3), rng.randint(-2, 2)
        shift = rng.randint(-18, 18)
        fill = (
            max(0, min(255, run.fill[0] + shift)),
            max(0, min(255, run.fill[1] + shift)),
            max(0, min(255, run.fill[2] + shift + rng.randint(-10, 10))),
        )
    new = _draw(
        work,
        TextRun(
            name, new_text, run.family, size, run.x + dx, run.y + dy, fill, run.box, run.spacing
        ),
    )
    work.texts[name] = new_text
    work.boxes[name] = new.box
    work.mark(name)
    work.details.setdefault("retyped", {})[name] = {"size": [run.size, size], "offset": [dx, dy]}
    return new


def retype_mrz(work: _Work, new_lines: list[str]) -> list[tuple[int, int]]:
    """Re-print only the MRZ characters that differ (fixed pitch, same font)."""
    changed: list[tuple[int, int]] = []
    assert work.mrz_lines is not None
    for li, (old, new) in enumerate(zip(work.mrz_lines, new_lines, strict=True)):
        run = work.r.mrz_runs[li]
        cells = run.char_boxes()
        for ci, (a, b) in enumerate(zip(old, new, strict=True)):
            if a == b:
                continue
            changed.append((li, ci))
            cx = run.x + round(ci * MRZ_PITCH)
            cell = (cx, run.box[1], round(MRZ_PITCH), run.box[3])
            if cells[ci][2] > 0:
                _erase(work, cell)
            _draw(work, TextRun(run.field, b, run.family, run.size, cx, run.y, run.fill, cell))
    work.mrz_lines = list(new_lines)
    if changed:
        work.mark("mrz")
    return changed


def _date_format(r: Rendered, name: str, day: dt.date) -> str:
    if r.kind == "idn_ktp":
        return day.strftime("%d-%m-%Y")
    months = data.MONTHS_ID if r.style.get("months") == "id" else data.MONTHS_EN
    return date_text(day, months)


def _shift_date(
    rng: random.Random, day: dt.date, today: dt.date, *, min_years: int = 1, max_years: int = 6
) -> dt.date:
    for _ in range(20):
        years = rng.randint(min_years, max_years) * rng.choice((-1, 1))
        new = add_years(day, years) + dt.timedelta(days=rng.randint(-40, 40))
        if new != day and new < today - dt.timedelta(days=365 * 15):
            return new
    return add_years(day, -min_years - 1)


def _mrz_with_birth_date(fmt: str, lines: list[str], new: dt.date) -> list[str]:
    li, col = mrzgen.DATE_SPANS[fmt]["birth_date"]
    out = list(lines)
    out[li] = out[li][:col] + mrzgen.yymmdd(new) + out[li][col + 6 :]
    return out


# --- operators ------------------------------------------------------------------------------------

Operator = Callable[[_Work, random.Random, dt.date], None]


def _viz_birth_date(work: _Work, rng: random.Random, today: dt.date) -> None:
    old = dt.date.fromisoformat(work.values["birth_date"])
    new = _shift_date(rng, old, today)
    retype(work, "birth_date", _date_format(work.r, "birth_date", new), rng)
    work.values["birth_date"] = new.isoformat()
    work.details.update(
        {"field": "birth_date", "original": old.isoformat(), "new": new.isoformat()}
    )


def _mrz_edit(recompute: bool) -> Operator:
    def op(work: _Work, rng: random.Random, today: dt.date) -> None:
        assert work.mrz_lines is not None and work.r.mrz_format is not None
        fmt = work.r.mrz_format
        old = dt.date.fromisoformat(work.mrz_fields["birth_date"])
        li, col = mrzgen.DATE_SPANS[fmt]["birth_date"]
        old_digit = work.mrz_lines[li][col + 6]
        for _ in range(50):
            new = _shift_date(rng, old, today)
            lines = _mrz_with_birth_date(fmt, work.mrz_lines, new)
            if recompute:
                lines = mrzgen.recompute(fmt, lines)
                break
            # Without recomputing, the printed date digit must no longer match (else it is not
            # detectable by the check digit, which this operator promises).
            if check_digit(mrzgen.yymmdd(new)) != old_digit:
                break
        changed = retype_mrz(work, lines)
        work.mrz_fields["birth_date"] = new.isoformat()
        work.details.update(
            {
                "field": "birth_date",
                "original": old.isoformat(),
                "new": new.isoformat(),
                "check_digits_recomputed": recompute,
                "changed_cells": [list(c) for c in changed],
            }
        )

    return op


def _nik_mismatch(work: _Work, rng: random.Random, today: dt.date) -> None:
    nik = work.values["nik"]
    parts = parse_nik(nik)
    assert parts is not None
    mode = rng.choice(("sex", "birth_date"))
    day = int(nik[6:8])
    if mode == "sex":
        day = day - 40 if day > 40 else day + 40
        new_nik = f"{nik[:6]}{day:02d}{nik[8:]}"
    else:
        birth = dt.date.fromisoformat(work.values["birth_date"])
        new_birth = _shift_date(rng, birth, today)
        offset = 40 if parts.sex == "F" else 0
        new_nik = f"{nik[:6]}{new_birth.day + offset:02d}{new_birth:%m%y}{nik[12:]}"
    retype(work, "nik", new_nik, rng)
    work.values["nik"] = new_nik
    work.details.update({"field": "nik", "mode": mode, "original": nik, "new": new_nik})


def _photo_swap(work: _Work, rng: random.Random, today: dt.date) -> None:
    box = work.r.portrait_box
    assert box is not None
    x, y, w, h = box
    # Another face, pasted a few pixels off and a touch rescaled (a glued-in photo).
    dw, dh = rng.randint(-8, 8), rng.randint(-8, 8)
    bg_shift = rng.randint(-20, 20)
    old_bg = tuple(int(v) for v in work.page[y + 3, x + 3][::-1])
    bg = (
        max(0, min(255, old_bg[0] + bg_shift)),
        max(0, min(255, old_bg[1] + bg_shift)),
        max(0, min(255, old_bg[2] + bg_shift)),
    )
    face = to_bgr(
        portrait(
            random.Random(rng.getrandbits(64)), (w + dw, h + dh), bg, work.values.get("sex", "")
        )
    )
    px, py = x + rng.randint(-4, 4) - dw // 2, y + rng.randint(-4, 4) - dh // 2
    ph, pw = face.shape[:2]
    H, W = work.page.shape[:2]
    x0, y0, x1, y1 = max(0, px), max(0, py), min(W, px + pw), min(H, py + ph)
    work.page = work.page.copy()
    work.page[y0:y1, x0:x1] = face[y0 - py : y1 - py, x0 - px : x1 - px]
    work.mask[y0:y1, x0:x1] = 255
    work.mark("portrait")
    work.details.update({"field": "portrait", "pasted_box": [x0, y0, x1 - x0, y1 - y0]})


# Fields the retype and copy-move operators pick from, per kind, and how a new value is made.
_RETYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "idn_passport": ("full_name", "birth_date", "document_number", "expiry_date", "birth_place"),
    "idn_ktp": ("full_name", "birth_date", "nik", "address"),
    "td1_card": ("surname", "birth_date", "document_number", "expiry_date"),
    "td2_card": ("surname", "birth_date", "document_number", "expiry_date"),
    "visa_a": ("surname", "birth_date", "document_number", "expiry_date"),
    "visa_b": ("surname", "birth_date", "document_number", "expiry_date"),
}
_DATES = ("birth_date", "expiry_date", "issue_date")


def _new_value(work: _Work, name: str, rng: random.Random, today: dt.date) -> tuple[str, str]:
    """(printed text, canonical value) of a plausible different value for field ``name``."""
    old_text = work.r.runs[name].text
    if name in _DATES:
        old = dt.date.fromisoformat(work.values[name])
        new = (
            _shift_date(rng, old, today)
            if name == "birth_date"
            else add_years(old, rng.choice((1, 2, 5)))
        )
        return _date_format(work.r, name, new), new.isoformat()
    if name in ("document_number", "nik"):
        chars = list(old_text)
        idx = [i for i, c in enumerate(chars) if c.isdigit() and (name != "nik" or i >= 12)]
        for i in rng.sample(idx, k=min(len(idx), rng.randint(1, 3))):
            chars[i] = rng.choice([d for d in "0123456789" if d != chars[i]])
        text = "".join(chars)
        return text, text
    if name in ("full_name", "surname"):
        sex = work.values.get("sex", "M")
        for _ in range(20):
            text = indonesian_name(
                rng, faker_for(rng), sex if sex in ("M", "F") else "M", _no_names()
            )
            if name == "surname":
                text = split_name(text)[0]
            # Another person's name shares no token with the holder's: a name that only adds or
            # drops one (AJIONO -> AJIONO SIHOTANG) is the same person under the Indonesian naming
            # rules the screening applies (one extra family name or patronymic is allowed).
            if set(text.split()).isdisjoint(old_text.split()):
                return text, text
    if name == "birth_place":
        text = rng.choice([p for p in data.BIRTH_PLACES_NTT if p != old_text])
        return text, text
    text = f"{old_text.split(' NO. ')[0]} NO. {rng.randint(121, 300)}"
    return text, text


def _no_names() -> Any:
    from docscreen.specimens.person import NameLists

    return NameLists()


def _inpaint_retype(work: _Work, rng: random.Random, today: dt.date) -> None:
    name = rng.choice([n for n in _RETYPE_FIELDS[work.r.kind] if n in work.r.runs])
    text, value = _new_value(work, name, rng, today)
    original = work.values[name]
    retype(work, name, text, rng)
    work.values[name] = value
    work.details.update({"field": name, "original": original, "new": value})


def _copy_move(work: _Work, rng: random.Random, today: dt.date) -> None:
    """Copy 1-3 glyphs from elsewhere on the page over characters of a numeric field."""
    targets = [
        n for n in ("birth_date", "document_number", "nik", "expiry_date") if n in work.r.runs
    ]
    rng.shuffle(targets)
    for name in targets:
        plan = _copy_plan(work, name, rng, today)
        if plan:
            break
    else:
        raise _NoSource("no field has a source glyph")
    run = work.r.runs[name]
    text = list(run.text)
    moved: list[dict[str, Any]] = []
    for pos, digit, src, si in plan:
        _paste_glyph(work, src, si, run, pos)
        text[pos] = digit
        moved.append(
            {"position": pos, "from": run.text[pos], "to": digit, "source_field": src.field}
        )
    new_text = "".join(text)
    work.texts[name] = new_text
    work.boxes[name] = run.box
    work.mark(name)
    original = work.values[name]
    work.values[name] = _value_from_text(work, name, new_text)
    work.details.update(
        {"field": name, "original": original, "new": work.values[name], "glyphs": moved}
    )


def _copy_plan(
    work: _Work, name: str, rng: random.Random, today: dt.date
) -> list[tuple[int, str, TextRun, int]]:
    """Which characters of ``name`` to overwrite, with which glyph from where (may be empty)."""
    run = work.r.runs[name]
    # Glyph sources: the same character printed in the same font elsewhere on the page.
    sources: dict[str, list[tuple[TextRun, int]]] = {}
    for other in work.r.runs.values():
        # Same font; a glyph of another size is rescaled (as a forger's editor would).
        if other.field == name or other.family != run.family:
            continue
        for i, ch in enumerate(other.text):
            if ch.isdigit():
                sources.setdefault(ch, []).append((other, i))
    digit_pos = [i for i, c in enumerate(run.text) if c.isdigit()]
    if name in _DATES:
        digit_pos = digit_pos[-2:]  # touch the year so the date stays a date
    elif name == "nik":
        digit_pos = [i for i in digit_pos if 6 <= i < 12]
    if not digit_pos:
        return []
    chosen = sorted(rng.sample(digit_pos, k=rng.randint(1, min(3, len(digit_pos)))))
    plan: list[tuple[int, str, TextRun, int]] = []
    text = run.text
    for pos in chosen:
        options = [d for d in sources if d != run.text[pos]]
        if name in _DATES:
            options = [
                d for d in options if _valid_year_change(name, run.text, text, pos, d, today)
            ]
        if not options:
            continue
        digit = rng.choice(sorted(options))
        same_size = [c for c in sources[digit] if abs(c[0].size - run.size) <= 1]
        src, si = rng.choice(same_size or sources[digit])
        plan.append((pos, digit, src, si))
        text = text[:pos] + digit + text[pos + 1 :]
    return plan


class _NoSource(Exception):
    pass


def _valid_year_change(
    name: str, original: str, text: str, pos: int, digit: str, today: dt.date
) -> bool:
    year = int((text[:pos] + digit + text[pos + 1 :])[-4:])
    old = int(original[-4:])
    if name == "expiry_date":  # forgers push an expiry later, not earlier
        return old < year <= old + 9
    return 1930 <= year <= today.year - 1 and year != old


def _value_from_text(work: _Work, name: str, text: str) -> str:
    if name not in _DATES:
        return text
    old = dt.date.fromisoformat(work.values[name])
    year = int(text[-4:])
    try:
        return old.replace(year=year).isoformat()
    except ValueError:
        return old.replace(year=year, day=28).isoformat()


def _paste_glyph(work: _Work, src: TextRun, si: int, dst: TextRun, di: int) -> None:
    f_src = font(src.family, src.size)
    f_dst = font(dst.family, dst.size)
    asc, desc = f_dst.getmetrics() if hasattr(f_dst, "getmetrics") else (dst.size, dst.size // 4)
    top, bottom = int(asc * 0.8), int(desc * 0.5)
    sx = src.x + int(f_src.getlength(src.text[:si]))
    sw = max(1, int(f_src.getlength(src.text[si])))
    dx = dst.x + int(f_dst.getlength(dst.text[:di]))
    dw = max(1, int(f_dst.getlength(dst.text[di])))
    patch = work.page[src.y - top : src.y + bottom, sx : sx + sw].copy()
    if patch.shape[1] != dw:
        patch = np.asarray(
            cv2.resize(patch, (dw, top + bottom), interpolation=cv2.INTER_LINEAR), dtype=np.uint8
        )
    work.page = work.page.copy()
    work.page[dst.y - top : dst.y + bottom, dx : dx + dw] = patch
    work.mask[dst.y - top : dst.y + bottom, dx : dx + dw] = 255


def _expired(work: _Work, rng: random.Random, today: dt.date) -> None:
    # The page was rendered with expired dates; nothing on it is altered.
    expiry = dt.date.fromisoformat(work.values["expiry_date"])
    work.details.update({"expiry_date": expiry.isoformat(), "days_expired": (today - expiry).days})


def _bundle_age_cross(work: _Work, rng: random.Random, today: dt.date) -> None:
    """Make a minor's document say 18+; keep that document internally consistent (NIK / MRZ)."""
    old = dt.date.fromisoformat(work.values["birth_date"])
    years_needed = 18 - age_on(old, today)
    new = add_years(old, -(years_needed + rng.randint(0, 3))) - dt.timedelta(
        days=rng.randint(1, 200)
    )
    retype(work, "birth_date", _date_format(work.r, "birth_date", new), rng)
    work.values["birth_date"] = new.isoformat()
    if "nik" in work.r.runs:
        nik = work.values["nik"]
        offset = 40 if int(nik[6:8]) > 40 else 0
        new_nik = f"{nik[:6]}{new.day + offset:02d}{new:%m%y}{nik[12:]}"
        retype(work, "nik", new_nik, rng)
        work.values["nik"] = new_nik
    if work.mrz_lines is not None and work.r.mrz_format is not None:
        lines = mrzgen.recompute(
            work.r.mrz_format, _mrz_with_birth_date(work.r.mrz_format, work.mrz_lines, new)
        )
        retype_mrz(work, lines)
        work.mrz_fields["birth_date"] = new.isoformat()
    work.details.update(
        {
            "original": old.isoformat(),
            "new": new.isoformat(),
            "age_true": age_on(old, today),
            "age_claimed": age_on(new, today),
        }
    )


def _name_swap(work: _Work, rng: random.Random, today: dt.date) -> None:
    """Print another person's name on this document (MRZ name too, where there is one)."""
    old = work.values["full_name"]
    text, _ = _new_value(work, "full_name", rng, today)
    retype(work, "full_name", text, rng)
    work.values["full_name"] = text
    if work.mrz_lines is not None and work.r.mrz_format == "TD3":
        surname, given = split_name(text)
        line1 = work.mrz_lines[0][:5] + mrzgen.name_field(surname, given, 39)
        retype_mrz(work, [line1, work.mrz_lines[1]])
        work.mrz_fields["surname"] = surname
        work.mrz_fields["given_names"] = given
    work.details.update({"field": "full_name", "original": old, "new": text})


_IMPLS: dict[str, Operator] = {
    "viz_birth_date": _viz_birth_date,
    "mrz_recomputed": _mrz_edit(True),
    "mrz_raw": _mrz_edit(False),
    "nik_mismatch": _nik_mismatch,
    "photo_swap": _photo_swap,
    "inpaint_retype": _inpaint_retype,
    "copy_move": _copy_move,
    "expired": _expired,
    "bundle_age_cross": _bundle_age_cross,
    "name_swap": _name_swap,
}


def apply_forgery(
    operator: str, r: Rendered, rng: random.Random, *, seed: int, options_today: dt.date
) -> ForgeryResult:
    """Apply ``operator`` to the clean page ``r``; raises ValueError when it does not apply."""
    impl = _IMPLS.get(operator)
    if impl is None:
        raise InputError(f"unknown forgery {operator!r}; choose from {', '.join(_IMPLS)}")
    if operator in APPLIES and r.kind not in APPLIES[operator]:
        raise InputError(f"forgery {operator!r} does not apply to {r.kind}")
    page = to_bgr(r.image)
    work = _Work(
        r,
        page,
        np.zeros(page.shape[:2], np.uint8),
        dict(r.values),
        list(r.mrz_lines) if r.mrz_lines else None,
        dict(r.mrz_fields),
    )
    try:
        impl(work, rng, options_today)
    except _NoSource:
        # No glyph of another digit in the same font on this page: retype instead (recorded).
        work = _Work(
            r,
            page,
            np.zeros(page.shape[:2], np.uint8),
            dict(r.values),
            work.mrz_lines,
            dict(r.mrz_fields),
        )
        _inpaint_retype(work, rng, options_today)
        work.details["fallback"] = "copy_move found no source glyph"
    return work.result(operator)
