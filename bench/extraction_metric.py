"""The metric of the ScrapingHub/Zyte article-extraction benchmark: its ``evaluate.py`` re-implemented (stdlib only).

- tokens are ``\\w+`` matches (Unicode); shingles are token 4-grams, a text with 1-3 tokens yields one
  shorter shingle, an empty text none;
- per document, tp/fp/fn are the multiset overlap of predicted and true shingles, normalised by their sum;
- corpus precision/recall are per-document means (documents with tp + fp == 0, resp. tp + fn == 0, are
  skipped), F1 their harmonic mean; accuracy is the share of documents whose token list equals the truth's.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

NGRAM_N = 4
_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
TpFpFn = tuple[float, float, float]


def tokenize(text: str | None) -> list[str]:
    """Return the ``\\w+`` tokens of ``text`` (``None`` counts as empty)."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    """Multiset of token n-grams; 1..n-1 tokens give one short shingle."""
    tokens = tokenize(text)
    count = max(1, len(tokens) - n + 1)
    return Counter(tuple(tokens[i : i + n]) for i in range(count) if tokens[i : i + n])


def tp_fp_fn(pred: str | None, true: str | None) -> TpFpFn:
    """Shingle tp/fp/fn of one document, normalised to sum to 1 (or all 0)."""
    pred_sh, true_sh = shingles(pred), shingles(true)
    tp = float(sum((pred_sh & true_sh).values()))
    fp = float(sum((pred_sh - true_sh).values()))
    fn = float(sum((true_sh - pred_sh).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def document_scores(pred: str | None, true: str | None) -> tuple[float, float]:
    """(precision, recall) of one document.

    Note: the corpus mean skips a document for precision when tp + fp == 0
    (empty prediction) and for recall when tp + fn == 0 (empty truth); the
    values returned here for such documents (0.0) are then not counted.
    """
    counts = tp_fp_fn(pred, true)
    return _precision(*counts), _recall(*counts)


def scores_from_counts(counts: Sequence[TpFpFn]) -> dict[str, float]:
    """Corpus f1/precision/recall from per-document normalised tp/fp/fn."""
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def document_counts(preds: Mapping[str, str | None], truths: Mapping[str, str]) -> list[TpFpFn]:
    """Normalised tp/fp/fn per document, in sorted id order of ``truths``."""
    return [tp_fp_fn(preds.get(doc_id), truths[doc_id]) for doc_id in sorted(truths)]


def corpus_scores(preds: Mapping[str, str | None], truths: Mapping[str, str]) -> dict[str, float]:
    """Score ``preds`` against ``truths`` (both keyed by document id).

    Returns f1, precision, recall, accuracy and n (number of documents).
    A missing or ``None`` prediction counts as an empty text.
    """
    exact = [tokenize(preds.get(i)) == tokenize(truths[i]) for i in sorted(truths)]
    return {**scores_from_counts(document_counts(preds, truths)), "accuracy": statistics.mean(exact), "n": len(truths)}


def bootstrap_std(counts: Sequence[TpFpFn], n_resamples: int = 1000, seed: int = 0) -> dict[str, float]:
    """Bootstrap standard deviation of f1/precision/recall (as the benchmark)."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(n_resamples):
        resample = rng.choices(counts, k=len(counts))
        for key, value in scores_from_counts(resample).items():
            samples.setdefault(key, []).append(value)
    return {key: statistics.stdev(values) for key, values in samples.items()}


def bootstrap_f1_diff(counts_a: Sequence[TpFpFn], counts_b: Sequence[TpFpFn], n_resamples: int = 1000,
                      seed: int = 0) -> tuple[float, float]:
    """Paired bootstrap of F1(a) - F1(b) over the same documents: (diff, std)."""
    rng = random.Random(seed)
    n = len(counts_a)
    diffs = []
    for _ in range(n_resamples):
        idx = [rng.randrange(n) for _ in range(n)]
        f1_a = scores_from_counts([counts_a[i] for i in idx])["f1"]
        f1_b = scores_from_counts([counts_b[i] for i in idx])["f1"]
        diffs.append(f1_a - f1_b)
    full = scores_from_counts(counts_a)["f1"] - scores_from_counts(counts_b)["f1"]
    return full, statistics.stdev(diffs)


def load_ground_truth(data_dir: Path | str) -> dict[str, str]:
    """{id: articleBody} from ``ground-truth.json``."""
    items = json.loads((Path(data_dir) / "ground-truth.json").read_text("utf-8"))
    return {key: item.get("articleBody") or "" for key, item in items.items()}


def load_urls(data_dir: Path | str) -> dict[str, str]:
    """{id: url} from ``ground-truth.json``."""
    items = json.loads((Path(data_dir) / "ground-truth.json").read_text("utf-8"))
    return {key: item.get("url") or "" for key, item in items.items()}


def load_pages(data_dir: Path | str) -> dict[str, bytes]:
    """{id: gunzipped html bytes} from ``html/<id>.html.gz``."""
    paths = sorted((Path(data_dir) / "html").glob("*.html.gz"))
    return {p.name.removesuffix(".html.gz"): gzip.decompress(p.read_bytes()) for p in paths}


def load_predictions(path: Path | str) -> dict[str, str | None]:
    """{id: articleBody} from a published output file (plain or wrapped)."""
    data = json.loads(Path(path).read_text("utf-8"))
    items = data["output"] if "output" in data and "version" in data else data
    return {key: (item or {}).get("articleBody") for key, item in items.items()}

