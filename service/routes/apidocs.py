"""The API's interactive documentation, served from installed files rather than a CDN.

FastAPI's own ``/docs`` and ``/redoc`` pages load Swagger UI and ReDoc from a public CDN, so they
stay blank at a checkpoint with no internet.  The same pages are rendered here with the scripts that
the ``fastapi-offline`` package ships (Swagger UI 5 and ReDoc), mounted under :data:`ASSETS_PATH`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

ASSETS_PATH = "/docs-assets"

router = APIRouter(include_in_schema=False)


def assets_dir() -> Path:
    """Folder holding ``swagger-ui-bundle.js``, ``swagger-ui.css``, ``redoc.standalone.js``."""
    return Path(str(resources.files("fastapi_offline") / "static"))


def _base(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


@router.get("/docs", name="api_docs_ui", response_class=HTMLResponse)
def docs_ui(request: Request) -> HTMLResponse:
    base = _base(request)
    return get_swagger_ui_html(
        openapi_url=f"{base}/openapi.json",
        title="docscreen API",
        swagger_js_url=f"{base}{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{base}{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{base}{ASSETS_PATH}/favicon.png",
    )


@router.get("/redoc", name="api_redoc_ui", response_class=HTMLResponse)
def redoc_ui(request: Request) -> HTMLResponse:
    base = _base(request)
    return get_redoc_html(
        openapi_url=f"{base}/openapi.json",
        title="docscreen API",
        redoc_js_url=f"{base}{ASSETS_PATH}/redoc.standalone.js",
        redoc_favicon_url=f"{base}{ASSETS_PATH}/favicon.png",
        with_google_fonts=False,
    )
