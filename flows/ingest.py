"""Flows. `ingest` (scheduled): every enabled source of a sources.toml, or one folder. `backfill`
(operator): a publication-date window of chosen sources. `reprocess`: extraction again from stored raw
documents, no fetching. One Prefect task per source discovery and per batch; the work is in tasks/."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Annotated, Any, Callable
from urllib.parse import urlsplit

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from pydantic import Field

from flows.ledger import RunLedger, recorded_run
from schemas.records import Reject
from tasks.acquire.fetch import FetchPolicy
from tasks.acquire.load import DEFAULT_BATCH_SIZE, DEFAULT_MAX_BYTES, list_folder
from tasks.acquire.sources import Source, load_fetch_settings, load_sources, select_sources
from tasks.acquire.warc import is_archive_name, is_remote
from tasks.acquire.web import FetchSession
from tasks.run.archive import archive_batch, ingest_archives
from tasks.run.health import FILE_KINDS
from tasks.run.pipeline import (
    discover_source,
    fetch_batch,
    ingest_batch,
    ingest_listing,
    reprocess_batch,
    stored_document_ids,
    write_rejects,
)
from tasks.run.pool import worker_pool
from tasks.run.tally import Tally, Window
from tasks.warehouse.database import Warehouse
from tasks.warehouse.setting import open_warehouse

# No input caching: batches are cheap to recognise as unchanged (tasks.run.pipeline.is_unchanged) and their
# inputs (a warehouse handle, a fetch session) are not worth hashing. Fetching retries inside the fetcher
# (per URL, with backoff); a task retry would only repeat what already failed.
ingest_batch_task = task(ingest_batch, name="ingest-files", cache_policy=NO_CACHE)
discover_task = task(discover_source, name="discover", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 30])
fetch_batch_task = task(fetch_batch, name="fetch-pages", cache_policy=NO_CACHE)
reprocess_batch_task = task(reprocess_batch, name="reprocess-documents", cache_policy=NO_CACHE)
archive_batch_task = task(archive_batch, name="archive-pages", cache_policy=NO_CACHE)


def as_is(call: Callable[..., Any]) -> Callable[..., Any]:
    """A task, called with its list and dict arguments in Prefect's `quote`: Prefect hands them to the
    function as they are, instead of walking every element (a batch's files, the next batch's, the
    manifest, a source's fetch states) twice per task run to look for futures among them, which none holds
    (docs/benchmarks.md; the cost Prefect's own `quote` exists for, PrefectHQ/prefect#10370). For a direct
    call only: a task submitted to Dask's task runner receives them still quoted (prefect-dask#43)."""
    def wrap(value: Any) -> Any:
        return quote(value) if isinstance(value, (list, dict)) else value

    def quoted(*args: Any, **kwargs: Any) -> Any:
        return call(*map(wrap, args), **{name: wrap(value) for name, value in kwargs.items()})
    return quoted


DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
BatchSize = Annotated[int, Field(ge=1, le=10_000)]
Workers = Annotated[int | None, Field(ge=1, le=256)]  # None: $AKHBAR_WORKERS, else the CPU count


def _utc(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=timezone.utc)


def resolve_sources(source: str, source_name: str | None, names: list[str] | None) -> list[Source]:
    """A folder is one folder source, a .warc/.warc.gz file or URL one warc source; anything else is read as
    a sources.toml."""
    path = Path(source)
    if path.is_dir():
        return [Source(name=source_name or path.resolve().name, kind="folder", path=str(path.resolve()))]
    if is_archive_name(source):
        name = source_name or Path(urlsplit(source).path).name.split(".warc")[0] or "archive"
        if is_remote(source):
            return [Source(name=name, kind="warc", urls=(source,))]
        return [Source(name=name, kind="warc", path=str(path.resolve()))]
    return select_sources(load_sources(path), names)


def run_sources(ledger: RunLedger, wh: Warehouse, source: str, chosen: list[Source], window: Window, refetch: bool,
                force: bool, batch_size: int, max_bytes: int, workers: int = 0) -> None:
    """Folders batch by batch (with `workers`, that many batches at a time on the flow's task runner);
    web sources discovered, then fetched batch by batch, in one fetch session. Each source's tally goes to
    the ledger, which judges its health when the run ends."""
    logger = get_run_logger()
    for src in chosen:
        if src.kind == "folder":
            try:
                listing = list_folder(src.path, src.name)
            except OSError as exc:  # the folder is gone or unreadable: a reject and a failing source, not a failed run
                logger.error("source %s: %s", src.name, exc)
                missing = write_rejects(wh, ledger.run_id, [Reject(src.path, "load", "folder_missing", str(exc))])
                ledger.tally.merge(missing)
                ledger.source_done(src, missing)
                continue
            logger.info("source %s: folder %s, %d files", src.name, src.path, len(listing.inputs))
            run_batch = ingest_batch_task.submit if workers else as_is(ingest_batch_task)
            ledger.source_done(src, ingest_listing(wh, ledger.run_id, listing, batch_size, max_bytes, run_batch,
                                                   ledger.batch_done, window, force, in_flight=max(1, workers)),
                               resolved=(src.path,))
        elif src.kind == "warc":
            read = ingest_archives(wh, ledger.run_id, src, window, batch_size, max_bytes, force, as_is(archive_batch_task),
                                   ledger.archive_done)
            ledger.tally.merge(read)
            ledger.source_done(src, read)
    web = [s for s in chosen if s.kind not in FILE_KINDS]
    if not web:
        return
    policy = FetchPolicy(max_bytes=max_bytes, max_compressed_bytes=max_bytes, **load_fetch_settings(source))
    with FetchSession(policy) as session:
        for src in web:
            plan = discover_task(wh, ledger.run_id, session, src, window, refetch)
            ledger.tally.merge(plan.tally)
            of_source = Tally()
            of_source.merge(plan.tally)
            logger.info("source %s: %d pages to fetch", src.name, len(plan.candidates))
            chunks = [plan.candidates[i : i + batch_size] for i in range(0, len(plan.candidates), batch_size)]
            for number, chunk in enumerate(chunks, start=1):
                batch = as_is(fetch_batch_task)(wh, ledger.run_id, session, src, chunk, plan.states, window)
                of_source.merge(batch)
                ledger.batch_done(number, len(chunks), batch)
            ledger.source_done(src, of_source)


def run_reprocess(ledger: RunLedger, wh: Warehouse, window: Window, names: list[str] | None, batch_size: int,
                  after_fetch: bool = False) -> None:
    """Stored documents extracted again; `after_fetch`: not those this run fetched and extracted already."""
    doc_ids = stored_document_ids(wh, window, names, ledger.run_id if after_fetch else None)
    get_run_logger().info("reprocess: %d stored documents in the window", len(doc_ids))
    chunks = [doc_ids[i : i + batch_size] for i in range(0, len(doc_ids), batch_size)]
    for number, chunk in enumerate(chunks, start=1):
        ledger.batch_done(number, len(chunks), as_is(reprocess_batch_task)(wh, ledger.run_id, chunk, window))


@flow(name="ingest", log_prints=True)
def ingest(
    source: str = "sources.toml",
    warehouse: str = DEFAULT_WAREHOUSE,
    sources: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    refetch: bool = False,
    source_name: str | None = None,
    batch_size: BatchSize = DEFAULT_BATCH_SIZE,
    max_bytes: Annotated[int, Field(ge=1)] = DEFAULT_MAX_BYTES,
    lake_data: str | None = None,
    workers: Workers = None,
    dask_workers: Annotated[int, Field(ge=0)] = 0,
) -> dict:
    """Ingest `source` (a sources.toml, a folder, or a .warc/.warc.gz file or URL) into `warehouse`.

    `sources` picks sources by name (default: every enabled one); `since`/`until` keep publication dates
    in [since, until); `refetch` fetches known pages again (conditionally). `warehouse` is a DuckDB file or
    a DuckLake (`ducklake:postgres:...`, its Parquet folder in `lake_data` or $AKHBAR_LAKE_DATA). `workers`
    processes do the decoding, extraction and enrichment (1: in-process); `dask_workers` > 0 runs that
    many folder batches at once on the flow's task runner instead (`ingest_on_dask`), each in-process."""
    chosen = resolve_sources(source, source_name, sources)
    wh = open_warehouse(warehouse, lake_data)
    params = {"source": str(Path(source).resolve()), "warehouse": warehouse, "sources": sources, "since": since,
              "until": until, "refetch": refetch, "batch_size": batch_size, "max_bytes": max_bytes}
    with recorded_run(wh, "ingest", params) as ledger, worker_pool(1 if dask_workers else workers):
        run_sources(ledger, wh, source, chosen, Window(_utc(since), _utc(until)), refetch, False, batch_size, max_bytes,
                    dask_workers)
    return {"run_id": ledger.run_id, **ledger.tally.as_dict()}


@flow(name="backfill", log_prints=True)
def backfill(
    since: date,
    until: date,
    sources: list[str] | None = None,
    refetch: bool = False,
    reextract: bool = False,
    source_file: str = "sources.toml",
    warehouse: str = DEFAULT_WAREHOUSE,
    batch_size: BatchSize = DEFAULT_BATCH_SIZE,
    lake_data: str | None = None,
    workers: Workers = None,
) -> dict:
    """Articles published in [since, until) from `sources` (default: every enabled source).

    `refetch` fetches pages already stored again (conditional GET); `reextract` extracts stored
    documents of the window again even when unchanged (after an extractor upgrade)."""
    if since >= until:
        raise ValueError(f"since ({since}) must be before until ({until})")
    chosen = select_sources(load_sources(source_file), sources)
    window = Window(_utc(since), _utc(until))
    wh = open_warehouse(warehouse, lake_data)
    params = {"since": since, "until": until, "sources": sources, "refetch": refetch, "reextract": reextract,
              "source_file": str(Path(source_file).resolve()), "warehouse": warehouse, "batch_size": batch_size}
    with recorded_run(wh, "backfill", params) as ledger, worker_pool(workers):
        run_sources(ledger, wh, source_file, chosen, window, refetch, reextract, batch_size, DEFAULT_MAX_BYTES)
        web = [s.name for s in chosen if s.kind not in FILE_KINDS]
        if reextract and web:  # files and archives were read and extracted again above (force): each counts once
            run_reprocess(ledger, wh, window, web, batch_size, after_fetch=True)
    return {"run_id": ledger.run_id, **ledger.tally.as_dict()}


@flow(name="reprocess", log_prints=True)
def reprocess(
    since: date | None = None,
    until: date | None = None,
    sources: list[str] | None = None,
    warehouse: str = DEFAULT_WAREHOUSE,
    batch_size: BatchSize = DEFAULT_BATCH_SIZE,
    lake_data: str | None = None,
    workers: Workers = None,
) -> dict:
    """Extract stored documents again (no fetching): those whose article is published in [since, until),
    or that have no article and were listed or fetched in it."""
    wh = open_warehouse(warehouse, lake_data)
    window = Window(_utc(since), _utc(until))
    params = {"since": since, "until": until, "sources": sources, "warehouse": warehouse, "batch_size": batch_size}
    with recorded_run(wh, "reprocess", params) as ledger, worker_pool(workers):
        run_reprocess(ledger, wh, window, sources, batch_size)
    return {"run_id": ledger.run_id, **ledger.tally.as_dict()}


def ingest_on_dask(workers: int, address: str | None = None, **params) -> dict:
    """The `ingest` flow with its folder batches on Dask: a LocalCluster of `workers` processes, or the
    cluster whose scheduler is at `address`. Each batch is read, extracted and enriched on a worker, then
    written there (a DuckDB file: under its lock, one machine; a DuckLake: from any machine)."""
    from flows.extract import dask_runner

    return ingest.with_options(task_runner=dask_runner(workers, address))(dask_workers=workers, **params)
