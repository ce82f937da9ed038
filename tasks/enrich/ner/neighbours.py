"""What the labelled text says of a word's nearest neighbours in the news embeddings.

A word the training text never saw often sits, in the word2vec space of the news corpus
(tasks/enrich/ner/embeddings.py), next to words it did see inside entities: a company's name next to
other companies' names. For
every word of the embedding vocabulary, its K nearest neighbours (cosine) are found once; then, from a
set of labelled sentences, each neighbour's tag counts (O, PERS, ORG, LOC, MISC) are summed, weighted by
similarity, and the word gets the leading type and how strongly it leads (`ORG|hi`), or `O|...` when its
neighbours are mostly plain words. The word itself is left out: the entity memory already says what the
training text says of it.

Training builds the table from the folds a sentence is not in (as it does the memory), and ships the one
built from all the training text in the lexicon; tagging only looks words up.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from tasks.enrich.ner.data import Sentence, spans
from tasks.enrich.ner.features import cluster_form
from tasks.text.normalize import normalize_arabic

K = 10
MIN_EVIDENCE = 1.0  # similarity-weighted neighbour occurrences in the labelled text, below which: no feature


def nearest(vectors_path: Path, k: int = K, chunk: int = 2048):
    """(words, neighbour indices [n, k], similarities [n, k]) of the saved unit vectors (embeddings.VECTORS)."""
    import numpy as np

    data = np.load(vectors_path)
    words, vec = [str(w) for w in data["words"]], data["vectors"].astype(np.float32)
    idx = np.zeros((len(words), k), dtype=np.int32)
    sim = np.zeros((len(words), k), dtype=np.float32)
    for start in range(0, len(words), chunk):
        block = vec[start:start + chunk] @ vec.T
        rows = np.arange(block.shape[0])
        block[rows, rows + start] = -2.0  # not itself
        top = np.argpartition(-block, k, axis=1)[:, :k]
        idx[start:start + chunk] = top
        sim[start:start + chunk] = block[rows[:, None], top]
    return words, idx, sim


def label_counts(sentences: list[Sentence]) -> dict[str, Counter]:
    """Word (its features.cluster_form, as the vectors spell it) -> how often it was tagged O and each
    entity type in the sentences."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for tokens, tags in sentences:
        norms = [cluster_form(t, normalize_arabic(t)) for t in tokens]
        kinds = ["O"] * len(tokens)
        for first, last, kind in spans(tags):
            for i in range(first, last):
                kinds[i] = kind
        for norm, kind in zip(norms, kinds, strict=True):
            counts[norm][kind] += 1
    return counts


def neighbour_types(table, counts: dict[str, Counter]) -> dict[str, str]:
    """Word -> `TYPE|hi|mid|lo`: the type its neighbours had in the labelled text (shares per neighbour,
    weighted by similarity), for words whose neighbours were seen at all."""
    words, idx, sim = table
    shares = {}
    for word, c in counts.items():
        n = sum(c.values())
        shares[word] = {kind: v / n for kind, v in c.items()}
    out = {}
    for i, word in enumerate(words):
        votes: Counter = Counter()
        evidence = 0.0
        for j, s in zip(idx[i], sim[i], strict=True):
            seen = shares.get(words[j])
            if seen is None or s <= 0:
                continue
            evidence += float(s)
            for kind, share in seen.items():
                votes[kind] += float(s) * share
        if evidence < MIN_EVIDENCE:
            continue
        kind, value = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
        share = value / evidence
        out[word] = f"{kind}|{'hi' if share >= 0.7 else 'mid' if share >= 0.4 else 'lo'}"
    return out
