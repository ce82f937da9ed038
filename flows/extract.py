"""Reading and extraction, the CPU-bound stages, spread over a Prefect task runner: a folder's files in chunks, one
task per chunk. Under prefect-dask's DaskTaskRunner the chunks run on Dask workers (processes here, or
machines of a cluster), so extraction scales with workers while writes stay one transaction per batch."""
from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect_dask import DaskTaskRunner

from schemas.records import Article, InputRef, Reject
from tasks.acquire.load import decode_document, list_folder, read_input
from tasks.extract.articles import extract_batch
from tasks.extract.options import DEFAULT_OPTIONS, ExtractOptions


def extract_files(refs: list[InputRef], manifest: dict[str, dict],
                  options: ExtractOptions = DEFAULT_OPTIONS) -> tuple[list[Article], list[Reject]]:
    """Read, decode and extract files: what a worker does with its chunk. Files travel as references (a
    worker reads them itself: a shared folder), never as flow parameters, which Prefect caps at 512 KB."""
    docs, rejects = [], []
    for ref in refs:
        doc, reject = read_input(ref, manifest)
        if doc is not None:
            reject = decode_document(doc) or reject
            if doc.text is not None:
                docs.append(doc)
        if reject is not None:
            rejects.append(reject)
    articles, extract_rejects = extract_batch(docs, options)
    return articles, rejects + extract_rejects


extract_files_task = task(extract_files, name="extract-files", cache_policy=NO_CACHE)


def chunked(items: list, chunks: int) -> list[list]:
    """`items` in at most `chunks` contiguous parts of near-equal size (order kept)."""
    size = -(-len(items) // max(1, chunks)) or 1
    return [items[i : i + size] for i in range(0, len(items), size)]


@flow(name="extract-folder")
def extract_folder(folder: str, chunks: int = 2) -> tuple[list[Article], list[Reject]]:
    """Every file of `folder` extracted in `chunks` tasks submitted at once to the flow's task runner
    (see `dask_runner`); results in file order, as `extract_files` on the whole listing gives them."""
    listing = list_folder(folder)
    futures = [extract_files_task.submit(part, listing.manifest) for part in chunked(listing.inputs, chunks)]
    articles: list[Article] = []
    rejects: list[Reject] = []
    for future in futures:
        part_articles, part_rejects = future.result()
        articles += part_articles
        rejects += part_rejects
    return articles, rejects


def dask_runner(workers: int = 2, address: str | None = None) -> DaskTaskRunner:
    """A Dask cluster's scheduler at `address`, or a LocalCluster of `workers` single-threaded worker
    processes on loopback (trafilatura holds the GIL: threads would not run extraction in parallel)."""
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "host": "127.0.0.1", "dashboard_address": None})
