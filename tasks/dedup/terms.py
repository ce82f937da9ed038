"""Salient terms of an article for story clustering: normalized content words with common clitic
prefixes stripped, stopwords dropped, weighted by log term frequency times inverse document frequency.
The IDF table (models/idf.tsv.gz) is built by `make train-idf` from the articles of the ANT news corpus in
../shared/data/news (title and body, one document an article); terms it never saw get the highest IDF."""
from __future__ import annotations

import gzip
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import justext

from tasks import MODELS_DIR
from tasks.text.normalize import normalize_arabic, words

IDF_PATH = MODELS_DIR / "idf.tsv.gz"
TOP_TERMS = 40
# Not a bare "و": too many words begin with it (وزير، واشنطن، وكالة).
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_ARABIC = re.compile("[\u0621-\u064a]")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    found = set()
    for lang in ("Arabic", "English"):
        found |= {normalize_arabic(w) for w in justext.get_stoplist(lang)}
    return frozenset(found)


def stem(word: str) -> str:
    """Strip one common proclitic (ال، وال، بال، لل ...) when enough of the word is left."""
    if _ARABIC.match(word):
        for prefix in _PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                return word[len(prefix):]
    return word


def content_form(word: str) -> str | None:
    """The stem a normalized word counts as, or None for a stopword, a number or a word of under 3 letters."""
    stop = stopwords()
    if word in stop or word.isdigit() or len(word) < 3:
        return None
    s = stem(word)
    return s if s not in stop and not s.isdigit() else None


_FORMS: dict[str, str | None] = {}  # content_form of the words met so far (numbers and short words aside)
_MAX_FORMS = 100_000  # emptied when it reaches this (about 10 MB): a news vocabulary stays well under it


def content_words(text: str) -> list[str]:
    forms = _FORMS
    out = []
    for w in words(text):
        if len(w) < 3 or w.isdigit():
            continue
        try:
            s = forms[w]
        except KeyError:
            if len(forms) >= _MAX_FORMS:
                forms.clear()
            s = forms[w] = content_form(w)
        if s is not None:
            out.append(s)
    return out


@lru_cache(maxsize=1)
def idf_table() -> tuple[dict[str, float], float]:
    """term -> idf, and the idf of an unseen term."""
    if not IDF_PATH.exists():
        return {}, 1.0
    table, docs = {}, 1
    with gzip.open(IDF_PATH, "rt", encoding="utf-8") as fh:
        for line in fh:
            term, df = line.rstrip("\n").split("\t")
            if term == "#docs":
                docs = int(df)
            else:
                table[term] = math.log((docs + 1) / (int(df) + 1)) + 1.0
    return table, math.log(docs + 1) + 1.0


def terms_of(text: str, title: str | None = None, top: int = TOP_TERMS) -> dict[str, float]:
    """The `top` heaviest terms of the text and its title (its words count as one more use each),
    L2-normalized."""
    counts = Counter(content_words(text))
    if title:
        counts.update(content_words(title))
    if not counts:
        return {}
    idf, unseen = idf_table()
    weights = {t: (1.0 + math.log(n)) * idf.get(t, unseen) for t, n in counts.items()}
    best = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    norm = math.sqrt(sum(w * w for _, w in best)) or 1.0
    return {t: w / norm for t, w in best}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def build_idf(articles: Iterable[dict], out: Path = IDF_PATH, min_df: int = 3) -> int:
    """Document frequencies of the articles' content words (title and text), terms in `min_df` or more."""
    docs, df = 0, Counter()
    for article in articles:
        df.update(set(content_words(f"{article.get('title') or ''}\n{article.get('text') or ''}")))
        docs += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"#docs\t{docs}\n"] + [f"{term}\t{n}\n" for term, n in sorted(df.items()) if n >= min_df]
    with gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as fh:  # the same bytes from the same corpus
        fh.write("".join(lines).encode("utf-8"))
    return docs


def main(argv: list[str] | None = None) -> int:
    import argparse

    from tasks.enrich.lexicons.corpus import NEWS, news_files, published_at, read_articles

    parser = argparse.ArgumentParser(description="Build models/idf.tsv.gz from the news corpus.")
    parser.add_argument("--news", type=Path, default=NEWS, help="folder of *.jsonl.gz articles (the ANT corpus)")
    parser.add_argument("--exclude-days", default="",
                        help="comma-separated ISO days whose articles are left out (held-out evaluation days)")
    args = parser.parse_args(argv)
    excluded = set(filter(None, args.exclude_days.split(",")))
    articles = (a for a in read_articles(news_files(args.news))
                if (when := published_at(a)) is None or when.date().isoformat() not in excluded)
    print(f"built {IDF_PATH} from {build_idf(articles)} articles of {args.news}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
