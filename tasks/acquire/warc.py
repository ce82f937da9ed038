"""Web archives as a source (kind "warc"): WARC and WARC.gz files, local (a path or a glob) or http(s) URLs
(CC-NEWS style), read as a stream with FastWARC (2.2 times warcio's speed on the same file: docs/benchmarks.md).

Each HTML `response` record with a 2xx status, of the source's hosts, becomes a Document keyed by its target URL:
the doc_id a live fetch of that URL gives, so archive and live copies of a page are one document. Records are
read in order from an offset, so a run resumes a file where a killed one stopped. What cannot be read is a
`Problem` at an offset: a corrupt gzip member (the reader skips to the next good one), a truncated end, a
payload whose digest does not match."""
from __future__ import annotations

import base64
import glob
import hashlib
import os
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import BinaryIO, Iterator
from urllib.parse import urlsplit

import httpx
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from schemas.records import Document
from tasks.acquire.load import document_id
from tasks.acquire.sources import Source
from tasks.text.normalize import sha256_hex

GZIP_MAGIC = b"\x1f\x8b\x08"
RESYNC_WINDOW = 1 << 20  # bytes read at a time while looking for the next good gzip member
RANGE_RETRIES = 3  # a remote file that fails mid-stream is asked again from where it stopped


@dataclass(frozen=True)
class Problem:
    """Something at `offset` of an archive that could not be read: a `rejects` reason and what happened."""

    offset: int
    reason: str
    detail: str


@dataclass(frozen=True)
class Page:
    offset: int
    document: Document


@dataclass(frozen=True)
class Skipped:
    """A record read and left: not a response, not HTML, not 2xx, another host, or crawled before the window."""

    offset: int
    why: str


def locations(source: Source) -> list[str]:
    """The archives of a warc source, in order: its `path` (a file or a glob, sorted) and its `urls`."""
    found: list[str] = []
    if source.path:
        found += sorted(glob.glob(source.path)) if glob.has_magic(source.path) else [source.path]
    return found + list(source.urls)


def is_remote(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def is_archive_name(name: str) -> bool:
    return name.lower().endswith((".warc", ".warc.gz"))


class RangeReader:
    """A remote file as a binary stream that can seek: each (re)start is a GET with a Range header, and a
    connection that fails mid-stream is asked again from the byte it stopped at."""

    def __init__(self, client: httpx.Client, url: str, chunk: int = 1 << 16):
        self.client, self.url, self.chunk = client, url, chunk
        self.pos, self.size, self._response, self._chunks, self._buffer = 0, None, None, None, b""

    def _open(self) -> None:
        self.close()
        headers = {"Range": f"bytes={self.pos}-"} if self.pos else {}
        request = self.client.build_request("GET", self.url, headers=headers)
        response = self.client.send(request, stream=True)
        if response.status_code == 416:  # past the end
            response.close()
            self._chunks = iter(())
            return
        if response.status_code not in (200, 206) or (self.pos and response.status_code != 206):
            response.close()
            what = "no byte ranges" if response.status_code == 200 else f"HTTP {response.status_code}"
            raise OSError(f"{self.url}: {what} from byte {self.pos}")
        total = response.headers.get("content-range", "").rpartition("/")[2]
        if response.status_code == 200:
            self.size = int(response.headers.get("content-length") or 0) or None
        elif total.isdigit():
            self.size = int(total)
        self._response, self._chunks = response, response.iter_raw(self.chunk)

    def read(self, size: int = -1) -> bytes:
        out = []
        want = size if size is not None and size >= 0 else float("inf")
        got = 0
        for attempt in range(RANGE_RETRIES + 1):
            try:
                if self._chunks is None:
                    self._open()
                while got < want:
                    if not self._buffer:
                        self._buffer = next(self._chunks, b"")
                        if not self._buffer:
                            break
                    take = self._buffer[: int(min(len(self._buffer), want - got))]
                    self._buffer = self._buffer[len(take):]
                    out.append(take)
                    got += len(take)
                    self.pos += len(take)
                return b"".join(out)
            except (httpx.TransportError, httpx.StreamError) as exc:
                self._chunks, self._buffer = None, b""
                if attempt == RANGE_RETRIES:
                    raise OSError(f"{self.url}: {type(exc).__name__} at byte {self.pos}, {RANGE_RETRIES} retries") from exc
                time.sleep(0.2 * 2**attempt)
        return b"".join(out)

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence != 0:
            raise OSError("RangeReader seeks from the start only")
        if offset != self.pos or self._chunks is None:
            self.pos, self._chunks, self._buffer = offset, None, b""
        return self.pos

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        if self._response is not None:
            self._response.close()
            self._response = None

    def __enter__(self) -> "RangeReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_archive(location: str, client: httpx.Client | None = None) -> BinaryIO:
    if is_remote(location):
        if client is None:
            raise ValueError("a remote archive needs an HTTP client")
        return RangeReader(client, location)  # type: ignore[return-value]
    return open(location, "rb")


def file_identity(location: str) -> str | None:
    """What says a local archive is the one read before: its size and modification time (None for URLs)."""
    if is_remote(location):
        return None
    stat = os.stat(location)
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def read_records(fh: BinaryIO, start: int, gz: bool) -> Iterator[tuple[int, WarcRecord, bytes] | Problem]:
    """Every record from byte `start` on, with its payload read: (offset, record, payload), or a Problem. A
    gzip member that does not inflate is skipped to the next one that does (`warc_corrupt`); a record the
    archive ends inside is `warc_truncated`."""
    pos = start
    while True:
        fh.seek(pos)
        last, headless = None, None  # headless: a record without a Content-Length, the last one read
        try:
            for record in ArchiveIterator(fh, parse_http=False):
                if headless is not None:
                    yield Problem(headless, "warc_bad_record", f"the record at byte {headless} has no Content-Length")
                    headless = None
                last = record.stream_pos
                payload = record.reader.read()
                if record.headers.get("Content-Length") is None:
                    headless = last  # the archive ends inside its headers, unless another record follows
                    continue
                if len(payload) < record.content_length:  # the archive ends inside this record
                    yield Problem(last, "warc_truncated", f"the archive ends inside the record at byte {last}: "
                                                         f"{len(payload)} of its {record.content_length} bytes")
                    return
                yield last, record, payload
            if headless is not None:
                yield Problem(headless, "warc_truncated", f"the archive ends inside the record at byte {headless}")
        except OSError as exc:
            bad = pos if last is None else (_member_end(fh, last) if gz else None) or last
            following = _next_member(fh, bad + 1) if gz else None
            skipped = f"bytes {bad}-{following}" if following is not None else f"from byte {bad} to the end"
            yield Problem(bad, "warc_corrupt", f"{exc}; {skipped} skipped")
            if following is None:
                return
            pos = following
            continue
        return


def _member_end(fh: BinaryIO, offset: int) -> int | None:
    """Where the gzip member at `offset` ends, or None when it does not inflate to its end."""
    fh.seek(offset)
    inflate, read = zlib.decompressobj(31), 0
    try:
        while not inflate.eof:
            data = fh.read(RESYNC_WINDOW)
            if not data:
                return None
            read += len(data)
            inflate.decompress(data, 1 << 16)
            while inflate.unconsumed_tail and not inflate.eof:
                inflate.decompress(inflate.unconsumed_tail, 1 << 16)
    except zlib.error:
        return None
    return offset + read - len(inflate.unused_data)



def _next_member(fh: BinaryIO, offset: int) -> int | None:
    """The offset of the first gzip member at or after `offset` that inflates to a WARC record's start."""
    while True:
        fh.seek(offset)
        window = fh.read(RESYNC_WINDOW)
        if not window:
            return None
        at = window.find(GZIP_MAGIC)
        while at >= 0:
            if _starts_a_record(fh, offset + at):
                return offset + at
            at = window.find(GZIP_MAGIC, at + 1)
        offset += max(1, len(window) - len(GZIP_MAGIC) + 1)


def _starts_a_record(fh: BinaryIO, offset: int) -> bool:
    fh.seek(offset)
    try:
        head = zlib.decompressobj(31).decompress(fh.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


def pages(fh: BinaryIO, location: str, start: int, source: Source, since: datetime | None = None,
          max_bytes: int = 20 * 1024 * 1024) -> Iterator[Page | Skipped | Problem]:
    """The archive's records from `start` as pages of `source` (see the module), skips and problems."""
    hosts = {h.lower().removeprefix("www.") for h in source.hosts}
    for item in read_records(fh, start, location.lower().endswith(".gz")):
        if isinstance(item, Problem):
            yield item
            continue
        offset, record, block = item
        if record.record_type != WarcRecordType.response:
            yield Skipped(offset, "not_response")
            continue
        url = record.headers.get("WARC-Target-URI") or ""
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        if hosts and host not in hosts and not any(host.endswith("." + h) for h in hosts):
            yield Skipped(offset, "other_host")
            continue
        status, headers, payload = _http(block)
        if status is None:
            yield Problem(offset, "warc_bad_record", f"{url}: the response record holds no HTTP response")
            continue
        content_type = headers.get("content-type", "")
        if not 200 <= status < 300 or "html" not in content_type.lower():
            yield Skipped(offset, "not_html_page")
            continue
        when = record.record_date
        if since is not None and when is not None and when < since:  # crawled before the window: published before it
            yield Skipped(offset, "before_window")
            continue
        digest = record.headers.get("WARC-Payload-Digest")
        if digest and not (_payload_matches(digest, payload) or _payload_matches(digest, _dechunked(headers, payload))):
            yield Problem(offset, "warc_digest", f"{url}: WARC-Payload-Digest {digest} does not match the payload")
            continue
        try:
            payload = _decoded(headers, payload, max_bytes)
        except (OSError, ValueError, zlib.error) as exc:
            yield Problem(offset, "decode_error", f"{url}: {headers.get('content-encoding')} body: {exc}")
            continue
        yield Page(offset, _document(source, location, offset, url, when, status, headers, payload))


def _http(block: bytes) -> tuple[int | None, dict[str, str], bytes]:
    """The HTTP status, headers (lower-case names) and body of a response record's block (a chunked body is
    kept as recorded: WARC writers store the payload as sent, and CC-NEWS de-chunks)."""
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        return None, {}, b""
    lines = head.decode("iso-8859-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        return None, {}, b""
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers, body


def _dechunked(headers: dict[str, str], body: bytes) -> bytes:
    if "chunked" not in headers.get("transfer-encoding", "").lower():
        return body
    out, rest = [], body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2:]
    return b"".join(out)


def _decoded(headers: dict[str, str], body: bytes, max_bytes: int) -> bytes:
    """The body as the page was sent: de-chunked, and inflated when it came compressed (at most `max_bytes`)."""
    body = _dechunked(headers, body)
    coding = headers.get("content-encoding", "").lower().strip()
    if coding in ("gzip", "x-gzip", "deflate"):
        inflate = zlib.decompressobj(31 if coding != "deflate" else 15)
        body = inflate.decompress(body, max_bytes + 1)
    elif coding == "br":
        import brotli

        body = brotli.decompress(body)
    if len(body) > max_bytes:
        raise ValueError(f"over {max_bytes} bytes once inflated")
    return body


def _payload_matches(digest: str, payload: bytes) -> bool:
    algorithm, _, value = digest.partition(":")
    if algorithm.lower() not in ("sha1", "sha256", "md5"):
        return True  # a digest we cannot check is no evidence against the payload
    raw = hashlib.new(algorithm.lower(), payload).digest()
    return value.strip() in (base64.b32encode(raw).decode(), raw.hex(), base64.b64encode(raw).decode())


def _document(source: Source, location: str, offset: int, url: str, when: datetime | None, status: int,
              headers: dict[str, str], payload: bytes) -> Document:
    meta = {"url": url}
    if source.outlet:
        meta["outlet"] = source.outlet
    if source.language:
        meta["language"] = source.language
    if when is not None:
        meta["archived"] = when.isoformat()
    return Document(
        doc_id=document_id(source.name, "", url), url=url, source=source.name,
        input_ref=f"{location}#{offset}",
        fetched_at=when or datetime.now(timezone.utc), kind="html", raw=payload, raw_sha256=sha256_hex(payload),
        content_type=headers.get("content-type", "text/html"), meta=meta, http_status=status, final_url=url,
        headers=headers,
    )
