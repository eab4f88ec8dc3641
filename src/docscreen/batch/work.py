"""The work done for one unit inside a worker: decode pages, screen, turn reports into rows.

Decoding happens here (never in the batch parent) so a file that crashes or hangs a decoder takes
down only a worker, which the executor replaces.  The screener is injected so the batch machinery
can be tested with a cheap deterministic fake and run with the real :func:`docscreen.screening.screen`.
"""

from __future__ import annotations

import importlib
import re
import time
from collections.abc import Sequence

from docscreen.batch.types import Member, Screener, TransientUnitError, UnitResult, WorkUnit
from docscreen.errors import InputError, OcrError
from docscreen.imaging.load import LoadedImage
from docscreen.models import JsonDict, ScreeningContext, ScreeningReport


def default_screener(images: Sequence[LoadedImage], context: ScreeningContext) -> ScreeningReport:
    """Screen with the real pipeline (imported lazily: workers pay for cv2/tesseract, the parent not)."""
    # Imported by name: the screening pipeline loads cv2 and tesseract, which the parent never needs.
    screening = importlib.import_module("docscreen.screening")
    report: ScreeningReport = screening.screen(list(images), context)
    return report


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _reason(exc: BaseException) -> str:
    # Object reprs from decoders carry memory addresses; rows must be equal across runs.
    text = _ADDRESS.sub("", str(exc))
    if isinstance(exc, InputError):
        return text
    return f"internal error: {type(exc).__name__}: {text}"


def _error_row(unit: WorkUnit, member: Member, exc: BaseException, page: int | None) -> JsonDict:
    row: JsonDict = {
        "id": member.sha256 if page is None else f"{member.sha256}:p{page}",
        "unit": unit.key,
        "file": member.file,
        "sha256": member.sha256,
        "traveller": unit.traveller,
        "reason": _reason(exc),
        "error": type(exc).__name__,
    }
    if page is not None:
        row["page"] = page
    return row


def _pages(unit: WorkUnit, member: Member, errors: list[JsonDict]) -> list[tuple[int, LoadedImage]]:
    """Decode every page of one file; a file-level failure becomes one error row."""
    from docscreen.imaging.pdf import iter_pages

    pages: list[tuple[int, LoadedImage]] = []
    try:
        for number, image in enumerate(iter_pages(member.data, name=member.file), start=1):
            pages.append((number, image))
    except InputError as exc:
        errors.append(_error_row(unit, member, exc, None))
    return pages


def _report_dict(report: ScreeningReport) -> JsonDict:
    return report.to_dict()


def _screen_document(
    unit: WorkUnit, screener: Screener, rows: list[JsonDict], errors: list[JsonDict]
) -> None:
    member = unit.members[0]
    pages = _pages(unit, member, errors)
    for number, image in pages:
        started = time.perf_counter()
        try:
            report = screener([image], unit.context)
        except OcrError as exc:
            raise TransientUnitError(f"page {number}: {_reason(exc)}") from exc
        except Exception as exc:  # one page's failure is reported and the rest go on
            errors.append(_error_row(unit, member, exc, number))
            continue
        rows.append(
            {
                "id": unit.key if len(pages) == 1 else f"{unit.key}:p{number}",
                "unit": unit.key,
                "kind": "document",
                "file": member.file,
                "page": number,
                "pages": len(pages),
                "sha256": member.sha256,
                "traveller": unit.traveller,
                "risk": report.risk.value,
                "report": _report_dict(report),
                "seconds": round(time.perf_counter() - started, 4),
            }
        )


def _screen_bundle(
    unit: WorkUnit, screener: Screener, rows: list[JsonDict], errors: list[JsonDict]
) -> None:
    images: list[LoadedImage] = []
    documents: list[JsonDict] = []
    for member in unit.members:
        for number, image in _pages(unit, member, errors):
            images.append(image)
            documents.append({"file": member.file, "page": number, "sha256": member.sha256})
    if not images:
        return
    started = time.perf_counter()
    try:
        report = screener(images, unit.context)
    except OcrError as exc:
        raise TransientUnitError(_reason(exc)) from exc
    except Exception as exc:
        errors.append(
            {
                "id": unit.key,
                "unit": unit.key,
                "file": None,
                "sha256": None,
                "traveller": unit.traveller,
                "documents": documents,
                "reason": _reason(exc),
                "error": type(exc).__name__,
            }
        )
        return
    rows.append(
        {
            "id": unit.key,
            "unit": unit.key,
            "kind": "bundle",
            "traveller": unit.traveller,
            "documents": documents,
            "risk": report.risk.value,
            "report": _report_dict(report),
            "seconds": round(time.perf_counter() - started, 4),
        }
    )


def process_unit(unit: WorkUnit, screener: Screener = default_screener) -> UnitResult:
    """Screen one unit: every page of a document file, or all pages of a bundle at once.

    An OCR failure (tesseract killed or timed out) raises :class:`TransientUnitError` so the
    executor retries the unit like a worker crash; other errors become error rows at once."""
    rows: list[JsonDict] = []
    errors: list[JsonDict] = []
    if unit.bundle:
        _screen_bundle(unit, screener, rows, errors)
    else:
        _screen_document(unit, screener, rows, errors)
    return UnitResult(rows=tuple(rows), errors=tuple(errors))
