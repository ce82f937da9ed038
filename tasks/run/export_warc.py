"""`akhbar export warc`: the warehouse's stored pages as a WARC file, readable by warcio, pywb and the other
archive tools: a `warcinfo` record, then one `response` record per page (its HTTP status, its headers where
they were kept, and the body as stored), each its own gzip member in a .warc.gz."""
from __future__ import annotations

import gzip
import io
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from fastwarc.warc import WarcRecord, WarcRecordType

from tasks.acquire.raw import decompress_raw
from tasks.run.pipeline import stored_document_ids
from tasks.run.tally import ALL_TIME, Window
from tasks.warehouse.database import SPLIT_IDS, Warehouse, split_ids

CHUNK = 500  # documents read per (short) warehouse connection
# headers that described the body as it travelled, not as it is stored (inflated, de-chunked, whole)
TRAVEL_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection", "keep-alive"}
REASONS = {200: "OK", 203: "Non-Authoritative Information", 206: "Partial Content"}


@dataclass
class Exported:
    records: int = 0
    skipped: int = 0  # stored documents without an http(s) URL (files loaded from a folder without one)
    bytes: int = 0


def export_warc(warehouse: Warehouse, out: str | Path, window: Window = ALL_TIME, sources: list[str] | None = None) -> Exported:
    """Write the stored pages of `window` (published in it; or, without an article, fetched in it) of `sources`
    (default: all) to `out` (.warc.gz: gzip per record; .warc: plain). Written to a temporary name, then renamed:
    a file at `out` is always whole."""
    out = Path(out)
    compress = out.name.endswith(".gz")
    tmp = out.with_name(out.name + ".partial")
    done = Exported()
    ids = stored_document_ids(warehouse, window, sources)
    with open(tmp, "wb") as fh:
        _write(fh, _warcinfo(window, sources), compress)
        for start in range(0, len(ids), CHUNK):
            with warehouse.connect() as con:
                rows = con.execute(
                    "SELECT url, final_url, fetched_at, http_status, content_type, headers, raw, raw_compression"
                    f" FROM documents WHERE doc_id IN {SPLIT_IDS} ORDER BY fetched_at, doc_id",
                    split_ids(ids[start:start + CHUNK])).fetchall()
            for url, final_url, fetched_at, status, content_type, headers, raw, compression in rows:
                target = final_url or url
                if urlsplit(target).scheme not in ("http", "https"):
                    done.skipped += 1
                    continue
                body = decompress_raw(raw, compression)
                done.bytes += _write(fh, _response(target, fetched_at, status, content_type, headers, body), compress)
                done.records += 1
    tmp.replace(out)
    return done


def _write(fh, record: WarcRecord, compress: bool) -> int:
    buffer = io.BytesIO()
    record.write(buffer, checksum_data=True)
    data = buffer.getvalue()
    fh.write(gzip.compress(data, mtime=0) if compress else data)
    return len(data)


def _warcinfo(window: Window, sources: list[str] | None) -> WarcRecord:
    record = WarcRecord()
    record.init_headers(WarcRecordType.warcinfo, f"uuid:{uuid.uuid4()}".encode())
    record.headers["WARC-Date"] = _warc_date(datetime.now(timezone.utc))
    record.headers["Content-Type"] = "application/warc-fields"
    fields = {"software": "akhbar (akhbar export warc)", "format": "WARC File Format 1.1",
              "description": f"stored pages of {', '.join(sources) if sources else 'every source'}, window "
                             f"[{window.since or '-'}, {window.until or '-'})"}
    record.set_bytes_content("".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode())
    return record


def _response(url: str, fetched_at: datetime, status: int | None, content_type: str | None, headers: str | dict | None,
              body: bytes) -> WarcRecord:
    kept = json.loads(headers) if isinstance(headers, str) else (headers or {})
    lines = [f"HTTP/1.1 {status or 200} {REASONS.get(status or 200, '')}".rstrip()]
    lines += [f"{name}: {value}" for name, value in kept.items() if name.lower() not in TRAVEL_HEADERS | {"content-type"}]
    lines += [f"Content-Type: {content_type or 'text/html'}", f"Content-Length: {len(body)}"]
    record = WarcRecord()
    record.init_headers(WarcRecordType.response, f"uuid:{uuid.uuid4()}".encode())
    record.headers["WARC-Date"] = _warc_date(fetched_at)
    record.headers["WARC-Target-URI"] = url
    record.headers["Content-Type"] = "application/http; msgtype=response"
    record.set_bytes_content(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body)
    return record


def _warc_date(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
