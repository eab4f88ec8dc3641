"""Request dependencies: who is calling, and may they call this route (deny by default)."""

from __future__ import annotations

from typing import cast

from fastapi import Request

from docscreen.errors import PermissionDeniedError
from service.auth import (
    API_KEY_HEADER,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    Principal,
    csrf_matches,
)
from service.core import Service
from service.errors import AuthenticationError, CsrfError, LoginRequiredError
from service.policy import POLICY, PUBLIC

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_URL_SECRETS = frozenset({"api_key", "apikey", "key", "token", "password", "session"})


def get_service(request: Request) -> Service:
    return cast(Service, request.app.state.service)


def authenticate(request: Request, svc: Service) -> Principal | None:
    if _URL_SECRETS & {k.lower() for k in request.query_params}:
        raise AuthenticationError(
            "credentials are accepted in headers and cookies only, never in a URL"
        )
    key = request.headers.get(API_KEY_HEADER)
    if key is not None:
        principal = svc.auth.check_key(key)
        if principal is None:
            raise AuthenticationError("invalid, revoked or expired API key")
        return principal
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        return svc.auth.check_session(token)
    return None


async def enforce_policy(request: Request) -> None:
    """App-wide dependency: authenticate, authorise by the route's entry in POLICY, check CSRF."""
    svc = get_service(request)
    route = request.scope.get("route")
    name = getattr(route, "name", None)
    rule = POLICY.get(name) if isinstance(name, str) else None
    if rule is None:
        raise PermissionDeniedError("this route has no access policy")
    principal = authenticate(request, svc)
    request.state.principal = principal
    if principal is not None:
        request.scope.setdefault("state", {})["user_id"] = principal.user_id
    if rule == PUBLIC:
        return
    if principal is None:
        if request.url.path.startswith("/api/"):
            raise AuthenticationError("send an API key in the X-API-Key header, or log in")
        raise LoginRequiredError("log in first")
    if principal.role not in rule:
        raise PermissionDeniedError(f"the {principal.role.value} role may not do this")
    if principal.via == "session" and request.method not in SAFE_METHODS:
        await check_csrf(request, principal.csrf)


async def check_csrf(request: Request, expected: str | None) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("multipart/form-data", "application/x-www-form-urlencoded")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not csrf_matches(expected, given):
        raise CsrfError("missing or wrong CSRF token; reload the page and try again")


def principal(request: Request) -> Principal:
    """The authenticated caller (enforce_policy has run; routes using this are not public)."""
    who = getattr(request.state, "principal", None)
    if not isinstance(who, Principal):
        raise AuthenticationError("not authenticated")
    return who


def optional_principal(request: Request) -> Principal | None:
    who = getattr(request.state, "principal", None)
    return who if isinstance(who, Principal) else None
