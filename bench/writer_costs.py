"""Where the writer's CPU goes, batch by batch (`make bench-writer`): the pipeline (list_folder + ingest_listing,
W workers, every enrichment on) over the corpus of `make bench` grown to N documents (default 10,000), into a
fresh DuckDB file, with the CPU of each step of a batch's write measured in the writing process (DuckDB runs in
it: one thread). The steps are the functions `tasks.run.write.write_batch` and `tasks.run.pipeline` call, each
rebound to a CPU-clocked version for this run only, plus opening a connection and closing it (the checkpoint
that writes the batch into the file). A step whose cost grows with the warehouse shows it from the first
quarter of the batches to the last. With --arabic the N documents are `make bench-arabic`'s articles (the
news corpus as text) instead of `make bench`'s pages; with --stored K, K articles of `make bench-arabic
--stored`'s set are stored first, unmeasured: each step's cost at K stored against a fresh warehouse.

    python bench/writer_costs.py [--n 10000] [--arabic] [--stored 0] [--batch-size 400] [--workers 2]
                                 [--out bench/writer_costs.json]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from arabic_throughput import corpus_articles, write_folder
from harness import ROOT, Clock, peak_rss_mb, print_table, write_results
from ingest_throughput import build_corpus

STORE_STEPS = ("upsert", "store_signatures", "link_duplicates", "store_terms", "assign_stories", "write_enrichment",
               "link_happenings")
PIPELINE_STEPS = ("untouched_files", "learned_boilerplate", "known_person_keys")
PRINT_EVERY = 4  # batches


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
            with clock.timing("close"):
                self._con.close()

    def clocked_connect(*args: Any) -> Clocked:
        with clock.timing("connect"):
            return Clocked(connect(*args))
    tasks.warehouse.database._connect_retrying = clocked_connect


def measure(folder: str, warehouse_path: str, batch_size: int, workers: int, stored_folder: str | None = None) -> dict[str, Any]:
    from tasks.acquire.load import list_folder
    from tasks.run.pipeline import ingest_listing
    from tasks.run.pool import worker_pool
    from tasks.warehouse.database import Warehouse

    warehouse = Warehouse(warehouse_path)
    warehouse.migrate()
    stored = 0
    if stored_folder:  # unmeasured, before the clock is wrapped around anything
        stored = ingest_listing(warehouse, "writer-costs-stored", list_folder(stored_folder, source="stored"), batch_size,
                                workers=workers).articles_new
    clock = Clock(timer=time.process_time)
    instrument(clock)
    batches: list[dict[str, Any]] = []

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
            "writer_peak_rss_mb": round(peak_rss_mb()), "batches": batches}


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
    parser.add_argument("--n", type=int, default=10_000, help="documents in the corpus (default %(default)s)")
    parser.add_argument("--arabic", action="store_true", help="measure make bench-arabic's articles (text), not pages")
    parser.add_argument("--stored", type=int, default=0, help="articles stored first, unmeasured (default 0)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "writer_costs.json", help="JSON results (default %(default)s)")
    args = parser.parse_args(argv)
    if args.n < 1 or args.batch_size < 1 or args.workers < 1 or args.stored < 0:
        parser.error("--n, --batch-size and --workers must be at least 1, --stored at least 0")
    with tempfile.TemporaryDirectory(prefix="akhbar-writer-costs-", ignore_cleanup_errors=True) as tmp:
        corpus, stored = Path(tmp) / "corpus", None
        measured, first = corpus_articles(args.n, args.stored) if args.arabic or args.stored else ([], [])
        if args.arabic:
            write_folder(corpus, measured)
        else:
            build_corpus(corpus, args.n)
        if args.stored:
            write_folder(Path(tmp) / "stored", first)
            stored = str(Path(tmp) / "stored")
        result = measure(str(corpus), str(Path(tmp) / "writer.duckdb"), args.batch_size, args.workers, stored)
    batches, summary = result["batches"], summarise(result["batches"], args.batch_size)
    steps = [row["step"] for row in summary]
    write_results(args.out, {"n": args.n, "corpus": "arabic" if args.arabic else "html", "stored_before": args.stored, "batch_size": args.batch_size, "workers": args.workers,
                             **result, "summary": summary})
    print(f"{result['docs']} documents in {result['seconds']} s, batches of {args.batch_size}, {args.workers} workers; "
          f"the writer's CPU {result['writer_cpu_ms_per_doc']} ms a document, its peak {result['writer_peak_rss_mb']} MB. "
          "CPU ms a batch:")
    print_table(["batch", "stored", *(s[:18] for s in steps)],
                [[b["batch"], b["articles_before"], *(b["cpu_ms"].get(s, 0.0) for s in steps)]
                 for b in batches if b["batch"] % PRINT_EVERY == 1 or b is batches[-1]], ["d", "d", *[".1f"] * len(steps)])
    print_table(["step", "first quarter", "last quarter", "ms/doc"],
                [(r["step"], r["first_quarter_ms"], r["last_quarter_ms"], r["ms_per_doc"]) for r in summary],
                ["", ".1f", ".1f", ".3f"])


if __name__ == "__main__":
    main()
