"""The Dask executor gives the same rows as the process pool (small LocalCluster, threads)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from docscreen.batch import DaskExecutor, Limits, ProcessPool, RunOptions, run

from .fakes import fake_screen
from .helpers import keyed, make_folder, png_bytes

pytest.importorskip(
    "distributed", reason="Dask is an optional extra: pip install 'docscreen[dask]'"
)


def test_dask_local_cluster_matches_the_process_pool(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "src", 8, hang=True)
    (src / "big.png").write_bytes(png_bytes(500, size=700))  # > 1 MiB: scattered, not in the graph
    opts = RunOptions(
        screener=fake_screen,
        limits=Limits(
            timeout=6.0, max_attempts=1
        ),  # generous: worker start-up counts on a busy machine
        progress=False,
        screening_date=dt.date(2026, 11, 29),
    )
    pool_out = tmp_path / "pool"
    run(src, pool_out, ProcessPool(2), options=opts)
    dask_out = tmp_path / "dask"
    dask = pytest.importorskip("dask")
    config_before = copy.deepcopy(dask.config.config)
    summary = run(src, dask_out, DaskExecutor(local_workers=2, processes=False), options=opts)
    # The local cluster's quieter settings apply to that cluster only, not to the caller's Dask.
    assert dask.config.config == config_before
    assert summary.complete and summary.counts["ERROR"] == 4
    assert len((src / "big.png").read_bytes()) > 1 << 20
    assert keyed(dask_out / "results.jsonl") == keyed(pool_out / "results.jsonl")
    assert keyed(dask_out / "errors.jsonl") == keyed(pool_out / "errors.jsonl")
    hang = [e for e in (dask_out / "errors.jsonl").read_text().splitlines() if "HANG" in e]
    assert len(hang) == 1 and "timed out after 6 s" in hang[0]
