"""Who may call which route: one table, deny by default.

Every FastAPI route carries the app-wide :func:`service.deps.enforce_policy` dependency, which looks
the route's name up here; a route missing from :data:`POLICY` answers 403 for everyone.  The test
``tests/service/test_policy.py`` walks ``app.routes`` and checks every route against every role, so
a new route without an entry fails the suite.
"""

from __future__ import annotations

from service.auth import Role

PUBLIC = "public"

_ALL = frozenset(Role)
_SCREENERS = frozenset({Role.OFFICER, Role.SUPERVISOR})
_SUPERVISOR = frozenset({Role.SUPERVISOR})
_AUDITOR = frozenset({Role.AUDITOR})
_ADMIN = frozenset({Role.ADMIN})

POLICY: dict[str, frozenset[Role] | str] = {
    # operations
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "metrics": PUBLIC,
    # interactive API documentation (Swagger UI, ReDoc), served from installed files
    "api_docs_ui": PUBLIC,
    "api_redoc_ui": PUBLIC,
    # API: who am I
    "api_me": _ALL,
    # API: screenings (an officer sees only their own; a supervisor sees all)
    "api_create_screening": _SCREENERS,
    "api_list_screenings": _SCREENERS,
    "api_get_screening": _SCREENERS,
    "api_screening_image": _SUPERVISOR,
    # API: known-case records, victims and suspects: supervisors only
    "api_list_cases": _SUPERVISOR,
    "api_get_case": _SUPERVISOR,
    "api_create_case": _SUPERVISOR,
    "api_update_case": _SUPERVISOR,
    "api_delete_case": _SUPERVISOR,
    "api_import_cases": _SUPERVISOR,
    "api_search_cases": _SUPERVISOR,
    # API: audit
    "api_audit_entries": _AUDITOR,
    "api_audit_verify": _AUDITOR,
    # API: administration
    "api_list_users": _ADMIN,
    "api_create_user": _ADMIN,
    "api_create_key": _ADMIN,
    "api_revoke_key": _ADMIN,
    "api_retention_purge": _ADMIN,
    # officer web page
    "web_login_form": PUBLIC,
    "web_login": PUBLIC,
    "web_logout": _ALL,
    "web_home": _ALL,
    "web_screen": _SCREENERS,
    "web_list": _SCREENERS,
    "web_report": _SCREENERS,
}

# Routes FastAPI/Starlette add themselves (no dependencies run on them): all public by design.
PUBLIC_NON_API = frozenset(
    {"openapi", "swagger_ui_html", "swagger_ui_redirect", "redoc_html", "static", "docs_assets"}
)


def allowed(route_name: str, role: Role | None) -> bool:
    rule = POLICY.get(route_name)
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    return role is not None and role in rule
