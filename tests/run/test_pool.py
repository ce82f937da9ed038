"""The worker pool (tasks.run.pool) changes where the CPU work runs, never what is written: one folder
ingested in-process and with two workers gives the same warehouse, row for row (wall-clock columns aside)."""
from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from tasks.acquire.load import list_folder
from tasks.run.pipeline import ingest_listing
from tasks.run.pool import GC_THRESHOLD, WorkerPool, active_pool, default_workers, worker_pool
from tasks.warehouse.database import Warehouse, apply_migrations
from tests.support.paths import BENCHMARK_HTML, FIXTURES, ROOT

HTML = FIXTURES / "html_pages"
WALL_CLOCK = {"updated_at", "fetched_at", "at", "first_at", "created_at", "started_at", "finished_at", "resolved_at"}


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(ROOT / "seeds", folder)
    for page in sorted(HTML.glob("*.htm*")) + sorted(BENCHMARK_HTML.glob("*.html.gz"))[:15]:
        shutil.copy(page, folder / page.name)
    return folder


def _digest(path: Path) -> dict[str, tuple[int, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
                                            " AND table_name NOT IN ('runs', 'schema_migrations', 'schema_version') ORDER BY 1").fetchall()]
        for table in tables:
            cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?"
                                              " ORDER BY ordinal_position", [table]).fetchall() if c not in WALL_CLOCK]
            rows = sorted(repr(r) for r in con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{table}"').fetchall())
            out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return out
    finally:
        con.close()


def _ingest(folder: Path, path: Path, workers: int):
    wh = Warehouse(path)
    with wh.connect() as con:
        apply_migrations(con)
    return ingest_listing(wh, "run-1", list_folder(folder, "src"), batch_size=4, workers=workers)


def test_one_and_two_workers_write_the_same_warehouse(tmp_path):
    folder = _folder(tmp_path)
    one = _ingest(folder, tmp_path / "one.duckdb", 1)
    two = _ingest(folder, tmp_path / "two.duckdb", 2)
    assert one.as_dict()["articles"] == two.as_dict()["articles"]
    assert one.as_dict()["extracted"] == two.as_dict()["extracted"]
    assert one.as_dict()["extracted"]["mentions"] > 0  # the seeds are enriched
    first, second = _digest(tmp_path / "one.duckdb"), _digest(tmp_path / "two.duckdb")
    assert first["articles"][0] > 0 and first == second


def test_next_batch_starts_in_the_workers_while_one_is_written(tmp_path, monkeypatch):
    from tasks.run import pipeline

    folder = _folder(tmp_path)
    events, started = [], Counter()
    start_files, write_batch = pipeline.start_files, pipeline.write_batch

    def logging_start(warehouse, refs, *args, **kwargs):
        started.update(ref.ref for ref in refs)
        events.append("start")
        return start_files(warehouse, refs, *args, **kwargs)

    def logging_write(*args):
        events.append("write")
        return write_batch(*args)

    monkeypatch.setattr(pipeline, "start_files", logging_start)
    monkeypatch.setattr(pipeline, "write_batch", logging_write)
    tally = _ingest(folder, tmp_path / "w.duckdb", 2)
    assert set(started.values()) == {1} and len(started) == tally.inputs  # every file started once, none twice
    assert events[:3] == ["start", "start", "write"]  # batch 2 went to the workers before batch 1 was written
    assert not pipeline._ahead  # nothing left over after the run


def test_the_workers_read_the_files_not_the_writer(tmp_path, monkeypatch):
    """With a pool, the writer process never reads a file (its bytes would cross to a worker and back and
    sit in the writer's memory): here, a read in this process fails, and the run does not notice."""
    from tasks.acquire import load
    from tasks.run import prepare

    def refuse(*args, **kwargs):
        raise AssertionError("the writer read a file")

    monkeypatch.setattr(load, "read_input", refuse)
    monkeypatch.setattr(prepare, "read_input", refuse)
    folder = _folder(tmp_path)
    tally = _ingest(folder, tmp_path / "two.duckdb", 2)
    assert tally.documents_new_or_changed == tally.inputs > 0 and not tally.rejects
    con = duckdb.connect(str(tmp_path / "two.duckdb"), read_only=True)
    try:
        sizes = dict(con.execute("SELECT input_ref, raw_bytes FROM documents").fetchall())
    finally:
        con.close()
    refs = {ref.ref: ref for ref in list_folder(folder, "src").inputs}  # the bytes as read (.gz ones unzipped)
    assert sizes == {name: len(load._read_capped(ref, load.DEFAULT_MAX_BYTES)[0]) for name, ref in refs.items()}
    with pytest.raises(AssertionError, match="the writer read a file"):  # in-process, the read is this process's
        _ingest(folder, tmp_path / "one.duckdb", 1)


def test_a_failure_to_start_the_next_batch_ahead_fails_nothing(tmp_path, monkeypatch, caplog):
    from tasks.run import pipeline

    folder = _folder(tmp_path)
    start_files, calls = pipeline.start_files, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # batch 2, started ahead of batch 1's write
            raise OSError("disk hiccup")
        return start_files(*args, **kwargs)

    monkeypatch.setattr(pipeline, "start_files", flaky)
    tally = _ingest(folder, tmp_path / "w.duckdb", 2)
    reference = _ingest(folder, tmp_path / "ref.duckdb", 1)
    assert "could not start the next batch ahead (OSError: disk hiccup)" in caplog.text
    assert tally.as_dict()["articles"] == reference.as_dict()["articles"]
    assert _digest(tmp_path / "w.duckdb") == _digest(tmp_path / "ref.duckdb")


def test_a_document_in_two_adjacent_batches_is_not_started_ahead(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(ROOT / "seeds", folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    names = sorted(manifest["articles"])
    # the 2nd and 3rd files (in batches 1 and 2 of 2 files) are one document: one URL, the same bytes, so the
    # 3rd is unchanged once the 2nd is written (read ahead of that write, it would be taken for new)
    for name in names[1:3]:
        manifest["articles"][name] = {**manifest["articles"][names[1]], "url": "https://example.org/one-story"}
    shutil.copy(folder / names[1], folder / names[2])
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False))

    def run(path, workers):
        wh = Warehouse(path)
        with wh.connect() as con:
            apply_migrations(con)
        return ingest_listing(wh, "run-1", list_folder(folder, "src"), batch_size=2, workers=workers)

    one, two = run(tmp_path / "one.duckdb", 1), run(tmp_path / "two.duckdb", 2)
    assert one.as_dict()["documents"] == two.as_dict()["documents"] == {"new_or_changed": 4, "unchanged": 1}
    assert one.as_dict()["articles"] == two.as_dict()["articles"]
    assert _digest(tmp_path / "one.duckdb") == _digest(tmp_path / "two.duckdb")


def test_pool_is_scoped_to_a_run_and_reused_when_nested():
    assert active_pool().in_process
    with worker_pool(2) as pool:
        assert active_pool() is pool and not pool.in_process
        with worker_pool(3) as inner:
            assert inner is pool
        assert pool.map(list, list(range(20))) == list(range(20))  # chunk results, flattened in input order
    assert active_pool().in_process


def test_a_run_collects_less_while_its_pool_is_open():
    before = gc.get_threshold()
    with worker_pool(1):
        assert gc.get_threshold() == GC_THRESHOLD
        with worker_pool(1):
            assert gc.get_threshold() == GC_THRESHOLD
    assert gc.get_threshold() == before


def test_workers_from_the_environment(monkeypatch):
    monkeypatch.setenv("AKHBAR_WORKERS", "3")
    assert default_workers() == 3
    monkeypatch.setenv("AKHBAR_WORKERS", "0")
    with pytest.raises(ValueError):
        default_workers()
    with pytest.raises(ValueError):
        WorkerPool(0)




def test_cache_reset_empties_trafilaturas_caches_without_a_false_error(caplog):
    from trafilatura.utils import trim

    from tasks.extract.caches import RESET_EVERY, count_extracted

    trim("  some text  ")
    assert trim.cache_info().currsize > 0
    with caplog.at_level("DEBUG"):
        count_extracted(RESET_EVERY)
    assert trim.cache_info().currsize == 0
    assert not [r for r in caplog.records if r.levelname == "ERROR"], [r.getMessage() for r in caplog.records]


PROBE = '''
import json
import sys

from tasks.run.pool import WorkerPool


def loaded(names):
    return [name for name in names if name in sys.modules]


if __name__ == "__main__":
    pool = WorkerPool(2)
    try:
        print(json.dumps(pool.map(loaded, ["duckdb", "pyarrow", "prefect", "tasks.run.prepare"])))
    finally:
        pool.close()
'''


def test_workers_load_what_they_run_and_not_the_warehouse_libraries(tmp_path):
    # A worker holds the extraction and enrichment code; DuckDB and Arrow (the warehouse's, about 60 MB of
    # a worker's memory) and Prefect stay with the parent. The probe runs in a real pool's worker.
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["tasks.run.prepare"]


def _finish_times(chunk: list[float]) -> list[float]:
    import time

    time.sleep(sum(chunk))
    return [time.monotonic()] * len(chunk)


def test_work_submitted_behind_lets_later_work_pass_and_keeps_its_order():
    from tasks.run.pool import BEHIND_PER_WORKER, CHUNK

    pool = WorkerPool(2)
    try:
        pool.submit(_finish_times, [0.0] * CHUNK).result()  # the workers started
        behind = pool.submit(_finish_times, [0.05 / CHUNK] * (CHUNK * 40), behind=True)
        ahead = pool.submit(_finish_times, [0.0])
        passed_at = ahead.result()[0]
        finished = behind.result()
        assert len(finished) == CHUNK * 40
        chunk_ends = finished[::CHUNK]
        # only the chunks already given to the workers ran first (and, on a loaded machine, one or two handed
        # over while the later work was being submitted), not the 40 queued before it
        assert sum(t < passed_at for t in chunk_ends) <= BEHIND_PER_WORKER * 2 + 4
        assert sum(t > passed_at for t in chunk_ends) >= 30
    finally:
        pool.close()


def test_closing_the_pool_cancels_the_work_waiting_behind():
    from concurrent.futures import CancelledError

    pool = WorkerPool(2)
    behind = pool.submit(_finish_times, [0.02] * 200, behind=True)
    pool.close()
    with pytest.raises(CancelledError):
        behind.result()


def _die(chunk: list) -> list:
    os._exit(3)  # a worker killed (out of memory, say)


def test_a_worker_dying_fails_the_work_waiting_behind_instead_of_hanging():
    from concurrent.futures.process import BrokenProcessPool

    pool = WorkerPool(2)
    try:
        pool.submit(_finish_times, [0.0] * 8).result()
        behind = pool.submit(_finish_times, [0.01] * 400, behind=True)
        with pytest.raises(BrokenProcessPool):
            pool.submit(_die, [0]).result()
        with pytest.raises(BrokenProcessPool):
            behind.result()
    finally:
        pool.close()
