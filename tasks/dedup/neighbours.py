"""The articles a batch's articles share vocabulary with: one join of the batch's salient terms
(tasks.dedup.terms) with every stored article's (`article_terms`, the batch's own included) within
WINDOW_DAYS of the batch, kept where the dot product of the two term vectors reaches a floor. Stories
(tasks.dedup.stories) take their candidates from it, and so do copies that MinHash's bands miss
(tasks.dedup.duplicates): a copy shares its source's vocabulary whatever its lead or cuts."""
from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pyarrow as pa

from tasks.warehouse.database import arrow_table

WINDOW_DAYS = 3
ROUNDING = 1e-9  # a dot product summed in another order differs from `cosine`'s by far less
_BATCH_TERMS = pa.schema([("batch_id", pa.string()), ("term", pa.string()), ("weight", pa.float64())])

# batch article -> [(other article, dot product of their terms)], others in id order
Neighbours = dict[str, list[tuple[str, float]]]


def windows(dates: list[datetime], days: int = WINDOW_DAYS) -> list[tuple[datetime, datetime]]:
    """The dates' ±days windows, overlapping ones merged."""
    merged: list[list[datetime]] = []
    for day in sorted(dates):
        lo, hi = day - timedelta(days=days), day + timedelta(days=days)
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


def term_neighbours(con: duckdb.DuckDBPyConnection, terms: dict[str, dict[str, float]],
                    dates: list[datetime], floor: float) -> Neighbours:
    """For each batch article with `terms`, the stored articles (other batch articles included, once their
    terms are stored) published within WINDOW_DAYS of any of `dates` whose terms' dot product with its own
    reaches `floor`. Any other article scores below it: the cost grows with the articles that share the
    batch's terms, not with all of a crowded window's. One query."""
    spans = windows(dates)
    if not spans or not terms:
        return {}
    con.register("batch_terms", arrow_table([{"batch_id": a, "term": t, "weight": w} for a, ts in terms.items()
                                             for t, w in ts.items()], _BATCH_TERMS))
    # on the terms' own dates (migration 011), within the span of all windows too: DuckDB pushes that range,
    # not the windows' OR, into the scan, and skips the row groups outside it by their zone maps
    where = " OR ".join("t.published_at BETWEEN ? AND ?" for _ in spans)
    try:
        rows = con.execute(
            "SELECT b.batch_id, t.article_id, sum(b.weight * t.weight) FROM batch_terms b JOIN article_terms t USING (term)"
            f" WHERE t.article_id <> b.batch_id AND t.published_at BETWEEN ? AND ? AND ({where})"
            " GROUP BY b.batch_id, t.article_id HAVING sum(b.weight * t.weight) >= ? ORDER BY 1, 2",
            [spans[0][0], spans[-1][1], *(bound for span in spans for bound in span), floor - ROUNDING]).fetchall()
    finally:
        con.unregister("batch_terms")
    found: Neighbours = {}
    for batch_id, other_id, dot in rows:
        found.setdefault(batch_id, []).append((other_id, dot))
    return found
