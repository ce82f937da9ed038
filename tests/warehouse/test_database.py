"""The DuckDB warehouse on a real file: migrations, connections, id lists, checkpoints, and one writer at a
time across processes."""
from __future__ import annotations

import multiprocessing
import subprocess
import sys
import textwrap
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from schemas.records import Reject
from tasks.run.write import write_batch
from tasks.warehouse.database import (
    SMALL_ID_LIST,
    UNKEYED,
    MigrationError,
    Warehouse,
    migrations,
    replace_rows,
    transaction,
    upsert,
    wide_rows,
)
from tests.support.batches import (
    OTHER_TEXT,
    counts,
    pair,
    query,
    write,
)

# --- migrations ------------------------------------------------------------------------------------


def test_migrations_apply_once_and_are_recorded(warehouse_path):
    wh = Warehouse(warehouse_path)
    expected = migrations()
    versions = [m.version for m in expected]
    assert versions == list(range(1, len(versions) + 1)), "migrations are numbered 1, 2, ... without gaps"
    assert wh.migrate() == versions
    assert warehouse_path.is_file()
    rows = query(wh, "SELECT version, name, checksum, applied_at FROM schema_version")
    assert [(v, n, c) for v, n, c, _ in rows] == [(m.version, m.name, m.checksum) for m in expected]
    applied_at = rows[0][3]
    tables = {r[0] for r in query(wh, "SELECT table_name FROM information_schema.tables")}
    assert {"schema_version", "runs", "documents", "articles", "rejects", "fetch_state"} <= tables

    assert wh.migrate() == []  # re-applying is a no-op
    assert query(wh, "SELECT version, applied_at FROM schema_version ORDER BY 1")[0] == (1, applied_at)
    assert len(query(wh, "SELECT version FROM schema_version")) == len(versions)


def test_migrate_keeps_data(wh):
    write(wh, "run-1", [pair("a.txt")])
    assert wh.migrate() == []
    assert counts(wh.path)["articles"] == 1


def test_migration_009_keeps_the_signatures_and_drops_the_key(warehouse_path, monkeypatch):
    import tasks.warehouse.database as warehouse_module

    wh = Warehouse(warehouse_path)
    before = [m for m in migrations() if m.version < 9]
    monkeypatch.setattr(warehouse_module, "migrations", lambda: before)
    wh.migrate()
    query(wh, "INSERT INTO minhash VALUES ('a1', '\\x01\\x02'::BLOB, 12, 'run-1')")
    assert query(wh, "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'minhash'"
                     " AND constraint_type = 'PRIMARY KEY'") == [(1,)]
    monkeypatch.undo()
    assert wh.migrate() == [m.version for m in migrations() if m.version >= 9]
    assert query(wh, "SELECT article_id, signature, shingles, run_id FROM minhash") == [("a1", b"\x01\x02", 12, "run-1")]
    assert query(wh, "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'minhash'"
                     " AND constraint_type = 'PRIMARY KEY'") == [(0,)]


def test_changed_migration_checksum_raises(wh):
    query(wh, "UPDATE schema_version SET checksum = 'edited-after-apply' WHERE version = 1")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        wh.migrate()


def test_lock_file_beside_the_database(wh):
    assert wh.lock_path == wh.path.with_name("warehouse.duckdb.lock")
    assert wh.lock_path.exists()


# --- batch writes ----------------------------------------------------------------------------------


def test_connections_cap_duckdb_memory_and_threads(wh, monkeypatch):
    with wh.connect() as con:
        assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "152.5 MiB"  # 160MB
    monkeypatch.setenv("AKHBAR_DUCKDB_MEMORY", "2GB")
    with wh.connect() as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "1.8 GiB"  # 2GB
    monkeypatch.setenv("AKHBAR_DUCKDB_THREADS", "3")
    with wh.connect() as con:
        assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 3
    monkeypatch.setenv("AKHBAR_DUCKDB_THREADS", "0")
    with pytest.raises(ValueError, match="AKHBAR_DUCKDB_THREADS"):
        with wh.connect():
            pass
    monkeypatch.setenv("AKHBAR_DUCKDB_MEMORY", "2GB'; DROP TABLE articles; --")
    with pytest.raises(ValueError, match="AKHBAR_DUCKDB_MEMORY"):
        with wh.connect():
            pass


def test_connections_do_not_weigh_fsst_at_checkpoints(wh):
    """URL-like strings, which FSST wins on a plain connection, are stored another way through the
    warehouse's (tasks.warehouse.database.DISABLED_COMPRESSION)."""
    fill = ("INSERT INTO t SELECT 'https://www.example.com/news/2026/12/' || i || '/story-about-' || (i * 7919 % 100003)"
            " FROM range(20000) r(i)")
    used = "SELECT DISTINCT compression FROM pragma_storage_info('t') WHERE column_name = 'u' AND compression <> 'Constant'"
    plain = duckdb.connect(str(wh.path.with_name("plain.duckdb")))
    plain.execute("CREATE TABLE t (u VARCHAR)")
    plain.execute(fill)
    plain.execute("CHECKPOINT")
    assert plain.execute(used).fetchall() == [("FSST",)]
    plain.close()
    with wh.connect() as con:
        con.execute("CREATE TABLE t (u VARCHAR)")
        con.execute(fill)
        con.execute("CHECKPOINT")
        assert con.execute(used).fetchall() == [("Uncompressed",)]


@pytest.mark.parametrize("ids, literal", [
    (["0f3a9c", "b7e1d2"], True),  # hex digests: the warehouse's keys
    (["run:2026-12-05_a.b-c"], True),
    (["it's"], False),  # a quote: parameters
    (["a' OR '1'='1"], False),
    (["back\\slash", "plain"], False),
    (["بشار الأسد", "x"], False),  # a name
    ([""], False),
])
def test_id_list_writes_plain_ids_as_literals_and_binds_any_other(ids, literal):
    from tasks.warehouse.database import id_list

    con = duckdb.connect()
    con.execute("CREATE TABLE t (id VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[i] for i in ids + ["other", "it", "1"]])
    among, params = id_list(ids)
    assert (params == []) == literal and (params == ids or literal)
    assert sorted(r[0] for r in con.execute(f"SELECT id FROM t WHERE id IN {among}", params).fetchall()) == sorted(ids)


def test_id_list_binds_a_value_that_is_not_a_string():
    from tasks.warehouse.database import id_list

    assert id_list([7, "a"]) == ("(?, ?)", [7, "a"])
    assert id_list([None]) == ("(?)", [None])


def test_id_list_needs_an_id():
    from tasks.warehouse.database import id_list

    with pytest.raises(ValueError):
        id_list([])


def test_id_set_as_parameters_or_as_a_table():
    from tasks.warehouse.database import SMALL_ID_LIST, id_set

    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 'id' || i AS id FROM range(1000) r(i)")
    for n in (0, 3, SMALL_ID_LIST + 44):
        wanted = [f"id{i}" for i in range(0, 2 * n, 2)] + ["absent"]
        with id_set(con, wanted) as (among, params):
            assert among.startswith("('") == (len(wanted) <= SMALL_ID_LIST) and not params
            found = {r[0] for r in con.execute(f"SELECT id FROM t WHERE id IN {among}", params).fetchall()}
        assert found == set(wanted) - {"absent"}
        if len(wanted) > SMALL_ID_LIST:  # the table is gone afterwards
            with pytest.raises(duckdb.CatalogException):
                con.execute(f"SELECT * FROM {among[len('(SELECT id FROM '):-1]}")


@pytest.mark.parametrize("ids", [[], [""], ["a"], ["a", "b", "a"], ["x", "", "y"], ["with\x1fseparator", "c"],
                                 [chr(c) for c in range(1, 31)] + ["plain"]])
def test_split_ids_gives_back_every_id_and_no_other(ids):
    from tasks.warehouse.database import SPLIT_IDS, split_ids

    con = duckdb.connect()
    assert [r[0] for r in con.execute(f"SELECT * FROM {SPLIT_IDS}", split_ids(ids)).fetchall()] == ids
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('a'), (''), ('x'), ('zz')) v(id)")
    found = {r[0] for r in con.execute(f"SELECT id FROM t WHERE id IN {SPLIT_IDS}", split_ids(ids)).fetchall()}
    assert found == {"a", "", "x", "zz"} & set(ids)


def test_split_ids_says_when_no_separator_is_left():
    from tasks.warehouse.database import split_ids

    with pytest.raises(ValueError, match="separator"):
        split_ids([chr(c) for c in range(1, 32)])


def test_binding_parameters_searches_for_no_pandas():
    """DuckDB's client tries `import pandas` for every parameter it binds; without pandas installed, each
    try must fail at once (tasks/__init__.py), before the finders that walk sys.path (the spy, last in
    line, stands for them), and still fail as a missing module."""
    from importlib.machinery import PathFinder

    import tasks  # noqa: F401

    class Spy:
        asked: list[str] = []

        def find_spec(self, name, path=None, target=None):
            self.asked.append(name)
            return None

    con = duckdb.connect()
    ids = [f"id{i}" for i in range(50)]
    spy = Spy()
    sys.meta_path.append(spy)
    try:
        rows = con.execute(f"SELECT count(*) FROM range(3) WHERE 'id' || range IN ({', '.join('?' * len(ids))})", ids).fetchall()
    finally:
        sys.meta_path.remove(spy)
    assert rows == [(3,)]
    if PathFinder.find_spec("pandas") is None:  # not installed (the sys.path search itself)
        assert "pandas" not in spy.asked
        with pytest.raises(ModuleNotFoundError):
            import pandas  # noqa: F401


def test_checkpoints_merge_row_groups_on_every_tenth_write_and_a_process_first(tmp_path, monkeypatch):
    """Each batch's checkpoint leaves it a row group of its own (DuckDB's vacuum off), and one write in
    VACUUM_EVERY, and a process's first, merges them (tasks.warehouse.database.vacuum_due)."""
    from tasks.warehouse import database as warehouse_module
    from tasks.warehouse.database import VACUUM_EVERY

    w = Warehouse(tmp_path / "w.duckdb")
    w.write(lambda con: con.execute("CREATE TABLE t (x VARCHAR)"))

    def insert_and_count_row_groups() -> int:
        w.write(lambda con: con.execute("INSERT INTO t SELECT 'row ' || range FROM range(50)"))
        return query(w, "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('t')")[0][0]

    counts = [insert_and_count_row_groups() for _ in range(2 * VACUUM_EVERY)]
    assert counts == list(range(1, VACUUM_EVERY)) + [1] + list(range(2, VACUUM_EVERY + 1)) + [1]
    counts = [insert_and_count_row_groups() for _ in range(3)]
    assert counts == [2, 3, 4]
    monkeypatch.setattr(warehouse_module, "_writes_since_vacuum", {})  # as in a new process
    assert insert_and_count_row_groups() == 1
    assert query(w, "SELECT count(*) FROM t") == [(50 * (2 * VACUUM_EVERY + 4),)]


# --- processes -------------------------------------------------------------------------------------

N_BATCHES = 20
PER_BATCH = 5


def _write_batches(path: str, tag: str, barrier, results) -> None:
    """Child process: write N_BATCHES batches through Warehouse.connect(), each in its own connection."""
    try:
        wh = Warehouse(path, lock_timeout=120)
        barrier.wait(timeout=120)
        for b in range(N_BATCHES):
            pairs = [pair(f"{tag}/{b}/{i}.txt", f"{OTHER_TEXT} {tag} {b} {i}") for i in range(PER_BATCH)]
            with wh.connect() as con:
                write_batch(con, f"run-{tag}", [d for d, _ in pairs], [a for _, a in pairs],
                            [Reject(f"src/{tag}/{b}/bad.txt", "load", "binary", "PDF")], [])
        results.put((tag, None))
    except BaseException:  # report, then fail the process
        results.put((tag, traceback.format_exc()))
        raise


def test_two_processes_write_at_the_same_time(wh):
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_write_batches, args=(str(wh.path), tag, barrier, results)) for tag in ("p1", "p2")]
    for p in procs:
        p.start()
    reports = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert reports == {"p1": None, "p2": None}, "\n".join(str(v) for v in reports.values() if v)
    assert [p.exitcode for p in procs] == [0, 0]
    assert counts(wh.path) == {"documents": 2 * N_BATCHES * PER_BATCH, "articles": 2 * N_BATCHES * PER_BATCH, "rejects": 2 * N_BATCHES}
    assert query(wh, "SELECT run_id, count(*) FROM articles GROUP BY 1 ORDER BY 1") == [("run-p1", N_BATCHES * PER_BATCH), ("run-p2", N_BATCHES * PER_BATCH)]


READER = textwrap.dedent(
    """
    import sys, duckdb
    try:
        con = duckdb.connect(sys.argv[1], read_only=True)
    except duckdb.IOException as exc:
        print("ERROR", exc)
        sys.exit(3)
    print("ARTICLES", con.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
    if len(sys.argv) > 2:  # hold the file open a while, like an analyst's shell
        import time
        time.sleep(float(sys.argv[2]))
    con.close()
    """
)


def run_reader(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", READER, str(path)], capture_output=True, text=True, timeout=60)


def test_other_process_reads_between_batches(wh):
    write(wh, "run-1", [pair("a.txt"), pair("b.txt", OTHER_TEXT)])
    done = run_reader(wh.path)  # no batch being written: nobody holds the file
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split() == ["ARTICLES", "2"]


def test_reader_is_refused_only_while_a_batch_is_written(wh):
    with wh.connect():
        during = run_reader(wh.path)
    assert during.returncode == 3 and "lock" in during.stdout.lower()
    after = run_reader(wh.path)
    assert after.returncode == 0 and after.stdout.split() == ["ARTICLES", "0"]


def test_writer_waits_for_a_reader_holding_the_file(wh):
    reader = subprocess.Popen([sys.executable, "-c", READER, str(wh.path), "1.5"], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().split() == ["ARTICLES", "0"]  # the reader holds the file now
        start = time.monotonic()
        result = write(wh, "run-1", [pair("a.txt")])  # must wait, not fail with "Could not set lock"
        waited = time.monotonic() - start
    finally:
        reader.wait(timeout=30)
    assert reader.returncode == 0
    assert result.articles_new == 1
    assert waited > 0.5
    assert counts(wh.path)["articles"] == 1


def test_migration_011_dates_the_stored_terms(warehouse_path, monkeypatch):
    import tasks.warehouse.database as warehouse_module

    wh = Warehouse(warehouse_path)
    monkeypatch.setattr(warehouse_module, "migrations", lambda: [m for m in migrations() if m.version < 11])
    wh.migrate()
    for article_id, published in (("a1", "2024-03-01 10:00:00+00"), ("a2", None)):
        query(wh, "INSERT INTO articles (article_id, doc_id, source, text, text_sha256, norm_sha256, word_count,"
                  " extractor_version, run_id, first_run_id, updated_at, published_at)"
                  " VALUES (?, ?, 'src', 'text', 'h', 'n', 1, 'v', 'r', 'r', now(), ?::TIMESTAMPTZ)", [article_id, article_id, published])
        query(wh, "INSERT INTO article_terms VALUES (?, 'term', 0.5)", [article_id])
    monkeypatch.undo()
    assert wh.migrate() == [m.version for m in migrations() if m.version >= 11]
    assert query(wh, "SELECT article_id, term, weight, epoch(published_at) FROM article_terms ORDER BY 1") == [
        ("a1", "term", 0.5, datetime(2024, 3, 1, 10, tzinfo=timezone.utc).timestamp()), ("a2", "term", 0.5, None)]


def test_wide_rows_reads_committed_rows_and_the_transactions_own(wh):
    with wh.connect() as con:
        con.execute("INSERT INTO minhash VALUES ('a1', '\\x01'::BLOB, 9, 'r', '\\x02'::BLOB), ('a2', '\\x03'::BLOB, 9, 'r', NULL)")
        with transaction(con):
            con.execute("INSERT INTO minhash VALUES ('a3', '\\x04'::BLOB, 9, 'r', '\\x05'::BLOB)")  # not committed yet
            got = sorted(wide_rows(con, "minhash", ["a3", "a1", "a2", "a9", "a1"], "signature, shingle_hashes"))
            many = wide_rows(con, "minhash", [f"x{i}" for i in range(SMALL_ID_LIST + 1)] + ["a2"], "shingles")
        assert wide_rows(con, "minhash", [], "shingles") == []
    assert got == [("a1", b"\x01", b"\x02"), ("a2", b"\x03", None), ("a3", b"\x04", b"\x05")]
    assert many == [("a2", 9)]  # past SMALL_ID_LIST ids, looked up through a table



def test_a_reader_holds_writers_off_only_while_it_reads(wh):
    """Warehouse.reading: a read-only connection under a shared lock; a writer waits for it, readers share it."""
    impatient = Warehouse(wh.path, lock_timeout=0.3)
    with wh.reading() as con, wh.reading() as other:
        assert con.execute("SELECT count(*) FROM schema_version").fetchone() == other.execute(
            "SELECT count(*) FROM schema_version").fetchone()
        with pytest.raises(duckdb.Error):
            con.execute("CREATE TABLE nope (x INTEGER)")  # read-only
        with pytest.raises(TimeoutError):
            impatient.write(lambda c: c.execute("SELECT 1").fetchone())
    assert impatient.write(lambda c: c.execute("SELECT 1").fetchone()) == (1,)


def test_a_reading_sees_the_last_write_and_leaves_the_file_free(wh):
    """The file is attached to the process's reading instance only while a reader has it: a write in between is
    seen by the next reader, and once the last reader closes, the file opens read-write in this very process."""
    with wh.reading() as con:
        before = con.execute("SELECT count(*) FROM runs").fetchone()[0]
    wh.write(lambda c: c.execute("INSERT INTO runs (run_id, flow, started_at, status) VALUES ('r-read', 'ingest', now(), 'completed')"))
    with wh.reading() as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == before + 1
    duckdb.connect(str(wh.path)).close()  # would fail ("already attached") were the file still held


def test_one_file_read_through_two_spellings_of_its_path_at_once(wh, monkeypatch):
    monkeypatch.chdir(wh.path.parent)
    with Warehouse(wh.path.name).reading() as near, wh.reading() as far:
        assert near.execute("SELECT count(*) FROM runs").fetchone() == far.execute("SELECT count(*) FROM runs").fetchone()
    duckdb.connect(str(wh.path)).close()


def test_enrichment_tables_carry_no_key_index_and_their_writers_keep_one_row_per_key(tmp_path):
    """Migration 016: a key index is written whole at every checkpoint; the writers keep the keys instead."""
    warehouse = Warehouse(tmp_path / "w.duckdb")
    warehouse.migrate()
    with warehouse.connect() as con:
        keyed = {t for t, in con.execute("SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
        enrichment = {"mentions", "temporal_expressions", "quotes", "attributions", "events", "entities", "entity_aliases", "stories"}
        assert not keyed & enrichment and {"entities", "entity_aliases"} <= UNKEYED
        row = "(SELECT 'e1' AS entity_id, ? AS name, 'PER' AS type, 'k' AS name_key, 'r1' AS first_run_id)"
        for name in ("أول", "ثان"):
            upsert(con, "entities", row, ("entity_id",), None, [name])
        assert con.execute("SELECT entity_id, name FROM entities").fetchall() == [("e1", "أول")]
        with pytest.raises(duckdb.ConstraintException):  # a former key column is still required
            con.execute("INSERT INTO mentions (entity_id, surface, \"start\", \"end\", type, model_version, run_id)"
                        " VALUES ('e1', 'x', 0, 1, 'PER', 'm', 'r')")


def test_a_replaced_row_keeps_the_columns_it_is_told_to_and_those_the_new_row_lacks():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (k VARCHAR, body VARCHAR, first_run VARCHAR, linked VARCHAR)")
    con.execute("INSERT INTO t VALUES ('a', 'old', 'r1', 'b'), ('c', 'kept', 'r1', NULL)")
    con.register("new_rows", pa.table({"k": ["a", "d"], "body": ["new", "added"], "first_run": ["r2", "r2"]}))
    replace_rows(con, "t", "new_rows", ("k",), keep=("first_run",))
    assert sorted(con.execute("SELECT * FROM t").fetchall()) == [
        ("a", "new", "r1", "b"), ("c", "kept", "r1", None), ("d", "added", "r2", None)]


def _blocks(con, table: str, column: str) -> list[tuple[int, int]]:
    return con.execute("SELECT row_group_id, block_id FROM pragma_storage_info(?)"
                       " WHERE column_name = ? AND block_id >= 0 ORDER BY ALL",
                       [table, column]).fetchall()


def test_replacing_a_stored_row_leaves_its_row_group_unwritten_where_an_update_rewrites_it(tmp_path):
    """DuckDB's checkpoint rewrites an updated column of a row group whole (the control below shows it on this
    DuckDB): replace_rows deletes the stored row and appends the new one, so the stored text stays where it is."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("SET max_vacuum_tasks = 0")  # as the pipeline's connections (tasks.warehouse.database)
    for table in ("replaced", "updated"):
        con.execute(f"CREATE TABLE {table} AS SELECT 'k' || range AS k, repeat('نص ', 200) || range AS body"
                    " FROM range(5000)")
    con.execute("CHECKPOINT")
    stored = {table: _blocks(con, table, "body") for table in ("replaced", "updated")}
    con.register("new_rows", pa.table({"k": ["k7"], "body": ["نص جديد"]}))
    replace_rows(con, "replaced", "new_rows", ("k",))
    con.execute("UPDATE updated SET body = 'نص جديد' WHERE k = 'k7'")
    con.execute("CHECKPOINT")
    for table in ("replaced", "updated"):
        found = con.execute(f"SELECT count(*), count(*) FILTER (body = 'نص جديد') FROM {table} WHERE k = 'k7'").fetchone()
        assert found == (1, 1)
    assert set(stored["replaced"]) <= set(_blocks(con, "replaced", "body"))
    assert not set(stored["updated"]) & set(_blocks(con, "updated", "body"))
