"""Every route against every role (and no credentials): deny by default, allow exactly POLICY.

The routes are enumerated from ``app.routes``, so a route added without a policy entry fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute

from service.auth import Role
from service.policy import POLICY, PUBLIC, PUBLIC_NON_API
from tests.service.conftest import Env

_PARAMS = {
    "screening_id": "0" * 32,
    "index": "0",
    "case_id": "C-404",
    "name": "nobody",
    "key_id": "0" * 16,
}


def _path(template: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: _PARAMS[m.group(1)], template)


def all_routes(app: FastAPI) -> Iterator[BaseRoute]:
    """Every route, including those of included routers (FastAPI >= 0.165 nests them)."""
    for ctx in iter_route_contexts(app.routes):
        yield ctx.original_route


def test_every_route_has_a_policy(env: Env) -> None:
    names = set()
    for route in all_routes(env.app):
        name = getattr(route, "name", None)
        if isinstance(route, APIRoute):
            assert route.name in POLICY, f"route {route.path} ({route.name}) has no access policy"
            names.add(route.name)
        else:
            assert name in PUBLIC_NON_API, f"non-API route {name} is not declared public"
    # and no stale entries that would hide a renamed route
    assert set(POLICY) == names


def test_every_route_against_every_role(env: Env) -> None:
    checked = 0
    for route in all_routes(env.app):
        if not isinstance(route, APIRoute):
            continue
        rule = POLICY[route.name]
        path = _path(route.path)
        for method in sorted(route.methods - {"HEAD"}):
            anon = env.client.request(method, path)
            if rule == PUBLIC:
                assert anon.status_code not in (401, 403), (method, path, anon.status_code)
            else:
                assert anon.status_code == 401, (method, path, anon.status_code, anon.text)
            for role in Role:
                r = env.client.request(method, path, headers=env.h(role), follow_redirects=False)
                allowed = rule == PUBLIC or role in rule
                if allowed:
                    assert r.status_code not in (401, 403), (
                        method,
                        path,
                        role,
                        r.status_code,
                        r.text,
                    )
                else:
                    assert r.status_code == 403, (method, path, role, r.status_code)
                    assert r.json()["error"]["code"] == "forbidden"
                checked += 1
    assert checked >= 4 * 25


def test_route_without_policy_is_denied(env: Env) -> None:
    @env.app.get("/api/v1/forgotten", name="forgotten_route")
    def forgotten() -> dict[str, str]:
        return {"secret": "x"}

    for role in Role:
        r = env.client.get("/api/v1/forgotten", headers=env.h(role))
        assert r.status_code == 403
    assert env.client.get("/api/v1/forgotten").status_code == 403


def test_officers_cannot_browse_or_search_case_records(env: Env) -> None:
    r = env.client.post("/api/v1/cases/search", headers=env.h(Role.OFFICER), json={"name": "X"})
    assert r.status_code == 403
    r = env.client.post("/api/v1/cases/search", headers=env.h(Role.SUPERVISOR), json={"name": "X"})
    assert r.status_code == 200
    assert env.client.get("/api/v1/cases", headers=env.h(Role.OFFICER)).status_code == 403
