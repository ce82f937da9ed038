"""Teaser lists: an outlet that prints under an article the openings of some of its other articles (CNN
Arabic: four or five related reports' first lines, often cut mid-word) gives the article the words of other
stories, and its articles each other's paragraphs. A paragraph (not the article's first) whose first
OPENING_WORDS normalized words are words of the first paragraph of another article of the same outlet,
starting at one of its first DATELINE_WORDS + 1 words (a dateline may come before them: tasks.dedup.openings),
is a teaser to that article. An article with MIN_TEASERS or more lists teasers, and they are stripped as
boilerplate is (tasks.dedup.boilerplate.strip); one alone is not enough, since a follow-up may repeat an
earlier report's opening as background. The other article is one of the batch, or one stored and published
within TEASER_DAYS of the batch's articles (the teased report is days old: docs/dedup.md). On the news corpus
(31,523 articles of five outlets), 894 of CNN's 3,507 articles list 4,013 teasers, and no other outlet's
article two."""
from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

import duckdb
import pyarrow as pa

from schemas.records import Article
from tasks.dedup.boilerplate import outlet_of
from tasks.dedup.openings import openings_of
from tasks.warehouse.database import SPLIT_IDS, arrow_table, split_ids, stored_among

MIN_TEASERS = 2
TEASER_DAYS = 30
_ROWS = pa.schema([("outlet", pa.string()), ("opening_key", pa.int64()), ("article_id", pa.string()),
                   ("published_at", pa.timestamp("us", tz="UTC"))])
_WANTED = pa.schema([("outlet", pa.string()), ("opening_key", pa.int64())])


def teaser_lines(con: duckdb.DuckDBPyConnection, articles: list[Article]) -> dict[str, frozenset[int]]:
    """The line indexes of each batch article's teasers, for the articles that list MIN_TEASERS or more."""
    candidates = {a.article_id: openings_of(a.text).paragraphs for a in articles}
    wanted = {(outlet_of(a), key) for a in articles for _, key in candidates[a.article_id]}
    if not wanted:
        return {}
    in_batch: dict[tuple[str, int], set[str]] = {}
    for a in articles:
        for key in openings_of(a.text).own:
            in_batch.setdefault((outlet_of(a), key), set()).add(a.article_id)
    dates = [a.published_at for a in articles if a.published_at is not None]
    window, params = "", []
    if dates:
        window = " AND (o.published_at IS NULL OR o.published_at BETWEEN ? AND ?)"
        params = [min(dates) - timedelta(days=TEASER_DAYS), max(dates) + timedelta(days=TEASER_DAYS)]
    con.register("wanted_openings", arrow_table([{"outlet": o, "opening_key": k} for o, k in wanted], _WANTED))
    try:
        stored = set(con.execute(
            "SELECT DISTINCT o.outlet, o.opening_key FROM outlet_openings o"
            f" JOIN wanted_openings w USING (outlet, opening_key) WHERE o.article_id NOT IN {SPLIT_IDS}{window}",
            [*split_ids(a.article_id for a in articles), *params]).fetchall())
    finally:
        con.unregister("wanted_openings")
    found = {}
    for a in articles:
        outlet = outlet_of(a)
        lines = frozenset(index for index, key in candidates[a.article_id]
                          if (outlet, key) in stored or in_batch.get((outlet, key), set()) - {a.article_id})
        if len(lines) >= MIN_TEASERS:
            found[a.article_id] = lines
    return found


def record(con: duckdb.DuckDBPyConnection, originals: list[Article], stored: Collection[str] | None = None) -> None:
    """Remember the openings of these articles as extracted (before stripping), in place of what was
    remembered for them before. `stored`: the articles that can have rows already (`stored_among`)."""
    replaced = stored_among((a.article_id for a in originals), stored)
    if replaced:
        con.execute(f"DELETE FROM outlet_openings WHERE article_id IN {SPLIT_IDS}", split_ids(replaced))
    rows = [{"outlet": outlet_of(a), "opening_key": key, "article_id": a.article_id, "published_at": a.published_at}
            for a in originals for key in sorted(openings_of(a.text).own)]
    if rows:
        con.register("opening_rows", arrow_table(rows, _ROWS))
        con.execute("INSERT INTO outlet_openings BY NAME SELECT * FROM opening_rows")
        con.unregister("opening_rows")
