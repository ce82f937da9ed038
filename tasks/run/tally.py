"""What a run did (`Tally`: the counts of the summary and of `runs.counts`, seconds per stage) and the
publication-date window it keeps (`Window`)."""
from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

STAGES = ("discover", "fetch", "load", "extract", "dedup", "enrich", "write")
EXTRACTED = ("mentions", "temporal_expressions", "quotes", "attributions", "events")
# listed: candidates the listings gave; new_listed: those never stored before; requests: listing and page
# URLs asked for (each once, whatever its retries and redirects); listings_failed: listing URLs that gave no
# listing (an error answer, or a body that is not one).
# records, pages_kept, archives_unchanged: of web archives (tasks/run/archive.py), read, kept as pages, not read again.
FETCH_COUNTS = ("listed", "new_listed", "out_of_window", "known", "deferred", "requests", "fetched", "not_modified",
                "listings_failed", "records", "pages_kept", "archives_unchanged")


@dataclass(frozen=True)
class Window:
    """[since, until) on publication dates; either end open when None."""

    since: datetime | None = None
    until: datetime | None = None

    def holds(self, when: datetime | None) -> bool:
        if when is None:
            return True  # undated: kept, there is nothing to filter on
        return (self.since is None or when >= self.since) and (self.until is None or when < self.until)


ALL_TIME = Window()


@dataclass
class Tally:
    """What a run did: the counts users see in the summary and in `runs.counts`."""

    inputs: int = 0
    documents_new_or_changed: int = 0
    documents_unchanged: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_duplicate: int = 0
    articles_out_of_window: int = 0
    boilerplate_paragraphs: int = 0
    fetch: Counter = field(default_factory=Counter)
    rejects: Counter = field(default_factory=Counter)
    extracted: Counter = field(default_factory=Counter)  # enrichment rows written: mentions, events, ...
    seconds: dict = field(default_factory=lambda: {s: 0.0 for s in STAGES})
    # What extraction gave, for source health (tasks.run.health): documents put through extraction, the articles
    # they gave, and of those the ones dated and titled, with their word counts.
    documents_extracted: int = 0
    articles_extracted: int = 0
    articles_dated: int = 0
    articles_titled: int = 0
    article_words: list = field(default_factory=list)
    # CPU seconds of the per-document work, wherever it ran (workers or in-process): decode, gzip, extract,
    # derive (signature, terms, recogniser). Summed over processes, so not comparable to `seconds`.
    cpu_seconds: dict = field(default_factory=dict)

    _SUMS = ("inputs", "documents_new_or_changed", "documents_unchanged", "articles_new", "articles_updated",
             "articles_unchanged", "articles_duplicate", "articles_out_of_window", "boilerplate_paragraphs",
             "documents_extracted", "articles_extracted", "articles_dated", "articles_titled")

    def merge(self, other: "Tally") -> None:
        for name in self._SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.fetch.update(other.fetch)
        self.rejects.update(other.rejects)
        self.extracted.update(other.extracted)
        self.article_words.extend(other.article_words)
        for stage, secs in other.seconds.items():
            self.seconds[stage] = self.seconds.get(stage, 0.0) + secs
        for stage, secs in other.cpu_seconds.items():
            self.cpu_seconds[stage] = self.cpu_seconds.get(stage, 0.0) + secs

    @contextmanager
    def timed(self, stage: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start

    def as_dict(self) -> dict:
        return {
            "inputs": self.inputs,
            "fetch": {k: self.fetch.get(k, 0) for k in FETCH_COUNTS},
            "documents": {"new_or_changed": self.documents_new_or_changed, "unchanged": self.documents_unchanged},
            "articles": {"new": self.articles_new, "updated": self.articles_updated, "unchanged": self.articles_unchanged,
                         "duplicate": self.articles_duplicate, "out_of_window": self.articles_out_of_window},
            "boilerplate_paragraphs_stripped": self.boilerplate_paragraphs,
            "rejects": dict(sorted(self.rejects.items())),
            "extracted": {k: self.extracted.get(k, 0) for k in EXTRACTED},
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }

    def summary(self) -> str:
        """The run summary printed for operators."""
        d = self.as_dict()
        lines = [f"inputs               {self.inputs}"]
        if any(self.fetch.values()):
            lines.append("fetch                " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in d["fetch"].items()))
        lines += [
            f"documents            new or changed {self.documents_new_or_changed}, unchanged {self.documents_unchanged}",
            "articles             " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in d["articles"].items()),
            "rejects              " + (", ".join(f"{k} {v}" for k, v in d["rejects"].items()) or "none"),
            "extracted            " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in d["extracted"].items()),
            "seconds per stage    " + ", ".join(f"{k} {v:.2f}" for k, v in d["seconds"].items() if v or k in ("load", "extract", "write")),
        ]
        return "\n".join(lines)
