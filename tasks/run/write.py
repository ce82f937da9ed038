"""Write one batch to the warehouse in one transaction: documents, articles and rejects upserted through
Arrow, rejects of inputs that now succeed resolved, exact duplicates re-marked."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import NamedTuple

import duckdb
import pyarrow as pa

from schemas.records import Article, Document, Reject
from tasks.acquire.raw import RAW_COMPRESSION, compress_raw, decompress_raw
from tasks.dedup import boilerplate, teasers
from tasks.dedup.duplicates import CONTAINED_TERMS_MIN, link_duplicates, store_signatures
from tasks.dedup.minhash import Signature
from tasks.dedup.neighbours import Neighbours, term_neighbours
from tasks.dedup.search_store import store_search_keys
from tasks.dedup.stories import STORY_TERMS_MIN, assign_stories, store_terms
from tasks.enrich.facts import ENRICHER_VERSION, ArticleFacts
from tasks.enrich.known_names import known_person_keys
from tasks.enrich.store import link_happenings, write_enrichment
from tasks.warehouse.database import (
    SPLIT_IDS,
    arrow_table,
    id_list,
    id_set,
    last_wins,
    replace_all,
    replace_rows,
    split_ids,
    transaction,
    upsert,
    utcnow,
)

# An article's fields as its row, read off the object: `asdict` deep-copies every value (1.3 s of the writer's
# CPU over 10,000 articles, profiled), and an Article holds only strings, numbers and datetimes.
_ARTICLE_COLUMNS = tuple(f.name for f in fields(Article) if f.name != "input_ref")

TS = pa.timestamp("us", tz="UTC")
DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()), ("url", pa.string()), ("source", pa.string()), ("input_ref", pa.string()),
        ("fetched_at", TS), ("http_status", pa.int32()), ("content_type", pa.string()), ("encoding", pa.string()),
        ("raw", pa.binary()), ("raw_compression", pa.string()), ("raw_sha256", pa.string()),
        ("raw_bytes", pa.int64()), ("meta", pa.string()), ("run_id", pa.string()),
        ("final_url", pa.string()), ("headers", pa.string()), ("elapsed_ms", pa.int32()),
        ("file_size", pa.int64()), ("file_mtime_ns", pa.int64()),
    ]
)
FETCH_STATE = pa.schema(
    [
        ("url", pa.string()), ("source", pa.string()), ("kind", pa.string()), ("etag", pa.string()),
        ("last_modified", pa.string()), ("last_status", pa.int32()), ("last_reason", pa.string()),
        ("last_fetched_at", TS), ("next_allowed_at", TS), ("failures", pa.int32()), ("doc_id", pa.string()),
        ("run_id", pa.string()),
    ]
)
ARTICLES = pa.schema(
    [
        ("article_id", pa.string()), ("doc_id", pa.string()), ("url", pa.string()), ("source", pa.string()),
        ("outlet", pa.string()), ("title", pa.string()), ("author", pa.string()), ("published_at", TS),
        ("published_from", pa.string()), ("language", pa.string()), ("text", pa.string()), ("summary", pa.string()),
        ("text_sha256", pa.string()), ("norm_sha256", pa.string()), ("word_count", pa.int32()),
        ("extractor_version", pa.string()), ("enricher_version", pa.string()), ("run_id", pa.string()), ("first_run_id", pa.string()), ("updated_at", TS),
    ]
)
REJECTS = pa.schema(
    [
        ("input_ref", pa.string()), ("stage", pa.string()), ("reason", pa.string()), ("detail", pa.string()),
        ("run_id", pa.string()), ("at", TS), ("first_run_id", pa.string()), ("first_at", TS), ("attempts", pa.int32()),
    ]
)
# Columns compared to tell an updated article from an unchanged one.
_CONTENT = ("text_sha256", "title", "author", "published_at", "outlet", "language", "url", "summary", "extractor_version",
            "enricher_version")


@dataclass
class Enrichment:
    """What the dedup stage computed for a batch's articles, written with them in one transaction."""

    originals: list[Article] = field(default_factory=list)  # as extracted, before boilerplate was stripped
    signatures: dict[str, Signature] = field(default_factory=dict)
    terms: dict[str, dict[str, float]] = field(default_factory=dict)
    search_keys: dict[str, list[int]] = field(default_factory=dict)  # tasks.dedup.search_index
    facts: dict[str, ArticleFacts] = field(default_factory=dict)  # entities, dates, quotes, agencies (tasks.enrich.facts)
    # the facts while the pool still computes them: called once, when the write needs them (settled_facts)
    facts_later: Callable[[], dict[str, ArticleFacts]] | None = None

    def settled_facts(self) -> dict[str, ArticleFacts]:
        """The facts, waited for only now when they come later: the batch's copies and stories, which need
        none, are written while the pool computes them."""
        if self.facts_later is not None:
            self.facts, self.facts_later = self.facts_later(), None
        return self.facts


@dataclass
class WriteResult:
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_duplicate: int = 0
    documents_written: int = 0
    rejects: Counter = field(default_factory=Counter)
    extracted: Counter = field(default_factory=Counter)
    known_persons: set[str] = field(default_factory=set)  # persons the batch made known (tasks.enrich.known_names)


class StoredDocument(NamedTuple):
    """What the warehouse knows of a document: enough to tell that nothing needs redoing."""

    raw_sha256: str
    meta: str | None
    extractor_version: str | None  # of its article (None: no article, e.g. rejected)
    enricher_version: str | None
    file_size: int | None
    file_mtime_ns: int | None


def known_documents(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> dict[str, StoredDocument]:
    """doc_id -> what is stored of it, for documents already stored."""
    if not doc_ids:
        return {}
    with id_set(con, doc_ids) as (ids_sql, params):
        rows = con.execute(
            "SELECT d.doc_id, d.raw_sha256, d.meta, a.extractor_version, a.enricher_version, d.file_size, d.file_mtime_ns"
            f" FROM documents d LEFT JOIN articles a ON a.doc_id = d.doc_id WHERE d.doc_id IN {ids_sql}",
            params,
        ).fetchall()
    return {r[0]: StoredDocument(*r[1:]) for r in rows}


def resolve_rejects(con: duckdb.DuckDBPyConnection, run_id: str, refs: list[str]) -> None:
    """The open rejects of inputs that `run_id` got through (an article, a folder listed) are resolved by it."""
    if refs:
        con.execute(
            "UPDATE rejects SET resolved_run_id = ? WHERE resolved_run_id IS NULL AND run_id <> ?"
            f" AND input_ref IN {SPLIT_IDS}",
            [run_id, run_id, *split_ids(refs)],
        )


def write_batch(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    documents: list[Document],
    articles: list[Article],
    rejects: list[Reject],
    succeeded_refs: list[str],
    fetch_states: list[dict] | None = None,
    enrich: Enrichment | None = None,
) -> WriteResult:
    """Upsert the batch atomically. `succeeded_refs` are inputs that produced an article in this run;
    `fetch_states` are fetch_state rows (tasks.acquire.web) for the URLs fetched in this batch."""
    now: datetime = utcnow()
    result = WriteResult(rejects=Counter(r.reason for r in rejects))
    doc_rows = last_wins(
        [
            {
                "doc_id": d.doc_id, "url": d.url, "source": d.source, "input_ref": d.input_ref,
                "fetched_at": d.fetched_at, "http_status": d.http_status, "content_type": d.content_type,
                "encoding": d.encoding, "raw": d.raw_compressed if d.raw_compressed is not None else compress_raw(d.raw),
                "raw_compression": RAW_COMPRESSION,
                "raw_sha256": d.raw_sha256, "raw_bytes": d.raw_bytes if d.raw_bytes is not None else len(d.raw), "meta": json.dumps(d.meta, sort_keys=True, ensure_ascii=False),
                "run_id": run_id, "final_url": d.final_url, "elapsed_ms": d.elapsed_ms,
                "headers": json.dumps(d.headers, sort_keys=True) if d.headers is not None else None,
                "file_size": d.file_size, "file_mtime_ns": d.file_mtime_ns,
            }
            for d in documents
        ],
        "doc_id",
    )
    art_rows = last_wins(
        [
            {**{k: getattr(a, k) for k in _ARTICLE_COLUMNS}, "run_id": run_id, "first_run_id": run_id, "updated_at": now,
             # set for every article the enricher saw, Arabic or not (a non-Arabic one has no rows, by design)
             "enricher_version": ENRICHER_VERSION if enrich is not None else None}
            for a in articles
        ],
        "article_id",
    )
    rej_rows = last_wins(
        [
            {**asdict(r), "run_id": run_id, "at": now, "first_run_id": run_id, "first_at": now, "attempts": 1}
            for r in rejects
        ],
        "input_ref", "stage",
    )
    ids = [r["article_id"] for r in art_rows]
    with transaction(con):
        before = {}
        if ids:
            among, params = id_list(ids)
            before = {row[0]: row[1:] for row in con.execute(
                f"SELECT article_id, norm_sha256, {', '.join(_CONTENT)} FROM articles WHERE article_id IN {among}", params
            ).fetchall()}
        if doc_rows:
            con.register("batch_documents", arrow_table(doc_rows, DOCUMENTS))
            replace_rows(con, "documents", "batch_documents", ("doc_id",))
            con.unregister("batch_documents")
        if art_rows:
            con.register("batch_articles", arrow_table(art_rows, ARTICLES))
            replace_rows(con, "articles", "batch_articles", ("article_id",), keep=("first_run_id",))
            con.unregister("batch_articles")
        if rej_rows:
            con.register("batch_rejects", arrow_table(rej_rows, REJECTS))
            upsert(con, "rejects", "batch_rejects", ("input_ref", "stage"),
                   "reason = excluded.reason, detail = excluded.detail, run_id = excluded.run_id, \"at\" = excluded.\"at\","
                   " attempts = rejects.attempts + 1, resolved_run_id = NULL")
            con.unregister("batch_rejects")
        state_rows = last_wins([{**row, "run_id": run_id} for row in fetch_states or []], "url")
        if state_rows:
            con.register("batch_states", arrow_table(state_rows, FETCH_STATE))
            upsert(con, "fetch_state", "batch_states", ("url",), replace_all(FETCH_STATE.names, ("url",)))
            con.unregister("batch_states")
        resolve_rejects(con, run_id, succeeded_refs)
        known_buckets: dict[str, list[int]] = {}
        neighbours: Neighbours = {}
        # Rows of the per-article tables are written with their article's row, in one transaction, and an
        # article's row is never deleted: only the articles stored before this batch can have rows to replace.
        stored = set(before)
        if enrich is not None:
            boilerplate.record(con, enrich.originals, stored)
            teasers.record(con, enrich.originals, stored)
            known_buckets = store_signatures(con, run_id, enrich.signatures)
            store_terms(con, enrich.terms, {r["article_id"]: r["published_at"] for r in art_rows}, stored)
            store_search_keys(con, enrich.search_keys, stored)
            neighbours = term_neighbours(con, enrich.terms, [r["published_at"] for r in art_rows if r["published_at"]],
                                         min(STORY_TERMS_MIN, CONTAINED_TERMS_MIN))
        dup_count = link_duplicates(con, ids, known_buckets, neighbours)
        if enrich is not None:
            assign_stories(con, ids, enrich.terms, neighbours)
            texts = {r["article_id"]: r["text"] for r in art_rows}
            written = write_enrichment(con, run_id, {a: f for a, f in enrich.settled_facts().items() if a in texts}, texts,
                                       stored)
            result.extracted = written.counts
            result.known_persons = known_person_keys(con, written.person_aliases)
            link_happenings(con, ids)
    for row in art_rows:
        old = before.get(row["article_id"])
        if old is None:
            result.articles_new += 1
        elif tuple(_same(row[c]) for c in _CONTENT) != tuple(_same(v) for v in old[1:]):
            result.articles_updated += 1
        else:
            result.articles_unchanged += 1
    result.articles_duplicate = dup_count
    result.documents_written = len(doc_rows)
    return result


def _same(value):
    """Compare datetimes as instants: DuckDB returns TIMESTAMPTZ in the session's time zone."""
    return value.astimezone(timezone.utc).isoformat() if isinstance(value, datetime) else value


def load_stored_documents(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> list[Document]:
    """Documents as stored (raw bytes decompressed, not yet decoded), for re-extraction."""
    if not doc_ids:
        return []
    rows = con.execute(
        "SELECT doc_id, url, source, input_ref, fetched_at, content_type, raw, raw_compression, raw_sha256, meta, http_status,"
        f" final_url, headers, elapsed_ms FROM documents WHERE doc_id IN {SPLIT_IDS} ORDER BY doc_id",
        split_ids(doc_ids),
    ).fetchall()
    docs = []
    for (doc_id, url, source, input_ref, fetched_at, ctype, raw, compression, sha, meta, status, final_url, headers,
         elapsed) in rows:
        docs.append(Document(
            doc_id=doc_id, url=url, source=source, input_ref=input_ref, fetched_at=fetched_at,
            kind="text" if (ctype or "").startswith("text/plain") else "html", raw=decompress_raw(raw, compression),
            raw_sha256=sha, content_type=ctype or "text/html", meta=json.loads(meta or "{}"), http_status=status,
            final_url=final_url, headers=json.loads(headers) if headers else None, elapsed_ms=elapsed,
        ))
    return docs
