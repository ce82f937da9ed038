"""CPU time of the per-article enrichment (`tasks.enrich.facts.facts_of`: recognition, institutions, spans,
dates, quotes, agencies) on real Arabic news: the first N articles of the ANT corpus in ../shared/data/news,
R timed passes after a warm-up, milliseconds of CPU an article. To compare two versions, run it in each
checkout (`git worktree add /tmp/before REV`, the same .venv) in turns, several times: the machine's
run-to-run spread is about 20%.

    .venv/bin/python bench/enrich_cost.py [--articles 400] [--runs 3]
"""
from __future__ import annotations

import argparse
import gzip
import json
import time
from datetime import date

from harness import SHARED, git_commit

from tasks.enrich.facts import facts_of

NEWS = SHARED / "data" / "news" / "ant-multisource-v2.1.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    texts = []
    with gzip.open(NEWS, "rt", encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line).get("text")
            if text:
                texts.append(text)
            if len(texts) >= args.articles:
                break
    anchor = date(2018, 5, 1)
    for text in texts[:20]:
        facts_of(text, anchor)
    per_article = []
    for _ in range(args.runs):
        start = time.process_time()
        for text in texts:
            facts_of(text, anchor)
        per_article.append((time.process_time() - start) / len(texts) * 1000)
    print(f"| commit | articles | ms of CPU an article, each pass | best |\n|---|---|---|---|\n"
          f"| {git_commit()} | {len(texts)} | {' / '.join(f'{ms:.1f}' for ms in per_article)} | {min(per_article):.1f} |")


if __name__ == "__main__":
    main()
