"""Source health: the figures of one run of one source (`figures`), judged against the source's own past
(`judge`) into `ok`, `degraded` or `failing` with stable reason codes. Plain functions of plain values: the
run ledger (flows/ledger.py) reads the history, writes `source_health` and tells Prefect (docs/operating.md,
"Source health")."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from statistics import median

from tasks.acquire.sources import HealthSettings
from tasks.run.tally import Tally

# reason code -> status it gives. Errors are judged on this run alone; the rest against the source's past.
SEVERITY = {
    "unreachable": "failing",        # connection errors, timeouts or 5xx on most requests, or a folder gone
    "blocked_403": "failing",        # 401/403/451 on most requests
    "robots_disallowed": "failing",  # robots.txt closes most of what was asked for
    "rate_limited": "degraded",      # 429 on most requests
    "yield_drop": "degraded",        # far fewer articles per page (failing when none at all)
    "text_shrunk": "degraded",       # articles far shorter than usual: extraction finds furniture
    "feed_stale": "degraded",        # the listing has offered nothing new for far longer than usual
}
STATUSES = ("ok", "degraded", "failing")
FILE_KINDS = ("folder", "warc")  # sources of files: their listing is the files, their yield articles per file or record
ERROR_CODES = {  # reason -> the reject reasons that count for it
    "unreachable": ("connect_error", "timeout", "http_500", "http_502", "http_503", "http_504", "http_error",
                    "folder_missing", "archive_unreachable"),
    "blocked_403": ("http_401", "http_403", "http_451"),
    "robots_disallowed": ("robots_disallowed",),
    "rate_limited": ("http_429",),
}


@dataclass
class Figures:
    """One run of one source, as `source_health` stores it."""

    source: str
    kind: str
    flow: str
    listed: int = 0
    new_listed: int = 0      # web: listed pages never stored before; folder: files new or changed
    requests: int = 0        # listing and page URLs asked for
    fetched: int = 0
    not_modified: int = 0
    inputs: int = 0          # pages to fetch, or files listed
    documents: int = 0       # documents put through extraction
    articles: int = 0        # articles extraction gave
    articles_new: int = 0
    rejects: dict = field(default_factory=dict)
    yield_: float | None = None        # articles per document extracted (None: nothing was extracted)
    median_words: float | None = None  # of the articles extracted
    dated_share: float | None = None
    titled_share: float | None = None
    seconds: float = 0.0
    words: list = field(default_factory=list)  # the word counts of its articles


def figures(source: str, kind: str, flow: str, tally: Tally) -> Figures:
    """The figures of a source's run from its tally."""
    docs, arts = tally.documents_extracted, tally.articles_extracted
    fresh = tally.fetch.get("new_listed", 0) if kind not in FILE_KINDS else tally.documents_new_or_changed
    return Figures(
        source=source, kind=kind, flow=flow, listed=tally.fetch.get("listed", 0), new_listed=fresh,
        requests=tally.fetch.get("requests", 0), fetched=tally.fetch.get("fetched", 0),
        not_modified=tally.fetch.get("not_modified", 0), inputs=tally.inputs, documents=docs, articles=arts,
        articles_new=tally.articles_new, rejects=dict(sorted(tally.rejects.items())),
        yield_=arts / docs if docs else None,
        median_words=float(median(tally.article_words)) if tally.article_words else None,
        dated_share=tally.articles_dated / arts if arts else None,
        titled_share=tally.articles_titled / arts if arts else None,
        seconds=round(sum(tally.seconds.values()), 3), words=list(tally.article_words),
    )


@dataclass(frozen=True)
class Past:
    """One earlier run of the source, newest first in a history: what judging needs of it."""

    status: str
    new_listed: int
    documents: int
    articles: int
    words: tuple[int, ...]  # the word counts of its articles
    reasons: tuple[str, ...] = ()
    details: dict = field(default_factory=dict)


@dataclass
class Verdict:
    status: str
    reasons: list[str]
    details: dict[str, str]   # reason -> what an operator reads
    baseline: dict             # the figures judged against (None where history is too short)


def judge(now: Figures, history: list[Past], settings: HealthSettings = HealthSettings()) -> Verdict:
    """`now` against `history` (the source's earlier runs of the same flow, newest first).

    Yield and length are judged on the last `min_sample` pages and articles (this run's, and the runs'
    before when it has fewer) against the same figures over the source's last `baseline_runs` healthy
    runs: a handful of articles swings with every video page and brief, and a source that publishes two
    pages a run is judged once it has given enough."""
    details: dict[str, str] = {}
    _errors(now, settings, details)
    idle = now.documents == 0 and (now.kind in FILE_KINDS or now.inputs == 0)
    if idle and not details and history:  # asked for no page: what the pages gave last time still holds
        details.update({r: f"{history[0].details.get(r, r)} (last run; no page was asked for since)"
                        for r in history[0].reasons if r in ERROR_CODES})
    recent = [Past("now", now.new_listed, now.documents, now.articles, tuple(now.words))] + history
    healthy = [p for p in history if p.status == "ok" and p.documents][: settings.baseline_runs]
    enough = len(healthy) >= max(1, settings.min_history)
    base_yield, base_words = (_yield(healthy), _median_words(healthy)) if enough else (None, None)
    docs, arts, got = _pooled(recent, settings.min_sample)
    if base_yield and docs >= settings.min_sample and arts / docs < settings.yield_drop * base_yield:
        details["yield_drop"] = (f"{arts} articles from the last {docs} pages ({arts / docs:.2f} a page, over {got} "
                                 f"runs); usually {base_yield:.2f}")
    pool = _pooled_words(recent, settings.min_sample)
    if base_words and len(pool) >= settings.min_sample and median(pool) < settings.text_shrunk * base_words:
        details["text_shrunk"] = (f"median {median(pool):.0f} words over the last {len(pool)} articles; "
                                  f"usually {base_words:.0f}")
    gap = _usual_gap(history, settings.min_history)
    quiet = _runs_without_new(now, history)
    listing = now.listed or now.kind in FILE_KINDS  # a listing came (files: their own, or `unreachable`)
    if (gap is not None and now.flow == "ingest" and listing and not details
            and quiet >= max(settings.stale_runs, math.ceil(settings.stale_factor * gap))):
        details["feed_stale"] = f"nothing new listed for {quiet} runs; usually something new every {gap:g} runs"
    reasons = sorted(details, key=list(SEVERITY).index)
    worst = max((STATUSES.index(SEVERITY[r]) for r in reasons), default=0)
    if "yield_drop" in details and arts == 0:
        worst = STATUSES.index("failing")
    return Verdict(STATUSES[worst], reasons, details,
                   {"yield": base_yield, "median_words": base_words, "runs_between_new": gap,
                    "healthy_runs": len(healthy)})


def _errors(now: Figures, settings: HealthSettings, details: dict[str, str]) -> None:
    """Reasons this run's failures give on their own: most requests failing one way (and at least
    `min_failures` of them, unless no listing came), or a folder that is gone."""
    for code, reasons in ERROR_CODES.items():
        failed = sum(now.rejects.get(r, 0) for r in reasons)
        if not failed:
            continue
        asked = max(now.requests, now.inputs, failed)
        no_listing = now.kind in FILE_KINDS or (now.requests > 0 and now.listed == 0)
        if failed / asked >= settings.error_share and (failed >= settings.min_failures or no_listing):
            which = ", ".join(f"{r} {now.rejects[r]}" for r in reasons if now.rejects.get(r))
            details[code] = f"{failed} of {asked} requests failed ({which})"


def _pooled(runs: list[Past], need: int) -> tuple[int, int, int]:
    """(documents, articles, runs) of the newest runs that make up `need` documents (or all of them)."""
    docs = arts = taken = 0
    for p in runs:
        if docs >= need:
            break
        docs, arts, taken = docs + p.documents, arts + p.articles, taken + 1
    return docs, arts, taken


def _pooled_words(runs: list[Past], need: int) -> list[int]:
    words: list[int] = []
    for p in runs:
        if len(words) >= need:
            break
        words.extend(p.words)
    return words


def _yield(runs: list[Past]) -> float | None:
    docs = sum(p.documents for p in runs)
    return sum(p.articles for p in runs) / docs if docs else None


def _median_words(runs: list[Past]) -> float | None:
    words = [w for p in runs for w in p.words]
    return float(median(words)) if words else None


def _usual_gap(history: list[Past], need: int) -> float | None:
    """The median number of runs from one run that listed something new to the next, over the history;
    None until `need` such runs are known."""
    marks = [i for i, p in enumerate(history) if p.new_listed > 0]
    if len(marks) < max(2, need):
        return None
    return float(median(b - a for a, b in zip(marks, marks[1:])))


def _runs_without_new(now: Figures, history: list[Past]) -> int:
    if now.new_listed > 0:
        return 0
    quiet = 1
    for p in history:
        if p.new_listed > 0:
            break
        quiet += 1
    return quiet


def as_row(run_id: str, checked_at, now: Figures, verdict: Verdict) -> dict:
    """A `source_health` row."""
    row = {f.name: getattr(now, f.name) for f in fields(now)}  # not asdict: it deep-copies the word counts
    row["yield"] = row.pop("yield_")
    row["article_words"] = row.pop("words")
    return {"run_id": run_id, "checked_at": checked_at, **row, "status": verdict.status, "reasons": verdict.reasons,
            "details": verdict.details, "baseline": verdict.baseline}
