"""Property-based calls over the OpenAPI schema, as every role and as nobody: never a 5xx.

Each operation's generated cases (a few examples, derandomised, no example database) are sent
once per credential.  Bounded on purpose to stay well under a minute.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from service.auth import Role
from tests.service.conftest import env_with

EXAMPLES = 4


def test_no_server_errors_for_any_role(tmp_path: Path) -> None:
    with env_with(tmp_path, rate_per_minute=100_000) as env:
        creds: dict[str, dict[str, str]] = {"anonymous": {}}
        creds.update({role.value: env.h(role) for role in Role})
        schema = schemathesis.openapi.from_asgi("/openapi.json", env.app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20
        calls: dict[str, int] = {}

        def runner(op: Any) -> Any:
            @given(case=op.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                for who, headers in creds.items():
                    response = case.call(headers=headers)
                    assert response.status_code < 500, (
                        who,
                        op.method,
                        case.formatted_path,
                        response.status_code,
                        response.text[:300],
                    )
                    calls[who] = calls.get(who, 0) + 1

            return run

        for op in operations:
            runner(op)()
        assert min(calls.values()) >= len(operations)
        verify = env.client.get("/api/v1/audit/verify", headers=env.h(Role.AUDITOR)).json()
        assert verify["ok"], verify
