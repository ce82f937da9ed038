"""Sweep ``trafilatura.extract`` options on the article-extraction benchmark.

Runs the installed trafilatura over the 181 pages of the ScrapingHub/Zyte
benchmark once per option set, scores each run with
``bench/extraction_metric.py`` and prints a table (F1, precision, recall,
accuracy, bootstrap std of F1, paired F1 difference to the benchmark's own
configuration ``include_comments=False``, seconds). Results are also written
to ``bench/extraction_sweep.json``.

Option sets run in two worker processes (one per core); each set starts from
cleared trafilatura caches (``trafilatura.meta.reset_caches``), so the
process-global deduplication LRU cannot leak between sets. Seconds are the
extraction wall time of one set in its worker (cold caches included).

    python bench/sweep_trafilatura_options.py [DATA_DIR]
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

import trafilatura
from trafilatura.meta import reset_caches

sys.path.insert(0, str(Path(__file__).resolve().parent))
import extraction_metric as metric  # noqa: E402

OUTPUT_PATH = Path(__file__).resolve().parent / "extraction_sweep.json"
BASELINE = "no_comments"  # the benchmark's run_trafilatura.py configuration
PROCESSES = 2

NC: dict[str, Any] = {"include_comments": False}

# name -> (extract() keyword arguments, pass the ground-truth url as url=)
OPTION_SETS: dict[str, tuple[dict[str, Any], bool]] = {
    "defaults": ({}, False),
    "favor_precision": ({"favor_precision": True}, False),
    "favor_recall": ({"favor_recall": True}, False),
    "deduplicate": ({"deduplicate": True}, False),
    "fast": ({"fast": True}, False),
    "defaults+url": ({}, True),
    "no_comments": (NC, False),
    "no_comments+no_tables": ({**NC, "include_tables": False}, False),
    "no_comments+favor_precision": ({**NC, "favor_precision": True}, False),
    "no_comments+favor_precision+fast": (
        {**NC, "favor_precision": True, "fast": True},
        False,
    ),
    "no_comments+favor_precision+no_tables": (
        {**NC, "favor_precision": True, "include_tables": False},
        False,
    ),
    "no_comments+favor_recall": ({**NC, "favor_recall": True}, False),
    "no_comments+favor_recall+no_tables": (
        {**NC, "favor_recall": True, "include_tables": False},
        False,
    ),
    "no_comments+deduplicate": ({**NC, "deduplicate": True}, False),
    "no_comments+fast": ({**NC, "fast": True}, False),
    "no_comments+url": (NC, True),
    "no_comments+favor_recall+url": ({**NC, "favor_recall": True}, True),
}

_pages: dict[str, str] = {}
_urls: dict[str, str] = {}


def _init_worker(data_dir: Path) -> None:
    """Load the pages (decoded as UTF-8) and urls once per worker process."""
    _pages.update({k: v.decode("utf-8") for k, v in metric.load_pages(data_dir).items()})
    _urls.update(metric.load_urls(data_dir))


def run_option_set(name: str) -> tuple[str, dict[str, str | None], float]:
    """Extract all pages with option set ``name``; return predictions, seconds."""
    kwargs, with_url = OPTION_SETS[name]
    reset_caches()
    start = time.perf_counter()
    preds = {
        doc_id: trafilatura.extract(
            html,
            output_format="txt",
            url=_urls.get(doc_id) if with_url else None,
            **kwargs,
        )
        for doc_id, html in _pages.items()
    }
    return name, preds, time.perf_counter() - start


def sweep(data_dir: Path) -> list[dict[str, Any]]:
    """Run every option set and score it; rows keep the OPTION_SETS order."""
    truths = metric.load_ground_truth(data_dir)
    with multiprocessing.Pool(PROCESSES, _init_worker, (data_dir,)) as pool:
        runs = {name: (preds, secs) for name, preds, secs in pool.imap_unordered(
            run_option_set, OPTION_SETS)}
    counts = {name: metric.document_counts(preds, truths) for name, (preds, _) in runs.items()}
    rows = []
    for name, (kwargs, with_url) in OPTION_SETS.items():
        preds, seconds = runs[name]
        diff, diff_std = metric.bootstrap_f1_diff(counts[name], counts[BASELINE])
        rows.append({
            "name": name,
            "options": {**kwargs, **({"url": "<ground truth url>"} if with_url else {})},
            **metric.corpus_scores(preds, truths),
            "f1_std": metric.bootstrap_std(counts[name])["f1"],
            f"f1_diff_vs_{BASELINE}": diff,
            "f1_diff_std": diff_std,
            "empty": sum(1 for text in preds.values() if not metric.tokenize(text)),
            "seconds": round(seconds, 2),
        })
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    width = max(len(row["name"]) for row in rows)
    print(f"{'option set':<{width}}     F1      P      R    acc  F1std  dF1(±std)      empty   secs")
    for r in rows:
        diff = f"{r[f'f1_diff_vs_{BASELINE}']:+.4f}±{r['f1_diff_std']:.4f}"
        print(
            f"{r['name']:<{width}} {r['f1']:6.4f} {r['precision']:6.3f} {r['recall']:6.3f} "
            f"{r['accuracy']:6.3f} {r['f1_std']:6.3f}  {diff:<16} {r['empty']:3d} {r['seconds']:6.1f}"
        )
    print(f"dF1: paired bootstrap difference to '{BASELINE}' (the benchmark's configuration)")


def main(data_dir: Path = metric.DEFAULT_DATA_DIR) -> None:
    rows = sweep(data_dir)
    print_table(rows)
    OUTPUT_PATH.write_text(json.dumps({
        "trafilatura": trafilatura.__version__,
        "data_dir": str(data_dir),
        "baseline": BASELINE,
        "results": rows,
    }, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT_PATH}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else metric.DEFAULT_DATA_DIR)
