"""The officer web page: server-rendered Jinja2, no build step, usable on a phone.

Login sets an HttpOnly, SameSite=Strict session cookie (Secure when configured); every form that
changes something carries the session's CSRF token (the login form a double-submit token).  The
report is rendered straight from the POST that created it, so the outlined images are drawn in
memory from the uploads and never stored (unless retention is on, and then only for supervisors).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from docscreen.errors import DocscreenError, NotFoundError
from service.audit import AuditEvent
from service.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Principal, Role, csrf_matches
from service.core import ScreeningRecord, Service, list_screenings, load_screening, run_screening
from service.deps import get_service, optional_principal, principal
from service.errors import status_for
from service.i18n import PURPOSES, error_text, pick_lang, translator
from service.overlay import data_uri, outlined_png
from service.routes.api import parse_context, read_files

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))

SvcDep = Annotated[Service, Depends(get_service)]
WhoDep = Annotated[Principal, Depends(principal)]
LANG_COOKIE = "ds_lang"
_SEVERITY_ORDER = {"CRITICAL": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3, "INFO": 4}


def _lang(request: Request) -> str:
    return pick_lang(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    lang = _lang(request)
    who = optional_principal(request)
    ctx = {
        "t": translator(lang),
        "lang": lang,
        "who": who,
        "csrf": who.csrf if who is not None else None,
        "can_screen": who is not None and who.role in (Role.OFFICER, Role.SUPERVISOR),
        # where the language links point: this page, or for a POST result its permanent address
        "here": request.url.path if request.method == "GET" else context.get("canonical", "/"),
        **context,
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict")
    return response


def _cookie_args(svc: Service) -> dict[str, Any]:
    return {"httponly": True, "samesite": "strict", "secure": svc.settings.cookie_secure}


@router.get("/login", name="web_login_form", response_class=HTMLResponse)
def login_form(request: Request, svc: SvcDep) -> HTMLResponse:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", {"login_csrf": token, "failed": False})
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, **_cookie_args(svc))
    return response


@router.post("/login", name="web_login", response_class=HTMLResponse)
async def login(
    request: Request,
    svc: SvcDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(max_length=100)],
) -> Response:
    if not csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        return render(request, "login.html", {"login_csrf": _new_login_csrf(), "failed": True}, 403)
    # Slow down guessing per user name (the key is a digest, so no name is kept in memory).
    svc.login_rate.take(int.from_bytes(hashlib.sha256(username.lower().encode()).digest()[:8]))
    user = await anyio.to_thread.run_sync(svc.auth.check_password, username, password)
    if user is None:
        await anyio.to_thread.run_sync(
            svc.audit.append, AuditEvent(action="login", result="failed")
        )
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or _new_login_csrf()
        return render(request, "login.html", {"login_csrf": token, "failed": True}, 401)
    session_token, _csrf = await anyio.to_thread.run_sync(svc.auth.start_session, user)
    await anyio.to_thread.run_sync(
        svc.audit.append,
        AuditEvent(action="login", actor=user.name, role=user.role.value, result="ok"),
    )
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_token,
        max_age=int(svc.auth.session_seconds),
        **_cookie_args(svc),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


def _new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


@router.post("/logout", name="web_logout")
def logout(svc: SvcDep, who: WhoDep) -> Response:
    if who.session_hash:
        svc.auth.end_session(who.session_hash)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", name="web_home", response_class=HTMLResponse)
def home(request: Request, who: WhoDep) -> HTMLResponse:
    return render(request, "home.html", {"purposes": PURPOSES})


@router.post("/screen", name="web_screen", response_class=HTMLResponse)
async def screen(
    request: Request,
    svc: SvcDep,
    who: WhoDep,
    files: Annotated[list[UploadFile], File()],
    purpose: Annotated[str | None, Form(max_length=40)] = None,
    destination: Annotated[str | None, Form(max_length=3)] = None,
    departure_date: Annotated[str | None, Form(max_length=10)] = None,
) -> HTMLResponse:
    try:
        try:
            dep = dt.date.fromisoformat(departure_date) if departure_date else None
        except ValueError:
            dep = None
        context = parse_context(purpose, destination or None, dep)
        # Browsers send one empty part when no file was chosen.
        files = [f for f in files if f.filename or f.size]
        data = await read_files(files, svc.settings.max_files, svc.settings.max_file_bytes)
        record, _report, images = await run_screening(svc, who, data, context)
    except DocscreenError as exc:
        status, code = status_for(exc)
        return render(
            request,
            "error.html",
            {"message": str(exc), "code": code, "headline": error_text(code, _lang(request))},
            status_code=status,
        )
    return render_report(request, record, who, images)


def render_report(
    request: Request, record: ScreeningRecord, who: Principal, images: list[bytes] | None
) -> HTMLResponse:
    report = record.to_dict(who.role)["report"]
    failed = [f for f in report.get("findings", []) if f.get("status") == "fail"]
    failed.sort(key=lambda f: _SEVERITY_ORDER.get(str(f.get("severity")), 9))
    overlays: list[str] = []
    for idx, data in enumerate(images or []):
        boxes = [
            (tuple(b["box"]), str(f.get("severity", "")))
            for f in failed
            for b in f.get("boxes", [])
            if b.get("document") == idx
        ]
        try:
            overlays.append(data_uri(outlined_png(data, boxes)))
        except (OSError, ValueError):
            continue
    return render(
        request,
        "report.html",
        {
            "record": record.to_dict(who.role),
            "findings": failed,
            "matches": report.get("matches", []),
            "show_match_details": who.role == Role.SUPERVISOR,
            "overlays": overlays,
            "documents": report.get("documents", []),
            "print_view": request.query_params.get("print") == "1",
            "canonical": f"/screenings/{record.id}",
        },
    )


@router.get("/screenings", name="web_list", response_class=HTMLResponse)
def my_screenings(request: Request, svc: SvcDep, who: WhoDep) -> HTMLResponse:
    _total, items = list_screenings(svc, who, limit=100)
    return render(request, "list.html", {"items": items})


@router.get("/screenings/{screening_id}", name="web_report", response_class=HTMLResponse)
def report_page(request: Request, svc: SvcDep, who: WhoDep, screening_id: str) -> HTMLResponse:
    try:
        record = load_screening(svc, screening_id[:64], who)
    except NotFoundError as exc:
        status, code = status_for(exc)
        return render(
            request,
            "error.html",
            {"message": str(exc), "code": code, "headline": error_text(code, _lang(request))},
            status,
        )
    images: list[bytes] = []
    if who.role == Role.SUPERVISOR and svc.retention.enabled:
        for idx in range(record.n_images):
            try:
                images.append(svc.retention.get(record.id, idx))
            except DocscreenError:
                break
    svc.audit.append(
        AuditEvent(
            action="screening.read",
            actor=who.name,
            role=who.role.value,
            screening_id=record.id,
            result=record.risk,
        )
    )
    return render_report(request, record, who, images or None)
