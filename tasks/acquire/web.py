"""Web sources: discover candidate URLs from listings, skip what is known, fetch the rest, and turn
responses into Documents, rejects and fetch-state rows. A FetchSession keeps one event loop, one
httpx client, robots.txt cache and per-host gates for a whole run, behind plain synchronous calls."""
from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from schemas.records import Document, Reject
from tasks.acquire.discover import Candidate, ListingError, in_window, merge_candidates, parse_listing, parse_url_list
from tasks.acquire.fetch import LISTING_TYPES, PAGE_TYPES, Conditional, Fetcher, FetchPolicy, FetchResult, HostRules
from tasks.acquire.load import document_id
from tasks.acquire.netguard import AddressGuard
from tasks.acquire.raw import decompress_raw
from tasks.acquire.sources import Source
from tasks.text.normalize import sha256_hex
from tasks.warehouse.database import SPLIT_IDS, split_ids

MAX_CHILD_SITEMAPS = 50
FAILURE_BACKOFF = timedelta(minutes=10)  # a failed URL waits this long times 2^(failures-1), at most a day


@dataclass
class FetchState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_status: int | None = None
    doc_id: str | None = None
    next_allowed_at: datetime | None = None
    failures: int = 0


@dataclass
class Fetched:
    """What fetching a set of URLs produced, ready for the write stage."""

    documents: list[Document] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    states: list[dict] = field(default_factory=list)
    not_modified: int = 0
    bodies: int = 0


@dataclass
class Discovery:
    candidates: list[Candidate] = field(default_factory=list)
    fetched: Fetched = field(default_factory=Fetched)  # the listings themselves
    listed: int = 0
    out_of_window: int = 0
    requests: int = 0  # listing URLs asked for (or 1 for a local URL list)
    listings_failed: int = 0  # of those, the ones that gave no listing


class FetchSession:
    """A Fetcher on its own event loop thread, usable from synchronous code (Prefect tasks)."""

    def __init__(self, policy: FetchPolicy = FetchPolicy(), guard: AddressGuard | None = None):
        self.policy = policy
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="akhbar-fetch", daemon=True)
        self._thread.start()
        self.fetcher = Fetcher(policy, guard)
        self._call(self.fetcher.__aenter__())

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def fetch_many(self, requests: list[tuple[str, HostRules, Conditional | None, tuple[str, ...]]]) -> list[FetchResult]:
        async def run():
            return await asyncio.gather(*(self.fetcher.fetch(u, r, c, a) for u, r, c, a in requests))
        return self._call(run())

    def close(self) -> None:
        try:
            self._call(self.fetcher.__aexit__(None, None, None))
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    def __enter__(self) -> "FetchSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def rules_for(source: Source) -> HostRules:
    return HostRules(rate=source.rate, concurrency=source.concurrency, allow_private=source.allow_private)


def _state_row(source: Source, kind: str, result: FetchResult, state: FetchState | None, doc_id: str | None,
               now: datetime) -> dict:
    failures = 0 if result.ok else (state.failures if state else 0) + 1
    next_allowed = None
    if result.retry_after:
        next_allowed = now + timedelta(seconds=result.retry_after)
    elif not result.ok:
        next_allowed = now + min(FAILURE_BACKOFF * 2 ** (failures - 1), timedelta(days=1))
    keep = result.not_modified and state is not None
    return {
        "url": result.url, "source": source.name, "kind": kind,
        "etag": result.headers.get("etag") or (state.etag if keep else None),
        "last_modified": result.headers.get("last-modified") or (state.last_modified if keep else None),
        "last_status": result.status, "last_reason": result.reason, "last_fetched_at": now,
        "next_allowed_at": next_allowed, "failures": failures,
        "doc_id": doc_id or (state.doc_id if state else None),
    }


def to_document(source: Source, result: FetchResult, meta: dict, now: datetime) -> Document:
    """A fetched body as a Document; its article's URL is where the page ended up after redirects."""
    body = result.body or b""
    if meta:
        meta = {**meta, "url": result.final_url or result.url}
    return Document(
        doc_id=document_id(source.name, "", result.url),
        url=result.url,
        source=source.name,
        input_ref=result.url,
        fetched_at=now,
        kind="html",
        raw=body,
        raw_sha256=sha256_hex(body),
        content_type=result.content_type or "text/html",
        meta=meta,
        http_status=result.status,
        final_url=result.final_url,
        headers=result.headers,
        elapsed_ms=result.elapsed_ms,
    )


def fetch_urls(session: FetchSession, source: Source, urls: list[str], states: dict[str, FetchState], kind: str,
               metas: dict[str, dict] | None = None, conditional: bool = True) -> Fetched:
    """Fetch `urls` of one source; each becomes a document, a not-modified, or a reject."""
    accept = PAGE_TYPES if kind == "page" else LISTING_TYPES
    rules = rules_for(source)
    requests = []
    for url in urls:
        st = states.get(url)
        cond = Conditional(st.etag, st.last_modified) if (conditional and st and st.doc_id) else None
        requests.append((url, rules, cond, accept))
    out = Fetched()
    now = datetime.now(timezone.utc)
    for result in session.fetch_many(requests):
        state = states.get(result.url)
        doc = None
        if result.ok and not result.not_modified:
            if not result.body:
                result.reason, result.detail = "empty", "HTTP 200 with an empty body"
            else:
                doc = to_document(source, result, (metas or {}).get(result.url, {}), now)
                out.documents.append(doc)
                out.bodies += 1
        if result.not_modified:
            out.not_modified += 1
        if not result.ok:
            out.rejects.append(Reject(result.url, "fetch", result.reason or "fetch_error", result.detail))
        out.states.append(_state_row(source, kind, result, state, doc.doc_id if doc else None, now))
    return out


def page_meta(source: Source, candidate: Candidate) -> dict:
    meta = {"url": candidate.url}
    if source.outlet:
        meta["outlet"] = source.outlet
    if source.language:
        meta["language"] = source.language
    if candidate.published is not None:
        meta["listed"] = candidate.published.isoformat()
    return meta


def discover(session: FetchSession, source: Source, states_of, stored_raw,
             since: datetime | None = None, until: datetime | None = None) -> Discovery:
    """Candidates of one listing source. `states_of(urls)` gives the fetch states of listing URLs (for
    conditional GET); `stored_raw(doc_id)` a listing's last stored body, used when it answers 304."""
    found = Discovery()
    if source.kind == "urls" and source.path:
        try:
            text = Path(source.path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            found.fetched.rejects.append(Reject(source.path, "discover", "read_error", str(exc)))
            found.requests = found.listings_failed = 1
            return found
        candidates = parse_url_list(text)
        found.requests = 1
        _reject_bad_lines(text, candidates, source.path, found)
    else:
        candidates = _from_listings(session, source, states_of, stored_raw, found)
    found.listed = len(candidates)
    merged = merge_candidates(candidates)
    found.candidates = [c for c in merged if in_window(c, since, until)]
    found.out_of_window = len(merged) - len(found.candidates)
    return found


def _reject_bad_lines(text: str, candidates: list[Candidate], ref: str, found: Discovery) -> None:
    good = len(candidates)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if len(lines) != good:
        bad = [ln for ln in lines if not parse_url_list(ln)]
        found.fetched.rejects.append(Reject(ref, "discover", "bad_url", f"{len(bad)} lines are not http(s) URLs: {bad[:3]}"))


def _from_listings(session, source, states_of, stored_raw, found: Discovery) -> list[Candidate]:
    pending, seen, candidates = [source.url], set(), []
    while pending:
        batch = [u for u in pending if u not in seen][:MAX_CHILD_SITEMAPS]
        pending = []
        if not batch:
            break
        seen.update(batch)
        fetched = fetch_urls(session, source, batch, states_of(batch), "listing")
        found.requests += len(batch)
        found.listings_failed += len(fetched.rejects)
        found.fetched.documents.extend(fetched.documents)
        found.fetched.rejects.extend(fetched.rejects)
        found.fetched.states.extend(fetched.states)
        found.fetched.not_modified += fetched.not_modified
        found.fetched.bodies += fetched.bodies
        bodies = {d.url: d.raw for d in fetched.documents}
        for row in fetched.states:
            url = row["url"]
            body = bodies.get(url)
            if body is None and row["last_status"] == 304 and row["doc_id"]:
                body = stored_raw(row["doc_id"])
            if body is None:
                continue
            try:
                if source.kind == "urls":
                    listing_candidates, children = parse_url_list(body.decode("utf-8", errors="replace"), url), []
                else:
                    listing = parse_listing(body, url)
                    listing_candidates, children = listing.candidates, listing.sitemaps
            except ListingError as exc:
                found.fetched.rejects.append(Reject(url, "discover", exc.reason, exc.detail))
                found.listings_failed += 1
                continue
            candidates.extend(listing_candidates)
            pending.extend(children)
            if len(seen) + len(pending) > MAX_CHILD_SITEMAPS:
                found.fetched.rejects.append(Reject(url, "discover", "too_many_sitemaps",
                                                    f"more than {MAX_CHILD_SITEMAPS} sitemaps; the rest are not read"))
                pending = pending[: max(0, MAX_CHILD_SITEMAPS - len(seen))]
    return candidates


def read_stored_raw(con, doc_id: str) -> bytes | None:
    row = con.execute("SELECT raw, raw_compression FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
    return decompress_raw(*row) if row else None


def load_states(con, urls: list[str]) -> dict[str, FetchState]:
    if not urls:
        return {}
    rows = con.execute(
        "SELECT url, etag, last_modified, last_status, doc_id, next_allowed_at, failures FROM fetch_state"
        f" WHERE url IN {SPLIT_IDS}", split_ids(urls)).fetchall()
    return {r[0]: FetchState(*r) for r in rows}


def plan_pages(candidates: list[Candidate], states: dict[str, FetchState], refetch: bool, now: datetime) -> tuple[list[Candidate], int, int]:
    """(to fetch, known, deferred): a URL whose body is stored is not fetched again unless `refetch`
    (then conditionally); one that failed waits for its next_allowed_at."""
    todo, known, deferred = [], 0, 0
    for c in candidates:
        st = states.get(c.url)
        if st and st.doc_id and st.last_status in (200, 304) and not refetch:
            known += 1
        elif st and st.next_allowed_at and st.next_allowed_at > now and not refetch:
            deferred += 1
        else:
            todo.append(c)
    return todo, known, deferred


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()
