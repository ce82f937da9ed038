"""Persons the warehouse already knows, looked for in a new batch: a report that names only "الصفدي"
after earlier articles named "أيمن الصفدي" has him too, even where the recogniser misses the bare
surname. Only names of persons: full names (two words or more) and the last word of a full name, four
letters or more, so that one article's slip ("اليوم" tagged once) cannot spread."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tasks.text.normalize import normalize_arabic

if TYPE_CHECKING:  # candidate_keys runs in the worker processes, which import neither DuckDB nor Arrow
    import duckdb

_WORD = re.compile(r"\w+")
_CLITICS = re.compile(r"^(?:[وف]?[بلك]|[وف])(?=\w{3})")
_ELIDED = re.compile(r"^[وف]?لل(?=\w{3})")  # "للصفدي": ل + ال with the alef dropped
MIN_LETTERS = 4


def candidate_keys(texts: list[str], longest: int = 4) -> set[str]:
    """Every run of 1..`longest` words of the texts, folded, the first word also without its proclitics
    ("وللصفدي" → "الصفدي")."""
    keys: set[str] = set()
    for text in texts:
        words = _WORD.findall(normalize_arabic(text))
        for i in range(len(words)):
            first = words[i]
            for head in {first, _CLITICS.sub("", first), _ELIDED.sub("ال", first)}:
                run = [head]
                keys.add(head)
                for word in words[i + 1:i + longest]:
                    run.append(word)
                    keys.add(" ".join(run))
    return keys


def known_person_keys(con: duckdb.DuckDBPyConnection, keys: set[str]) -> set[str]:
    """The `keys` (candidate_keys of texts; worker processes compute them) that name known persons."""
    import pyarrow as pa

    if not keys:
        return set()
    con.register("batch_name_keys", pa.table({"key": sorted(keys)}))
    try:
        rows = con.execute(
            "SELECT DISTINCT a.alias_key FROM entity_aliases a JOIN batch_name_keys k ON a.alias_key = k.key"
            " JOIN entities e ON e.entity_id = a.entity_id"
            " WHERE a.type = 'PER' AND (contains(a.alias_key, ' ')"
            "   OR (length(a.alias_key) >= ? AND e.name_key LIKE '% ' || a.alias_key))", [MIN_LETTERS]).fetchall()
    finally:
        con.unregister("batch_name_keys")
    return {r[0] for r in rows}
