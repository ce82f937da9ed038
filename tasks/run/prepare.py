"""The CPU work of a batch, as functions over chunks that run in worker processes (tasks.run.pool) or
in-process; the warehouse stays with the caller (tasks.run.pipeline.process_documents).

Round 1, per document (a file is read first, in the worker: prepare_files): decode, extract, compress the
raw bytes for `documents.raw`, and for the article as extracted its near-duplicate signature, its story
terms and, for an Arabic article, the recogniser's mentions and its words (to look known persons up by).
These hold for the article as written unless learned boilerplate is stripped from it afterwards (stripping
needs the warehouse, so the parent strips; `derive_chunk` then computes them again, in the pool). Round 2,
per Arabic article: the facts (tasks.enrich.facts.facts_of) once the parent has looked up the persons it
may name among those known (tasks.enrich.known_names) and those the batch's other articles name."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from schemas.records import Article, Document, InputRef, Reject
from tasks.acquire.load import decode_document, read_input
from tasks.acquire.raw import compress_raw
from tasks.dedup.minhash import Signature, signature_of
from tasks.dedup.openings import Openings, openings_of
from tasks.dedup.paragraph_hashes import paragraph_hashes
from tasks.dedup.search_index import article_keys
from tasks.dedup.terms import terms_of
from tasks.enrich.facts import ArticleFacts, facts_of, is_arabic
from tasks.enrich.name_propagation import TextWords, text_words
from tasks.enrich.ner.tagger import recognise
from tasks.extract.articles import extract_document
from tasks.extract.caches import count_extracted
from tasks.extract.options import ExtractOptions
from tasks.text.normalize import plain_hashtags


@dataclass
class Derived:
    """What is computed from an article's text alone."""

    signature: Signature
    terms: dict[str, float]
    search_keys: list[int]  # what it is found by in a search (tasks.dedup.search_index)
    found: list | None = None  # recogniser mentions (Arabic articles only)
    words: TextWords | None = None  # to look known persons up by (Arabic articles only)
    paragraph_hashes: tuple[str, ...] = ()  # tasks.dedup.boilerplate's, so that the parent need not compute them
    openings: Openings | None = None  # tasks.dedup.teasers', likewise


@dataclass
class Prepared:
    """Round 1's result for one document (or for one file, read by the worker: see prepare_files)."""

    encoding: str | None
    raw_compressed: bytes
    decode_reject: Reject | None = None
    extract_reject: Reject | None = None
    article: Article | None = None
    derived: Derived | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # CPU stage -> seconds spent on this document
    document: Document | None = None  # a file's document as read here, without its raw bytes (prepare_files)
    load_reject: Reject | None = None  # a file that could not be read
    unchanged: bool = False  # a file whose bytes are those stored, with current metadata and versions: nothing done


@dataclass(frozen=True)
class FileJob:
    """A file for a worker to read and prepare: its listing entry, its manifest metadata, and the stored
    document's raw_sha256 when that document is current (is_current), so that the same bytes are not
    extracted again."""

    ref: InputRef
    meta: dict
    stored_sha256: str | None = None


def derive(article: Article, with_words: bool = True) -> Derived:
    arabic = is_arabic(article)
    read = plain_hashtags(article.text) if arabic else article.text  # as facts_of reads it
    return Derived(
        signature=signature_of(article.text),
        terms=terms_of(article.text, article.title),
        search_keys=article_keys(article.title, article.text),
        found=recognise(read) if arabic else None,
        words=text_words(read) if arabic and with_words else None,
        paragraph_hashes=paragraph_hashes(article.text),
        openings=openings_of(article.text),
    )


def derive_chunk(articles: list[Article]) -> list[Derived]:
    """`derive` again for articles whose text changed since round 1 (learned boilerplate stripped): all but
    the words the known persons are looked up by, which the parent keeps."""
    return [derive(article, with_words=False) for article in articles]


def _prepare(doc: Document, options: ExtractOptions) -> Prepared:
    t0 = time.perf_counter()
    decode_reject = decode_document(doc)
    t1 = time.perf_counter()
    raw_compressed = compress_raw(doc.raw)
    t2 = time.perf_counter()
    prepared = Prepared(doc.encoding, raw_compressed, decode_reject)
    derive_seconds = 0.0
    if doc.text is not None:
        prepared.article, prepared.extract_reject = extract_document(doc, options)
        t3 = time.perf_counter()
        if prepared.article is not None:
            prepared.derived = derive(prepared.article)
        derive_seconds = time.perf_counter() - t3
    else:
        t3 = t2
    prepared.seconds = {"decode": t1 - t0, "compress": t2 - t1, "extract": t3 - t2, "derive": derive_seconds}
    doc.text = None  # not sent back: the parent needs the encoding only
    return prepared


def prepare_chunk(docs: list[Document], options: ExtractOptions) -> list[Prepared]:
    """Round 1 for documents already in memory (fetched pages, stored documents)."""
    out = [_prepare(doc, options) for doc in docs]
    count_extracted(len(docs))
    return out


def prepare_files(jobs: list[FileJob], max_bytes: int, options: ExtractOptions) -> list[Prepared]:
    """Round 1 for files, read here rather than by the parent: their bytes never cross between processes
    and the writer never holds them. Each result carries the document without its raw bytes (stored
    compressed in `raw_compressed`, their count in `raw_bytes`), or the reason the file could not be read,
    or `unchanged`."""
    out = []
    for job in jobs:
        t0 = time.perf_counter()
        doc, reject = read_input(job.ref, {job.ref.relpath: job.meta}, max_bytes)
        if doc is None:
            out.append(Prepared(None, b"", load_reject=reject))
            continue
        if doc.raw_sha256 == job.stored_sha256:
            out.append(Prepared(None, b"", unchanged=True))
            continue
        read_seconds = time.perf_counter() - t0
        prepared = _prepare(doc, options)
        prepared.seconds["read"] = read_seconds
        doc.raw_bytes, doc.raw = len(doc.raw), None  # encoding and raw_compressed: set by the parent from `prepared`
        prepared.document = doc
        out.append(prepared)
    count_extracted(len(jobs))
    return out


def facts_chunk(items: list[tuple[str, date | None, list, tuple[str, ...]]]) -> list[ArticleFacts]:
    """Round 2: (text, anchor date, recogniser mentions, persons it may name) -> facts."""
    return [facts_of(text, anchor, frozenset(persons), found) for text, anchor, found, persons in items]
