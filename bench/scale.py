"""What the scale-out options cost and give, each against its one-machine baseline measured in the same run.

Corpus: the 181 pages of the article-extraction benchmark (../shared/data/article-extraction-benchmark/html,
`.html.gz`, read as they are by the pipeline's loader).

1. Extraction (the CPU stage): `extract_files` (read, decode, extract) on every page in this process (the baseline, run before and
   after the others: their mean), then the `extract-folder` flow (flows/extract.py) on a DaskTaskRunner
   with a 2-worker LocalCluster (processes, one thread each, loopback): cold (the cluster started by the
   flow, as `dask_runner(2)` does) and warm (the flow on an already running cluster, after a warm-up run).
2. Writes: the pages through the real pipeline (`ingest_listing`, batches of --batch-size) into a fresh
   DuckDB file (the baseline) and into a fresh DuckLake (PostgreSQL catalog started here, Parquet folder in
   a temporary folder): seconds in the write stage for the same batches, and the whole run.
3. The ingest flow on the pages (batches of --batch-size) into a fresh DuckDB file: batches one after
   another in this process (the baseline), then `ingest_on_dask(2)` (two batches at a time on a 2-worker
   LocalCluster, started by the flow), under one temporary Prefect API.
4. Two writers at once: two processes, each half of the pages, started together, into a fresh DuckDB file
   (writes queue on its lock) and into a fresh DuckLake (commits race; a conflicting one runs again): wall
   time until both finish, against one process writing all pages into the same kind of warehouse (2).

    python bench/scale.py [--batch-size 20] [--out bench/scale.json]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the throwaway PostgreSQL server the tests start

from postgres import bin_dir, postgres_server  # noqa: E402

from tasks.acquire.load import FolderListing, list_folder  # noqa: E402
from tasks.run.pipeline import Tally, ingest_listing  # noqa: E402
from tasks.warehouse.setting import open_warehouse  # noqa: E402

PAGES = Path(os.environ.get("AKHBAR_SHARED", ROOT.parent / "shared")) / "data" / "article-extraction-benchmark" / "html"


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


def ingest(setting: str, lake_data: str | None, listing: FolderListing, batch_size: int, run_id: str) -> Tally:
    warehouse = open_warehouse(setting, lake_data)
    return ingest_listing(warehouse, run_id, listing, batch_size=batch_size)


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
        tally = ingest(setting, data, listing, batch_size, f"one-{name}")
        runs[name] = {"wall_s": round(time.perf_counter() - start, 3), "write_s": round(tally.seconds["write"], 3),
                      "articles_new": tally.articles_new, "batches": -(-len(listing.inputs) // batch_size)}
    for name, (setting, data) in {"file": (str(tmp / "two.duckdb"), None), "lake": lake("two")}.items():
        open_warehouse(setting, data).migrate()
        runs[f"{name}_two_writers"] = two_writers(setting, data, listing, batch_size)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--out", default=str(ROOT / "bench" / "scale.json"))
    args = parser.parse_args()
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
            extraction = bench_extraction(listing)
            flow = bench_ingest_flow(args.batch_size, Path(tmp))
        writes = bench_writes(listing, args.batch_size, server, Path(tmp))
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "batch_size": args.batch_size,
              "extraction": extraction, "ingest_flow": flow, "writes": writes}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    e, w = extraction, writes
    print(f"extraction, {e['documents']} pages           seconds   vs in-process")
    print(f"  in process (baseline)            {e['baseline_s']:8.2f}   1.00")
    print(f"  Dask, 2 workers, cold cluster    {e['dask2_cold_s']:8.2f}   {e['speedup_cold']:.2f}x faster")
    print(f"  Dask, 2 workers, warm cluster    {e['dask2_warm_s']:8.2f}   {e['speedup_warm']:.2f}x faster")
    print("ingest flow into a DuckDB file      wall s   vs sequential")
    print(f"  batches one after another        {flow['sequential']['wall_s']:8.2f}   1.00")
    print(f"  2 batches at a time, Dask (cold) {flow['dask2']['wall_s']:8.2f}   {flow['speedup']:.2f}x faster"
          f"   (articles {flow['dask2']['articles_new']} vs {flow['sequential']['articles_new']})")
    print(f"writes, {w['file']['batches']} batches of {args.batch_size}       write s   run s   write vs file")
    for name, label in (("file", "DuckDB file (baseline)"), ("lake", "DuckLake + PostgreSQL")):
        print(f"  {label:30s} {w[name]['write_s']:8.2f} {w[name]['wall_s']:7.2f}   "
              f"{w[name]['write_s'] / w['file']['write_s']:.2f}x")
    print("two writers at once (halves)       wall s   vs one writer, same warehouse")
    for name, label in (("file", "DuckDB file (lock queues)"), ("lake", "DuckLake + PostgreSQL")):
        two = w[f"{name}_two_writers"]
        print(f"  {label:30s} {two['wall_s']:8.2f}   {w[name]['wall_s'] / two['wall_s']:.2f}x faster"
              f"   (articles {two['articles_new']} vs {w[name]['articles_new']}, batches run again {two['batches_run_again']})")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
