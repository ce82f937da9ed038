"""`source_health` in the warehouse: a source's history read for judging (`history`), a run's rows written
(`write_health`), and the latest state of every source with its recent trend (`latest`)."""
from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pyarrow as pa

from tasks.acquire.sources import Source
from tasks.run.health import Past, as_row, figures, judge
from tasks.run.tally import Tally
from tasks.warehouse.database import arrow_table, upsert

HISTORY_RUNS = 100  # what judging reads of a source's past: the baseline and the usual gap between new pages

TS = pa.timestamp("us", tz="UTC")
SOURCE_HEALTH = pa.schema([
    ("run_id", pa.string()), ("source", pa.string()), ("flow", pa.string()), ("kind", pa.string()),
    ("checked_at", TS), ("listed", pa.int32()), ("new_listed", pa.int32()), ("requests", pa.int32()),
    ("fetched", pa.int32()), ("not_modified", pa.int32()), ("inputs", pa.int32()), ("documents", pa.int32()),
    ("articles", pa.int32()), ("articles_new", pa.int32()), ("rejects", pa.string()), ("yield", pa.float64()),
    ("median_words", pa.float64()), ("article_words", pa.list_(pa.int32())), ("dated_share", pa.float64()), ("titled_share", pa.float64()),
    ("seconds", pa.float64()), ("status", pa.string()), ("reasons", pa.list_(pa.string())), ("details", pa.string()),
    ("baseline", pa.string()),
])
_JSON = ("rejects", "details", "baseline")


def history(con: duckdb.DuckDBPyConnection, source: str, flow: str, before_run: str) -> list[Past]:
    """The source's earlier runs of `flow`, newest first (not `before_run`, the run being judged)."""
    rows = con.execute(
        "SELECT status, new_listed, listed, documents, articles, article_words, reasons, details FROM source_health"
        " WHERE source = ? AND flow = ? AND run_id <> ? ORDER BY checked_at DESC LIMIT ?",
        [source, flow, before_run, HISTORY_RUNS]).fetchall()
    return [Past(*r[:5], tuple(r[5]), tuple(r[6]), json.loads(r[7])) for r in rows]


def write_health(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Upsert a run's rows (a run judged again, after a retry, replaces its rows)."""
    if not rows:
        return
    table = arrow_table([{**r, **{k: json.dumps(r[k], sort_keys=True) for k in _JSON}} for r in rows], SOURCE_HEALTH)
    con.register("batch_health", table)
    try:
        columns = [f.name for f in SOURCE_HEALTH if f.name not in ("run_id", "source")]
        upsert(con, "source_health", "(SELECT * FROM batch_health)", ("run_id", "source"),
               ", ".join(f'"{c}" = excluded."{c}"' for c in columns))
    finally:
        con.unregister("batch_health")


def latest(con: duckdb.DuckDBPyConnection, sources: list[str] | None = None, trend_runs: int = 10) -> dict[str, dict]:
    """source -> its latest row (as a dict, JSON decoded), with `trend` (its last `trend_runs` runs, oldest
    first: status, yield, median words, new articles), `last_ok_at` and `last_new_at`."""
    rows = con.execute(
        """
        WITH ranked AS (
            SELECT *, row_number() OVER (PARTITION BY source ORDER BY checked_at DESC) AS back
            FROM source_health WHERE ? IS NULL OR list_contains(?::VARCHAR[], source))
        SELECT r.*,
               (SELECT max(checked_at) FROM source_health h WHERE h.source = r.source AND h.status = 'ok') AS last_ok_at,
               (SELECT max(checked_at) FROM source_health h WHERE h.source = r.source AND h.articles_new > 0) AS last_new_at
        FROM ranked r WHERE back <= ? ORDER BY source, checked_at
        """, [sources, sources, trend_runs]).fetchall()
    names = [d[0] for d in con.description]
    out: dict[str, dict] = {}
    for values in rows:
        row = dict(zip(names, values))
        for key in _JSON:
            row[key] = json.loads(row[key]) if isinstance(row[key], str) else row[key]
        point = {k: row[k] for k in ("checked_at", "status", "yield", "median_words", "articles_new")}
        trend = out.get(row["source"], {}).get("trend", []) + [point]
        row.pop("back")
        row.pop("article_words")
        out[row["source"]] = {**row, "trend": trend}
    return out


def judge_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, done: list[tuple[Source, Tally]],
              checked_at: datetime) -> list[dict]:
    """Judge each source a run went through against its own history, write the rows, and return them."""
    rows = []
    for source, tally in done:
        now = figures(source.name, source.kind, flow, tally)
        verdict = judge(now, history(con, source.name, flow, run_id), source.health)
        rows.append(as_row(run_id, checked_at, now, verdict))
    write_health(con, rows)
    return rows
