"""Screening through the API and the web page: ownership, what each role sees, retention,
readiness, and that names never reach metrics, logs or the audit log."""

from __future__ import annotations

import json
import logging
import threading
import time

import pytest
from sqlalchemy import select

from service import db
from service.auth import Role
from service.observability import JsonFormatter
from tests.service.conftest import Env, env_with
from tests.service.fakes import FAKE_NAME, MemoryCases, digest, jpeg_bytes, png_bytes

CASE = {"case_id": "K-1", "role": "suspect", "name": FAKE_NAME, "aliases": ["SITI R"]}


def _screen(env: Env, role: Role, *images: bytes, **data: str) -> dict[str, object]:
    files = [("files", (f"{i}.jpg", im, "image/jpeg")) for i, im in enumerate(images)]
    r = env.client.post("/api/v1/screenings", headers=env.h(role), files=files, data=data)
    assert r.status_code == 201, r.text
    out: dict[str, object] = r.json()
    return out


def test_create_get_list_and_ownership(env: Env) -> None:
    a, b = jpeg_bytes(seed=1), png_bytes()
    out = _screen(
        env, Role.OFFICER, a, b, purpose="work", destination="mys", departure_date="2026-12-01"
    )
    assert out["risk"] == "REVIEW" and out["n_images"] == 2
    assert out["image_sha256"] == [digest(a), digest(b)]
    assert out["context"] == {
        "screening_date": out["context"]["screening_date"],  # type: ignore[index]
        "departure_date": "2026-12-01",
        "purpose": "work",
        "destination": "MYS",
    }
    sid = out["id"]
    got = env.client.get(f"/api/v1/screenings/{sid}", headers=env.h(Role.OFFICER)).json()
    assert got["report"] == out["report"]
    assert _screen(env, Role.OFFICER, a, destination="SAU")["risk"] == "ALERT"
    mine = env.client.get("/api/v1/screenings", headers=env.h(Role.OFFICER)).json()
    assert mine["total"] == 2 and {i["risk"] for i in mine["items"]} == {"REVIEW", "ALERT"}
    # another officer cannot see it (looks missing); a supervisor can; lists are per person
    other = env.app.state.service.auth
    other.create_user("officer2", Role.OFFICER)
    key2 = other.create_key("officer2").key
    assert (
        env.client.get(f"/api/v1/screenings/{sid}", headers={"X-API-Key": key2}).status_code == 404
    )
    assert env.client.get("/api/v1/screenings", headers={"X-API-Key": key2}).json()["total"] == 0
    assert (
        env.client.get(f"/api/v1/screenings/{sid}", headers=env.h(Role.SUPERVISOR)).status_code
        == 200
    )


def test_officers_see_that_a_case_matched_not_what_it_holds(env: Env) -> None:
    r = env.client.post("/api/v1/cases", headers=env.h(Role.SUPERVISOR), json=CASE)
    assert r.status_code == 201
    officer = _screen(env, Role.OFFICER, jpeg_bytes())
    supervisor = _screen(env, Role.SUPERVISOR, jpeg_bytes())
    assert officer["risk"] == supervisor["risk"] == "ALERT"
    om = officer["report"]["matches"]  # type: ignore[index]
    sm = supervisor["report"]["matches"]  # type: ignore[index]
    assert om == [{"case_id": "K-1", "score": 1.0, "role": "suspect", "alert": True}]
    assert sm[0]["features"]["name"]["record"] == FAKE_NAME
    # the supervisor reading the officer's screening sees the details
    full = env.client.get(
        f"/api/v1/screenings/{officer['id']}", headers=env.h(Role.SUPERVISOR)
    ).json()
    assert "features" in full["report"]["matches"][0]


def test_case_crud_import_and_search(env: Env) -> None:
    h = env.h(Role.SUPERVISOR)
    assert env.client.post("/api/v1/cases", headers=h, json=CASE).status_code == 201
    assert env.client.get("/api/v1/cases/K-1", headers=h).json()["name"] == FAKE_NAME
    upd = {**CASE, "role": "victim"}
    assert env.client.put("/api/v1/cases/K-1", headers=h, json=upd).json()["role"] == "victim"
    lines = "\n".join(
        json.dumps({"case_id": f"J-{i}", "role": "missing", "name": f"ORANG {i}"}) for i in range(3)
    )
    r = env.client.post(
        "/api/v1/cases/import",
        headers=h,
        files={"file": ("c.jsonl", lines.encode(), "application/json")},
        data={"format": "jsonl"},
    )
    assert r.json() == {"imported": 3, "invalid": 0}
    assert len(env.client.get("/api/v1/cases", headers=h).json()["items"]) == 4
    hits = env.client.post("/api/v1/cases/search", headers=h, json={"name": FAKE_NAME}).json()[
        "matches"
    ]
    assert [m["case_id"] for m in hits] == ["K-1"]
    assert env.client.delete("/api/v1/cases/K-1", headers=h).status_code == 204
    assert env.client.get("/api/v1/cases/K-1", headers=h).status_code == 404
    bad = {**CASE, "case_id": "has space"}
    assert env.client.post("/api/v1/cases", headers=h, json=bad).status_code == 422


def test_no_names_in_audit_metrics_or_logs(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    env.client.post("/api/v1/cases", headers=env.h(Role.SUPERVISOR), json=CASE)
    with caplog.at_level(logging.INFO, logger="docscreen"):
        out = _screen(env, Role.OFFICER, jpeg_bytes())
        env.client.post(
            "/api/v1/cases/search", headers=env.h(Role.SUPERVISOR), json={"name": FAKE_NAME}
        )
    assert FAKE_NAME in json.dumps(out)  # the report itself does hold the document's fields
    fmt = JsonFormatter()
    lines = [fmt.format(r) for r in caplog.records]
    assert any('"route":"/api/v1/screenings"' in line for line in lines)
    audit = env.client.get("/api/v1/audit", headers=env.h(Role.AUDITOR)).text
    metrics = env.client.get("/metrics").text
    for blob in (*lines, audit, metrics):
        assert "SITI" not in blob.upper()
    assert str(out["id"]) not in metrics
    assert (
        'route="/api/v1/screenings/{screening_id}"' in metrics
        or "docscreen_screenings_total" in metrics
    )
    assert 'docscreen_screenings_total{risk="ALERT"} 1.0' in metrics


def test_images_are_not_stored_by_default(env: Env) -> None:
    data = jpeg_bytes(seed=3)
    sid = _screen(env, Role.OFFICER, data)["id"]
    engine = env.app.state.service.engine
    with engine.connect() as conn:
        assert conn.execute(select(db.retained_images)).first() is None
        row = conn.execute(select(db.screenings).where(db.screenings.c.id == sid)).one()
    assert digest(data) in row.image_sha256
    r = env.client.get(f"/api/v1/screenings/{sid}/images/0", headers=env.h(Role.SUPERVISOR))
    assert r.status_code == 404


def test_retention_is_encrypted_time_limited_and_purge_is_audited(tmp_path: object) -> None:
    with env_with(tmp_path, retain_hours=1.0) as env:
        data = jpeg_bytes(seed=5)
        sid = _screen(env, Role.OFFICER, data)["id"]
        svc = env.app.state.service
        with svc.engine.connect() as conn:
            blob = conn.execute(select(db.retained_images.c.blob)).scalar_one()
        assert data not in blob and data[:64] not in blob
        r = env.client.get(f"/api/v1/screenings/{sid}/images/0", headers=env.h(Role.SUPERVISOR))
        assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
        assert (
            env.client.get(
                f"/api/v1/screenings/{sid}/images/0", headers=env.h(Role.OFFICER)
            ).status_code
            == 403
        )
        # not yet expired: an admin purge removes nothing; after expiry it removes the image
        assert env.client.post("/api/v1/retention/purge", headers=env.h(Role.ADMIN)).json() == {
            "deleted": 0
        }
        assert svc.retention.purge(now=time.time() + 2 * 3600) == 1
        r = env.client.get(f"/api/v1/screenings/{sid}/images/0", headers=env.h(Role.SUPERVISOR))
        assert r.status_code == 404
        entries = env.client.get("/api/v1/audit", headers=env.h(Role.AUDITOR)).json()["items"]
        purges = [e for e in entries if e["action"] == "retention.purge"]
        assert [p["detail"]["deleted"] for p in purges][-2:] == [0, 1]
        assert env.client.get("/api/v1/audit/verify", headers=env.h(Role.AUDITOR)).json()["ok"]


def test_not_ready_until_case_index_loaded(tmp_path: object) -> None:
    gate = threading.Event()
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.runner import ThreadRunner
    from tests.service.conftest import FAST_HASHER, make_settings
    from tests.service.fakes import fake_reader, fake_screener

    cases = MemoryCases(ready_event=gate)
    app = create_app(
        make_settings(tmp_path),
        screener=fake_screener,
        cases=cases,
        runner=ThreadRunner(fake_reader, 5),
        password_hasher=FAST_HASHER,
    )
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        assert "docscreen_case_index_ready 0.0" in client.get("/metrics").text
        gate.set()
        for _ in range(200):
            if client.get("/readyz").status_code == 200:
                break
            time.sleep(0.01)
        assert client.get("/readyz").json() == {"ready": True}


def test_web_page_report_phone_friendly(env: Env) -> None:
    c, csrf = env.login(Role.OFFICER)
    home = c.get("/")
    assert 'capture="environment"' in home.text and 'name="viewport"' in home.text
    r = c.post(
        "/screen",
        files=[("files", ("a.jpg", jpeg_bytes(200, 150), "image/jpeg"))],
        data={"csrf_token": csrf, "purpose": "work", "destination": "SAU"},
    )
    assert r.status_code == 200
    text = r.text
    assert text.index('data-risk="ALERT"') < text.index("Area gambar tampak diubah.")  # risk first
    assert "PERINGATAN" in text and "data:image/png;base64," in text
    sid = text.split('id="screening-id">')[1].split("<")[0]
    en = c.get(f"/screenings/{sid}?lang=en")
    assert "ALERT — refer to a supervisor" in en.text and "An image region looks edited." in en.text
    assert "data:image/png" not in en.text  # images are not kept: no outline on a later view
    assert c.cookies.get("ds_lang") == "en"
    assert c.get(f"/screenings/{sid}?print=1").text.count("print-view") == 1
    assert sid in c.get("/screenings").text
    # a hostile upload on the page gives a readable error page, not a crash
    bad = c.post(
        "/screen",
        files=[("files", ("x.jpg", b"%PDF-1.4 nope", "image/jpeg"))],
        data={"csrf_token": csrf},
    )
    assert bad.status_code == 415 and 'data-code="unsupported_format"' in bad.text
    assert "Not a supported image file" in bad.text  # the language chosen above sticks


def test_admin_creates_users_and_keys_through_the_api(env: Env) -> None:
    h = env.h(Role.ADMIN)
    r = env.client.post(
        "/api/v1/users", headers=h, json={"name": "petugas.kupang", "role": "officer"}
    )
    assert r.status_code == 201
    key = env.client.post("/api/v1/users/petugas.kupang/keys", headers=h, json={"days": 30}).json()
    me = env.client.get("/api/v1/me", headers={"X-API-Key": key["key"]}).json()
    assert me == {"name": "petugas.kupang", "role": "officer"}
    assert (
        env.client.post(
            "/api/v1/users", headers=h, json={"name": "petugas.kupang", "role": "officer"}
        ).status_code
        == 400
    )
    names = [u["name"] for u in env.client.get("/api/v1/users", headers=h).json()["items"]]
    assert "petugas.kupang" in names
    audit = env.client.get("/api/v1/audit", headers=env.h(Role.AUDITOR)).json()["items"]
    assert {"user.create", "key.create"} <= {e["action"] for e in audit}
    assert key["key"] not in json.dumps(audit)


def test_process_runner_kills_a_stuck_reader(tmp_path: object) -> None:
    import anyio

    from docscreen.errors import OcrTimeoutError, UnsupportedFormatError
    from service.runner import ProcessRunner, Upload
    from tests.service.fakes import stuck_or_fake_reader

    # 6 s to kill the stuck read; the reads after it get a generous bound, because the
    # replacement worker's first call includes its start-up, slow on a loaded 2-core machine.
    runner = ProcessRunner(stuck_or_fake_reader, 1, 6.0)
    try:
        before = runner.worker_pids()
        t0 = time.monotonic()
        with pytest.raises(OcrTimeoutError):
            anyio.run(runner.read, [Upload(b"STUCK", "image 1")])
        # killed at its timeout, not left to run: the stuck reader never returns on its own
        assert time.monotonic() - t0 < 30
        after = runner.worker_pids()
        assert len(after) == 1 and after != before
        runner.timeout_s = 120.0
        docs = anyio.run(
            runner.read, [Upload(jpeg_bytes(), "image 1"), Upload(png_bytes(), "image 2")]
        )
        assert [d.file for d in docs] == ["image 1", "image 2"]
        with pytest.raises(UnsupportedFormatError):
            anyio.run(runner.read, [Upload(b"%PDF-1.4", "image 1")])
        assert runner.worker_pids() == after  # an input error does not cost the worker
    finally:
        runner.close()


def test_supervisor_page_shows_the_matched_record_features(env: Env) -> None:
    env.client.post("/api/v1/cases", headers=env.h(Role.SUPERVISOR), json=CASE)
    files = [("files", ("a.jpg", jpeg_bytes(), "image/jpeg"))]
    sup, sup_csrf = env.login(Role.SUPERVISOR)
    page = sup.post("/screen", files=files, data={"csrf_token": sup_csrf}).text
    assert "K-1" in page and FAKE_NAME in page  # the record's compared name, for a supervisor
    off, off_csrf = env.login(Role.OFFICER)
    page = off.post("/screen", files=files, data={"csrf_token": off_csrf}).text
    assert "Hubungi supervisor" in page
    assert "K-1" not in page and '"record"' not in page
