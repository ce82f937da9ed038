"""Train the Arabic NER model: `python -m tasks.enrich.ner.train` writes models/ner.crfsuite and
models/ner_lexicon.tsv.gz from ANERcorp's training text and the ANERgazet lists in ../shared/data;
`--clusters --neighbours` add what the news corpus's word vectors say (`python -m tasks.enrich.ner.embeddings`
builds them first; measured, not shipped: docs/ner.md).
`--dev` trains on the first 85% (sentence-aligned) and prints scores on the last 15% instead; `--cv K`
trains on K-1 of K contiguous parts of the whole file and scores the K-th, K times (mean and pooled scores)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from functools import lru_cache
from pathlib import Path

import pycrfsuite

from tasks import PROJECT_ROOT
from tasks.enrich.ner import document as ner_doc
from tasks.enrich.ner.clusters import CLUSTERS_PATH, read_clusters
from tasks.enrich.ner.data import Sentence, read_tagged, score
from tasks.enrich.ner.document import doc_features, tag_document
from tasks.enrich.ner.embeddings import VECTORS
from tasks.enrich.ner.features import FeatureCache, sentence_features
from tasks.enrich.ner.lexicon import LEXICON_PATH, Lexicon, build_lexicon, read_lexicon, write_attributes, write_lexicon
from tasks.enrich.ner.neighbours import label_counts, nearest, neighbour_types
from tasks.enrich.ner.resources import external_gazetteer, merge_gazetteers, person_names, zipf_table
from tasks.text.normalize import normalize_arabic

ROOT = PROJECT_ROOT
DATA = ROOT.parent / "shared" / "data"
TRAIN = DATA / "ner" / "anercorp-train.txt"
GAZETTEERS = {"LOC": "AlignedLocGazetteer.txt", "ORG": "AlignedOrgGazetteer.txt", "PERS": "AlignedPersGazetteer.txt"}
MODEL = ROOT / "models" / "ner.crfsuite"
SECOND = ROOT / "models" / "ner-doc.crfsuite"  # the second (document) stage, when stacked
ATTRIBUTES = ROOT / "models" / "ner-attributes.txt.gz"  # features with weights (tagging skips the rest)
SCRATCH = ROOT / "bench" / "out" / f"ner-train-{os.getpid()}"  # models of --dev/--cv runs, removed at exit
STACKED = False
CLUSTERS = False  # word clusters of the news corpus (tasks/enrich/ner/embeddings.py) as features (measured)
CLUSTERS_FILE = CLUSTERS_PATH
NEIGHBOURS = False  # the types of a word's nearest neighbours in the news embeddings (measured)
VECTORS_FILE = VECTORS
FREQUENCIES = True  # word frequencies of a large corpus (wordfreq) as features (ner_resources)
PERSONS = True  # person names of arabnamer's dictionary as features (ner_resources)
EXTERNAL = False  # place and currency names of CLDR and GeoNames as features (measured, not shipped)
DEV_SHARE = 0.15
FOLDS = 5
PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": 200, "feature.possible_transitions": True}


def split_dev(sentences: list[Sentence], share: float = DEV_SHARE) -> tuple[list[Sentence], list[Sentence]]:
    """(train, dev): dev is the last `share` of the tokens, starting at a sentence boundary."""
    total = sum(len(tokens) for tokens, _ in sentences)
    seen = 0
    for i, (tokens, _) in enumerate(sentences):
        if seen >= total * (1 - share):
            return sentences[:i], sentences[i:]
        seen += len(tokens)
    return sentences, []


def gazetteer_entries(folder: Path = DATA / "gazetteers") -> list[tuple[str, str]]:
    """(type, normalized entry) of the ANERgazet lists; headings of the location list skipped."""
    out = []
    for kind, name in GAZETTEERS.items():
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            entry = " ".join(normalize_arabic(line).split())
            if entry and not line.startswith(("=", "*", "-", ".")):
                out.append((kind, entry))
    return out


def _folds(sentences: list[Sentence], k: int) -> list[list[Sentence]]:
    """k contiguous parts of about equal size, in order."""
    size = -(-len(sentences) // k)
    return [sentences[i:i + size] for i in range(0, len(sentences), size)]


def train(sentences: list[Sentence], model: Path, lexicon_path: Path, params: dict,
          extra: list[list[list[str]]] | None = None) -> None:
    """Fit the CRF on the sentences in file order; write the lexicon of all of them beside it.

    What the training text says of a word (ner_lexicon's memory) is given to each fold's sentences
    from the other folds only, so the model learns how far that memory holds on text it has not seen.
    `extra`: per sentence, per token, features to add (the second stage's document features)."""
    gazetteer = gazetteer_entries()
    clusters = news_clusters() if CLUSTERS else {}
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    folds = _folds(list(range(len(sentences))), FOLDS)
    for k, fold in enumerate(folds):
        others = [sentences[i] for j, part in enumerate(folds) if j != k for i in part]
        lex = build_lexicon(others, gazetteer)
        lex.clusters = clusters
        if NEIGHBOURS:
            lex.neighbours = neighbour_types(news_neighbours(), label_counts(others))
        _add_resources(lex)
        cache = FeatureCache(lex)
        for i in fold:
            tokens, tags = sentences[i]
            feats = sentence_features(tokens, cache)
            if extra is not None:
                feats = [f + e for f, e in zip(feats, extra[i], strict=True)]
            trainer.append(feats, tags)
    trainer.set_params(params)
    model.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model))
    lex = build_lexicon(sentences, gazetteer)
    lex.clusters = clusters
    if NEIGHBOURS:
        lex.neighbours = neighbour_types(news_neighbours(), label_counts(sentences))
    _add_resources(lex)
    write_lexicon(lex, lexicon_path)


def _add_resources(lex: Lexicon) -> None:
    """The lexical resources of PyPI packages the options ask for (they are the same for every fold)."""
    if FREQUENCIES:
        lex.zipf = zipf_table()
    if EXTERNAL or PERSONS:
        lex.external = merge_gazetteers([external_gazetteer() if EXTERNAL else {}, person_names() if PERSONS else {}])


@lru_cache(maxsize=1)
def news_clusters() -> dict[str, str]:
    """The word clusters of the news corpus (`make train-ner NEWS=1` builds them first, ner/embeddings.py)."""
    table = read_clusters(CLUSTERS_FILE)
    if not table:
        raise SystemExit(f"{CLUSTERS_FILE} is missing: build it with `python -m tasks.enrich.ner.embeddings`")
    return table


@lru_cache(maxsize=1)
def news_neighbours():
    """Each news word's nearest neighbours in the embeddings (`make train-ner NEWS=1` keeps the vectors)."""
    if not VECTORS_FILE.exists():
        raise SystemExit(f"{VECTORS_FILE} is missing: build it with `python -m tasks.enrich.ner.embeddings`")
    return nearest(VECTORS_FILE)


def _norms(cache: FeatureCache, sentences: list[Sentence]) -> list[list[str]]:
    return [[cache.get(w)[5] for w in tokens] for tokens, _ in sentences]


def parted_doc_features(sentences: list[Sentence], first_tags: list[list[str]], parts: int = 1) -> list:
    """Document features of the second stage; with parts > 1, windows stay inside each of the
    contiguous parts (folds), so no part's features come from another part's predictions."""
    cache = FeatureCache(Lexicon())
    norms = _norms(cache, sentences)
    out: list = []
    for idx in _folds(list(range(len(sentences))), parts):
        out += doc_features([norms[i] for i in idx], [first_tags[i] for i in idx])
    return out


def tag_with(model: Path, lexicon_path: Path, sentences: list[Sentence], second: Path | None = None,
             names: bool | None = None) -> list[list[str]]:
    """Tags of the sentences (one document, in order); with `second`, the stacked second stage's;
    `names`: propagate names through the document (default ner_doc.PROPAGATE)."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    tagger2 = None
    if second is not None:
        tagger2 = pycrfsuite.Tagger()
        tagger2.open(str(second))
    return tag_document(tagger, FeatureCache(read_lexicon(lexicon_path)), tagger2, [t for t, _ in sentences], names)


def out_of_fold(sentences: list[Sentence], params: dict, name: str) -> list[list[str]]:
    """First-stage tags of every sentence from a model trained on the other FOLDS-1 contiguous parts."""
    parts = _folds(sentences, FOLDS)
    out: list[list[str]] = []
    for k, part in enumerate(parts):
        rest = [s for j, other in enumerate(parts) if j != k for s in other]
        out += fit_and_tag(rest, part, params, name=f"{name}-oof{k}", names=False)
    return out


def train_stacked(sentences: list[Sentence], model: Path, second: Path, lexicon_path: Path, params: dict,
                  oof: list[list[str]] | None = None) -> None:
    """First stage on all sentences; second stage on all sentences with document features from the
    first stage's out-of-fold tags (so it learns how far first-stage tags hold on unseen text)."""
    if oof is None:
        oof = out_of_fold(sentences, params, "stack")
    train(sentences, model, lexicon_path, params)
    train(sentences, second, lexicon_path, params, extra=parted_doc_features(sentences, oof, FOLDS))


def fit_and_tag(train_part: list[Sentence], test: list[Sentence], params: dict, name: str = "dev",
                stacked: bool = False, oof: list[list[str]] | None = None,
                names: bool | None = None) -> list[list[str]]:
    """Train on `train_part` (into a scratch folder, not models/) and tag the tokens of `test`."""
    tmp = SCRATCH
    model, lex = tmp / f"ner-{name}.crfsuite", tmp / f"ner-{name}-lexicon.tsv.gz"
    if not stacked:
        train(train_part, model, lex, params)
        return tag_with(model, lex, test, names=names)
    second = tmp / f"ner-{name}-2.crfsuite"
    train_stacked(train_part, model, second, lex, params, oof)
    return tag_with(model, lex, test, second, names=names)


def _brief(result: dict) -> dict:
    """Micro P/R/F1 and per-type F1, rounded."""
    return {**{k: round(v, 4) for k, v in result["micro"].items()},
            **{t: round(v["f1"], 4) for t, v in result["per_type"].items()}}


def _summary(parts: list[list[Sentence]], preds: list[list[list[str]]]) -> dict:
    per_fold = [_brief(score([t for _, t in part], pred)) for part, pred in zip(parts, preds)]
    keys = per_fold[0].keys()
    return {"folds": per_fold, "mean": {key: round(sum(f[key] for f in per_fold) / len(parts), 4) for key in keys},
            "pooled": _brief(score([t for part in parts for _, t in part], [t for pred in preds for t in pred]))}


def cross_validate(sentences: list[Sentence], k: int, params: dict, stacked: bool = False) -> dict:
    """K contiguous parts of the whole file; each scored by a model trained on the other K-1 parts.
    Gives each part's scores, their mean, and the scores of all parts' predictions pooled.

    Stacked: the plain K-fold predictions are the first stage's out-of-fold tags; each part's second
    stage trains on the other parts with those tags (whose models saw the held-out part's labels, an
    indirect leak; document windows never cross parts) and tags the held-out part from its own
    out-of-fold first-stage tags."""
    parts = _folds(sentences, k)
    preds = []  # first-stage tags, no propagation: the second stage's input
    for i, test in enumerate(parts):
        rest = [s for j, part in enumerate(parts) if j != i for s in part]
        preds.append(fit_and_tag(rest, test, params, name=f"cv{i}", names=False))
    if ner_doc.PROPAGATE:
        cache = FeatureCache(Lexicon())
        result = {"plain": _summary(parts, [ner_doc.propagate(_norms(cache, part), pred)
                                            for part, pred in zip(parts, preds)])}
    else:
        result = {"plain": _summary(parts, preds)}
    (ROOT / "bench" / "out" / "ner-cv-pred.json").write_text(json.dumps(preds))
    if stacked:
        tmp = SCRATCH
        second_preds = []
        for i, test in enumerate(parts):
            rest_idx = [j for j in range(k) if j != i]
            rest = [s for j in rest_idx for s in parts[j]]
            extra = []
            for j in rest_idx:
                extra += parted_doc_features(parts[j], preds[j])
            second = tmp / f"ner-cv{i}-2.crfsuite"
            lex = tmp / f"ner-cv{i}-lexicon.tsv.gz"
            train(rest, second, lex, params, extra=extra)
            second_preds.append(tag_with(tmp / f"ner-cv{i}.crfsuite", lex, test, second))
        result["stacked"] = _summary(parts, second_preds)
        (ROOT / "bench" / "out" / "ner-cv-stacked-pred.json").write_text(json.dumps(second_preds))
    return result


def main(argv: list[str] | None = None) -> int:
    global CLUSTERS, CLUSTERS_FILE, NEIGHBOURS, VECTORS_FILE, FREQUENCIES, EXTERNAL, PERSONS
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=TRAIN)
    parser.add_argument("--dev", action="store_true", help="train on 85%%, print scores on the last 15%%")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold contiguous cross-validation")
    parser.add_argument("--stack", action=argparse.BooleanOptionalAction, default=STACKED,
                        help="two stages: a second CRF with document features of the first one's tags")
    parser.add_argument("--clusters", action=argparse.BooleanOptionalAction, default=CLUSTERS,
                        help="word clusters of the news corpus as features (tasks/enrich/ner/embeddings.py)")
    parser.add_argument("--clusters-file", type=Path, default=CLUSTERS_FILE, help="the cluster table to read")
    parser.add_argument("--neighbours", action=argparse.BooleanOptionalAction, default=NEIGHBOURS,
                        help="the types of each word's nearest neighbours in the news embeddings (ner.neighbours)")
    parser.add_argument("--vectors", type=Path, default=VECTORS_FILE, help="the word vectors to read")
    parser.add_argument("--freq", action=argparse.BooleanOptionalAction, default=FREQUENCIES,
                        help="word-frequency features (wordfreq, tasks/enrich/ner/resources.py)")
    parser.add_argument("--external", action=argparse.BooleanOptionalAction, default=EXTERNAL,
                        help="CLDR and GeoNames place/language/currency names (tasks/enrich/ner/resources.py)")
    parser.add_argument("--persons", action=argparse.BooleanOptionalAction, default=PERSONS,
                        help="person names of arabnamer's dictionary (tasks/enrich/ner/resources.py)")
    parser.add_argument("--propagate", action=argparse.BooleanOptionalAction, default=ner_doc.PROPAGATE,
                        help="tag names found in the document where they recur untagged (ner_doc.propagate)")
    parser.add_argument("--c1", type=float, default=PARAMS["c1"])
    parser.add_argument("--c2", type=float, default=PARAMS["c2"])
    parser.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    args = parser.parse_args(argv)
    CLUSTERS, CLUSTERS_FILE = args.clusters, args.clusters_file
    NEIGHBOURS, VECTORS_FILE = args.neighbours, args.vectors
    FREQUENCIES, EXTERNAL, PERSONS = args.freq, args.external, args.persons
    ner_doc.PROPAGATE = args.propagate
    params = {**PARAMS, "c1": args.c1, "c2": args.c2, "max_iterations": args.iterations}
    sentences = read_tagged(args.data)
    started = time.perf_counter()
    try:
        return _run(args, sentences, params, started)
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)


def _options(args: argparse.Namespace) -> dict:
    """The feature options a --dev or --cv result was measured with."""
    names = ("stack", "clusters", "neighbours", "freq", "external", "persons", "propagate")
    return {name: getattr(args, name) for name in names}


def _run(args: argparse.Namespace, sentences: list[Sentence], params: dict, started: float) -> int:
    if args.cv:
        result = cross_validate(sentences, args.cv, params, args.stack)
        result["params"] = params
        result["options"] = _options(args)
        result["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(result, indent=1))
    elif args.dev:
        train_part, dev = split_dev(sentences)
        pred = fit_and_tag(train_part, dev, params, stacked=args.stack)
        (ROOT / "bench" / "out" / "ner-dev-pred.json").write_text(json.dumps(pred))
        result = score([tags for _, tags in dev], pred)
        gold = [tags for _, tags in dev]
        model, lex = SCRATCH / "ner-dev.crfsuite", SCRATCH / "ner-dev-lexicon.tsv.gz"
        if args.stack:  # the first stage alone, as trained on the same part
            result["first_stage"] = _brief(score(gold, tag_with(model, lex, dev)))
        if args.propagate:
            result["first_stage_no_propagation"] = _brief(score(gold, tag_with(model, lex, dev, names=False)))
        result["params"] = params
        result["options"] = _options(args)
        result["train_tokens"] = sum(len(t) for t, _ in train_part)
        result["dev_tokens"] = sum(len(t) for t, _ in dev)
        result["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(result, indent=1))
    else:
        if args.stack:
            train_stacked(sentences, MODEL, SECOND, LEXICON_PATH, params)
        else:
            train(sentences, MODEL, LEXICON_PATH, params)
            SECOND.unlink(missing_ok=True)
        write_attributes([m for m in (MODEL, SECOND) if m.exists()], ATTRIBUTES)
        print(f"wrote {MODEL} ({MODEL.stat().st_size / 1e6:.1f} MB) and {LEXICON_PATH} "
              f"in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
