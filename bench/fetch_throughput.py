"""Fetch throughput of the project's fetcher against bare httpx, and of fetch-and-store, on loopback
(`make bench-fetch`).

A page server in its own spawned process (ThreadingHTTPServer on 127.0.0.1, HTTP/1.1 keep-alive, gzip bodies
compressed once at start-up) serves N pages: benchmark page i % 181 of the article-extraction benchmark, marked
with its number inside the article text as in bench/ingest_throughput.py, so no two are exact duplicates;
politeness is off for it. Each measurement runs in a fresh spawned process (imports and set-up off the clock);
the server counts the requests, bytes and CPU seconds each one cost. Bare `httpx.AsyncClient` (C requests at
once, every body read) and `FetchSession().fetch_many` alternate, baselines first and last (B P B P B P B at
C = 8, B P B at C = 2); each ratio is over the mean seconds. Then `fetch_batch` in batches of 200 into a fresh
DuckDB file (the Tally's stage seconds), and a rerun through load_states + plan_pages that must send no request.

    python bench/fetch_throughput.py [--n 1000] [--out bench/fetch_results.json]
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import re
import statistics
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from harness import ROOT, in_fresh_process, peak_rss_mb, print_table, warehouse_counts, write_results
from ingest_throughput import load_sources

BATCH_SIZE = 200
CONCURRENCY = 8  # requests at once to the host, the main level
EXTRA_CONCURRENCY = (2,)  # further levels, for the fetch comparison only
REPEATS = 3  # project fetch runs at the main level, each followed by a baseline
GZIP_LEVEL = 6
HOST = "127.0.0.1"
ROBOTS = b"User-agent: *\nAllow: /\n"
SERVER_START_TIMEOUT = 600.0
_PAGE_PATH = re.compile(r"/p/(\d+)\.html")
_ORDER = itertools.count()  # the order the runs were made in, for the table


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
        if self.path == "/__stats":  # not counted
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
                f"Content-Length: {len(body)}", "Vary: Accept-Encoding"] + ([f"Content-Encoding: {encoding}"] if encoding else [])
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)  # headers and body in one write

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        pass


def serve(n: int, conn: Connection) -> None:
    """Server process: build the pages, listen, send ("ready", port, info), serve until told "stop"."""
    try:
        sources = load_sources(seeds=False)
        raw = [sources[i % len(sources)].copy(i).encode("utf-8") for i in range(n)]
        gz = [gzip.compress(body, GZIP_LEVEL, mtime=0) for body in raw]
        server = _PageServer(raw, gz)
    except BaseException as exc:  # the parent must not wait for a server that failed to start (SystemExit too)
        conn.send(("error", f"{type(exc).__name__}: {exc}", {}))
        raise
    threading.Thread(target=server.serve_forever, name="page-server", daemon=True).start()
    conn.send(("ready", server.server_port, {"sources": len(sources), "sources_marked_in_text": sum(s.marked_in_text for s in sources),
                                             "identity_bytes": sum(map(len, raw)), "gzip_bytes": sum(map(len, gz))}))
    try:
        conn.recv()  # "stop" (or EOF when the parent dies)
    except EOFError:
        pass
    server.shutdown()
    server.server_close()


@contextmanager
def page_server(n: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """The page server in a spawned process: (its http://127.0.0.1:PORT, facts about its pages)."""
    ctx = get_context("spawn")
    conn, child = ctx.Pipe()
    process = ctx.Process(target=serve, args=(n, child), name="bench-page-server", daemon=True)
    process.start()
    child.close()
    try:
        if not conn.poll(SERVER_START_TIMEOUT):
            raise TimeoutError(f"the page server did not start within {SERVER_START_TIMEOUT:.0f}s")
        status, port, info = conn.recv()
        if status != "ready":
            raise RuntimeError(f"the page server failed to start: {port}")
        yield f"http://{HOST}:{port}", info
    finally:
        try:
            conn.send("stop")
        except OSError:
            pass
        process.join(timeout=30)
        if process.is_alive():
            process.terminate()
            process.join()


def server_stats(base: str) -> dict[str, Any]:
    with urllib.request.urlopen(base + "/__stats", timeout=30) as response:
        return json.loads(response.read())


def page_urls(base: str, n: int) -> list[str]:
    return [f"{base}/p/{i}.html" for i in range(n)]


def measure_httpx(base: str, n: int, concurrency: int) -> dict[str, Any]:
    """Bare httpx.AsyncClient (Accept-Encoding as the project sends): GET every URL, at most `concurrency`
    at once, reading every body."""
    import asyncio

    import httpx  # imported here: outside the timer, in the measuring process only

    async def fetch_all() -> tuple[float, list[tuple[int, int, int]]]:
        gate = asyncio.Semaphore(concurrency)
        timeout = httpx.Timeout(20.0, connect=10.0)
        async with httpx.AsyncClient(timeout=timeout, trust_env=False, headers={"Accept-Encoding": "gzip, deflate"}) as client:

            async def get(url: str) -> tuple[int, int, int]:
                async with gate:
                    response = await client.get(url)
                    return response.status_code, len(response.content), response.num_bytes_downloaded

            start = time.perf_counter()
            results = await asyncio.gather(*(get(u) for u in page_urls(base, n)))
            return time.perf_counter() - start, results

    seconds, results = asyncio.run(fetch_all())
    return {"pages": n, "ok": sum(status == 200 for status, _, _ in results), "seconds": seconds,
            "body_bytes": sum(size for _, size, _ in results), "wire_bytes": sum(wire for _, _, wire in results),
            "peak_rss_mb": peak_rss_mb()}


def bench_source(base: str, concurrency: int):
    from tasks.acquire.sources import Source as FetchSource

    return FetchSource(name="bench", kind="urls", url=f"{base}/urls.txt", rate=0, concurrency=concurrency, allow_private=(HOST,))


def measure_fetch(base: str, n: int, concurrency: int) -> dict[str, Any]:
    """The project's fetcher: FetchSession().fetch_many over the same URLs (robots.txt inside the clock)."""
    from tasks.acquire.fetch import PAGE_TYPES, FetchPolicy, HostRules
    from tasks.acquire.web import FetchSession

    rules = HostRules(rate=0, concurrency=concurrency, allow_private=(HOST,))
    requests = [(url, rules, None, PAGE_TYPES) for url in page_urls(base, n)]
    with FetchSession(FetchPolicy()) as session:
        start = time.perf_counter()
        results = session.fetch_many(requests)
        seconds = time.perf_counter() - start
    return {"pages": n, "ok": sum(r.ok for r in results), "seconds": seconds, "body_bytes": sum(len(r.body or b"") for r in results),
            "reasons": dict(Counter(r.reason for r in results if not r.ok)), "peak_rss_mb": peak_rss_mb()}


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def measure_fetch_store(base: str, n: int, concurrency: int, warehouse_path: str, run_id: str) -> dict[str, Any]:
    """fetch_batch in batches of BATCH_SIZE into a fresh DuckDB file (migrated before the clock)."""
    from trafilatura.meta import reset_caches

    from tasks.acquire.discover import Candidate
    from tasks.acquire.fetch import FetchPolicy
    from tasks.acquire.web import FetchSession
    from tasks.run.pipeline import fetch_batch
    from tasks.run.tally import Tally
    from tasks.warehouse.database import Warehouse, apply_migrations

    warehouse = Warehouse(warehouse_path)
    with warehouse.connect() as con:
        apply_migrations(con)
    source, candidates, total = bench_source(base, concurrency), [Candidate(url) for url in page_urls(base, n)], Tally()
    reset_caches()
    with FetchSession(FetchPolicy()) as session:
        start = time.perf_counter()
        for chunk in _chunks(candidates, BATCH_SIZE):
            total.merge(fetch_batch(warehouse, run_id, session, source, chunk, states={}))
        seconds = time.perf_counter() - start
    return {"pages": n, "seconds": seconds, "tally": total.as_dict(), "peak_rss_mb": peak_rss_mb(),
            "warehouse": warehouse_counts(warehouse_path)}


def measure_rerun(base: str, n: int, concurrency: int, warehouse_path: str, run_id: str) -> dict[str, Any]:
    """Same URLs again through the planning step: load_states + plan_pages, then fetch_batch on what is left."""
    from tasks.acquire.discover import Candidate
    from tasks.acquire.fetch import FetchPolicy
    from tasks.acquire.web import FetchSession, load_states, plan_pages
    from tasks.run.pipeline import fetch_batch
    from tasks.run.tally import Tally
    from tasks.warehouse.database import Warehouse

    warehouse, source, urls, total = Warehouse(warehouse_path), bench_source(base, concurrency), page_urls(base, n), Tally()
    with FetchSession(FetchPolicy()) as session:
        start = time.perf_counter()
        with warehouse.connect() as con:
            states = load_states(con, urls)
        todo, known, deferred = plan_pages([Candidate(url) for url in urls], states, refetch=False, now=datetime.now(timezone.utc))
        total.fetch.update({"known": known, "deferred": deferred})
        for chunk in _chunks(todo, BATCH_SIZE):
            total.merge(fetch_batch(warehouse, run_id, session, source, chunk, states))
        seconds = time.perf_counter() - start
    return {"pages": n, "seconds": seconds, "states_loaded": len(states), "to_fetch": len(todo), "known": known,
            "deferred": deferred, "tally": total.as_dict(), "warehouse": warehouse_counts(warehouse_path)}


def measured(base: str, fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """fn(base, *args) in a fresh process, with what the server saw meanwhile (requests, bytes, CPU seconds)."""
    before = server_stats(base)
    result = in_fresh_process(fn, base, *args)
    after = server_stats(base)
    requests = {k: v - before["requests"].get(k, 0) for k, v in after["requests"].items()}
    result["server"] = {"requests": {k: v for k, v in requests.items() if v}, "total_requests": sum(requests.values()),
                        "bytes_sent": after["bytes_sent"] - before["bytes_sent"],
                        "cpu_seconds": round(after["cpu_seconds"] - before["cpu_seconds"], 3)}
    result["order"] = next(_ORDER)
    return result


def compare(base: str, n: int, concurrency: int, repeats: int) -> dict[str, Any]:
    """Baseline and project alternating, baselines first and last: B P B [P B ...]."""
    baselines, project = [measured(base, measure_httpx, n, concurrency)], []
    for _ in range(repeats):
        project.append(measured(base, measure_fetch, n, concurrency))
        baselines.append(measured(base, measure_httpx, n, concurrency))

    def mean(runs: list[dict[str, Any]], key: str) -> float:
        return statistics.mean(r[key] for r in runs)
    base_seconds, fetch_seconds = mean(baselines, "seconds"), mean(project, "seconds")
    return {
        "concurrency": concurrency,
        "baseline_pages_per_s": n / base_seconds,
        "baseline_mb_per_s": mean(baselines, "body_bytes") / 1e6 / base_seconds,
        "baseline_wire_mb_per_s": mean(baselines, "wire_bytes") / 1e6 / base_seconds,
        "fetch_pages_per_s": n / fetch_seconds,
        "fetch_mb_per_s": mean(project, "body_bytes") / 1e6 / fetch_seconds,
        "fetch_ratio_vs_httpx": base_seconds / fetch_seconds,
        "baseline_runs": baselines,
        "fetch_runs": project,
    }


def show(report: dict[str, Any]) -> None:
    corpus, c, first, rerun = report["corpus"], report["concurrency"], report["runs"]["fetch_store"], report["runs"]["rerun"]
    print(f"commit {report['commit']}; N = {report['n']} pages ({corpus['sources']} sources, {corpus['identity_bytes'] / 1e6:.0f} MB, "
          f"{corpus['gzip_bytes'] / 1e6:.0f} MB gzipped), {report['machine']['nproc']} cores, Python {report['python']}")
    rows = sorted(((r["order"], name, level["concurrency"], r) for level in report["levels"]
                   for name, key in (("httpx.AsyncClient", "baseline_runs"), ("FetchSession.fetch_many", "fetch_runs"))
                   for r in level[key]), key=lambda row: row[0])
    rows = [(name, cc, r["seconds"], r["pages"] / r["seconds"], r["body_bytes"] / 1e6 / r["seconds"], r["server"]["cpu_seconds"],
             r["server"]["total_requests"]) for _, name, cc, r in rows]
    rows.append((f"fetch_batch x {-(-report['n'] // report['batch_size'])} (fetch+extract+write)", c, first["seconds"],
                 first["pages"] / first["seconds"], None, first["server"]["cpu_seconds"], first["server"]["total_requests"]))
    rows.append(("rerun: load_states + plan_pages + fetch", c, rerun["seconds"], None, None, rerun["server"]["cpu_seconds"],
                 rerun["server"]["total_requests"]))
    print_table(["system", "C", "seconds", "pages/s", "MB/s", "srv CPU s", "requests"], rows, ["", "", ".2f", ".1f", ".1f", ".2f"])
    for level in report["levels"]:
        print(f"C={level['concurrency']}: fetch_many / httpx (pages/s ratio) {level['fetch_ratio_vs_httpx']:.3f} "
              f"({level['fetch_pages_per_s']:.0f} vs {level['baseline_pages_per_s']:.0f} pages/s)")
    print(f"fetch and store: {report['fetch_store_pages_per_s']:.1f} pages/s, {report['fetch_store_ms_per_page']:.1f} ms/page; "
          "stage seconds " + ", ".join(f"{k} {v:.2f}" for k, v in report["stage_seconds"].items()))
    tally = first["tally"]
    print(f"first run: articles new {tally['articles']['new']}, duplicates {tally['articles']['duplicate']}, "
          f"rejects {tally['rejects'] or 'none'}; warehouse {first['warehouse']}")
    print(f"rerun: {rerun['known']} known, {rerun['to_fetch']} to fetch, {report['rerun_requests']} requests to the server")


def run(n: int, out: Path) -> dict[str, Any]:
    with page_server(n) as (base, corpus), tempfile.TemporaryDirectory(prefix="akhbar-fetch-bench-") as tmp:
        warehouse = str(Path(tmp) / "wh" / "bench.duckdb")
        levels = [compare(base, n, CONCURRENCY, REPEATS)] + [compare(base, n, c, 1) for c in EXTRA_CONCURRENCY]
        first = measured(base, measure_fetch_store, n, CONCURRENCY, warehouse, "bench-first")
        rerun = measured(base, measure_rerun, n, CONCURRENCY, warehouse, "bench-rerun")
    main_level = levels[0]
    report = {
        "n": n,
        "concurrency": CONCURRENCY,
        **{k: main_level[k] for k in ("baseline_pages_per_s", "baseline_mb_per_s", "fetch_pages_per_s", "fetch_ratio_vs_httpx")},
        "fetch_store_pages_per_s": first["pages"] / first["seconds"],
        "fetch_store_ms_per_page": first["seconds"] * 1000 / first["pages"],
        "fetch_store_ratio_vs_httpx": first["pages"] / first["seconds"] / main_level["baseline_pages_per_s"],
        "stage_seconds": {k: round(v, 3) for k, v in first["tally"]["seconds"].items() if k in ("fetch", "load", "extract", "write")},
        "rerun_requests": rerun["server"]["total_requests"],
        "rerun_seconds": rerun["seconds"],
        "batch_size": BATCH_SIZE,
        "repeats": REPEATS,
        "server": f"ThreadingHTTPServer in its own process on {HOST}, HTTP/1.1 keep-alive, gzip level {GZIP_LEVEL} precomputed",
        "corpus": corpus,
        "levels": levels,
        "runs": {"fetch_store": first, "rerun": rerun},
    }
    show(write_results(out, report))
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="pages served and fetched (default %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "fetch_results.json", help="JSON results (default %(default)s)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    run(args.n, args.out)


if __name__ == "__main__":
    main()
