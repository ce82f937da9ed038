"""Draw the articles of a window of days of the ANT corpus (../shared/data/news) to group by hand into
stories and copies (../shared/docs/annotation-guide.md, "Stories and copies"), in the shape `akhbar eval
stories` and `akhbar eval dedup` read, with empty `stories` and `duplicate_groups` for the annotator.

A random sample of a day holds few copies from other newsrooms, so the draw takes first every article
that shares text or vocabulary with another article of the window, by measures that are none of the
pipeline's (shared word 3-grams, then shared title words), and fills up with articles drawn at random.
The draw is fixed by its arguments:

    .venv/bin/python tools/draw_story_days.py --days 2018-07-10,2018-07-11 --n 140 --seed 1 \\
        > tools/devsets/story_days/2018-07-10.json
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED_WORDS = 0.15  # share of the smaller article's word 3-grams the other carries
TITLE_WORDS = 0.35  # Jaccard of the two titles' words of 4 letters or more


def _grams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def _related(articles: list[dict]) -> list[tuple[int, int]]:
    from tasks.text.normalize import words

    grams = [_grams(words(a["title"] + "\n" + a["text"])) for a in articles]
    titles = [{w for w in words(a["title"]) if len(w) >= 4} for a in articles]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, own in enumerate(grams):
        for gram in own:
            index[gram].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for gram, holders in index.items():
        if len(holders) > 20:  # a stock phrase, not a shared text
            continue
        for k, i in enumerate(holders):
            for j in holders[k + 1:]:
                shared[(i, j)] += 1
    pairs = {(i, j) for (i, j), n in shared.items() if n >= SHARED_WORDS * max(1, min(len(grams[i]), len(grams[j])))}
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            union = titles[i] | titles[j]
            if union and len(titles[i] & titles[j]) / len(union) >= TITLE_WORDS:
                pairs.add((i, j))
    return sorted(pairs)


def draw(days: list[str], n: int, seed: int) -> dict:
    from tasks.enrich.lexicons.corpus import news_files, published_at, read_articles

    articles = []
    for article in read_articles(news_files()):
        published = published_at(article)
        if published is not None and published.date().isoformat() in days and article.get("outlet") and len(article.get("text", "").split()) >= 40:
            articles.append({**article, "published": published.isoformat()})
    articles.sort(key=lambda a: a["id"])
    rng = random.Random(seed)
    related = _related(articles)
    rng.shuffle(related)
    chosen: list[int] = []
    for i, j in related:
        for k in (i, j):
            if k not in chosen and len(chosen) < n:
                chosen.append(k)
    rest = [k for k in range(len(articles)) if k not in chosen]
    chosen += rng.sample(rest, max(0, min(len(rest), n - len(chosen))))
    chosen.sort(key=lambda k: (articles[k]["published"], articles[k]["id"]))
    tag = days[0].replace("-", "")[2:]
    documents = [{
        "id": f"s{tag}-{pos:03d}",
        "text": articles[k]["title"].strip() + "\n\n" + articles[k]["text"].strip(),
        "published": articles[k]["published"],
        "outlet": articles[k]["outlet"],
        "url": articles[k].get("url", ""),
        "corpus_id": articles[k]["id"],
    } for pos, k in enumerate(chosen)]
    return {
        "about": (f"Articles of {', '.join(days)} from data/news/ (ANT multisource), drawn by "
                  f"tools/draw_story_days.py --days {','.join(days)} --n {n} --seed {seed}; grouped by hand into "
                  "stories and copies with ../shared/docs/annotation-guide.md ('Stories and copies')."),
        "documents": documents,
        "stories": [],
        "duplicate_groups": [],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", required=True, help="comma-separated ISO dates")
    parser.add_argument("--n", type=int, default=140)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    json.dump(draw(args.days.split(","), args.n, args.seed), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
