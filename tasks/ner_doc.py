"""Document-level features for the second NER stage (stacking).

A first CRF tags every sentence; the second CRF sees, for each token, what the first one said of the
same word form (and of its clitic-stripped stem) elsewhere in the document: the majority label of its
other occurrences and how strong it is, the entity types it had, whether it began an entity, the type of
a longer entity that contained it, and the first stage's own tags of the token and its neighbours.
ANERcorp marks no documents, so a "document" is a sliding window of ±WINDOW sentences (in a text given
to `recognise`, the same window over its sentences).
"""
from __future__ import annotations

from tasks.ner_data import spans
from tasks.ner_features import sentence_features, stems

WINDOW = 20


_STEMS: dict[str, str] = {}
_ENTITY = ("PERS", "ORG", "LOC", "MISC")


def _stem(norm: str) -> str:
    stem = _STEMS.get(norm)
    if stem is None:
        stem = _STEMS[norm] = stems(norm)[0]
    return stem


def _events(norms: list[str], tags: list[str]) -> list[tuple]:
    """Per word token: (index, form, stem, entity type or "", began, type of a multi-word entity or "")."""
    label = [""] * len(tags)
    began = [False] * len(tags)
    sup = [""] * len(tags)
    for first, last, kind in spans(tags):
        for i in range(first, last):
            label[i] = kind
            if last - first > 1:
                sup[i] = kind
        began[first] = True
    return [(i, norm, _stem(norm), label[i], began[i], sup[i])
            for i, norm in enumerate(norms) if len(norm) >= 2 and norm[0].isalpha()]


class _Window:
    """Counts over the sentences in the window: occurrences per form and stem, and entity events."""

    def __init__(self) -> None:
        self.total: dict[str, int] = {}  # "n:" + form, "s:" + stem -> occurrences
        self.ent: dict[str, int] = {}  # "n:TYPE:form", "s:TYPE:stem", "b:TYPE:form", "u:TYPE:form" -> count
        self.hot: dict[str, int] = {}  # "n:" + form, "s:" + stem -> entity occurrences

    def add(self, events: list[tuple], sign: int) -> None:
        total, ent, hot = self.total, self.ent, self.hot
        for _, form, stem, label, began, sup in events:
            kn, ks = "n:" + form, "s:" + stem
            total[kn] = total.get(kn, 0) + sign
            total[ks] = total.get(ks, 0) + sign
            if label:
                hot[kn] = hot.get(kn, 0) + sign
                hot[ks] = hot.get(ks, 0) + sign
                for key in (f"n:{label}:{form}", f"s:{label}:{stem}",
                            *((f"b:{label}:{form}",) if began else ()), *((f"u:{sup}:{form}",) if sup else ())):
                    ent[key] = ent.get(key, 0) + sign

    def features(self, ev: tuple) -> list[str]:
        _, form, stem, label, began, sup = ev
        feats = []
        for tag, key in (("n", form), ("s", stem)):
            k = f"{tag}:{key}"
            others = self.total.get(k, 0) - 1
            if others <= 0:
                continue
            hot = self.hot.get(k, 0) - (1 if label else 0)
            if hot <= 0:
                feats.append(f"d{tag}=O|{'hi' if others > 1 else 'one'}")
                continue
            per = {t: self.ent.get(f"{tag}:{t}:{key}", 0) - (t == label) for t in _ENTITY}
            best = max(_ENTITY, key=lambda t: per[t])
            feats.append(f"d{tag}={best}|{_bucket(hot / others)}")
            feats.extend(f"d{tag}E={t}" for t in _ENTITY if per[t] > 0)
        if self.hot.get("n:" + form, 0) > (1 if label else 0):
            for t in _ENTITY:
                if self.ent.get(f"b:{t}:{form}", 0) - (began and label == t) > 0:
                    feats.append(f"dB={t}")
                if self.ent.get(f"u:{t}:{form}", 0) - (sup == t) > 0:
                    feats.append(f"dU={t}")
        return feats


def _bucket(share: float) -> str:
    return "hi" if share >= 0.7 else "mid" if share >= 0.4 else "lo"


def doc_features(norm_sents: list[list[str]], tag_sents: list[list[str]], window: int = WINDOW) -> list[list[list[str]]]:
    """Per sentence, per token: document features from first-stage tags of sentences within ±window."""
    events = [_events(n, t) for n, t in zip(norm_sents, tag_sents, strict=True)]
    counts = _Window()
    hi = -1  # sentences lo..hi are counted
    lo = 0
    out = []
    for s, (evs, tags) in enumerate(zip(events, tag_sents)):
        while hi < min(len(events) - 1, s + window):
            hi += 1
            counts.add(events[hi], 1)
        while lo < s - window:
            counts.add(events[lo], -1)
            lo += 1
        n = len(tags)
        sent = [[f"s1={tags[i]}", f"s1-1={tags[i - 1] if i else 'BOS'}", f"s1+1={tags[i + 1] if i + 1 < n else 'EOS'}"]
                for i in range(n)]
        for ev in evs:
            sent[ev[0]].extend(counts.features(ev))
        out.append(sent)
    return out


def tag_document(first, cache, second, word_sents: list[list[str]]) -> list[list[str]]:
    """BIO tags of a document's sentences (in order): the first CRF (pycrfsuite.Tagger) on the cached
    features (ner_features.FeatureCache), then, if `second` is given, the second CRF on the same
    features plus document features of the first one's tags."""
    feats = [sentence_features(words, cache) if words else [] for words in word_sents]
    tags = [first.tag(f) if f else [] for f in feats]
    if second is None:
        return tags
    norms = [[cache.get(w)[5] for w in words] for words in word_sents]
    extra = doc_features(norms, tags)
    return [second.tag([a + b for a, b in zip(f, e)]) if f else [] for f, e in zip(feats, extra)]
