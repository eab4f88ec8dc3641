"""Batch throughput: documents per minute for a plain loop, the process pool (1 and 2 workers) and
a Dask LocalCluster (2 workers), on generated specimens.

    .venv/bin/python benchmarks/batch_throughput.py --count 500 --screener real
    .venv/bin/python benchmarks/batch_throughput.py --count 500 --screener cpu   # CPU-bound stand-in

``--screener real`` screens with docscreen.screening.screen (OCR, rules); ``cpu`` with a stand-in
that decodes the file like the real one and then burns a fixed amount of CPU per page, which
isolates the batch machinery's own cost and scaling from OCR.  Specimens are generated once into
``--data`` (default /tmp/docscreen-bench-batch) with docscreen.specimens.generate and reused.

Figures: docs/min per configuration; speed-up of 2 workers over 1 (target >= 1.8x); Dask versus
the pool at 2 workers (target within 15%); batch overhead = pool(1 worker) time / loop time - 1
(target <= 10%).  The loop decodes and screens each file in one process, no journal.
The load average is printed before and after: the machine is shared.

CPU time is split into the parent (this process: reading, hashing, the journal and, for Dask, the
local cluster's scheduler and worker threads) and the workers (sandbox processes and their
tesseract children), so a difference between two configurations can be placed.  The screening code
is imported afresh by each configuration's workers: keep the tree unchanged during a run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from docscreen.batch import DaskExecutor, Limits, ProcessPool, RunOptions, run
from docscreen.batch.types import Screener
from docscreen.batch.work import default_screener
from docscreen.imaging.load import LoadedImage
from docscreen.imaging.pdf import iter_pages
from docscreen.models import Risk, ScreeningContext, ScreeningReport

STANDIN_ROUNDS = int(os.environ.get("DOCSCREEN_STANDIN_ROUNDS", "6"))


def cpu_screen(images: Sequence[LoadedImage], context: ScreeningContext) -> ScreeningReport:
    """CPU-bound stand-in for screen(): a fixed amount of numpy work per page, deterministic."""
    started = time.perf_counter()
    total = 0
    for image in images:
        gray = image.pixels.mean(axis=2).astype(np.float32)
        for _ in range(STANDIN_ROUNDS):
            gray = np.sort(gray, axis=1)[:, ::-1].copy()
            total += int(gray[::7, ::7].sum()) % 1000
    risk = (Risk.CLEAR, Risk.REVIEW, Risk.ALERT)[total % 3]
    return ScreeningReport(risk=risk, seconds=time.perf_counter() - started)


def _screener(name: str) -> Screener:
    if name == "real":
        return default_screener
    # Imported by module name so worker processes can unpickle it.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import batch_throughput

    fn: Screener = batch_throughput.cpu_screen
    return fn


def ensure_data(data: Path, count: int, seed: int) -> Path:
    """Generated specimen images (no truth JSON) in data/images-<count>-<seed>."""
    images = data / f"images-{count}-{seed}"
    if images.is_dir() and len(list(images.iterdir())) == count:
        return images
    from docscreen.specimens import generate

    gen = data / f"gen-{count}-{seed}"
    if not (gen / "index.jsonl").exists():
        generate(gen, count, seed)
    shutil.rmtree(images, ignore_errors=True)
    images.mkdir(parents=True)
    picked = sorted(p for p in gen.rglob("*") if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    picked = [p for p in picked if not p.name.endswith(".mask.png")][:count]
    for i, path in enumerate(picked):
        shutil.copyfile(path, images / f"{i:05d}-{path.name}")
    return images


def _cpu() -> tuple[float, float]:
    """CPU seconds used so far by this process (the batch parent and, for Dask, the local
    cluster's scheduler and worker threads) and by its waited-for descendants (the sandbox
    processes and their tesseract children)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def subset(images: Path, limit: int) -> Path:
    """The first ``limit`` images of a generated set (to time the slow real screener on fewer)."""
    files = sorted(images.iterdir())[:limit]
    out = images.with_name(f"{images.name}-first{limit}")
    if out.is_dir() and len(list(out.iterdir())) == len(files):
        return out
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    for path in files:
        shutil.copyfile(path, out / path.name)
    return out


def _code_digest() -> str:
    """A digest of the package's source: workers import it afresh for each configuration, so an
    edit during the benchmark (the tree is shared) would compare different code."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1] / "src" / "docscreen"
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def time_loop(images: Path, screener: Screener) -> float:
    context = ScreeningContext()
    started = time.perf_counter()
    for path in sorted(images.iterdir()):
        for page in iter_pages(path, name=path.name):
            screener([page], context)
    return time.perf_counter() - started


def time_batch(images: Path, screener: Screener, executor: object) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        opts = RunOptions(
            screener=screener, limits=Limits(timeout=600, max_attempts=1), progress=False
        )
        started = time.perf_counter()
        summary = run(images, Path(tmp) / "out", executor, options=opts)  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
        if not summary.complete or summary.counts["ERROR"]:
            print(f"  warning: {summary.counts}", file=sys.stderr)
        return seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--limit", type=int, help="time only the first N of the generated set")
    parser.add_argument("--screener", choices=("real", "cpu"), default="real")
    parser.add_argument("--data", type=Path, default=Path("/tmp/docscreen-bench-batch"))
    parser.add_argument(
        "--configs",
        default="loop,pool1,pool2,dask2",
        help="comma-separated list of loop,pool1,pool2,dask2; repeat one to average its runs",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    images = ensure_data(args.data, args.count, args.seed)
    if args.limit:
        images = subset(images, args.limit)
    screener = _screener(args.screener)
    n = len(list(images.iterdir()))
    print(
        f"batch_throughput: {n} documents, screener={args.screener}, "
        f"{os.cpu_count()} cores, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    # Totals per configuration over its runs; a configuration may be listed more than once
    # (e.g. pool2,dask2,dask2,pool2) so that drift on a shared machine cancels out.
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    parent: dict[str, float] = {}
    runs: dict[str, int] = {}
    code = _code_digest()
    print(
        f"{'config':<8} {'seconds':>9} {'docs/min':>9} {'cpu s':>8} {'cpu s/doc':>9}"
        f" {'parent':>7} {'workers':>7}  load(1m/5m) before -> after"
    )
    for config in args.configs.split(","):
        before = _load()
        self_before, kids_before = _cpu()
        if config == "loop":
            secs = time_loop(images, screener)
        elif config.startswith("pool"):
            secs = time_batch(images, screener, ProcessPool(int(config[4:])))
        elif config.startswith("dask"):
            secs = time_batch(images, screener, DaskExecutor(local_workers=int(config[4:])))
        else:
            parser.error(f"unknown config {config}")
        self_after, kids_after = _cpu()
        own = self_after - self_before
        total = own + kids_after - kids_before
        seconds[config] = seconds.get(config, 0.0) + secs
        parent[config] = parent.get(config, 0.0) + own
        cpu[config] = cpu.get(config, 0.0) + total
        runs[config] = runs.get(config, 0) + 1
        print(
            f"{config:<8} {secs:9.1f} {60 * n / secs:9.1f} {total:8.1f} "
            f"{total / n:9.3f} {own / n:7.3f} {(total - own) / n:7.3f}  {before} -> {_load()}",
            flush=True,
        )
        now = _code_digest()
        if now != code:
            print(
                "  warning: the screening code changed during this run (src/docscreen was "
                "edited): configurations ran different code",
                flush=True,
            )
            code = now
    for table in (seconds, cpu, parent):
        for config, count in runs.items():
            table[config] /= count
    if any(count > 1 for count in runs.values()):
        print("means over runs: " + ", ".join(f"{c} x{k}" for c, k in runs.items()))
    if "pool1" in seconds and "pool2" in seconds:
        print(
            f"speed-up 2 workers / 1 worker: {seconds['pool1'] / seconds['pool2']:.2f}x (target >= 1.8x)"
        )
    if "pool2" in seconds and "dask2" in seconds:
        diff = seconds["dask2"] / seconds["pool2"] - 1
        diff_cpu = cpu["dask2"] / cpu["pool2"] - 1
        print(
            f"Dask 2 workers vs pool 2 workers: {100 * diff:+.1f}% time (target within 15%), "
            f"{100 * diff_cpu:+.1f}% CPU time: parent "
            f"{(parent['dask2'] - parent['pool2']) / n:+.3f} s/doc, workers "
            f"{(cpu['dask2'] - parent['dask2'] - cpu['pool2'] + parent['pool2']) / n:+.3f} s/doc"
        )
    if "loop" in seconds and "pool1" in seconds:
        over = seconds["pool1"] / seconds["loop"] - 1
        over_cpu = cpu["pool1"] / cpu["loop"] - 1
        print(
            f"batch overhead (pool 1 worker vs loop): {100 * over:+.1f}% wall, "
            f"{100 * over_cpu:+.1f}% CPU time (target <= 10%)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
