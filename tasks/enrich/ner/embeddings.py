"""Word vectors and clusters for the NER features, learned from 41,661 unlabelled news articles (the ANT
corpus in ../shared/data/news, Apache-2.0). Measured, not shipped (docs/ner.md).

`python -m tasks.enrich.ner.embeddings` reads every article's title and text, tokenizes and normalizes
them as the tagger does (tasks/enrich/ner/features.py; a final alef maqsura kept: `cluster_form`), trains
word2vec embeddings (gensim, skip-gram, one worker and a fixed seed so that a rebuild gives the same
vectors) and cuts the vocabulary into a three-level k-means tree of 16 x 16 x 16 clusters
(tasks/enrich/ner/clusters.py), written to `bench/out/ner-clusters.tsv.gz` (one normalized word and its
3-hex-digit cluster path a line), the vectors to `bench/out/ner-vectors.npz`. `python -m
tasks.enrich.ner.train --clusters --neighbours` then bakes what they say into the lexicon it writes.

The ANERcorp text is left out on purpose: its held-out parts (dev, cross-validation folds, the withheld
test split) must not lend their words to the clusters.
"""
from __future__ import annotations

import argparse
import gzip
import json
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

from tasks import PROJECT_ROOT
from tasks.enrich.ner.clusters import CLUSTERS_PATH, cluster_tree, write_clusters
from tasks.enrich.ner.features import cluster_form, sentences, tokenize
from tasks.text.normalize import normalize_arabic

NEWS = PROJECT_ROOT.parent / "shared" / "data" / "news"
SEED = 1
DIMS = 100
WINDOW = 5
MIN_COUNT = 5  # words seen fewer times get no vector and no cluster
EPOCHS = 5
VECTORS = PROJECT_ROOT / "bench" / "out" / "ner-vectors.npz"  # kept for the training, not shipped


def news_sentences(folder: Path = NEWS) -> Iterator[list[str]]:
    """Normalized word tokens (a final alef maqsura kept: features.cluster_form) of every sentence of every
    article (title, then text), files in name order; punctuation dropped, sentences of one word skipped."""
    files = sorted(folder.glob("*.jsonl.gz"))
    if not files:
        raise FileNotFoundError(f"no *.jsonl.gz news files in {folder}")
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                article = json.loads(line)
                for field in ("title", "text"):
                    text = article.get(field) or ""
                    for sent in sentences(text, tokenize(text)):
                        words = [cluster_form(t.text, normalize_arabic(t.text)) for t in sent
                                 if t.text[0].isalnum() or t.text[0] == "_"]
                        if len(words) > 1:
                            yield words


def _hash(text: str) -> int:
    """A stable hash for gensim's initial vectors (Python's own `hash` changes from one process to the next)."""
    return zlib.crc32(text.encode("utf-8"))


def train_vectors(corpus: list[list[str]], dims: int = DIMS, window: int = WINDOW, min_count: int = MIN_COUNT,
                  epochs: int = EPOCHS, seed: int = SEED):
    """(words by descending frequency, their unit vectors) of a skip-gram word2vec model."""
    import numpy as np
    from gensim.models import Word2Vec

    model = Word2Vec(corpus, vector_size=dims, window=window, min_count=min_count, sg=1, negative=5,
                     sample=1e-4, epochs=epochs, seed=seed, workers=1, hashfxn=_hash)
    words = list(model.wv.index_to_key)
    vec = np.asarray(model.wv.vectors, dtype=np.float64)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-12
    return words, vec


def build(folder: Path = NEWS, out: Path = CLUSTERS_PATH, vectors: Path | None = None, **options) -> dict:
    """Train the vectors, write the cluster table to `out` (and the vectors to `vectors`, .npz, if given)."""
    import numpy as np

    started = time.perf_counter()
    corpus = list(news_sentences(folder))
    read = time.perf_counter()
    words, vec = train_vectors(corpus, **options)
    trained = time.perf_counter()
    if vectors is not None:
        vectors.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(vectors, words=np.array(words), vectors=vec.astype(np.float32))
    table = dict(zip(words, cluster_tree(vec), strict=True))
    write_clusters(table, out)
    return {"sentences": len(corpus), "tokens": sum(map(len, corpus)), "words": len(words),
            "read_s": round(read - started, 1), "train_s": round(trained - read, 1),
            "cluster_s": round(time.perf_counter() - trained, 1), "out": str(out)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--news", type=Path, default=NEWS, help="folder of the news *.jsonl.gz files")
    parser.add_argument("--out", type=Path, default=CLUSTERS_PATH)
    parser.add_argument("--vectors", type=Path, default=VECTORS, help="where to keep the word vectors (.npz)")
    parser.add_argument("--dims", type=int, default=DIMS)
    parser.add_argument("--window", type=int, default=WINDOW)
    parser.add_argument("--min-count", type=int, default=MIN_COUNT)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args(argv)
    options = {"dims": args.dims, "window": args.window, "min_count": args.min_count, "epochs": args.epochs}
    print(json.dumps(build(args.news, args.out, args.vectors, **options)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
