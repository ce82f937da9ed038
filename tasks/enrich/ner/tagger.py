"""Named entities of Arabic text: `recognise(text)` gives typed mentions with exact character offsets.
A linear-chain CRF (models/ner.crfsuite, `make train-ner`) tags tokens; spans drop leading proclitics
(وباقري → باقري, بدمشق → دمشق; in للأسد the span starts at the article's lam, لأسد, and `name`
restores its alef: الأسد)."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pycrfsuite

from tasks import MODELS_DIR
from tasks.enrich.ner.data import spans
from tasks.enrich.ner.document import tag_document
from tasks.enrich.ner.features import FeatureCache, Token, sentences, tokenize
from tasks.enrich.ner.lexicon import lexicon, model_attributes
from tasks.enrich.ner.scorer import Scorer
from tasks.text.normalize import normalize_arabic

MODEL_PATH = MODELS_DIR / "ner.crfsuite"
SECOND_PATH = MODEL_PATH.with_name("ner-doc.crfsuite")  # the stacked document stage, if trained
ATTRIBUTES_PATH = MODEL_PATH.with_name("ner-attributes.txt.gz")  # features with weights in either model
_TYPE = {"PERS": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
_lock = threading.Lock()
_loaded: dict[str, object] = {}


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    surface: str
    type: str  # PER | ORG | LOC | MISC
    name: str  # the surface as a name stands alone: للأسد gives surface لأسد (the article's lam), name الأسد

    def __reduce__(self):
        # pickled by its fields: a frozen dataclass with slots is otherwise restored field by field in Python,
        # 24 µs a mention (each crosses between processes twice: tasks.run.prepare)
        return Mention, (self.start, self.end, self.surface, self.type, self.name)


def _model() -> tuple[Scorer | pycrfsuite.Tagger, FeatureCache, pycrfsuite.Tagger | None]:
    """The tagger, the feature cache and the second-stage tagger (None without its file), loaded once. The
    tagger is the model read as arrays (`Scorer`: the same tags, sooner), or with a second stage,
    whose document features need the first one's feature strings, pycrfsuite's."""
    if "tagger" not in _loaded:
        with _lock:
            if "tagger" not in _loaded:
                cache = FeatureCache(lexicon(), model_attributes(ATTRIBUTES_PATH))
                tagger: Scorer | pycrfsuite.Tagger
                second = None
                if SECOND_PATH.exists():
                    tagger, second = pycrfsuite.Tagger(), pycrfsuite.Tagger()
                    tagger.open(str(MODEL_PATH))
                    second.open(str(SECOND_PATH))
                else:
                    tagger = Scorer(MODEL_PATH, cache)
                _loaded["cache"] = cache
                _loaded["second"] = second
                _loaded["tagger"] = tagger
    return _loaded["tagger"], _loaded["cache"], _loaded["second"]  # type: ignore[return-value]


def tag_sentences(word_sents: list[list[str]]) -> list[list[str]]:
    """BIO tags of a document's sentences, in order (the second stage looks across sentences)."""
    tagger, cache, second = _model()
    return tag_document(tagger, cache, second, word_sents)


def tag_words(words: list[str]) -> list[str]:
    """BIO tags (B-PERS, I-LOC, O, ...) of one sentence's tokens, as given (a document of one sentence)."""
    return tag_sentences([words])[0] if words else []


def proclitics(word: str) -> tuple[int, bool]:
    """(how many leading characters of an entity's first token are proclitics, not the name; whether
    the article's alef was elided after ل: للأسد → 1, True, the name being ا + لأسد)."""
    norm = normalize_arabic(word)
    if len(norm) != len(word):  # marks or tatweel: offsets would not line up; keep the token whole
        return 0, False
    names, zipf = lexicon().words, lexicon().zipf
    for chain in ("وبال", "وكال", "فبال", "فال", "وال", "بال", "كال"):
        if norm.startswith(chain) and len(norm) - len(chain) >= 3:
            return len(chain) - 2, False
    for chain in ("ولل", "فلل", "لل"):
        if norm.startswith(chain) and len(norm) - len(chain) >= 2:
            if norm[len(chain) - 1:] in names:  # للبنان: ل + لبنان
                return len(chain) - 1, False
            return len(chain) - 1, True  # للأسد: ل + (ا)لأسد
    for chain in ("وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك"):
        rest = norm[len(chain):]
        if norm.startswith(chain) and len(rest) >= 3 and (
                names[rest] > 2 * names[norm]
                or chain[0] in "وفل" and names[rest] >= names[norm] > 0 and zipf.get(rest, 0.0) > zipf.get(norm, 0.0)):
            # بدمشق: دمشق is the likelier name (فريد stays: ريد is rarer); وليبيا, لوكالة: the commoner word, but
            # بيونغ يانغ keeps its ب (wordfreq cannot tell it from لوكالة: a name begins with ب or ك far more often)
            return len(chain), False
    if norm in names:
        return 0, False
    # an unknown word after و/ف: the conjunction (وباقري → باقري); ب ل ك stay (بوتين، لندن); not a word that
    # ordinary Arabic writes only whole (فنسنت، فاسيلي، فلاديمير: wordfreq knows no نسنت، اسيلي، لاديمير)
    if norm[0] in "وف" and len(norm) >= 4 and not (zipf.get(norm, 0.0) > 0 and zipf.get(norm[1:], 0.0) == 0):
        return 1, False
    return 0, False


def recognise(text: str) -> list[Mention]:
    """PER, ORG, LOC and MISC mentions of a text, in order, with `text[start:end] == surface`."""
    tokens = tokenize(text)
    out = []
    sents = sentences(text, tokens)
    for sentence, tags in zip(sents, tag_sentences([[t.text for t in s] for s in sents])):
        for first, last, kind in spans(tags):
            head: Token = sentence[first]
            skip, elided = proclitics(head.text)
            start, end = head.start + skip, sentence[last - 1].end
            surface = text[start:end]
            out.append(Mention(start, end, surface, _TYPE[kind], "ا" + surface if elided else surface))
    return out
