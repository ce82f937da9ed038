"""Where the writer's CPU goes, batch by batch (`make bench-writer`): the pipeline (list_folder + ingest_listing,
W workers, every enrichment on) over the corpus of `make bench` grown to N documents (default 10,000), into a
fresh DuckDB file, with the CPU of each step of a batch's write measured in the writing process (DuckDB runs in
it: one thread). The steps are the functions `tasks.run.write.write_batch` and `tasks.run.pipeline` call, each
rebound to a CPU-clocked version for this run only, plus opening a connection and closing it (the checkpoint
that writes the batch into the file). A step whose cost grows with the warehouse shows it from the first
quarter of the batches to the last. With --arabic the N documents are `make bench-arabic`'s articles (the
news corpus as text) instead of `make bench`'s pages; with --stored K, K articles of `make bench-arabic
--stored`'s set are stored first, unmeasured: each step's cost at K stored against a fresh warehouse. With
--rewrites, each batch also records the stored data its checkpoint wrote again (`rewritten_rows`: per table, the
rows of the segments of row groups that existed before the batch now stored in other blocks, read from
`pragma_storage_info` between batches; it costs the writer's clock time, so read the steps from a run without it).

    python bench/writer_costs.py [--n 10000] [--arabic] [--stored 0] [--batch-size 400] [--workers 2] [--rewrites]
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

STORE_STEPS = ("replace_rows", "upsert", "store_signatures", "link_duplicates", "store_terms", "assign_stories",
               "write_enrichment", "link_happenings")
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


def storage_blocks(warehouse_path: str) -> dict[str, dict[tuple[int, int, int], tuple[int, int]]]:
    """Per table: (row group, column, segment) -> (block, rows) of the file as last checkpointed."""
    import duckdb

    con = duckdb.connect(warehouse_path, read_only=True)
    try:
        tables = [t for t, in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {t: {(rg, col, seg): (block, rows) for rg, col, seg, block, rows in con.execute(
            "SELECT row_group_id, column_id, segment_id, block_id, count FROM pragma_storage_info(?)"
            " WHERE block_id >= 0", [t]).fetchall()} for t in tables}
    finally:
        con.close()


def rewritten_rows(before: dict[str, dict], after: dict[str, dict]) -> dict[str, int]:
    """Per table, the rows of the segments of row groups that existed `before` that are now in another block."""
    out = {}
    for table, segments in after.items():
        old = before.get(table, {})
        groups = {key[0] for key in old}
        rows = sum(r for key, (block, r) in segments.items()
                   if key[0] in groups and key in old and old[key][0] != block)
        if rows:
            out[table] = rows
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def measure(folder: str, warehouse_path: str, batch_size: int, workers: int, stored_folder: str | None = None,
            rewrites: bool = False) -> dict[str, Any]:
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
    blocks = storage_blocks(warehouse_path) if rewrites else {}

    def batch_done(number: int, total: int, tally: Any) -> None:
        nonlocal stored, blocks
        seen = tally.articles_updated + tally.articles_unchanged
        batches.append({"batch": number, "articles_before": stored, "articles_seen_before": seen,
                        "cpu_ms": {k: round(v * 1000, 1) for k, v in sorted(clock.take().items())}})
        if rewrites:
            now = storage_blocks(warehouse_path)
            batches[-1]["rewritten_rows"], blocks = rewritten_rows(blocks, now), now
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
    parser.add_argument("--rewrites", action="store_true", help="record the stored rows each checkpoint wrote again")
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
        result = measure(str(corpus), str(Path(tmp) / "writer.duckdb"), args.batch_size, args.workers, stored,
                         args.rewrites)
    batches, summary = result["batches"], summarise(result["batches"], args.batch_size)
    steps = [row["step"] for row in summary]
    write_results(args.out, {"n": args.n, "corpus": "arabic" if args.arabic else "html", "stored_before": args.stored, "batch_size": args.batch_size, "workers": args.workers,
                             **result, "summary": summary})
    print(f"{result['docs']} documents in {result['seconds']} s, batches of {args.batch_size}, {args.workers} workers; "
          f"the writer's CPU {result['writer_cpu_ms_per_doc']} ms a document, its peak {result['writer_peak_rss_mb']} MB. "
          "CPU ms a batch:")
    shown = [b for b in batches if b["batch"] % PRINT_EVERY == 1 or b is batches[-1]]
    print_table(["batch", "stored", "seen before", *(s[:18] for s in steps)],
                [[b["batch"], b["articles_before"], b["articles_seen_before"],
                  *(b["cpu_ms"].get(s, 0.0) for s in steps)] for b in shown], ["d", "d", "d", *[".1f"] * len(steps)])
    if args.rewrites:
        print("Stored rows each checkpoint wrote again, by table (the three largest):")
        for b in shown:
            print(f"  batch {b['batch']}: " + ", ".join(f"{t} {n:,}" for t, n in list(b["rewritten_rows"].items())[:3]))
    print_table(["step", "first quarter", "last quarter", "ms/doc"],
                [(r["step"], r["first_quarter_ms"], r["last_quarter_ms"], r["ms_per_doc"]) for r in summary],
                ["", ".1f", ".1f", ".3f"])


if __name__ == "__main__":
    main()
