"""The run ledger around a flow: migrations, a `runs` row from start to finish, stale runs marked
abandoned, a progress artifact while batches land, and a run summary artifact at the end."""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterator

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, update_progress_artifact
from prefect.runtime import flow_run

from tasks.run.tally import Tally
from tasks.warehouse.database import Warehouse, apply_migrations, finish_run, mark_abandoned_runs, start_run


class RunLedger:
    """What a flow body gets: the run id, the running tally, and a progress reporter."""

    def __init__(self, run_id: str, flow: str):
        self.run_id = run_id
        self.flow = flow
        self.tally = Tally()
        self._progress_id = None
        self._logger = get_run_logger()

    def start_progress(self) -> None:
        if flow_run.get_id():
            self._progress_id = create_progress_artifact(0.0, key=f"{self.flow}-progress",
                                                         description=f"{self.flow}: share of batches written")

    def batch_done(self, number: int, total: int, batch: Tally) -> None:
        """Merge a batch's tally, log it, and move the progress artifact."""
        self.tally.merge(batch)
        self._logger.info("batch %d/%d: %d inputs, %d new articles, %d updated, %d rejects", number, total,
                          batch.inputs, batch.articles_new, batch.articles_updated, sum(batch.rejects.values()))
        if self._progress_id is not None and total:
            update_progress_artifact(self._progress_id, min(100.0, 100.0 * number / total))


def summary_markdown(flow: str, run_id: str, status: str, tally: Tally) -> str:
    d = tally.as_dict()
    rows = [("inputs", d["inputs"])]
    rows += [(f"fetch: {k.replace('_', ' ')}", v) for k, v in d["fetch"].items()]
    rows += [(f"documents: {k.replace('_', ' ')}", v) for k, v in d["documents"].items()]
    rows += [(f"articles: {k.replace('_', ' ')}", v) for k, v in d["articles"].items()]
    rows += [(f"rejects: {k}", v) for k, v in d["rejects"].items()] or [("rejects", 0)]
    rows += [(f"extracted: {k.replace('_', ' ')}", v) for k, v in d["extracted"].items()]
    rows += [(f"seconds: {k}", v) for k, v in d["seconds"].items()]
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    return f"# {flow} run `{run_id}`: {status}\n\n| what | count |\n|---|---|\n{table}\n"


@contextmanager
def recorded_run(warehouse: Warehouse, flow: str, params: dict) -> Iterator[RunLedger]:
    """Record the run in `runs` (running, then completed or failed with the counts) and publish its summary."""
    run_id = flow_run.get_id() or str(uuid.uuid4())
    logger = get_run_logger()
    def start(con) -> tuple[list[int], list[str]]:
        applied = apply_migrations(con)
        abandoned = mark_abandoned_runs(con)
        start_run(con, run_id, flow, params)
        return applied, abandoned

    applied, abandoned = warehouse.write(start)
    if applied:
        logger.info("applied migrations %s", applied)
    if abandoned:
        logger.warning("runs left unfinished by a process that ended: %s (marked abandoned)", abandoned)
    ledger = RunLedger(run_id, flow)
    ledger.start_progress()
    status, error = "completed", None
    try:
        yield ledger
    except BaseException as exc:
        status, error = "failed", f"{type(exc).__name__}: {exc}"
        raise
    finally:
        warehouse.write(lambda con: finish_run(con, run_id, status, ledger.tally.as_dict(), error=error))
        if flow_run.get_id():
            create_markdown_artifact(summary_markdown(flow, run_id, status, ledger.tally), key=f"{flow}-summary",
                                     description=f"{flow} run summary")
        print(f"{flow} run {run_id} into {warehouse}: {status}\n{ledger.tally.summary()}")
