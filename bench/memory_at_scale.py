"""Memory of a long ingest: the pipeline alone (list_folder + ingest_listing, W workers, every enrichment
on) over the corpus of `make bench` grown to N documents (default 100,000), into a fresh DuckDB file.

`make bench` measures memory too, but at N=100000 its seven runs take hours on 2 cores; this runs the
one that matters for memory. A sampler thread reads the resident memory of this process and of its
workers every half second (/proc), so the peak of their sum is seen as it happens; the table prints
that trajectory every 10% of the documents. Also recorded: each process's own peak (VmHWM, as
`make bench`'s `peak_rss_mb`: this process's plus the largest worker's times W), and docs/s.

    python bench/memory_at_scale.py [--n 100000] [--workers W] [--keep DIR] [--out bench/memory_results.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from ingest_throughput import DEFAULT_DATA_DIR, DEFAULT_SEEDS, build_corpus, children_peak_rss_mb, peak_rss_mb  # noqa: E402
from provenance import git_commit  # noqa: E402

DEFAULT_OUT = ROOT / "bench" / "memory_results.json"


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


class Sampler(threading.Thread):
    """Resident memory of this process and its children, every `interval` seconds."""

    def __init__(self, interval: float = 0.5):
        super().__init__(daemon=True)
        self.interval, self.stop_event = interval, threading.Event()
        self.peak_total = self.peak_parent = 0.0

    def run(self) -> None:
        me = os.getpid()
        while not self.stop_event.is_set():
            parent = _rss_mb(me)
            total = parent + sum(_rss_mb(child) for child in _children(me))
            self.peak_parent, self.peak_total = max(self.peak_parent, parent), max(self.peak_total, total)
            self.stop_event.wait(self.interval)


def measure(folder: Path, warehouse_path: Path, workers: int, batch_size: int) -> dict:
    from tasks.acquire.load import list_folder
    from tasks.run.pipeline import ingest_listing
    from tasks.warehouse.database import Warehouse

    warehouse = Warehouse(warehouse_path)
    warehouse.migrate()
    listing = list_folder(str(folder))
    sampler = Sampler()
    sampler.start()
    trajectory: list[dict] = []
    start = time.perf_counter()
    step = max(1, len(listing.inputs) // batch_size // 10)

    def on_batch(done: int, count: int, _tally) -> None:
        if done % step == 0 or done == count:
            trajectory.append({"documents": min(done * batch_size, len(listing.inputs)),
                               "seconds": round(time.perf_counter() - start, 1),
                               "rss_mb_parent_now": round(_rss_mb(os.getpid()), 1),
                               "rss_mb_total_peak_so_far": round(sampler.peak_total, 1)})
            row = trajectory[-1]
            print(f"{row['documents']:>8} {row['seconds']:>8.0f} {row['rss_mb_parent_now']:>12.0f} {row['rss_mb_total_peak_so_far']:>12.0f}",
                  flush=True)

    print(f"{'docs':>8} {'seconds':>8} {'parent MB':>12} {'peak sum MB':>12}")
    tally = ingest_listing(warehouse, "memory", listing, batch_size, on_batch=on_batch, workers=workers)
    seconds = time.perf_counter() - start
    sampler.stop_event.set()
    sampler.join()
    parent_hwm, worker_hwm = peak_rss_mb(), children_peak_rss_mb()
    size = sum(p.stat().st_size for p in warehouse_path.parent.glob(warehouse_path.name + "*") if p.is_file())
    return {
        "docs": tally.inputs, "seconds": round(seconds, 1), "docs_per_s": round(tally.inputs / seconds, 2),
        "peak_rss_mb_sampled_sum": round(sampler.peak_total, 1),
        "peak_rss_mb": round(parent_hwm + workers * worker_hwm, 1),  # make bench's definition
        "peak_rss_mb_parent": round(parent_hwm, 1), "peak_rss_mb_largest_worker": round(worker_hwm, 1),
        "warehouse_mb": round(size / 1e6, 1), "articles": tally.as_dict()["articles"], "rejects": tally.as_dict()["rejects"],
        "stage_seconds": tally.as_dict()["seconds"], "trajectory": trajectory,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    from tasks.acquire.load import DEFAULT_BATCH_SIZE

    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--keep", type=Path, help="build the corpus here (reused when it holds N documents) and keep it")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="akhbar-memory-"))
    try:
        folder = args.keep or scratch / "corpus"
        if not (folder.is_dir() and sum(1 for p in folder.iterdir() if p.suffix in (".html", ".txt")) == args.n):
            shutil.rmtree(folder, ignore_errors=True)
            build_corpus(folder, args.n, DEFAULT_DATA_DIR, DEFAULT_SEEDS)
        result = measure(folder, scratch / "warehouse.duckdb", args.workers, args.batch_size)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report = {"n": args.n, "workers": args.workers, "batch_size": args.batch_size, **result, "commit": git_commit(),
              "python": platform.python_version(), "nproc": os.cpu_count(),
              "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "trajectory"}, indent=2))


if __name__ == "__main__":
    main()
