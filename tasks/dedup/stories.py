"""Stories: articles about one happening share a `story_id`. Incremental: a new article joins the story
whose members published within STORY_DAYS of it are closest to it (the mean of its two best cosines of salient
terms with them, tasks.dedup.terms; `story_link`), or starts a story of its own. A copy (dup_of) is in its
canonical's story. Thresholds: docs/dedup.md."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pyarrow as pa

from tasks.dedup.neighbours import ROUNDING, WINDOW_DAYS, Neighbours
from tasks.dedup.terms import cosine
from tasks.warehouse.database import SPLIT_IDS, arrow_table, split_ids, stored_among, utcnow, wide_rows

STORY_DAYS = WINDOW_DAYS
STORY_MIN = 0.07  # an article joins a story whose `story_link` reaches it (chosen on the dev story days, docs/dedup.md)
STORY_TERMS_MIN = 0.04  # a member's cosine below it counts 0 in a story's link (and is not fetched)
STORY_LINKS = 2  # a story's link is the mean of an article's cosines with its this many closest members
_TERMS = pa.schema([("article_id", pa.string()), ("term", pa.string()), ("weight", pa.float64()),
                    ("published_at", pa.timestamp("us", tz="UTC"))])
_STORY = pa.schema([("article_id", pa.string()), ("story_id", pa.string())])
_TITLES = pa.schema([("story_id", pa.string()), ("title", pa.string())])


def store_terms(con: duckdb.DuckDBPyConnection, terms: dict[str, dict[str, float]], published: dict[str, datetime | None],
                stored: Collection[str] | None = None) -> None:
    """Replace these articles' terms, each row with its article's publication time (`published`). `stored`:
    the articles that can have terms already (`stored_among`)."""
    if not terms:
        return
    replaced = stored_among(terms, stored)
    if replaced:
        con.execute(f"DELETE FROM article_terms WHERE article_id IN {SPLIT_IDS}", split_ids(replaced))
    rows = [{"article_id": a, "term": t, "weight": w, "published_at": published.get(a)} for a, ts in terms.items()
            for t, w in ts.items()]
    if rows:
        con.register("batch_terms", arrow_table(rows, _TERMS))
        con.execute("INSERT INTO article_terms BY NAME SELECT * FROM batch_terms")
        con.unregister("batch_terms")


@dataclass
class _Neighbour:
    story_id: str
    published: datetime


def _stored_neighbours(con, neighbours: Neighbours, exclude: set[str]) -> tuple[dict[str, _Neighbour], dict[str, list[tuple[str, float]]]]:
    """The stored articles each batch article may join (`neighbours` at STORY_TERMS_MIN or more, not in
    `exclude`), those with a story that are not copies, by article id; and for each batch article those it may
    join, in id order, with the cosine of their terms. That cosine is the neighbours' dot product (terms are
    L2-normalized, tasks.dedup.terms): the stored articles' terms are not read again (a scan of every stored
    term row)."""
    wanted = {a: [(o, dot) for o, dot in pairs if dot >= STORY_TERMS_MIN - ROUNDING and o not in exclude]
              for a, pairs in neighbours.items()}
    others = sorted({o for pairs in wanted.values() for o, _ in pairs})
    found: dict[str, _Neighbour] = {}
    if others:
        for article_id, story_id, published in con.execute(
                f"SELECT article_id, story_id, published_at FROM articles WHERE article_id IN {SPLIT_IDS}"
                " AND story_id IS NOT NULL AND dup_of IS NULL", split_ids(others)).fetchall():
            found[article_id] = _Neighbour(story_id, published)
    may_join = {a: [(o, dot) for o, dot in pairs if o in found] for a, pairs in wanted.items()}
    return found, {a: pairs for a, pairs in may_join.items() if pairs}


def _stored_members(con, story_ids: Collection[str], exclude: set[str],
                    dates: list[datetime]) -> dict[str, list[datetime]]:
    """Publication times of the stored articles (not in `exclude`, not copies) of these stories published
    within STORY_DAYS of any of `dates`, by story: a story's members that share too few terms with an article
    to be its neighbours still count in the story's link (`story_link`). Read by date range, as the term join is."""
    if not story_ids or not dates:
        return {}
    window = timedelta(days=STORY_DAYS)
    members: dict[str, list[datetime]] = {}
    for story_id, article_id, published in con.execute(
            f"SELECT story_id, article_id, published_at FROM articles WHERE story_id IN {SPLIT_IDS}"
            " AND dup_of IS NULL AND published_at BETWEEN ? AND ?",
            [*split_ids(sorted(story_ids)), min(dates) - window, max(dates) + window]).fetchall():
        if article_id not in exclude:
            members.setdefault(story_id, []).append(published)
    return members


def story_link(scores: list[float], members: int) -> float:
    """How strongly an article belongs to a story: the mean of its STORY_LINKS best cosines with the story's
    members published within STORY_DAYS of it (`scores`: those at STORY_TERMS_MIN or more; `members`: how
    many there are, the others counting 0). One article's vocabulary is not enough to join a story of several:
    a topic's articles do not chain into one story through one shared neighbour each."""
    best = sorted(scores, reverse=True)[:STORY_LINKS]
    return sum(best) / min(STORY_LINKS, max(members, len(best)))


def _story_order(article_id: str, published: datetime | None, neighbours: Neighbours) -> tuple:
    """Articles are given stories in publication order; among articles published at the same moment (a
    feed that dates its articles by the day), the one closest to the others (the sum of its cosines of
    STORY_TERMS_MIN or more) first: a happening's central report starts its story and the others join it,
    where an arbitrary order lets two of its peripheral reports start a story each (docs/dedup.md)."""
    closeness = sum(dot for _, dot in neighbours.get(article_id, ()) if dot >= STORY_TERMS_MIN - ROUNDING)
    return published is None, published or datetime.min, -closeness, article_id


def assign_stories(con: duckdb.DuckDBPyConnection, ids: list[str], terms: dict[str, dict[str, float]],
                   neighbours: Neighbours) -> list[str]:
    """Give each article of the batch a story (after duplicates are linked); refresh the stories they
    touch; return the story ids touched. `neighbours`: the batch's term neighbours (`term_neighbours`, at a
    floor of STORY_TERMS_MIN or less). An article joins the story whose `story_link` is highest, at STORY_MIN
    or more (ties to the greater story id), or starts its own."""
    if not ids:
        return []
    rows = sorted(con.execute(
        f"SELECT article_id, dup_of, published_at, story_id FROM articles WHERE article_id IN {SPLIT_IDS}",
        split_ids(ids)).fetchall(), key=lambda r: _story_order(r[0], r[2], neighbours))
    assigned: dict[str, str] = {}
    batch_terms: dict[str, tuple[datetime | None, dict[str, float]]] = {}
    touched = {r[3] for r in rows if r[3]}
    window = timedelta(days=STORY_DAYS)
    batch = {r[0] for r in rows if not r[1] and r[2] is not None and terms.get(r[0])}
    stored, may_join = _stored_neighbours(con, {a: pairs for a, pairs in neighbours.items() if a in batch}, set(ids))
    stored_members = _stored_members(con, {n.story_id for n in stored.values()}, set(ids),
                                     [r[2] for r in rows if r[0] in batch])
    members: dict[str, list[datetime]] = {}  # story -> publication times of its members in this batch so far
    postings: dict[str, list[str]] = {}  # term -> the batch's articles so far that have it
    for article_id, dup_of, published, _old in rows:
        if dup_of:
            continue
        own = terms.get(article_id) or {}
        scores: dict[str, list[float]] = {}
        if published is not None and own:
            for other_id, score in may_join.get(article_id, ()):
                other = stored[other_id]
                if abs(other.published - published) <= window:
                    scores.setdefault(other.story_id, []).append(score)
            # only articles that share a term can score: the others' cosine is 0
            sharing = {other_id for term in own for other_id in postings.get(term, ())}
            for other_id in (o for o in batch_terms if o in sharing):
                other_published, other_terms = batch_terms[other_id]
                if other_published is not None and abs(other_published - published) <= window:
                    score = cosine(own, other_terms)
                    if score >= STORY_TERMS_MIN - ROUNDING:
                        scores.setdefault(assigned[other_id], []).append(score)
        best_story, best = None, STORY_MIN - ROUNDING
        for story_id in sorted(scores):
            near = sum(abs(when - published) <= window
                       for when in (*stored_members.get(story_id, ()), *members.get(story_id, ())))
            link = story_link(scores[story_id], near)
            if link >= best:
                best_story, best = story_id, link
        for term in own:
            postings.setdefault(term, []).append(article_id)
        assigned[article_id] = best_story or article_id
        batch_terms[article_id] = (published, own)
        if published is not None:
            members.setdefault(assigned[article_id], []).append(published)
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
    opening of its earliest article's text, read apart (`wide_rows`): reading `text` in the main query
    would read every article's text (350 ms a batch at 100k articles)."""
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
    leads = dict(wide_rows(con, "articles", [article_id for _, article_id in earliest], "left(text, 120)"))
    con.register("story_titles", arrow_table([{"story_id": story_id, "title": leads[article_id]} for story_id, article_id in earliest],
                                             _TITLES))
    con.execute("UPDATE stories SET title = t.title FROM story_titles t WHERE stories.story_id = t.story_id")
    con.unregister("story_titles")
