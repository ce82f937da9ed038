"""The real workload (`make bench-arabic`): N distinct Arabic news articles of the ANT corpus
(../shared/data/news, Apache-2.0) as text files with a manifest (publication date, URL, title), ingested
with every enrichment on by the pipeline (list_folder + ingest_listing, one worker per CPU) into a fresh
DuckDB file, in a fresh process. Beside it, in the same run, the baseline: the recogniser alone
(`recognise`, the one learned step) on the same texts over the same number of processes.

Reported: articles/s, CPU ms an article (all processes), cores used (CPU / wall) and the share of the run's
half-seconds in which the processes kept 90% of the cores busy, peak resident memory (the sum over the
processes, sampled), each stage's seconds (parent wall: load, extract, dedup, enrich, write; worker:
read, decode, extract, derive, timed by the wall clock in the workers) and the CPU ms an article of each enrichment step (in this process, on the
first 500 articles). With --stored K, the warehouse first takes K other articles of the corpus (unmeasured),
so that the cost per article can be compared as the warehouse grows.

    python bench/arabic_throughput.py [--n 10000] [--stored 0] [--out bench/results-arabic.json]
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from harness import (
    ROOT,
    Clock,
    child_pids,
    cpu_split_since,
    in_fresh_process,
    mixed_article,
    news_articles,
    own_and_reaped_cpu_seconds,
    print_table,
    rss_mb,
    tree_cpu_seconds,
    warehouse_counts,
    write_results,
)

STEP_SAMPLE = 500


def corpus_articles(n: int, stored: int = 0) -> tuple[list[dict], list[dict]]:
    """n distinct articles to measure (one in four of the corpus, all its outlets) and `stored` others to
    store first: the rest of the corpus, then articles mixed of its sentences (`mixed_article`) once it
    runs out. The stored mixed articles take no sentence of a measured one, and only articles of four
    sentences or more are mixed: an article of one long sentence is a copy of the mixed article that starts
    with it (at 90,000 stored, 54% of the warehouse were copies, against 3.5% of the real corpus)."""
    real = news_articles(10**9, every=1)
    measured = real[::4][:n]
    taken = {a["id"] for a in measured}
    others = [a for a in real if a["id"] not in taken]
    rest = others[:stored]
    measured += [mixed_article(real, i) for i in range(len(measured), n)]
    long_enough = [a for a in others if a["text"].count(". ") >= 3]
    rest += [mixed_article(long_enough, i) for i in range(n + len(rest), n + stored)]
    return measured, rest


def write_folder(folder: Path, articles: list[dict]) -> None:
    folder.mkdir(parents=True)
    manifest = {}
    for article in articles:
        name = f"{article['id']}.txt"  # ids are distinct: the corpus's, and mixed-N
        (folder / name).write_text(article["text"].strip(), encoding="utf-8")
        try:
            published = parsedate_to_datetime(article["published"]).date().isoformat()
        except (TypeError, ValueError, KeyError):
            published = None
        manifest[name] = {"published": published, "url": article.get("url") or None,
                          "title": article.get("title") or None, "language": "ar"}
    (folder / "manifest.json").write_text(json.dumps({"articles": manifest}, ensure_ascii=False), encoding="utf-8")


class Sampler(threading.Thread):
    """Every half second: the resident memory of this process and its descendants, and their CPU seconds."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, float, float]] = []  # (wall, tree CPU, RSS MB summed)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            me = os.getpid()
            rss = rss_mb(me) + sum(rss_mb(pid) for pid in child_pids(me))
            self.samples.append((time.perf_counter(), tree_cpu_seconds(), rss))
            self._halt.wait(0.5)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def busy_share(self, cores: int) -> float:
        """The share of half-seconds in which at least 90% of `cores` were busy."""
        pairs = list(zip(self.samples, self.samples[1:]))
        busy = [(c1 - c0) / (w1 - w0) >= 0.9 * cores for (w0, c0, _), (w1, c1, _) in pairs if w1 > w0]
        return sum(busy) / len(busy) if busy else 0.0


def measure_pipeline(folder: str, stored_folder: str | None, warehouse_path: str, workers: int) -> dict[str, Any]:
    from tasks.acquire.load import list_folder
    from tasks.run.pipeline import ingest_listing
    from tasks.warehouse.database import Warehouse, apply_migrations

    warehouse = Warehouse(warehouse_path)
    with warehouse.connect() as con:
        apply_migrations(con)
    if stored_folder:
        ingest_listing(warehouse, "bench-stored", list_folder(stored_folder, source="stored"), workers=workers)
    listing = list_folder(folder, source="bench")
    sampler = Sampler()
    sampler.start()
    split_start, cpu_start, start = own_and_reaped_cpu_seconds(), tree_cpu_seconds(), time.perf_counter()
    tally = ingest_listing(warehouse, "bench", listing, workers=workers)
    seconds, cpu = time.perf_counter() - start, tree_cpu_seconds() - cpu_start
    sampler.stop()
    parent_cpu, workers_cpu = cpu_split_since(split_start)
    counts = warehouse_counts(warehouse_path)
    return {"seconds": seconds, "cpu_seconds": cpu, "cpu_seconds_parent": parent_cpu, "cpu_seconds_workers": workers_cpu,
            "tally": tally.as_dict(), "worker_seconds": {k: round(v, 3) for k, v in tally.cpu_seconds.items()},
            "peak_rss_mb": max(s[2] for s in sampler.samples), "busy_share": sampler.busy_share(workers),
            "articles_in_warehouse": counts["articles"], "duplicates_in_warehouse": counts["duplicates"],
            "warehouse_bytes": counts["bytes"]}


def _recognise_chunk(texts: list[str]) -> int:
    from tasks.enrich.ner.tagger import recognise

    return sum(len(recognise(t)) for t in texts)


def measure_recogniser(folder: str, workers: int) -> dict[str, Any]:
    """The baseline: every text read and put through the recogniser alone, in `workers` processes."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.txt"))]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        list(pool.map(_recognise_chunk, [texts[:1]] * workers))  # the model loaded in each, before the clock
        cpu_start, start = tree_cpu_seconds(), time.perf_counter()
        list(pool.map(_recognise_chunk, [texts[i:i + 8] for i in range(0, len(texts), 8)]))
        seconds, cpu = time.perf_counter() - start, tree_cpu_seconds() - cpu_start
    return {"seconds": seconds, "cpu_seconds": cpu}


def measure_steps(folder: str, workdir: str) -> dict[str, float]:
    """CPU ms an article of each step of the enrichment (tasks.enrich.facts.facts_of, and the events read at
    write time by tasks.enrich.store) over the folder's first articles, ingested in this process."""
    import shutil

    import tasks.enrich.facts as facts
    import tasks.enrich.store as store
    from tasks.acquire.load import list_folder
    from tasks.run.pipeline import ingest_listing
    from tasks.warehouse.database import Warehouse, apply_migrations

    sample = Path(workdir) / "sample"
    sample.mkdir()
    for path in sorted(Path(folder).glob("*.txt"))[:STEP_SAMPLE]:
        shutil.copy(path, sample / path.name)
    shutil.copy(Path(folder) / "manifest.json", sample / "manifest.json")
    clock = Clock(time.process_time)
    for name in ("recognise", "with_institutions", "tidy", "with_corpus_names", "extend_first_names", "extend_last_names",
                 "propagate", "find_attributions", "roles", "link_in_article", "office_spans", "find_temporal", "find_quotes"):
        clock.wrap(facts, name)
    clock.wrap(store, "extract_events")
    warehouse = Warehouse(Path(workdir) / "steps.duckdb")
    with warehouse.connect() as con:
        apply_migrations(con)
    facts.facts_of("قال الرئيس", None)  # models and lexicons loaded before the clock
    clock.take()
    tally = ingest_listing(warehouse, "steps", list_folder(sample, source="steps"), workers=1)
    steps = clock.take()
    return {k: round(v / tally.inputs * 1000, 3) for k, v in sorted(steps.items(), key=lambda kv: -kv[1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles measured (default %(default)s)")
    parser.add_argument("--stored", type=int, default=0, help="other articles stored first, unmeasured (default 0)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-arabic.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-arabic-") as tmp:
        folder, stored = Path(tmp) / "articles", Path(tmp) / "stored"
        measured, first = corpus_articles(args.n, args.stored)
        write_folder(folder, measured)
        if args.stored:
            write_folder(stored, first)
        print(f"corpus: {args.n} articles (+{args.stored} stored first) in {tmp}", flush=True)
        baseline = in_fresh_process(measure_recogniser, str(folder), args.workers)
        print(f"  recogniser alone: {baseline['seconds']:.1f} s", flush=True)
        run = in_fresh_process(measure_pipeline, str(folder), str(stored) if args.stored else None,
                               str(Path(tmp) / "bench.duckdb"), args.workers)
        print(f"  pipeline: {run['seconds']:.1f} s", flush=True)
        steps = in_fresh_process(measure_steps, str(folder), tmp)
    n = args.n
    report = {
        "n": n, "stored_before": args.stored, "workers": args.workers,
        "articles_per_s": n / run["seconds"],
        "cpu_ms_per_article": run["cpu_seconds"] / n * 1000,
        "cores_used": run["cpu_seconds"] / run["seconds"],
        "busy_share": run["busy_share"],
        "peak_rss_mb": run["peak_rss_mb"],
        "duplicate_share": run["duplicates_in_warehouse"] / max(1, run["articles_in_warehouse"]),
        "recogniser_articles_per_s": n / baseline["seconds"],
        "ratio_vs_recogniser": baseline["seconds"] / run["seconds"],
        "parent_cpu_share": run["cpu_seconds_parent"] / run["cpu_seconds"],
        "stage_seconds": run["tally"]["seconds"],
        "worker_ms_per_article": {k: round(v / n * 1000, 3) for k, v in run["worker_seconds"].items()},
        "enrichment_step_cpu_ms": steps,
        "warehouse_mb_per_1k_articles": run["warehouse_bytes"] / 1e6 / max(1, run["articles_in_warehouse"]) * 1000,
        "run": run,
    }
    write_results(args.out, report)
    print_table(["figure", "value"], [
        ("articles/s (pipeline, every enrichment)", report["articles_per_s"]),
        ("articles/s (recogniser alone, baseline)", report["recogniser_articles_per_s"]),
        ("ratio pipeline / recogniser alone", report["ratio_vs_recogniser"]),
        ("CPU ms an article, all processes", report["cpu_ms_per_article"]),
        ("cores used", report["cores_used"]),
        ("share of half-seconds with the cores 90% busy", report["busy_share"]),
        ("parent's share of the CPU", report["parent_cpu_share"]),
        ("peak RSS, all processes (MB)", report["peak_rss_mb"]),
        ("duplicate share", report["duplicate_share"]),
    ], ["", ".2f"])
    print_table(["parent stage", "seconds"], sorted(report["stage_seconds"].items(), key=lambda kv: -kv[1]), ["", ".2f"])
    print_table(["worker stage", "ms an article (wall, in a worker)"], sorted(report["worker_ms_per_article"].items(), key=lambda kv: -kv[1]),
                ["", ".2f"])
    print_table(["enrichment step", "CPU ms an article"], list(steps.items()), ["", ".2f"])


if __name__ == "__main__":
    main()
