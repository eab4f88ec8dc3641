"""The one place where errors become HTTP responses.

Library errors (:mod:`docscreen.errors`) and the few service-only ones below all derive from
:class:`~docscreen.errors.DocscreenError`; :data:`STATUS` maps each class to a status code and a
stable machine-readable ``code``.  The most specific class wins (the MRO is walked).  Messages of
input errors are safe to show: uploads are labelled "image 1", "image 2", never by file name.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from docscreen.errors import (
    ConfigurationError,
    CorruptImageError,
    DocscreenError,
    ImageTooLargeError,
    InputError,
    InvalidRecordError,
    NotFoundError,
    OcrError,
    OcrTimeoutError,
    PermissionDeniedError,
    StoreError,
    UnreadableFileError,
    UnsupportedFormatError,
)

log = logging.getLogger("docscreen.service")


class ServiceError(DocscreenError):
    """Errors that exist only at the service edge."""


class AuthenticationError(ServiceError):
    """Missing, malformed, forged, revoked or expired credentials."""


class LoginRequiredError(AuthenticationError):
    """A web page needs a login: answered with a redirect to the login page."""


class CsrfError(ServiceError):
    """A cookie-authenticated change without the session's CSRF token."""


class TooManyFilesError(InputError):
    """More uploads than one screening accepts, or none."""


class PayloadTooLargeError(InputError):
    """One upload is larger than the per-file limit."""


class RetryLaterError(ServiceError):
    """Temporarily refused; ``retry_after`` seconds is a hint for the client."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class BusyError(RetryLaterError):
    """The concurrency cap is reached: 503 instead of an unbounded queue."""


class RateLimitedError(RetryLaterError):
    """This user started too many screenings in the last minute."""


class NotReadyError(ServiceError):
    """The case index is not loaded yet."""


STATUS: dict[type[DocscreenError], tuple[int, str]] = {
    DocscreenError: (500, "internal_error"),
    InputError: (400, "bad_input"),
    UnreadableFileError: (400, "unreadable_file"),
    UnsupportedFormatError: (415, "unsupported_format"),
    ImageTooLargeError: (413, "image_too_large"),
    CorruptImageError: (422, "corrupt_image"),
    InvalidRecordError: (422, "invalid_record"),
    TooManyFilesError: (400, "file_count"),
    PayloadTooLargeError: (413, "file_too_large"),
    ConfigurationError: (500, "configuration_error"),
    OcrError: (502, "ocr_failed"),
    OcrTimeoutError: (504, "ocr_timeout"),
    StoreError: (503, "store_unavailable"),
    NotFoundError: (404, "not_found"),
    PermissionDeniedError: (403, "forbidden"),
    ServiceError: (500, "internal_error"),
    AuthenticationError: (401, "unauthenticated"),
    LoginRequiredError: (401, "login_required"),
    CsrfError: (403, "csrf"),
    BusyError: (503, "busy"),
    RateLimitedError: (429, "rate_limited"),
    NotReadyError: (503, "not_ready"),
}


def status_for(exc: DocscreenError) -> tuple[int, str]:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500, "internal_error"


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def to_response(exc: DocscreenError) -> Response:
    status, code = status_for(exc)
    if status >= 500 and not isinstance(exc, RetryLaterError | StoreError | NotReadyError):
        log.error("request failed", extra={"error_class": type(exc).__name__})
        message = "internal error" if status == 500 else str(exc)
    else:
        message = str(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, RetryLaterError):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = 'APIKey header="X-API-Key"'
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    async def _docscreen(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DocscreenError)
        if isinstance(exc, LoginRequiredError) and _wants_html(request):
            return RedirectResponse("/login", status_code=303)
        return to_response(exc)

    async def _http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
            exc.status_code, "http_error"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)),
            status_code=exc.status_code,
            headers=dict(exc.headers or {}),
        )

    async def _validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        # Echo where the problem is, never the submitted values (they may hold names).
        problems = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        return JSONResponse(
            {
                "error": {"code": "invalid_request", "message": "invalid request"},
                "detail": problems,
            },
            status_code=422,
        )

    app.add_exception_handler(DocscreenError, _docscreen)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )
