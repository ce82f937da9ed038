"""A run killed with SIGKILL mid-way leaves the warehouse consistent (every batch was one transaction),
and running the same input again completes it and marks the killed run abandoned."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.support.paths import BENCHMARK, ROOT, need_shared

BATCH = 10


def peek(path: Path, sql: str):
    """A brief read-only look while a writer may be running (it waits out our connection)."""
    for _ in range(50):
        try:
            con = duckdb.connect(str(path), read_only=True)
        except duckdb.IOException:
            time.sleep(0.05)
            continue
        try:
            return con.execute(sql).fetchall()
        except duckdb.CatalogException:
            return None  # not migrated yet
        finally:
            con.close()
    return None


def test_sigkill_mid_run_then_rerun_completes(tmp_path):
    need_shared(BENCHMARK / "html")
    folder = tmp_path / "pages"
    folder.mkdir()
    pages = sorted((BENCHMARK / "html").glob("*.html.gz"))[:120]
    for page in pages:
        (folder / page.name).write_bytes(page.read_bytes())
    warehouse = tmp_path / "w.duckdb"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    cmd = [str(Path(sys.executable).parent / "akhbar"), "ingest", "--from", str(folder), "--warehouse", str(warehouse),
           "--batch-size", str(BATCH)]
    log = tmp_path / "killed-run.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    deadline = time.monotonic() + 240
    landed = 0
    while time.monotonic() < deadline and proc.poll() is None:
        landed = (peek(warehouse, "SELECT count(*) FROM articles") or [[0]])[0][0] if warehouse.exists() else 0
        if landed >= 2 * BATCH:
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.1)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, \
        f"the run ended (exit {proc.returncode}) before it could be killed:\n{log.read_text(errors='replace')[-3000:]}"

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        articles, documents = con.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM documents)").fetchone()
        assert 0 < articles < len(pages)
        assert articles % BATCH == 0 and documents == articles, "only whole batches are in the warehouse"
        assert con.execute("SELECT count(*) FROM articles a LEFT JOIN documents d USING (doc_id) WHERE d.doc_id IS NULL").fetchone() == (0,)
        assert con.execute("SELECT status FROM runs").fetchall() == [("running",)]
    finally:
        con.close()

    again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT article_id) FROM articles").fetchone() == (len(pages), len(pages))
        assert sorted(r[0] for r in con.execute("SELECT status FROM runs").fetchall()) == ["abandoned", "completed"]
    finally:
        con.close()
    assert f"new or changed {len(pages) - articles}, unchanged {articles}" in again.stdout + again.stderr
