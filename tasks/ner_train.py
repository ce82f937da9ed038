"""Train the Arabic NER model: `python -m tasks.ner_train` writes models/ner.crfsuite and
models/ner_lexicon.tsv.gz from ANERcorp's training text and the ANERgazet lists in ../shared/data.
`--dev` trains on the first 85% (sentence-aligned) and prints scores on the last 15% instead."""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pycrfsuite

from tasks.eval_ner import score
from tasks.ner_data import Sentence, read_tagged
from tasks.ner_features import FeatureCache, sentence_features
from tasks.ner_lexicon import LEXICON_PATH, build_lexicon, read_lexicon, write_lexicon
from tasks.normalize import normalize_arabic

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
TRAIN = DATA / "ner" / "anercorp-train.txt"
GAZETTEERS = {"LOC": "AlignedLocGazetteer.txt", "ORG": "AlignedOrgGazetteer.txt", "PERS": "AlignedPersGazetteer.txt"}
MODEL = ROOT / "models" / "ner.crfsuite"
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


def train(sentences: list[Sentence], model: Path, lexicon_path: Path, params: dict) -> None:
    """Fit the CRF on the sentences in file order; write the lexicon of all of them beside it.

    What the training text says of a word (ner_lexicon's memory) is given to each fold's sentences
    from the other folds only, so the model learns how far that memory holds on text it has not seen."""
    gazetteer = gazetteer_entries()
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    folds = _folds(sentences, FOLDS)
    for k, fold in enumerate(folds):
        others = [s for j, part in enumerate(folds) if j != k for s in part]
        cache = FeatureCache(build_lexicon(others, gazetteer))
        for tokens, tags in fold:
            trainer.append(sentence_features(tokens, cache), tags)
    trainer.set_params(params)
    model.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model))
    write_lexicon(build_lexicon(sentences, gazetteer), lexicon_path)


def tag_with(model: Path, lexicon_path: Path, sentences: list[Sentence]) -> list[list[str]]:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    cache = FeatureCache(read_lexicon(lexicon_path))
    return [tagger.tag(sentence_features(tokens, cache)) for tokens, _ in sentences]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=TRAIN)
    parser.add_argument("--dev", action="store_true", help="train on 85%%, print scores on the last 15%%")
    parser.add_argument("--c1", type=float, default=PARAMS["c1"])
    parser.add_argument("--c2", type=float, default=PARAMS["c2"])
    parser.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    args = parser.parse_args(argv)
    params = {**PARAMS, "c1": args.c1, "c2": args.c2, "max_iterations": args.iterations}
    sentences = read_tagged(args.data)
    started = time.perf_counter()
    if args.dev:
        train_part, dev = split_dev(sentences)
        tmp = ROOT / "bench" / "out"
        model, lex = tmp / "ner-dev.crfsuite", tmp / "ner-dev-lexicon.tsv.gz"
        train(train_part, model, lex, params)
        result = score([tags for _, tags in dev], tag_with(model, lex, dev))
        result["params"] = params
        result["train_tokens"] = sum(len(t) for t, _ in train_part)
        result["dev_tokens"] = sum(len(t) for t, _ in dev)
        result["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(result, indent=1))
    else:
        train(sentences, MODEL, LEXICON_PATH, params)
        print(f"wrote {MODEL} ({MODEL.stat().st_size / 1e6:.1f} MB) and {LEXICON_PATH} "
              f"in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
