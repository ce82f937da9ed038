"""Cost of the near-duplicate index (tasks.dedup.duplicates) per article as the warehouse grows (`make bench-dedup`).

For each S in --sizes (default 10k, 100k, 1M stored signatures), two fresh spawned processes. Build: a migrated
DuckDB file holding S articles written in bulk through Arrow: S - R synthetic ones with random MinHash signatures
(sharing an LSH bucket practically never, as unrelated texts do) and R = 432 real ones with signatures of real
text: the duplicate groups of tools/devsets/dedup_dev.json (Arabic news) and 100 English units cut from the 181
article-extraction-benchmark pages, each stored with a copy (`dup_of` set). Every stored article has its
shingle hashes (random ones, as many as its shingles, for the synthetic) and TOP_TERMS story terms (the
synthetic drawn from a Zipf vocabulary), published 30 s apart up to the new articles' dates, as a warehouse
of 2,880 articles a day holds them. Measure: --batches batches (default 5) of 200 new articles (42 planted
duplicates: real copies, edited and exact copies of stored units; the rest fresh) through signature_of,
terms_of and write_batch as the pipeline writes them, with store_signatures, the term join
(term_neighbours), link_duplicates (its _near_links and _contained_links), assign_stories and every SQL
statement timed. Reported per S: medians of ms per article, the growth of the dedup work from size to size,
peak RSS, the file and index sizes, duplicates found against planted.

    python bench/dedup_scale.py [--sizes 10000,100000,1000000] [--batches 5] [--out bench/dedup_scale.json]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from harness import BENCHMARK, ROOT, Clock, file_bytes, in_fresh_process, peak_rss_mb, print_table, write_results

DEVSET = ROOT / "tools" / "devsets" / "dedup_dev.json"
BATCH_SIZE = 200
SEED = 20241122
UNIT_WORDS = 220  # benchmark pages are cut into units of about this many words (at paragraph ends)
UNIT_MIN_WORDS = 80
EN_STORED = 100  # English units stored with an edited copy
PER_BATCH = {"ar_copy": 30, "en_near": 10, "exact": 2}  # planted duplicates per batch; the rest are fresh
SYNTHETIC_STEP_S = 30  # S = 1M spans 347 days, ending where the fresh articles begin
VOCABULARY = 60_000  # synthetic story terms, drawn with Zipf's law (exponent 1.1)
EN_START = datetime(2024, 2, 1, tzinfo=timezone.utc)
FRESH_START = datetime(2024, 6, 1, tzinfo=timezone.utc)


def extract_pages() -> list[str]:
    import trafilatura  # corpus building only

    return [trafilatura.extract(gzip.decompress(path.read_bytes()).decode("utf-8"), output_format="txt", include_comments=False)
            or "" for path in sorted((BENCHMARK / "html").glob("*.html.gz"))]


def units_of(text: str) -> list[str]:
    """A page cut at paragraph ends into pieces of at least UNIT_WORDS words (a short tail joins the last)."""
    out: list[list[str]] = []
    cur: list[str] = []
    n = 0
    for para in (p.strip() for p in text.split("\n")):
        if not para:
            continue
        cur.append(para)
        n += len(para.split())
        if n >= UNIT_WORDS:
            out.append(cur)
            cur, n = [], 0
    if cur:
        if n < UNIT_MIN_WORDS and out:
            out[-1] += cur
        elif n >= UNIT_MIN_WORDS:
            out.append(cur)
    return ["\n".join(u) for u in out]


_FOOTERS = ["Follow us for the latest updates on this story.", "Additional reporting by our correspondents; editing by the news desk."]
_DATELINES = ["LONDON (Reuters) - ", "NEW YORK (AP) - ", "PARIS (AFP) - ", "WASHINGTON - "]


def edit_copy(text: str, rng: random.Random) -> str:
    """A re-published copy: one or two of dateline, footer, a paragraph dropped, truncation, rewording."""
    paras = text.split("\n")
    for kind in rng.sample(["dateline", "footer", "drop", "truncate", "reword"], rng.choice([1, 2])):
        if kind == "dateline":
            paras[0] = rng.choice(_DATELINES) + paras[0]
        elif kind == "footer":
            paras.append(rng.choice(_FOOTERS))
        elif kind == "drop" and len(paras) >= 3:
            paras.pop(rng.randrange(1, len(paras)))
        elif kind == "truncate":
            words = "\n".join(paras).split(" ")
            paras = " ".join(words[: int(len(words) * rng.uniform(0.75, 0.9))]).split("\n")
        elif kind == "reword":
            words = "\n".join(paras).split(" ")
            for i in rng.sample(range(len(words)), max(1, len(words) // 25)):
                words[i] = rng.choice(words)
            paras = " ".join(words).split("\n")
    return "\n".join(paras)


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat()


def plan_corpus(batches: int, batch_size: int) -> dict[str, Any]:
    """The real stored articles and the measured batches (ids, texts, dates, what each is planted as)."""
    rng = random.Random(SEED)
    pages = extract_pages()
    en_units = [u for page in pages for u in units_of(page)]
    rng.shuffle(en_units)
    dev = json.loads(DEVSET.read_text(encoding="utf-8"))
    docs = {d["id"]: d for d in dev["documents"]}
    groups = [g for g in dev["duplicate_groups"] if len(g) >= 2]
    in_groups = {x for g in groups for x in g}
    ar_singletons = [d for d in dev["documents"] if d["id"] not in in_groups]

    def arabic(doc: dict[str, Any], suffix: str = "", **more: Any) -> dict[str, Any]:
        return {"id": f"ar-{doc['id']}{suffix}", "text": doc["text"], "published": doc["published"], "outlet": doc["outlet"],
                "language": "ar", **more}

    stored: list[dict[str, Any]] = []
    for g in groups:  # original stored; second copy stored as its duplicate; first copy arrives later
        stored.append(arabic(docs[g[0]]))
        if len(g) >= 3:
            stored.append(arabic(docs[g[2]], dup_of=f"ar-{g[0]}"))
    en_stored = en_units[:EN_STORED]
    for i, text in enumerate(en_stored):
        t = EN_START + timedelta(hours=6 * i)
        stored.append({"id": f"en-s{i:04d}", "text": text, "published": _iso(t), "outlet": "wire", "language": "en"})
        stored.append({"id": f"en-s{i:04d}-c", "text": edit_copy(text, rng), "published": _iso(t + timedelta(hours=2)),
                       "outlet": "mirror", "language": "en", "dup_of": f"en-s{i:04d}"})

    ar_copies = [(g[0], g[1]) for g in groups]
    en_near = list(range(EN_STORED))
    exact_pool = list(range(EN_STORED))
    rng.shuffle(en_near)
    rng.shuffle(exact_pool)
    fresh = [("en", t) for t in en_units[EN_STORED:]] + [("ar", d["text"]) for d in ar_singletons]
    rng.shuffle(fresh)
    need = {k: v * batches for k, v in PER_BATCH.items()}
    n_fresh = batch_size - sum(PER_BATCH.values())
    if need["ar_copy"] > len(ar_copies) or need["en_near"] > len(en_near) or n_fresh * batches > len(fresh) or n_fresh < 0:
        raise ValueError(f"not enough distinct texts for {batches} batches of {batch_size}: "
                         f"{len(ar_copies)} dev copies, {len(fresh)} fresh units")
    plan_batches = []
    k = 0
    for b in range(batches):
        batch = []
        for j in range(PER_BATCH["ar_copy"]):
            orig_id, copy_id = ar_copies[b * PER_BATCH["ar_copy"] + j]
            batch.append(arabic(docs[copy_id], "-b", planted="near", expect_dup_of=f"ar-{orig_id}"))
        for j in range(PER_BATCH["en_near"]):
            i = en_near[b * PER_BATCH["en_near"] + j]
            batch.append({"id": f"en-s{i:04d}-b{b}", "text": edit_copy(en_stored[i], rng),
                          "published": _iso(EN_START + timedelta(hours=6 * i + 5)), "outlet": "aggregator",
                          "language": "en", "planted": "near", "expect_dup_of": f"en-s{i:04d}"})
        for j in range(PER_BATCH["exact"]):
            i = exact_pool[b * PER_BATCH["exact"] + j]
            batch.append({"id": f"en-s{i:04d}-x{b}", "text": en_stored[i],
                          "published": _iso(EN_START + timedelta(hours=6 * i + 4)), "outlet": "aggregator",
                          "language": "en", "planted": "exact", "expect_dup_of": f"en-s{i:04d}"})
        for _ in range(n_fresh):
            lang, text = fresh[k]
            batch.append({"id": f"new-{k:05d}", "text": text, "published": _iso(FRESH_START + timedelta(minutes=7 * k)),
                          "outlet": "fresh", "language": lang, "planted": None})
            k += 1
        rng.shuffle(batch)
        plan_batches.append(batch)
    return {"stored": stored, "batches": plan_batches,
            "counts": {"pages": len(pages), "en_units": len(en_units), "ar_groups": len(groups),
                       "ar_singletons": len(ar_singletons), "stored_real": len(stored),
                       "stored_real_pairs": sum(1 for s in stored if s.get("dup_of"))}}


def make_article(row: dict[str, Any], source: str):
    from schemas.records import Article
    from tasks.text.normalize import sha256_hex, stable_id, text_key

    aid = stable_id(source, row["id"])
    return Article(
        article_id=aid, doc_id=aid, url=None, source=source, input_ref=f"{source}/{row['id']}", outlet=row["outlet"],
        title=None, author=None, published_at=datetime.fromisoformat(row["published"].replace("Z", "+00:00")),
        published_from="manifest", language=row["language"], text=row["text"], summary=None,
        text_sha256=sha256_hex(row["text"]), norm_sha256=sha256_hex(text_key(row["text"])),
        word_count=len(row["text"].split()), extractor_version="bench-dedup-scale",
    )


def build(size: int, path: str, plan_path: str) -> dict[str, Any]:
    """S stored articles with signatures and LSH buckets, written in bulk through Arrow."""
    import duckdb
    import numpy as np
    import pyarrow as pa

    from tasks.dedup.minhash import BANDS, NUM_PERM, PREFIX_BANDS, ROWS, Signature, buckets, signature_of, similar
    from tasks.dedup.terms import TOP_TERMS, terms_of
    from tasks.run.write import ARTICLES, TS
    from tasks.warehouse.database import apply_migrations

    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    real = plan["stored"]
    n_syn = size - len(real)
    if n_syn < 0:
        raise ValueError(f"S = {size} is smaller than the {len(real)} real stored articles")
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    rng = np.random.default_rng(SEED + size)

    # Real articles: ids, hashes and signatures as the pipeline makes them.
    real_articles = [make_article(r, "bench-stored") for r in real]
    id_of = {r["id"]: a.article_id for r, a in zip(real, real_articles)}
    real_sigs = [signature_of(a.text) for a in real_articles]
    sig_of = {a.article_id: s for a, s in zip(real_articles, real_sigs)}
    norm_of = {a.article_id: a.norm_sha256 for a in real_articles}
    seconds["real_signatures"] = time.perf_counter() - t0

    t = time.perf_counter()
    syn_ids = [b.hex() for b in np.frombuffer(rng.bytes(8 * n_syn), dtype="S8")]  # 16 hex, like stable_id
    syn_norm = [b.hex() for b in np.frombuffer(rng.bytes(32 * n_syn), dtype="S32")]
    ids = syn_ids + [a.article_id for a in real_articles]
    if len(set(ids)) != size:
        raise RuntimeError("article ids collide")
    end = np.datetime64(FRESH_START.replace(tzinfo=None), "us")
    syn_times = end - np.arange(n_syn, 0, -1, dtype="int64") * np.timedelta64(SYNTHETIC_STEP_S, "s")
    published = pa.concat_arrays([pa.array(syn_times, type=TS), pa.array([a.published_at for a in real_articles], type=TS)])
    links: list[tuple[str | None, float | None, str | None]] = [(None, None, None)] * n_syn  # dup_of, similarity, method
    for r, a in zip(real, real_articles):
        other = id_of.get(r.get("dup_of", ""))
        sim = None if other is None else 1.0 if a.norm_sha256 == norm_of[other] else similar(sig_of[a.article_id], sig_of[other])
        links.append((None, None, None) if sim is None else (other, sim, "exact" if a.norm_sha256 == norm_of[other] else "near"))
    dup_of, dup_sim, dup_method = (list(column) for column in zip(*links))
    now = datetime.now(timezone.utc)
    cols = {
        "article_id": ids, "doc_id": ids, "url": [None] * size, "source": ["bench-synthetic"] * n_syn + [a.source for a in real_articles],
        "outlet": ["synthetic"] * n_syn + [a.outlet for a in real_articles], "title": [None] * size, "author": [None] * size,
        "published_at": published, "published_from": ["manifest"] * size,
        "language": ["ar"] * n_syn + [a.language for a in real_articles],
        "text": ["synthetic"] * n_syn + [a.text for a in real_articles], "summary": [None] * size,
        "text_sha256": syn_norm + [a.text_sha256 for a in real_articles],
        "norm_sha256": syn_norm + [a.norm_sha256 for a in real_articles],
        "word_count": pa.array(np.concatenate([np.full(n_syn, 300, dtype=np.int32), [a.word_count for a in real_articles]]).astype(np.int32)),
        "extractor_version": ["bench-dedup-scale"] * size, "enricher_version": [None] * size,
        "run_id": ["bench-build"] * size, "first_run_id": ["bench-build"] * size,
        "updated_at": pa.array([now] * size, type=TS),
    }
    articles = pa.table({name: cols[name] for name in ARTICLES.names}, schema=ARTICLES)
    for name, values, kind in (("dup_of", dup_of, pa.string()), ("dup_similarity", dup_sim, pa.float64()),
                               ("dup_method", dup_method, pa.string())):
        articles = articles.append_column(name, pa.array(values, kind))

    hashvalues = np.empty((size, NUM_PERM), dtype=np.uint32)
    hashvalues[:n_syn] = rng.integers(0, 2**32, size=(n_syn, NUM_PERM), dtype=np.uint32)
    for i, s in enumerate(real_sigs):
        hashvalues[n_syn + i] = s.hashvalues
    shingles = np.concatenate([rng.integers(60, 900, size=n_syn), [s.shingles for s in real_sigs]]).astype(np.int32)
    prefixes = rng.integers(0, 2**32, size=(n_syn, PREFIX_BANDS * ROWS), dtype=np.uint32)  # opening-words minimums
    blob = pa.FixedSizeBinaryArray.from_buffers(pa.binary(4 * NUM_PERM), size, [None, pa.py_buffer(hashvalues.astype("<u4").tobytes())])
    id_array = pa.array(ids, pa.string())
    # every signature's shingle hashes: random sorted ones, as many as its shingles, for the synthetic
    counts = shingles.astype(np.int64)
    values = np.sort(rng.integers(0, 2**32, size=int(counts[:n_syn].sum()), dtype=np.uint32))  # sorted whole: each slice sorted
    real_values = np.concatenate([s.shingle_hashes.astype(np.uint32) for s in real_sigs]) if real_sigs else np.empty(0, np.uint32)
    for i, sig in enumerate(real_sigs):
        counts[n_syn + i] = len(sig.shingle_hashes)
    offsets = np.concatenate([[0], np.cumsum(counts * 4)]).astype(np.int64)
    data = pa.py_buffer(np.concatenate([values, real_values]).astype("<u4").tobytes())
    shingle_blobs = pa.LargeBinaryArray.from_buffers(pa.large_binary(), size, [None, pa.py_buffer(offsets.tobytes()), data])
    minhash = pa.table({"article_id": id_array, "signature": blob.cast(pa.binary()), "shingles": pa.array(shingles),
                        "run_id": pa.array(["bench-build"] * size), "shingle_hashes": shingle_blobs})
    seconds["arrow_articles_minhash"] = time.perf_counter() - t

    t = time.perf_counter()
    ranks = np.minimum(rng.zipf(1.1, size=(n_syn, TOP_TERMS)), VOCABULARY) - 1
    weights = rng.random((n_syn, TOP_TERMS)) + 0.1
    weights /= np.sqrt((weights ** 2).sum(axis=1, keepdims=True))
    real_terms = [terms_of(a.text, a.title) for a in real_articles]
    per_term = np.concatenate([np.full(n_syn, TOP_TERMS), [len(t) for t in real_terms]]).astype(np.int64)
    vocabulary = pa.array([f"t{k:05d}" for k in range(VOCABULARY)] + sorted({w for t in real_terms for w in t}))
    index_of = {w: i for i, w in enumerate(vocabulary.to_pylist())}
    term_index = np.concatenate([ranks.ravel(), [index_of[w] for t in real_terms for w in t]]).astype(np.int32)
    term_rows = pa.array(np.repeat(np.arange(size, dtype=np.int64), per_term))
    terms = pa.table({
        "article_id": id_array.take(term_rows), "published_at": published.take(term_rows),
        "term": pa.DictionaryArray.from_arrays(pa.array(term_index), vocabulary).cast(pa.string()),
        "weight": pa.array(np.concatenate([weights.ravel(), [w for t in real_terms for w in t.values()]]))})
    # a synthetic article names a term twice at most once: duplicates of a (article, term) pair are dropped
    terms = terms.group_by(["article_id", "published_at", "term"]).aggregate([("weight", "max")]).rename_columns(
        ["article_id", "published_at", "term", "weight"]).sort_by("published_at")  # stored in the order written
    seconds["arrow_terms"] = time.perf_counter() - t

    t = time.perf_counter()
    width = BANDS + PREFIX_BANDS
    bucket_values = np.zeros((size, width), dtype=np.uint64)
    per_article = np.empty(size, dtype=np.int64)
    for i in range(size):  # the project's own function, one signature at a time (about 20 us each)
        sig = Signature(hashvalues[i], int(shingles[i]), prefixes[i]) if i < n_syn else real_sigs[i - n_syn]
        found = buckets(sig)
        bucket_values[i, : len(found)] = found
        per_article[i] = len(found)
    seconds["buckets"] = time.perf_counter() - t
    t = time.perf_counter()
    lsh = pa.table({"bucket": pa.array(bucket_values[np.arange(width) < per_article[:, None]], pa.uint64()),
                    "article_id": id_array.take(pa.array(np.repeat(np.arange(size, dtype=np.int64), per_article)))})
    seconds["arrow_buckets"] = time.perf_counter() - t

    sizes: dict[str, int] = {}
    with duckdb.connect(path) as con:
        con.execute("SET TimeZone = 'UTC'")
        apply_migrations(con)
        con.execute("CHECKPOINT")
        sizes["migrated"] = file_bytes(path)
        for name, table in (("articles", articles), ("minhash", minhash), ("lsh_buckets", lsh), ("article_terms", terms)):
            t = time.perf_counter()
            con.register("bulk", table)
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM bulk")
            con.unregister("bulk")
            con.execute("CHECKPOINT")
            seconds[f"insert_{name}"] = time.perf_counter() - t
            sizes[f"after_{name}"] = file_bytes(path)
        counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                  for name in ("articles", "minhash", "lsh_buckets", "article_terms")}
        counts["stored_duplicates"] = con.execute("SELECT count(*) FROM articles WHERE dup_of IS NOT NULL").fetchone()[0]
    seconds["total"] = time.perf_counter() - t0
    return {"size": size, "synthetic": n_syn, "real": len(real), "seconds": seconds, "bytes": sizes, "counts": counts,
            "peak_rss_mb": peak_rss_mb()}


_WS = re.compile(r"\s+")


class TimedConnection:
    """A DuckDB connection whose statements (execute, and the fetch after it) are timed per (phase, statement);
    the phase is the innermost function the clock is timing."""

    def __init__(self, con, clock: Clock):
        self._con, self._clock, self._key = con, clock, ("", "")
        self.sql: dict[tuple[str, str], float] = defaultdict(float)

    def _timed(self, name: str, *args):
        start = time.perf_counter()
        try:
            return getattr(self._con, name)(*args)
        finally:
            self.sql[self._key] += time.perf_counter() - start

    def execute(self, sql: str, *params):
        self._key = (self._clock.phase[-1], _WS.sub(" ", sql).strip()[:110])
        self._timed("execute", sql, *params)
        return self

    def fetchall(self):
        return self._timed("fetchall")

    def fetchone(self):
        return self._timed("fetchone")

    def __getattr__(self, name):
        return getattr(self._con, name)


_PHASES = ("store_signatures", "term_neighbours", "link_duplicates", "near_links", "contained_links", "assign_stories")


def measure(size: int, path: str, plan_path: str) -> dict[str, Any]:
    """The plan's batches through signature_of + write_batch, the dedup functions timed inside it."""
    import duckdb

    import tasks.dedup.duplicates
    import tasks.run.write
    from tasks.dedup.minhash import signature_of
    from tasks.dedup.terms import terms_of
    from tasks.run.write import Enrichment, write_batch
    from tasks.warehouse.database import Warehouse

    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    warehouse = Warehouse(path)
    clock = Clock(outer="write_batch")  # this process only: it ends with the measurement
    clock.wrap(tasks.run.write, "store_signatures")
    clock.wrap(tasks.run.write, "link_duplicates")
    clock.wrap(tasks.dedup.duplicates, "_near_links", "near_links")
    clock.wrap(tasks.dedup.duplicates, "_contained_links", "contained_links")
    clock.wrap(tasks.run.write, "term_neighbours")
    clock.wrap(tasks.run.write, "assign_stories")
    rss_start = peak_rss_mb()
    batches = []
    memory: dict[str, int] = {}
    expected: dict[str, tuple[str | None, str | None]] = {}
    signature_of("warm up the hash functions")
    for number, rows in enumerate(plan["batches"]):
        arts = [make_article(r, "bench-new") for r in rows]
        stored_id = {r["expect_dup_of"]: make_article({**r, "id": r["expect_dup_of"]}, "bench-stored").article_id
                     for r in rows if r.get("expect_dup_of")}
        for r, a in zip(rows, arts):
            expected[a.article_id] = (r["planted"], stored_id.get(r.get("expect_dup_of")))
        start = time.perf_counter()
        sigs = {a.article_id: signature_of(a.text) for a in arts}
        terms = {a.article_id: terms_of(a.text, a.title) for a in arts}
        sig_seconds = time.perf_counter() - start
        clock.take()
        start = time.perf_counter()
        with warehouse.connect() as con:
            connected = time.perf_counter()
            timed = TimedConnection(con, clock)
            result = write_batch(timed, f"bench-batch-{number}", [], arts, [], [], None, Enrichment(signatures=sigs, terms=terms))
            done = time.perf_counter()
            if number == len(plan["batches"]) - 1:
                memory = dict(con.execute(
                    "SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0").fetchall())
        closed = time.perf_counter()
        phases = clock.take()
        sql_by_phase: dict[str, float] = defaultdict(float)
        for (phase, _), secs in timed.sql.items():
            sql_by_phase[phase] += secs
        batches.append({
            "articles": len(arts), "signature_of": sig_seconds, "connect": connected - start,
            "write_batch": done - connected, "close": closed - done,
            **{k: phases.get(k, 0.0) for k in _PHASES},
            "dedup": sum(phases.get(k, 0.0) for k in ("store_signatures", "term_neighbours", "link_duplicates")),
            "sql_by_phase": dict(sql_by_phase),
            "sql": [{"phase": p, "sql": s, "seconds": v} for (p, s), v in sorted(timed.sql.items(), key=lambda kv: -kv[1])],
            "duplicates": result.articles_duplicate, "new": result.articles_new,
        })
    peak = peak_rss_mb()
    with duckdb.connect(path, read_only=True) as con:
        found = {a: (d, m) for a, d, m in con.execute(
            "SELECT article_id, dup_of, dup_method FROM articles WHERE source = 'bench-new'").fetchall()}
        total_rows = {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in ("articles", "minhash", "lsh_buckets")}
    check: dict[str, int] = defaultdict(int)
    for aid, (planted, want) in expected.items():
        dup, method = found.get(aid, (None, None))
        if planted is None:
            check["fresh_linked"] += dup is not None
        else:
            check[f"{planted}_planted"] += 1
            check[f"{planted}_linked"] += dup is not None
            check[f"{planted}_linked_to_stored_original"] += dup == want
            check[f"{planted}_as_{method}"] += dup is not None
    return {"size": size, "batches": batches, "peak_rss_mb": peak, "rss_after_imports_mb": rss_start,
            "duckdb_memory_bytes": memory, "file_bytes_after": file_bytes(path), "rows_after": total_rows,
            "duplicates_check": dict(check)}


def summarize(m: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    batches = m["batches"]
    index_bytes = b["bytes"]["after_lsh_buckets"] - b["bytes"]["after_articles"]
    sql: dict[tuple[str, str], list[float]] = defaultdict(list)
    for batch in batches:
        for row in batch["sql"]:
            sql[(row["phase"], row["sql"])].append(row["seconds"] / batch["articles"] * 1000)
    sql_median = sorted(({"phase": p, "sql": s, "ms_per_article": statistics.median(v + [0.0] * (len(batches) - len(v)))}
                         for (p, s), v in sql.items()), key=lambda r: -r["ms_per_article"])
    dedup_sql = [sum(x["sql_by_phase"].get(p, 0.0) for p in ("store_signatures", "term_neighbours", "link_duplicates",
                                                               "near_links", "contained_links"))
                 / x["articles"] * 1000 for x in batches]
    near_sql = [x["sql_by_phase"].get("near_links", 0) / x["articles"] * 1000 for x in batches]
    return {
        "stored": b["size"],
        "ms_per_article": {k: statistics.median(x[k] / x["articles"] * 1000 for x in batches) for k in
                           ("signature_of", *_PHASES, "dedup", "write_batch", "connect")},
        "ms_per_article_dedup_sql": statistics.median(dedup_sql),
        "ms_per_article_dedup_python": statistics.median(
            x["dedup"] / x["articles"] * 1000 - d for x, d in zip(batches, dedup_sql)),
        "ms_per_article_near_links_python": statistics.median(
            x["near_links"] / x["articles"] * 1000 - n for x, n in zip(batches, near_sql)),
        "dedup_ms_per_article_each_batch": [round(x["dedup"] / x["articles"] * 1000, 3) for x in batches],
        "sql_ms_per_article": sql_median,
        "peak_rss_mb": m["peak_rss_mb"],
        "rss_after_imports_mb": m["rss_after_imports_mb"],
        "build_peak_rss_mb": b["peak_rss_mb"],
        "file_mb": b["bytes"]["after_article_terms"] / 1e6,
        "file_mb_after_batches": m["file_bytes_after"] / 1e6,
        "minhash_mb": (b["bytes"]["after_minhash"] - b["bytes"]["after_articles"]) / 1e6,
        "lsh_buckets_mb": (b["bytes"]["after_lsh_buckets"] - b["bytes"]["after_minhash"]) / 1e6,
        "article_terms_mb": (b["bytes"]["after_article_terms"] - b["bytes"]["after_lsh_buckets"]) / 1e6,
        "index_mb_per_1m_signatures": index_bytes / 1e6 / b["size"] * 1e6,
        "build_seconds": b["seconds"]["total"],
        "duplicates_check": m["duplicates_check"],
    }


def show(report: dict[str, Any]) -> None:
    print(f"commit {report['commit']}; {report['batches']} batches of {report['batch_size']} per S; "
          f"{report['machine']['nproc']} cores; DuckDB {report['duckdb']}; Python {report['python']}; "
          f"{report['total_seconds']:.0f} s in all")
    rows = []
    for s in report["summary"]:
        ms, chk = s["ms_per_article"], s["duplicates_check"]
        found, planted = (chk.get(f"near_{k}", 0) + chk.get(f"exact_{k}", 0) for k in ("linked", "planted"))
        rows.append([s["stored"], s["build_seconds"], *(ms[k] for k in ("signature_of", "store_signatures", "term_neighbours",
                     "link_duplicates", "near_links", "contained_links", "dedup", "assign_stories", "write_batch")),
                     s["peak_rss_mb"], s["file_mb"], s["index_mb_per_1m_signatures"], f"{found}/{planted}"])
    print_table(["stored S", "build s", "sig+terms ms/a", "store ms/a", "terms join ms/a", "link ms/a", "(near)", "(contained)",
                 "dedup ms/a", "stories ms/a", "write ms/a", "peak RSS MB", "file MB", "index MB/1M", "dups found/planted"], rows,
                ["", ".1f", ".2f", ".2f", ".2f", ".2f", ".2f", ".2f", ".2f", ".2f", ".2f", ".0f", ".1f", ".0f"])
    for name, value in report["growth"].items():
        print(f"dedup ms/article growth {name}: {value:.2f}x")
    big = report["summary"][-1]
    print(f"where the dedup time goes at S = {big['stored']} (median ms per article; SQL {big['ms_per_article_dedup_sql']:.2f},"
          f" Python {big['ms_per_article_dedup_python']:.2f}):")
    print_table(["ms/a", "phase", "statement"], [(r["ms_per_article"], r["phase"], r["sql"]) for r in big["sql_ms_per_article"][:10]],
                [".3f"])


def _short(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def run(sizes: list[int], out: Path, batches: int) -> dict[str, Any]:
    import duckdb

    start = time.perf_counter()
    plan = plan_corpus(batches, BATCH_SIZE)
    plan_seconds = time.perf_counter() - start
    results = []
    with tempfile.TemporaryDirectory(prefix="akhbar-dedup-scale-") as tmp:
        plan_path = str(Path(tmp) / "plan.json")
        Path(plan_path).write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        for size in sizes:
            path = str(Path(tmp) / f"s{size}.duckdb")
            built = in_fresh_process(build, size, path, plan_path)
            start_sync = time.perf_counter()
            os.sync()  # the build's dirty pages reach the disk before the clock starts, not during the batches
            built["sync_seconds"] = time.perf_counter() - start_sync
            print(f"S = {size}: built in {built['seconds']['total']:.1f} s ("
                  + ", ".join(f"{k} {v:.1f}" for k, v in built["seconds"].items() if k != "total")
                  + f"), sync {built['sync_seconds']:.1f} s", flush=True)
            measured = in_fresh_process(measure, size, path, plan_path)
            results.append({"build": built, "measure": measured, "summary": summarize(measured, built)})
            for p in (path, path + ".wal", path + ".lock"):
                if os.path.exists(p):
                    os.remove(p)
    summary = [r["summary"] for r in results]
    by_size = dict(sorted((s["stored"], s["ms_per_article"]["dedup"]) for s in summary))
    growth = {f"{_short(b)}/{_short(a)}": by_size[b] / by_size[a] for a, b in zip(by_size, list(by_size)[1:])}
    report = {
        "sizes": sizes, "batches": batches, "batch_size": BATCH_SIZE, "summary": summary, "growth": growth,
        "corpus": plan["counts"], "planted_per_batch": PER_BATCH, "plan_seconds": plan_seconds,
        "total_seconds": time.perf_counter() - start, "duckdb": duckdb.__version__, "runs": results,
    }
    show(write_results(out, report))
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="stored signatures, comma-separated (default %(default)s)")
    parser.add_argument("--batches", type=int, default=5, help="batches of 200 new articles per size (default %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "dedup_scale.json")
    args = parser.parse_args(argv)
    run([int(s) for s in args.sizes.split(",")], args.out, args.batches)


if __name__ == "__main__":
    main()
