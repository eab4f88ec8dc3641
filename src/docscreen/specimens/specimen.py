"""Make one specimen (or a traveller's bundle): data -> clean page -> forgery -> capture -> truth."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from docscreen.errors import InputError
from docscreen.specimens import data
from docscreen.specimens.capture import CaptureSpec, apply_capture, parse_capture
from docscreen.specimens.forgery import BUNDLE_OPERATORS, OPERATORS, ForgeryResult, apply_forgery
from docscreen.specimens.kinds import (
    DOCUMENT_KIND,
    DPI,
    KINDS,
    Rendered,
    make_foreign_data,
    make_ktp_data,
    make_passport_data,
    make_visa_data,
    render_foreign,
    render_ktp,
    render_passport,
)
from docscreen.specimens.person import NameLists, Person, make_foreigner, make_indonesian
from docscreen.specimens.render import to_bgr

GENERATOR_VERSION = "1"
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class SpecimenOptions:
    """Settings shared by every specimen of a run."""

    today: dt.date | None = None  # reference date for validity/expiry; default: today
    names_dir: Path | None = None  # optional extra Indonesian name lists

    def reference_date(self) -> dt.date:
        return self.today or dt.date.today()


@dataclass(frozen=True)
class Specimen:
    """One generated document image with its ground truth.

    ``image`` is the final picture as a person would see it (BGR, EXIF orientation applied);
    ``data`` the encoded file bytes (PNG, or JPEG when the capture chain compresses; a JPEG may
    carry an EXIF Orientation tag, in which case its stored pixels are turned), encoded on first
    use; ``clean`` the page before capture and ``clean_mask`` the forgery mask before capture
    (both in page pixels).
    """

    id: str
    image: NDArray[np.uint8]
    ext: str
    truth: dict[str, Any]
    mask: NDArray[np.uint8] | None = None
    clean: NDArray[np.uint8] | None = field(default=None, repr=False)
    clean_mask: NDArray[np.uint8] | None = field(default=None, repr=False)
    stored: NDArray[np.uint8] | None = field(default=None, repr=False)
    jpeg_quality: int | None = None
    exif_orientation: int | None = None

    @cached_property
    def data(self) -> bytes:
        pixels = self.stored if self.stored is not None else self.image
        return encode(pixels, self.ext, self.jpeg_quality, self.exif_orientation)

    def mask_png(self) -> bytes | None:
        if self.mask is None:
            return None
        return encode(np.ascontiguousarray(self.mask), "png", None, None)


def encode(
    pixels: NDArray[np.uint8], ext: str, quality: int | None, orientation: int | None
) -> bytes:
    """Deterministic encoding: PNG through OpenCV (fast), JPEG through Pillow (EXIF support)."""
    if ext == "png":
        ok, buf = cv2.imencode(".png", pixels, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        if not ok:  # pragma: no cover - OpenCV always encodes uint8 images
            raise RuntimeError("PNG encoding failed")
        return bytes(buf.tobytes())
    img = Image.fromarray(np.ascontiguousarray(pixels[:, :, ::-1]))
    out = io.BytesIO()
    kwargs: dict[str, Any] = {"quality": quality or 90}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    img.save(out, format="JPEG", **kwargs)
    return out.getvalue()


def _rng(seed: int, stream: str) -> random.Random:
    # A named stream per concern, so e.g. choosing a forgery never shifts the person or layout.
    return random.Random(f"docscreen-specimen/{seed}/{stream}")


def make_person(seed: int, opts: SpecimenOptions, *, minor: bool = False) -> Person:
    today = opts.reference_date()
    names = NameLists.load(opts.names_dir)
    if minor:
        return make_indonesian(_rng(seed, "person"), today, names=names, min_age=15, max_age=16)
    return make_indonesian(_rng(seed, "person"), today, names=names)


def render_kind(
    seed: int,
    kind: str,
    opts: SpecimenOptions,
    *,
    person: Person | None = None,
    expired: bool = False,
) -> Rendered:
    today = opts.reference_date()
    layout = _rng(seed, f"layout/{kind}")
    if kind == "idn_passport":
        p = person or make_person(seed, opts)
        return render_passport(
            layout, make_passport_data(_rng(seed, "passport"), p, today, expired=expired)
        )
    if kind == "idn_ktp":
        p = person or make_person(seed, opts)
        return render_ktp(layout, make_ktp_data(_rng(seed, "ktp"), p, today))
    if kind in ("td1_card", "td2_card"):
        crng = _rng(seed, "foreign")
        country = crng.choice(data.FOREIGN)
        p = person or make_foreigner(crng, today, country)
        years = crng.choice((5, 10))
        return render_foreign(layout, kind, make_foreign_data(crng, p, country, today, years=years))
    if kind in ("visa_a", "visa_b"):
        crng = _rng(seed, "visa")
        country = crng.choice(data.FOREIGN)  # visas for Indonesian travellers abroad
        p = person or make_person(seed, opts)
        return render_foreign(layout, kind, make_visa_data(crng, p, country, today))
    raise InputError(f"unknown specimen kind {kind!r}; choose from {', '.join(KINDS)}")


def _field_truth(r: Rendered, values: dict[str, str]) -> dict[str, Any]:
    return {
        name: {"value": values[name], "text": run.text, "box": list(run.box)}
        for name, run in r.runs.items()
        if name in values
    }


def finish(
    seed: int,
    r: Rendered,
    capture: CaptureSpec | str | None,
    *,
    opts: SpecimenOptions,
    person: Person,
    forgery: ForgeryResult | None = None,
    bundle: str | None = None,
) -> Specimen:
    """Apply the forgery result and the capture chain to a rendered page, build truth."""
    clean = to_bgr(r.image) if forgery is None else forgery.image
    values = dict(r.values) if forgery is None else forgery.values
    mrz_lines = r.mrz_lines if forgery is None else forgery.mrz_lines
    mrz_fields = r.mrz_fields if forgery is None else (forgery.mrz_fields or r.mrz_fields)
    spec = parse_capture(capture)
    cap = apply_capture(clean, spec, _rng(seed, "capture"), key_box=_key_box(r))
    fields = _field_truth(r, values)
    if forgery is not None:
        for name, box in forgery.boxes.items():
            if name in fields:
                fields[name]["box"] = list(box)
        for name in forgery.values:
            if name in fields and name in forgery.texts:
                fields[name]["text"] = forgery.texts[name]
    for f in fields.values():
        f["box"] = list(cap.map_box(tuple(f["box"])))
    mrz_box: list[int] | None = None
    mrz_line_boxes: list[list[int]] = []
    if r.mrz_runs:
        xs = [run.box for run in r.mrz_runs]
        x0 = min(b[0] for b in xs)
        y0 = min(b[1] for b in xs)
        x1 = max(b[0] + b[2] for b in xs)
        y1 = max(b[1] + b[3] for b in xs)
        mrz_box = list(cap.map_box((x0, y0, x1 - x0, y1 - y0)))
        mrz_line_boxes = [list(cap.map_box(b)) for b in xs]
    h, w = clean.shape[:2]
    quad = cap.map_points([(0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h))])
    # The id never names the operator: file names must not give the label away.
    kind_id = f"{r.kind}-{seed}"
    mask_final: NDArray[np.uint8] | None = None
    forgery_truth: dict[str, Any] | None = None
    if forgery is not None:
        mask_final = cap.map_mask(forgery.mask)
        forgery_truth = {
            "operator": forgery.operator,
            "altered_fields": list(forgery.altered_fields),
            "mask": f"{kind_id}.mask.png",
            "details": forgery.details,
        }
    ext = "jpg" if cap.jpeg_quality else "png"
    truth: dict[str, Any] = {
        "id": kind_id,
        "kind": DOCUMENT_KIND[r.kind],
        "specimen_kind": r.kind,
        "seed": seed,
        "image": f"{kind_id}.{ext}",
        "bundle": bundle,
        "reference_date": opts.reference_date().isoformat(),
        "person": person.to_dict(),
        "fields": fields,
        "mrz_format": r.mrz_format,
        "mrz_lines": list(mrz_lines) if mrz_lines else None,
        "mrz_fields": dict(mrz_fields) if mrz_fields else None,
        "mrz_box": mrz_box,
        "mrz_line_boxes": mrz_line_boxes or None,
        "portrait_box": list(cap.map_box(r.portrait_box)) if r.portrait_box else None,
        "document_quad": [[round(x, 1), round(y, 1)] for x, y in quad],
        "forgery": forgery_truth,
        "capture": cap.effects,
        "exif_orientation": cap.exif_orientation,
        "usable": cap.usable,
        "dpi": round(DPI * cap.scale, 1),
        "image_size": [int(cap.image.shape[1]), int(cap.image.shape[0])],
        "style": r.style,
        "generator_version": GENERATOR_VERSION,
    }
    return Specimen(
        id=kind_id,
        image=cap.image,
        ext=ext,
        truth=truth,
        mask=mask_final,
        clean=clean,
        clean_mask=None if forgery is None else forgery.mask,
        stored=cap.stored,
        jpeg_quality=cap.jpeg_quality,
        exif_orientation=cap.exif_orientation,
    )


def _key_box(r: Rendered) -> Box | None:
    for name in ("nik", "document_number", "birth_date"):
        if name in r.runs:
            return r.runs[name].box
    return None


def make_specimen(
    seed: int,
    kind: str,
    forgery: str | None = None,
    capture: CaptureSpec | str | None = None,
    *,
    options: SpecimenOptions | None = None,
) -> Specimen:
    """One document of ``kind`` for seed ``seed``; the same arguments give the same bytes.

    ``forgery`` names a single-document operator (see :data:`OPERATORS`); the genuine specimen of
    the same seed is the same page without the alteration (and with the same capture chain).
    Ids are ``<kind>-<seed>`` whether forged or not (so a file name never reveals the label);
    write a genuine and a forged specimen of one seed to different folders.
    """
    opts = options or SpecimenOptions()
    if kind not in KINDS:
        raise InputError(f"unknown specimen kind {kind!r}; choose from {', '.join(KINDS)}")
    if forgery is not None and forgery not in OPERATORS:
        raise InputError(f"unknown forgery {forgery!r}; choose from {', '.join(OPERATORS)}")
    expired = forgery == "expired"
    r = render_kind(seed, kind, opts, expired=expired)
    person = _person_of(seed, kind, opts)
    result = None
    if forgery is not None:
        result = apply_forgery(
            forgery,
            r,
            _rng(seed, f"forgery/{forgery}"),
            seed=seed,
            options_today=opts.reference_date(),
        )
    return finish(
        seed,
        r,
        capture,
        opts=opts,
        person=person,
        forgery=result,
    )


def _person_of(seed: int, kind: str, opts: SpecimenOptions) -> Person:
    if kind in ("td1_card", "td2_card"):
        crng = _rng(seed, "foreign")
        country = crng.choice(data.FOREIGN)
        return make_foreigner(crng, opts.reference_date(), country)
    return make_person(seed, opts)


def make_bundle(
    seed: int,
    forgery: str | None = None,
    capture: CaptureSpec | str | None = None,
    *,
    options: SpecimenOptions | None = None,
    kinds: Sequence[str] = ("idn_passport", "idn_ktp"),
) -> list[Specimen]:
    """A traveller's documents (passport + e-KTP of one fictional person, same seed).

    Bundle forgeries (``bundle_age_cross``, ``name_swap``) alter one of the documents so that the
    pair disagrees; the other stays genuine.  Its truth names the operator too (``role`` tells
    which document was altered).
    """
    opts = options or SpecimenOptions()
    if forgery is not None and forgery not in BUNDLE_OPERATORS:
        raise InputError(
            f"unknown bundle forgery {forgery!r}; choose from {', '.join(BUNDLE_OPERATORS)}"
        )
    minor = forgery == "bundle_age_cross"
    person = make_person(seed, opts, minor=minor)
    bundle_id = f"bundle-{seed}"
    target = None
    if forgery is not None:
        target = _rng(seed, f"forgery/{forgery}").choice(tuple(kinds))
    out = []
    for kind in kinds:
        r = render_kind(seed, kind, opts, person=person)
        result = None
        if forgery is not None and kind == target:
            result = apply_forgery(
                forgery,
                r,
                _rng(seed, f"forgery/{forgery}/{kind}"),
                seed=seed,
                options_today=opts.reference_date(),
            )
        spec = finish(seed, r, capture, opts=opts, person=person, forgery=result, bundle=bundle_id)
        if forgery is not None:
            spec.truth["bundle_forgery"] = {"operator": forgery, "altered_document": target}
        out.append(spec)
    return out
