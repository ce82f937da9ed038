"""Where the writer's CPU goes, batch by batch: the pipeline (list_folder + ingest_listing, W workers, every
enrichment on) over the corpus of `make bench` grown to N documents (default 10,000), into a fresh DuckDB
file, with the CPU of each step of a batch's write measured in the writing process (DuckDB runs in it:
one thread, `tasks.warehouse.database.duckdb_threads`).

The steps are the functions `tasks.run.write.write_batch` and `tasks.run.pipeline.finish_documents` call, each
wrapped with a CPU clock for this run only (their modules' names are rebound here; nothing else changes),
plus opening a connection and closing it (the checkpoint that writes the batch into the file). A step
whose cost grows with the warehouse shows it from the first batches to the last; `make bench` reports the
writer's share of the whole run, this says which step it is.

    python bench/writer_costs.py [--n 10000] [--batch-size 400] [--workers 2] [--every 4] [--out bench/writer_costs.json]
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from ingest_throughput import DEFAULT_DATA_DIR, DEFAULT_SEEDS, build_corpus  # noqa: E402
from provenance import git_commit  # noqa: E402

DEFAULT_OUT = ROOT / "bench" / "writer_costs.json"
STORE_STEPS = ("upsert", "store_signatures", "link_duplicates", "store_terms", "assign_stories", "write_enrichment",
               "link_happenings")
PIPELINE_STEPS = ("untouched_files", "learned_boilerplate", "known_person_keys")


class Clock:
    """CPU seconds of this process per step, since the last `take`."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, module: Any, name: str, label: str | None = None) -> None:
        function: Callable = getattr(module, name)
        label = label or name

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[label] = self.spent.get(label, 0.0) + time.process_time() - start
        setattr(module, name, timed)

    def add(self, label: str, seconds: float) -> None:
        self.spent[label] = self.spent.get(label, 0.0) + seconds

    def take(self) -> dict[str, float]:
        spent, self.spent = self.spent, {}
        return spent


def instrument(clock: Clock) -> None:
    """Rebind the writer's steps, in the modules that call them, to clocked versions."""
    import tasks.dedup.boilerplate
    import tasks.run.pipeline
    import tasks.run.write
    import tasks.warehouse.database

    for name in STORE_STEPS:
        clock.wrap(tasks.run.write, name)
    clock.wrap(tasks.dedup.boilerplate, "record", "boilerplate_record")
    for name in PIPELINE_STEPS:
        clock.wrap(tasks.run.pipeline, name)
    connect = tasks.warehouse.database._connect_retrying

    class Clocked:
        """A connection whose close (the checkpoint) is clocked."""

        def __init__(self, con: Any) -> None:
            self._con = con

        def __getattr__(self, name: str) -> Any:
            return getattr(self._con, name)

        def close(self) -> None:
            start = time.process_time()
            self._con.close()
            clock.add("close", time.process_time() - start)

    def clocked_connect(*args: Any) -> Clocked:
        start = time.process_time()
        con = connect(*args)
        clock.add("connect", time.process_time() - start)
        return Clocked(con)
    tasks.warehouse.database._connect_retrying = clocked_connect


def measure(folder: str, warehouse_path: str, batch_size: int, workers: int) -> dict[str, Any]:
    from tasks.acquire.load import list_folder
    from tasks.run.pipeline import ingest_listing
    from tasks.run.pool import worker_pool
    from tasks.warehouse.database import Warehouse

    clock = Clock()
    instrument(clock)
    warehouse = Warehouse(warehouse_path)
    warehouse.migrate()
    batches: list[dict[str, Any]] = []
    stored = 0

    def batch_done(number: int, total: int, tally: Any) -> None:
        nonlocal stored
        batches.append({"batch": number, "articles_before": stored,
                        "cpu_ms": {k: round(v * 1000, 1) for k, v in sorted(clock.take().items())}})
        stored += tally.articles_new

    with worker_pool(workers) as pool:
        pool.map(list, [[1]] * 4 * workers)  # the workers started outside the clock
        clock.take()
        cpu, wall = time.process_time(), time.perf_counter()
        tally = ingest_listing(warehouse, "writer-costs", list_folder(folder), batch_size, on_batch=batch_done)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"docs": tally.inputs, "seconds": round(wall, 1), "writer_cpu_ms_per_doc": round(cpu / tally.inputs * 1000, 3),
            "writer_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "batches": batches}


def summarise(batches: list[dict[str, Any]], batch_size: int) -> list[dict[str, Any]]:
    """Each step's mean CPU ms a batch over the first and the last quarter of the batches (the first batch,
    which pays the first connection's and the first vacuum's costs, left out), and its ms a document."""
    body = batches[1:] or batches
    quarter = max(1, len(body) // 4)
    first, last = body[:quarter], body[-quarter:]
    steps = sorted({k for b in body for k in b["cpu_ms"]}, key=lambda k: -sum(b["cpu_ms"].get(k, 0) for b in body))

    def mean(rows: list[dict[str, Any]], step: str) -> float:
        return sum(r["cpu_ms"].get(step, 0.0) for r in rows) / len(rows)
    return [{"step": s, "first_quarter_ms": round(mean(first, s), 1), "last_quarter_ms": round(mean(last, s), 1),
             "ms_per_doc": round(mean(body, s) / batch_size, 3)} for s in steps]


def main(argv: list[str] | None = None) -> None:
    from tasks.acquire.load import DEFAULT_BATCH_SIZE

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--every", type=int, default=4, help="print every k-th batch (default %(default)s)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if args.n < 1 or args.batch_size < 1 or args.workers < 1 or args.every < 1:
        parser.error("--n, --batch-size, --workers and --every must be at least 1")
    tmp = tempfile.mkdtemp(prefix="akhbar-writer-costs-")
    try:
        corpus = build_corpus(Path(tmp) / "corpus", args.n, args.data_dir, args.seeds)
        result = measure(corpus.folder, str(Path(tmp) / "writer.duckdb"), args.batch_size, args.workers)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    batches = result["batches"]
    summary = summarise(batches, args.batch_size)
    steps = [row["step"] for row in summary]
    print(f"{result['docs']} documents in {result['seconds']} s, batches of {args.batch_size}, {args.workers} workers; "
          f"the writer's CPU {result['writer_cpu_ms_per_doc']} ms a document, its peak {result['writer_peak_rss_mb']} MB. "
          "CPU ms a batch:")
    print(f"{'batch':>5} {'stored':>7} " + " ".join(f"{s[:18]:>18}" for s in steps))
    for b in batches:
        if b["batch"] % args.every == 1 or b is batches[-1]:
            print(f"{b['batch']:>5} {b['articles_before']:>7} " + " ".join(f"{b['cpu_ms'].get(s, 0.0):>18.1f}" for s in steps))
    print(f"\n{'step':<22} {'first quarter':>14} {'last quarter':>13} {'ms/doc':>8}")
    for row in summary:
        print(f"{row['step']:<22} {row['first_quarter_ms']:>14.1f} {row['last_quarter_ms']:>13.1f} {row['ms_per_doc']:>8.3f}")
    report = {"n": args.n, "batch_size": args.batch_size, "workers": args.workers, "commit": git_commit(),
              "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), **result, "summary": summary}
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
