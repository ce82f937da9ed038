"""The CPU stages under prefect-dask's DaskTaskRunner on a 2-worker LocalCluster (processes, loopback):
extraction chunks, and the ingest flow's batches, give exactly what they give in-process."""
from __future__ import annotations

import shutil
from dataclasses import asdict

import duckdb

from flows.extract import chunked, dask_runner, extract_files, extract_folder
from flows.ingest import ingest, ingest_on_dask
from tasks.acquire.load import list_folder
from tests.support.paths import ROOT, SEEDS


def test_chunked_keeps_order_and_everything():
    items = list(range(7))
    assert chunked(items, 2) == [[0, 1, 2, 3], [4, 5, 6]]
    assert sum(chunked(items, 3), []) == items
    assert chunked([], 2) == []


def test_extraction_on_two_dask_workers_equals_in_process(prefect_harness, tmp_path):
    folder = tmp_path / "inputs"  # the seeds, text pages and an HTML page: both extraction paths
    shutil.copytree(SEEDS, folder)
    for fixture in ("text_pages", "html_pages"):
        shutil.copytree(ROOT / "tests/fixtures" / fixture, folder / fixture)
    listing = list_folder(folder)
    expected_articles, expected_rejects = extract_files(listing.inputs, listing.manifest)
    flow = extract_folder.with_options(task_runner=dask_runner(workers=2))
    articles, rejects = flow(str(folder), chunks=4)
    assert [asdict(a) for a in articles] == [asdict(a) for a in expected_articles]
    assert [asdict(r) for r in rejects] == [asdict(r) for r in expected_rejects]
    assert len(articles) == 10 and [r.reason for r in rejects] == ["unsupported_type"]  # text_pages/expected.json


def _articles(path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT a.article_id, a.text_sha256, a.title, a.published_at, a.dup_of, count(m.start)"
                           " FROM articles a LEFT JOIN mentions m USING (article_id) GROUP BY ALL ORDER BY 1").fetchall()
    finally:
        con.close()


def test_ingest_batches_on_two_dask_workers_equal_a_sequential_run(prefect_harness, tmp_path):
    sequential = ingest(source=str(SEEDS), warehouse=str(tmp_path / "seq.duckdb"), batch_size=1)
    parallel = ingest_on_dask(2, source=str(SEEDS), warehouse=str(tmp_path / "dask.duckdb"), batch_size=1)
    assert parallel["articles"] == sequential["articles"] and parallel["inputs"] == 5
    assert parallel["extracted"] == sequential["extracted"]
    assert _articles(tmp_path / "dask.duckdb") == _articles(tmp_path / "seq.duckdb")
