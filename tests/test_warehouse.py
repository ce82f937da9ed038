"""The DuckDB warehouse on a real file: migrations, batch writes, exact duplicates, rejects, concurrency."""
from __future__ import annotations

import gzip
import multiprocessing
import subprocess
import sys
import textwrap
import time
import traceback
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from schemas.records import Article, Document, Reject
from tasks.acquire.raw import decompress_raw
from tasks.acquire.web import read_stored_raw
from tasks.run.write import load_stored_documents, write_batch
from tasks.text.normalize import sha256_hex, stable_id, text_key
from tasks.warehouse.database import MigrationError, Warehouse, migrations

SOURCE = "src"
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
TEXT = "أعلنت وزارة الصحة السورية يوم الأحد عن افتتاح مستشفى جديد في مدينة حلب بحضور المحافظ."
# The same text as published elsewhere: diacritics, tatweel, Persian letters, hamza and ta marbuta variants.
TEXT_DIACRITICS = "أَعْلَنَتْ وِزَارَةُ الصِّحَّةِ السُّورِيَّةُ يَوْمَ الأَحَدِ عَنْ افْتِتَاحِ مُسْتَشْفًى جَدِيدٍ فِي مَدِينَةِ حَلَبَ بِحُضُورِ المُحَافِظِ."
TEXT_TATWEEL_PERSIAN = "اعلنت وزارـــة الصحه السوریه یوم الاحد عن افتتاح مستشفی جدید فی مدینه حلب بحضور المحافظ."
OTHER_TEXT = "قالت الأمم المتحدة إن المساعدات الإنسانية وصلت إلى مخيمات الشمال السوري صباح اليوم."


# --- factories -------------------------------------------------------------------------------------


def make_doc(name: str, text: str = TEXT, source: str = SOURCE) -> Document:
    raw = text.encode("utf-8")
    return Document(
        doc_id=stable_id("file", source, name),
        url=f"file:///data/{source}/{name}",
        source=source,
        input_ref=f"{source}/{name}",
        fetched_at=T0,
        kind="text",
        raw=raw,
        raw_sha256=sha256_hex(raw),
        content_type="text/plain",
        meta={},
        text=text,
        encoding="utf-8",
    )


def make_article(doc: Document, text: str | None = None, published: datetime | None = T0, **over) -> Article:
    text = doc.text if text is None else text
    fields = dict(
        article_id=stable_id("article", doc.doc_id),
        doc_id=doc.doc_id,
        url=doc.url,
        source=doc.source,
        input_ref=doc.input_ref,
        outlet="سانا",
        title="خبر",
        author=None,
        published_at=published,
        published_from="manifest" if published else None,
        language="ar",
        text=text,
        summary=None,
        text_sha256=sha256_hex(text),
        norm_sha256=sha256_hex(text_key(text)),
        word_count=len(text.split()),
        extractor_version="test-1",
    )
    fields.update(over)
    return Article(**fields)


def pair(name: str, text: str = TEXT, published: datetime | None = T0, **over) -> tuple[Document, Article]:
    doc = make_doc(name, text)
    return doc, make_article(doc, published=published, **over)


def write(wh: Warehouse, run_id: str, pairs=(), rejects=(), succeeded=()):
    with wh.connect() as con:
        return write_batch(con, run_id, [d for d, _ in pairs], [a for _, a in pairs], list(rejects), list(succeeded))


def counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "articles", "rejects")}
    finally:
        con.close()


def query(wh: Warehouse, sql: str, params=None) -> list[tuple]:
    with wh.connect() as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture()
def wh(warehouse_path) -> Warehouse:
    w = Warehouse(warehouse_path)
    w.migrate()
    return w


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
    assert wh.migrate() == [9]
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


def test_batch_with_one_article_id_twice_keeps_the_last(wh):
    doc = make_doc("a.txt")
    first = make_article(doc, text=TEXT, title="الأول")
    last = make_article(doc, text=OTHER_TEXT, title="الأخير")
    assert first.article_id == last.article_id
    with wh.connect() as con:
        result = write_batch(con, "run-1", [doc, doc], [first, last], [], [])
    assert result.articles_new == 1 and result.documents_written == 1
    rows = query(wh, "SELECT article_id, title, text, norm_sha256 FROM articles")
    assert rows == [(last.article_id, "الأخير", OTHER_TEXT, last.norm_sha256)]


def test_batch_with_one_reject_twice_keeps_the_last(wh):
    rejects = [Reject("src/x.txt", "load", "binary", "PDF"), Reject("src/x.txt", "load", "decode_error", "later")]
    with wh.connect() as con:
        result = write_batch(con, "run-1", [], [], rejects, [])
    assert result.rejects == {"binary": 1, "decode_error": 1}  # what the batch met
    assert query(wh, "SELECT reason, detail, attempts FROM rejects") == [("decode_error", "later", 1)]


def test_first_write_stores_every_column(wh):
    doc, art = pair("a.txt")
    result = write(wh, "run-1", [(doc, art)])
    assert (result.articles_new, result.articles_updated, result.articles_unchanged) == (1, 0, 0)
    row = query(wh, "SELECT article_id, doc_id, published_at, run_id, first_run_id, dup_of, text FROM articles")[0]
    assert row == (art.article_id, doc.doc_id, T0, "run-1", "run-1", None, TEXT)
    stored = query(wh, "SELECT raw, raw_compression, raw_bytes, raw_sha256, encoding FROM documents")[0]
    assert stored[0][:4] == b"\x28\xb5\x2f\xfd" and decompress_raw(stored[0], "zstd") == doc.raw  # a zstd frame
    assert stored[1:] == ("zstd", len(doc.raw), doc.raw_sha256, "utf-8")


def test_raw_stored_as_gzip_by_earlier_versions_reads_back(wh):
    doc, art = pair("a.txt")
    write(wh, "run-1", [(doc, art)])
    with wh.connect() as con:
        con.execute("UPDATE documents SET raw = ?, raw_compression = 'gzip'", [gzip.compress(doc.raw)])
        assert [d.raw for d in load_stored_documents(con, [doc.doc_id])] == [doc.raw]
        assert read_stored_raw(con, doc.doc_id) == doc.raw
        con.execute("UPDATE documents SET raw_compression = 'brotli'")
        with pytest.raises(ValueError, match="unknown raw_compression 'brotli'"):
            load_stored_documents(con, [doc.doc_id])


def test_rerunning_the_same_batch_changes_nothing(wh):
    batch = [pair("a.txt"), pair("b.txt", OTHER_TEXT), pair("c.txt", TEXT_DIACRITICS, T0 + timedelta(hours=1))]
    rejects = [Reject("src/bad.txt", "load", "binary", "PDF")]
    first = write(wh, "run-1", batch, rejects)
    assert first.articles_new == 3 and first.articles_duplicate == 1
    before = counts(wh.path)
    snapshot = query(wh, "SELECT article_id, text_sha256, dup_of, first_run_id FROM articles ORDER BY 1")

    again = write(wh, "run-2", batch, rejects)
    assert (again.articles_new, again.articles_updated, again.articles_unchanged) == (0, 0, 3)
    assert again.articles_duplicate == 1
    assert counts(wh.path) == before == {"documents": 3, "articles": 3, "rejects": 1}
    assert query(wh, "SELECT article_id, text_sha256, dup_of, first_run_id FROM articles ORDER BY 1") == snapshot
    assert {r[0] for r in query(wh, "SELECT run_id FROM articles")} == {"run-2"}


def test_changed_text_is_reported_updated(wh):
    write(wh, "run-1", [pair("a.txt"), pair("b.txt", OTHER_TEXT)])
    result = write(wh, "run-2", [pair("a.txt", TEXT + " وأضاف أن الافتتاح تأجل."), pair("b.txt", OTHER_TEXT)])
    assert (result.articles_new, result.articles_updated, result.articles_unchanged) == (0, 1, 1)
    assert query(wh, "SELECT first_run_id, run_id FROM articles WHERE doc_id = ?", [make_doc("a.txt").doc_id]) == [("run-1", "run-2")]


def test_rerun_reports_unchanged_on_a_non_utc_host(wh):
    batch = [pair("a.txt")]
    write(wh, "run-1", batch)
    with wh.connect() as con:
        con.execute("SET TimeZone = 'Asia/Damascus'")  # what duckdb.connect() gives on a host with TZ=Asia/Damascus
        result = write_batch(con, "run-2", [d for d, _ in batch], [a for _, a in batch], [], [])
    assert (result.articles_updated, result.articles_unchanged) == (0, 1)


# --- exact duplicates ------------------------------------------------------------------------------


def test_spelling_variants_share_the_normalized_hash():
    hashes = {make_article(make_doc(n, t)).norm_sha256 for n, t in [("a", TEXT), ("b", TEXT_DIACRITICS), ("c", TEXT_TATWEEL_PERSIAN)]}
    assert len(hashes) == 1
    assert make_article(make_doc("d", OTHER_TEXT)).norm_sha256 not in hashes


def test_later_copy_points_at_the_earlier(wh):
    early_doc, early = pair("early.txt", TEXT_DIACRITICS, T0)
    late_doc, late = pair("late.txt", TEXT_TATWEEL_PERSIAN, T0 + timedelta(days=1))
    other = pair("other.txt", OTHER_TEXT, T0 + timedelta(days=2))
    result = write(wh, "run-1", [(late_doc, late), (early_doc, early), other])  # order in the batch does not matter
    assert result.articles_duplicate == 1
    rows = dict(query(wh, "SELECT article_id, dup_of FROM articles"))
    assert rows == {early.article_id: None, late.article_id: early.article_id, other[1].article_id: None}
    assert query(wh, "SELECT count(DISTINCT norm_sha256) FROM articles WHERE dup_of IS NULL") == [(2,)]
    texts = {r[0] for r in query(wh, "SELECT text FROM articles")}
    assert {TEXT_DIACRITICS, TEXT_TATWEEL_PERSIAN} <= texts  # both copies kept as published


def test_even_earlier_copy_in_a_later_batch_takes_over(wh):
    _, first = pair("first.txt", TEXT, T0)
    _, second = pair("second.txt", TEXT_DIACRITICS, T0 + timedelta(hours=5))
    write(wh, "run-1", [pair("first.txt", TEXT, T0), pair("second.txt", TEXT_DIACRITICS, T0 + timedelta(hours=5))])
    assert dict(query(wh, "SELECT article_id, dup_of FROM articles")) == {first.article_id: None, second.article_id: first.article_id}

    earliest_doc, earliest = pair("earliest.txt", TEXT_TATWEEL_PERSIAN, T0 - timedelta(days=1))
    result = write(wh, "run-2", [(earliest_doc, earliest)])
    assert result.articles_new == 1 and result.articles_duplicate == 0
    assert dict(query(wh, "SELECT article_id, dup_of FROM articles")) == {
        earliest.article_id: None,
        first.article_id: earliest.article_id,
        second.article_id: earliest.article_id,
    }
    assert counts(wh.path)["articles"] == 3


def test_undated_copy_does_not_become_canonical(wh):
    _, dated = pair("dated.txt", TEXT, T0)
    _, undated = pair("undated.txt", TEXT_DIACRITICS, None)
    write(wh, "run-1", [pair("undated.txt", TEXT_DIACRITICS, None), pair("dated.txt", TEXT, T0)])
    assert dict(query(wh, "SELECT article_id, dup_of FROM articles")) == {dated.article_id: None, undated.article_id: dated.article_id}


def test_edited_canonical_leaves_its_group(wh):
    """When the canonical copy's text changes, the copies it led are re-pointed (or freed)."""
    _, a = pair("a.txt", TEXT, T0)
    _, b = pair("b.txt", TEXT_DIACRITICS, T0 + timedelta(hours=1))
    _, c = pair("c.txt", TEXT_TATWEEL_PERSIAN, T0 + timedelta(hours=2))
    write(wh, "run-1", [pair("a.txt", TEXT, T0), pair("b.txt", TEXT_DIACRITICS, T0 + timedelta(hours=1)),
                        pair("c.txt", TEXT_TATWEEL_PERSIAN, T0 + timedelta(hours=2))])
    write(wh, "run-2", [pair("a.txt", OTHER_TEXT, T0)])
    assert dict(query(wh, "SELECT article_id, dup_of FROM articles")) == {a.article_id: None, b.article_id: None, c.article_id: b.article_id}


# --- rejects ---------------------------------------------------------------------------------------


def test_reject_upsert_counts_attempts_and_resolves(wh):
    bad = Reject("src/x.txt", "load", "binary", "PDF")
    other = Reject("src/y.txt", "load", "empty", "no bytes")
    write(wh, "run-1", rejects=[bad, other])
    write(wh, "run-2", rejects=[Reject("src/x.txt", "load", "decode_error", "still bad")])
    rows = query(wh, "SELECT input_ref, reason, detail, run_id, first_run_id, attempts, resolved_run_id, first_at <= \"at\" FROM rejects ORDER BY 1")
    assert rows == [
        ("src/x.txt", "decode_error", "still bad", "run-2", "run-1", 2, None, True),
        ("src/y.txt", "empty", "no bytes", "run-1", "run-1", 1, None, True),
    ]

    # the file was fixed: a later run turns it into an article
    doc, art = pair("x.txt")
    assert art.input_ref == "src/x.txt"
    write(wh, "run-3", [(doc, art)], succeeded=[art.input_ref])
    assert query(wh, "SELECT input_ref, resolved_run_id, attempts FROM rejects ORDER BY 1") == [
        ("src/x.txt", "run-3", 2),
        ("src/y.txt", None, 1),
    ]

    # broken again: the row is reopened, not duplicated
    write(wh, "run-4", rejects=[bad])
    assert query(wh, "SELECT input_ref, reason, resolved_run_id, attempts, first_run_id FROM rejects WHERE input_ref = 'src/x.txt'") == [
        ("src/x.txt", "binary", None, 3, "run-1")
    ]
    assert counts(wh.path)["rejects"] == 2


def test_same_input_different_stages_are_two_rows(wh):
    write(wh, "run-1", rejects=[Reject("src/x.txt", "load", "binary"), Reject("src/x.txt", "extract", "no_text")])
    assert query(wh, "SELECT stage, attempts FROM rejects ORDER BY stage") == [("extract", 1), ("load", 1)]


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
