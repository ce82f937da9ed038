"""The `ingest` flow: sources (a sources.toml, or one folder) into the warehouse. One Prefect task per
source discovery and per batch of pages or files; the work itself is in tasks/pipeline.py."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from tasks.fetch import FetchPolicy
from tasks.load import DEFAULT_MAX_BYTES, list_folder
from tasks.pipeline import Tally, Window, discover_source, fetch_batch, ingest_batch, ingest_listing
from tasks.sources import Source, load_fetch_settings, load_sources, select_sources
from tasks.warehouse import Warehouse, apply_migrations, finish_run, start_run
from tasks.web import FetchSession

# No input caching: batches are cheap to recognise as unchanged (tasks.pipeline.is_unchanged) and their
# inputs (a warehouse handle, a fetch session) are not worth hashing.
ingest_batch_task = task(ingest_batch, name="ingest-files", cache_policy=NO_CACHE)
discover_task = task(discover_source, name="discover", cache_policy=NO_CACHE)
fetch_batch_task = task(fetch_batch, name="fetch-pages", cache_policy=NO_CACHE)


def _utc(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=timezone.utc)


def resolve_sources(source: str, source_name: str | None, names: list[str] | None) -> list[Source]:
    """A folder is one folder source; anything else is read as a sources.toml."""
    path = Path(source)
    if path.is_dir():
        return [Source(name=source_name or path.resolve().name, kind="folder", path=str(path.resolve()))]
    return select_sources(load_sources(path), names)


@flow(name="ingest", log_prints=True)
def ingest(
    source: str = "sources.toml",
    warehouse: str = "data/warehouse.duckdb",
    sources: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    refetch: bool = False,
    source_name: str | None = None,
    batch_size: int = 200,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> dict:
    """Ingest `source` (a sources.toml, or a folder) into `warehouse`; return the run's counts.

    `sources` picks sources by name (default: every enabled one); `since`/`until` limit publication
    dates to [since, until); `refetch` fetches known pages again (conditionally)."""
    logger = get_run_logger()
    run_id = flow_run.get_id() or str(uuid.uuid4())
    window = Window(_utc(since), _utc(until))
    wh = Warehouse(warehouse)
    params = {"source": str(Path(source).resolve()), "warehouse": warehouse, "sources": sources, "since": since,
              "until": until, "refetch": refetch, "batch_size": batch_size, "max_bytes": max_bytes}
    chosen = resolve_sources(source, source_name, sources)
    with wh.connect() as con:
        applied = apply_migrations(con)
        start_run(con, run_id, "ingest", params)
    if applied:
        logger.info("applied migrations %s", applied)
    tally = Tally()

    def report(number: int, total: int, batch: Tally) -> None:
        tally.merge(batch)
        logger.info("batch %d/%d: %d inputs, %d new articles, %d rejects",
                    number, total, batch.inputs, batch.articles_new, sum(batch.rejects.values()))

    try:
        web = [s for s in chosen if s.kind != "folder"]
        for src in chosen:
            if src.kind == "folder":
                logger.info("source %s: folder %s", src.name, src.path)
                listing = list_folder(src.path, src.name)
                ingest_listing(wh, run_id, listing, batch_size, max_bytes, ingest_batch_task, report, window)
        if web:
            policy = FetchPolicy(max_bytes=max_bytes, max_compressed_bytes=max_bytes, **load_fetch_settings(source))
            with FetchSession(policy) as session:
                for src in web:
                    plan = discover_task(wh, run_id, session, src, window, refetch)
                    tally.merge(plan.tally)
                    logger.info("source %s: %d candidate pages to fetch", src.name, len(plan.candidates))
                    chunks = [plan.candidates[i : i + batch_size] for i in range(0, len(plan.candidates), batch_size)]
                    for number, chunk in enumerate(chunks, start=1):
                        report(number, len(chunks), fetch_batch_task(wh, run_id, session, src, chunk, plan.states, window))
    except BaseException as exc:
        with wh.connect() as con:
            finish_run(con, run_id, "failed", tally.as_dict(), error=f"{type(exc).__name__}: {exc}")
        raise
    with wh.connect() as con:
        finish_run(con, run_id, "completed", tally.as_dict())
    print(f"run {run_id} into {warehouse}\n{tally.summary()}")
    return {"run_id": run_id, **tally.as_dict()}
