"""The default screener: the real docscreen.screening.screen on generated specimens."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from docscreen.batch import ProcessPool, RunOptions, run, status
from docscreen.batch.executors import Limits

from .helpers import read_jsonl

specimens = pytest.importorskip("docscreen.specimens")


@pytest.mark.slow
def test_real_screen_on_a_bundle_and_a_pdf_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOCSCREEN_DB_URL", raising=False)
    src = tmp_path / "src"
    person = src / "traveller-1"
    person.mkdir(parents=True)
    docs = specimens.make_bundle(41)
    for spec in docs:
        (person / f"{spec.id}.{spec.ext}").write_bytes(spec.data)
    # The same passport scanned into a PDF, screened as a document of its own.
    bgr = docs[0].image
    page = Image.fromarray(np.ascontiguousarray(bgr[:, :, ::-1]))
    buf = io.BytesIO()
    page.save(buf, format="PDF", resolution=150)
    (src / "scan.pdf").write_bytes(buf.getvalue())

    out = tmp_path / "out"
    opts = RunOptions(
        bundle_by_folder=True, limits=Limits(timeout=240, max_attempts=1), progress=False
    )
    summary = run(src, out, ProcessPool(2), options=opts)
    assert summary.complete, (out / "errors.jsonl").read_text()
    rows = read_jsonl(out / "results.jsonl")
    assert read_jsonl(out / "errors.jsonl") == []
    by_kind = {r["kind"]: r for r in rows}
    bundle = by_kind["bundle"]
    assert bundle["traveller"] == "traveller-1"
    assert bundle["risk"] in {"CLEAR", "REVIEW", "ALERT"}
    # The reports name the files as the batch labels them (one document per bundle file).
    names = sorted(d["file"] for d in bundle["report"]["documents"])
    assert names == sorted(d["file"] for d in bundle["documents"])
    assert len(names) == 2 and all(n.startswith("traveller-1/") for n in names)
    assert any(d["fields"] for d in bundle["report"]["documents"])  # the real reader ran
    pdf = by_kind["document"]
    assert pdf["file"] == "scan.pdf" and pdf["page"] == 1
    assert [d["file"] for d in pdf["report"]["documents"]] == ["scan.pdf"]
    assert all(f["code"] for r in rows for f in r["report"]["findings"])
    assert status(out).state == "complete"
    json.dumps(rows)  # rows are plain JSON
