"""Load test of the officer service: N concurrent clients uploading passport images.

Starts ``docscreen serve`` (the real pipeline: worker processes running Tesseract, the real rules
and an empty SQLite case store) on 127.0.0.1 with a throw-away data folder, creates an officer key
with the admin CLI, then runs ``--clients`` threads that each upload one synthetic passport image
from sample_docs per request for ``--seconds``.  A 503 (concurrency cap) is counted and the client
waits min(Retry-After, 1 s) before its next try, as a polite client would.

Prints a table: throughput, p50/p95 latency of completed screenings, status counts, and the
resident memory of the server and its reader processes at start, during and at the end.

    .venv/bin/python benchmarks/service_load.py --clients 20 --seconds 120
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
DOCSCREEN = str(REPO / ".venv" / "bin" / "docscreen")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (from /proc), in MB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError):
            continue
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--workers", type=int, default=2, help="reader processes of the server")
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds before memory 'start'")
    args = ap.parse_args()

    images = sorted((REPO / "sample_docs").glob("idn_passport-*.jpg"))
    if not images:
        print("no sample_docs/idn_passport-*.jpg", file=sys.stderr)
        return 2
    payloads = [p.read_bytes() for p in images]
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="docscreen-load-"))
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp),
        "DOCSCREEN_SERVICE_DB_URL": f"sqlite:///{tmp / 'service.sqlite3'}",
        "DOCSCREEN_DB_URL": f"sqlite:///{tmp / 'cases.sqlite3'}",
        "DOCSCREEN_RATE_PER_MINUTE": "100000",
        "DOCSCREEN_SCREEN_WORKERS": str(args.workers),
        "OMP_THREAD_LIMIT": "1",
    }
    subprocess.run(
        [DOCSCREEN, "serve", "--create-user", "loadbench", "--role", "officer"],
        env=env,
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    key = subprocess.run(
        [DOCSCREEN, "serve", "--create-key", "loadbench"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(
        [DOCSCREEN, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            print("server did not become ready", file=sys.stderr)
            return 3

        # One screening per reader process first, so that "start" memory includes loaded readers.
        def warm() -> None:
            httpx.post(
                base + "/api/v1/screenings",
                headers={"X-API-Key": key},
                files=[("files", ("p.jpg", payloads[0], "image/jpeg"))],
                timeout=300,
            )

        warmers = [threading.Thread(target=warm) for _ in range(args.workers)]
        for t in warmers:
            t.start()
        for t in warmers:
            t.join()
        time.sleep(args.warmup)
        rss_start = tree_rss_mb(server.pid)
        rss_samples: list[tuple[float, float]] = [(0.0, rss_start)]

        lock = threading.Lock()
        ok_latency: list[float] = []
        busy_latency: list[float] = []
        statuses: Counter[str] = Counter()
        stop_at = time.monotonic() + args.seconds
        t0 = time.monotonic()

        def client(n: int) -> None:
            with httpx.Client(base_url=base, timeout=300, headers={"X-API-Key": key}) as c:
                i = n
                while time.monotonic() < stop_at:
                    data = payloads[i % len(payloads)]
                    i += 1
                    start = time.monotonic()
                    try:
                        r = c.post(
                            "/api/v1/screenings",
                            files=[("files", ("p.jpg", data, "image/jpeg"))],
                            data={"purpose": "work", "destination": "MYS"},
                        )
                        status = str(r.status_code)
                    except httpx.HTTPError as exc:
                        status = type(exc).__name__
                        r = None
                    elapsed = time.monotonic() - start
                    with lock:
                        statuses[status] += 1
                        if status == "201":
                            ok_latency.append(elapsed)
                        elif status == "503":
                            busy_latency.append(elapsed)
                    if r is not None and r.status_code == 503:
                        time.sleep(min(float(r.headers.get("Retry-After", "1")), 1.0))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            time.sleep(10)
            rss_samples.append((time.monotonic() - t0, tree_rss_mb(server.pid)))
        wall = time.monotonic() - t0
        rss_end = tree_rss_mb(server.pid)
        health = httpx.get(base + "/healthz", timeout=5).status_code
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)

    done = statuses.get("201", 0)
    print(
        f"service_load: {args.clients} clients x {args.seconds:g} s, {args.workers} reader processes, "
        f"127.0.0.1, {os.cpu_count()} cores"
    )
    print(f"{'metric':34} value")
    rows = [
        ("wall seconds", f"{wall:.1f}"),
        ("requests sent", str(sum(statuses.values()))),
        ("screenings completed (201)", str(done)),
        ("throughput (screenings/s)", f"{done / wall:.3f}"),
        ("throughput (screenings/min)", f"{60 * done / wall:.1f}"),
        ("latency p50, completed (s)", f"{percentile(ok_latency, 0.5):.2f}"),
        ("latency p95, completed (s)", f"{percentile(ok_latency, 0.95):.2f}"),
        ("503 busy answers", str(statuses.get("503", 0))),
        ("503 latency p50 (ms)", f"{1000 * percentile(busy_latency, 0.5):.1f}"),
        (
            "other statuses",
            ", ".join(f"{k}:{v}" for k, v in sorted(statuses.items()) if k not in ("201", "503"))
            or "none",
        ),
        ("server RSS start (MB, incl. readers)", f"{rss_start:.0f}"),
        ("server RSS end (MB, incl. readers)", f"{rss_end:.0f}"),
        ("RSS samples every 10 s (MB)", " ".join(f"{m:.0f}" for _, m in rss_samples)),
        ("healthz after the run", str(health)),
    ]
    if len(ok_latency) > 1:
        rows.insert(7, ("latency mean, completed (s)", f"{statistics.mean(ok_latency):.2f}"))
    for name, value in rows:
        print(f"{name:34} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
