"""Case-matching speed at scale: import, index build and memory, per-query latency, and candidate
recall of the blocking index against brute-force rapidfuzz over all records.

Run: .venv/bin/python benchmarks/names_speed.py --records 100000   (development size)
     .venv/bin/python benchmarks/names_speed.py --records 1000000  (the figure in RESULTS.md)

Records are synthetic Indonesian case records (Faker id_ID; 30% single names, NTT families,
Muhammad forms, aliases with titles and old spellings).  Queries: half are variants of existing
records (titles, old spelling, abbreviations), half are new people.  Latency is measured on one
core (one thread, the process pinned when the OS allows).  Candidate recall: for each sampled
query, brute force scores every name of every record with token_sort_ratio on the normalised
name; at each of the brute-force top-10 ranks (scores >= 70) the index's candidates must contain
an entry at least as good; recall = ranks satisfied / ranks considered.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from _synthetic_people import PeopleFactory, Person

from docscreen.cases.match import MatchConfig, Matcher, MatchQuery
from docscreen.cases.records import parse_birth_date
from docscreen.cases.store import CaseStore
from docscreen.names.normalise import normalise_name

TOP = 10
MIN_BF_SCORE = 70.0


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def write_records(path: Path, n: int) -> None:
    """Write n synthetic records as JSONL (every 10th with a NIK)."""
    f = PeopleFactory(4242)
    with path.open("w", encoding="utf-8") as fh:
        for i, (rec, _p) in enumerate(f.records(n)):
            row = rec.to_dict()
            if i % 10 == 0:
                row["nik"] = [f"5371{i:012d}"]
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--recall-queries", type=int, default=100)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true", help="reuse the store in --workdir if present")
    args = ap.parse_args()
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(
        f"names_speed  {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  "
        f"records={args.records}  cpu={os.sched_getaffinity(0)}"
    )
    work = args.workdir or Path(tempfile.mkdtemp(prefix="names_speed_"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"records_{args.records}.jsonl"
    db = work / f"cases_{args.records}.sqlite3"
    rows: list[list[str]] = []
    reuse = args.reuse and db.exists()
    if reuse:
        store = CaseStore(f"sqlite:///{db}")
        assert store.count() == args.records, "--reuse: the store has another size"
        print(f"reusing {db}")
    else:
        t0 = time.perf_counter()
        write_records(src, args.records)
        print(
            f"generated {args.records} records in {time.perf_counter() - t0:.0f} s; "
            f"file {src.stat().st_size / 1e6:.0f} MB"
        )
        for p in work.glob(db.name + "*"):
            p.unlink()
        store = CaseStore(f"sqlite:///{db}")
        t0, c0 = time.perf_counter(), time.process_time()
        report = store.import_file(src, actor="bench", chunk_size=10_000)
        import_s, import_cpu = time.perf_counter() - t0, time.process_time() - c0
        assert report.inserted == args.records, report.to_dict()
        rows.append(
            [
                "import into SQLite (validate + upsert + history)",
                f"{import_s:.1f} s wall",
                f"{import_cpu:.1f} s CPU, {args.records / import_s:.0f} records/s wall",
            ]
        )
    rss0 = rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    index = store.index()
    build_s, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    rss1 = rss_mb()
    rows += [
        [
            "index build (read store + normalise + postings)",
            f"{build_s:.1f} s wall",
            f"{build_cpu:.1f} s CPU; {index.n_entries} names, {len(index.vocab)} keys, "
            f"{len(index.postings)} postings",
        ],
        [
            "index memory (estimate of its arrays/lists)",
            f"{index.memory_bytes() / 1e6:.0f} MB",
            f"process RSS +{rss1 - rss0:.0f} MB during build, now {rss1:.0f} MB",
        ],
    ]
    kept = []
    for r in range(0, index.n_records, 100):
        v = index.record(r)
        b = parse_birth_date(v.dob_text)
        if b is not None:
            kept.append(Person(v.names[0], b.low, v.sex or "M"))

    g = PeopleFactory(99)
    queries: list[MatchQuery] = []
    for i in range(args.queries):
        if i % 2 == 0 and kept:
            p = kept[(i // 2) % len(kept)]
            queries.append(
                MatchQuery(g.decorate(p), dob=p.dob.isoformat(), sex=p.sex, nationality=("IDN",))
            )
        else:
            p = g.person()
            queries.append(
                MatchQuery(g.decorate(p), dob=p.dob.isoformat(), sex=p.sex, nationality=("IDN",))
            )
    matcher = Matcher(index, MatchConfig())
    for q in queries[:20]:
        matcher.match(q)  # warm caches
    lat = []
    cpu = []
    alerts = 0
    for q in queries:
        t, c = time.perf_counter(), time.thread_time()
        ms = matcher.match(q)
        cpu.append(time.thread_time() - c)
        lat.append(time.perf_counter() - t)
        alerts += any(m.alert for m in ms)
    lat_ms = np.array(lat) * 1000
    cpu_ms = np.array(cpu) * 1000
    rows.append(
        [
            "query CPU time p50 / p95 / p99 (one thread)",
            f"{np.percentile(cpu_ms, 50):.1f} / {np.percentile(cpu_ms, 95):.1f} / "
            f"{np.percentile(cpu_ms, 99):.1f} ms",
            f"{len(queries)} queries, {alerts} alerted, mean {cpu_ms.mean():.1f} ms",
        ]
    )
    rows.append(
        [
            "query wall time p50 / p95 / p99 (shared machine)",
            f"{np.percentile(lat_ms, 50):.1f} / {np.percentile(lat_ms, 95):.1f} / "
            f"{np.percentile(lat_ms, 99):.1f} ms",
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end",
        ]
    )

    # Candidate recall against brute force.
    t0 = time.perf_counter()
    keystrings = index.entry_keys  # the same normalised forms the brute force compares
    norm_s = time.perf_counter() - t0
    sample = queries[: args.recall_queries]
    qkeys = [normalise_name(q.name).key_string for q in sample]
    t0 = time.perf_counter()
    bf = process.cdist(qkeys, keystrings, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=1)
    bf_s = (time.perf_counter() - t0) / len(sample)
    satisfied = 0
    considered = 0
    top1 = 0
    limit = matcher.config.candidates
    for i, q in enumerate(sample):
        row = bf[i]
        top = np.sort(row)[::-1][:TOP].astype(float)
        cands = index.candidates(normalise_name(q.name), limit)
        cs = np.sort(row[cands])[::-1][:TOP].astype(float) if len(cands) else np.zeros(0)
        cs = np.concatenate([cs, np.zeros(TOP - len(cs))])
        for rank in range(TOP):
            if top[rank] < MIN_BF_SCORE:
                break
            considered += 1
            satisfied += cs[rank] >= top[rank]
        top1 += bool(len(cands)) and cs[0] >= top[0]
    recall = satisfied / considered if considered else 1.0
    rows.append(
        [
            "candidate recall vs brute force (top-10 ranks, score>=70)",
            f"{recall:.4f}",
            f"{considered} ranks over {len(sample)} queries; top-1 {top1}/{len(sample)}; "
            f"{limit} candidates/query",
        ]
    )
    rows.append(
        [
            "brute force token_sort_ratio, one query over all names",
            f"{bf_s:.3f} s",
            f"(collecting the {len(keystrings)} normalised names took {norm_s:.1f} s)",
        ]
    )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print()
    print(
        " | ".join(h.ljust(w) for h, w in zip(["measure", "value", "detail"], widths, strict=True))
    )
    print("-|-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
