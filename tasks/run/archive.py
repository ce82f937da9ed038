"""A warc source through the pipeline: each archive read from where it was left (`archive_files`), its pages in
batches through the stages every source shares, its problems as rejects, and its progress written after each
batch so that a killed run resumes there and a finished file is not read again (tasks/acquire/warc.py)."""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from typing import Callable

import httpx

from schemas.records import Document, Reject
from tasks.acquire.netguard import AddressGuard, Blocked
from tasks.acquire.sources import Source
from tasks.acquire.warc import Page, Problem, Skipped, file_identity, is_remote, locations, open_archive, pages
from tasks.run.pipeline import process_documents, write_rejects
from tasks.run.tally import ALL_TIME, Tally, Window
from tasks.run.write import resolve_rejects
from tasks.warehouse.database import SPLIT_IDS, Warehouse, split_ids, upsert, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """Where a file stands after a batch: what `archive_files` gets."""

    source: str
    location: str
    window_key: str
    identity: str | None
    next_offset: int  # the offset of the last record written: a resumed read starts there and skips it
    records: int
    pages: int
    done: bool
    size: int | None = None  # the file's bytes, when known (a URL's Content-Length): how far along it is

    @property
    def share_read(self) -> float | None:
        return 1.0 if self.done else (min(1.0, self.next_offset / self.size) if self.size else None)


def window_key(window: Window) -> str:
    day = lambda t: t.date().isoformat() if t else ""  # noqa: E731
    return f"{day(window.since)}..{day(window.until)}"


def stored_progress(warehouse: Warehouse, source: str, location: str, key: str) -> dict | None:
    with warehouse.connect() as con:
        row = con.execute("SELECT identity, next_offset, records, pages, done FROM archive_files"
                          " WHERE source = ? AND location = ? AND window_key = ?", [source, location, key]).fetchone()
    return None if row is None else dict(zip(("identity", "next_offset", "records", "pages", "done"), row))


def save_progress(con, run_id: str, progress: Progress) -> None:
    upsert(con, "archive_files",
           "(SELECT ?::VARCHAR AS source, ?::VARCHAR AS location, ?::VARCHAR AS window_key, ?::VARCHAR AS identity,"
           " ?::BIGINT AS next_offset, ?::BIGINT AS records, ?::BIGINT AS pages, ?::BOOLEAN AS done,"
           " ?::VARCHAR AS run_id, ?::TIMESTAMPTZ AS updated_at)",
           ("source", "location", "window_key"),
           "identity = excluded.identity, next_offset = excluded.next_offset, records = excluded.records,"
           " pages = excluded.pages, done = excluded.done, run_id = excluded.run_id, updated_at = excluded.updated_at",
           [progress.source, progress.location, progress.window_key, progress.identity, progress.next_offset,
            progress.records, progress.pages, progress.done, run_id, utcnow()])


def archive_batch(warehouse: Warehouse, run_id: str, docs: list[Document], rejects: list[Reject], tally: Tally,
                  progress: Progress, window: Window = ALL_TIME, force: bool = False) -> Tally:
    """One batch of an archive's pages through the pipeline, then the file's progress. A page whose stored
    copy was fetched or archived later than this one is left as stored (an older archive copy never
    overwrites a newer page)."""
    with tally.timed("load"):
        newer = _stored_later(warehouse, docs)
        kept = [d for d in docs if d.doc_id not in newer]
        tally.documents_unchanged += len(docs) - len(kept)
        tally.articles_unchanged += len(docs) - len(kept)
    tally = process_documents(warehouse, run_id, kept, rejects, tally, window, force=force)

    def note(con) -> None:
        save_progress(con, run_id, progress)
        if progress.done:  # read to its end: a file or URL that could not be reached before can be now
            resolve_rejects(con, run_id, [progress.location])
    warehouse.write(note)
    return tally


def _stored_later(warehouse: Warehouse, docs: list[Document]) -> set[str]:
    if not docs:
        return set()
    when = {d.doc_id: d.fetched_at for d in docs}
    with warehouse.connect() as con:
        rows = con.execute(f"SELECT doc_id, fetched_at FROM documents WHERE doc_id IN {SPLIT_IDS}",
                           split_ids(list(when))).fetchall()
    return {doc_id for doc_id, stored in rows if stored is not None and stored > when[doc_id]}


def ingest_archives(warehouse: Warehouse, run_id: str, source: Source, window: Window, batch_size: int,
                    max_bytes: int, force: bool = False, run_batch: Callable[..., Tally] = archive_batch,
                    on_batch: Callable[[str, Tally, Progress], None] | None = None) -> Tally:
    """Every archive of a warc source (`run_batch`: the Prefect task in a flow, archive_batch bare)."""
    total = Tally()
    key = window_key(window)
    with httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0), follow_redirects=False,
                      headers={"User-Agent": "akhbar/0.1 (news research crawler)"}) as client:
        for location in locations(source):
            total.merge(_one_archive(warehouse, run_id, source, location, key, window, batch_size, max_bytes, force,
                                     run_batch, on_batch, client))
    return total


def _one_archive(warehouse, run_id, source, location, key, window, batch_size, max_bytes, force, run_batch, on_batch,
                 client) -> Tally:
    tally = Tally()
    try:
        identity = file_identity(location)
        if is_remote(location):
            asyncio.run(AddressGuard().check(location, source.allow_private))
    except (OSError, Blocked) as exc:
        reason = exc.reason if isinstance(exc, Blocked) else "archive_unreachable"
        return _rejected(warehouse, run_id, location, reason, str(getattr(exc, "detail", exc)), tally)
    stored = None if force else stored_progress(warehouse, source.name, location, key)
    same = stored is not None and stored["identity"] == identity
    if same and stored["done"]:
        tally.fetch["archives_unchanged"] += 1
        return tally
    start, records, kept_pages = (stored["next_offset"], stored["records"], stored["pages"]) if same else (0, 0, 0)
    docs: list[Document] = []
    rejects: list[Reject] = []
    batch = Tally()
    last = start
    try:
        fh = open_archive(location, client)
    except OSError as exc:
        return _rejected(warehouse, run_id, location, "archive_unreachable", str(exc), tally)
    with fh:
        try:
            for item in pages(fh, location, start, source, window.since, max_bytes):
                if start and item.offset == start:  # the last record a killed run wrote: done already
                    continue
                records += 1
                batch.fetch["records"] += 1
                last = item.offset
                if isinstance(item, Page):
                    docs.append(item.document)
                    kept_pages += 1
                    batch.fetch["pages_kept"] += 1
                elif isinstance(item, Problem):
                    rejects.append(Reject(f"{location}#{item.offset}", "load", item.reason, item.detail))
                elif isinstance(item, Skipped) and item.why == "before_window":
                    batch.fetch["out_of_window"] += 1
                if len(docs) >= batch_size:
                    batch.inputs = len(docs)
                    progress = Progress(source.name, location, key, identity, last, records, kept_pages, False,
                                        _size(fh, location))
                    tally.merge(_batch(warehouse, run_id, docs, rejects, batch, progress, window, force, run_batch, on_batch))
                    docs, rejects, batch = [], [], Tally()
        except OSError as exc:  # the file could not be read on (a remote one after its retries)
            rejects.append(Reject(f"{location}#{last}", "load", "archive_unreachable", str(exc)))
            done = False
        else:
            done = True
    batch.inputs = len(docs)
    progress = Progress(source.name, location, key, identity, last, records, kept_pages, done, _size(fh, location))
    tally.merge(_batch(warehouse, run_id, docs, rejects, batch, progress, window, force, run_batch, on_batch))
    return tally


def _size(fh, location: str) -> int | None:
    return getattr(fh, "size", None) if is_remote(location) else os.path.getsize(location)


def _batch(warehouse, run_id, docs, rejects, batch, progress, window, force, run_batch, on_batch) -> Tally:
    done = run_batch(warehouse, run_id, docs, rejects, batch, progress, window, force)
    if on_batch is not None:
        on_batch(progress.location, done, progress)
    return done


def _rejected(warehouse: Warehouse, run_id: str, location: str, reason: str, detail: str, tally: Tally) -> Tally:
    log.error("archive %s: %s", location, detail)
    tally.merge(write_rejects(warehouse, run_id, [Reject(location, "load", reason, detail)]))
    return tally
