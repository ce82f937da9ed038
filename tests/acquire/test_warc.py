"""Reading web archives (tasks/acquire/warc.py) from WARC files warcio wrote: the pages kept and why the rest
is left; a page's doc_id is a live fetch's; corrupt, truncated and mis-digested archives give problems at
offsets and the records after them; a remote file that drops mid-stream is read whole with Range requests."""
from __future__ import annotations

import gzip
import threading
from collections import Counter
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from warcio.warcwriter import WARCWriter

from tasks.acquire.load import document_id
from tasks.acquire.sources import Source, SourcesError, parse_sources
from tasks.acquire.warc import Page, Problem, RangeReader, Skipped, locations, pages
from tests.support.outlet import article_path, render_article
from tests.support.warcs import ARABIC, CRAWLED, gzip_members, outlet_warc, record

BASE = "https://news.example"
SOURCE = Source(name="archive", kind="warc", path="x", outlet="Archive", language="ar")


def read(path, source=SOURCE, since=None, start=0) -> list:
    with open(path, "rb") as fh:
        return list(pages(fh, str(path), start, source, since))


@pytest.mark.parametrize("gz", [True, False])
def test_html_responses_become_pages_keyed_as_a_live_fetch_keys_them(tmp_path, gz):
    path = outlet_warc(tmp_path / ("a.warc.gz" if gz else "a.warc"), BASE)
    items = read(path)
    got = [i for i in items if isinstance(i, Page)]
    assert len(got) == len(ARABIC) + 1  # and the other host's page: no `hosts` given
    first = got[0].document
    assert first.url == BASE + article_path(ARABIC[0]) and first.doc_id == document_id("any", "", first.url)
    assert first.raw == render_article(ARABIC[0], BASE)[0] and first.fetched_at == CRAWLED
    assert first.http_status == 200 and first.meta == {"url": first.url, "outlet": "Archive", "language": "ar",
                                                        "archived": CRAWLED.isoformat()}
    assert Counter(i.why for i in items if isinstance(i, Skipped)) == {"not_response": len(ARABIC) + 3, "not_html_page": 2}
    assert not [i for i in items if isinstance(i, Problem)]
    offsets = [i.offset for i in items]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)


def test_hosts_and_the_window_leave_the_rest(tmp_path):
    path = outlet_warc(tmp_path / "a.warc.gz", BASE)
    only = Source(name="archive", kind="warc", path="x", hosts=("www.news.example",))
    assert {i.document.url.split("/")[2] for i in read(path, only) if isinstance(i, Page)} == {"news.example"}
    later = datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert Counter(i.why for i in read(path, since=later)) == {"not_response": len(ARABIC) + 3, "not_html_page": 2,
                                                               "before_window": len(ARABIC) + 1}


def test_a_corrupt_member_is_skipped_to_the_next_good_record(tmp_path):
    path = outlet_warc(tmp_path / "a.warc.gz", BASE, extras=False)
    members = gzip_members(path)
    data = bytearray(path.read_bytes())
    bad = members[5]  # the third page's response record
    for i in range(bad + 30, bad + 60):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    items = read(path)
    problems = [i for i in items if isinstance(i, Problem)]
    assert [(p.offset, p.reason) for p in problems] == [(bad, "warc_corrupt")]
    assert f"bytes {bad}-{members[6]} skipped" in problems[0].detail
    assert len([i for i in items if isinstance(i, Page)]) == len(ARABIC) - 1


def test_a_truncated_archive_says_where_it_ends(tmp_path):
    path = outlet_warc(tmp_path / "a.warc.gz", BASE, extras=False)
    members = gzip_members(path)
    path.write_bytes(path.read_bytes()[: members[-1] + 200])
    items = read(path)
    assert [(p.offset, p.reason) for p in items if isinstance(p, Problem)] == [(members[-1], "warc_truncated")]
    assert len([i for i in items if isinstance(i, Page)]) == len(ARABIC) - 1


def test_a_payload_that_does_not_match_its_digest_is_a_problem(tmp_path):
    path = tmp_path / "a.warc"
    with open(path, "wb") as fh:
        record(WARCWriter(fh, gzip=False), BASE + "/a.html", "<p>الخبر الأول كما نشر في الموقع</p>".encode())
    data = path.read_bytes().replace("الأول".encode(), "الثاني"[:5].encode())
    path.write_bytes(data)
    assert [(type(i).__name__, getattr(i, "reason", None)) for i in read(path)] == [("Skipped", None), ("Problem", "warc_digest")]


def test_bodies_are_kept_as_the_page_was_sent(tmp_path):
    """A crawler records the body as it travelled: gzip-encoded, or chunked."""
    body = render_article(ARABIC[0], BASE)[0]
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 500]), body[i:i + 500]) for i in range(0, len(body), 500)) + b"0\r\n\r\n"
    path = tmp_path / "a.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        record(writer, BASE + "/gz.html", gzip.compress(body), headers=[("Content-Encoding", "gzip")])
        record(writer, BASE + "/chunked.html", chunked, headers=[("Transfer-Encoding", "chunked")])
        record(writer, BASE + "/bomb.html", gzip.compress(bytes(30 << 20)), headers=[("Content-Encoding", "gzip")])
    items = read(path)
    assert [i.document.raw for i in items if isinstance(i, Page)] == [body, body]
    assert [(p.reason, "over") for p in items if isinstance(p, Problem)] == [("decode_error", "over")]
    assert "over 20971520 bytes once inflated" in [p for p in items if isinstance(p, Problem)][0].detail


def test_reading_resumes_at_an_offset(tmp_path):
    path = outlet_warc(tmp_path / "a.warc.gz", BASE, extras=False)
    every = read(path)
    middle = every[len(every) // 2].offset
    assert [i.offset for i in read(path, start=middle)] == [i.offset for i in every if i.offset >= middle]


def test_warc_sources_take_paths_globs_and_urls(tmp_path):
    for name in ("b.warc.gz", "a.warc.gz"):
        (tmp_path / name).write_bytes(b"")
    src, = parse_sources(f'[[source]]\nname = "cc"\nkind = "warc"\npath = "{tmp_path}/*.warc.gz"\n'
                         'urls = ["https://data.example/c.warc.gz"]\nhosts = ["News.Example"]\n')
    assert locations(src) == [str(tmp_path / "a.warc.gz"), str(tmp_path / "b.warc.gz"), "https://data.example/c.warc.gz"]
    assert src.hosts == ("news.example",)
    with pytest.raises(SourcesError, match="a warc source needs"):
        parse_sources('[[source]]\nname = "cc"\nkind = "warc"\n')
    with pytest.raises(SourcesError, match="`hosts` is for warc sources"):
        parse_sources('[[source]]\nname = "f"\nkind = "folder"\npath = "x"\nhosts = ["a.example"]\n')
    with pytest.raises(SourcesError, match="`urls` must hold http"):
        parse_sources('[[source]]\nname = "cc"\nkind = "warc"\nurls = ["/local/file.warc.gz"]\n')


class Flaky(BaseHTTPRequestHandler):
    """Serves one file with byte ranges; its first answer stops after `cut` bytes, as a dropped connection."""

    body, cut, ranges = b"", 0, []

    def do_GET(self) -> None:
        start = int(self.headers.get("Range", "bytes=0-").removeprefix("bytes=").split("-")[0])
        Flaky.ranges.append(start)
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(self.body) - start))
        self.end_headers()
        if len(Flaky.ranges) == 1:
            self.wfile.write(self.body[start:start + self.cut])
            self.close_connection = True
            return
        self.wfile.write(self.body[start:])

    def log_message(self, *args) -> None:
        pass


def test_a_remote_archive_that_drops_mid_stream_is_read_whole(tmp_path):
    path = outlet_warc(tmp_path / "a.warc.gz", BASE)
    Flaky.body, Flaky.cut, Flaky.ranges = path.read_bytes(), path.stat().st_size // 3, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with httpx.Client() as client:
            reader = RangeReader(client, f"http://127.0.0.1:{server.server_address[1]}/a.warc.gz", chunk=1024)
            remote = list(pages(reader, "http://127.0.0.1/a.warc.gz", 0, SOURCE))
    finally:
        server.shutdown()
        server.server_close()
    assert [i.document.raw for i in remote if isinstance(i, Page)] == [i.document.raw for i in read(path) if isinstance(i, Page)]
    assert Flaky.ranges[0] == 0 and Flaky.ranges[1] > 0, Flaky.ranges  # asked again from where it stopped


class NoRanges(BaseHTTPRequestHandler):
    """Answers every request with the whole file: a server that cannot resume."""

    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args) -> None:
        pass


def test_a_remote_archive_that_cannot_resume_says_so(tmp_path):
    NoRanges.body = b"x" * 5000
    server = ThreadingHTTPServer(("127.0.0.1", 0), NoRanges)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with httpx.Client() as client:
            reader = RangeReader(client, f"http://127.0.0.1:{server.server_address[1]}/a.warc.gz")
            reader.seek(1000)
            with pytest.raises(OSError, match="no byte ranges from byte 1000"):
                reader.read(10)
    finally:
        server.shutdown()
        server.server_close()
