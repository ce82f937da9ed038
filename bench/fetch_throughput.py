"""Fetch throughput of the project's fetcher against bare httpx, and of fetch-and-store, on loopback.

A page server runs in its own spawned process (so the measured client shares no GIL with it): a
``http.server.ThreadingHTTPServer`` on 127.0.0.1 speaking HTTP/1.1 with keep-alive and Content-Length,
TCP_NODELAY, headers and body in one write. It serves

- ``/p/<i>.html`` for i < N: benchmark page ``i % 181`` of the article-extraction benchmark
  (``../shared/data/article-extraction-benchmark/html/*.html.gz``) with `` [i]`` inserted where it lands
  in the extracted article text (the insertion points of ``bench/ingest_throughput.py``), so no two
  articles are exact duplicates; gzip Content-Encoding when the request accepts gzip (every body
  compressed once at startup, level 6), else identity;
- ``/robots.txt`` allowing everything, ``/urls.txt`` listing the N page URLs;
- ``/__stats``: requests served per route, bytes sent and the server process's CPU seconds, read by
  the parent before and after every measurement (this route is not counted).

Politeness is off for the benchmark host: ``HostRules(rate=0, concurrency=C, allow_private=("127.0.0.1",))``.
Each measurement runs in a freshly spawned process (imports, client and warehouse set-up outside the
clock), one after the other, in this order:

1. bare ``httpx.AsyncClient`` (Accept-Encoding gzip, deflate, as the project sends): GET of the N URLs
   under an ``asyncio.Semaphore(C)``, every body read (``response.content``, decompressed);
2. the project's fetcher: ``FetchSession().fetch_many(...)`` over the same URLs (robots.txt fetched
   once inside the clock, as in a real run);
3. 1 again; 2 and 1 alternate ``--repeats`` times (default 3), so baselines bracket every project run:
   the ratio is N / mean project seconds over N / mean baseline seconds;
4. the same bracket (baseline, project, baseline) once at each ``--extra-concurrency`` level;
5. fetch and store: ``fetch_batch(warehouse, run_id, session, source, candidates, states={})`` in
   batches of 200 into a fresh DuckDB file (migrations applied before the clock), with the Tally's
   stage seconds (fetch / load / extract / write);
6. a second run over the same URLs through the planning step: ``load_states`` + ``plan_pages``, then
   ``fetch_batch`` for whatever is left to fetch; the server's request counter must not move.

Prints a table and writes JSON.

    python bench/fetch_throughput.py [--n 1000] [--concurrency 8] [--out bench/fetch_results.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from ingest_throughput import BARE_KWARGS, choose_insert_points, in_fresh_process, peak_rss_mb  # noqa: E402
from ingest_throughput import Source as MarkedPage  # noqa: E402
from provenance import git_commit  # noqa: E402

if TYPE_CHECKING:
    from tasks.acquire.fetch import HostRules
    from tasks.acquire.sources import Source

DEFAULT_DATA_DIR = ROOT.parent / "shared" / "data" / "article-extraction-benchmark"
DEFAULT_OUT = ROOT / "bench" / "fetch_results.json"
BATCH_SIZE = 200
GZIP_LEVEL = 6
HOST = "127.0.0.1"
ROBOTS = b"User-agent: *\nAllow: /\n"
SERVER_START_TIMEOUT = 600.0
_PAGE_PATH = re.compile(r"/p/(\d+)\.html")


# --- page server (its own process) -------------------------------------------------------------


def build_pages(data_dir: Path, n: int) -> tuple[list[bytes], list[bytes], int, int]:
    """(identity bodies, gzip bodies, sources, sources whose marker shows in the extracted text)."""
    import trafilatura  # corpus building only, in the server process, before it listens

    def html_text(html: str) -> str:
        return trafilatura.extract(html, **BARE_KWARGS) or ""

    sources: list[MarkedPage] = []
    for path in sorted((data_dir / "html").glob("*.html.gz")):
        html = gzip.decompress(path.read_bytes()).decode("utf-8")
        points, ok = choose_insert_points(html, html_text(html), html_text)
        sources.append(MarkedPage("html", path.name.removesuffix(".html.gz")[:16], html, points, ok))
    if not sources:
        raise FileNotFoundError(f"no *.html.gz under {data_dir / 'html'}")
    raw = [sources[i % len(sources)].copy(i).encode("utf-8") for i in range(n)]
    gz = [gzip.compress(body, GZIP_LEVEL, mtime=0) for body in raw]
    return raw, gz, len(sources), sum(s.marked_in_text for s in sources)


class _PageServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 drops SYNs when C connections open at once

    def __init__(self, raw: list[bytes], gz: list[bytes]):
        super().__init__((HOST, 0), _Handler)
        self.raw, self.gz = raw, gz
        self.urls_txt = "".join(f"http://{HOST}:{self.server_port}/p/{i}.html\n" for i in range(len(raw))).encode()
        self.lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.bytes_sent = 0

    def count(self, route: str, sent: int) -> None:
        with self.lock:
            self.requests[route] += 1
            self.bytes_sent += sent

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"requests": dict(self.requests), "bytes_sent": self.bytes_sent, "cpu_seconds": time.process_time()}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every answer has a Content-Length
    disable_nagle_algorithm = True
    server: _PageServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "").lower()
        match = _PAGE_PATH.fullmatch(self.path)
        if self.path == "/__stats":
            self._send(200, json.dumps(self.server.snapshot()).encode(), "application/json")
            return
        if match and int(match.group(1)) < len(self.server.raw):
            i = int(match.group(1))
            body = self.server.gz[i] if gzip_ok else self.server.raw[i]
            route, ctype, encoding = "page", "text/html; charset=utf-8", "gzip" if gzip_ok else None
        elif self.path == "/robots.txt":
            body, route, ctype, encoding = ROBOTS, "robots", "text/plain", None
        elif self.path == "/urls.txt":
            body, route, ctype, encoding = self.server.urls_txt, "urls", "text/plain", None
        else:
            body, route, ctype, encoding = b"not found\n", "not_found", "text/plain", None
        self.server.count(route, len(body))
        self._send(404 if route == "not_found" else 200, body, ctype, encoding)

    def _send(self, status: int, body: bytes, ctype: str, encoding: str | None = None) -> None:
        head = [f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}", f"Content-Type: {ctype}",
                f"Content-Length: {len(body)}", "Vary: Accept-Encoding"]
        if encoding:
            head.append(f"Content-Encoding: {encoding}")
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        pass


def serve(data_dir: str, n: int, conn: Connection) -> None:
    """Server process: build the pages, listen, send ("ready", port, info), serve until told "stop"."""
    try:
        raw, gz, sources, marked = build_pages(Path(data_dir), n)
        server = _PageServer(raw, gz)
    except Exception as exc:  # the parent must not wait forever for a server that failed to start
        conn.send(("error", f"{type(exc).__name__}: {exc}", {}))
        raise
    thread = threading.Thread(target=server.serve_forever, name="page-server", daemon=True)
    thread.start()
    conn.send(("ready", server.server_port, {
        "sources": sources, "sources_marked_in_text": marked, "identity_bytes": sum(map(len, raw)),
        "gzip_bytes": sum(map(len, gz)),
    }))
    try:
        conn.recv()  # "stop" (or EOF when the parent dies)
    except EOFError:
        pass
    server.shutdown()
    server.server_close()


class PageServer:
    """The page server in a spawned process; `base` is its http://127.0.0.1:PORT."""

    def __init__(self, data_dir: Path, n: int):
        ctx = get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=serve, args=(str(data_dir), n, child), name="bench-page-server", daemon=True)
        self._process.start()
        child.close()
        if not self._conn.poll(SERVER_START_TIMEOUT):
            self.close()
            raise TimeoutError(f"the page server did not start within {SERVER_START_TIMEOUT:.0f}s")
        status, port, self.info = self._conn.recv()
        if status != "ready":
            self.close()
            raise RuntimeError(f"the page server failed to start: {port}")
        self.base = f"http://{HOST}:{port}"

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.base + "/__stats", timeout=30) as response:
            return json.loads(response.read())

    def close(self) -> None:
        try:
            self._conn.send("stop")
        except OSError:
            pass
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()

    def __enter__(self) -> "PageServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- measurements (each runs in its own spawned process) ----------------------------------------


def page_urls(base: str, n: int) -> list[str]:
    return [f"{base}/p/{i}.html" for i in range(n)]


def measure_httpx(base: str, n: int, concurrency: int) -> dict[str, Any]:
    """Bare httpx.AsyncClient: GET every URL, at most `concurrency` at once, reading every body."""
    import asyncio

    import httpx  # imported here: outside the timer, in the measuring process only

    urls = page_urls(base, n)

    async def fetch_all() -> tuple[float, list[tuple[int, int, int]]]:
        gate = asyncio.Semaphore(concurrency)
        timeout = httpx.Timeout(20.0, connect=10.0)
        async with httpx.AsyncClient(timeout=timeout, trust_env=False, headers={"Accept-Encoding": "gzip, deflate"}) as client:

            async def get(url: str) -> tuple[int, int, int]:
                async with gate:
                    response = await client.get(url)
                    return response.status_code, len(response.content), response.num_bytes_downloaded

            start = time.perf_counter()
            results = await asyncio.gather(*(get(u) for u in urls))
            return time.perf_counter() - start, results

    seconds, results = asyncio.run(fetch_all())
    return {
        "pages": n, "ok": sum(status == 200 for status, _, _ in results), "seconds": seconds,
        "body_bytes": sum(size for _, size, _ in results), "wire_bytes": sum(wire for _, _, wire in results),
        "peak_rss_mb": peak_rss_mb(),
    }


def bench_rules(concurrency: int) -> HostRules:
    from tasks.acquire.fetch import HostRules

    return HostRules(rate=0, concurrency=concurrency, allow_private=(HOST,))


def bench_source(base: str, concurrency: int) -> Source:
    from tasks.acquire.sources import Source

    return Source(name="bench", kind="urls", url=f"{base}/urls.txt", rate=0, concurrency=concurrency, allow_private=(HOST,))


def measure_fetch(base: str, n: int, concurrency: int) -> dict[str, Any]:
    """The project's fetcher: FetchSession().fetch_many over the same URLs (robots.txt inside the clock)."""
    from tasks.acquire.fetch import PAGE_TYPES, FetchPolicy
    from tasks.acquire.web import FetchSession

    rules = bench_rules(concurrency)
    requests = [(url, rules, None, PAGE_TYPES) for url in page_urls(base, n)]
    with FetchSession(FetchPolicy()) as session:
        start = time.perf_counter()
        results = session.fetch_many(requests)
        seconds = time.perf_counter() - start
    return {
        "pages": n, "ok": sum(r.ok for r in results), "seconds": seconds,
        "body_bytes": sum(len(r.body or b"") for r in results),
        "reasons": dict(Counter(r.reason for r in results if not r.ok)), "peak_rss_mb": peak_rss_mb(),
    }


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _warehouse_counts(path: str) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(path, read_only=True)
    try:
        articles, duplicates = con.execute("SELECT count(*), count(dup_of) FROM articles").fetchone()
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        states = con.execute("SELECT count(*) FROM fetch_state").fetchone()[0]
    finally:
        con.close()
    size = sum(os.path.getsize(p) for p in (path, path + ".wal") if os.path.exists(p))
    return {"articles": articles, "duplicates": duplicates, "documents": documents, "fetch_states": states, "bytes": size}


def measure_fetch_store(base: str, n: int, concurrency: int, warehouse_path: str, run_id: str, batch_size: int) -> dict[str, Any]:
    """fetch_batch in batches of `batch_size` into a fresh DuckDB file (migrated before the clock)."""
    from trafilatura.meta import reset_caches

    from tasks.acquire.discover import Candidate
    from tasks.acquire.fetch import FetchPolicy
    from tasks.acquire.web import FetchSession
    from tasks.run.pipeline import Tally, fetch_batch
    from tasks.warehouse.database import Warehouse, apply_migrations

    warehouse = Warehouse(warehouse_path)
    with warehouse.connect() as con:
        apply_migrations(con)
    source = bench_source(base, concurrency)
    candidates = [Candidate(url) for url in page_urls(base, n)]
    reset_caches()
    total = Tally()
    with FetchSession(FetchPolicy()) as session:
        start = time.perf_counter()
        for chunk in _chunks(candidates, batch_size):
            total.merge(fetch_batch(warehouse, run_id, session, source, chunk, states={}))
        seconds = time.perf_counter() - start
    return {"pages": n, "seconds": seconds, "tally": total.as_dict(), "peak_rss_mb": peak_rss_mb(),
            "warehouse": _warehouse_counts(warehouse_path)}


def measure_rerun(base: str, n: int, concurrency: int, warehouse_path: str, run_id: str, batch_size: int) -> dict[str, Any]:
    """Same URLs again through the planning step: load_states + plan_pages, then fetch_batch on what is left."""
    from tasks.acquire.discover import Candidate
    from tasks.acquire.fetch import FetchPolicy
    from tasks.acquire.web import FetchSession, load_states, plan_pages
    from tasks.run.pipeline import Tally, fetch_batch
    from tasks.warehouse.database import Warehouse

    warehouse = Warehouse(warehouse_path)
    source = bench_source(base, concurrency)
    urls = page_urls(base, n)
    candidates = [Candidate(url) for url in urls]
    total = Tally()
    with FetchSession(FetchPolicy()) as session:
        start = time.perf_counter()
        with warehouse.connect() as con:
            states = load_states(con, urls)
        todo, known, deferred = plan_pages(candidates, states, refetch=False, now=datetime.now(timezone.utc))
        total.fetch.update({"known": known, "deferred": deferred})
        for chunk in _chunks(todo, batch_size):
            total.merge(fetch_batch(warehouse, run_id, session, source, chunk, states))
        seconds = time.perf_counter() - start
    return {"pages": n, "seconds": seconds, "states_loaded": len(states), "to_fetch": len(todo), "known": known,
            "deferred": deferred, "tally": total.as_dict(), "warehouse": _warehouse_counts(warehouse_path)}


def measured(server: PageServer, fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """fn(*args) in a fresh process, with what the server saw meanwhile (requests, bytes, CPU seconds)."""
    before = server.stats()
    result = in_fresh_process(fn, *args)
    after = server.stats()
    requests = {k: v - before["requests"].get(k, 0) for k, v in after["requests"].items()}
    result["server"] = {
        "requests": {k: v for k, v in requests.items() if v}, "total_requests": sum(requests.values()),
        "bytes_sent": after["bytes_sent"] - before["bytes_sent"],
        "cpu_seconds": round(after["cpu_seconds"] - before["cpu_seconds"], 3),
    }
    return result


# --- report ------------------------------------------------------------------------------------


def pages_per_s(runs: list[dict[str, Any]]) -> float:
    """Pages per second over the mean duration of `runs` (all of the same N)."""
    return runs[0]["pages"] / statistics.mean(r["seconds"] for r in runs)


def compare(server: PageServer, n: int, concurrency: int, repeats: int) -> dict[str, Any]:
    """Baseline and project alternating, baselines first and last: B P B [P B ...]."""
    baselines = [measured(server, measure_httpx, server.base, n, concurrency)]
    project = []
    for _ in range(repeats):
        project.append(measured(server, measure_fetch, server.base, n, concurrency))
        baselines.append(measured(server, measure_httpx, server.base, n, concurrency))
    base_rate, fetch_rate = pages_per_s(baselines), pages_per_s(project)
    base_seconds = statistics.mean(r["seconds"] for r in baselines)
    return {
        "concurrency": concurrency,
        "baseline_pages_per_s": base_rate,
        "baseline_mb_per_s": statistics.mean(r["body_bytes"] for r in baselines) / 1e6 / base_seconds,
        "baseline_wire_mb_per_s": statistics.mean(r["wire_bytes"] for r in baselines) / 1e6 / base_seconds,
        "fetch_pages_per_s": fetch_rate,
        "fetch_mb_per_s": statistics.mean(r["body_bytes"] for r in project) / 1e6 / statistics.mean(r["seconds"] for r in project),
        "fetch_ratio_vs_httpx": fetch_rate / base_rate,
        "baseline_runs": baselines,
        "fetch_runs": project,
    }


def print_table(report: dict[str, Any]) -> None:
    print(f"commit {report['commit']}; N = {report['n']} pages ({report['corpus']['sources']} sources, "
          f"{report['corpus']['identity_bytes'] / 1e6:.0f} MB, {report['corpus']['gzip_bytes'] / 1e6:.0f} MB gzipped), "
          f"{report['machine']['nproc']} cores, Python {report['python']}")
    print(f"{'system':<44} {'C':>2} {'seconds':>8} {'pages/s':>8} {'MB/s':>7} {'srv CPU s':>9} {'requests':>8}")
    for level in report["levels"]:
        c = level["concurrency"]
        runs = [("httpx.AsyncClient", r) for r in level["baseline_runs"]] + [("FetchSession.fetch_many", r) for r in level["fetch_runs"]]
        for name, r in sorted(runs, key=lambda x: x[1]["order"]):
            print(f"{name:<44} {c:>2} {r['seconds']:8.2f} {r['pages'] / r['seconds']:8.1f} "
                  f"{r['body_bytes'] / 1e6 / r['seconds']:7.1f} {r['server']['cpu_seconds']:9.2f} {r['server']['total_requests']:8d}")
    first, rerun = report["runs"]["fetch_store"], report["runs"]["rerun"]
    c = report["concurrency"]
    print(f"{'fetch_batch x ' + str(-(-report['n'] // report['batch_size'])) + ' (fetch+extract+write)':<44} {c:>2} "
          f"{first['seconds']:8.2f} {first['pages'] / first['seconds']:8.1f} {'':>7} {first['server']['cpu_seconds']:9.2f} "
          f"{first['server']['total_requests']:8d}")
    print(f"{'rerun: load_states + plan_pages + fetch':<44} {c:>2} {rerun['seconds']:8.2f} {'':>8} {'':>7} "
          f"{rerun['server']['cpu_seconds']:9.2f} {rerun['server']['total_requests']:8d}")
    for level in report["levels"]:
        print(f"C={level['concurrency']}: fetch_many / httpx (pages/s ratio) {level['fetch_ratio_vs_httpx']:.3f} "
              f"({level['fetch_pages_per_s']:.0f} vs {level['baseline_pages_per_s']:.0f} pages/s)")
    print(f"fetch and store: {report['fetch_store_pages_per_s']:.1f} pages/s, {report['fetch_store_ms_per_page']:.1f} ms/page; "
          "stage seconds " + ", ".join(f"{k} {v:.2f}" for k, v in report["stage_seconds"].items()))
    tally = first["tally"]
    print(f"first run: articles new {tally['articles']['new']}, duplicates {tally['articles']['duplicate']}, "
          f"rejects {tally['rejects'] or 'none'}; warehouse {first['warehouse']}")
    print(f"rerun: {rerun['known']} known, {rerun['to_fetch']} to fetch, {report['rerun_requests']} requests to the server")


def run(n: int, concurrency: int, extra: list[int], repeats: int, out: Path, data_dir: Path, batch_size: int) -> dict[str, Any]:
    with PageServer(data_dir, n) as server, tempfile.TemporaryDirectory(prefix="akhbar-fetch-bench-") as tmp:
        warehouse = str(Path(tmp) / "wh" / "bench.duckdb")
        levels = [compare(server, n, concurrency, repeats)]
        levels += [compare(server, n, c, 1) for c in extra if c != concurrency]
        first = measured(server, measure_fetch_store, server.base, n, concurrency, warehouse, "bench-first", batch_size)
        rerun = measured(server, measure_rerun, server.base, n, concurrency, warehouse, "bench-rerun", batch_size)
        corpus = server.info
    order = 0
    for level in levels:  # the order the runs were made in, for the table
        for i, r in enumerate(level["baseline_runs"]):
            r["order"] = order + 2 * i
        for i, r in enumerate(level["fetch_runs"]):
            r["order"] = order + 2 * i + 1
        order += len(level["baseline_runs"]) + len(level["fetch_runs"])
    main_level = levels[0]
    report = {
        "n": n,
        "concurrency": concurrency,
        "baseline_pages_per_s": main_level["baseline_pages_per_s"],
        "baseline_mb_per_s": main_level["baseline_mb_per_s"],
        "fetch_pages_per_s": main_level["fetch_pages_per_s"],
        "fetch_ratio_vs_httpx": main_level["fetch_ratio_vs_httpx"],
        "fetch_store_pages_per_s": first["pages"] / first["seconds"],
        "fetch_store_ms_per_page": first["seconds"] * 1000 / first["pages"],
        "fetch_store_ratio_vs_httpx": first["pages"] / first["seconds"] / main_level["baseline_pages_per_s"],
        "stage_seconds": {k: round(v, 3) for k, v in first["tally"]["seconds"].items() if k in ("fetch", "load", "extract", "write")},
        "rerun_requests": rerun["server"]["total_requests"],
        "rerun_seconds": rerun["seconds"],
        "python": platform.python_version(),
        "machine": {"nproc": os.cpu_count(), "platform": platform.platform(), "processor": platform.machine()},
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "batch_size": batch_size,
        "repeats": repeats,
        "server": f"ThreadingHTTPServer in its own process on {HOST}, HTTP/1.1 keep-alive, gzip level {GZIP_LEVEL} precomputed",
        "corpus": corpus,
        "levels": levels,
        "runs": {"fetch_store": first, "rerun": rerun},
    }
    print_table(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="pages served and fetched (default 1000)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests at once to the host (default 8)")
    parser.add_argument("--extra-concurrency", type=int, nargs="*", default=[2],
                        help="further levels for the fetch comparison only (default 2; none to skip)")
    parser.add_argument("--repeats", type=int, default=3, help="project fetch runs at the main level, each followed by a baseline")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results (default bench/fetch_results.json)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="article-extraction-benchmark folder")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    args = parser.parse_args(argv)
    if args.n < 1 or args.concurrency < 1 or args.repeats < 1:
        parser.error("--n, --concurrency and --repeats must be at least 1")
    run(args.n, args.concurrency, args.extra_concurrency, args.repeats, args.out, args.data_dir, args.batch_size)


if __name__ == "__main__":
    main()
