"""The DuckDB warehouse: migrations, the run ledger, and batch writes through Arrow.

DuckDB lets one process at a time open a file read-write, and refuses every other process meanwhile.
Connections here are short-lived (one per batch write) and taken under an exclusive advisory lock on
`<file>.lock`, so concurrent runs queue instead of failing and, between batches, nobody holds the file.
Several writers at once (several machines): a DuckLake catalog instead (tasks.warehouse.lake); `open_warehouse`
(tasks.warehouse.setting) opens the one a setting names.
"""
from __future__ import annotations

import fcntl
import hashlib
import itertools
import json
import os
import re
import socket
import threading
import time
from collections.abc import Collection
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

import duckdb
import pyarrow as pa

from tasks import PROJECT_ROOT

SCHEMA_DIR = PROJECT_ROOT / "schemas"
T = TypeVar("T")
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def migrations(directory: Path = SCHEMA_DIR) -> list[Migration]:
    """The numbered SQL files of `schemas/`, in order."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        m = _MIGRATION_NAME.match(path.name)
        if not m:
            raise MigrationError(f"{path.name}: migration files are named NNN_snake_case.sql")
        found.append(Migration(int(m.group(1)), m.group(2), path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migrations share a number: {versions}")
    return found


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Warehouse:
    """A DuckDB file plus the lock that serializes writers across processes."""

    def __init__(self, path: str | os.PathLike, lock_timeout: float = 3600.0):
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.lock_timeout = lock_timeout

    def __str__(self) -> str:
        return str(self.path)

    @contextmanager
    def _locked(self, mode: int, timeout: float, poll: float, waiting_for: str) -> Iterator[float]:
        """The lock file held in `mode` (LOCK_EX for a writer, LOCK_SH for readers); yields the deadline."""
        with open(self.lock_path, "a+") as lock_file:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(lock_file, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"waited {timeout:.0f}s for {waiting_for} {self.path}")
                    time.sleep(poll)
            try:
                yield deadline
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection held under the writer lock; closed (and the file freed) on exit."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked(fcntl.LOCK_EX, self.lock_timeout, 0.05, "the writer lock on") as deadline:
            con = _connect_retrying(self.path, deadline)
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def reading(self, timeout: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection for a reader that comes and goes (the explorer, `akhbar sources`): held under a
        shared lock on the writer lock's file, so that a writer waits for it to close (milliseconds) instead of
        failing to open the file, and it waits for a writer's batch. The file is attached read-only to this
        process's reading instance while any reader has it (`_Attached`)."""
        with self._locked(fcntl.LOCK_SH, timeout, 0.02, "a batch being written to"):
            with _ATTACHED.cursor(self.path) as con:
                yield con

    def write(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`work(con)` on a connection of its own: one batch's transaction (a DuckLake retries it on a conflict).
        Closing the connection checkpoints the batch into the file; see `vacuum_due` for when that
        checkpoint also merges row groups."""
        with self.connect() as con:
            result = work(con)
            if vacuum_due(self.path):
                con.execute("RESET max_vacuum_tasks")
            return result

    def migrate(self) -> list[int]:
        """Apply the migrations this warehouse lacks, each in its own transaction; return their numbers."""
        return self.write(apply_migrations)


MEMORY_ENV = "AKHBAR_DUCKDB_MEMORY"
DEFAULT_MEMORY = "160MB"
_MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*([KMGT]i?B|B)?", re.I)


def memory_limit() -> str:
    """DuckDB's memory limit for the pipeline's connections ($AKHBAR_DUCKDB_MEMORY, default 160MB). DuckDB's
    own default is 80% of the machine's memory: its cache of table blocks would grow with the warehouse.
    Under the limit, cached blocks are evicted and large intermediate results spill to disk."""
    value = os.environ.get(MEMORY_ENV, "").strip() or DEFAULT_MEMORY
    if not _MEMORY_SIZE.fullmatch(value):
        raise ValueError(f"{MEMORY_ENV} must be a size such as 512MB or 2GB, not {value!r}")
    return value


VACUUM_EVERY = 10  # batch writes to one file, in one process, per checkpoint that merges row groups
_writes_since_vacuum: dict[Path, int] = {}


def vacuum_due(path: Path) -> bool:
    """Whether this write's checkpoint should merge row groups (DuckDB's vacuum): on the first write of a
    process to the file, then on every VACUUM_EVERY-th.

    Each batch committed and checkpointed on its own becomes a row group of its own. DuckDB's default is to
    merge small row groups at every checkpoint, which rewrites the rows merged so far each time: in a run
    of 5,000 documents the checkpoint after each batch of 200 grew from 0.1 to 0.8 s, 10 s of the writer's
    CPU in all. Connections here turn the vacuum off (`SET max_vacuum_tasks = 0`) and these writes turn it
    back on: the small row groups of up to VACUUM_EVERY batches are merged at once (4.9 s without any
    merging, 6.7 s this way; docs/benchmarks.md), and their number, which the writer's memory and every scan
    pay for, stays bounded. The first write of a process merges what earlier runs left unmerged."""
    path = path.resolve()
    count = _writes_since_vacuum.get(path, 0)
    _writes_since_vacuum[path] = count + 1
    return count % VACUUM_EVERY == 0


# DuckDB weighs FSST for every string column at every checkpoint, and its trial costs a tenth of the writer's
# CPU (make bench-writer: 2.52 -> 2.29 ms a document at 10k, the checkpoints 0.59 -> 0.36). On this
# warehouse's columns (Arabic text, hex ids, JSON, already-compressed pages) it is almost never chosen:
# 11 of 1,274 segments at 4,000 documents. Without it the file is the same size to the byte at 4,000 documents
# and 0.6% larger at 100,000 (docs/benchmarks.md, "Tried and not kept").
DISABLED_COMPRESSION = "fsst"
THREADS_ENV = "AKHBAR_DUCKDB_THREADS"


def duckdb_threads() -> int:
    """DuckDB threads for the pipeline's connections ($AKHBAR_DUCKDB_THREADS, default 1). The pipeline's
    statements are small (one batch), and the worker processes use the cores: with DuckDB's default (one
    thread per core) the writer spent a quarter more CPU for the same batches (docs/benchmarks.md)."""
    value = os.environ.get(THREADS_ENV, "").strip() or "1"
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{THREADS_ENV} must be a whole number of at least 1, not {value!r}")
    return int(value)


class _Attached:
    """One in-memory DuckDB instance a process reads through: a warehouse file is attached to it read-only while
    any `Warehouse.reading` of it is open, and detached when the last one closes (so nothing is held while
    idle). Attaching costs about 8 ms where a new connection to the file costs 20 to 35 ms: most of a page."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._instance: duckdb.DuckDBPyConnection | None = None
        self._readers: dict[str, int] = {}  # by alias: one file however its path is spelt

    @staticmethod
    def alias(path: Path) -> str:
        return "r_" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16]

    @contextmanager
    def cursor(self, path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
        alias = self.alias(path)
        with self._lock:
            if self._instance is None:
                self._instance = duckdb.connect()
                self._instance.execute("SET TimeZone = 'UTC'")
                self._instance.execute("SET enable_progress_bar = false")
            if not self._readers.get(alias):
                self._instance.execute(f"ATTACH '{quoted(str(path))}' AS {alias} (READ_ONLY)")
            self._readers[alias] = self._readers.get(alias, 0) + 1
            con = self._instance.cursor()
        try:
            con.execute(f"USE {alias}")
            yield con
        finally:
            con.close()
            with self._lock:
                self._readers[alias] -= 1
                if not self._readers[alias]:
                    del self._readers[alias]
                    self._instance.execute(f"DETACH {alias}")


_ATTACHED = _Attached()


def quoted(text: str) -> str:
    """`text` inside a SQL string literal ('...'), for statements that take no parameters (ATTACH)."""
    return text.replace("'", "''")


def _connect_retrying(path: Path, deadline: float) -> duckdb.DuckDBPyConnection:
    """Open the file; another process outside our lock (an analyst's shell) may hold it: wait for it."""
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path))
            con.execute(f"SET memory_limit = '{memory_limit()}'")
            con.execute(f"SET threads = {duckdb_threads()}")
            con.execute("SET enable_progress_bar = false")
            con.execute("SET max_vacuum_tasks = 0")  # row groups are merged on some writes only (vacuum_due)
            con.execute(f"SET disabled_compression_methods = '{DISABLED_COMPRESSION}'")
            con.execute("SET TimeZone = 'UTC'")  # TIMESTAMPTZ values come back in UTC on any host
            return con
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's default catalog is a DuckLake (no keys, no ON CONFLICT: MERGE instead)."""
    row = con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return row is not None and row[0] == "ducklake"


_TABLE_KEY = re.compile(r",(\s*--[^\n]*)?\s*PRIMARY KEY\s*\([^)]*\)")
_COLUMN_KEY = re.compile(r"\s+(PRIMARY KEY|UNIQUE)\b")


def keyless(sql: str) -> str:
    """DDL without PRIMARY KEY / UNIQUE constraints, for a DuckLake (which has none; writers upsert by MERGE)."""
    return _COLUMN_KEY.sub("", _TABLE_KEY.sub(lambda m: (m.group(1) or "") + "\n", sql))


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT, rolled back on an error. A DuckLake COMMIT that lost to a conflicting one has
    already ended its transaction: that error is raised as it is, not hidden by a failing ROLLBACK."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


# Tables whose one-row-per-key is kept by their writer (MERGE), without a constraint (migrations 008, 016).
UNKEYED = frozenset({"documents", "articles", "entities", "entity_aliases"})


def upsert(con: duckdb.DuckDBPyConnection, table: str, source: str, key: tuple[str, ...], updates: str | None,
           params: list | None = None) -> None:
    """Insert the rows of `source` (a registered table, or a parenthesized SELECT) into `table`; a row whose
    `key` is stored already gets `updates` (a SET list written against `excluded`, the new row, and `table`,
    the stored one), or is left as stored when `updates` is None. INSERT ... ON CONFLICT on a DuckDB file
    (its primary-key index), MERGE INTO on a DuckLake and for the tables without a key constraint
    (UNKEYED). Rows of one call must have distinct keys."""
    if table in UNKEYED or is_lake(con):
        on = " AND ".join(f"{table}.{k} = excluded.{k}" for k in key)
        matched = f" WHEN MATCHED THEN UPDATE SET {updates}" if updates else ""
        con.execute(f"MERGE INTO {table} USING {source} AS excluded ON {on}{matched} WHEN NOT MATCHED THEN INSERT BY NAME",
                    params)
    else:
        action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {source} ON CONFLICT ({', '.join(key)}) {action}", params)


def replace_rows(con: duckdb.DuckDBPyConnection, table: str, source: str, key: tuple[str, ...],
                 keep: tuple[str, ...] = ()) -> None:
    """Insert the rows of `source` (a registered table) into `table`, replacing the stored row of the same `key`
    whole, but for the columns in `keep` and those `source` lacks, which keep the stored row's values (a `keep`
    column the stored row leaves NULL takes the new row's).

    On a DuckDB file the stored row is deleted and the new one appended, not updated in place: DuckDB's
    checkpoint rewrites every updated column of a row group whole, so one re-extracted article updated in
    place made the batch's checkpoint rewrite its row group's text, pages and every other column: 0.6 s at
    90,000 articles against 0.15 s (docs/benchmarks.md). A deleted row costs the checkpoint a deletion mark.
    On a DuckLake (which writes an update as a deletion and an insertion anyway): MERGE INTO (`upsert`)."""
    new_columns = [d[0] for d in con.execute(f"SELECT * FROM {source} LIMIT 0").description]
    if is_lake(con):
        kept = set(key) | set(keep)
        upsert(con, table, source, key, replace_all(new_columns, kept))
        return
    stored_columns = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
    carried = [c for c in stored_columns if c not in key and (c in keep or c not in new_columns)]
    on = " AND ".join(f'{table}."{k}" = s."{k}"' for k in key)
    matched = f"EXISTS (SELECT 1 FROM {source} s WHERE {on})"
    columns = ", ".join(_quoted([*key, *carried]))
    stored = con.execute(f"SELECT {columns} FROM {table} WHERE {matched}").fetch_arrow_table()
    if not stored.num_rows:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {source}")
        return
    # a carried column the new row has takes the stored value when there is one, else the new row's
    chosen = [f'coalesce(r."{c}", s."{c}") AS "{c}"' for c in carried if c in new_columns]
    replace = f" REPLACE ({', '.join(chosen)})" if chosen else ""
    lacking = "".join(f', r."{c}"' for c in carried if c not in new_columns)
    con.register("replaced_rows", stored)
    try:
        con.execute(f"DELETE FROM {table} WHERE {matched}")
        con.execute(f"INSERT INTO {table} BY NAME SELECT s.*{replace}{lacking} FROM {source} s"
                    f" LEFT JOIN replaced_rows r USING ({', '.join(_quoted(key))})")
    finally:
        con.unregister("replaced_rows")


def replace_all(columns: Iterable[str], kept: Collection[str] = ()) -> str:
    """The SET list of `upsert` that gives a stored row the new row's value of every column but those `kept`."""
    return ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in kept)


def _quoted(columns: Iterable[str]) -> list[str]:
    return [f'"{c}"' for c in columns]


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    ddl = keyless if is_lake(con) else (lambda sql: sql)
    con.execute(ddl(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    ))
    applied = {v: c for v, c in con.execute("SELECT version, checksum FROM schema_version").fetchall()}
    done = []
    for mig in migrations():
        if mig.version in applied:
            if applied[mig.version] != mig.checksum:
                raise MigrationError(
                    f"migration {mig.version:03d}_{mig.name} changed after it was applied; add a new migration instead"
                )
            continue
        with transaction(con):
            con.execute(ddl(mig.sql))
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?, ?)", [mig.version, mig.name, mig.checksum, utcnow()])
        done.append(mig.version)
    return done


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, params: dict) -> None:
    upsert(
        con, "runs",
        "(SELECT ?::VARCHAR AS run_id, ?::VARCHAR AS flow, ?::TIMESTAMPTZ AS started_at, 'running' AS status,"
        " ?::JSON AS params, ?::VARCHAR AS host, ?::INTEGER AS pid)",
        ("run_id",), "started_at = excluded.started_at, status = 'running', finished_at = NULL, host = excluded.host,"
        " pid = excluded.pid",
        [run_id, flow, utcnow(), json.dumps(params, default=str), socket.gethostname(), os.getpid()],
    )


def mark_abandoned_runs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Runs left `running` by a process of this host that no longer exists (killed, crashed) become
    `abandoned`. Their committed batches stay: every batch was one transaction."""
    host = socket.gethostname()
    stale = [
        run_id for run_id, pid in con.execute(
            "SELECT run_id, pid FROM runs WHERE status = 'running' AND host = ?", [host]).fetchall()
        if pid is not None and not _alive(pid)
    ]
    if stale:
        con.execute(
            "UPDATE runs SET status = 'abandoned', finished_at = ?, error = 'the process running it ended without finishing'"
            f" WHERE run_id IN {SPLIT_IDS}", [utcnow(), *split_ids(stale)])
    return stale


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, counts: dict, error: str | None = None) -> None:
    con.execute(
        "UPDATE runs SET finished_at = ?, status = ?, counts = ?, error = ? WHERE run_id = ?",
        [utcnow(), status, json.dumps(counts, default=str), error, run_id],
    )


def arrow_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Rows as an Arrow table of the given schema (the fast path into DuckDB)."""
    return pa.Table.from_pylist(rows, schema=schema)


def last_wins(rows: list[dict], *key: str) -> list[dict]:
    """Keep one row per key, the last given. INSERT ... ON CONFLICT would silently keep the first."""
    by_key = {tuple(r[k] for k in key): r for r in rows}
    return list(by_key.values())


SMALL_ID_LIST = 256
_id_tables = itertools.count()


@contextmanager
def id_set(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> Iterator[tuple[str, list]]:
    """`(sql, params)` for `col IN {sql}`: a list of values (`id_list`) for up to SMALL_ID_LIST ids, else a
    one-column Arrow table registered for the duration. Binding thousands of parameters costs far more
    than the query (0.10 s for 5,000 ids on a 10k-article warehouse, against 0.006 s as a table), and
    a batch whose articles have many copies asks for that many."""
    ids = list(ids)
    if len(ids) <= SMALL_ID_LIST:
        yield id_list(ids)
        return
    name = f"id_set_{next(_id_tables)}"
    con.register(name, pa.table({"id": pa.array(ids, pa.string())}))
    try:
        yield f"(SELECT id FROM {name})", []
    finally:
        con.unregister(name)


_LOCAL_ROWIDS = 1 << 62  # DuckDB numbers the rows a transaction appended, until it commits, from here on


def wide_rows(con: duckdb.DuckDBPyConnection, table: str, ids: Sequence[str], columns: str) -> list[tuple]:
    """`SELECT article_id, {columns} FROM {table} WHERE article_id IN ids`, for tables whose columns are
    wide (signatures, shingle hashes). Filtered by article_id, DuckDB reads the wide columns of every row
    to join them (0.92 s for 100 ids among 1M signatures under the pipeline's memory limit and single
    thread); so the ids' row ids are found first (a scan of article_id alone: 0.03 s), then those rows read
    within their range (0.02 s). A DuckLake table is read the plain way."""
    ids = sorted(set(ids))
    if not ids:
        return []
    with id_set(con, ids) as (among, params):
        if is_lake(con):
            return con.execute(f"SELECT article_id, {columns} FROM {table} WHERE article_id IN {among}", params).fetchall()
        rowids = sorted(r[0] for r in con.execute(f"SELECT rowid FROM {table} WHERE article_id IN {among}", params).fetchall())
    found: list[tuple] = []
    for part in ([r for r in rowids if r < _LOCAL_ROWIDS], [r for r in rowids if r >= _LOCAL_ROWIDS]):
        if part:
            found += con.execute(f"SELECT article_id, {columns} FROM {table} WHERE rowid BETWEEN {part[0]} AND {part[-1]}"
                                 f" AND rowid IN ({', '.join(map(str, part))})").fetchall()
    return found


# `col IN {SPLIT_IDS}` with `split_ids(ids)` as its two parameters: the ids as one string, split in SQL.
# DuckDB's client binds a list parameter element by element, each a Python object it inspects (and for which
# it tries `import pandas`: tasks/__init__.py), about 25 µs an id; one string is one object. On 400 ids
# over 200,000 keyed rows: 3.2 ms against 10.1 for `IN (SELECT unnest(?::VARCHAR[]))` and 14.8 for a list of
# 400 bound parameters. `id_list` pushes the filter into the scan, and is kept where a table's size calls for
# it (docs/benchmarks.md); it writes plain ids into the SQL, so it no longer binds them.
SPLIT_IDS = "(SELECT unnest(string_split(?, ?)[2:]))"
_SEPARATORS = tuple(chr(c) for c in range(31, 0, -1))  # control characters, the unit separator first


def split_ids(ids: Iterable[str]) -> list[str]:
    """The two parameters of SPLIT_IDS: every id after a separator that none of them holds (so that no ids
    and one empty id differ), and that separator."""
    ids = list(ids)
    if not ids:
        return ["", _SEPARATORS[0]]
    for separator in _SEPARATORS:
        joined = separator + separator.join(ids)
        if joined.count(separator) == len(ids):
            return [joined, separator]
    raise ValueError("every separator SPLIT_IDS could use occurs in the ids")


_PLAIN_ID = re.compile(r"[0-9A-Za-z_.:-]+")  # no quote, no backslash, nothing SQL reads in a literal


def stored_among(ids: Iterable[str], stored: Collection[str] | None) -> list[str]:
    """The ids whose per-article rows may be stored already, so need replacing: those in `stored`, or all of
    them when it is None (the caller does not know). A new article's rows need no DELETE, a scan of its table."""
    return [i for i in ids if stored is None or i in stored]


def id_list(ids: Sequence[str]) -> tuple[str, list]:
    """`(sql, params)` for `col IN {sql}`: a list of values, which DuckDB pushes into the scan (and looks up
    in a primary-key index where the column has one), as `IN (SELECT unnest(?))` does not (a join over a full
    scan). Ids of letters, digits and `_.:-` only (the warehouse's keys: hex digests) are written into the
    SQL as quoted literals: as parameters they cost 2.5 times as much (400 ids: 9-10 ms a statement against
    3.3-4.5; DuckDB's client inspects each parameter, trying `import pandas` twice for it). Any other id (a
    name, say, or a value that is not a string) makes it a list of parameters."""
    if not ids:
        raise ValueError("id_list needs at least one id")
    if all(isinstance(i, str) and _PLAIN_ID.fullmatch(i) for i in ids):
        return "(" + ", ".join(f"'{i}'" for i in ids) + ")", []
    return "(" + ", ".join("?" * len(ids)) + ")", list(ids)
