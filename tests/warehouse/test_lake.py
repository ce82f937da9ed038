"""The warehouse as a DuckLake (PostgreSQL catalog, Parquet data folder) against a real PostgreSQL server
started here: the seeds through the real ingest flow, a re-run that changes nothing, and two processes
writing different batches at once, both landing."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import uuid
from pathlib import Path

import pytest

from tasks.acquire.load import list_folder
from tasks.run.pipeline import ingest_listing
from tasks.warehouse.database import keyless, migrations, transaction, wide_rows
from tasks.warehouse.lake import Lake
from tasks.warehouse.setting import open_warehouse
from tests.support.paths import ROOT, SEEDS
from tests.support.postgres import bin_dir, postgres_server
from tests.support.serve import served

# Compared before and after a re-run: what a run writes about the articles themselves.
CONTENT = {
    "documents": "doc_id, raw_sha256, meta",  # a rejected input's document is written again, by design
    "articles": "article_id, text_sha256, title, published_at, dup_of, story_id, run_id, first_run_id, updated_at",
    "entities": "entity_id, name, type",
    "mentions": "article_id, entity_id, start, \"end\", role",
    "events": "event_id, article_id, event_type, happening_id",
    "stories": "story_id, title, article_count",
}


@pytest.fixture(scope="module")
def postgres():
    found = bin_dir()
    if found is None:
        reason = "PostgreSQL is not installed (Debian: apt-get install -y postgresql; make test installs it as root)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with postgres_server(found) as server:
        yield server


@pytest.fixture()
def lake(postgres, tmp_path) -> Lake:
    catalog = postgres.create_database("lake_" + uuid.uuid4().hex[:8])
    return open_warehouse(f"ducklake:postgres:{catalog}", str(tmp_path / "lake"))


def _rows(lake: Lake, sql: str) -> list[tuple]:
    with lake.connect() as con:
        return con.execute(sql).fetchall()


def _snapshot(lake: Lake) -> dict[str, list[tuple]]:
    return {table: _rows(lake, f"SELECT {columns} FROM {table} ORDER BY ALL") for table, columns in CONTENT.items()}


def test_seeds_land_in_the_lake_and_a_rerun_changes_nothing(lake, tmp_path, prefect_harness):
    from flows.ingest import ingest

    folder = tmp_path / "inputs"
    shutil.copytree(SEEDS, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4 not an article")
    setting = lake.setting

    first = ingest(source=str(folder), warehouse=setting, lake_data=lake.data_path)
    assert first["articles"]["new"] == 5
    assert first["rejects"] == {"empty": 1, "unsupported_type": 1}
    assert _rows(lake, "SELECT count(*) FROM articles")[0][0] == 5
    assert sorted(_rows(lake, "SELECT input_ref, reason, attempts FROM rejects")) == [
        ("inputs/empty.txt", "empty", 1), ("inputs/scan.pdf", "unsupported_type", 1)]
    assert _rows(lake, "SELECT count(*) FROM mentions")[0][0] > 0
    assert _rows(lake, "SELECT status FROM runs") == [("completed",)]
    assert list(Path(lake.data_path).rglob("*.parquet")), "rows are kept as Parquet files in the data folder"
    assert _rows(lake, "SELECT type FROM duckdb_databases() WHERE database_name = current_database()") == [("ducklake",)]
    before = _snapshot(lake)

    second = ingest(source=str(folder), warehouse=setting, lake_data=lake.data_path)
    assert second["articles"] == {"new": 0, "updated": 0, "unchanged": 5, "duplicate": 0, "out_of_window": 0}
    assert _snapshot(lake) == before
    assert sorted(_rows(lake, "SELECT input_ref, attempts, first_run_id, run_id FROM rejects")) == [
        ("inputs/empty.txt", 2, first["run_id"], second["run_id"]),
        ("inputs/scan.pdf", 2, first["run_id"], second["run_id"])]
    assert _rows(lake, "SELECT count(*) FROM schema_version")[0][0] == len(migrations())

    # the explorer reads the lake as it reads a file
    from akhbar.explore.app import create_app

    (story_id, title), = _rows(lake, "SELECT story_id, title FROM stories ORDER BY article_count DESC, story_id LIMIT 1")
    with served(create_app(lake)) as client:
        assert title in client.get("/").text
        assert client.get(f"/story/{story_id}").status_code == 200
        found = client.get("/search", params={"q": "دمشق"}).text.count('href="/article/')
        assert 0 < found <= _rows(lake, "SELECT count(*) FROM articles WHERE text LIKE '%دمشق%'")[0][0]


def test_keyless_migrations_keep_every_column_and_no_key():
    sql = {m.name: keyless(m.sql) for m in migrations()}
    assert all("PRIMARY KEY" not in text for text in sql.values())
    assert "    run_id       VARCHAR,        -- the Prefect flow run id" in sql["initial"]
    assert "    resolved_run_id  VARCHAR\n\n);" in sql["initial"]
    assert "    run_id        VARCHAR NOT NULL\n\n);" in sql["enrichment"]


def _write_folder(setting: str, data_path: str, folder: str, run_id: str, start) -> None:
    """One writer process: every file of `folder`, one batch (one lake transaction) per file."""
    start.wait()
    ingest_listing(Lake(setting, data_path), run_id, list_folder(folder), batch_size=1)


def test_two_processes_writing_at_once_both_land(lake):
    lake.migrate()
    folders = {"seeds": str(SEEDS), "pages": str(ROOT / "tests/fixtures/text_pages")}
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(len(folders))
    writers = [ctx.Process(target=_write_folder, args=(lake.setting, lake.data_path, folder, f"run-{name}", start))
               for name, folder in folders.items()]
    for w in writers:
        w.start()
    for w in writers:
        w.join(600)
    assert [w.exitcode for w in writers] == [0, 0]
    landed = dict(_rows(lake, "SELECT run_id, count(*) FROM documents GROUP BY run_id"))
    assert landed == {"run-seeds": 5, "run-pages": 4}  # the pages folder's expected.json is a reject, not a document
    assert _rows(lake, "SELECT input_ref, reason FROM rejects") == [("text_pages/expected.json", "unsupported_type")]
    assert _rows(lake, "SELECT count(*), count(DISTINCT article_id) FROM articles")[0] == (9, 9)
    assert _rows(lake, "SELECT count(*) FROM minhash")[0][0] == 9


def test_a_batch_whose_commit_conflicts_runs_again(lake):
    lake.migrate()
    lake.write(lambda con: con.execute("INSERT INTO fetch_state (url, source, kind, last_fetched_at, failures, run_id)"
                                       " VALUES ('u1', 's', 'page', now(), 0, 'r0'), ('u2', 's', 'page', now(), 0, 'r0')"))
    attempts = []

    def batch(con):
        attempts.append(len(attempts) + 1)
        with transaction(con):
            con.execute("UPDATE fetch_state SET failures = failures + 1 WHERE url = 'u1'")
            if len(attempts) == 1:  # another writer commits a change to the same table meanwhile
                with lake.connect() as other:
                    other.execute("UPDATE fetch_state SET failures = failures + 10 WHERE url = 'u2'")
        return "landed"

    assert lake.write(batch) == "landed"
    assert attempts == [1, 2]
    assert dict(_rows(lake, "SELECT url, failures FROM fetch_state")) == {"u1": 1, "u2": 10}


def test_wide_rows_are_read_from_the_lake_committed_or_not(lake):
    lake.migrate()
    lake.write(lambda con: con.execute("INSERT INTO minhash VALUES ('a1', '\\x01'::BLOB, 9, 'r', '\\x02'::BLOB),"
                                       " ('a2', '\\x03'::BLOB, 9, 'r', NULL)"))

    def read(con):
        con.execute("INSERT INTO minhash VALUES ('a3', '\\x04'::BLOB, 9, 'r', '\\x05'::BLOB)")
        return sorted(wide_rows(con, "minhash", ["a3", "a1", "a2", "a9", "a1"], "signature, shingle_hashes"))

    assert lake.write(read) == [("a1", b"\x01", b"\x02"), ("a2", b"\x03", None), ("a3", b"\x04", b"\x05")]

