"""Duplicates across articles, across runs. Links: exact (same normalized-text hash) and near (MinHash
LSH candidates confirmed by tasks.neardup.similar). Linked articles form a group; every member keeps its
row and `dup_of` points at the group's canonical article: the earliest published (then the smallest id).
A new, earlier copy takes the canonical place and the group is re-pointed."""
from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

from tasks.neardup import Signature, buckets, similar
from tasks.warehouse import arrow_table

_SIG = pa.schema([("article_id", pa.string()), ("signature", pa.binary()), ("shingles", pa.int32()), ("run_id", pa.string())])
_BUCKETS = pa.schema([("bucket", pa.uint64()), ("article_id", pa.string())])
_LINKS = pa.schema([("article_id", pa.string()), ("dup_of", pa.string()), ("dup_similarity", pa.float64()), ("dup_method", pa.string())])


def store_signatures(con: duckdb.DuckDBPyConnection, run_id: str, signatures: dict[str, Signature]) -> None:
    """Replace the signatures and LSH buckets of these articles."""
    ids = list(signatures)
    if not ids:
        return
    con.execute("DELETE FROM minhash WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    con.execute("DELETE FROM lsh_buckets WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
    sig_rows = [{"article_id": a, "signature": s.to_bytes(), "shingles": s.shingles, "run_id": run_id} for a, s in signatures.items()]
    bucket_rows = [{"bucket": b, "article_id": a} for a, s in signatures.items() for b in buckets(s)]
    con.register("batch_sigs", arrow_table(sig_rows, _SIG))
    con.register("batch_buckets", arrow_table(bucket_rows, _BUCKETS))
    con.execute("INSERT INTO minhash BY NAME SELECT * FROM batch_sigs")
    con.execute("INSERT INTO lsh_buckets BY NAME SELECT * FROM batch_buckets")
    con.unregister("batch_sigs")
    con.unregister("batch_buckets")


def _near_links(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[tuple[str, str, float]]:
    """(new, other, similarity) for the batch's LSH candidates, earlier runs included, that hold up."""
    pairs = con.execute(
        "SELECT DISTINCT q.article_id, b.article_id FROM lsh_buckets q JOIN lsh_buckets b USING (bucket)"
        " WHERE q.article_id IN (SELECT unnest(?::VARCHAR[])) AND b.article_id <> q.article_id", [ids]
    ).fetchall()
    if not pairs:
        return []
    involved = sorted({x for p in pairs for x in p})
    sigs = {
        a: Signature.from_bytes(blob, n)
        for a, blob, n in con.execute(
            "SELECT article_id, signature, shingles FROM minhash WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [involved]
        ).fetchall()
    }
    links = []
    for new, other in pairs:
        if new in sigs and other in sigs:
            sim = similar(sigs[new], sigs[other])
            if sim is not None:
                links.append((new, other, sim))
    return links


def link_duplicates(con: duckdb.DuckDBPyConnection, ids: list[str]) -> int:
    """Re-group the batch's articles (`ids`) with their copies; return how many of them are copies."""
    if not ids:
        return 0
    batch_ids = ids
    # Copies that pointed at a batch article are linked afresh too: that article's text may have changed.
    ids = sorted(set(ids) | {r[0] for r in con.execute(
        "SELECT article_id FROM articles WHERE dup_of IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall()})
    links: list[tuple[str, str, float, str]] = [
        (a, b, 1.0, "exact")
        for a, b in con.execute(
            "SELECT a.article_id, b.article_id FROM articles a JOIN articles b"
            " ON a.norm_sha256 = b.norm_sha256 AND a.article_id <> b.article_id"
            " WHERE a.article_id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall()
    ]
    exact = {(a, b) for a, b, _, _ in links}
    links += [(a, b, s, "near") for a, b, s in _near_links(con, ids) if (a, b) not in exact]
    batch = set(ids)
    # Old pointers of the batch's articles are dropped (their text may have changed); everyone else's stay.
    linked = sorted(batch | {b for _, b, _, _ in links})
    canons = sorted({r[0] for r in con.execute(
        "SELECT coalesce(dup_of, article_id) FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [linked]
    ).fetchall()} | set(linked))
    rows = con.execute(
        "SELECT article_id, dup_of, published_at, dup_similarity, dup_method FROM articles"
        " WHERE article_id IN (SELECT unnest(?::VARCHAR[])) OR dup_of IN (SELECT unnest(?::VARCHAR[]))",
        [canons, canons],
    ).fetchall()
    info = {r[0]: r for r in rows}
    parent = {a: a for a in info}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        if a in parent and b in parent:
            parent[find(a)] = find(b)

    for a, (_, dup_of, *_rest) in info.items():
        if dup_of and a not in batch and dup_of in parent:
            union(a, dup_of)
    best: dict[str, tuple[float, str]] = {}
    for a, b, sim, method in links:
        union(a, b)
        for x in (a, b):  # every article a link touches, so a former canonical gets its link's similarity
            if sim >= best.get(x, (-1.0, ""))[0]:
                best[x] = (sim, method)
    groups: dict[str, list[str]] = {}
    for a in info:
        groups.setdefault(find(a), []).append(a)
    far = datetime.max.replace(tzinfo=None)
    updates = []
    for members in groups.values():
        canon = min(members, key=lambda m: (info[m][2] is None, (info[m][2].replace(tzinfo=None) if info[m][2] else far), m))
        for m in members:
            _, dup_of, _, old_sim, old_method = info[m]
            want = None if m == canon or len(members) == 1 else canon
            sim, method = (best.get(m, (old_sim, old_method)) if want else (None, None))
            if (want, sim, method) != (dup_of, old_sim, old_method):
                updates.append({"article_id": m, "dup_of": want, "dup_similarity": sim, "dup_method": method})
    if updates:
        con.register("dup_updates", arrow_table(updates, _LINKS))
        con.execute(
            "UPDATE articles SET dup_of = u.dup_of, dup_similarity = u.dup_similarity, dup_method = u.dup_method"
            " FROM dup_updates u WHERE articles.article_id = u.article_id"
        )
        con.unregister("dup_updates")
    return con.execute(
        "SELECT count(*) FROM articles WHERE dup_of IS NOT NULL AND article_id IN (SELECT unnest(?::VARCHAR[]))", [batch_ids]
    ).fetchone()[0]
