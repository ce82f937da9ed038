"""The warehouse as a DuckLake: tables in a PostgreSQL catalog, rows in Parquet files under a data folder,
so that several processes and machines write at once.

Setting: `ducklake:postgres:<libpq connection string>` (e.g. `ducklake:postgres:host=db port=5432
dbname=akhbar user=akhbar`), the data folder given beside it (`--lake-data`, $AKHBAR_LAKE_DATA). The
extensions come from the PyPI packages `duckdb-extension-ducklake` and `duckdb-extension-postgres-scanner`
and are loaded by file path: nothing is downloaded at run time.

DuckLake commits optimistically: a writer whose commit conflicts with one committed meanwhile (both
changed rows of one table) fails, and `Lake.write` runs its batch again from the start on the new state,
until it lands. The lake has no keys: upserts are MERGE INTO (tasks.warehouse.database.upsert), migrations are
applied without their PRIMARY KEY constraints (tasks.warehouse.database.keyless).
"""
from __future__ import annotations

import itertools
import logging
import random
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from tasks.warehouse.database import T, Warehouse, quoted

PREFIX = "ducklake:"
log = logging.getLogger(__name__)
_EXTENSIONS = {"ducklake": "duckdb_extension_ducklake", "postgres_scanner": "duckdb_extension_postgres_scanner"}


def is_lake_setting(setting: str) -> bool:
    return setting.startswith(PREFIX)


def extension_file(name: str) -> Path:
    """The `.duckdb_extension` file the PyPI package of extension `name` installed for this DuckDB."""
    package = __import__(_EXTENSIONS[name])
    found = sorted(Path(package.__path__[0]).glob(f"extensions/v{duckdb.__version__}/{name}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"no {name} extension for DuckDB {duckdb.__version__} in {package.__path__[0]}")
    return found[0]


def is_conflict(exc: BaseException) -> bool:
    """A commit that lost to a conflicting one committed meanwhile: the batch can be run again."""
    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


class Lake(Warehouse):
    """A DuckLake catalog; `connect()` yields a connection whose default catalog is the lake."""

    def __init__(self, setting: str, data_path: str | None, retry_for: float = 3600.0):
        if not is_lake_setting(setting):
            raise ValueError(f"a DuckLake setting starts with {PREFIX!r}: {setting!r}")
        if not data_path:
            raise ValueError("a DuckLake warehouse needs its data folder: --lake-data or AKHBAR_LAKE_DATA")
        self.setting = setting
        self.data_path = str(Path(data_path).resolve())
        self.retry_for = retry_for
        self.conflicts = 0  # batches run again after a conflicting commit, by this object

    def __str__(self) -> str:
        return f"{self.setting} (data {self.data_path})"

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect()
        try:
            con.execute("SET TimeZone = 'UTC'")
            for name in _EXTENSIONS:
                con.execute(f"LOAD '{extension_file(name)}'")
            Path(self.data_path).mkdir(parents=True, exist_ok=True)
            options = f"DATA_PATH '{quoted(self.data_path)}'" + (", READ_ONLY" if read_only else "")
            con.execute(f"ATTACH '{quoted(self.setting)}' AS lake ({options})")
            con.execute("USE lake")
            yield con
        finally:
            con.close()

    @contextmanager
    def reading(self, timeout: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection: a lake's readers and writers never wait for each other (each reads the
        snapshot committed when it began), so there is no lock; `timeout` is the file warehouse's."""
        with self.connect(read_only=True) as con:
            yield con

    def write(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`work(con)` until it commits: after a conflict it runs again from the start, on a new connection
        (a batch reads what it upserts against, so it must see what the other writer committed)."""
        deadline = time.monotonic() + self.retry_for
        delay = 0.05
        for attempt in itertools.count(1):
            try:
                with self.connect() as con:
                    return work(con)
            except duckdb.Error as exc:
                if not is_conflict(exc) or time.monotonic() > deadline:
                    raise
                self.conflicts += 1
                log.info("commit conflict with another writer (attempt %d): the batch runs again", attempt)
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 2.0)
        raise AssertionError("itertools.count does not end")
