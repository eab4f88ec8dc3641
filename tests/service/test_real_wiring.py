"""The service on the real library: worker processes reading with Tesseract, the real screening
rules and the real case store (SQLite).  One synthetic passport from sample_docs, end to end."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.auth import Role
from service.cases_adapter import CaseStoreBackend
from tests.service.conftest import FAST_HASHER, make_settings

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_docs" / "idn_passport-202700000.jpg"


@pytest.mark.slow
def test_real_pipeline_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not SAMPLE.exists():
        pytest.fail(f"{SAMPLE} is missing (sample_docs is part of the repository)")
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    truth = json.loads(SAMPLE.with_suffix(".json").read_text())
    holder = truth["person"]["full_name"]  # synthetic (Faker id_ID)
    cases = CaseStoreBackend(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    app = create_app(
        make_settings(tmp_path, workers=1, screen_timeout_s=120.0),
        cases=cases,
        password_hasher=FAST_HASHER,
    )
    svc = app.state.service
    keys = {}
    for role in (Role.OFFICER, Role.SUPERVISOR, Role.AUDITOR):
        svc.auth.create_user(role.value + "1", role)
        keys[role] = {"X-API-Key": svc.auth.create_key(role.value + "1").key}
    with TestClient(app) as client:
        for _ in range(300):
            if client.get("/readyz").status_code == 200:
                break
            time.sleep(0.05)
        assert client.get("/readyz").json() == {"ready": True}
        record = {
            "case_id": "T-1",
            "role": "victim",
            "name": holder,
            "birth_date": truth["person"]["birth_date"],
        }
        r = client.post("/api/v1/cases", headers=keys[Role.SUPERVISOR], json=record)
        assert r.status_code == 201, r.text
        r = client.post(
            "/api/v1/screenings",
            headers=keys[Role.OFFICER],
            files=[("files", ("p.jpg", SAMPLE.read_bytes(), "image/jpeg"))],
            data={"purpose": "work", "destination": "MYS"},
        )
        assert r.status_code == 201, r.text
        out = r.json()
        report = out["report"]
        assert out["risk"] in ("REVIEW", "ALERT")
        assert report["documents"][0]["kind"] == "idn_passport"
        assert report["findings"], "the real rules ran"
        # the holder matches the victim record; the officer learns that, not what it holds
        assert [m["case_id"] for m in report["matches"]][:1] == ["T-1"]
        assert set(report["matches"][0]) == {"case_id", "score", "role", "alert"}
        full = client.get(f"/api/v1/screenings/{out['id']}", headers=keys[Role.SUPERVISOR]).json()
        assert "features" in full["report"]["matches"][0]
        assert client.get("/api/v1/audit/verify", headers=keys[Role.AUDITOR]).json()["ok"]
        assert holder not in client.get("/api/v1/audit?limit=100", headers=keys[Role.AUDITOR]).text


def test_case_store_adapter_crud_import_and_search(tmp_path: Path) -> None:
    from docscreen.errors import InvalidRecordError, NotFoundError
    from service.errors import NotReadyError
    from service.ports import NameQuery

    backend = CaseStoreBackend(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    with pytest.raises(NotReadyError):
        backend.store()
    backend.load()
    assert backend.ready
    rec = {"case_id": "A-1", "role": "suspect", "name": "BUDI HARTONO", "nationality": ["IDN"]}
    assert backend.create_record(rec, "sup1")["name"] == "BUDI HARTONO"
    with pytest.raises(InvalidRecordError):
        backend.create_record(rec, "sup1")  # exists
    with pytest.raises(InvalidRecordError):
        backend.create_record({"case_id": "A 2", "name": ""}, "sup1")
    csv_rows = (
        b"case_id,role,name,birth_date\nB-1,victim,MARIA NDOLU,2008-03-01\nB-2,victim,,1999\n"
    )
    assert backend.import_records(csv_rows, "csv", "sup1") == (1, 1)
    assert {r["case_id"] for r in backend.list_records(0, 10)} == {"A-1", "B-1"}
    assert (
        backend.update_record("B-1", {**backend.get_record("B-1"), "role": "missing"}, "sup1")[
            "role"
        ]
        == "missing"
    )
    hits = backend.search(NameQuery("MARIA NDOLU", dob="2008-03-01"), 5)
    assert hits and hits[0].case_id == "B-1"
    backend.delete_record("A-1", "sup1")
    with pytest.raises(NotFoundError):
        backend.get_record("A-1")
