"""Web archives through the flows: a WARC of the loopback outlet's pages lands one document per page (the
document a live fetch of the page is), a rerun reads nothing again, a killed run resumes where it stopped,
a corrupt archive loses only its bad record, one served over loopback HTTP reads like a file, a backfill
keeps its window, and `akhbar export warc` hands the pages back to warcio."""
from __future__ import annotations

import functools
import threading
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from warcio.archiveiterator import ArchiveIterator

from akhbar.cli import main as cli
from flows.ingest import backfill, ingest
from tasks.acquire.sources import Source
from tasks.run.archive import archive_batch, ingest_archives
from tasks.run.tally import ALL_TIME
from tests.support.outlet import Outlet, article_path
from tests.support.paths import read_rows
from tests.support.warcs import ARABIC, gzip_members, outlet_warc

pytestmark = pytest.mark.usefixtures("prefect_harness")
BASE = "https://news.example"


def test_an_archive_lands_once_and_meets_the_live_pages(tmp_path, warehouse_path, capsys):
    with Outlet() as outlet:
        base, archive = outlet.base, outlet_warc(tmp_path / "crawl.warc.gz", outlet.base)
        first = ingest(source=str(archive), warehouse=str(warehouse_path), workers=1)
        assert first["articles"]["new"] == len(ARABIC) + 1 and first["fetch"]["records"] == 2 * (len(ARABIC) + 3)
        assert first["fetch"]["pages_kept"] == len(ARABIC) + 1 and first["rejects"] == {}
        again = ingest(source=str(archive), warehouse=str(warehouse_path), workers=1)
        assert again["fetch"]["archives_unchanged"] == 1 and again["fetch"]["records"] == 0
        assert again["documents"] == {"new_or_changed": 0, "unchanged": 0} and sum(again["extracted"].values()) == 0
        toml = tmp_path / "sources.toml"
        toml.write_text(f'[[source]]\nname = "live"\nkind = "rss"\nurl = "{outlet.url("/feed.xml")}"\nrate = 0\n'
                        'allow_private = ["127.0.0.1"]\n', encoding="utf-8")
        ingest(source=str(toml), warehouse=str(warehouse_path), workers=1)
    archived = {r[0] for r in read_rows(warehouse_path, "SELECT url FROM documents WHERE source = 'crawl'")}
    live_urls = {r[0] for r in read_rows(warehouse_path, "SELECT url FROM documents WHERE source = 'live' AND http_status = 200"
                                                         " AND url NOT LIKE '%.xml'")}
    (count,) = read_rows(warehouse_path, "SELECT count(*) - count(DISTINCT url) FROM documents")[0]
    assert count == 0 and archived  # one document per URL, whichever way it came in
    assert base + article_path(ARABIC[0]) in live_urls  # the live fetch took over the archived page
    rows = read_rows(warehouse_path, "SELECT published_from, source FROM articles WHERE url LIKE '%elsewhere%'")
    assert rows == [("metadata", "crawl")]

    out = tmp_path / "export.warc.gz"
    assert cli(["export", "warc", str(out), "--warehouse", str(warehouse_path), "--sources", "crawl,live"]) == 0
    assert "pages to" in capsys.readouterr().out
    with open(out, "rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                   for r in ArchiveIterator(fh, check_digests="raise")]
    assert records[0][0] == "warcinfo" and {r[0] for r in records[1:]} == {"response"}
    exported = {url for _, url, _ in records[1:]}
    stored = {r[0] for r in read_rows(warehouse_path, "SELECT url FROM documents d WHERE NOT EXISTS (SELECT 1 FROM fetch_state f"
                                                      " WHERE f.doc_id = d.doc_id AND f.kind = 'listing')")}
    assert exported == stored
    again_wh = tmp_path / "again" / "warehouse.duckdb"
    ingest(source=str(out), warehouse=str(again_wh), workers=1)
    assert {r[0] for r in read_rows(again_wh, "SELECT doc_id FROM documents")} == \
        {r[0] for r in read_rows(warehouse_path, f"SELECT doc_id FROM documents WHERE url IN ({','.join(repr(u) for u in stored)})")}


def test_a_killed_run_resumes_where_it_stopped(tmp_path, wh):
    archive = outlet_warc(tmp_path / "crawl.warc.gz", BASE)
    source = Source(name="crawl", kind="warc", path=str(archive))
    calls = []

    def dies_after_the_first(*args):
        if calls:
            raise KeyboardInterrupt("killed")
        calls.append(1)
        return archive_batch(*args)

    with pytest.raises(KeyboardInterrupt):
        ingest_archives(wh, "run-1", source, ALL_TIME, 3, 20 << 20, run_batch=dies_after_the_first)
    (offset, records, done), = read_rows(wh.path, "SELECT next_offset, records, done FROM archive_files")
    assert not done and 0 < offset < archive.stat().st_size and records >= 3
    rest = ingest_archives(wh, "run-2", source, ALL_TIME, 3, 20 << 20)
    assert rest.fetch["records"] == 2 * (len(ARABIC) + 3) - records  # from the record after the last one written
    assert read_rows(wh.path, "SELECT done, records FROM archive_files") == [(True, 2 * (len(ARABIC) + 3))]
    assert read_rows(wh.path, "SELECT count(*) FROM articles")[0][0] == len(ARABIC) + 1


def test_a_corrupt_archive_loses_only_its_bad_record(tmp_path, warehouse_path):
    archive = outlet_warc(tmp_path / "crawl.warc.gz", BASE, extras=False)
    data, bad = bytearray(archive.read_bytes()), gzip_members(archive)[3]
    data[bad + 40:bad + 80] = bytes(40)
    archive.write_bytes(bytes(data))
    result = ingest(source=str(archive), warehouse=str(warehouse_path), workers=1)
    assert result["rejects"] == {"warc_corrupt": 1} and result["articles"]["new"] == len(ARABIC) - 1
    (ref, stage, reason), = read_rows(warehouse_path, "SELECT input_ref, stage, reason FROM rejects")
    assert (ref, stage, reason) == (f"{archive}#{bad}", "load", "warc_corrupt")


def test_an_archive_served_over_http_and_a_backfill_window(tmp_path, warehouse_path):
    outlet_warc(tmp_path / "crawl.warc.gz", BASE)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    toml = tmp_path / "sources.toml"
    toml.write_text(f'[[source]]\nname = "cc"\nkind = "warc"\nurls = ["http://127.0.0.1:{server.server_address[1]}/crawl.warc.gz"]\n'
                    'hosts = ["news.example"]\nallow_private = ["127.0.0.1"]\n', encoding="utf-8")
    try:
        before = backfill(since=date(2025, 1, 1), until=date(2025, 2, 1), source_file=str(toml), warehouse=str(warehouse_path),
                          workers=1)
        assert before["fetch"]["out_of_window"] == len(ARABIC) and before["articles"]["new"] == 0  # hosts: news.example
        window = backfill(since=date(2024, 1, 1), until=date(2025, 1, 1), source_file=str(toml), warehouse=str(warehouse_path),
                          workers=1)
    finally:
        server.shutdown()
        server.server_close()
    assert window["fetch"]["pages_kept"] == len(ARABIC) and window["rejects"] == {}
    dated = read_rows(warehouse_path, "SELECT count(*) FROM articles WHERE published_at >= '2024-01-01' AND published_at < '2025-01-01'")
    assert window["articles"]["new"] == dated[0][0] == len(ARABIC) - window["articles"]["out_of_window"]
    health = read_rows(warehouse_path, "SELECT flow, status, documents FROM source_health ORDER BY checked_at")
    assert health[-1] == ("backfill", "ok", len(ARABIC))


def test_an_archive_that_cannot_be_opened_is_a_reject_until_it_can(tmp_path, warehouse_path):
    toml = tmp_path / "sources.toml"
    archive = tmp_path / "later.warc.gz"
    toml.write_text(f'[[source]]\nname = "cc"\nkind = "warc"\npath = "{archive}"\n', encoding="utf-8")
    missing = ingest(source=str(toml), warehouse=str(warehouse_path), workers=1)
    assert missing["rejects"] == {"archive_unreachable": 1}
    assert read_rows(warehouse_path, "SELECT status, reasons FROM source_health") == [("failing", ["unreachable"])]
    outlet_warc(archive, BASE, extras=False)
    found = ingest(source=str(toml), warehouse=str(warehouse_path), workers=1)
    assert found["rejects"] == {} and found["articles"]["new"] == len(ARABIC)
    assert read_rows(warehouse_path, "SELECT input_ref, resolved_run_id FROM rejects") == [(str(archive), found["run_id"])]


def test_what_from_does_not_take_is_one_line(tmp_path, capsys):
    junk = tmp_path / "dump.bin"
    junk.write_bytes(b"\x1f\x8b\x08\x00" + bytes(64))
    assert cli(["ingest", "--from", str(junk), "--warehouse", str(tmp_path / "wh.duckdb")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a sources.toml" in err and ".warc" in err
    assert cli(["ingest", "--from", str(tmp_path / "nothing.warc.gz")]) == 2
    assert "--from takes a sources.toml, a folder" in capsys.readouterr().err


def test_an_archive_url_on_a_private_address_is_refused_before_connecting(wh):
    source = Source(name="cc", kind="warc", urls=("http://10.0.0.5/crawl.warc.gz",))  # no allow_private
    tally = ingest_archives(wh, "run-1", source, ALL_TIME, 10, 20 << 20)
    assert tally.rejects == {"blocked_address": 1}
    assert read_rows(wh.path, "SELECT input_ref, reason FROM rejects") == [("http://10.0.0.5/crawl.warc.gz", "blocked_address")]
