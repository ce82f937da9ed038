"""Persons the warehouse already knows, looked for in a new batch: a report that names only "الصفدي"
after earlier articles named "أيمن الصفدي" has him too, even where the recogniser misses the bare
surname. Only names of persons: full names (two words or more) and the last word of a full name, four
letters or more, so that one article's slip ("اليوم" tagged once) cannot spread. A run reads them once and
adds what each of its batches writes (tasks.run.pipeline); which of them an article may name is looked up
by its words (tasks.enrich.name_propagation.NameIndex)."""
from __future__ import annotations

from collections.abc import Collection

import duckdb
import pyarrow as pa

MIN_LETTERS = 4


def known_person_keys(con: duckdb.DuckDBPyConnection, keys: Collection[str] | None = None) -> set[str]:
    """The alias keys that name known persons: all of the warehouse's, or those among `keys` (the person
    aliases a batch has just written: what it adds)."""
    query = ("SELECT DISTINCT a.alias_key FROM entity_aliases a {join} JOIN entities e ON e.entity_id = a.entity_id"
             " WHERE a.type = 'PER' AND (contains(a.alias_key, ' ')"
             "   OR (length(a.alias_key) >= ? AND e.name_key LIKE '% ' || a.alias_key))")
    if keys is None:
        return {r[0] for r in con.execute(query.format(join=""), [MIN_LETTERS]).fetchall()}
    if not keys:
        return set()
    con.register("batch_name_keys", pa.table({"key": list(keys)}))
    try:
        rows = con.execute(query.format(join="JOIN batch_name_keys k ON a.alias_key = k.key"), [MIN_LETTERS]).fetchall()
    finally:
        con.unregister("batch_name_keys")
    return {r[0] for r in rows}
