"""One batch through every stage (load, extract, write), timed per stage, and the tally of a run.
Plain functions: the Prefect flow wraps `ingest_batch` as one task per batch, the benchmark calls it bare."""
from __future__ import annotations

import json
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

from schemas.records import Document, InputRef, Reject
from tasks.extract import DEFAULT_OPTIONS, EXTRACTOR_VERSION, ExtractOptions, extract_batch
from tasks.load import DEFAULT_MAX_BYTES, FolderListing, decode_document, read_input
from tasks.store import known_documents, write_batch
from tasks.warehouse import Warehouse

STAGES = ("load", "extract", "write")


@dataclass
class Tally:
    """What a run did: the counts users see in the summary and in `runs.counts`."""

    inputs: int = 0
    documents_new_or_changed: int = 0
    documents_unchanged: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_duplicate: int = 0
    rejects: Counter = field(default_factory=Counter)
    seconds: dict = field(default_factory=lambda: {s: 0.0 for s in STAGES})

    def merge(self, other: "Tally") -> None:
        for name in ("inputs", "documents_new_or_changed", "documents_unchanged", "articles_new",
                     "articles_updated", "articles_unchanged", "articles_duplicate"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rejects.update(other.rejects)
        for stage, secs in other.seconds.items():
            self.seconds[stage] = self.seconds.get(stage, 0.0) + secs

    @contextmanager
    def timed(self, stage: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start

    def as_dict(self) -> dict:
        return {
            "inputs": self.inputs,
            "documents": {"new_or_changed": self.documents_new_or_changed, "unchanged": self.documents_unchanged},
            "articles": {"new": self.articles_new, "updated": self.articles_updated,
                         "unchanged": self.articles_unchanged, "duplicate": self.articles_duplicate},
            "rejects": dict(sorted(self.rejects.items())),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }

    def summary(self) -> str:
        """The run summary printed for operators."""
        d = self.as_dict()
        lines = [
            f"inputs               {self.inputs}",
            f"documents            new or changed {self.documents_new_or_changed}, unchanged {self.documents_unchanged}",
            "articles             " + ", ".join(f"{k} {v}" for k, v in d["articles"].items()),
            "rejects              " + (", ".join(f"{k} {v}" for k, v in d["rejects"].items()) or "none"),
            "seconds per stage    " + ", ".join(f"{k} {v:.2f}" for k, v in d["seconds"].items()),
        ]
        return "\n".join(lines)


def is_unchanged(doc: Document, known: dict[str, tuple]) -> bool:
    """Same bytes, same metadata, and an article made by the current extractor: nothing to redo.
    (A document without an article, one rejected before, is tried again: the reject stays current.)"""
    stored = known.get(doc.doc_id)
    if stored is None:
        return False
    raw_sha, meta_json, extractor = stored
    return raw_sha == doc.raw_sha256 and json.loads(meta_json or "{}") == doc.meta and extractor == EXTRACTOR_VERSION


def ingest_batch(
    warehouse: Warehouse,
    run_id: str,
    refs: list[InputRef],
    manifest: dict[str, dict],
    extra_rejects: list[Reject] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    options: ExtractOptions = DEFAULT_OPTIONS,
) -> Tally:
    """Load, extract and write one batch of inputs; return its tally."""
    tally = Tally(inputs=len(refs))
    rejects: list[Reject] = list(extra_rejects or [])
    with tally.timed("load"):
        docs: list[Document] = []
        for ref in refs:
            doc, reject = read_input(ref, manifest, max_bytes)
            if doc is not None:
                docs.append(doc)
            if reject is not None:
                rejects.append(reject)
        with warehouse.connect() as con:
            known = known_documents(con, [d.doc_id for d in docs])
        changed = [d for d in docs if not is_unchanged(d, known)]
        for doc in changed:  # decode only what will be extracted
            reject = decode_document(doc)
            if reject is not None:
                rejects.append(reject)
        tally.documents_unchanged = len(docs) - len(changed)
        tally.articles_unchanged = tally.documents_unchanged
        tally.documents_new_or_changed = len(changed)
    with tally.timed("extract"):
        articles, extract_rejects = extract_batch([d for d in changed if d.text is not None], options)
        rejects.extend(extract_rejects)
    with tally.timed("write"):
        with warehouse.connect() as con:
            written = write_batch(con, run_id, changed, articles, rejects, [a.input_ref for a in articles])
    tally.articles_new = written.articles_new
    tally.articles_updated = written.articles_updated
    tally.articles_unchanged += written.articles_unchanged
    tally.articles_duplicate = written.articles_duplicate
    tally.rejects = written.rejects
    return tally


def ingest_listing(
    warehouse: Warehouse,
    run_id: str,
    listing: FolderListing,
    batch_size: int = 200,
    max_bytes: int = DEFAULT_MAX_BYTES,
    run_batch: Callable[..., Tally] = ingest_batch,
    on_batch: Callable[[int, int, Tally], None] | None = None,
) -> Tally:
    """Every input of a listing through `run_batch` (the Prefect task in a flow, `ingest_batch` bare),
    `batch_size` at a time. Listing problems (a bad manifest) travel with the first batch, so a folder
    with no inputs still reports them."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    batches = [listing.inputs[i : i + batch_size] for i in range(0, len(listing.inputs), batch_size)] or [[]]
    total = Tally()
    for number, refs in enumerate(batches, start=1):
        extra = listing.rejects if number == 1 else None
        tally = run_batch(warehouse, run_id, refs, listing.manifest, extra, max_bytes)
        total.merge(tally)
        if on_batch is not None:
            on_batch(number, len(batches), tally)
    return total
