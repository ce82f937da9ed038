"""Extraction under prefect-dask's DaskTaskRunner: a Prefect flow whose chunks run on a 2-worker
LocalCluster (processes, loopback) gives exactly what in-process extraction gives."""
from __future__ import annotations

from dataclasses import asdict

from conftest import ROOT, SEEDS
from flows.extract import chunked, dask_runner, extract_documents
from tasks.extract import extract_batch
from tasks.load import decode_document, list_folder, read_input


def _documents():
    """The seeds, the text pages and an HTML page: both extraction paths (text and trafilatura)."""
    docs = []
    for folder in (SEEDS, ROOT / "tests/fixtures/text_pages", ROOT / "tests/fixtures/html_pages"):
        listing = list_folder(folder)
        for ref in listing.inputs:
            doc, reject = read_input(ref, listing.manifest)
            if doc is not None and decode_document(doc) is None:
                docs.append(doc)
    return docs


def test_chunked_keeps_order_and_everything():
    items = list(range(7))
    assert chunked(items, 2) == [[0, 1, 2, 3], [4, 5, 6]]
    assert sum(chunked(items, 3), []) == items
    assert chunked([], 2) == []


def test_extraction_on_two_dask_workers_equals_in_process(prefect_harness):
    docs = _documents()
    assert len(docs) >= 8
    expected_articles, expected_rejects = extract_batch(docs)
    flow = extract_documents.with_options(task_runner=dask_runner(workers=2))
    articles, rejects = flow(docs, chunks=4)
    assert [asdict(a) for a in articles] == [asdict(a) for a in expected_articles]
    assert [asdict(r) for r in rejects] == [asdict(r) for r in expected_rejects]
    assert len(articles) == len(expected_articles) >= 8
