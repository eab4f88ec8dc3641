"""Cheap deterministic stand-ins for docscreen.screening.screen, importable by worker processes.

The risk depends only on the decoded pixels and the screening date, so any two runs over the same
files must agree row for row.  Markers in the file name make a worker hang or die.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from collections.abc import Sequence

from docscreen.errors import OcrError
from docscreen.imaging.load import LoadedImage
from docscreen.models import (
    Document,
    DocumentKind,
    Finding,
    Message,
    Risk,
    ScreeningContext,
    ScreeningReport,
    Severity,
    Status,
)

_RISKS = (Risk.CLEAR, Risk.REVIEW, Risk.ALERT)


def fake_screen(images: Sequence[LoadedImage], context: ScreeningContext) -> ScreeningReport:
    started = time.perf_counter()
    for image in images:
        if "HANG" in image.name:
            time.sleep(3600)
        if "CRASH" in image.name:
            os.kill(os.getpid(), signal.SIGKILL)
        if "BOOM" in image.name:
            raise RuntimeError("screener bug")
        if "OCRFAIL" in image.name:
            raise OcrError("tesseract failed: killed by signal 9")
        flags = os.environ.get("DOCSCREEN_FAKE_FLAGS")
        if "FLAKY" in image.name and flags:
            # Dies on the first attempt only (a transient crash): the retry must succeed.
            flag = os.path.join(flags, image.sha256)
            if not os.path.exists(flag):
                open(flag, "w").close()
                os.kill(os.getpid(), signal.SIGKILL)
    delay = float(os.environ.get("DOCSCREEN_FAKE_DELAY", "0") or 0)
    if delay:
        time.sleep(delay)
    digest = hashlib.sha256(context.screening_date.isoformat().encode())
    for image in images:
        digest.update(image.pixels.tobytes())
    risk = _RISKS[digest.digest()[0] % 3]
    findings: tuple[Finding, ...] = ()
    if risk is not Risk.CLEAR:
        findings = (
            Finding(
                code=f"FAKE_{risk.value}",
                severity=Severity.HIGH if risk is Risk.ALERT else Severity.MEDIUM,
                status=Status.FAIL,
                message=Message(id="uji", en="test"),
                evidence={"pixels": digest.hexdigest()[:12]},
            ),
        )
    documents = tuple(
        Document(
            file=image.name,
            kind=DocumentKind.UNKNOWN,
            page=image.page,
            sha256=image.sha256,
            image_size=image.size,
        )
        for image in images
    )
    seconds = time.perf_counter() - started
    return ScreeningReport(
        risk=risk,
        findings=findings,
        documents=documents,
        timings={"fake": seconds},
        seconds=seconds,
    )


def cpu_screen(images: Sequence[LoadedImage], context: ScreeningContext) -> ScreeningReport:
    """A CPU-bound stand-in: hashes the pixels repeatedly (about 0.1-0.3 s per document)."""
    rounds = int(os.environ.get("DOCSCREEN_FAKE_ROUNDS", "40"))
    blob = b"".join(image.pixels.tobytes() for image in images)
    for _ in range(rounds):
        blob = hashlib.sha256(blob).digest() + blob[:2_000_000]
    return fake_screen(images, context)


def context_screen(images: Sequence[LoadedImage], context: ScreeningContext) -> ScreeningReport:
    """Echoes the context it was given, so tests can see what reached the screener."""
    report = fake_screen(images, context)
    finding = Finding(
        code="CONTEXT",
        severity=Severity.INFO,
        status=Status.PASS,
        message=Message(id="konteks", en="context"),
        evidence={
            "screening_date": context.screening_date.isoformat(),
            "purpose": context.purpose,
            "destination": context.destination,
            "pages": len(images),
        },
    )
    return ScreeningReport(
        risk=report.risk,
        findings=(*report.findings, finding),
        documents=report.documents,
        seconds=report.seconds,
    )
