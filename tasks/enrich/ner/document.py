"""Document-level features for the second NER stage (stacking).

A first CRF tags every sentence; the second CRF sees, for each token, what the first one said of the
same word form (and of its clitic-stripped stem) elsewhere in the document: the majority label of its
other occurrences and how strong it is, the entity types it had, whether it began an entity, the type of
a longer entity that contained it, and the first stage's own tags of the token and its neighbours.
ANERcorp marks no documents, so a "document" is a sliding window of ±WINDOW sentences (in a text given
to `recognise`, the same window over its sentences).

`propagate` is the rule form of the same idea, and the one shipped: a name the tagger found in the
document is tagged where it recurs untagged.
"""
from __future__ import annotations

import re

from tasks.enrich.ner.data import spans
from tasks.enrich.ner.features import TITLES, sentence_features, stems
from tasks.enrich.ner.scorer import Scorer
from tasks.text.normalize import normalize_arabic

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


def tag_document(first, cache, second, word_sents: list[list[str]], names: bool | None = None) -> list[list[str]]:
    """BIO tags of a document's sentences (in order): the first CRF (a `Scorer`, or a pycrfsuite.Tagger on
    the cached features of ner_features.FeatureCache), then, if `second` is given, the second CRF (a
    pycrfsuite.Tagger) on the same features plus document features of the first one's tags; then, unless
    `names` is False (default: PROPAGATE), names found in the document tagged where they recur untagged
    (`propagate`)."""
    if isinstance(first, Scorer) and second is None:
        tags, norms = first.tag(word_sents)
    else:
        feats = [sentence_features(words, cache) if words else [] for words in word_sents]
        tags = [first.tag(f) if f else [] for f in feats]
        norms = [[cache.get(w)[5] for w in words] for words in word_sents]
        if second is not None:
            extra = doc_features(norms, tags)
            tags = [second.tag([a + b for a, b in zip(f, e)]) if f else [] for f, e in zip(feats, extra)]
    tags = [repair(words, n, t, cache.lex.neighbours) for words, n, t in zip(word_sents, norms, tags)]
    if PROPAGATE if names is None else names:
        tags = propagate(norms, tags)
    return tags


# Particles spelled with their hamza (أن، إن، فإن، لأن ...): never the first word of a name in ANERcorp
# (1 of 1,501), but فان is also Van, so the normalized form cannot tell them apart (فإنّ باقري).
PARTICLES = frozenset(("أن", "إن", "فإن", "وإن", "وأن", "بأن", "لأن", "كأن", "ولأن", "وبأن", "أنه", "إنه", "فإنه",
                       "وأنه", "بأنه", "لأنه", "أنها", "إنها", "بأنها"))
TITLE_WORDS = frozenset(normalize_arabic(t) for t in TITLES)
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")


def repair(words: list[str], norms: list[str], tags: list[str],
           neighbours: dict[str, str] | None = None) -> list[str]:
    """Tags with a leading particle (PARTICLES, marks ignored) cut from the entity it begins, and a
    one-word person that is a title (أمين in أمين مجلس الأمن) untagged (ANERcorp: 4 of 6,000). With the
    neighbour types of the news vectors (ner.neighbours), a title inside a person's name that the vectors
    place among plain words (`الوزير`, not the given name `أمين`) ends the name: `السيسي الوزير الصفدي` is
    two people (the guide's names carry no title; no prediction on ANERcorp changes)."""
    out = list(tags)
    for i, tag in enumerate(tags):
        if neighbours and tag == "I-PERS" and norms[i] in TITLE_WORDS and neighbours.get(norms[i]) == "O|hi":
            out[i] = "O"
            if i + 1 < len(tags) and tags[i + 1] == "I-PERS":
                out[i + 1] = "B-PERS"
            continue
        if tag.startswith("B-") and _MARKS.sub("", words[i]) in PARTICLES:
            out[i] = "O"
            if i + 1 < len(out) and out[i + 1] == "I-" + tag[2:]:
                out[i + 1] = tag
        elif tag == "B-PERS" and (i + 1 == len(tags) or tags[i + 1] != "I-PERS") and norms[i] in TITLE_WORDS:
            out[i] = "O"
    return out


PROPAGATE = True  # measured: +0.014 F1 on 5-fold cross-validation (docs/ner.md)
MIN_LENGTH = 4  # shortest word (normalized) that propagation tags


def _found(norms: list[str], tags: list[str]) -> list[tuple[tuple[str, ...], str]]:
    """Entities of one tagged sentence as (stem of the first word, the other words...), type."""
    return [((_stem(norms[a]), *norms[a + 1:b]), kind) for a, b, kind in spans(tags)]


def propagate(norm_sents: list[list[str]], tag_sents: list[list[str]], window: int = WINDOW) -> list[list[str]]:
    """Tags with the names found elsewhere in the document (±window sentences) tagged where they recur
    untagged: a run of O words that spells a multi-word entity found nearby (the first word compared by
    stem: والأمم المتحدة), then a single O word of at least MIN_LENGTH letters whose stem was a one-word
    entity nearby; the type is the one most often found. Unchanged words next to an entity stay."""
    found = [_found(n, t) for n, t in zip(norm_sents, tag_sents, strict=True)]
    counts: dict[tuple[tuple[str, ...], str], int] = {}
    totals: dict[tuple[str, ...], int] = {}  # key -> its counts of every type, summed
    heads: dict[str, dict[tuple[str, ...], int]] = {}  # first stem -> multi-word keys (with counts)

    def add(entities: list, sign: int) -> None:
        for key, kind in entities:
            counts[(key, kind)] = counts.get((key, kind), 0) + sign
            totals[key] = totals.get(key, 0) + sign
            if len(key) > 1:
                keys = heads.setdefault(key[0], {})
                keys[key] = keys.get(key, 0) + sign

    def best(key: tuple[str, ...]) -> str | None:
        if not totals.get(key):  # found as no type in the window (most words)
            return None
        n, kind = max((counts.get((key, t), 0), t) for t in ("PERS", "ORG", "LOC", "MISC"))
        return kind if n > 0 else None

    out = []
    hi, lo = -1, 0
    for s, (norms, tags) in enumerate(zip(norm_sents, tag_sents)):
        while hi < min(len(found) - 1, s + window):
            hi += 1
            add(found[hi], 1)
        while lo < s - window:
            add(found[lo], -1)
            lo += 1
        new = list(tags)
        n = len(new)
        for a, b, kind in spans(tags) if counts else ():  # وقال الأسد لباقري: two people
            for i in range(a + 1, b):
                w = norms[i]
                if kind == "PERS" and w[0] in "لب" and len(w) >= 5 and counts.get(((_stem(w[1:]),), kind), 0) > 0 \
                        and counts.get(((_stem(w),), kind), 0) == 0:
                    new[i] = "B-PERS"
        if heads or counts:
            sts = [_stem(w) if len(w) >= 2 and w[0].isalpha() else "" for w in norms]
            for i in range(n):  # multi-word names
                keys = heads.get(sts[i])
                if not keys or new[i] != "O":
                    continue
                for key, c in sorted(keys.items(), key=lambda kv: -len(kv[0])):
                    size = len(key)
                    if c > 0 and i + size <= n and tuple(norms[i + 1:i + size]) == key[1:] \
                            and all(t == "O" for t in new[i:i + size]) \
                            and (i + size >= n or not new[i + size].startswith("I-")):
                        kind = best(key)
                        if kind:
                            new[i:i + size] = [f"B-{kind}"] + [f"I-{kind}"] * (size - 1)
                            break
            for i in range(n):  # one-word names
                if new[i] != "O" or len(norms[i]) < MIN_LENGTH or not sts[i]:
                    continue
                kind = best((sts[i],))
                if kind and (i + 1 >= n or not new[i + 1].startswith("I-")):
                    new[i] = f"B-{kind}"
        out.append(new)
    return out
