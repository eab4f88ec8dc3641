"""Credentials: API keys (hashed, header only), sessions (cookie flags, expiry, logout), CSRF."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service import db
from service.auth import Role
from tests.service.conftest import PASSWORD, Env, _hidden, build_env
from tests.service.fakes import jpeg_bytes


def test_missing_credentials_are_401(env: Env) -> None:
    r = env.client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"


def test_forged_and_malformed_keys_are_401(env: Env) -> None:
    real = env.keys[Role.ADMIN]
    key_id = real.split("_")[1]
    forged = f"dsk_{key_id}_{'A' * 43}"  # right key id, wrong secret
    for bad in (forged, "dsk_nonsense", "", real + "x", real.upper()):
        r = env.client.get("/api/v1/me", headers={"X-API-Key": bad})
        assert r.status_code == 401, bad
    assert env.client.get("/api/v1/me", headers={"X-API-Key": real}).json()["role"] == "admin"


def test_expired_and_revoked_keys_are_401(env: Env) -> None:
    auth = env.app.state.service.auth
    short = auth.create_key("officer1", days=1)
    assert env.client.get("/api/v1/me", headers={"X-API-Key": short.key}).status_code == 200
    with env.app.state.service.engine.begin() as conn:
        conn.execute(
            db.api_keys.update()
            .where(db.api_keys.c.key_id == short.key_id)
            .values(expires_at=time.time() - 1)
        )
    assert env.client.get("/api/v1/me", headers={"X-API-Key": short.key}).status_code == 401
    other = auth.create_key("officer1")
    r = env.client.delete(f"/api/v1/keys/{other.key_id}", headers=env.h(Role.ADMIN))
    assert r.status_code == 204
    assert env.client.get("/api/v1/me", headers={"X-API-Key": other.key}).status_code == 401


def test_keys_are_never_accepted_in_the_url(env: Env) -> None:
    key = env.keys[Role.OFFICER]
    assert env.client.get("/api/v1/me", params={"api_key": key}).status_code == 401
    # even with a valid header, a credential-looking query parameter is refused
    r = env.client.get("/api/v1/me", params={"key": key}, headers=env.h(Role.OFFICER))
    assert r.status_code == 401


def test_secrets_are_stored_hashed(env: Env) -> None:
    with env.app.state.service.engine.connect() as conn:
        users = conn.execute(select(db.users.c.password_hash)).scalars().all()
        keys = conn.execute(select(db.api_keys.c.key_hash)).scalars().all()
    assert all(h.startswith("$argon2id$") for h in users)
    assert PASSWORD not in " ".join(users)
    for k in env.keys.values():
        assert k not in keys and k.split("_", 2)[2] not in " ".join(keys)


def test_session_cookie_flags_and_logout(env: Env) -> None:
    c = TestClient(env.app)
    token = _hidden(c.get("/login").text, "csrf_token")
    r = c.post(
        "/login",
        data={"username": "officer1", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "ds_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # the default for plain-HTTP 127.0.0.1
    assert c.get("/api/v1/me").json()["name"] == "officer1"
    csrf = _hidden(c.get("/").text, "csrf_token")
    assert c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert c.get("/api/v1/me").status_code == 401


@pytest.fixture
def secure_env(tmp_path: object) -> Iterator[Env]:
    yield from build_env(tmp_path, cookie_secure=True)


def test_secure_cookie_option(secure_env: Env) -> None:
    c = TestClient(secure_env.app, base_url="https://testserver")
    token = _hidden(c.get("/login").text, "csrf_token")
    r = c.post(
        "/login",
        data={"username": "officer1", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert "Secure" in r.headers["set-cookie"]


def test_wrong_password_and_login_csrf(env: Env) -> None:
    c = TestClient(env.app)
    token = _hidden(c.get("/login").text, "csrf_token")
    r = c.post(
        "/login", data={"username": "officer1", "password": "wrong-password", "csrf_token": token}
    )
    assert r.status_code == 401
    r = c.post(
        "/login", data={"username": "officer1", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert r.status_code == 403
    assert c.get("/api/v1/me").status_code == 401


def test_expired_session_redirects_to_login(env: Env) -> None:
    c, _csrf = env.login(Role.OFFICER)
    token = c.cookies.get("ds_session")
    assert token
    env.app.state.service.auth.expire_session_now(token)
    r = c.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get("/api/v1/me").status_code == 401


def test_csrf_is_required_for_cookie_changes(env: Env) -> None:
    c, csrf = env.login(Role.OFFICER)
    files = [("files", ("a.jpg", jpeg_bytes(), "image/jpeg"))]
    r = c.post("/screen", files=files)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    r = c.post("/screen", files=files, data={"csrf_token": "x" * 43})
    assert r.status_code == 403
    r = c.post("/api/v1/screenings", files=files)  # API with the cookie needs it too
    assert r.status_code == 403
    r = c.post("/api/v1/screenings", files=files, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    r = c.post("/screen", files=files, data={"csrf_token": csrf})
    assert r.status_code == 200 and 'data-risk="REVIEW"' in r.text
    # a CSRF token of another session does not work
    _c2, csrf2 = env.login(Role.SUPERVISOR)
    assert csrf2 != csrf
    assert c.post("/screen", files=files, data={"csrf_token": csrf2}).status_code == 403


def test_forged_session_cookie_is_anonymous(env: Env) -> None:
    c = TestClient(env.app, cookies={"ds_session": "A" * 43})
    assert c.get("/api/v1/me").status_code == 401
    r = c.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
