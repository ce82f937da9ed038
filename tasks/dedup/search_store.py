"""Writing an article's search keys (tasks.dedup.search_index) to `search_terms`, with its batch."""
from __future__ import annotations

from collections.abc import Collection

import duckdb
import pyarrow as pa

from tasks.warehouse.database import SPLIT_IDS, split_ids, stored_among


def store_search_keys(con: duckdb.DuckDBPyConnection, keys: dict[str, list[int]], stored: Collection[str] | None = None) -> None:
    """Replace these articles' search keys. `stored`: the articles that can have keys already."""
    if not keys:
        return
    replaced = stored_among(keys, stored)
    if replaced:
        con.execute(f"DELETE FROM search_terms WHERE article_id IN {SPLIT_IDS}", split_ids(replaced))
    ids = [a for a, ks in keys.items() for _ in ks]
    if ids:
        con.register("batch_search_terms", pa.table({"article_id": pa.array(ids, pa.string()),
                                                     "term_key": pa.array([k for ks in keys.values() for k in ks], pa.int64())}))
        con.execute("INSERT INTO search_terms BY NAME SELECT * FROM batch_search_terms")
        con.unregister("batch_search_terms")
