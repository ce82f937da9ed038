"""Reading web archives (docs/benchmarks.md, "make bench-warc"): a WARC.gz of the extraction benchmark's real
pages (each under several URLs, with the request record a crawl writes beside each response) read three ways:
bare iteration with FastWARC alone (the baseline), warcio alone (the library not chosen), and akhbar's reader
(`tasks.acquire.warc.pages`: records, HTTP heads, hosts, digests, documents); then the whole ingest of it into a
warehouse. Prints records/s and pages/s, and ratios to the baseline measured in the same run.

    .venv/bin/python bench/warc_throughput.py [--copies 6] [--rounds 3]
"""
from __future__ import annotations

import argparse
import gzip
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastwarc.warc import ArchiveIterator, WarcRecordType  # noqa: E402
from warcio.archiveiterator import ArchiveIterator as WarcioIterator  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from tasks.acquire.sources import Source  # noqa: E402
from tasks.acquire.warc import Page, pages  # noqa: E402

PAGES = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "article-extraction-benchmark" / "html"


def build(path: Path, copies: int) -> int:
    bodies = [gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes() for p in sorted(PAGES.iterdir())]
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for copy in range(copies):
            for i, body in enumerate(bodies):
                url = f"https://site{i % 9}.example/{copy}/{i}.html"
                writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return 2 * copies * len(bodies)


def bare(path: Path) -> int:
    kept = 0
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh, record_types=WarcRecordType.response, parse_http=True):
            record.reader.read()
            kept += 1
    return kept


def warcio(path: Path) -> int:
    kept = 0
    with open(path, "rb") as fh:
        for record in WarcioIterator(fh):
            if record.rec_type == "response":
                record.content_stream().read()
                kept += 1
    return kept


def akhbar(path: Path) -> int:
    source = Source(name="bench", kind="warc", path=str(path))
    with open(path, "rb") as fh:
        return sum(isinstance(item, Page) for item in pages(fh, str(path), 0, source))


def ingest(path: Path, tmp: Path) -> tuple[int, float]:
    from tasks.run.archive import ingest_archives
    from tasks.run.pool import worker_pool
    from tasks.run.tally import ALL_TIME
    from tasks.warehouse.database import Warehouse

    wh = Warehouse(tmp / f"wh-{time.monotonic_ns()}.duckdb")
    wh.migrate()
    start = time.perf_counter()
    with worker_pool(None):
        tally = ingest_archives(wh, "bench", Source(name="bench", kind="warc", path=str(path)), ALL_TIME, 400, 20 << 20)
    return tally.fetch["pages_kept"], time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=6, help="times each benchmark page is in the archive")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        records = build(path, args.copies)
        times: dict[str, list[float]] = {"FastWARC alone (baseline)": [], "warcio alone": [], "akhbar's reader": []}
        kept = {}
        for _ in range(args.rounds):  # interleaved: the machine's drift touches each the same
            for name, read in zip(times, (bare, warcio, akhbar)):
                start = time.perf_counter()
                kept[name] = read(path)
                times[name].append(time.perf_counter() - start)
        pages_in, ingest_secs = ingest(path, Path(tmp))
        base = statistics.median(times["FastWARC alone (baseline)"])
        print(f"archive: {records} records ({records // 2} HTML responses), {path.stat().st_size / 1e6:.0f} MB gzipped; "
              f"medians of {args.rounds} rounds\n")
        print("| reading | seconds | records/s | pages/s | time vs baseline |")
        print("|---|---|---|---|---|")
        for name, secs in times.items():
            s = statistics.median(secs)
            print(f"| {name} | {s:.2f} | {records / s:,.0f} | {kept[name] / s:,.0f} | {s / base:.2f} |")
        print(f"| the whole ingest (2 workers: extraction, enrichment, warehouse) | {ingest_secs:.1f} | "
              f"{records / ingest_secs:,.0f} | {pages_in / ingest_secs:,.0f} | {ingest_secs / base:.1f} |")


if __name__ == "__main__":
    main()
