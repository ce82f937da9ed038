"""Record types passed between stages. Plain dataclasses: cheap to build, easy to test, no Prefect."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class InputRef:
    """One input waiting to be loaded: a file below a source folder."""

    source: str
    path: str  # absolute path on this machine
    relpath: str  # path below the source folder, '/'-separated: the stable part

    @property
    def ref(self) -> str:
        return f"{self.source}/{self.relpath}"


@dataclass
class Reject:
    """An input or stage that failed, with a stable reason code (docs/warehouse.md, "Reject reasons")."""

    input_ref: str
    stage: str
    reason: str
    detail: str = ""


@dataclass
class Document:
    """Raw input as loaded or fetched, decoded when possible."""

    doc_id: str
    url: str
    source: str
    input_ref: str
    fetched_at: datetime
    kind: str  # 'html' or 'text'
    raw: bytes | None  # None once a worker has compressed it into raw_compressed (tasks.run.prepare.prepare_files)
    raw_sha256: str
    content_type: str
    meta: dict = field(default_factory=dict)  # published, listed, outlet, url, language, title, author
    text: str | None = None  # decoded input; None when it could not be decoded
    encoding: str | None = None
    http_status: int | None = None
    final_url: str | None = None  # after redirects, for fetched pages
    headers: dict | None = None  # response headers of a fetched page
    elapsed_ms: int | None = None
    raw_compressed: bytes | None = None  # the stored form of `raw` (tasks.acquire.raw.compress_raw), when a worker made it already
    raw_bytes: int | None = None  # len(raw), kept when raw is dropped
    file_size: int | None = None  # a file's size and modification time when read (None for fetched pages)
    file_mtime_ns: int | None = None


@dataclass
class Article:
    """A clean article extracted from one document."""

    article_id: str
    doc_id: str
    url: str | None
    source: str
    input_ref: str
    outlet: str | None
    title: str | None
    author: str | None
    published_at: datetime | None
    published_from: str | None
    language: str | None
    text: str
    summary: str | None
    text_sha256: str
    norm_sha256: str
    word_count: int
    extractor_version: str
