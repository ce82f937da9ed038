"""Draw a batch of ANT corpus articles (../shared/data/news) to annotate by the guide, split dev/heldout
before anyone reads them: an article is `dev` when the SHA-1 of its id is odd (the rule of the first
sample, evaluation/gold/news-sample.json). Articles already in a sample or in ../shared/gold/dev-articles.json
are never drawn again. The draw is fixed by its seed:

    .venv/bin/python tools/draw_news_sample.py --seed 2 --n 60 \\
        --categories internationalNews,middleEast,localNews,politic,economy > evaluation/gold/news2-sample.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "data" / "news"
DEV_ARTICLES = ROOT.parent / "shared" / "gold" / "dev-articles.json"


def split_of(article_id: str) -> str:
    return "dev" if int(hashlib.sha1(article_id.encode()).hexdigest(), 16) % 2 else "heldout"


def _taken() -> set[str]:
    taken = set()
    for sample in (ROOT / "evaluation" / "gold").glob("news*-sample.json"):
        taken |= {row["id"] for row in json.loads(sample.read_text(encoding="utf-8"))}
    if DEV_ARTICLES.is_file():  # its ids carry a "dev" prefix
        taken |= {aid.removeprefix("dev") for aid in json.loads(DEV_ARTICLES.read_text(encoding="utf-8"))["articles"]}
    return taken


def main() -> int:
    from tasks.enrich.lexicons.corpus import news_files, read_articles

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--categories", default="", help="comma-separated; all when empty")
    parser.add_argument("--min-words", type=int, default=100)
    parser.add_argument("--max-words", type=int, default=380)
    args = parser.parse_args()
    categories = set(filter(None, args.categories.split(",")))
    taken = _taken()
    by_outlet: dict[str, list[dict]] = {}
    for article in read_articles(news_files(NEWS)):
        words = len(article.get("text", "").split())
        if article["id"] in taken or not article.get("outlet") or not args.min_words <= words <= args.max_words:
            continue
        if categories and article.get("category") not in categories:
            continue
        by_outlet.setdefault(article["outlet"], []).append(
            {"id": article["id"], "outlet": article["outlet"], "category": article["category"]})
    rng = random.Random(args.seed)
    outlets = sorted(by_outlet)
    for rows in by_outlet.values():
        rows.sort(key=lambda r: r["id"])
        rng.shuffle(rows)
    drawn = []
    while len(drawn) < args.n and any(by_outlet.values()):  # round robin over the outlets
        for outlet in outlets:
            if by_outlet[outlet] and len(drawn) < args.n:
                drawn.append(by_outlet[outlet].pop())
    for row in drawn:
        row["split"] = split_of(row["id"])
    json.dump(drawn, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
