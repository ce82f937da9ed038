"""Scoring for `akhbar eval`: labelled documents are ingested in `published` order into a temporary
warehouse through the real pipeline, and the groups it makes are compared with the gold ones.
Duplicates: pairwise precision, recall and F1. Stories: adjusted Rand index and B-cubed F1."""
from __future__ import annotations

import json
import tempfile
from collections import Counter
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path

from schemas.records import Document
from tasks.acquire.load import document_id
from tasks.extract.articles import to_utc
from tasks.run.pipeline import process_documents
from tasks.run.tally import Tally
from tasks.text.normalize import sha256_hex
from tasks.warehouse.database import Warehouse, apply_migrations

BATCH = 200


class EvalInputError(ValueError):
    pass


def read_labelled(path: str | Path, key: str) -> tuple[list[dict], list[list[str]]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalInputError(f"cannot read {path}: {exc}") from exc
    expected = f'expected {{"documents": [...], "{key}": [[id, ...], ...]}}'
    if not isinstance(data, dict):
        raise EvalInputError(f"{path}: {expected}")
    docs, groups = data.get("documents"), data.get(key)
    if not isinstance(docs, list) or not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        raise EvalInputError(f"{path}: {expected}")
    ids = set()
    for d in docs:
        if not isinstance(d, dict) or not {"id", "text"} <= set(d):
            raise EvalInputError(f"{path}: every document needs an id and a text")
        d["id"] = str(d["id"])  # ids are compared as strings: 7 and "7" are one document
        if d["id"] in ids:
            raise EvalInputError(f"{path}: document id {d['id']!r} twice")
        ids.add(d["id"])
    groups = [[str(i) for i in g] for g in groups]
    for g in groups:
        unknown = set(g) - ids
        if unknown:
            raise EvalInputError(f"{path}: {key} name unknown ids {sorted(unknown)[:5]}")
    return docs, groups


def labelled_document(doc_id: str, text: str, meta: dict) -> Document:
    """A labelled text as the pipeline's input document (source `eval`, keyed by its id)."""
    raw = text.encode("utf-8")
    return Document(doc_id=document_id("eval", doc_id, None), url=f"eval://{doc_id}", source="eval",
                    input_ref=f"eval/{doc_id}", fetched_at=datetime.now(timezone.utc), kind="text", raw=raw,
                    raw_sha256=sha256_hex(raw), content_type="text/plain", meta=meta)


def ingest_labelled(docs: list[dict], workdir: Path) -> dict[str, tuple[str | None, str | None]]:
    """id -> (dup_of id, story id) after ingesting the texts in published order, batch by batch."""
    wh = Warehouse(workdir / "eval.duckdb")
    with wh.connect() as con:
        apply_migrations(con)
    order = sorted(docs, key=lambda d: (to_utc(d.get("published")) or datetime.max.replace(tzinfo=timezone.utc), str(d["id"])))
    by_doc: dict[str, str] = {}
    for i in range(0, len(order), BATCH):
        batch = []
        for d in order[i : i + BATCH]:
            meta = {k: d[k] for k in ("published", "outlet", "title") if d.get(k)}
            doc = labelled_document(str(d["id"]), str(d["text"]), meta)
            by_doc[doc.doc_id] = str(d["id"])
            batch.append(doc)
        process_documents(wh, "eval", batch, [], Tally())
    with wh.connect() as con:
        rows = con.execute("SELECT article_id, doc_id, dup_of, story_id FROM articles").fetchall()
    id_of_article = {a: by_doc[d] for a, d, _, _ in rows}
    return {by_doc[d]: (id_of_article.get(dup) if dup else None, s) for a, d, dup, s in rows}


def pairs_of(groups: list[list[str]]) -> set[frozenset]:
    return {frozenset(p) for g in groups for p in combinations(sorted(set(g)), 2)}


def pairwise(pred: set[frozenset], gold: set[frozenset]) -> dict:
    tp = len(pred & gold)
    precision = tp / len(pred) if pred else 1.0
    recall = tp / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "pairs_predicted": len(pred), "pairs_gold": len(gold)}


def clusters(labels: dict[str, str]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for item, label in labels.items():
        groups.setdefault(label, []).append(item)
    return list(groups.values())


def adjusted_rand(pred: dict[str, str], gold: dict[str, str]) -> float:
    items = sorted(gold)
    n = len(items)
    if n < 2:
        return 1.0
    comb = lambda k: k * (k - 1) / 2  # noqa: E731
    cont = Counter((pred[i], gold[i]) for i in items)
    a, b = Counter(pred[i] for i in items), Counter(gold[i] for i in items)
    index = sum(comb(v) for v in cont.values())
    sum_a, sum_b = sum(comb(v) for v in a.values()), sum(comb(v) for v in b.values())
    expected = sum_a * sum_b / comb(n)
    maximum = (sum_a + sum_b) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def bcubed_f1(pred: dict[str, str], gold: dict[str, str]) -> float:
    pc, gc = Counter(pred.values()), Counter(gold.values())
    both = Counter((pred[i], gold[i]) for i in gold)
    precision = sum(both[(pred[i], gold[i])] / pc[pred[i]] for i in gold) / len(gold)
    recall = sum(both[(pred[i], gold[i])] / gc[gold[i]] for i in gold) / len(gold)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def eval_dedup(path: str | Path) -> dict:
    docs, groups = read_labelled(path, "duplicate_groups")
    with tempfile.TemporaryDirectory() as tmp:
        result = ingest_labelled(docs, Path(tmp))
    canon = {i: (dup or i) for i, (dup, _) in result.items()}
    pred = pairs_of(clusters(canon))
    return {**pairwise(pred, pairs_of(groups)), "documents": len(docs), "articles": len(result)}


def eval_stories(path: str | Path) -> dict:
    docs, stories = read_labelled(path, "stories")
    with tempfile.TemporaryDirectory() as tmp:
        result = ingest_labelled(docs, Path(tmp))
    gold = {i: f"gold-{n}" for n, g in enumerate(stories) for i in g}
    for d in docs:  # documents in no listed story are stories of their own
        gold.setdefault(str(d["id"]), f"alone-{d['id']}")
    pred = {i: (result[i][1] if i in result and result[i][1] else f"none-{i}") for i in gold}
    return {"ari": round(adjusted_rand(pred, gold), 4), "bcubed_f1": round(bcubed_f1(pred, gold), 4),
            "documents": len(docs), "stories_gold": len(set(gold.values())), "stories_predicted": len(set(pred.values()))}
