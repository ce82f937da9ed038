"""The CRF's tagging without pycrfsuite's per-token feature strings: the same model, read as arrays.

A token's score for each label is the sum of the weights of its features. Most of them depend on one word
alone (its own features, and what its neighbours at -2..+2 see of it: `FeatureCache`), so their sums are kept
per word type as five score vectors; a sentence adds them up shifted, adds the few features of the sentence
itself (BOS/EOS, bigrams, multi-word matches), and decodes with Viterbi. pycrfsuite turns every feature of
every token into a string lookup (27 a token); this path does that once per word type.

The weights are read from the model file itself (`read_model`: crfsuite's binary CRF1d format), not from
`Tagger.info()`, whose dump rounds them to six decimals. The tags are the pycrfsuite tagger's
(tests/enrich/test_ner_scorer.py compares them on corpus articles).
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from tasks.enrich.ner.features import MAX_CACHED_WORDS, FeatureCache, multiword_hits, offset_views

_HEADER = struct.Struct("<4sI4sIIIIIIIII")  # magic, size, type, version, features, labels, attrs, 5 offsets
_FEATURE = struct.Struct("<iiid")  # type (0 state, 1 transition), source, destination, weight


def _cqdb_strings(data: bytes, offset: int) -> list[str]:
    """The strings of a CQDB block (crfsuite's string <-> id store), in id order, from its backward array."""
    magic, _size, _flag, _order, bwd_size, bwd_offset = struct.unpack_from("<4sIIIII", data, offset)
    if magic != b"CQDB":
        raise ValueError("not a CQDB block")
    out = []
    for i in range(bwd_size):
        (at,) = struct.unpack_from("<I", data, offset + bwd_offset + 4 * i)
        value, ksize = struct.unpack_from("<iI", data, offset + at)
        if value != i:
            raise ValueError("CQDB ids out of order")
        out.append(data[offset + at + 8: offset + at + 8 + ksize - 1].decode("utf-8"))
    return out


def read_model(path: Path) -> tuple[list[str], dict[str, np.ndarray], np.ndarray]:
    """(labels, attribute -> weight per label, transition weights [from, to]) of a crfsuite CRF1d model."""
    data = path.read_bytes()
    # the header's feature count is left 0 by crfsuite: the feature chunk has it
    magic, _size, kind, _version, _, n_labels, n_attrs, off_features, off_labels, off_attrs, _, _ = \
        _HEADER.unpack_from(data, 0)
    if magic != b"lCRF" or kind != b"FOMC":
        raise ValueError(f"{path}: not a crfsuite CRF1d model")
    labels = _cqdb_strings(data, off_labels)
    attrs = _cqdb_strings(data, off_attrs)
    if len(labels) != n_labels or len(attrs) != n_attrs:
        raise ValueError(f"{path}: label or attribute count does not match the header")
    chunk, _chunk_size, n_features = struct.unpack_from("<4sII", data, off_features)
    if chunk != b"FEAT":
        raise ValueError(f"{path}: no feature chunk where the header says")
    state: dict[str, np.ndarray] = {}
    transitions = np.zeros((n_labels, n_labels))
    for kind_of, src, dst, weight in _FEATURE.iter_unpack(data[off_features + 12: off_features + 12 + 20 * n_features]):
        if kind_of == 0:
            vector = state.get(attrs[src])
            if vector is None:
                vector = state[attrs[src]] = np.zeros(n_labels)
            vector[dst] = weight
        else:
            transitions[src, dst] = weight
    return labels, state, transitions


GROUP = 32  # sentences decoded side by side, of like length (sorted): padding stays small, memory bounded


def viterbi(scores: list[np.ndarray], transitions: np.ndarray) -> list[list[int]]:
    """The best label path of each sentence (its scores: tokens x labels) as crfsuite decodes it, the first of
    equal scores winning. Sentences of like length are decoded side by side, GROUP at a time: a step a token
    position, not a step a token."""
    order = sorted(range(len(scores)), key=lambda k: len(scores[k]))
    out: list[list[int]] = [[] for _ in scores]
    for at in range(0, len(order), GROUP):
        group = order[at:at + GROUP]
        for k, path in zip(group, _side_by_side([scores[k] for k in group], transitions)):
            out[k] = path
    return out


def _side_by_side(scores: list[np.ndarray], transitions: np.ndarray) -> list[list[int]]:
    lengths = np.array([len(s) for s in scores])
    width, labels = int(lengths.max()), transitions.shape[0]
    # bests[t, k]: sentence k's token t's own scores, to which step t adds the best path's to each label. Position
    # first, so that a step works on whole rows; every sentence is stepped to the longest one's end (what a step
    # past a sentence's end gives is never read: its path ends at its own last token); no array made per step
    bests = np.zeros((width, len(scores), labels))
    for k, s in enumerate(scores):
        bests[:len(s), k] = s
    back = np.zeros((width, len(scores), labels), dtype=np.intp)
    paths = np.empty((len(scores), labels, labels))  # sentence, from, to
    maximum, add, argmax = np.maximum.reduce, np.add, paths.argmax
    for t in range(1, width):
        add(bests[t - 1, :, :, None], transitions, out=paths)
        argmax(axis=1, out=back[t])
        bests[t] += maximum(paths, axis=1)
    ends = bests[lengths - 1, np.arange(len(scores))].argmax(axis=1).tolist()
    out = []
    for k, n in enumerate(lengths.tolist()):
        steps = back[:n, k].tolist()
        path = [ends[k]]
        for t in range(n - 1, 0, -1):
            path.append(steps[t][path[-1]])
        path.reverse()
        out.append(path)
    return out


def _bigrams(weights: dict[str, np.ndarray], prefix: str) -> dict[tuple[str, str], np.ndarray]:
    """The weights of the features `{prefix}{a}|{b}` by (a, b): every (a, b) whose feature string it is."""
    out = {}
    for feature, vector in weights.items():
        if feature.startswith(prefix):
            pair = feature[len(prefix):]
            for at in (k for k, c in enumerate(pair) if c == "|"):
                out[pair[:at], pair[at + 1:]] = vector
    return out


class Scorer:
    """Tags sentences as the model's pycrfsuite tagger does, from score vectors kept per word type."""

    def __init__(self, model: Path, cache: FeatureCache) -> None:
        self.labels, weights, self._transitions = read_model(model)
        self.cache = cache
        # the weights as one matrix (a row an attribute, a last row of zeros for features without weights): a
        # word's five sums are one gather and one segmented sum; a feature's weights are a view of its row
        rows = {f: k for k, f in enumerate(weights)}
        self._matrix = np.vstack([*weights.values(), np.zeros(len(self.labels))])
        self._weights = {f: self._matrix[k] for f, k in rows.items()}
        zero = self._matrix[-1]
        self._bias, self._bos, self._eos = (self._weights.get(f, zero) for f in ("bias", "BOS", "EOS"))
        # per list of a word (its own features, then what its neighbours see at -2, -1, +1, +2), each of its
        # features that has a weight -> its row: a word's features are looked up once each, as strings never
        # kept; those the cache would drop (not in its `keep`) are left out
        kept = [f for f in rows if cache.keep is None or f in cache.keep]
        self._lists: list[dict[str, int]] = [{f: rows[f] for f in kept}]
        self._lists += [{f: rows[seen] for f, seen in view.items()} for view in offset_views(kept)]
        self._seen = frozenset().union(*self._lists[1:])  # the few features a neighbour sees (a tenth of a word's)
        # the bigram features' weights by their pair of words ("bg=a|b" before, "bg+=a|b" after; a pair for each
        # "|" a feature holds, so that every pair whose feature this is finds it: a token may be "|" itself)
        self._left, self._right = _bigrams(self._weights, "bg="), _bigrams(self._weights, "bg+=")
        self._words: dict[str, tuple[np.ndarray, str, tuple[str, ...]]] = {}

    def word(self, word: str) -> tuple[np.ndarray, str, tuple[str, ...]]:
        """(its five score vectors: its own features' and those its neighbours see at -2, -1, +1, +2 (rows
        in `FeatureCache` order), its normalized form, the multi-word entries it can begin)."""
        entry = self._words.get(word)
        if entry is None:
            own, norm, heads = self.cache.word_type(word)
            seen = [f for f in own if f in self._seen]
            none = len(self._matrix) - 1
            index: list[int] = []
            starts = []
            for rows, features in zip(self._lists, (own, seen, seen, seen, seen)):
                starts.append(len(index))
                index += [k for f in features if (k := rows.get(f)) is not None]
                index.append(none)  # reduceat needs no list empty
            entry = (np.add.reduceat(self._matrix[index], starts, axis=0), norm, heads)
            if len(self._words) >= MAX_CACHED_WORDS:
                self._words.clear()  # a worker's memory stays flat (FeatureCache)
            self._words[word] = entry
        return entry

    def tag(self, sentences: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
        """(BIO tags, normalized forms) of each sentence's tokens."""
        scores, norms = [], []
        known, word = self._words.get, self.word
        for words in sentences:
            if not words:
                norms.append([])
                continue
            entries = [known(w) or word(w) for w in words]
            forms = [e[1] for e in entries]
            rows = np.concatenate([e[0] for e in entries]).reshape(len(words), 5, -1)
            score = rows[:, 0] + self._bias
            score[2:] += rows[:-2, 1]
            score[1:] += rows[:-1, 2]
            score[:-1] += rows[1:, 3]
            score[:-2] += rows[2:, 4]
            score[0] += self._bos
            score[-1] += self._eos
            self._add_sentence_features(score, forms, [e[2] for e in entries])
            scores.append(score)
            norms.append(forms)
        paths = iter(viterbi(scores, self._transitions))
        labels = self.labels
        tags = [[labels[k] for k in next(paths)] if words else [] for words in sentences]
        return tags, norms

    def _add_sentence_features(self, score: np.ndarray, forms: list[str], heads: list[tuple[str, ...]]) -> None:
        """Adds to each token's scores the weights of `sentence_extras`' features, in its order: the bigram with
        the word before, the one with the word after (looked up by the pair of words: no string is made for the
        bigrams, of which one in a hundred has a weight), then the multi-word entries covering it (each token's in
        the order `sentence_extras` gives them)."""
        pairs = list(zip(forms, forms[1:]))
        for first, bigrams in ((1, self._left), (0, self._right)):
            for i, vector in enumerate(map(bigrams.get, pairs), first):
                if vector is not None:
                    score[i] += vector
        weights = self._weights.get
        for i, feature in multiword_hits(forms, heads, self.cache.lex):
            vector = weights(feature)
            if vector is not None:
                score[i] += vector
