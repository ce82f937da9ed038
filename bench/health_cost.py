"""What judging source health costs a run (docs/benchmarks.md): the closing transaction of a run (`finish_run`)
with and without what the ledger adds for S sources (`judge_run`, then `latest` for the artifact's trends), over a warehouse whose `source_health` already holds R runs of each,
and a run of N articles per source. Prints a table and the cost per source.

    .venv/bin/python bench/health_cost.py [--sources 20] [--history 2000] [--articles 400] [--repeats 15]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tasks.acquire.sources import Source  # noqa: E402
from tasks.run.health import Verdict, as_row, figures  # noqa: E402
from tasks.run.health_table import HISTORY_DAYS, judge_run, latest, write_health  # noqa: E402
from tasks.run.tally import Tally  # noqa: E402
from tasks.warehouse.database import Warehouse, finish_run, start_run, utcnow  # noqa: E402


def tally_of(rng: random.Random, articles: int) -> Tally:
    words = [rng.randint(30, 1200) for _ in range(articles)]
    return Tally(inputs=articles, documents_extracted=articles, articles_extracted=articles, articles_dated=articles,
                 articles_titled=articles, articles_new=articles, article_words=words,
                 fetch=Counter({"listed": articles, "new_listed": articles, "requests": articles + 1, "fetched": articles}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=20)
    ap.add_argument("--history", type=int, default=2000, help="runs of each source already in source_health")
    ap.add_argument("--articles", type=int, default=400, help="articles per source in the judged run")
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    rng = random.Random(1)
    sources = [Source(name=f"s{i:02d}", kind="rss", url=f"https://example.org/{i}.xml") for i in range(args.sources)]
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse(Path(tmp) / "wh.duckdb")
        wh.migrate()
        start = utcnow() - timedelta(minutes=30 * args.history)  # a run every 30 minutes, up to now
        def fill(con):  # the history: every source ok in each of its runs, four articles a run
            write_health(con, [as_row(f"old-{r}", start + timedelta(minutes=30 * r),
                                      figures(s.name, s.kind, "ingest", tally_of(rng, 4)), Verdict("ok", [], {}, {}))
                               for r in range(args.history) for s in sources])
        wh.write(fill)
        plain, judged = [], []
        for i in range(args.repeats):
            for with_health in (False, True):
                run_id = f"bench-{i}-{with_health}"
                done = [(s, tally_of(rng, args.articles)) for s in sources]
                wh.write(lambda con: start_run(con, run_id, "ingest", {}))

                def close(con):
                    finish_run(con, run_id, "completed", {})
                    if with_health:  # what the ledger does: judge, write, and read the trends for the artifact
                        now = utcnow()
                        rows = judge_run(con, run_id, "ingest", done, now)
                        latest(con, [r["source"] for r in rows], since=now - timedelta(days=HISTORY_DAYS))
                t0 = time.perf_counter()
                wh.write(close)
                (judged if with_health else plain).append(time.perf_counter() - t0)
    base, cost = statistics.median(plain) * 1000, statistics.median(judged) * 1000
    print(f"| closing transaction ({args.sources} sources, {args.history} runs of history each, "
          f"{args.articles} articles a source) | median ms | ratio |")
    print("|---|---|---|")
    print(f"| finish_run alone (baseline) | {base:.1f} | 1.00 |")
    print(f"| finish_run + judge_run | {cost:.1f} | {cost / base:.2f} |")
    print(f"\nhealth: {(cost - base) / args.sources:.2f} ms a source, "
          f"{(cost - base) / args.sources / args.articles * 1000:.1f} µs an article")


if __name__ == "__main__":
    main()
