"""Stories: articles about one happening share a `story_id`. Incremental: a new article joins the story
of its most similar article published within STORY_DAYS of it (cosine of salient terms, tasks.terms),
or starts a story of its own. A copy (dup_of) is in its canonical's story. Thresholds: docs/dedup.md."""
from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pyarrow as pa

from tasks.terms import cosine
from tasks.warehouse import arrow_table, utcnow

STORY_DAYS = 3
STORY_MIN = 0.12  # chosen on bench/data/stories_dev.json (docs/dedup.md)
_TERMS = pa.schema([("article_id", pa.string()), ("term", pa.string()), ("weight", pa.float64())])
_STORY = pa.schema([("article_id", pa.string()), ("story_id", pa.string())])


def store_terms(con: duckdb.DuckDBPyConnection, terms: dict[str, dict[str, float]]) -> None:
    if not terms:
        return
    con.execute("DELETE FROM article_terms WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [list(terms)])
    rows = [{"article_id": a, "term": t, "weight": w} for a, ts in terms.items() for t, w in ts.items()]
    if rows:
        con.register("batch_terms", arrow_table(rows, _TERMS))
        con.execute("INSERT INTO article_terms BY NAME SELECT * FROM batch_terms")
        con.unregister("batch_terms")


def _neighbours(con, published: datetime, exclude: set[str]) -> dict[str, tuple[str, dict[str, float]]]:
    """Articles with a story published within STORY_DAYS: article_id -> (story_id, terms)."""
    rows = con.execute(
        "SELECT a.article_id, a.story_id, t.term, t.weight FROM articles a JOIN article_terms t USING (article_id)"
        " WHERE a.story_id IS NOT NULL AND a.dup_of IS NULL AND a.published_at BETWEEN ? AND ?",
        [published - timedelta(days=STORY_DAYS), published + timedelta(days=STORY_DAYS)],
    ).fetchall()
    found: dict[str, tuple[str, dict[str, float]]] = {}
    for article_id, story_id, term, weight in rows:
        if article_id not in exclude:
            found.setdefault(article_id, (story_id, {}))[1][term] = weight
    return found


def assign_stories(con: duckdb.DuckDBPyConnection, ids: list[str], terms: dict[str, dict[str, float]]) -> list[str]:
    """Give each article of the batch a story (after duplicates are linked); refresh the stories they
    touch; return the story ids touched."""
    if not ids:
        return []
    rows = con.execute(
        "SELECT article_id, dup_of, published_at, story_id FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))"
        " ORDER BY published_at NULLS LAST, article_id", [ids]).fetchall()
    assigned: dict[str, str] = {}
    batch_terms: dict[str, tuple[datetime | None, dict[str, float]]] = {}
    touched = {r[3] for r in rows if r[3]}
    for article_id, dup_of, published, _old in rows:
        if dup_of:
            continue
        own = terms.get(article_id) or {}
        best_story, best = None, STORY_MIN
        if published is not None and own:
            for _, (story_id, other) in _neighbours(con, published, set(ids)).items():
                score = cosine(own, other)
                if score >= best:
                    best_story, best = story_id, score
            for other_id, (other_published, other) in batch_terms.items():
                if other_published is not None and abs(other_published - published) <= timedelta(days=STORY_DAYS):
                    score = cosine(own, other)
                    if score >= best:
                        best_story, best = assigned[other_id], score
        assigned[article_id] = best_story or article_id
        batch_terms[article_id] = (published, own)
    for article_id, dup_of, _, _ in rows:
        if dup_of:
            canon = assigned.get(dup_of) or con.execute("SELECT story_id FROM articles WHERE article_id = ?", [dup_of]).fetchone()[0]
            assigned[article_id] = canon or dup_of
    # Copies elsewhere whose canonical is in this batch follow it.
    followers = con.execute(
        "SELECT article_id, dup_of FROM articles WHERE dup_of IN (SELECT unnest(?::VARCHAR[]))"
        " AND NOT article_id IN (SELECT unnest(?::VARCHAR[]))", [list(assigned), ids]).fetchall()
    for article_id, dup_of in followers:
        assigned[article_id] = assigned[dup_of]
    con.register("story_updates", arrow_table([{"article_id": a, "story_id": s} for a, s in assigned.items()], _STORY))
    touched |= set(assigned.values())
    touched |= {r[0] for r in con.execute(
        "SELECT a.story_id FROM articles a JOIN story_updates u USING (article_id) WHERE a.story_id IS NOT NULL").fetchall()}
    con.execute("UPDATE articles SET story_id = u.story_id FROM story_updates u WHERE articles.article_id = u.article_id")
    con.unregister("story_updates")
    refresh_stories(con, sorted(touched))
    return sorted(touched)


def refresh_stories(con: duckdb.DuckDBPyConnection, story_ids: list[str]) -> None:
    """Recompute title, first/last publication, article and outlet counts of these stories."""
    if not story_ids:
        return
    con.execute("DELETE FROM stories WHERE story_id IN (SELECT unnest(?::VARCHAR[]))", [story_ids])
    con.execute(
        """
        INSERT INTO stories (story_id, title, first_published_at, last_published_at, article_count, outlet_count, updated_at)
        SELECT story_id,
               coalesce(arg_min(title, coalesce(published_at, TIMESTAMPTZ '9999-01-01')) FILTER (WHERE title IS NOT NULL),
                        arg_min(left(text, 120), coalesce(published_at, TIMESTAMPTZ '9999-01-01'))),
               min(published_at), max(published_at), count(*), count(DISTINCT coalesce(outlet, source)), ?
        FROM articles WHERE story_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY story_id
        """,
        [utcnow(), story_ids],
    )
