"""The tagger's fast path (tasks/enrich/ner/scorer.py: the model read as arrays, scores kept per word type)
gives pycrfsuite's tags: on real news, token for token, and on sentences with the cases its shifts and
sentence features must get right (one word, two words, a multi-word gazetteer entry)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pycrfsuite
import pytest

from tasks.enrich.ner.document import tag_document
from tasks.enrich.ner.features import sentences, tokenize
from tasks.enrich.ner.scorer import Scorer, _bigrams, read_model, viterbi
from tasks.enrich.ner.tagger import MODEL_PATH, _model
from tests.enrich.test_corpus_invariants import NEWS, _articles
from tests.support.paths import need_shared


@pytest.fixture(scope="module")
def taggers() -> tuple[Scorer, pycrfsuite.Tagger, object]:
    scorer, cache, second = _model()
    assert isinstance(scorer, Scorer) and second is None
    crf = pycrfsuite.Tagger()
    crf.open(str(MODEL_PATH))
    return scorer, crf, cache


def test_the_weights_read_from_the_file_are_pycrfsuites():
    labels, state, transitions = read_model(MODEL_PATH)
    crf = pycrfsuite.Tagger()
    crf.open(str(MODEL_PATH))
    info = crf.info()  # its dump rounds the weights to six decimals
    assert labels == crf.labels()
    at = {label: k for k, label in enumerate(labels)}
    assert sum(int((v != 0).sum()) for v in state.values()) == len(info.state_features)
    assert max(abs(state[a][at[label]] - w) for (a, label), w in info.state_features.items()) <= 5e-7
    assert max(abs(transitions[at[a], at[b]] - w) for (a, b), w in info.transitions.items()) <= 5e-7


def test_a_file_that_is_no_model_is_refused(tmp_path: Path):
    bad = tmp_path / "bad.crfsuite"
    bad.write_bytes(b"not a model" * 10)
    with pytest.raises(ValueError, match="not a crfsuite CRF1d model"):
        read_model(bad)


def test_viterbi_takes_the_best_path_and_the_first_of_equals():
    transitions = np.array([[0.0, -5.0], [-5.0, 0.0]])
    # alone each token prefers label 1 then 0, but switching costs more than it gains
    assert viterbi([np.array([[0.0, 2.0], [1.0, 0.0]])], transitions) == [[1, 1]]
    assert viterbi([np.zeros((3, 2))], transitions) == [[0, 0, 0]]
    assert viterbi([np.array([[0.0, 1.0]]), np.array([[2.0, 0.0], [0.0, 0.0]])], transitions) == [[1], [0, 0]]


def test_sentences_decoded_in_groups_get_the_paths_they_get_alone():
    rng = np.random.default_rng(7)
    transitions = rng.normal(size=(4, 4))
    sentences = [rng.normal(size=(int(n), 4)) for n in rng.integers(1, 60, size=75)]  # more than a GROUP
    assert viterbi(sentences, transitions) == [viterbi([s], transitions)[0] for s in sentences]
    assert viterbi([], transitions) == []


@pytest.mark.parametrize("words", [["بيروت"], ["زار", "دمشق"], ["وصل", "الأمين", "العام", "للأمم", "المتحدة", "إلى",
                                                                "الولايات", "المتحدة", "الأمريكية", "أمس"],
                                   ["قال", "|", "الرئيس", "|", "|"]])
def test_short_sentences_get_pycrfsuites_tags(taggers, words):
    scorer, crf, cache = taggers
    assert tag_document(scorer, cache, None, [words, [], words]) == tag_document(crf, cache, None, [words, [], words])


def test_real_news_gets_pycrfsuites_tags(taggers):
    need_shared(NEWS)
    scorer, crf, cache = taggers
    tokens = 0
    for text in _articles(every=97, limit=150):
        words = [[t.text for t in s] for s in sentences(text, tokenize(text))]
        assert tag_document(scorer, cache, None, words) == tag_document(crf, cache, None, words)
        tokens += sum(map(len, words))
    assert tokens > 30_000


def test_a_bigram_is_found_by_its_pair_of_words_whatever_the_words_hold():
    weights = {"bg=زار|دمشق": np.ones(2), "bg=|||": np.zeros(2), "bg+=زار|دمشق": np.ones(2)}
    table = _bigrams(weights, "bg=")
    for a, b in [("زار", "دمشق"), ("|", "|"), ("", "||"), ("||", ""), ("زار", "|"), ("دمشق", "زار")]:
        assert table.get((a, b)) is weights.get(f"bg={a}|{b}")
    assert len(table) == 4
