"""Boilerplate learned per outlet: a paragraph that at least MIN_ARTICLES other articles of the same outlet
carry (a footer, a disclaimer, a "read also" block, the leads of other articles an outlet lists under each
of its own) is stripped from its new articles. The others are the outlet's stored articles (copies of one
article count once) and the batch's (articles that open with the same paragraph count once: a page saved
twice, or republished). Paragraphs are recorded as (outlet, paragraph hash, article) rows, so re-running an
input counts nothing twice."""
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
    """(outlet, paragraph hash) pairs of the batch that other articles of that outlet, stored or in the
    batch, make boilerplate."""
    openings: dict[tuple[str, str], set[str]] = {}  # (outlet, paragraph) -> the openings of the batch's articles with it
    for a in articles:
        hashes = [h for h in paragraph_hashes(a.text) if h]
        for h in hashes:
            openings.setdefault((outlet_of(a), h), set()).add(hashes[0])
    if not openings:
        return set()
    con.register("batch_paras", arrow_table([{"outlet": o, "para_hash": h, "article_id": ""} for o, h in openings], _ROWS))
    stored = dict(((o, h), n) for o, h, n in con.execute(
        "SELECT p.outlet, p.para_hash, count(DISTINCT coalesce(a.dup_of, a.article_id)) FROM outlet_paragraphs p"
        " JOIN batch_paras b USING (outlet, para_hash) JOIN articles a ON a.article_id = p.article_id"
        f" WHERE p.article_id NOT IN {SPLIT_IDS} GROUP BY 1, 2",
        split_ids(a.article_id for a in articles)).fetchall())
    con.unregister("batch_paras")
    # an article carrying the paragraph has the stored ones and the batch's other openings besides its own
    return {pair for pair, opened in openings.items() if stored.get(pair, 0) + len(opened) - 1 >= MIN_ARTICLES}


def strip(article: Article, boilerplate: set[tuple[str, str]], lines: Collection[int] = ()) -> tuple[Article, int]:
    """The article without its outlet's boilerplate paragraphs and its `lines` (indexes in the text's lines:
    its teasers, tasks.dedup.teasers), and how many were removed."""
    outlet = outlet_of(article)
    paragraphs = article.text.split("\n")
    kept = [p for i, (p, h) in enumerate(zip(paragraphs, paragraph_hashes(article.text)))
            if (outlet, h) not in boilerplate and i not in lines]
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
