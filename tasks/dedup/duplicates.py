"""Duplicates across articles, across runs. Links: exact (same normalized-text hash), near (MinHash
LSH candidates confirmed by tasks.dedup.minhash.similar, a batch's all at once: similar_pairs) and
contained (articles that share the batch article's vocabulary, tasks.dedup.neighbours, holding
CONTAINED_MIN of the smaller one's shingles: a wire report another newsroom re-led, trimmed or reworded,
which the bands of MinHash seldom bring together and its estimate cannot tell from two reports of one
happening written apart; docs/dedup.md). Linked articles
form a group; every member keeps its row and `dup_of` points at the group's canonical article: the
earliest published (then the smallest id). A new, earlier copy takes the canonical place and the group
is re-pointed."""
from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from tasks.dedup.minhash import MIN_SHINGLES, Signature, buckets, contained, hashes_from_bytes, similar_pairs
from tasks.dedup.neighbours import Neighbours
from tasks.warehouse.database import SPLIT_IDS, arrow_table, id_list, id_set, split_ids, wide_rows

_SIG = pa.schema([("article_id", pa.string()), ("signature", pa.binary()), ("shingles", pa.int32()), ("run_id", pa.string()),
                  ("shingle_hashes", pa.binary())])
CONTAINED_MIN = 0.60  # exact share of the smaller text's shingles in the other: a copy (docs/dedup.md)
CONTAINED_TERMS_MIN = 0.35  # the terms' dot product a pair needs to be checked for it
_BUCKETS = pa.schema([("bucket", pa.uint64()), ("article_id", pa.string())])
_LINKS = pa.schema([("article_id", pa.string()), ("dup_of", pa.string()), ("dup_similarity", pa.float64()), ("dup_method", pa.string())])


def store_signatures(con: duckdb.DuckDBPyConnection, run_id: str, signatures: dict[str, Signature]) -> dict[str, list[int]]:
    """Replace the signatures and LSH buckets of these articles; return each article's buckets."""
    ids = list(signatures)
    if not ids:
        return {}
    # New articles, the normal case, have nothing to delete: look their ids up first (one column of minhash),
    # so that the two DELETEs (full scans of minhash and of the far larger lsh_buckets) run only for
    # re-extracted ones.
    among, params = id_list(ids)
    stored = [r[0] for r in con.execute(f"SELECT article_id FROM minhash WHERE article_id IN {among}", params).fetchall()]
    if stored:
        among, params = id_list(stored)
        con.execute(f"DELETE FROM minhash WHERE article_id IN {among}", params)
        con.execute(f"DELETE FROM lsh_buckets WHERE article_id IN {SPLIT_IDS}", split_ids(stored))
    by_article = {a: buckets(s) for a, s in signatures.items()}
    sig_rows = [{"article_id": a, "signature": s.to_bytes(), "shingles": s.shingles, "run_id": run_id,
                 "shingle_hashes": s.shingle_bytes()} for a, s in signatures.items()]
    bucket_rows = [{"bucket": b, "article_id": a} for a, bs in by_article.items() for b in bs]
    con.register("batch_sigs", arrow_table(sig_rows, _SIG))
    con.register("batch_buckets", arrow_table(bucket_rows, _BUCKETS))
    con.execute("INSERT INTO minhash BY NAME SELECT * FROM batch_sigs")
    con.execute("INSERT INTO lsh_buckets BY NAME SELECT * FROM batch_buckets")
    con.unregister("batch_sigs")
    con.unregister("batch_buckets")
    return by_article


def _near_links(con: duckdb.DuckDBPyConnection, ids: list[str], known: dict[str, list[int]]) -> list[tuple[str, str, float]]:
    """(new, other, similarity) for the batch's LSH candidates, earlier runs included, that hold up.
    `known` holds the buckets already computed for (some of) `ids`; the others' are read back."""
    probe = [{"bucket": b, "article_id": a} for a in ids if a in known for b in known[a]]
    missing = [a for a in ids if a not in known]
    if missing:  # copies re-linked because they pointed at a batch article: rare, a scan of lsh_buckets
        probe += [{"bucket": b, "article_id": a} for b, a in con.execute(
            f"SELECT bucket, article_id FROM lsh_buckets WHERE article_id IN {SPLIT_IDS}", split_ids(missing)).fetchall()]
    if not probe:
        return []
    # One scan of lsh_buckets, probed with the batch's buckets. Copied into a temporary table first: a join
    # against the Arrow table itself pushes a UBIGINT filter into the Arrow scan, which overflows pyarrow's
    # int64 conversion (DuckDB 1.5.5, "Python int too large to convert to C long").
    con.register("probe_arrow", arrow_table(probe, _BUCKETS))
    con.execute("CREATE OR REPLACE TEMP TABLE probe_buckets AS SELECT * FROM probe_arrow")
    con.unregister("probe_arrow")
    try:
        pairs = con.execute(
            "SELECT DISTINCT q.article_id, b.article_id FROM probe_buckets q JOIN lsh_buckets b USING (bucket)"
            " WHERE b.article_id <> q.article_id ORDER BY 1, 2"
        ).fetchall()
    finally:
        con.execute("DROP TABLE probe_buckets")
    if not pairs:
        return []
    stored = wide_rows(con, "minhash", [x for p in pairs for x in p], "signature, shingles")
    row = {a: i for i, (a, _, _) in enumerate(stored)}
    pairs = [(new, other) for new, other in pairs if new in row and other in row]
    if not pairs:
        return []
    hashvalues = np.frombuffer(b"".join(blob for _, blob, _ in stored), dtype="<u4").reshape(len(stored), -1)
    shingles = np.array([n for _, _, n in stored], dtype=np.int64)
    sims = similar_pairs(hashvalues.astype(np.uint32), shingles, np.array([row[a] for a, _ in pairs]),
                         np.array([row[b] for _, b in pairs]))
    values = sims.tolist()
    return [(*pairs[k], values[k]) for k in np.flatnonzero(~np.isnan(sims)).tolist()]


def _contained_links(con: duckdb.DuckDBPyConnection, neighbours: Neighbours, linked: set[tuple[str, str]]
                     ) -> list[tuple[str, str, float]]:
    """(batch article, other, containment) for the term neighbours at CONTAINED_TERMS_MIN or more that no
    other link joins and whose stored shingles (both texts of MIN_SHINGLES or more) hold CONTAINED_MIN."""
    pairs = sorted({(a, o) for a, found in neighbours.items() for o, dot in found
                    if dot >= CONTAINED_TERMS_MIN and (a, o) not in linked and (o, a) not in linked})
    if not pairs:
        return []
    hashes = {a: hashes_from_bytes(h) for a, h in wide_rows(con, "minhash", [x for p in pairs for x in p], "shingle_hashes")
              if h is not None}
    found = []
    for a, o in pairs:
        if a in hashes and o in hashes and min(len(hashes[a]), len(hashes[o])) >= MIN_SHINGLES:
            share = contained(hashes[a], hashes[o])
            if share >= CONTAINED_MIN:
                found.append((a, o, share))
    return found


def link_duplicates(con: duckdb.DuckDBPyConnection, ids: list[str], known_buckets: dict[str, list[int]] | None = None,
                    neighbours: Neighbours | None = None) -> int:
    """Re-group the batch's articles (`ids`) with their copies; return how many of them are copies.
    `known_buckets` (from store_signatures) spares reading the batch's own LSH buckets back; `neighbours`
    (tasks.dedup.neighbours, at a floor of CONTAINED_TERMS_MIN or less) are checked for contained copies."""
    if not ids:
        return 0
    batch_ids = ids
    # Copies that pointed at a batch article are linked afresh too: that article's text may have changed.
    ids = sorted(set(ids) | {r[0] for r in con.execute(
        f"SELECT article_id FROM articles WHERE dup_of IN {SPLIT_IDS}", split_ids(ids)).fetchall()})
    with id_set(con, ids) as (among, params):
        hashes = sorted({r[0] for r in con.execute(
            f"SELECT norm_sha256 FROM articles WHERE article_id IN {among}", params).fetchall() if r[0]})
    links: list[tuple[str, str, float, str]] = []
    if hashes:
        same_text: dict[str, list[str]] = {}
        with id_set(con, hashes) as (among, params):
            for a, h in con.execute(f"SELECT article_id, norm_sha256 FROM articles WHERE norm_sha256 IN {among}", params).fetchall():
                same_text.setdefault(h, []).append(a)
        wanted = set(ids)
        links = [(a, b, 1.0, "exact") for group in same_text.values() for a in sorted(group) if a in wanted
                 for b in sorted(group) if b != a]
    exact = {(a, b) for a, b, _, _ in links}
    links += [(a, b, s, "near") for a, b, s in _near_links(con, ids, known_buckets or {}) if (a, b) not in exact]
    if neighbours:
        links += [(a, b, s, "contained") for a, b, s in _contained_links(con, neighbours, {(a, b) for a, b, _, _ in links})]
    batch = set(ids)
    # Old pointers of the batch's articles are dropped (their text may have changed); everyone else's stay.
    linked = sorted(batch | {b for _, b, _, _ in links})
    with id_set(con, linked) as (among, params):
        canons = sorted({r[0] for r in con.execute(
            f"SELECT coalesce(dup_of, article_id) FROM articles WHERE article_id IN {among}", params).fetchall()} | set(linked))
    columns = "article_id, dup_of, epoch_us(published_at), dup_similarity, dup_method"  # an instant as a number
    with id_set(con, canons) as (among, params):
        rows = con.execute(f"SELECT {columns} FROM articles WHERE article_id IN {among}", params).fetchall()
        rows += con.execute(f"SELECT {columns} FROM articles WHERE dup_of IN {among} AND NOT article_id IN {among}",
                            params + params).fetchall()
    info = {r[0]: r for r in rows}
    # Groups: union-find over the stored pointers (kept unless the article is in the batch) and the links.
    parent = {a: a for a in info}
    for a, (_, dup_of, *_rest) in info.items():
        if dup_of and a not in batch and dup_of in parent:
            parent[a] = dup_of  # `a` is still a root here: the same groups as a union

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    best: dict[str, tuple[float, str]] = {}
    no_link = (-1.0, "")
    for a, b, sim, method in links:
        if a in parent and b in parent:
            root_a, root_b = find(a), find(b)
            if root_a != root_b:
                parent[root_a] = root_b
        # every article a link touches, so that a former canonical gets its link's similarity
        if sim >= best.get(a, no_link)[0]:
            best[a] = (sim, method)
        if sim >= best.get(b, no_link)[0]:
            best[b] = (sim, method)
    groups: dict[str, list[str]] = {}
    for a in info:
        groups.setdefault(find(a), []).append(a)
    updates = []
    for members in groups.values():
        # the earliest published (undated ones last), then the smallest id
        canon = min(members, key=lambda m: (info[m][2] is None, info[m][2] or 0, m))
        for m in members:
            _, dup_of, _, old_sim, old_method = info[m]
            want = None if m == canon or len(members) == 1 else canon
            sim, method = (best.get(m, (old_sim, old_method)) if want else (None, None))
            if want and m not in batch and old_sim is not None and old_sim >= sim:
                sim, method = old_sim, old_method  # its text is unchanged: the link it had still holds, and is better
            if (want, sim, method) != (dup_of, old_sim, old_method):
                updates.append({"article_id": m, "dup_of": want, "dup_similarity": sim, "dup_method": method})
    if updates:
        con.register("dup_updates", arrow_table(updates, _LINKS))
        con.execute(
            "UPDATE articles SET dup_of = u.dup_of, dup_similarity = u.dup_similarity, dup_method = u.dup_method"
            " FROM dup_updates u WHERE articles.article_id = u.article_id"
        )
        con.unregister("dup_updates")
    among, params = id_list(batch_ids)
    return con.execute(f"SELECT count(*) FROM articles WHERE dup_of IS NOT NULL AND article_id IN {among}", params).fetchone()[0]
