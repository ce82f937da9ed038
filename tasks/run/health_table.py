"""`source_health` in the warehouse: a source's history read for judging (`history`), a run's rows written
(`write_health`), and the latest state of every source with its recent trend (`latest`)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import duckdb
import pyarrow as pa

from tasks.acquire.sources import Source
from tasks.run.health import Past, as_row, figures, judge
from tasks.run.tally import Tally
from tasks.warehouse.database import arrow_table, replace_all, upsert

HISTORY_RUNS = 100  # what judging reads of a source's past: the baseline and the usual gap between new pages
HISTORY_DAYS = 90   # ... at most this far back, so that the read skips the older row groups of a growing table

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


def histories(con: duckdb.DuckDBPyConnection, sources: list[str], flow: str, before_run: str,
              since: datetime | None = None) -> dict[str, list[Past]]:
    """Each source's last HISTORY_RUNS runs of `flow` since `since`, newest first (not `before_run`, the run
    being judged): one scan for all of them. What a run says (`details`) is read for the latest run only."""
    rows = con.execute(
        "SELECT source, status, new_listed, documents, articles, article_words, reasons,"
        " CASE WHEN back = 1 THEN details END FROM ("
        "  SELECT *, row_number() OVER (PARTITION BY source ORDER BY checked_at DESC) AS back FROM source_health"
        "  WHERE list_contains(?::VARCHAR[], source) AND flow = ? AND run_id <> ? AND checked_at >= ?)"
        " WHERE back <= ? ORDER BY source, back",
        [sources, flow, before_run, since or datetime.min.replace(tzinfo=timezone.utc), HISTORY_RUNS]).fetchall()
    out: dict[str, list[Past]] = {name: [] for name in sources}
    for source, *r in rows:
        out[source].append(Past(*r[:4], tuple(r[4]), tuple(r[5]), json.loads(r[6]) if r[6] else {}))
    return out


def write_health(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Upsert a run's rows (a run judged again, after a retry, replaces its rows)."""
    if not rows:
        return
    table = arrow_table([{**r, **{k: json.dumps(r[k], sort_keys=True) for k in _JSON}} for r in rows], SOURCE_HEALTH)
    con.register("batch_health", table)
    try:
        key = ("run_id", "source")
        upsert(con, "source_health", "(SELECT * FROM batch_health)", key, replace_all(SOURCE_HEALTH.names, key))
    finally:
        con.unregister("batch_health")


def latest(con: duckdb.DuckDBPyConnection, sources: list[str] | None = None, trend_runs: int = 10,
           since: datetime | None = None) -> dict[str, dict]:
    """source -> its latest row since `since` (as a dict, JSON decoded, without the word counts), with `trend`
    (its last `trend_runs` runs, oldest first: checked_at, status, yield, median words, new articles),
    `last_ok_at` and `last_new_at` (since `since` too)."""
    where = (f"WHERE (? IS NULL OR list_contains(?::VARCHAR[], source))"
             f" AND checked_at >= '{(since or datetime.min.replace(tzinfo=timezone.utc)).isoformat()}'::TIMESTAMPTZ")
    cur = con.execute(
        f"SELECT * EXCLUDE (back) FROM (SELECT *, row_number() OVER (PARTITION BY source"
        f" ORDER BY checked_at DESC) AS back FROM (SELECT * EXCLUDE (article_words) FROM source_health {where}))"
        f" WHERE back = 1", [sources, sources])
    names = [d[0] for d in cur.description]
    out: dict[str, dict] = {}
    for values in cur.fetchall():
        row = dict(zip(names, values))
        for key in _JSON:
            row[key] = json.loads(row[key]) if isinstance(row[key], str) else row[key]
        out[row["source"]] = {**row, "trend": [], "last_ok_at": None, "last_new_at": None}
    points = con.execute(
        f"SELECT source, checked_at, status, yield, median_words, articles_new, last_ok_at, last_new_at FROM ("
        f" SELECT *, row_number() OVER (PARTITION BY source ORDER BY checked_at DESC) AS back,"
        f"  max(checked_at) FILTER (WHERE status = 'ok') OVER (PARTITION BY source) AS last_ok_at,"
        f"  max(checked_at) FILTER (WHERE articles_new > 0) OVER (PARTITION BY source) AS last_new_at FROM ("
        f"  SELECT source, checked_at, status, yield, median_words, articles_new FROM source_health {where}))"
        f" WHERE back <= ? ORDER BY source, checked_at", [sources, sources, trend_runs]).fetchall()
    for source, checked_at, status, yield_, words, new, last_ok, last_new in points:
        entry = out[source]
        entry["last_ok_at"], entry["last_new_at"] = last_ok, last_new
        entry["trend"].append({"checked_at": checked_at, "status": status, "yield": yield_, "median_words": words,
                               "articles_new": new})
    return out


def judge_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, done: list[tuple[Source, Tally]],
              checked_at: datetime) -> list[dict]:
    """Judge each source a run went through against its own history, write the rows, and return them."""
    past = histories(con, [source.name for source, _ in done], flow, run_id, checked_at - timedelta(days=HISTORY_DAYS))
    rows = []
    for source, tally in done:
        now = figures(source.name, source.kind, flow, tally)
        rows.append(as_row(run_id, checked_at, now, judge(now, past[source.name], source.health)))
    write_health(con, rows)
    return rows
