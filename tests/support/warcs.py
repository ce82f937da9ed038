"""WARC files for tests, written with warcio (the other common WARC library, so that the reader is not only
checked against its own writer): the loopback outlet's pages as response records, with what a real crawl
also holds (request records, an image, a 404, another host)."""
from __future__ import annotations

import io
import zlib
from datetime import datetime, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.support.outlet import ARTICLES, article_path, render_article

CRAWLED = datetime(2024, 12, 20, 8, 30, tzinfo=timezone.utc)
ARABIC = [slug for slug, a in ARTICLES.items() if a["lang"] == "ar" and slug != "private-secret"]


def record(writer: WARCWriter, url: str, body: bytes, ctype: str = "text/html; charset=utf-8", status: str = "200 OK",
           when: datetime = CRAWLED, headers: list[tuple[str, str]] | None = None) -> None:
    http = StatusAndHeaders(status, [("Content-Type", ctype), *(headers or [])], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(f"GET {url} HTTP/1.1\r\n\r\n".encode()),
                                                  warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")}))
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                                  warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")}))


def outlet_warc(path: Path, base: str, slugs: list[str] = ARABIC, gz: bool = True, extras: bool = True) -> Path:
    """The outlet's pages of `slugs` as they are at `base` (their URLs are the live outlet's), and, with
    `extras`, an image, a 404 and a page of another host."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for slug in slugs:
            body, ctype = render_article(slug, base)
            record(writer, base + article_path(slug), body, ctype)
        if extras:
            record(writer, base + "/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
            record(writer, base + "/missing.html", b"<h1>404</h1>", status="404 Not Found")
            body, ctype = render_article(slugs[0], "https://elsewhere.example")
            record(writer, "https://elsewhere.example/articles/x.html", body, ctype)
    return path


def gzip_members(path: Path) -> list[int]:
    """The byte offsets of the gzip members of a .warc.gz (one per record)."""
    data, offsets, pos = path.read_bytes(), [], 0
    while pos < len(data):
        offsets.append(pos)
        inflate = zlib.decompressobj(31)
        inflate.decompress(data[pos:])
        pos = len(data) - len(inflate.unused_data)
    return offsets
