"""Load a folder of files (.txt, .html, .htm, optionally .gz) with an optional manifest.json beside them.

Every file becomes either a Document or a Reject with a stable reason; nothing is skipped silently.
"""
from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from urllib.parse import urldefrag

from courlan import normalize_url

from schemas.records import Document, InputRef, Reject
from tasks.acquire.decode import DecodeFailure, decode_bytes
from tasks.text.normalize import sha256_hex, stable_id

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Inputs per batch: one task run, one warehouse write. A write's fixed costs (opening the file, the lookups
# that scan a table, the checkpoint) grow with the warehouse, so larger batches pay them less often: 400
# against 200 is 5% more documents a second at 5,000 documents, more at 100,000 (docs/benchmarks.md), for
# about 70 MB more at the peak (two batches of pages in flight).
DEFAULT_BATCH_SIZE = 400
MANIFEST = "manifest.json"
TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".xhtml": "html"}
CONTENT_TYPES = {"text": "text/plain", "html": "text/html"}
META_FIELDS = ("published", "outlet", "url", "language", "title", "author")


class LoadFailure(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class FolderListing:
    """The inputs of one folder source, its manifest entries, and the problems met while listing."""

    inputs: list[InputRef]
    manifest: dict[str, dict] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)


def input_kind(relpath: str) -> str | None:
    """'html' or 'text' from the file name (a trailing .gz is allowed), else None."""
    name = relpath.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return TEXT_SUFFIXES.get(os.path.splitext(name)[1])


def read_manifest(path: Path, source: str) -> tuple[dict[str, dict], list[Reject]]:
    """Parse manifest.json: {"articles": {file: {...}}}, {file: {...}} or [{"file": ..., ...}]."""
    ref = f"{source}/{MANIFEST}"
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, [Reject(ref, "load", "bad_manifest", f"cannot read manifest: {exc}")]
    entries = data.get("articles", data) if isinstance(data, dict) else data
    manifest, rejects = {}, []
    if isinstance(entries, list):
        listed = {}
        for n, entry in enumerate(entries):
            if isinstance(entry, dict) and isinstance(entry.get("file"), str) and entry["file"]:
                listed[entry["file"]] = entry
            else:
                rejects.append(Reject(ref, "load", "bad_manifest", f"entry {n} is not an object with a \"file\""))
        entries = listed
    if not isinstance(entries, dict):
        return {}, [Reject(ref, "load", "bad_manifest", "expected an object of file names or a list of entries")]
    for name, entry in entries.items():
        if name == "about":
            continue
        if not isinstance(entry, dict):
            rejects.append(Reject(ref, "load", "bad_manifest", f"entry {name!r} is not an object"))
            continue
        fields = {k: entry.get(k) for k in META_FIELDS if entry.get(k) not in (None, "")}
        for k in [k for k, v in fields.items() if not isinstance(v, str)]:
            rejects.append(Reject(ref, "load", "bad_manifest", f"entry {name!r}: {k} is {type(fields.pop(k)).__name__}, not text"))
        manifest[name] = fields
    return manifest, rejects


def list_folder(folder: str | Path, source: str | None = None) -> FolderListing:
    """List every file below `folder` (sorted, stable) and read its manifest."""
    root = Path(folder).resolve()
    source = source or root.name
    if not root.is_dir():
        raise FileNotFoundError(f"input folder not found: {folder}")
    manifest, rejects = {}, []
    if (root / MANIFEST).is_file():
        manifest, rejects = read_manifest(root / MANIFEST, source)
    inputs = []
    seen_dirs: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen_dirs:  # a symlink back into the tree: list each file once
            dirnames[:] = []
            rel = Path(dirpath).relative_to(root).as_posix()
            rejects.append(Reject(f"{source}/{rel}", "load", "symlink_loop", f"links back to {real}, already listed"))
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            relpath = path.relative_to(root).as_posix()
            if relpath == MANIFEST:
                continue
            inputs.append(InputRef(source=source, path=str(path), relpath=relpath))
    present = {i.relpath for i in inputs}
    for name in manifest:
        if name not in present:
            rejects.append(Reject(f"{source}/{name}", "load", "missing_file", "named in manifest.json, not in the folder"))
    return FolderListing(inputs, manifest, rejects)


def _read_capped(ref: InputRef, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """The file's bytes (gunzipped for .gz) and its stat as it was opened."""
    try:
        with open(ref.path, "rb") as fh:
            stat = os.fstat(fh.fileno())
            if stat.st_size > max_bytes:
                raise LoadFailure("too_large", f"{stat.st_size} bytes on disk, cap {max_bytes}")
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise LoadFailure("read_error", str(exc)) from exc
    if len(data) > max_bytes:
        raise LoadFailure("too_large", f"over the cap of {max_bytes} bytes")
    if ref.relpath.lower().endswith(".gz"):
        data = _gunzip_capped(data, max_bytes)
    return data, stat


def _gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress with a cap on the output, so that a gzip bomb is refused, not expanded."""
    out = bytearray()
    rest = data
    while True:  # a .gz file may hold several members (`cat a.gz b.gz`): read them all
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(rest, max_bytes + 1 - len(out))
        except zlib.error as exc:
            raise LoadFailure("decode_error", f"corrupt gzip: {exc}") from exc
        if len(out) > max_bytes or inflater.unconsumed_tail:
            raise LoadFailure("too_large", f"decompresses to over the cap of {max_bytes} bytes")
        if not inflater.eof:
            raise LoadFailure("decode_error", "truncated gzip stream")
        rest = inflater.unused_data.lstrip(b"\x00")  # some writers pad members with NULs
        if not rest:
            return bytes(out)


@lru_cache(maxsize=4096)  # a run's writer asks it of each file three times (set aside, started ahead, started)
def document_id(source: str, relpath: str, url: str | None) -> str:
    """Stable key: the normalized URL when the manifest gives one, else source + relative path."""
    if url:
        return stable_id("url", normalize_url(urldefrag(url).url))
    return stable_id("file", source, relpath)


def read_input(ref: InputRef, manifest: dict[str, dict], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Document | None, Reject | None]:
    """Read one file's bytes (undecoded) into a Document, or say why it cannot be read."""
    kind = input_kind(ref.relpath)
    if kind is None:
        return None, Reject(ref.ref, "load", "unsupported_type", "expected .txt, .html or .htm (optionally .gz)")
    try:
        raw, stat = _read_capped(ref, max_bytes)
    except LoadFailure as exc:
        return None, Reject(ref.ref, "load", exc.reason, exc.detail)
    meta = manifest.get(ref.relpath, {})
    url = meta.get("url")
    doc = Document(
        doc_id=input_doc_id(ref, manifest),
        url=url or Path(ref.path).as_uri(),
        source=ref.source,
        input_ref=ref.ref,
        fetched_at=datetime.now(timezone.utc),
        kind=kind,
        raw=raw,
        raw_sha256=sha256_hex(raw),
        content_type=CONTENT_TYPES[kind],
        meta=meta,
        file_size=stat.st_size,
        file_mtime_ns=stat.st_mtime_ns,
    )
    return doc, None


def input_doc_id(ref: InputRef, manifest: dict[str, dict]) -> str:
    """The doc_id a file is stored under (its manifest URL when it has one, else source and path)."""
    return document_id(ref.source, ref.relpath, manifest.get(ref.relpath, {}).get("url"))


def same_file(ref: InputRef, size: int | None, mtime_ns: int | None) -> bool:
    """The file has this size and modification time (it was not touched since it was read)."""
    if size is None or mtime_ns is None:
        return False
    try:
        stat = os.stat(ref.path)
    except OSError:
        return False
    return stat.st_size == size and stat.st_mtime_ns == mtime_ns


def decode_document(doc: Document) -> Reject | None:
    """Fill in `doc.text` and `doc.encoding`; return a reject when the bytes are not text. The document
    keeps its raw bytes either way, so a better decoder can try again later (reprocess)."""
    try:
        doc.text, doc.encoding = decode_bytes(doc.raw, header=doc.content_type)
    except DecodeFailure as exc:
        return Reject(doc.input_ref, "load", exc.reason, exc.detail)
    return None


def load_input(ref: InputRef, manifest: dict[str, dict], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Document | None, Reject | None]:
    """Read and decode one file: (document, reject). The document is None only when nothing could be read."""
    doc, reject = read_input(ref, manifest, max_bytes)
    if doc is not None:
        reject = decode_document(doc)
    return doc, reject
