"""Fakes for the service's ports: a reader without OCR, a screener with fixed rules, a case store
in memory.  The reader still decodes through ``load_image`` so hostile images fail as they would."""

from __future__ import annotations

import hashlib
import io
import threading
import time
from collections.abc import Sequence
from typing import Any

from PIL import Image

from docscreen.errors import InvalidRecordError, NotFoundError
from docscreen.imaging.load import load_image
from docscreen.models import (
    Document,
    DocumentKind,
    Field,
    Finding,
    Match,
    Message,
    Risk,
    ScreeningContext,
    ScreeningReport,
    Severity,
    Status,
)
from service.ports import JsonDict, NameQuery

FAKE_NAME = "SITI RAHAYU"  # synthetic


def fake_reader(data: bytes, label: str) -> Document:
    image = load_image(data, name=label)
    w, h = image.size
    return Document(
        file=label,
        kind=DocumentKind.IDN_PASSPORT,
        fields={"full_name": Field("full_name", FAKE_NAME, FAKE_NAME, 0.9, (5, 5, w // 2, 10))},
        image_size=(w, h),
        sha256=image.sha256,
    )


def slow_reader(data: bytes, label: str) -> Document:
    time.sleep(30)
    return fake_reader(data, label)


def fake_screener(
    documents: Sequence[Document], context: ScreeningContext, store: object | None
) -> ScreeningReport:
    findings = []
    for i, doc in enumerate(documents):
        w, h = doc.image_size or (40, 40)
        findings.append(
            Finding(
                code="FAKE_REGION",
                severity=Severity.MEDIUM,
                status=Status.FAIL,
                message=Message(
                    id="Area gambar tampak diubah.", en="An image region looks edited."
                ),
                evidence={"document": i},
                boxes=((i, (w // 4, h // 4, w // 2, h // 2)),),
            )
        )
    risk = Risk.ALERT if context.destination == "SAU" else Risk.REVIEW
    matches: tuple[Match, ...] = ()
    if isinstance(store, MemoryCases):
        matches = tuple(store.search(NameQuery(FAKE_NAME), 5))
        if any(m.alert for m in matches):
            risk = Risk.ALERT
    return ScreeningReport(
        risk=risk, findings=tuple(findings), matches=matches, documents=tuple(documents)
    )


class MemoryCases:
    def __init__(self, *, ready_event: threading.Event | None = None) -> None:
        self.records: dict[str, JsonDict] = {}
        self._ready = False
        self._event = ready_event

    @property
    def ready(self) -> bool:
        return self._ready

    def load(self) -> None:
        if self._event is not None:
            self._event.wait(20)
        self._ready = True

    def list_records(self, offset: int, limit: int) -> list[JsonDict]:
        return list(self.records.values())[offset : offset + limit]

    def get_record(self, case_id: str) -> JsonDict:
        if case_id not in self.records:
            raise NotFoundError("no such case record")
        return self.records[case_id]

    def create_record(self, record: JsonDict, actor: str = "test") -> JsonDict:
        if record["case_id"] in self.records:
            raise InvalidRecordError("case id exists already")
        self.records[record["case_id"]] = dict(record)
        return self.records[record["case_id"]]

    def update_record(self, case_id: str, record: JsonDict, actor: str = "test") -> JsonDict:
        self.get_record(case_id)
        self.records[case_id] = dict(record)
        return self.records[case_id]

    def delete_record(self, case_id: str, actor: str = "test") -> None:
        self.get_record(case_id)
        del self.records[case_id]

    def import_records(self, data: bytes, fmt: str, actor: str = "test") -> tuple[int, int]:
        import json

        n = 0
        try:
            for line in data.decode().splitlines():
                if line.strip():
                    row: dict[str, Any] = json.loads(line)
                    if not isinstance(row, dict) or not isinstance(row.get("case_id"), str):
                        raise InvalidRecordError(f"line {n + 1}: not a case record")
                    self.create_record({"aliases": [], "name": "", **row})
                    n += 1
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidRecordError("not JSON lines") from exc
        return n, 0

    def search(self, query: NameQuery, limit: int) -> list[Match]:
        out = []
        for r in self.records.values():
            if r["name"].upper() == query.name.upper():
                out.append(
                    Match(
                        r["case_id"],
                        1.0,
                        r.get("role", "other"),
                        True,
                        {"name": {"query": query.name, "record": r["name"]}},
                    )
                )
        return out[:limit]

    def store(self) -> object | None:
        return self


def jpeg_bytes(width: int = 120, height: int = 80, seed: int = 0) -> bytes:
    img = Image.new("RGB", (width, height), (200 - seed % 50, 180, 160))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85)
    return out.getvalue()


def png_bytes(width: int = 120, height: int = 80) -> bytes:
    img = Image.new("RGB", (width, height), (30, 60, 90))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stuck_or_fake_reader(data: bytes, label: str) -> Document:
    """Hangs on the bytes b"STUCK" (to test the kill-on-timeout), reads anything else."""
    if data == b"STUCK":
        time.sleep(120)
    return fake_reader(data, label)
