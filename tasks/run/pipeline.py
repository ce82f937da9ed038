"""Batches through every stage (discover, fetch or load, extract, write), timed per stage into the run's
tally (tasks.run.tally). Plain functions: the Prefect flow wraps the batch functions as tasks, the benchmarks call them
bare."""
from __future__ import annotations

import json
import logging
from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable

from schemas.records import Article, Document, InputRef, Reject
from tasks.acquire.discover import Candidate
from tasks.acquire.load import DEFAULT_BATCH_SIZE, DEFAULT_MAX_BYTES, FolderListing, input_doc_id, same_file
from tasks.acquire.sources import Source
from tasks.acquire.web import (
    FetchSession,
    FetchState,
    discover,
    fetch_urls,
    load_states,
    page_meta,
    plan_pages,
    read_stored_raw,
)
from tasks.dedup.boilerplate import learned as learned_boilerplate
from tasks.dedup.boilerplate import strip as strip_boilerplate
from tasks.dedup.openings import remember_openings
from tasks.dedup.paragraph_hashes import remember_paragraph_hashes
from tasks.dedup.teasers import teaser_lines
from tasks.enrich.facts import ENRICHER_VERSION
from tasks.enrich.known_names import known_person_keys
from tasks.enrich.name_propagation import NameIndex, TextWords, person_names
from tasks.extract.articles import EXTRACTOR_VERSION, to_utc
from tasks.extract.options import DEFAULT_OPTIONS, ExtractOptions
from tasks.run.pool import Pending, active_pool, worker_pool
from tasks.run.prepare import Derived, FileJob, Prepared, derive_chunk, facts_chunk, prepare_chunk, prepare_files
from tasks.run.tally import ALL_TIME, Tally, Window
from tasks.run.write import Enrichment, StoredDocument, known_documents, load_stored_documents, write_batch
from tasks.warehouse.database import Warehouse

log = logging.getLogger(__name__)


def is_current(stored: StoredDocument | None, meta: dict) -> bool:
    """Stored with this metadata, and its article made by the current extractor and enricher. (A document
    without an article, one rejected before, is never current: it is tried again, the reject stays current.)"""
    return (stored is not None and json.loads(stored.meta or "{}") == meta
            and stored.extractor_version == EXTRACTOR_VERSION and stored.enricher_version == ENRICHER_VERSION)


def is_unchanged(doc: Document, known: dict[str, StoredDocument]) -> bool:
    """Same bytes, same metadata, current versions: nothing to redo."""
    stored = known.get(doc.doc_id)
    return is_current(stored, doc.meta) and stored.raw_sha256 == doc.raw_sha256


@dataclass
class Started:
    """A batch whose round 1 (decode, extract, derive) is in the worker pool: its documents, the rejects
    so far, the tally of its load stage, and the pending results. In a batch of files (`files`) the workers
    read them: the documents and the read failures come with the results."""

    changed: list[Document]
    rejects: list[Reject]
    tally: Tally
    pending: Pending
    doc_ids: set[str]  # every document the batch may write
    files: bool = False


def start_documents(
    warehouse: Warehouse,
    docs: list[Document],
    rejects: list[Reject],
    tally: Tally,
    options: ExtractOptions = DEFAULT_OPTIONS,
    force: bool = False,
    known: dict[str, StoredDocument] | None = None,
) -> Started:
    """Set the unchanged documents aside (unless `force`; `known`: what the warehouse holds of them, when
    the caller has read it already) and submit the others' round 1 to the open worker pool."""
    with tally.timed("load"):
        if force:
            known = {}
        elif known is None:
            with warehouse.connect() as con:
                known = known_documents(con, [d.doc_id for d in docs])
        changed = [d for d in docs if not is_unchanged(d, known)]
        tally.documents_unchanged += len(docs) - len(changed)
        tally.articles_unchanged += len(docs) - len(changed)
        tally.documents_new_or_changed += len(changed)
    return Started(changed, rejects, tally, active_pool().submit(prepare_chunk, changed, options), {d.doc_id for d in changed})


def finish_documents(
    warehouse: Warehouse,
    run_id: str,
    started: Started,
    window: Window = ALL_TIME,
    fetch_states: list[dict] | None = None,
) -> Tally:
    """Collect round 1, strip learned boilerplate, run round 2 (the facts) in the pool and write the batch
    (while the workers go on with the next batch's round 1, when it was started ahead). Articles dated outside
    `window` are not written (their documents are: the raw input is kept, and a later run over a wider
    window extracts them)."""
    pool, changed, rejects, tally = active_pool(), started.changed, started.rejects, started.tally
    with tally.timed("extract"):
        prepared = started.pending.result()
        if started.files:
            prepared = _read_files(prepared, changed, rejects, tally)
        for doc, p in zip(changed, prepared):
            doc.encoding, doc.raw_compressed = p.encoding, p.raw_compressed
            for stage, secs in p.seconds.items():
                tally.cpu_seconds[stage] = tally.cpu_seconds.get(stage, 0.0) + secs
        rejects.extend(p.decode_reject for p in prepared if p.decode_reject is not None)
        rejects.extend(p.extract_reject for p in prepared if p.extract_reject is not None)
        done = [p for p in prepared if p.article is not None]
        articles = [p.article for p in done]
        count_extraction(tally, len(prepared), articles)
        kept = [p for p in done if window.holds(p.article.published_at)]
        tally.articles_out_of_window += len(articles) - len(kept)
    with tally.timed("dedup"):
        boilerplate_seen: set[tuple[str, str]] = set()
        teasers: dict[str, frozenset[int]] = {}
        known = NameIndex()
        for p in kept:
            remember_paragraph_hashes(p.article.text, p.derived.paragraph_hashes)
            remember_openings(p.article.text, p.derived.openings)
        if kept:
            with warehouse.connect() as con:
                boilerplate_seen = learned_boilerplate(con, [p.article for p in kept])
                teasers = teaser_lines(con, [p.article for p in kept])
                known = _known_persons(warehouse, run_id, con)
        stripped: list[Article] = []
        for p in kept:
            lines = teasers.get(p.article.article_id, ())
            article, removed = (strip_boilerplate(p.article, boilerplate_seen, lines) if boilerplate_seen or lines
                                else (p.article, 0))
            tally.boilerplate_paragraphs += removed
            stripped.append(article)
        # what a stripped article's text gives is computed again, in the pool; it keeps the words of the text
        # as extracted: more than it has, which the propagation narrows down to those of its text
        changed_text = [i for i, (p, article) in enumerate(zip(kept, stripped)) if article is not p.article]
        derived: list[Derived] = [p.derived for p in kept]
        for i, again in zip(changed_text, pool.map(derive_chunk, [stripped[i] for i in changed_text])):
            derived[i] = replace(again, words=kept[i].derived.words)
    with tally.timed("enrich"):
        # only Arabic articles are enriched (tasks.enrich.facts): other texts cannot name a known person
        arabic = [(a, d) for a, d in zip(stripped, derived) if d.found is not None]
        named_in_batch = NameIndex(person_names([m for _, d in arabic for m in d.found]))
        items = [(a.text, a.published_at.date() if a.published_at else None, d.found, _persons_named(d.words, known, named_in_batch))
                 for a, d in arabic]
        # round 2 runs in the pool while this process writes what needs no facts (Enrichment.settled_facts)
        facts = pool.submit(facts_chunk, items)
        arabic_ids = [a.article_id for a, _ in arabic]
        enrich = Enrichment(originals=[p.article for p in kept],
                            signatures={a.article_id: d.signature for a, d in zip(stripped, derived)},
                            terms={a.article_id: d.terms for a, d in zip(stripped, derived)},
                            search_keys={a.article_id: d.search_keys for a, d in zip(stripped, derived)},
                            facts_later=lambda: dict(zip(arabic_ids, facts.result())))
    with tally.timed("write"):
        written = warehouse.write(lambda con: write_batch(con, run_id, changed, stripped, rejects, [a.input_ref for a in articles],
                                                          fetch_states, enrich))
    known.add(written.known_persons)
    tally.articles_new += written.articles_new
    tally.articles_updated += written.articles_updated
    tally.articles_unchanged += written.articles_unchanged
    tally.articles_duplicate += written.articles_duplicate
    tally.rejects.update(written.rejects)
    tally.extracted.update(written.extracted)
    return tally


def count_extraction(tally: Tally, documents: int, articles: list[Article]) -> None:
    """What extraction gave, for source health: a few integers an article."""
    tally.documents_extracted += documents
    tally.articles_extracted += len(articles)
    tally.articles_dated += sum(a.published_at is not None for a in articles)
    tally.articles_titled += sum(bool(a.title) for a in articles)
    tally.article_words.extend(a.word_count for a in articles)


# The persons known to the warehouse, for the run that reads them: read at its first batch, then grown by what
# each of its batches writes (a person a concurrent run writes meanwhile is known from the next run on).
_known: tuple[tuple[str, str], NameIndex] | None = None


def _known_persons(warehouse: Warehouse, run_id: str, con) -> NameIndex:
    global _known
    if _known is None or _known[0] != (str(warehouse), run_id):
        _known = ((str(warehouse), run_id), NameIndex(known_person_keys(con)))
    return _known[1]


def _persons_named(words: TextWords, *indexes: NameIndex) -> tuple[str, ...]:
    """The persons of `indexes` that an article's words allow it to name (tasks.enrich.name_propagation)."""
    return tuple(sorted({name for index in indexes for name in index.present(words.words, words.firsts)}))


def _read_files(prepared: list[Prepared], changed: list[Document], rejects: list[Reject], tally: Tally) -> list[Prepared]:
    """A file batch's round 1 as documents (appended to `changed`, their results returned in the same
    order): files that could not be read become rejects, files whose bytes are stored are counted."""
    rejects.extend(p.load_reject for p in prepared if p.load_reject is not None)
    unchanged = sum(p.unchanged for p in prepared)
    tally.documents_unchanged += unchanged
    tally.articles_unchanged += unchanged
    read = [p for p in prepared if p.document is not None]
    changed.extend(p.document for p in read)
    tally.documents_new_or_changed += len(read)
    return read


def process_documents(
    warehouse: Warehouse,
    run_id: str,
    docs: list[Document],
    rejects: list[Reject],
    tally: Tally,
    window: Window = ALL_TIME,
    fetch_states: list[dict] | None = None,
    options: ExtractOptions = DEFAULT_OPTIONS,
    force: bool = False,
    known: dict[str, StoredDocument] | None = None,
) -> Tally:
    """Decode, extract and write documents already read or fetched: the stages every source shares.
    The CPU work runs in the open worker pool (tasks.run.pool; in-process without one), in two rounds
    (tasks.run.prepare); this process reads and writes the warehouse."""
    started = start_documents(warehouse, docs, rejects, tally, options, force, known)
    return finish_documents(warehouse, run_id, started, window, fetch_states)


def start_files(
    warehouse: Warehouse,
    refs: list[InputRef],
    manifest: dict[str, dict],
    extra_rejects: list[Reject] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    options: ExtractOptions = DEFAULT_OPTIONS,
    force: bool = False,
    behind: bool = False,
) -> Started:
    """Start a batch of files: the workers read them (tasks.run.prepare.prepare_files). A file with the size and
    modification time it had when stored, current metadata and versions is not even read (as make and
    rsync judge); one whose bytes are those stored is read, not extracted. `force` reads and extracts every
    file again. `behind`: the batch is started ahead of its turn, and waits behind work submitted later
    (WorkerPool.submit)."""
    tally = Tally(inputs=len(refs))
    rejects: list[Reject] = list(extra_rejects or [])
    known: dict[str, StoredDocument] = {}
    with tally.timed("load"):
        if not force and refs:
            with warehouse.connect() as con:
                untouched, known = untouched_files(con, refs, manifest)
            tally.documents_unchanged += len(untouched)
            tally.articles_unchanged += len(untouched)
            refs = [ref for ref in refs if ref.ref not in untouched]
        ids = [input_doc_id(ref, manifest) for ref in refs]
        jobs = []
        for ref, doc_id in zip(refs, ids):
            meta, stored = manifest.get(ref.relpath, {}), known.get(doc_id)
            jobs.append(FileJob(ref, meta, stored.raw_sha256 if is_current(stored, meta) else None))
    return Started([], rejects, tally, active_pool().submit(prepare_files, jobs, max_bytes, options, behind=behind),
                   set(ids), files=True)


def untouched_files(con, refs: list[InputRef], manifest: dict[str, dict]) -> tuple[set[str], dict[str, StoredDocument]]:
    """The refs whose file is stored with the size and modification time it has now, current metadata and
    versions (nothing to redo, not even a read); and what the warehouse holds of the refs' documents."""
    ids = {ref.ref: input_doc_id(ref, manifest) for ref in refs}
    known = known_documents(con, sorted(set(ids.values())))
    untouched = {ref.ref for ref in refs if (stored := known.get(ids[ref.ref])) is not None
                 and is_current(stored, manifest.get(ref.relpath, {}))
                 and same_file(ref, stored.file_size, stored.file_mtime_ns)}
    return untouched, known


UNTOUCHED_CHUNK = 5000  # files checked per query when a listing is checked before it is cut into batches


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def in_publication_order(listing: FolderListing) -> FolderListing:
    """The listing's inputs oldest first by their manifest's `published`, those without one after them, each
    group in listing order. A backfill is then read as a schedule would have taken it: stories grow forward in
    time, and each batch's dates are near one another, so that the stored terms it is compared with
    (tasks.dedup.neighbours, a scan by date range) lie in few row groups of the warehouse, not in every one."""
    def key(item: tuple[int, InputRef]) -> tuple[bool, datetime, int]:
        position, ref = item
        value = (listing.manifest.get(ref.relpath) or {}).get("published")
        published = to_utc(value) if isinstance(value, str) else None
        return published is None, published or _EPOCH, position
    ordered = [ref for _, ref in sorted(enumerate(listing.inputs), key=key)]
    return replace(listing, inputs=ordered)


def set_untouched_aside(warehouse: Warehouse, listing: FolderListing) -> tuple[FolderListing, Tally]:
    """The listing without the files that need nothing (untouched_files), and a tally that counts those:
    checked in a few large lookups before the run is cut into batches, so that a rerun over an unchanged
    folder opens the warehouse a few times, not once per batch (each lookup scans `documents`)."""
    skipped: set[str] = set()
    tally = Tally()
    with tally.timed("load"):
        if listing.inputs:
            with warehouse.connect() as con:
                for start in range(0, len(listing.inputs), UNTOUCHED_CHUNK):
                    skipped |= untouched_files(con, listing.inputs[start:start + UNTOUCHED_CHUNK], listing.manifest)[0]
    tally.inputs = tally.documents_unchanged = tally.articles_unchanged = len(skipped)
    remaining = [ref for ref in listing.inputs if ref.ref not in skipped]
    return FolderListing(remaining, listing.manifest, listing.rejects), tally


# The one batch of files started ahead (ingest_batch's `prefetch`), by what identifies it.
_ahead: dict[tuple, Started] = {}


def _batch_key(warehouse: Warehouse, refs: list[InputRef], options: ExtractOptions, force: bool) -> tuple:
    return (str(warehouse), tuple(ref.ref for ref in refs), options, force, id(active_pool()))


def ingest_batch(
    warehouse: Warehouse,
    run_id: str,
    refs: list[InputRef],
    manifest: dict[str, dict],
    extra_rejects: list[Reject] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    window: Window = ALL_TIME,
    options: ExtractOptions = DEFAULT_OPTIONS,
    force: bool = False,
    prefetch: list[InputRef] | None = None,
) -> Tally:
    """Read, extract and write one batch of files; return its tally (see start_files).

    `prefetch`: the next batch's files. With a worker pool, their round 1 is queued at once behind this
    batch's work, and the call for that batch picks it up: the workers go on from one batch to the next
    while this process reads the warehouse, strips boilerplate and writes. This batch's round 2, submitted
    later, runs before the rest of that queue (WorkerPool.submit's `behind`). The next batch reads the
    warehouse before this one is written, so it is not started ahead when it holds a document this one
    writes; results are the same either way."""
    started = _ahead.pop(_batch_key(warehouse, refs, options, force), None)
    if started is None:
        started = start_files(warehouse, refs, manifest, extra_rejects, max_bytes, options, force)
    else:
        started.rejects.extend(extra_rejects or [])

    def start_next() -> None:
        _ahead.clear()
        if not {input_doc_id(ref, manifest) for ref in prefetch}.isdisjoint(started.doc_ids):
            return
        try:
            _ahead[_batch_key(warehouse, prefetch, options, force)] = start_files(warehouse, prefetch, manifest, None,
                                                                                  max_bytes, options, force, behind=True)
        except Exception as exc:  # this batch is written regardless; the next one starts itself, and says why it fails
            log.warning("could not start the next batch ahead (%s: %s); it will start when its turn comes",
                        type(exc).__name__, exc)

    if prefetch and not active_pool().in_process:
        start_next()
    return finish_documents(warehouse, run_id, started, window)


def ingest_listing(
    warehouse: Warehouse,
    run_id: str,
    listing: FolderListing,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    run_batch: Callable[..., Tally] = ingest_batch,
    on_batch: Callable[[int, int, Tally], None] | None = None,
    window: Window = ALL_TIME,
    force: bool = False,
    workers: int | None = None,
    in_flight: int = 1,
) -> Tally:
    """Every input of a folder listing through `run_batch` (the Prefect task in a flow, `ingest_batch`
    bare), `batch_size` at a time. Listing problems (a bad manifest) travel with the first batch, so a
    folder with no inputs still reports them. The CPU work runs in a pool of `workers` processes (the
    run's pool when one is open; tasks.run.pool). `run_batch` may return a future (a task's `.submit`, on
    Dask workers say): then up to `in_flight` batches run at once, and are tallied in order. Otherwise each
    call is given the next batch's files to start in the pool while it writes (ingest_batch's `prefetch`).
    Unless `force`, files that need nothing are set aside first (set_untouched_aside) and counted with the
    first batch: a rerun over an unchanged folder makes no batch of them."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    total, aside = Tally(), Tally()
    if not force:
        listing, aside = set_untouched_aside(warehouse, listing)
    listing = in_publication_order(listing)
    count = max(1, -(-len(listing.inputs) // batch_size))
    pending: deque = deque()
    done = 0
    try:
        with worker_pool(workers):
            for number in range(1, count + 1):
                refs = listing.inputs[(number - 1) * batch_size : number * batch_size]
                extra = listing.rejects if number == 1 else None
                ahead = {} if in_flight > 1 else {"prefetch": listing.inputs[number * batch_size : (number + 1) * batch_size] or None}
                pending.append(run_batch(warehouse, run_id, refs, listing.manifest, extra, max_bytes, window, force=force, **ahead))
                while pending and (len(pending) >= max(1, in_flight) or number == count):
                    result = pending.popleft()
                    tally = result.result() if hasattr(result, "result") else result
                    if done == 0:
                        tally.merge(aside)  # the files set aside are counted with the first batch
                    done += 1
                    total.merge(tally)
                    if on_batch is not None:
                        on_batch(done, count, tally)
    finally:
        _ahead.clear()  # a batch started ahead of a run that stopped early
    return total


def fetch_batch(
    warehouse: Warehouse,
    run_id: str,
    session: FetchSession,
    source: Source,
    candidates: list[Candidate],
    states: dict[str, FetchState],
    window: Window = ALL_TIME,
) -> Tally:
    """Fetch one batch of a web source's candidate pages, then extract and write them."""
    tally = Tally(inputs=len(candidates))
    with tally.timed("fetch"):
        metas = {c.url: page_meta(source, c) for c in candidates}
        fetched = fetch_urls(session, source, [c.url for c in candidates], states, "page", metas)
    tally.fetch.update({"requests": len(candidates), "fetched": fetched.bodies, "not_modified": fetched.not_modified})
    return process_documents(warehouse, run_id, fetched.documents, fetched.rejects, tally, window, fetched.states)


@dataclass
class Plan:
    """A web source's pages to fetch this run, with their fetch states."""

    candidates: list[Candidate]
    states: dict[str, FetchState]
    tally: Tally


def discover_source(warehouse: Warehouse, run_id: str, session: FetchSession, source: Source,
                    window: Window = ALL_TIME, refetch: bool = False) -> Plan:
    """Fetch a source's listings (conditionally), store them, and plan which pages to fetch."""
    tally = Tally()
    with tally.timed("discover"):
        def states_of(urls: list[str]) -> dict[str, FetchState]:
            with warehouse.connect() as con:
                return load_states(con, urls)

        def stored_raw(doc_id: str) -> bytes | None:  # a listing that answered 304: its last body
            with warehouse.connect() as con:
                return read_stored_raw(con, doc_id)

        found = discover(session, source, states_of, stored_raw, window.since, window.until)
        tally.fetch.update({"listed": found.listed, "out_of_window": found.out_of_window, "requests": found.requests,
                            "listings_failed": found.listings_failed})
        written = warehouse.write(lambda con: write_batch(con, run_id, found.fetched.documents, [], found.fetched.rejects, [],
                                                          found.fetched.states))
        with warehouse.connect() as con:
            page_states = load_states(con, [c.url for c in found.candidates])
        tally.rejects.update(written.rejects)
        todo, known, deferred = plan_pages(found.candidates, page_states, refetch, datetime.now(timezone.utc))
        new_listed = sum(1 for c in found.candidates if c.url not in page_states)
        tally.fetch.update({"known": known, "deferred": deferred, "new_listed": new_listed})
    return Plan(todo, page_states, tally)


def write_rejects(warehouse: Warehouse, run_id: str, rejects: list[Reject]) -> Tally:
    """Rejects that concern no document (a source's folder that is gone): written, and tallied."""
    tally = Tally()
    with tally.timed("write"):
        written = warehouse.write(lambda con: write_batch(con, run_id, [], [], rejects, [], None))
    tally.rejects.update(written.rejects)
    return tally


def stored_document_ids(warehouse: Warehouse, window: Window = ALL_TIME, sources: list[str] | None = None,
                        written_by: str | None = None) -> list[str]:
    """Stored pages and files (not feeds or sitemaps) whose article falls in `window`, or that have no
    article and were listed or fetched in it: what `reprocess` extracts again. Not those the run
    `written_by` wrote already (a backfill extracts what it fetches once)."""
    since = window.since or datetime(1, 1, 1, tzinfo=timezone.utc)
    until = window.until or datetime(9999, 1, 1, tzinfo=timezone.utc)
    with warehouse.connect() as con:
        rows = con.execute(
            """
            SELECT d.doc_id FROM documents d LEFT JOIN articles a ON a.doc_id = d.doc_id
            WHERE NOT EXISTS (SELECT 1 FROM fetch_state f WHERE f.doc_id = d.doc_id AND f.kind = 'listing')
              AND (? IS NULL OR list_contains(?::VARCHAR[], d.source))
              AND d.run_id IS DISTINCT FROM ?
              AND CASE WHEN a.published_at IS NOT NULL THEN a.published_at >= ? AND a.published_at < ?
                       ELSE coalesce(TRY_CAST(d.meta->>'listed' AS TIMESTAMPTZ), d.fetched_at) >= ?
                        AND coalesce(TRY_CAST(d.meta->>'listed' AS TIMESTAMPTZ), d.fetched_at) < ? END
            ORDER BY d.doc_id
            """,
            [sources, sources, written_by, since, until, since, until],
        ).fetchall()
    return [r[0] for r in rows]


def reprocess_batch(warehouse: Warehouse, run_id: str, doc_ids: list[str], window: Window = ALL_TIME) -> Tally:
    """Extract stored documents again from their raw bytes (no fetching) and write the results."""
    tally = Tally(inputs=len(doc_ids))
    with tally.timed("load"):
        with warehouse.connect() as con:
            docs = load_stored_documents(con, doc_ids)
    return process_documents(warehouse, run_id, docs, [], tally, window, force=True)
