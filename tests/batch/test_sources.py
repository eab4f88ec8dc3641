from __future__ import annotations

import datetime as dt
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from docscreen.batch.sources import (
    ManifestSource,
    SourceProblem,
    TarSource,
    UnitSpec,
    UnsafeArchiveError,
    ZipSource,
    check_member_name,
    open_source,
)
from docscreen.errors import ImageTooLargeError, InputError
from docscreen.models import ScreeningContext

from .helpers import png_bytes


@pytest.mark.parametrize(
    "name", ["../evil.png", "a/../../evil.png", "/etc/passwd", "C:\\win.png", "..\\x.png"]
)
def test_unsafe_member_names_are_refused(name: str) -> None:
    with pytest.raises(UnsafeArchiveError, match="path traversal"):
        check_member_name(name)


def test_safe_member_names_are_normalised() -> None:
    assert check_member_name("./a\\b/./c.png") == "a/b/c.png"


def _specs(items: list[UnitSpec | SourceProblem]) -> list[UnitSpec]:
    return [i for i in items if isinstance(i, UnitSpec)]


def test_zip_traversal_member_is_reported_and_the_rest_planned(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("ok/one.png", png_bytes(1))
        zf.writestr("../../escape.png", png_bytes(2))
        zf.writestr(".hidden/skip.png", png_bytes(3))
    with open_source(path) as src:
        assert isinstance(src, ZipSource)
        items = src.plan()
        problems = [i for i in items if isinstance(i, SourceProblem)]
        assert len(problems) == 1 and "path traversal" in problems[0].reason
        (spec,) = _specs(items)
        assert spec.files[0].label == "ok/one.png"
        assert src.read(spec.files[0]) == png_bytes(1)


def test_zip_bomb_is_refused_by_ratio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30_000_000)
    monkeypatch.setenv("DOCSCREEN_MAX_ARCHIVE_RATIO", "50")
    with open_source(path) as src:
        (spec,) = _specs(src.plan())
        with pytest.raises(UnsafeArchiveError, match="compression ratio"):
            src.read(spec.files[0])


def test_zip_member_larger_than_the_file_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("big.png", b"\x89PNG\r\n\x1a\n" + b"\x01" * 5000)
    monkeypatch.setenv("DOCSCREEN_MAX_FILE_BYTES", "2048")
    with open_source(path) as src:
        (spec,) = _specs(src.plan())
        with pytest.raises(ImageTooLargeError):
            src.read(spec.files[0])


def test_tar_links_and_traversal_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        data = png_bytes(1)
        info = tarfile.TarInfo("t1/one.png")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("t1/passwd.png")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tf.addfile(link)
        evil = tarfile.TarInfo("../evil.png")
        evil.size = len(data)
        tf.addfile(evil, io.BytesIO(data))
    with open_source(path, bundle_by_folder=True) as src:
        assert isinstance(src, TarSource)
        items = src.plan()
        reasons = sorted(i.reason for i in items if isinstance(i, SourceProblem))
        assert len(reasons) == 2
        assert any("path traversal" in r for r in reasons)
        assert any("link" in r for r in reasons)
        (spec,) = _specs(items)
        assert spec.bundle and spec.traveller == "t1"
        assert src.read(spec.files[0]) == data


def test_tar_bomb_by_declared_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        info = tarfile.TarInfo("zeros.png")
        info.size = 20_000_000
        tf.addfile(info, io.BytesIO(b"\x00" * info.size))
    monkeypatch.setenv("DOCSCREEN_MAX_ARCHIVE_RATIO", "100")
    with open_source(path) as src, pytest.raises(UnsafeArchiveError, match="tar bomb"):
        src.plan()


def test_folder_bundles_and_output_folder_is_excluded(tmp_path: Path) -> None:
    root = tmp_path / "src"
    (root / "traveller_a").mkdir(parents=True)
    (root / "traveller_a" / "passport.png").write_bytes(png_bytes(1))
    (root / "traveller_a" / "ktp.png").write_bytes(png_bytes(2))
    (root / "loose.png").write_bytes(png_bytes(3))
    (root / "out").mkdir()
    (root / "out" / "results.jsonl").write_text("")
    with open_source(root, bundle_by_folder=True, exclude=root / "out") as src:
        specs = _specs(src.plan())
    labels = sorted((s.traveller or "", tuple(f.label for f in s.files)) for s in specs)
    assert labels == [
        ("", ("loose.png",)),
        ("traveller_a", ("traveller_a/ktp.png", "traveller_a/passport.png")),
    ]


def test_manifest_groups_travellers_and_reads_context(tmp_path: Path) -> None:
    for i in range(4):
        (tmp_path / f"f{i}.png").write_bytes(png_bytes(i))
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "path,traveller,purpose,destination,departure_date,presented,contract_employer\n"
        "f0.png,T1,work,MYS,2026-12-01,work_visa;bpjs,PT Contoh\n"
        "f1.png,,,,,,\n"
        "f2.png,T1,,,,,\n"
        "f3.png,T2,work,SGP,,,\n"
        "f3.png,T2,tourism,,,,\n"
        ",T3,,,,,\n"
        "f1.png,T4,,,not-a-date,,\n"
    )
    base = ScreeningContext(screening_date=dt.date(2026, 11, 1))
    src = ManifestSource(manifest, context=base)
    items = src.plan()
    specs = _specs(items)
    problems = [i for i in items if isinstance(i, SourceProblem)]
    t1 = next(s for s in specs if s.traveller == "T1")
    assert t1.bundle and [f.label for f in t1.files] == ["f0.png", "f2.png"]
    assert t1.context is not None
    assert t1.context.purpose == "work" and t1.context.destination == "MYS"
    assert t1.context.departure_date == dt.date(2026, 12, 1)
    assert t1.context.screening_date == dt.date(2026, 11, 1)
    assert t1.context.presented == frozenset({"work_visa", "bpjs"})
    assert t1.context.contract == {"employer": "PT Contoh"}
    single = next(s for s in specs if not s.bundle)
    assert single.files[0].label == "f1.png" and single.context is None
    reasons = " | ".join(p.reason for p in problems)
    assert "conflicting purpose" in reasons  # T2
    assert "empty path" in reasons  # T3
    assert "not a date" in reasons  # T4
    assert src.read(t1.files[0]) == png_bytes(0)


def test_manifest_needs_a_path_column(tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text("name\nx.png\n")
    with pytest.raises(InputError, match="path"):
        ManifestSource(manifest).plan()


def test_unknown_source(tmp_path: Path) -> None:
    odd = tmp_path / "x.bin"
    odd.write_bytes(b"just some bytes, not an archive\n" * 40)
    with pytest.raises(InputError):
        open_source(odd)
    with pytest.raises(InputError):
        open_source(tmp_path / "missing")
