"""The explorer's pages on a large warehouse (docs/benchmarks.md, "make bench-explore"): N articles of
../shared/data/news through the whole pipeline, then their rows copied COPIES times (new article, story,
event and happening ids, dates a year apart per copy; the same entities, so a busy entity is COPIES times
busier) to reach N x COPIES articles; then each page type requested over HTTP from the explorer on
loopback, for the busiest ids and for random ones. Prints per page the median and 95th percentile of the
response time, against the home page's median as the baseline measured in the same run.

    .venv/bin/python bench/explore_pages.py [--n 10000] [--copies 10] [--samples 20] [--keep DIR]

--keep DIR builds the warehouse in DIR once and reuses it on the next run (to profile a page's queries).
"""
from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from arabic_throughput import corpus_articles, write_folder  # noqa: E402

COPIED = {  # table -> id columns that get the copy's suffix; date columns moved a year per copy
    "articles": (("article_id", "doc_id", "story_id", "dup_of"), ("published_at",)),
    "stories": (("story_id",), ("first_published_at", "last_published_at")),
    "mentions": (("article_id",), ()),
    "events": (("event_id", "article_id", "happening_id"), ("event_date",)),
    "quotes": (("article_id",), ()),
    "search_terms": (("article_id",), ()),
}


def build(workdir: Path, n: int, copies: int) -> Path:
    from tasks.acquire.load import list_folder
    from tasks.run.pipeline import ingest_listing
    from tasks.warehouse.database import Warehouse

    folder = workdir / "news"
    write_folder(folder, corpus_articles(n)[0])
    wh = Warehouse(workdir / "warehouse.duckdb")
    wh.migrate()
    start = time.perf_counter()
    ingest_listing(wh, "bench", list_folder(str(folder), source="news"))
    print(f"ingested {n} articles in {time.perf_counter() - start:.0f} s", file=sys.stderr)

    def copy(con) -> None:
        for table, (ids, dates) in COPIED.items():
            columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            for k in range(1, copies):
                select = ", ".join(
                    f"{c} || '{k:x}' AS {c}" if c in ids else
                    f"{c} + INTERVAL {k * 365} DAY AS {c}" if c in dates else f'"{c}"' for c in columns)
                original = f"length({ids[0]}) = (SELECT min(length({ids[0]})) FROM {table})"  # not an earlier copy
                con.execute(f"INSERT INTO {table} SELECT {select} FROM (SELECT * FROM {table} WHERE {original})")
    wh.write(copy)
    return wh.path


def serve(path: Path) -> tuple[uvicorn.Server, str]:
    from akhbar.explore.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="build the warehouse here once; reuse it when it is there")
    args = ap.parse_args()
    import duckdb

    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        if args.keep and (args.keep / "warehouse.duckdb").exists():
            path = args.keep / "warehouse.duckdb"
        else:
            (args.keep or Path(tmp)).mkdir(parents=True, exist_ok=True)
            path = build(args.keep or Path(tmp), args.n, args.copies)
        con = duckdb.connect(str(path), read_only=True)
        total = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        top = lambda sql: [r[0] for r in con.execute(sql).fetchall()]  # noqa: E731
        stories = top(f"SELECT story_id FROM stories ORDER BY article_count DESC LIMIT {args.samples // 2}")
        stories += rng.sample(top("SELECT story_id FROM stories"), args.samples // 2)
        entities = top(f"SELECT entity_id FROM mentions GROUP BY 1 ORDER BY count(*) DESC LIMIT {args.samples // 2}")
        entities += rng.sample(top("SELECT DISTINCT entity_id FROM mentions"), args.samples // 2)
        articles = rng.sample(top("SELECT article_id FROM articles"), args.samples)
        types = top("SELECT DISTINCT event_type FROM events")
        words = [w for w, in con.execute("SELECT name FROM entities WHERE type = 'LOC' ORDER BY name LIMIT 400").fetchall()]
        con.close()
        server, base = serve(path)
        pages = {
            "/ (latest stories)": ["/"] + [f"/?page={p}" for p in range(2, args.samples + 1)],
            "/story/<id>": [f"/story/{s}" for s in stories],
            "/entity/<id>": [f"/entity/{e}" for e in entities],
            "/events (all, by type, by entity)": ["/events"] + [f"/events?type={t}" for t in types]
                                                   + [f"/events?entity={e}" for e in entities[: args.samples // 2]],
            "/search?q=": [f"/search?q={w}" for w in rng.sample(words, min(len(words), args.samples))],
            "/article/<id>": [f"/article/{a}" for a in articles],
        }
        times: dict[str, list[float]] = {}
        with httpx.Client(base_url=base, timeout=120) as client:
            client.get("/")  # the first request warms the process, not the warehouse
            for name, urls in pages.items():
                times[name] = []
                for url in urls:
                    start = time.perf_counter()
                    assert client.get(url).status_code == 200, url
                    times[name].append((time.perf_counter() - start) * 1000)
        server.should_exit = True
    base_ms = statistics.median(times["/ (latest stories)"])
    print(f"warehouse: {total:,} articles ({args.n:,} ingested, {args.copies} copies); milliseconds per page\n")
    print("| page | requests | median | 95th percentile | max | median vs home |")
    print("|---|---|---|---|---|---|")
    for name, ms in times.items():
        ms = sorted(ms)
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        print(f"| {name} | {len(ms)} | {statistics.median(ms):.0f} | {p95:.0f} | {ms[-1]:.0f} | "
              f"{statistics.median(ms) / base_ms:.2f} |")


if __name__ == "__main__":
    main()
