"""Extraction quality of the ingest pipeline on the article-extraction benchmark (`make bench-extraction`).

The 181 pages of the ScrapingHub/Zyte benchmark (`html/<id>.html.gz`) are ingested as one folder through the
project's real path (list_folder + ingest_listing into a temporary DuckDB warehouse); `articles.text` is read
back, mapped to its page through `documents.input_ref` and scored with the benchmark's metric
(bench/extraction_metric.py); a page with no article (a reject) is an empty prediction. In the same run, from
cleared trafilatura caches each time, bare `trafilatura.extract(html, output_format="txt")` is scored with its
defaults and with `include_comments=False` (the benchmark's setting). Prints the scores, the paired bootstrap
F1 difference of the pipeline to the benchmark setting and the pages where the pipeline scores lowest against it.

    python bench/extraction_quality.py [--out bench/extraction_results.json]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import extraction_metric as metric
import trafilatura
from harness import BENCHMARK, ROOT, print_table, write_results
from trafilatura.meta import reset_caches

from tasks.acquire.load import list_folder
from tasks.run.pipeline import ingest_listing
from tasks.warehouse.database import Warehouse, apply_migrations

BATCH_SIZE = 200
BENCHMARK_KWARGS: dict[str, Any] = {"include_comments": False}  # run_trafilatura.py of the benchmark
PUBLISHED_F1 = {"trafilatura 2.0.0 (published, benchmark README)": 0.958}


def page_id(input_ref: str) -> str:
    """The benchmark id of an input ref such as ``html/<id>.html.gz``."""
    return input_ref.rsplit("/", 1)[-1].removesuffix(".html.gz")


def _doc_f1(pred: str | None, true: str) -> float:
    precision, recall = metric.document_scores(pred, true)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _scored(system: str, preds: dict[str, str | None], truths: dict[str, str], seconds: float) -> dict[str, Any]:
    return {"system": system, **metric.corpus_scores(preds, truths),
            "f1_std": metric.bootstrap_std(metric.document_counts(preds, truths))["f1"],
            "empty": sum(1 for doc_id in truths if not metric.tokenize(preds.get(doc_id))), "seconds": seconds, "predictions": preds}


def score_pipeline_on_benchmark(bench_dir: Path | str, workdir: Path | str) -> dict[str, Any]:
    """Ingest ``bench_dir/html`` into a fresh warehouse in ``workdir`` and score the stored articles.

    Returns the corpus scores (f1, precision, recall, accuracy, n, f1_std, empty), ``seconds``
    (list_folder + ingest_batch wall time, migrations excluded), ``tally`` (Tally.as_dict()),
    ``rejects`` ({page id: "stage/reason: detail"}) and ``predictions`` ({page id: text or None}).
    """
    bench_dir, workdir = Path(bench_dir), Path(workdir)
    truths = metric.load_ground_truth(bench_dir)
    warehouse = Warehouse(workdir / "extraction_quality.duckdb")
    if warehouse.path.exists():
        raise FileExistsError(f"{warehouse.path} exists: score_pipeline_on_benchmark needs a fresh warehouse")
    with warehouse.connect() as con:
        apply_migrations(con)
    run_id = f"bench-extraction-{uuid.uuid4()}"
    reset_caches()
    start = time.perf_counter()
    tally = ingest_listing(warehouse, run_id, list_folder(bench_dir / "html"), BATCH_SIZE)
    seconds = time.perf_counter() - start
    with warehouse.connect() as con:
        texts = con.execute("SELECT d.input_ref, a.text FROM articles a JOIN documents d USING (doc_id)").fetchall()
        rejected = con.execute("SELECT input_ref, stage, reason, detail FROM rejects ORDER BY input_ref").fetchall()
    preds: dict[str, str | None] = {page_id(ref): text for ref, text in texts}
    rejects = {page_id(ref): f"{stage}/{reason}: {detail}" for ref, stage, reason, detail in rejected}
    unknown = (set(preds) | set(rejects)) - set(truths)
    if unknown:
        raise ValueError(f"warehouse rows that map to no benchmark id: {sorted(unknown)[:5]}")
    for doc_id in truths:
        preds.setdefault(doc_id, None)  # a reject (or a page never listed) is an empty prediction
    result = _scored("pipeline (list_folder + ingest_batch)", preds, truths, seconds)
    return {**result, "tally": tally.as_dict(), "rejects": rejects, "articles": len(texts)}


def score_bare_trafilatura(bench_dir: Path | str, **kwargs: Any) -> dict[str, Any]:
    """Score ``trafilatura.extract(html, output_format="txt", **kwargs)`` on every page (UTF-8 decoded).

    Caches are cleared first; ``seconds`` is the extraction wall time only (reading pages excluded).
    """
    truths = metric.load_ground_truth(bench_dir)
    pages = {k: v.decode("utf-8") for k, v in metric.load_pages(bench_dir).items()}
    reset_caches()
    start = time.perf_counter()
    preds: dict[str, str | None] = {doc_id: trafilatura.extract(html, output_format="txt", **kwargs) for doc_id, html in pages.items()}
    seconds = time.perf_counter() - start
    name = ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) or "defaults"
    return _scored(f"trafilatura.extract ({name})", preds, truths, seconds)


def pipeline_losses(pipeline: dict[str, Any], baseline: dict[str, Any], truths: dict[str, str], urls: dict[str, str],
                    top: int = 10) -> list[dict[str, Any]]:
    """Pages where the pipeline's document F1 is lowest relative to the baseline's, worst first."""
    rows = []
    for doc_id, true in truths.items():
        pipe_text, base_text = pipeline["predictions"].get(doc_id), baseline["predictions"].get(doc_id)
        pipe_f1, base_f1 = _doc_f1(pipe_text, true), _doc_f1(base_text, true)
        if pipe_f1 < base_f1:
            rows.append({"id": doc_id, "url": urls.get(doc_id, ""), "pipeline_f1": round(pipe_f1, 4), "baseline_f1": round(base_f1, 4),
                         "pipeline_tokens": len(metric.tokenize(pipe_text)), "baseline_tokens": len(metric.tokenize(base_text)),
                         "truth_tokens": len(metric.tokenize(true)), "reject": pipeline["rejects"].get(doc_id)})
    rows.sort(key=lambda r: r["pipeline_f1"] - r["baseline_f1"])
    return rows[:top]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "extraction_results.json",
                        help="JSON results (default %(default)s)")
    out = parser.parse_args(argv).out
    truths = metric.load_ground_truth(BENCHMARK)
    # Bare trafilatura first, then the pipeline; each from cleared caches.
    defaults = score_bare_trafilatura(BENCHMARK)
    benchmark = score_bare_trafilatura(BENCHMARK, **BENCHMARK_KWARGS)
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-extraction-") as tmp:
        pipeline = score_pipeline_on_benchmark(BENCHMARK, tmp)
    rows = [defaults, benchmark, pipeline]
    counts = {id(r): metric.document_counts(r["predictions"], truths) for r in rows}
    diff, diff_std = metric.bootstrap_f1_diff(counts[id(pipeline)], counts[id(benchmark)])
    losses = pipeline_losses(pipeline, benchmark, truths, metric.load_urls(BENCHMARK))
    per_doc_f1 = {id(r): [_doc_f1(r["predictions"].get(i), truths[i]) for i in sorted(truths)] for r in rows}
    write_results(out, {
        "trafilatura": trafilatura.__version__,
        "data_dir": str(BENCHMARK),
        "published_f1": PUBLISHED_F1,
        "results": [{**{k: v for k, v in r.items() if k != "predictions"}, "seconds": round(r["seconds"], 2),
                     "median_document_f1": statistics.median(per_doc_f1[id(r)])} for r in rows],
        "pipeline_vs_benchmark_setting": {"f1_diff": diff, "f1_diff_std": diff_std},
        "pipeline_losses": losses,
    })
    print_table(["system", "F1", "P", "R", "acc", "F1std", "empty", "secs"],
                [[r["system"], *(r[k] for k in ("f1", "precision", "recall", "accuracy", "f1_std", "empty", "seconds"))]
                 for r in rows],
                ["", ".4f", ".3f", ".3f", ".3f", ".3f", "d", ".1f"])
    print("; ".join(f"{name}: F1 {f1}" for name, f1 in PUBLISHED_F1.items()))
    print(f"pipeline - {benchmark['system']}: dF1 {diff:+.4f} ± {diff_std:.4f} (paired bootstrap)")
    print(f"pipeline seconds per stage: {pipeline['tally']['seconds']}; rejects: {pipeline['tally']['rejects'] or 'none'}")
    if losses:
        print("pages where the pipeline scores below the benchmark setting (document F1; tokens pipeline/bare/truth):")
        print_table(["page", "pipeline", "bare", "tokens", "reject / url"],
                    [(r["id"][:16], r["pipeline_f1"], r["baseline_f1"],
                      f"{r['pipeline_tokens']}/{r['baseline_tokens']}/{r['truth_tokens']}", f"{r['reject'] or ''} {r['url']}".strip())
                     for r in losses], ["", ".3f", ".3f"])


if __name__ == "__main__":
    main()
