"""Salient terms of an article for story clustering: normalized content words with common clitic
prefixes stripped, stopwords dropped, weighted by log term frequency times inverse document frequency.
The IDF table (models/idf.tsv.gz) is built by `make train-idf` from the Arabic news of ANERcorp's
training text in ../shared/data; terms it never saw get the highest IDF."""
from __future__ import annotations

import gzip
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import justext

from tasks import MODELS_DIR, PROJECT_ROOT
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


def terms_of(text: str, top: int = TOP_TERMS) -> dict[str, float]:
    """The `top` heaviest terms, L2-normalized."""
    counts = Counter(content_words(text))
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


def build_idf(tokens_path: Path, out: Path = IDF_PATH, sentences_per_doc: int = 12) -> int:
    """Document frequencies from a `token tag` file (ANERcorp), pseudo-documents of N sentences."""
    docs, df, current, sentences = 0, Counter(), set(), 0
    with open(tokens_path, encoding="utf-8") as fh:
        for line in fh:
            token = line.split(" ")[0].strip()
            if not token:
                continue
            current.update(content_words(token))
            if token == ".":
                sentences += 1
                if sentences >= sentences_per_doc:
                    df.update(current)
                    docs, current, sentences = docs + 1, set(), 0
    if current:
        df.update(current)
        docs += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(f"#docs\t{docs}\n")
        for term, n in sorted(df.items()):
            if n >= 2:
                fh.write(f"{term}\t{n}\n")
    return docs


if __name__ == "__main__":
    import sys

    src = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT.parent / "shared/data/ner/anercorp-train.txt"
    print(f"built {IDF_PATH} from {build_idf(src)} pseudo-documents of {src}")
