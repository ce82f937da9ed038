"""The DuckDB warehouse: migrations, the run ledger, and batch writes through Arrow.

DuckDB lets one process at a time open a file read-write, and refuses every other process meanwhile.
Connections here are short-lived (one per batch write) and taken under an exclusive advisory lock on
`<file>.lock`, so concurrent runs queue instead of failing and, between batches, nobody holds the file.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb
import pyarrow as pa

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
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

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection held under the writer lock; closed (and the file freed) on exit."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+") as lock_file:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"waited {self.lock_timeout:.0f}s for the writer lock on {self.path}")
                    time.sleep(0.05)
            try:
                con = _connect_retrying(self.path, deadline)
                try:
                    yield con
                finally:
                    con.close()
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def migrate(self) -> list[int]:
        """Apply the migrations this file lacks, each in its own transaction; return their numbers."""
        with self.connect() as con:
            return apply_migrations(con)


def _connect_retrying(path: Path, deadline: float) -> duckdb.DuckDBPyConnection:
    """Open the file; another process outside our lock (an analyst's shell) may hold it: wait for it."""
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path))
            con.execute("SET TimeZone = 'UTC'")  # TIMESTAMPTZ values come back in UTC on any host
            return con
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    applied = {v: c for v, c in con.execute("SELECT version, checksum FROM schema_version").fetchall()}
    done = []
    for mig in migrations():
        if mig.version in applied:
            if applied[mig.version] != mig.checksum:
                raise MigrationError(
                    f"migration {mig.version:03d}_{mig.name} changed after it was applied; add a new migration instead"
                )
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(mig.sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?, ?)", [mig.version, mig.name, mig.checksum, utcnow()])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        done.append(mig.version)
    return done


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, params: dict) -> None:
    con.execute(
        "INSERT INTO runs (run_id, flow, started_at, status, params, host, pid) VALUES (?, ?, ?, 'running', ?, ?, ?)"
        " ON CONFLICT (run_id) DO UPDATE SET started_at = excluded.started_at, status = 'running', finished_at = NULL,"
        " host = excluded.host, pid = excluded.pid",
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
            " WHERE run_id IN (SELECT unnest(?::VARCHAR[]))", [utcnow(), stale])
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


def id_list(ids) -> str:
    """`(?, ?, …)` for `col IN {id_list(ids)}` with the ids as parameters: DuckDB then pushes the IN filter
    into the scan and uses a primary-key index, which `IN (SELECT unnest(?))` does not (a full scan)."""
    if not ids:
        raise ValueError("id_list needs at least one id")
    return "(" + ", ".join("?" * len(ids)) + ")"
