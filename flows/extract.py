"""Extraction, the CPU-bound stage, spread over a Prefect task runner: a batch's documents in chunks, one
task per chunk. Under prefect-dask's DaskTaskRunner the chunks run on Dask workers (processes here, or
machines of a cluster), so extraction scales with workers while writes stay one transaction per batch."""
from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect_dask import DaskTaskRunner

from schemas.records import Article, Document, Reject
from tasks.extract import DEFAULT_OPTIONS, ExtractOptions, extract_batch

extract_chunk_task = task(extract_batch, name="extract-chunk", cache_policy=NO_CACHE)


def chunked(docs: list[Document], chunks: int) -> list[list[Document]]:
    """`docs` in at most `chunks` contiguous parts of near-equal size (order kept)."""
    size = -(-len(docs) // max(1, chunks)) or 1
    return [docs[i : i + size] for i in range(0, len(docs), size)]


def extract_submitted(docs: list[Document], chunks: int,
                      options: ExtractOptions = DEFAULT_OPTIONS) -> tuple[list[Article], list[Reject]]:
    """Inside a flow: the chunks submitted to the flow's task runner at once; results in input order,
    as `extract_batch(docs)` gives them."""
    futures = [extract_chunk_task.submit(part, options) for part in chunked(docs, chunks)]
    articles: list[Article] = []
    rejects: list[Reject] = []
    for future in futures:
        part_articles, part_rejects = future.result()
        articles += part_articles
        rejects += part_rejects
    return articles, rejects


@flow(name="extract-documents")
def extract_documents(docs: list[Document], chunks: int = 2) -> tuple[list[Article], list[Reject]]:
    """Extract `docs` in `chunks` tasks on the flow's task runner (see `dask_runner`)."""
    return extract_submitted(docs, chunks)


def dask_runner(workers: int = 2, address: str | None = None) -> DaskTaskRunner:
    """A Dask cluster's scheduler at `address`, or a LocalCluster of `workers` single-threaded worker
    processes on loopback (trafilatura holds the GIL: threads would not run extraction in parallel)."""
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "host": "127.0.0.1", "dashboard_address": None})
