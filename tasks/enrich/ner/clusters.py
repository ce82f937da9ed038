"""Distributional word clusters for the NER features, learned from the training text alone.

Each frequent normalized word gets a vector from its left and right neighbours (positive PMI over the
most frequent context words, reduced by SVD), and a three-level cluster path: 16 clusters, 16 inside
each, 16 inside those (k-means, fixed seeds), written as three hex digits (`a`, `a3`, `a3f`: the
4-, 8- and 12-bit prefixes the features use). Numpy is needed only to build the table; the tagger reads
`models/ner_clusters.tsv.gz`.
"""
from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

from tasks import MODELS_DIR

CLUSTERS_PATH = MODELS_DIR / "ner_clusters.tsv.gz"
MIN_COUNT = 3
CONTEXTS = 1000
DIMS = 48
BRANCH = 16
LEVELS = 3


def _kmeans(x, k: int, seed: int, rounds: int = 25):
    """Labels of the rows of x (unit vectors) in k clusters: farthest-first seeding from a fixed row."""
    import numpy as np

    n = len(x)
    if n <= k:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    centres = [x[rng.integers(n)]]
    dist = 1 - x @ centres[0]
    for _ in range(k - 1):
        centres.append(x[int(np.argmax(dist))])
        dist = np.minimum(dist, 1 - x @ centres[-1])
    c = np.array(centres)
    labels = np.zeros(n, dtype=int)
    for _ in range(rounds):
        labels = np.argmax(x @ c.T, axis=1)
        for j in range(k):
            members = x[labels == j]
            if len(members):
                v = members.sum(axis=0)
                c[j] = v / (np.linalg.norm(v) or 1.0)
    return labels


def build_clusters(norm_sents: list[list[str]]) -> dict[str, str]:
    """Normalized word -> 3-hex-digit cluster path, for words seen at least MIN_COUNT times."""
    import numpy as np

    counts = Counter(w for s in norm_sents for w in s)
    vocab = sorted((w for w, c in counts.items() if c >= MIN_COUNT), key=lambda w: (-counts[w], w))
    index = {w: i for i, w in enumerate(vocab)}
    contexts = {w: i for i, w in enumerate(vocab[:CONTEXTS])}
    m = np.zeros((len(vocab), 2 * CONTEXTS + 2), dtype=np.float64)
    for s in norm_sents:
        padded = ["<s>", *s, "</s>"]
        for i in range(1, len(padded) - 1):
            row = index.get(padded[i])
            if row is None:
                continue
            left, right = contexts.get(padded[i - 1], CONTEXTS), contexts.get(padded[i + 1], CONTEXTS)
            m[row, left] += 1
            m[row, CONTEXTS + 1 + right] += 1
    total = m.sum()
    pmi = np.log((m * total) / (m.sum(axis=1, keepdims=True) * m.sum(axis=0, keepdims=True) + 1e-12) + 1e-12)
    ppmi = np.where(m > 0, np.maximum(pmi, 0), 0)
    _, basis = np.linalg.eigh(ppmi.T @ ppmi)  # right singular vectors, ascending
    vec = ppmi @ basis[:, ::-1][:, :DIMS]  # = U * singular values
    vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-12
    paths = [""] * len(vocab)

    def split(rows, level: int, seed: int) -> None:
        if level == LEVELS:
            return
        labels = _kmeans(vec[rows], BRANCH, seed)
        for j in range(BRANCH):
            members = rows[labels == j]
            for r in members:
                paths[r] += f"{j:x}"
            if len(members):
                split(members, level + 1, seed * BRANCH + j + 1)

    split(np.arange(len(vocab)), 0, 1)
    return {w: paths[i].ljust(LEVELS, "0") for i, w in enumerate(vocab)}


def write_clusters(table: dict[str, str], path: Path = CLUSTERS_PATH) -> None:
    with gzip.GzipFile(path, "wb", mtime=0) as fh:
        fh.write("".join(f"{w}\t{c}\n" for w, c in sorted(table.items())).encode("utf-8"))


def read_clusters(path: Path = CLUSTERS_PATH) -> dict[str, str]:
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return dict(line.rstrip("\n").split("\t") for line in fh)
