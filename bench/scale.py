"""What the scale-out options cost and give, each against its one-machine baseline measured in the same run
(`make bench-scale`; needs PostgreSQL). Corpus: the 181 pages of the article-extraction benchmark, as files.

1. Extraction: `extract_files` in this process (the baseline, run before and after the others: their mean),
   then the `extract-folder` flow on a 2-worker Dask LocalCluster, cold (started by the flow) and warm.
2. Writes: the pages through `ingest_listing` (batches of --batch-size) into a fresh DuckDB file (the
   baseline) and into a fresh DuckLake (PostgreSQL catalog started here): write-stage and run seconds.
3. The ingest flow into a fresh DuckDB file: batches one after another (the baseline), then
   `ingest_on_dask(2)`, under one temporary Prefect API.
4. Two writers at once, each half of the pages, into a DuckDB file (writes queue on its lock) and into a
   DuckLake (commits race; a conflicting one runs again), against one writer of all pages (2).

    python bench/scale.py [--batch-size 20] [--out bench/scale.json]
"""
from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

from harness import BENCHMARK, ROOT, print_table, write_results

from tasks.acquire.load import FolderListing, list_folder
from tasks.run.pipeline import ingest_listing
from tasks.warehouse.setting import open_warehouse
from tests.support.postgres import bin_dir, postgres_server  # the throwaway PostgreSQL server the tests start

PAGES = BENCHMARK / "html"


def bench_extraction(listing: FolderListing) -> dict:
    from distributed import LocalCluster

    from flows.extract import dask_runner, extract_files, extract_folder

    def in_process() -> tuple[float, list[str]]:
        start = time.perf_counter()
        articles, _ = extract_files(listing.inputs, listing.manifest)
        return time.perf_counter() - start, [a.text_sha256 for a in articles]

    first, expected = in_process()
    start = time.perf_counter()
    cold_articles, _ = extract_folder.with_options(task_runner=dask_runner(workers=2))(str(PAGES), chunks=8)
    cold = time.perf_counter() - start
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        flow = extract_folder.with_options(task_runner=dask_runner(address=cluster.scheduler_address))
        flow(str(PAGES), chunks=8)  # warm-up: imports and caches in the workers
        start = time.perf_counter()
        warm_articles, _ = flow(str(PAGES), chunks=8)
        warm = time.perf_counter() - start
    last, _ = in_process()
    baseline = (first + last) / 2
    assert [a.text_sha256 for a in cold_articles] == expected == [a.text_sha256 for a in warm_articles]
    return {"documents": len(listing.inputs), "in_process_s": [round(first, 3), round(last, 3)], "baseline_s": round(baseline, 3),
            "dask2_cold_s": round(cold, 3), "dask2_warm_s": round(warm, 3),
            "speedup_cold": round(baseline / cold, 2), "speedup_warm": round(baseline / warm, 2)}


def bench_ingest_flow(batch_size: int, tmp: Path) -> dict:
    from flows.ingest import ingest as ingest_flow
    from flows.ingest import ingest_on_dask

    timings = {}
    for name, run in (("sequential", ingest_flow), ("dask2", lambda **kw: ingest_on_dask(2, **kw))):
        start = time.perf_counter()
        result = run(source=str(PAGES), warehouse=str(tmp / f"flow-{name}.duckdb"), batch_size=batch_size)
        timings[name] = {"wall_s": round(time.perf_counter() - start, 3), "articles_new": result["articles"]["new"]}
    timings["speedup"] = round(timings["sequential"]["wall_s"] / timings["dask2"]["wall_s"], 2)
    return timings


def _writer(setting, lake_data, listing, batch_size, run_id, start, out) -> None:
    warehouse = open_warehouse(setting, lake_data)
    start.wait()
    began = time.perf_counter()
    tally = ingest_listing(warehouse, run_id, listing, batch_size=batch_size)
    out.put((run_id, time.perf_counter() - began, tally.seconds["write"], tally.articles_new,
             getattr(warehouse, "conflicts", 0)))


def two_writers(setting: str, lake_data: str | None, listing: FolderListing, batch_size: int) -> dict:
    half = len(listing.inputs) // 2
    parts = [dataclasses.replace(listing, inputs=listing.inputs[:half]),
             dataclasses.replace(listing, inputs=listing.inputs[half:], rejects=[])]
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(len(parts) + 1), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(setting, lake_data, part, batch_size, f"writer-{i}", start, out))
             for i, part in enumerate(parts)]
    for p in procs:
        p.start()
    start.wait()
    began = time.perf_counter()
    results = [out.get(timeout=1800) for _ in procs]
    wall = time.perf_counter() - began
    for p in procs:
        p.join()
    if any(p.exitcode for p in procs):
        raise RuntimeError("a writer failed")
    return {"wall_s": round(wall, 3), "articles_new": sum(r[3] for r in results),
            "write_s": [round(r[2], 3) for r in results], "batches_run_again": sum(r[4] for r in results)}


def bench_writes(listing: FolderListing, batch_size: int, server, tmp: Path) -> dict:
    def lake(name: str) -> tuple[str, str]:
        return f"ducklake:postgres:{server.create_database(name)}", str(tmp / name)

    runs = {}
    for name, (setting, data) in {"file": (str(tmp / "one.duckdb"), None), "lake": lake("one")}.items():
        open_warehouse(setting, data).migrate()
        start = time.perf_counter()
        tally = ingest_listing(open_warehouse(setting, data), f"one-{name}", listing, batch_size=batch_size)
        runs[name] = {"wall_s": round(time.perf_counter() - start, 3), "write_s": round(tally.seconds["write"], 3),
                      "articles_new": tally.articles_new, "batches": -(-len(listing.inputs) // batch_size)}
    for name, (setting, data) in {"file": (str(tmp / "two.duckdb"), None), "lake": lake("two")}.items():
        open_warehouse(setting, data).migrate()
        runs[f"{name}_two_writers"] = two_writers(setting, data, listing, batch_size)
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "scale.json", help="JSON results (default %(default)s)")
    args = parser.parse_args(argv)
    if not PAGES.is_dir():
        print(f"{PAGES} is missing (../shared beside the repo)", file=sys.stderr)
        return 2
    if bin_dir() is None:
        print("PostgreSQL is missing: apt-get install -y postgresql", file=sys.stderr)
        return 2
    from prefect.testing.utilities import prefect_test_harness

    listing = list_folder(PAGES, "benchmark")
    with tempfile.TemporaryDirectory(prefix="akhbar-scale-") as tmp, postgres_server(bin_dir()) as server:
        with prefect_test_harness(server_startup_timeout=120):  # one temporary Prefect API for every flow run
            e = bench_extraction(listing)
            flow = bench_ingest_flow(args.batch_size, Path(tmp))
        w = bench_writes(listing, args.batch_size, server, Path(tmp))
    write_results(args.out, {"machine": {"cpus": os.cpu_count()}, "batch_size": args.batch_size, "extraction": e,
                             "ingest_flow": flow, "writes": w})
    print_table(["run", "seconds", "vs baseline", ""], [
        (f"extraction, {e['documents']} pages, in process (baseline)", e["baseline_s"], "1.00", ""),
        ("  Dask, 2 workers, cold cluster", e["dask2_cold_s"], f"{e['speedup_cold']:.2f}x faster", ""),
        ("  Dask, 2 workers, warm cluster", e["dask2_warm_s"], f"{e['speedup_warm']:.2f}x faster", ""),
        ("ingest flow into a DuckDB file, batches one after another", flow["sequential"]["wall_s"], "1.00", ""),
        ("  2 batches at a time, Dask (cold)", flow["dask2"]["wall_s"], f"{flow['speedup']:.2f}x faster",
         f"articles {flow['dask2']['articles_new']} vs {flow['sequential']['articles_new']}"),
        *((f"writes, {w['file']['batches']} batches of {args.batch_size}, {label}: write s", w[name]["write_s"],
           f"{w[name]['write_s'] / w['file']['write_s']:.2f}x the file's", f"run {w[name]['wall_s']:.2f} s")
          for name, label in (("file", "DuckDB file"), ("lake", "DuckLake + PostgreSQL"))),
        *((f"two writers at once (halves), {label}", w[f"{name}_two_writers"]["wall_s"],
           f"{w[name]['wall_s'] / w[f'{name}_two_writers']['wall_s']:.2f}x faster than one",
           f"articles {w[f'{name}_two_writers']['articles_new']} vs {w[name]['articles_new']}, "
           f"batches run again {w[f'{name}_two_writers']['batches_run_again']}")
          for name, label in (("file", "DuckDB file (lock queues)"), ("lake", "DuckLake + PostgreSQL")))],
        ["", ".2f"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
