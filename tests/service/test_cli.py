"""The admin side of ``docscreen serve`` and the service secret."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from docscreen.cli import main
from docscreen.errors import ConfigurationError
from service.audit import verify_chain
from service.auth import Auth
from service.db import open_db
from service.settings import ServiceSettings, load_or_create_secret


def test_secret_is_created_once_private_and_stable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOCSCREEN_SECRET", raising=False)
    first = load_or_create_secret(tmp_path)
    path = tmp_path / "service_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(tmp_path) == first and len(first) == 32
    monkeypatch.setenv("DOCSCREEN_SECRET", "ab" * 32)
    assert load_or_create_secret(tmp_path) == bytes.fromhex("ab" * 32)
    monkeypatch.setenv("DOCSCREEN_SECRET", "short")
    with pytest.raises(ConfigurationError):
        load_or_create_secret(tmp_path)


def test_settings_from_env_defaults_to_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("DOCSCREEN_SERVICE_DB_URL", raising=False)
    monkeypatch.delenv("DOCSCREEN_SECRET", raising=False)
    monkeypatch.setenv("DOCSCREEN_MAX_INFLIGHT", "3")
    s = ServiceSettings.from_env()
    assert s.db_url == f"sqlite:///{tmp_path / 'docscreen' / 'service.sqlite3'}"
    assert (tmp_path / "docscreen" / "service_secret").exists()
    assert s.inflight_cap == 3 and s.retain_hours == 0.0 and not s.cookie_secure
    monkeypatch.setenv("DOCSCREEN_MAX_UPLOAD_FILES", "9")
    with pytest.raises(ConfigurationError):
        ServiceSettings.from_env()


def test_create_user_and_key_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'svc.sqlite3'}"
    monkeypatch.setenv("DOCSCREEN_SECRET", "cd" * 32)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a long enough password\n"))
    assert (
        main(
            [
                "serve",
                "--db",
                url,
                "--create-user",
                "Sup.One",
                "--role",
                "supervisor",
                "--password-stdin",
            ]
        )
        == 0
    )
    assert main(["serve", "--db", url, "--create-key", "sup.one", "--days", "7"]) == 0
    out = capsys.readouterr().out.splitlines()
    key = out[-1]
    engine = open_db(url)
    auth = Auth(engine, bytes.fromhex("cd" * 32))
    who = auth.check_key(key)
    assert who is not None and who.name == "sup.one" and who.role.value == "supervisor"
    assert auth.check_password("sup.one", "a long enough password") is not None
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--db", url, "--create-user", "x1", "--role", "boss"])
    assert exc.value.code == 2
    assert main(["serve", "--db", url, "--create-user", "x1"]) == 2  # no role
    assert main(["serve", "--db", url, "--purge-retention"]) == 0
    result = verify_chain(engine)
    assert result.ok and result.entries == 3  # user.create, key.create, retention.purge
    engine.dispose()
