"""Users, API keys and login sessions.

- Passwords: argon2id (argon2-cffi).
- API keys ``dsk_<key id>_<secret>``: the key id finds the row, the stored value is an HMAC-SHA256
  of the whole key under the service secret, compared with :func:`hmac.compare_digest`.  Keys travel
  in the ``X-API-Key`` header only.
- Sessions: a random cookie token; the database keeps only its SHA-256, the user, the expiry and
  the CSRF token bound to the session.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, RowMapping, select

from docscreen.errors import InputError, NotFoundError
from service import db

API_KEY_HEADER = "X-API-Key"
SESSION_COOKIE = "ds_session"
LOGIN_CSRF_COOKIE = "ds_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
_KEY_RE = re.compile(r"^dsk_([0-9a-f]{16})_([A-Za-z0-9_-]{20,100})$")


class Role(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    role: Role
    via: str  # "key" | "session"
    csrf: str | None = None  # the session's CSRF token (sessions only)
    session_hash: str | None = None


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: Role
    active: bool
    created_at: float


@dataclass(frozen=True)
class NewKey:
    key: str  # shown once, never stored
    key_id: str
    expires_at: float | None


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    if len(password) < 8:
        raise InputError("a password needs at least 8 characters")
    return (hasher or PasswordHasher()).hash(password)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class Auth:
    """All credential logic for one service database."""

    def __init__(
        self,
        engine: Engine,
        secret: bytes,
        *,
        session_hours: float = 8.0,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.engine = engine
        # argon2id with the library's defaults (RFC 9106 low-memory profile); tests pass a cheaper one.
        self.hasher = hasher or PasswordHasher()
        self._key_secret = hmac.new(secret, b"docscreen api keys", hashlib.sha256).digest()
        self.session_seconds = session_hours * 3600.0
        # A fixed dummy hash keeps the time of "no such user" close to "wrong password".
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))

    # users ---------------------------------------------------------------------------------
    def create_user(self, name: str, role: Role | str, password: str | None = None) -> UserInfo:
        name = name.strip().lower()
        if not _NAME_RE.match(name):
            raise InputError(
                "a user name is 2-63 characters: lower-case letters, digits, '.', '_' or '-'"
            )
        try:
            role = Role(role)
        except ValueError as exc:
            raise InputError(f"unknown role {role!r}; one of {[r.value for r in Role]}") from exc
        pw_hash = hash_password(password, self.hasher) if password is not None else None
        now = time.time()
        with self.engine.begin() as conn:
            if conn.execute(select(db.users.c.id).where(db.users.c.name == name)).first():
                raise InputError(f"user {name!r} exists already")
            uid = conn.execute(
                db.users.insert().values(
                    name=name, role=role.value, password_hash=pw_hash, active=True, created_at=now
                )
            ).inserted_primary_key
        assert uid is not None
        return UserInfo(int(uid[0]), name, role, True, now)

    def set_password(self, name: str, password: str) -> None:
        pw_hash = hash_password(password, self.hasher)
        with self.engine.begin() as conn:
            done = conn.execute(
                db.users.update().where(db.users.c.name == name).values(password_hash=pw_hash)
            )
            if done.rowcount == 0:
                raise NotFoundError(f"no user {name!r}")

    def get_user(self, name: str) -> UserInfo:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.users).where(db.users.c.name == name)).first()
        if row is None:
            raise NotFoundError(f"no user {name!r}")
        return _user(row._mapping)

    def list_users(self) -> list[UserInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.users).order_by(db.users.c.id)).all()
        return [_user(r._mapping) for r in rows]

    # API keys ------------------------------------------------------------------------------
    def _key_hash(self, key: str) -> str:
        return hmac.new(self._key_secret, key.encode(), hashlib.sha256).hexdigest()

    def create_key(self, name: str, *, days: float | None = None) -> NewKey:
        user = self.get_user(name)
        key_id = secrets.token_hex(8)
        key = f"dsk_{key_id}_{secrets.token_urlsafe(32)}"
        now = time.time()
        expires = now + days * 86400.0 if days else None
        with self.engine.begin() as conn:
            conn.execute(
                db.api_keys.insert().values(
                    user_id=user.id,
                    key_id=key_id,
                    key_hash=self._key_hash(key),
                    created_at=now,
                    expires_at=expires,
                    revoked=False,
                )
            )
        return NewKey(key, key_id, expires)

    def revoke_key(self, key_id: str) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                db.api_keys.update().where(db.api_keys.c.key_id == key_id).values(revoked=True)
            )
        if done.rowcount == 0:
            raise NotFoundError("no such API key")

    def check_key(self, key: str) -> Principal | None:
        m = _KEY_RE.match(key)
        if m is None:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(db.api_keys, db.users.c.name, db.users.c.role, db.users.c.active)
                .join(db.users, db.users.c.id == db.api_keys.c.user_id)
                .where(db.api_keys.c.key_id == m.group(1))
            ).first()
        candidate = self._key_hash(key)
        stored = row._mapping["key_hash"] if row is not None else "0" * 64
        if not hmac.compare_digest(candidate, stored) or row is None:
            return None
        r = row._mapping
        if r["revoked"] or not r["active"]:
            return None
        if r["expires_at"] is not None and r["expires_at"] <= time.time():
            return None
        return Principal(int(r["user_id"]), str(r["name"]), Role(r["role"]), "key")

    # passwords and sessions ----------------------------------------------------------------
    def check_password(self, name: str, password: str) -> UserInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.users).where(db.users.c.name == name.lower())).first()
        stored = row._mapping["password_hash"] if row is not None else None
        try:
            self.hasher.verify(stored or self._dummy_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None or stored is None or not row._mapping["active"]:
            return None
        return _user(row._mapping)

    def start_session(self, user: UserInfo) -> tuple[str, str]:
        """New session for a user who just logged in: ``(cookie token, csrf token)``."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(db.sessions.delete().where(db.sessions.c.expires_at <= now))
            conn.execute(
                db.sessions.insert().values(
                    token_hash=_sha256(token),
                    user_id=user.id,
                    csrf=csrf,
                    created_at=now,
                    expires_at=now + self.session_seconds,
                )
            )
        return token, csrf

    def check_session(self, token: str) -> Principal | None:
        if not token or len(token) > 200:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(db.sessions, db.users.c.name, db.users.c.role, db.users.c.active)
                .join(db.users, db.users.c.id == db.sessions.c.user_id)
                .where(db.sessions.c.token_hash == _sha256(token))
            ).first()
        if row is None:
            return None
        r = row._mapping
        if r["expires_at"] <= time.time() or not r["active"]:
            return None
        return Principal(
            int(r["user_id"]),
            str(r["name"]),
            Role(r["role"]),
            "session",
            csrf=str(r["csrf"]),
            session_hash=str(r["token_hash"]),
        )

    def end_session(self, session_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(db.sessions.delete().where(db.sessions.c.token_hash == session_hash))

    def expire_session_now(self, token: str) -> None:
        """Test and admin helper: make a session expire immediately."""
        with self.engine.begin() as conn:
            conn.execute(
                db.sessions.update()
                .where(db.sessions.c.token_hash == _sha256(token))
                .values(expires_at=time.time() - 1)
            )


def csrf_matches(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def _user(m: RowMapping) -> UserInfo:
    return UserInfo(
        int(m["id"]), str(m["name"]), Role(m["role"]), bool(m["active"]), float(m["created_at"])
    )
