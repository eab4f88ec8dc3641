"""Optional, encrypted, time-limited keeping of uploaded images for supervisors' review.

Off by default (``DOCSCREEN_RETAIN_HOURS=0``): then only each image's SHA-256 is stored.  When on,
each image is sealed with AES-256-GCM under a key derived from the service secret (the screening id
and image index are the associated data, so a blob cannot be moved to another screening), and
:meth:`Retention.purge` deletes what has expired and records the purge in the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, delete, select

from docscreen.errors import NotFoundError, StoreError
from service import db
from service.audit import AuditEvent, AuditLog


class Retention:
    def __init__(self, engine: Engine, secret: bytes, hours: float, audit: AuditLog) -> None:
        self.engine = engine
        self.hours = hours
        self.audit = audit
        key = hmac.new(secret, b"docscreen retained images", hashlib.sha256).digest()
        self._aead = AESGCM(key)

    @property
    def enabled(self) -> bool:
        return self.hours > 0

    @staticmethod
    def _aad(screening_id: str, idx: int) -> bytes:
        return f"{screening_id}:{idx}".encode()

    def keep(self, screening_id: str, images: list[bytes], now: float | None = None) -> int:
        if not self.enabled:
            return 0
        expires = (time.time() if now is None else now) + self.hours * 3600.0
        rows = []
        for idx, data in enumerate(images):
            nonce = os.urandom(12)
            blob = nonce + self._aead.encrypt(nonce, data, self._aad(screening_id, idx))
            rows.append(
                {"screening_id": screening_id, "idx": idx, "blob": blob, "expires_at": expires}
            )
        with self.engine.begin() as conn:
            conn.execute(db.retained_images.insert(), rows)
        return len(rows)

    def get(self, screening_id: str, idx: int, now: float | None = None) -> bytes:
        now = time.time() if now is None else now
        with self.engine.connect() as conn:
            row = conn.execute(
                select(db.retained_images.c.blob, db.retained_images.c.expires_at).where(
                    db.retained_images.c.screening_id == screening_id,
                    db.retained_images.c.idx == idx,
                )
            ).first()
        if row is None or row.expires_at <= now:
            raise NotFoundError("no retained image (not kept, or expired)")
        blob = bytes(row.blob)
        try:
            return self._aead.decrypt(blob[:12], blob[12:], self._aad(screening_id, idx))
        except InvalidTag as exc:
            raise StoreError("a retained image failed its integrity check") from exc

    def purge(
        self, *, actor: str | None = None, role: str | None = None, now: float | None = None
    ) -> int:
        """Delete every expired image; the purge itself is an audit entry (even when 0)."""
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            done = conn.execute(
                delete(db.retained_images).where(db.retained_images.c.expires_at <= now)
            )
        count = int(done.rowcount or 0)
        self.audit.append(
            AuditEvent(
                action="retention.purge",
                actor=actor or "system",
                role=role,
                result="ok",
                detail={"deleted": count},
            )
        )
        return count
