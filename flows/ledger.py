"""The run ledger around a flow: migrations, a `runs` row from start to finish, stale runs marked
abandoned, a progress artifact while batches land, and at the end each source's health judged
(`source_health`, a Prefect event per source in trouble) and a run summary artifact with a health table."""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, update_progress_artifact
from prefect.runtime import flow_run

from flows.health_report import health_markdown, tell_prefect
from tasks.acquire.sources import Source
from tasks.run.health_table import HISTORY_DAYS, judge_run, latest
from tasks.run.tally import Tally
from tasks.run.write import resolve_rejects
from tasks.warehouse.database import Warehouse, apply_migrations, finish_run, mark_abandoned_runs, start_run, utcnow

HEALTH_FLOWS = ("ingest", "backfill")  # runs that go to the sources; reprocess reads stored documents only


class RunLedger:
    """What a flow body gets: the run id, the running tally, and a progress reporter."""

    def __init__(self, run_id: str, flow: str):
        self.run_id = run_id
        self.flow = flow
        self.tally = Tally()
        self._progress_id = None
        self._logger = get_run_logger()
        self.sources: list[tuple[Source, Tally]] = []  # each source the run went through, with its tally
        self.resolved: list[str] = []  # inputs the run got through that are no documents (a folder listed)

    def source_done(self, source: Source, tally: Tally, resolved: tuple[str, ...] = ()) -> None:
        self.sources.append((source, tally))
        self.resolved.extend(resolved)

    def archive_done(self, location: str, batch: Tally, progress) -> None:
        """Log how far an archive is read and move the progress artifact to the share of the file read (the
        source's whole tally is merged when it is done)."""
        if self._progress_id is not None and progress.share_read is not None:
            update_progress_artifact(self._progress_id, 100.0 * progress.share_read)
        self._logger.info("archive %s: %d records read, %d pages kept%s; this batch: %d new articles, %d rejects",
                          location, progress.records, progress.pages, " (read to its end)" if progress.done else "",
                          batch.articles_new, sum(batch.rejects.values()))

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
        def finish(con) -> tuple[list[dict], dict]:
            finish_run(con, run_id, status, ledger.tally.as_dict(), error=error)
            resolve_rejects(con, run_id, ledger.resolved)
            if flow not in HEALTH_FLOWS or not ledger.sources:
                return [], {}
            now = utcnow()
            rows = judge_run(con, run_id, flow, ledger.sources, now)
            return rows, latest(con, [r["source"] for r in rows], since=now - timedelta(days=HISTORY_DAYS))

        health, trends = warehouse.write(finish)
        tell_prefect(health, trends, logger)
        if flow_run.get_id():
            create_markdown_artifact(summary_markdown(flow, run_id, status, ledger.tally) + health_markdown(health, trends),
                                     key=f"{flow}-summary", description=f"{flow} run summary")
        print(f"{flow} run {run_id} into {warehouse}: {status}\n{ledger.tally.summary()}")
