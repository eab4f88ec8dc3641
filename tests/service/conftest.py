"""Service fixtures: an app on a fresh SQLite file with fakes, and one user (key + password) per role."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.app import create_app
from service.auth import Role
from service.runner import ThreadRunner
from service.settings import ServiceSettings
from tests.service.fakes import MemoryCases, fake_reader, fake_screener

SECRET = bytes(range(32))
# argon2id still, with small costs so that the suite stays fast (production uses the defaults).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery"


@dataclass
class Env:
    app: FastAPI
    client: TestClient
    keys: dict[Role, str] = field(default_factory=dict)
    cases: MemoryCases = field(default_factory=MemoryCases)

    def h(self, role: Role) -> dict[str, str]:
        return {"X-API-Key": self.keys[role]}

    def login(self, role: Role) -> tuple[TestClient, str]:
        """A separate client logged in through the web form; returns it and its CSRF token."""
        c = TestClient(self.app, base_url="http://testserver")
        page = c.get("/login")
        token = _hidden(page.text, "csrf_token")
        r = c.post(
            "/login",
            data={"username": role.value + "1", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        home = c.get("/")
        return c, _hidden(home.text, "csrf_token")


def _hidden(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def make_settings(tmp_path: object, **kw: object) -> ServiceSettings:
    base = ServiceSettings(db_url=f"sqlite:///{tmp_path}/svc.sqlite3", secret=SECRET, workers=1)
    from dataclasses import replace

    return replace(base, **kw)  # type: ignore[arg-type]


@pytest.fixture
def env(tmp_path: object) -> Iterator[Env]:
    yield from build_env(tmp_path)


@contextlib.contextmanager
def env_with(tmp_path: object, **kw: object) -> Iterator[Env]:
    yield from build_env(tmp_path, **kw)


def build_env(tmp_path: object, **kw: object) -> Iterator[Env]:
    settings = make_settings(tmp_path, **kw)
    cases = MemoryCases()
    app = create_app(
        settings,
        screener=fake_screener,
        cases=cases,
        runner=ThreadRunner(fake_reader, settings.screen_timeout_s),
        password_hasher=FAST_HASHER,
    )
    svc = app.state.service
    keys = {}
    for role in Role:
        svc.auth.create_user(role.value + "1", role, PASSWORD)
        keys[role] = svc.auth.create_key(role.value + "1").key
    with TestClient(app) as client:
        for _ in range(100):
            if cases.ready:
                break
            import time

            time.sleep(0.01)
        yield Env(app, client, keys, cases)
