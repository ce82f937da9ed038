"""Stories: articles about one happening share a `story_id`. Incremental: a new article joins the story
of its most similar article published within STORY_DAYS of it (cosine of salient terms, tasks.dedup.terms),
or starts a story of its own. A copy (dup_of) is in its canonical's story. Thresholds: docs/dedup.md."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pyarrow as pa

from tasks.dedup.terms import cosine
from tasks.warehouse.database import SPLIT_IDS, arrow_table, split_ids, stored_among, utcnow

STORY_DAYS = 3
STORY_MIN = 0.12  # chosen on tools/devsets/stories_dev.json (docs/dedup.md)
_TERMS = pa.schema([("article_id", pa.string()), ("term", pa.string()), ("weight", pa.float64())])
_STORY = pa.schema([("article_id", pa.string()), ("story_id", pa.string())])


def store_terms(con: duckdb.DuckDBPyConnection, terms: dict[str, dict[str, float]], stored: Collection[str] | None = None) -> None:
    """Replace these articles' terms. `stored`: the articles that can have terms already (`stored_among`)."""
    if not terms:
        return
    replaced = stored_among(terms, stored)
    if replaced:
        con.execute(f"DELETE FROM article_terms WHERE article_id IN {SPLIT_IDS}", split_ids(replaced))
    rows = [{"article_id": a, "term": t, "weight": w} for a, ts in terms.items() for t, w in ts.items()]
    if rows:
        con.register("batch_terms", arrow_table(rows, _TERMS))
        con.execute("INSERT INTO article_terms BY NAME SELECT * FROM batch_terms")
        con.unregister("batch_terms")


@dataclass
class _Neighbour:
    story_id: str
    published: datetime
    terms: dict[str, float]


def _windows(dates: list[datetime]) -> list[tuple[datetime, datetime]]:
    """The dates' ±STORY_DAYS windows, overlapping ones merged."""
    merged: list[list[datetime]] = []
    for day in sorted(dates):
        lo, hi = day - timedelta(days=STORY_DAYS), day + timedelta(days=STORY_DAYS)
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


_BATCH_TERMS = pa.schema([("batch_id", pa.string()), ("term", pa.string()), ("weight", pa.float64())])
_ROUNDING = 1e-9  # a dot product summed in another order differs from `cosine`'s by far less


def _neighbours(con, dates: list[datetime], terms: dict[str, dict[str, float]], exclude: set[str]
                ) -> tuple[dict[str, _Neighbour], dict[str, list[str]]]:
    """Articles with a story (not copies, not in `exclude`) published within STORY_DAYS of any of `dates`
    that may join a batch article: its terms' dot product with the article's (summed by DuckDB over the
    terms they share, a join on the term) reaches STORY_MIN. Any other stored article scores below it: the
    batch's cost grows with the articles that share its terms, not with all of a crowded window's. Returns
    them by article id, with their terms, and for each batch article those it may join, in id order. Two
    queries a batch."""
    windows = _windows(dates)
    if not windows or not terms:
        return {}, {}
    con.register("batch_terms", arrow_table([{"batch_id": a, "term": t, "weight": w} for a, ts in terms.items()
                                             for t, w in ts.items()], _BATCH_TERMS))
    where = " OR ".join("a.published_at BETWEEN ? AND ?" for _ in windows)
    try:
        pairs = con.execute(
            "SELECT b.batch_id, t.article_id FROM batch_terms b JOIN article_terms t USING (term)"
            " JOIN articles a ON a.article_id = t.article_id"
            f" WHERE a.story_id IS NOT NULL AND a.dup_of IS NULL AND ({where})"
            " GROUP BY b.batch_id, t.article_id HAVING sum(b.weight * t.weight) >= ? ORDER BY 1, 2",
            [*(bound for window in windows for bound in window), STORY_MIN - _ROUNDING]).fetchall()
    finally:
        con.unregister("batch_terms")
    may_join: dict[str, list[str]] = {}
    for batch_id, other_id in pairs:
        if other_id not in exclude:
            may_join.setdefault(batch_id, []).append(other_id)
    others = sorted({o for ids in may_join.values() for o in ids})
    found: dict[str, _Neighbour] = {}
    if others:
        # their dates apart from their terms: a date converted per term row cost 2 µs each, 20,000 a batch
        for article_id, story_id, published in con.execute(
                f"SELECT article_id, story_id, published_at FROM articles WHERE article_id IN {SPLIT_IDS}",
                split_ids(others)).fetchall():
            found[article_id] = _Neighbour(story_id, published, {})
        for article_id, term, weight in con.execute(
                f"SELECT article_id, term, weight FROM article_terms WHERE article_id IN {SPLIT_IDS} ORDER BY article_id, term",
                split_ids(others)).fetchall():
            found[article_id].terms[term] = weight
    return found, may_join


def assign_stories(con: duckdb.DuckDBPyConnection, ids: list[str], terms: dict[str, dict[str, float]]) -> list[str]:
    """Give each article of the batch a story (after duplicates are linked); refresh the stories they
    touch; return the story ids touched. Ties go to the neighbour with the greater article id, then to the
    later article of the batch."""
    if not ids:
        return []
    rows = con.execute(
        f"SELECT article_id, dup_of, published_at, story_id FROM articles WHERE article_id IN {SPLIT_IDS}"
        " ORDER BY published_at NULLS LAST, article_id", split_ids(ids)).fetchall()
    assigned: dict[str, str] = {}
    batch_terms: dict[str, tuple[datetime | None, dict[str, float]]] = {}
    touched = {r[3] for r in rows if r[3]}
    window = timedelta(days=STORY_DAYS)
    batch = {r[0] for r in rows if not r[1] and r[2] is not None and terms.get(r[0])}
    stored, may_join = _neighbours(con, [r[2] for r in rows if r[0] in batch], {a: terms[a] for a in batch}, set(ids))
    postings: dict[str, list[str]] = {}  # term -> the batch's articles so far that have it
    for article_id, dup_of, published, _old in rows:
        if dup_of:
            continue
        own = terms.get(article_id) or {}
        best_story, best = None, STORY_MIN
        if published is not None and own:
            # only articles that share a term can score: the others' cosine is 0 (same choices, in the same order)
            for other in (stored[other_id] for other_id in may_join.get(article_id, ())):
                if abs(other.published - published) <= window:
                    score = cosine(own, other.terms)
                    if score >= best:
                        best_story, best = other.story_id, score
            sharing = {other_id for term in own for other_id in postings.get(term, ())}
            for other_id in (o for o in batch_terms if o in sharing):
                other_published, other_terms = batch_terms[other_id]
                if other_published is not None and abs(other_published - published) <= window:
                    score = cosine(own, other_terms)
                    if score >= best:
                        best_story, best = assigned[other_id], score
        for term in own:
            postings.setdefault(term, []).append(article_id)
        assigned[article_id] = best_story or article_id
        batch_terms[article_id] = (published, own)
    outside = sorted({dup_of for _, dup_of, _, _ in rows if dup_of and dup_of not in assigned})
    stories_of = dict(con.execute(f"SELECT article_id, story_id FROM articles WHERE article_id IN {SPLIT_IDS}",
                                  split_ids(outside)).fetchall()) if outside else {}
    for article_id, dup_of, _, _ in rows:
        if dup_of:
            assigned[article_id] = assigned.get(dup_of) or stories_of.get(dup_of) or dup_of
    # Copies elsewhere whose canonical is in this batch follow it.
    followers = con.execute(
        f"SELECT article_id, dup_of FROM articles WHERE dup_of IN {SPLIT_IDS}"
        f" AND NOT article_id IN {SPLIT_IDS}", [*split_ids(assigned), *split_ids(ids)]).fetchall()
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
    """Recompute title, first/last publication, article and outlet counts of these stories.

    The title is the earliest titled article's; a story none of whose articles has a title takes the
    opening of its earliest article's text, read for that article alone: an `IN` filter is not pushed
    into DuckDB's scan, so reading `text` in the main query would read every article's text (350 ms a
    batch at 100k articles), where a single-key equality reads one."""
    if not story_ids:
        return
    con.execute(f"DELETE FROM stories WHERE story_id IN {SPLIT_IDS}", split_ids(story_ids))
    con.execute(
        f"""
        INSERT INTO stories (story_id, title, first_published_at, last_published_at, article_count, outlet_count, updated_at)
        SELECT story_id,
               arg_min(title, coalesce(published_at, TIMESTAMPTZ '9999-01-01')) FILTER (WHERE title IS NOT NULL),
               min(published_at), max(published_at), count(*), count(DISTINCT coalesce(outlet, source)), ?
        FROM articles WHERE story_id IN {SPLIT_IDS} GROUP BY story_id
        """,
        [utcnow(), *split_ids(story_ids)],
    )
    untitled = [r[0] for r in con.execute(  # (no RETURNING above: a DuckLake table does not support it)
        f"SELECT story_id FROM stories WHERE title IS NULL AND story_id IN {SPLIT_IDS} ORDER BY 1",
        split_ids(story_ids)).fetchall()]
    if not untitled:
        return
    earliest = con.execute(
        "SELECT story_id, arg_min(article_id, (coalesce(published_at, TIMESTAMPTZ '9999-01-01'), article_id))"
        f" FROM articles WHERE story_id IN {SPLIT_IDS} GROUP BY story_id", split_ids(untitled)).fetchall()
    for story_id, article_id in earliest:
        lead = con.execute("SELECT left(text, 120) FROM articles WHERE article_id = ?", [article_id]).fetchone()[0]
        con.execute("UPDATE stories SET title = ? WHERE story_id = ?", [lead, story_id])
