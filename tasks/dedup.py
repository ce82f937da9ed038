"""Exact duplicates across articles, by normalized-text hash. Every copy keeps its row; `dup_of` points
each copy at the group's canonical article: the earliest published (then the smallest id)."""
from __future__ import annotations

import duckdb


def mark_exact_duplicates(con: duckdb.DuckDBPyConnection, norm_hashes: list[str]) -> None:
    """Recompute `dup_of` for every article whose normalized-text hash is in `norm_hashes`."""
    if not norm_hashes:
        return
    con.execute(
        """
        UPDATE articles SET dup_of = g.canon
        FROM (
            SELECT article_id,
                   CASE WHEN canon = article_id THEN NULL ELSE canon END AS canon
            FROM (
                SELECT article_id,
                       first_value(article_id) OVER (
                           PARTITION BY norm_sha256 ORDER BY published_at ASC NULLS LAST, article_id) AS canon
                FROM articles WHERE norm_sha256 IN (SELECT unnest(?::VARCHAR[]))
            )
        ) g
        WHERE articles.article_id = g.article_id AND articles.dup_of IS DISTINCT FROM g.canon
        """,
        [sorted(set(norm_hashes))],
    )
