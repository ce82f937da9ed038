"""The word lists the NER features look up, built at training time and shipped beside the model
(models/ner_lexicon.tsv.gz): gazetteer entries, and a memory of the entities in the training text
(per word: its usual type and how often it is part of an entity; whole multi-word names), word
clusters and neighbour types learned from the news corpus when trained with them (tasks/enrich/ner/embeddings.py,
neighbours.py; the shipped lexicon has none), and the names and word frequencies of PyPI packages (tasks/enrich/ner/resources.py)."""
from __future__ import annotations

import gzip
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tasks import MODELS_DIR
from tasks.enrich.ner.data import Sentence, spans
from tasks.text.normalize import normalize_arabic

LEXICON_PATH = MODELS_DIR / "ner_lexicon.tsv.gz"
_KINDS = ("gaz", "mem", "span", "name", "clus", "nbr", "xgaz", "zipf")


@dataclass
class Lexicon:
    gazetteer: dict[str, str] = field(default_factory=dict)  # normalized entry -> LOC|ORG|PERS
    memory: dict[str, str] = field(default_factory=dict)  # normalized word -> "TYPE|share bucket"
    names: dict[str, str] = field(default_factory=dict)  # normalized multi-word entity -> TYPE
    words: Counter = field(default_factory=Counter)  # normalized words of names, how often (clitic stripping)
    clusters: dict[str, str] = field(default_factory=dict)  # normalized word -> cluster path (ner_clusters)
    neighbours: dict[str, str] = field(default_factory=dict)  # normalized word -> "TYPE|bucket" (ner.neighbours)
    external: dict[str, str] = field(default_factory=dict)  # normalized name -> PERS, LOC+PERS ... (ner_resources)
    zipf: dict[str, float] = field(default_factory=dict)  # normalized word -> Zipf frequency (ner_resources)

    def firsts(self) -> frozenset[str]:
        """First words of multi-word gazetteer entries and names."""
        return frozenset(e.split(" ", 1)[0] for table in (self.gazetteer, self.names, self.external)
                         for e in table if " " in e)


def _bucket(share: float) -> str:
    return "hi" if share >= 0.7 else "mid" if share >= 0.3 else "lo"


def build_lexicon(sentences: list[Sentence], gazetteer: list[tuple[str, str]]) -> Lexicon:
    """A lexicon from gazetteer (type, entry) pairs and the entities of labelled sentences."""
    lex = Lexicon()
    for kind, entry in gazetteer:
        lex.gazetteer.setdefault(entry, kind)
        if kind != "ORG":
            lex.words.update(set(entry.split()) - set(lex.words))
    as_type: dict[str, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    name_types: dict[str, Counter] = defaultdict(Counter)
    for tokens, tags in sentences:
        norms = [normalize_arabic(t) for t in tokens]
        total.update(norms)
        for first, last, kind in spans(tags):
            for i in range(first, last):
                as_type[norms[i]][kind] += 1
            lex.words.update(norms[first:last])
            if last - first > 1:
                name_types[" ".join(norms[first:last])][kind] += 1
    for word, kinds in as_type.items():
        kind, _ = max(kinds.items(), key=lambda kv: (kv[1], kv[0]))
        lex.memory[word] = f"{kind}|{_bucket(sum(kinds.values()) / total[word])}"
    for name, kinds in name_types.items():
        lex.names[name] = max(kinds.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return lex


def write_lexicon(lex: Lexicon, path: Path) -> None:
    """Sorted rows `kind key value`, gzip without a timestamp: the same input gives the same bytes."""
    rows = [("gaz", k, v) for k, v in lex.gazetteer.items()] + [("mem", k, v) for k, v in lex.memory.items()]
    rows += [("span", k, v) for k, v in lex.names.items()] + [("name", w, str(n)) for w, n in lex.words.items()]
    rows += [("clus", k, v) for k, v in lex.clusters.items()] + [("nbr", k, v) for k, v in lex.neighbours.items()]
    rows += [("xgaz", k, v) for k, v in lex.external.items()] + _zipf_rows(lex.zipf)
    rows.sort(key=lambda r: (_KINDS.index(r[0]), r[1]))
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(path, "wb", mtime=0) as fh:
        fh.write("".join("\t".join(r) + "\n" for r in rows).encode("utf-8"))


def _zipf_rows(zipf: dict[str, float]) -> list[tuple[str, str, str]]:
    """One row per frequency value, `zipf 4.2 word word ...`: 60 rows for 176k words, quick to read."""
    by_value: dict[str, list[str]] = defaultdict(list)
    for word, value in zipf.items():
        by_value[str(value)].append(word)
    return [("zipf", value, " ".join(sorted(words))) for value, words in by_value.items()]


def read_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    lex = Lexicon()
    tables = {"gaz": lex.gazetteer, "mem": lex.memory, "span": lex.names, "clus": lex.clusters,
              "nbr": lex.neighbours, "xgaz": lex.external}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            kind, key, value = line.rstrip("\n").split("\t")
            if kind == "name":
                lex.words[key] = int(value)
            elif kind == "zipf":
                lex.zipf.update(dict.fromkeys(value.split(" "), float(key)))
            else:
                tables[kind][key] = value
    return lex


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped lexicon, read once."""
    return read_lexicon()


def write_attributes(models: list[Path], path: Path) -> None:
    """The attributes (features) that have a weight in any of the CRF models, sorted, gzip without a
    timestamp; the tagger loads them to drop, once per word type, the features no model uses."""
    import pycrfsuite

    attrs: set[str] = set()
    for model in models:
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model))
        attrs.update(attr for attr, _ in tagger.info().state_features)
        tagger.close()
    with gzip.GzipFile(path, "wb", mtime=0) as fh:
        fh.write("".join(a + "\n" for a in sorted(attrs)).encode("utf-8"))


def model_attributes(path: Path) -> frozenset[str] | None:
    """The attribute list written by write_attributes, or None (keep every feature) without the file."""
    if not path.exists():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return frozenset(line.rstrip("\n") for line in fh)
