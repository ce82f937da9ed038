"""Boilerplate learned per outlet across runs: a paragraph that at least MIN_ARTICLES earlier articles
of the same outlet carry (copies of one article count once) (a footer, a disclaimer, a "read also" block) is stripped from its new articles.
Paragraphs are recorded as (outlet, paragraph hash, article) rows, so re-running an input counts nothing
twice, and run N learns from runs 1..N-1."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

import duckdb
import pyarrow as pa

from schemas.records import Article
from tasks.dedup.paragraph_hashes import paragraph_hashes
from tasks.text.normalize import full_key, sha256_hex, word_count
from tasks.warehouse.database import SPLIT_IDS, arrow_table, split_ids, stored_among

MIN_ARTICLES = 4
MIN_KEPT_WORDS = 20  # never strip an article below this: the rest would not be an article
_ROWS = pa.schema([("outlet", pa.string()), ("para_hash", pa.string()), ("article_id", pa.string())])


def outlet_of(article: Article) -> str:
    return article.outlet or article.source


def learned(con: duckdb.DuckDBPyConnection, articles: list[Article]) -> set[tuple[str, str]]:
    """(outlet, paragraph hash) pairs of the batch that earlier articles of that outlet made boilerplate."""
    pairs = {(outlet_of(a), h) for a in articles for h in paragraph_hashes(a.text) if h}
    if not pairs:
        return set()
    con.register("batch_paras", arrow_table([{"outlet": o, "para_hash": h, "article_id": ""} for o, h in pairs], _ROWS))
    rows = con.execute(
        "SELECT p.outlet, p.para_hash FROM outlet_paragraphs p JOIN batch_paras b USING (outlet, para_hash)"
        " JOIN articles a ON a.article_id = p.article_id"
        f" WHERE p.article_id NOT IN {SPLIT_IDS}"
        " GROUP BY 1, 2 HAVING count(DISTINCT coalesce(a.dup_of, a.article_id)) >= ?",
        [*split_ids(a.article_id for a in articles), MIN_ARTICLES],
    ).fetchall()
    con.unregister("batch_paras")
    return set(rows)


def strip(article: Article, boilerplate: set[tuple[str, str]]) -> tuple[Article, int]:
    """The article without its outlet's boilerplate paragraphs, and how many were removed."""
    outlet = outlet_of(article)
    paragraphs = article.text.split("\n")
    kept = [p for p, h in zip(paragraphs, paragraph_hashes(article.text)) if (outlet, h) not in boilerplate]
    removed = len(paragraphs) - len(kept)
    text = "\n".join(kept)
    if not removed or word_count(text) < MIN_KEPT_WORDS:
        return article, 0
    return replace(article, text=text, text_sha256=sha256_hex(text), norm_sha256=sha256_hex(full_key(text)),
                   word_count=word_count(text)), removed


def record(con: duckdb.DuckDBPyConnection, originals: list[Article], stored: Collection[str] | None = None) -> None:
    """Remember every paragraph of these articles as extracted (before stripping) for their outlet, in
    place of what was remembered for them before. `stored`: the articles that can have rows already
    (`stored_among`)."""
    rows = {(outlet_of(a), h, a.article_id) for a in originals for h in paragraph_hashes(a.text) if h}
    if not rows:
        return
    replaced = stored_among((a.article_id for a in originals), stored)
    if replaced:
        con.execute(f"DELETE FROM outlet_paragraphs WHERE article_id IN {SPLIT_IDS}", split_ids(replaced))
    con.register("para_rows", arrow_table([{"outlet": o, "para_hash": h, "article_id": a} for o, h, a in rows], _ROWS))
    con.execute("INSERT INTO outlet_paragraphs BY NAME SELECT * FROM para_rows")
    con.unregister("para_rows")
