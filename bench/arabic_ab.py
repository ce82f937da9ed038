"""Two commits on the real workload, in the same run (`make bench-arabic-ab AGAINST=<commit>`): the pipeline
(list_folder + ingest_listing, every enrichment on, one worker per CPU) of the commit checked out here and of
`--against` (a git worktree of it, removed afterwards) over the same N distinct Arabic news articles of
`make bench-arabic`, each into a fresh DuckDB file, in a fresh process per run, in interleaved rounds
(against, here, against, here...). A shared machine's speed drifts by a third over minutes: a figure taken
once and compared with another taken earlier says little, two commits measured in turn say what changed.

Reported per round and as medians: wall seconds, CPU seconds (the writer, and its worker processes), and the
ratios of this commit's to the other's; written to bench/results-arabic-ab.json.

    python bench/arabic_ab.py --against COMMIT [--n 10000] [--rounds 2]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median


def _child(tree: str, warehouse_path: str, folder: str, workers: int) -> None:
    """One pipeline run of the code in `tree` (first on sys.path, and so in the spawned workers'): prints its
    figures as JSON."""
    sys.path.insert(0, tree)
    import resource

    from tasks.acquire.load import list_folder
    from tasks.run.pipeline import ingest_listing
    from tasks.warehouse.database import Warehouse, apply_migrations

    warehouse = Warehouse(warehouse_path)
    with warehouse.connect() as con:
        apply_migrations(con)
    listing = list_folder(folder, source="bench")
    start, own = time.perf_counter(), time.process_time()
    tally = ingest_listing(warehouse, "bench-ab", listing, workers=workers)
    wall, parent = time.perf_counter() - start, time.process_time() - own
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool, shut down at the end of the listing
    print(json.dumps({"seconds": wall, "cpu_parent": parent, "cpu_workers": reaped.ru_utime + reaped.ru_stime,
                      "articles": tally.articles_new, "module": sys.modules["tasks.run.pipeline"].__file__}))


def _run(tree: Path, tmp: Path, folder: Path, workers: int) -> dict:
    warehouse = tmp / "ab.duckdb"
    for leftover in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        leftover.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, __file__, "--child", str(tree), str(warehouse), str(folder), str(workers)],
                         env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"the run of {tree} failed (exit {out.returncode}):\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if not result["module"].startswith(str(tree)):
        raise RuntimeError(f"the run imported {result['module']}, not the code of {tree}")
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    from arabic_throughput import corpus_articles, write_folder
    from harness import ROOT, print_table, write_results

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", required=True, help="the commit to compare with (any git revision)")
    parser.add_argument("--n", type=int, default=10_000, help="articles (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each commit (default %(default)s)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-arabic-ab.json")
    args = parser.parse_args()
    against = subprocess.run(["git", "rev-parse", "--short", args.against], cwd=ROOT, capture_output=True, text=True)
    if against.returncode != 0:
        sys.exit(f"--against {args.against}: not a commit of this repository ({against.stderr.strip()})")
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-ab-") as tmp_name:
        tmp = Path(tmp_name)
        base = tmp / "against"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.against], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            folder = tmp / "articles"
            write_folder(folder, corpus_articles(args.n)[0])
            print(f"corpus: {args.n} articles; {against.stdout.strip()} against this tree, {args.rounds} rounds", flush=True)
            runs: dict[str, list[dict]] = {"against": [], "here": []}
            for round_ in range(1, args.rounds + 1):
                for name, tree in (("against", base), ("here", ROOT)):
                    result = _run(tree, tmp, folder, args.workers)
                    runs[name].append(result)
                    print(f"  round {round_}, {name}: {result['seconds']:.1f} s, CPU {result['cpu_parent']:.1f} + "
                          f"{result['cpu_workers']:.1f} s", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True)

    def med(name: str, key) -> float:
        return median(key(r) for r in runs[name])

    figures = {
        "seconds": lambda r: r["seconds"],
        "cpu_seconds": lambda r: r["cpu_parent"] + r["cpu_workers"],
        "cpu_seconds_parent": lambda r: r["cpu_parent"],
        "cpu_seconds_workers": lambda r: r["cpu_workers"],
    }
    report = {"n": args.n, "rounds": args.rounds, "workers": args.workers, "against": against.stdout.strip(),
              "median": {name: {k: med(name, f) for k, f in figures.items()} for name in runs},
              # None where the other commit measured nothing (no worker processes with --workers 1)
              "ratio_here_to_against": {k: med("here", f) / med("against", f) if med("against", f) else None
                                        for k, f in figures.items()},
              "runs": runs}
    write_results(args.out, report)
    print_table(["median", report["against"], "this tree", "ratio"],
                [(k, report["median"]["against"][k], report["median"]["here"][k], report["ratio_here_to_against"][k])
                 for k in figures], ["", ".1f", ".1f", ".3f"])


if __name__ == "__main__":
    main()
