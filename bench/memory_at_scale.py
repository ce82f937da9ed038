"""Memory and speed of a long ingest (`make bench-memory`): the pipeline alone (list_folder + ingest_listing, one
worker per CPU, every enrichment on) over the corpus of `make bench` grown to N documents (default 100,000),
into a fresh DuckDB file.

A sampler thread reads the resident memory of this process and of its workers every half second (/proc), so
the peak of their sum is seen as it happens (`peak_rss_mb_sampled_sum`); the trajectory is kept every 10% of
the documents. Also recorded: each process's own peak (VmHWM) as `make bench` counts it (`peak_rss_mb`: this
process's plus W times the largest worker's), and docs/s.

    python bench/memory_at_scale.py [--n 100000] [--out bench/memory_results.json]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

from harness import ROOT, child_pids, children_peak_rss_mb, peak_rss_mb, print_table, rss_mb, write_results
from ingest_throughput import build_corpus


class Sampler(threading.Thread):
    """Resident memory of this process and its children, every `interval` seconds."""

    def __init__(self, interval: float = 0.5):
        super().__init__(daemon=True)
        self.interval, self.stop_event = interval, threading.Event()
        self.peak_total = self.peak_parent = 0.0

    def run(self) -> None:
        me = os.getpid()
        while not self.stop_event.is_set():
            parent = rss_mb(me)
            total = parent + sum(rss_mb(child) for child in child_pids(me))
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
                               "rss_mb_parent_now": round(rss_mb(os.getpid()), 1),
                               "rss_mb_total_peak_so_far": round(sampler.peak_total, 1)})
            print("  " + ", ".join(f"{k} {v}" for k, v in trajectory[-1].items()), flush=True)

    tally = ingest_listing(warehouse, "memory", listing, batch_size, on_batch=on_batch, workers=workers)
    seconds = time.perf_counter() - start
    sampler.stop_event.set()
    sampler.join()
    parent_hwm, worker_hwm = peak_rss_mb(), children_peak_rss_mb()
    size = sum(p.stat().st_size for p in warehouse_path.parent.glob(warehouse_path.name + "*") if p.is_file())
    counts = tally.as_dict()
    return {
        "docs": tally.inputs, "seconds": round(seconds, 1), "docs_per_s": round(tally.inputs / seconds, 2),
        "peak_rss_mb_sampled_sum": round(sampler.peak_total, 1),
        "peak_rss_mb": round(parent_hwm + workers * worker_hwm, 1),  # make bench's definition
        "peak_rss_mb_parent": round(parent_hwm, 1), "peak_rss_mb_largest_worker": round(worker_hwm, 1),
        "warehouse_mb": round(size / 1e6, 1), "articles": counts["articles"], "rejects": counts["rejects"],
        "stage_seconds": counts["seconds"], "trajectory": trajectory,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="documents in the corpus (default %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "memory_results.json", help="JSON results (default %(default)s)")
    args = parser.parse_args(argv)
    from tasks.acquire.load import DEFAULT_BATCH_SIZE

    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="akhbar-memory-", ignore_cleanup_errors=True) as tmp:
        build_corpus(Path(tmp) / "corpus", args.n)
        result = measure(Path(tmp) / "corpus", Path(tmp) / "warehouse.duckdb", workers, DEFAULT_BATCH_SIZE)
    report = write_results(args.out, {"n": args.n, "workers": workers, "batch_size": DEFAULT_BATCH_SIZE, **result,
                                      "nproc": os.cpu_count()})
    print_table(list(report["trajectory"][0]), [list(row.values()) for row in report["trajectory"]], ["d", ".1f", ".0f", ".0f"])
    print_table(["figure", "value"], [(k, str(v)) for k, v in report.items() if k not in ("trajectory", "machine")])


if __name__ == "__main__":
    main()
