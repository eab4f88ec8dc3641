from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from docscreen.batch import (
    InlineExecutor,
    Limits,
    ProcessPool,
    RunOptions,
    format_status,
    run,
    status,
)
from docscreen.batch.types import Outcome, UnitTask, WorkUnit
from docscreen.errors import InputError

from .fakes import context_screen, fake_screen
from .helpers import keyed, make_folder, png_bytes, read_jsonl

FAST = Limits(timeout=20.0, max_attempts=2)


def _opts(**kw: object) -> RunOptions:
    base: dict[str, object] = {"screener": fake_screen, "limits": FAST, "progress": False}
    base.update(kw)
    return RunOptions(**base)  # type: ignore[arg-type]


def test_process_pool_reports_bad_files_and_screens_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = make_folder(tmp_path / "src", 6, hang=True)
    (src / "zz_CRASH.png").write_bytes(png_bytes(77))
    (src / "zz_BOOM.png").write_bytes(png_bytes(78))
    (src / "zz_FLAKY.png").write_bytes(png_bytes(79))
    (src / "zz_OCRFAIL.png").write_bytes(png_bytes(80))
    (tmp_path / "flags").mkdir()
    monkeypatch.setenv("DOCSCREEN_FAKE_FLAGS", str(tmp_path / "flags"))
    out = tmp_path / "out"
    limits = Limits(
        timeout=6.0, max_attempts=2
    )  # generous: worker start-up counts on a busy machine
    summary = run(src, out, ProcessPool(2), options=_opts(limits=limits))
    results = read_jsonl(out / "results.jsonl")
    errors = {e["file"]: e["reason"] for e in read_jsonl(out / "errors.jsonl")}
    expected_ids = {hashlib.sha256(png_bytes(i)).hexdigest() for i in (*range(6), 79)}
    assert {r["id"] for r in results} == expected_ids
    assert all(r["risk"] in {"CLEAR", "REVIEW", "ALERT"} for r in results)
    assert set(errors) == {
        "doc003_corrupt.jpg",
        "doc003_empty.png",
        "doc003_notes.txt",
        "doc003_HANG.png",
        "zz_CRASH.png",
        "zz_BOOM.png",
        "zz_OCRFAIL.png",
    }
    assert "corrupt" in errors["doc003_corrupt.jpg"]
    assert "0 bytes" in errors["doc003_empty.png"]
    assert "not a supported image" in errors["doc003_notes.txt"]
    assert "timed out after 6 s (after 2 attempts)" in errors["doc003_HANG.png"]
    assert "worker crashed (killed by SIGKILL) (after 2 attempts)" in errors["zz_CRASH.png"]
    assert "internal error: RuntimeError: screener bug" in errors["zz_BOOM.png"]
    assert "tesseract failed: killed by signal 9 (after 2 attempts)" in errors["zz_OCRFAIL.png"]
    assert summary.counts["ERROR"] == 7
    assert summary.counts["CLEAR"] + summary.counts["REVIEW"] + summary.counts["ALERT"] == 7
    assert summary.complete


class _Interrupting:
    """Wraps an executor and raises KeyboardInterrupt after ``after`` outcomes (like Ctrl-C)."""

    def __init__(self, inner: InlineExecutor, after: int) -> None:
        self.inner = inner
        self.after = after
        self.workers = 1

    def run(self, task: UnitTask, units: Iterable[WorkUnit], limits: Limits) -> Iterator[Outcome]:
        for n, outcome in enumerate(self.inner.run(task, units, limits), start=1):
            yield outcome
            if n >= self.after:
                raise KeyboardInterrupt


def test_interrupt_then_resume_equals_uninterrupted_run(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "src", 12)
    (src / "multi.tif").write_bytes(
        __import__("tests.batch.helpers", fromlist=["multipage"]).multipage(5, 3, "TIFF")
    )
    date = dt.date(2026, 11, 29)
    reference = tmp_path / "ref"
    run(src, reference, InlineExecutor(), options=_opts(screening_date=date))

    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run(src, out, _Interrupting(InlineExecutor(), 5), options=_opts(screening_date=date))
    st = status(out)
    assert st.state == "interrupted" and not st.running
    assert 0 < st.finished < st.total
    assert "rerun" in format_status(st)
    # A crash in the middle of appending leaves a partial line: the next run must repair it.
    with (out / "results.jsonl").open("a") as fh:
        fh.write('{"id": "half-writ')
    summary = run(src, out, InlineExecutor(), options=_opts())
    assert summary.skipped > 0 and summary.screened > 0
    assert keyed(out / "results.jsonl") == keyed(reference / "results.jsonl")
    assert keyed(out / "errors.jsonl") == keyed(reference / "errors.jsonl")
    assert status(out).state == "complete"

    again = run(src, out, InlineExecutor(), options=_opts())
    assert again.screened == 0 and again.skipped == again.total
    assert keyed(out / "results.jsonl") == keyed(reference / "results.jsonl")


def test_screening_date_is_fixed_at_the_first_run(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "src", 2, nasty=False)
    out = tmp_path / "out"
    run(
        src,
        out,
        InlineExecutor(),
        options=_opts(screener=context_screen, screening_date=dt.date(2026, 1, 2)),
    )
    rows = read_jsonl(out / "results.jsonl")
    evidence = [
        f["evidence"] for r in rows for f in r["report"]["findings"] if f["code"] == "CONTEXT"
    ]
    assert {e["screening_date"] for e in evidence} == {"2026-01-02"}
    with pytest.raises(InputError, match="screens as of"):
        run(src, out, InlineExecutor(), options=_opts(screening_date=dt.date(2026, 1, 3)))
    with pytest.raises(InputError, match="another --out"):
        run(tmp_path, out, InlineExecutor(), options=_opts())


def test_duplicates_are_screened_once_and_listed(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "src", 3, nasty=False)
    (src / "copy_of_doc001.png").write_bytes(png_bytes(1))
    out = tmp_path / "out"
    summary = run(src, out, InlineExecutor(), options=_opts())
    assert summary.duplicates == 1
    assert len(read_jsonl(out / "results.jsonl")) == 3
    summary_csv = (out / "summary.csv").read_text()
    assert "copy_of_doc001.png" in summary_csv and "DUPLICATE" in summary_csv
    assert run(src, out, InlineExecutor(), options=_opts()).duplicates == 1


def test_bundles_by_folder_from_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "travellers.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("T-001/passport.png", png_bytes(1))
        zf.writestr("T-001/ktp.png", png_bytes(2))
        zf.writestr("T-002/passport.png", png_bytes(3))
        zf.writestr("T-002/broken.png", b"\x89PNG\r\n\x1a\nbroken")
        zf.writestr("T-002/empty.png", b"")
        zf.writestr("../escape.png", png_bytes(4))
        zf.writestr("T-003/empty.png", b"")  # a traveller with nothing readable
    out = tmp_path / "out"
    run(path, out, InlineExecutor(), options=_opts(screener=context_screen, bundle_by_folder=True))
    rows = {r["traveller"]: r for r in read_jsonl(out / "results.jsonl")}
    assert set(rows) == {"T-001", "T-002"}
    assert rows["T-001"]["kind"] == "bundle"
    assert [d["file"] for d in rows["T-001"]["documents"]] == [
        "T-001/ktp.png",
        "T-001/passport.png",
    ]
    pages = [
        f["evidence"]["pages"]
        for f in rows["T-002"]["report"]["findings"]
        if f["code"] == "CONTEXT"
    ]
    assert pages == [1]  # the broken and empty files are reported, the bundle goes on
    errors = {e["file"] for e in read_jsonl(out / "errors.jsonl")}
    assert errors == {"T-002/broken.png", "T-002/empty.png", "T-003/empty.png", "../escape.png"}
    st = status(out)
    assert st.finished == st.total == 4 and st.state == "complete"
    again = run(
        path, out, InlineExecutor(), options=_opts(screener=context_screen, bundle_by_folder=True)
    )
    assert again.screened == 0 and again.skipped == 4


def test_manifest_context_reaches_the_screener(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(png_bytes(1))
    (tmp_path / "b.png").write_bytes(png_bytes(2))
    (tmp_path / "m.csv").write_text(
        "path,traveller,purpose,destination\na.png,T9,work,MYS\nb.png,T9,,\n"
    )
    out = tmp_path / "out"
    run(
        tmp_path / "m.csv",
        out,
        InlineExecutor(),
        options=_opts(screener=context_screen, screening_date=dt.date(2026, 5, 5)),
    )
    (row,) = read_jsonl(out / "results.jsonl")
    (ev,) = [f["evidence"] for f in row["report"]["findings"] if f["code"] == "CONTEXT"]
    assert ev == {
        "screening_date": "2026-05-05",
        "purpose": "work",
        "destination": "MYS",
        "pages": 2,
    }


def test_retry_errors_and_parquet(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "src", 3)
    out = tmp_path / "out"
    first = run(src, out, InlineExecutor(), options=_opts())
    assert first.counts["ERROR"] == 3
    (src / "doc001_corrupt.jpg").write_bytes(png_bytes(99))  # the operator fixed one file
    fixed = run(src, out, InlineExecutor(), options=_opts(retry_errors=True, parquet=True))
    assert fixed.counts["ERROR"] == 2 and fixed.screened == 3
    import pyarrow.parquet as pq

    table = pq.read_table(out / "results.parquet")
    assert table.num_rows == 4
    assert set(table.column("file").to_pylist()) >= {"doc001_corrupt.jpg"}
    assert pq.read_table(out / "errors.parquet").num_rows == 2


def test_summary_csv_and_status(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "src", 4)
    out = tmp_path / "out"
    summary = run(src, out, InlineExecutor(), options=_opts())
    lines = (out / "summary.csv").read_text().splitlines()
    assert lines[0].startswith("id,unit,kind,traveller,file,page,sha256,risk,findings,reason")
    assert len(lines) == 1 + 4 + 3
    st = status(out)
    assert st.state == "complete" and st.finished == st.total == 7
    assert st.counts == summary.counts
    assert json.loads(json.dumps(st.to_dict()))["remaining"] == 0
