"""The `ingest` flow: a folder of files into the warehouse, one Prefect task per batch."""
from __future__ import annotations

import uuid
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from tasks.load import DEFAULT_MAX_BYTES, list_folder
from tasks.pipeline import Tally, ingest_batch, ingest_listing
from tasks.warehouse import Warehouse, apply_migrations, finish_run, start_run

# No input caching: a batch is cheap to recognise as unchanged (tasks.pipeline.is_unchanged) and its
# inputs (a warehouse handle, file refs) are not worth hashing.
ingest_batch_task = task(ingest_batch, name="ingest-batch", cache_policy=NO_CACHE)


@flow(name="ingest", log_prints=True)
def ingest(
    source: str = "seeds",
    warehouse: str = "data/warehouse.duckdb",
    source_name: str | None = None,
    batch_size: int = 200,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> dict:
    """Load every file below `source` into `warehouse`; return the run's counts."""
    logger = get_run_logger()
    run_id = flow_run.get_id() or str(uuid.uuid4())
    wh = Warehouse(warehouse)
    params = {"source": str(Path(source).resolve()), "warehouse": warehouse, "batch_size": batch_size, "max_bytes": max_bytes}
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
        listing = list_folder(source, source_name)
        ingest_listing(wh, run_id, listing, batch_size, max_bytes, run_batch=ingest_batch_task, on_batch=report)
    except BaseException as exc:
        with wh.connect() as con:
            finish_run(con, run_id, "failed", tally.as_dict(), error=f"{type(exc).__name__}: {exc}")
        raise
    with wh.connect() as con:
        finish_run(con, run_id, "completed", tally.as_dict())
    print(f"run {run_id} into {warehouse}\n{tally.summary()}")
    return {"run_id": run_id, **tally.as_dict()}
