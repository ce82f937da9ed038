"""Word clusters for the NER features: a three-level cluster path per word vector (16 clusters, 16 inside
each, 16 inside those; k-means with fixed seeds), written as three hex digits (`a`, `a3`, `a3f`: the 4-,
8- and 12-bit prefixes the features use). The vectors are word2vec's over the news corpus
(tasks/enrich/ner/embeddings.py); numpy is needed only to build the table, which training with `--clusters`
bakes into the lexicon.
"""
from __future__ import annotations

import gzip
from pathlib import Path

from tasks import PROJECT_ROOT

CLUSTERS_PATH = PROJECT_ROOT / "bench" / "out" / "ner-clusters.tsv.gz"  # built by ner/embeddings.py, not shipped
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


def cluster_tree(vec) -> list[str]:
    """Per row of `vec` (unit vectors), its LEVELS-hex-digit path in a tree of BRANCH-way k-means splits."""
    import numpy as np

    paths = [""] * len(vec)

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

    split(np.arange(len(vec)), 0, 1)
    return [p.ljust(LEVELS, "0") for p in paths]


def write_clusters(table: dict[str, str], path: Path = CLUSTERS_PATH) -> None:
    with gzip.GzipFile(path, "wb", mtime=0) as fh:
        fh.write("".join(f"{w}\t{c}\n" for w, c in sorted(table.items())).encode("utf-8"))


def read_clusters(path: Path = CLUSTERS_PATH) -> dict[str, str]:
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return dict(line.rstrip("\n").split("\t") for line in fh)
