"""Tokens with character offsets and CRF features for Arabic named-entity recognition.

Per word type (cached): identity, normalized form, affixes, clitic-stripped stems, shape, gazetteer
membership, trigger class, word cluster, external names and corpus frequency (tasks/enrich/ner/resources.py). Per sentence: multi-word gazetteer and known-name matches, and the
features of the neighbours within ±2 (a subset, prefixed with their offset).
"""
from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from tasks.enrich.ner.lexicon import Lexicon
from tasks.text.normalize import normalize_arabic

_TOKEN = re.compile(
    r"\d+(?:[.,٫٬]\d+)+"  # numbers with separators: 3.5, 1,000
    r"|[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+"  # words, marks and tatweel included
    r"|[^\w\s]"  # one punctuation character
)
_SENTENCE_END = frozenset({".", "!", "?", "؟"})
_ARABIC = re.compile("[\u0621-\u064a]")
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # diacritics, tatweel
_LATIN = re.compile("[A-Za-z]")

# Proclitic chains, longest first; stems must keep at least two letters.
_PROCLITICS = tuple(sorted(
    ("و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وبال", "فبال",
     "وكال", "وب", "ول", "وك", "فب", "فل", "فك", "س", "وس"),
    key=len, reverse=True))

TITLES = (
    "الرئيس", "رئيس", "وزير", "الوزير", "وزيرة", "اللواء", "العماد", "الجنرال", "الشيخ", "الملك", "الملكة",
    "الأمير", "الأميرة", "الأمين", "أمين", "السيد", "السيدة", "الدكتور", "المستشار", "النائب", "نائب", "السفير",
    "القائد", "قائد", "العقيد", "العميد", "الفريق", "المشير", "الرائد", "النقيب", "المقدم", "الزعيم",
    "زعيم", "المرشد", "الأدميرال", "البابا", "المطران", "الحاج", "السلطان", "ولي", "المتحدث", "الناطق",
    "مدير", "المدير", "المبعوث", "المندوب", "الكاتب", "الشاعر", "الفنان", "المخرج", "اللاعب", "المدرب",
    "الممثل", "المطرب", "الحاكم", "حاكم", "المفوض", "مساعد", "المحامي", "القاضي", "الإمام", "الأستاذ",
    "رئيسة", "الرئيسة", "المستشارة", "السيناتور", "المرشح", "الدبلوماسي", "الصحفي", "الأسقف", "الكاردينال",
)
ORG_CUES = (
    "وزارة", "حزب", "وكالة", "جامعة", "شركة", "مجلس", "منظمة", "هيئة", "اتحاد", "جمعية", "مؤسسة", "مصرف",
    "بنك", "نادي", "فريق", "جبهة", "حركة", "مجموعة", "لجنة", "محكمة", "صحيفة", "جريدة", "قناة", "إذاعة",
    "تلفزيون", "معهد", "مركز", "مكتب", "بورصة", "منتدى", "برلمان", "البنك", "الحزب", "الاتحاد", "المجلس",
    "الجامعة", "الوكالة", "الشركة", "المنظمة", "الهيئة", "الجمعية", "الجبهة", "الحركة", "صندوق", "الصندوق",
    "كتائب", "تنظيم", "قوات", "جيش", "الجيش", "القوات", "دائرة", "مديرية", "سلطة", "السلطة", "ائتلاف",
)
LOC_CUES = (
    "مدينة", "محافظة", "العاصمة", "عاصمة", "ولاية", "إقليم", "منطقة", "بلدة", "قرية", "جزيرة", "جزر", "بحر",
    "نهر", "جبل", "جبال", "مقاطعة", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "بلاد",
    "دولة", "جمهورية", "مملكة", "مخيم", "حي", "شارع", "ميناء", "مطار", "ضواحي", "وسط", "قرب", "حدود",
    "المدينة", "المحافظة", "الولاية", "المنطقة", "البلدة", "القرية", "الجزيرة", "إمارة", "سواحل", "خليج",
)
_ORG_HEADS = ("وزاره", "وكاله", "حزب", "مجلس", "منظمه", "هيئه", "جامعه", "شركه", "اتحاد", "مصرف", "بنك")
_NEIGHBOUR = ("n", "st", "g", "tr", "m", "s2", "c8", "xg", "za")
_OFFSETS = (-2, -1, 1, 2)


class Token(NamedTuple):  # a tuple: made twice as fast as a frozen dataclass, 300 an article, twice over
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Words, numbers and single punctuation marks of a text, with their character offsets."""
    make = Token._make
    return [make((m.group(), m.start(), m.end())) for m in _TOKEN.finditer(text)]


def sentences(text: str, tokens: list[Token]) -> list[list[Token]]:
    """Tokens grouped into sentences: after . ! ? ؟ and at line breaks."""
    out: list[list[Token]] = []
    current: list[Token] = []
    for tok in tokens:
        if current and "\n" in text[current[-1].end:tok.start]:
            out.append(current)
            current = []
        current.append(tok)
        if tok.text in _SENTENCE_END:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def strip_proclitics(norm: str) -> tuple[str, str]:
    """(the clitic chain, the rest) of a normalized word; the longest chain that leaves two letters."""
    if _ARABIC.match(norm):
        for prefix in _PROCLITICS:
            if norm.startswith(prefix) and len(norm) - len(prefix) >= 2:
                return prefix, norm[len(prefix):]
    return "", norm


def stems(norm: str) -> tuple[str, str]:
    """(bare stem without any proclitic or article, stem keeping the article: للاسد → اسد, الاسد)."""
    prefix, bare = strip_proclitics(norm)
    with_al = "ال" + bare if prefix.endswith(("ال", "لل")) else bare
    return bare, with_al


def _norm_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalize_arabic(w) for w in words)


_TRIGGERS = {"TITLE": _norm_set(TITLES), "ORGCUE": _norm_set(ORG_CUES), "LOCCUE": _norm_set(LOC_CUES)}


def _shape(word: str) -> str:
    if word.isdigit():
        return "D4" if len(word) == 4 else "D"
    if _LATIN.search(word):
        return "LAT"
    if _ARABIC.match(word):
        return "AR"
    if any(c.isdigit() for c in word):
        return "DX"
    return "P" if not any(c.isalnum() for c in word) else "X"


_MISSING_ZIPF = 1.5  # a word not in the frequency table (the table stops at Zipf 2)
COMMON_ZIPF = 4.5  # an external name at least this frequent is as often a common word (ner_resources)
_INFLECTIONS = ("ه", "ات", "ين", "ون", "يه", "يين", "ان")


def _frequency_features(norm: str, bare: str, with_al: str, prefix: str, zipf: dict[str, float]) -> list[str]:
    """What a large corpus says of the word (ner_resources.zipf_table): its frequency, and whether its
    core (the word or, if more frequent, the word without its proclitics: بدمشق → دمشق, but برشلونة
    stays whole) behaves like a common word (seen with and without the article, inflected) or a name."""
    if not _ARABIC.match(norm):
        return []
    z = zipf.get(norm, _MISSING_ZIPF)
    core = norm
    if with_al != norm and zipf.get(with_al, _MISSING_ZIPF) > z:
        core = with_al
    zcore = zipf.get(core, _MISSING_ZIPF)
    feats = [f"zf={int(z)}", f"zc={int(zcore)}"]
    definite = core.startswith("ال") and len(core) > 4
    stem = core[2:] if definite else core
    other = zipf.get(stem if definite else "ال" + stem, _MISSING_ZIPF)
    feats.append(f"za={'d' if definite else 'i'}{max(-3, min(2, round(other - zcore)))}")
    root = stem[:-1] if stem.endswith("ه") else stem
    get, definite_root = zipf.get, "ال" + root
    infl = max(max([get(root + suffix, _MISSING_ZIPF) for suffix in _INFLECTIONS]),
               max([get(definite_root + suffix, _MISSING_ZIPF) for suffix in _INFLECTIONS]))
    feats.append(f"zi={max(-3, min(2, round(infl - zcore)))}")
    return feats


def cluster_form(word: str, norm: str) -> str:
    """The normalized form that keeps a final alef maqsura: `على` (on) and `علي` (Ali) normalize alike, but
    the word vectors (tasks/enrich/ner/embeddings.py) and their clusters keep them apart."""
    return norm[:-1] + "ى" if norm.endswith("ي") and _MARKS.sub("", word).endswith("ى") else norm


def _news_features(word: str, norm: str, bare: str, with_al: str, lex: Lexicon) -> list[str]:
    """The word's cluster and neighbour type in the news vectors (tasks/enrich/ner/embeddings.py), looked up
    whole, then by its stems; spelled as the vectors spell it (cluster_form)."""
    forms = (norm, with_al, bare)
    if (form := cluster_form(word, norm)) != norm:
        forms = (form, with_al[:-1] + "ى", bare[:-1] + "ى")
    feats = []
    cluster = next((lex.clusters[f] for f in forms if f in lex.clusters), None)
    if cluster:
        feats += [f"c4={cluster[0]}", f"c8={cluster[:2]}", f"c12={cluster}"]
    near = next((lex.neighbours[f] for f in forms if f in lex.neighbours), None)
    if near:
        feats.append(f"kn={near}")
    return feats


def word_features(word: str, lex: Lexicon) -> list[str]:
    """Features of one word type, unprefixed (the model's token features at offset 0)."""
    norm = normalize_arabic(word)
    return _word_features(word, norm, *stems(norm), lex)


def _word_features(word: str, norm: str, bare: str, with_al: str, lex: Lexicon) -> list[str]:
    """`word_features` of a word, its normalized form and its stems (`stems`)."""
    prefix = norm[: len(norm) - len(bare)]
    feats = [f"w={_MARKS.sub('', word)}", f"n={norm}", f"st={bare}", f"sa={with_al}", f"pc={prefix}",
             f"sh={_shape(norm)}", f"len={min(len(norm), 8)}"]
    for k in range(1, 5):
        if len(norm) > k:
            feats.append(f"p{k}={norm[:k]}")
            feats.append(f"s{k}={norm[-k:]}")
    for k in range(1, 4):
        if len(bare) > k + 1:
            feats.append(f"bs{k}={bare[-k:]}")
    for form, tag in ((norm, "g"), (with_al, "g"), (bare, "g"), ("ال" + bare, "g")):
        kind = lex.gazetteer.get(form)
        if kind:
            feats.append(f"{tag}={kind}")
            break
    for name, members in _TRIGGERS.items():
        if norm in members or with_al in members or bare in members:
            feats.append(f"tr={name}")
    if lex.external:
        form = next((f for f in (norm, with_al, bare) if f in lex.external), None)
        if form:  # a name that is also a frequent word (زار, visited) is marked: its weights are apart
            common = "~" if lex.zipf.get(form, 0.0) >= COMMON_ZIPF else ""
            feats.append(f"xg={lex.external[form]}{common}")
    if lex.zipf:
        feats += _frequency_features(norm, bare, with_al, prefix, lex.zipf)
    if lex.clusters or lex.neighbours:
        feats += _news_features(word, norm, bare, with_al, lex)
    memory = lex.memory.get(norm) or lex.memory.get(with_al) or lex.memory.get(bare)
    if memory:
        feats.append(f"m={memory.split('|')[0]}")
        feats.append(f"mb={memory}")
    return feats


def _neighbour(feats: list[str]) -> list[str]:
    """The features of a word that its neighbours see (to be prefixed with their offset)."""
    return [f for f in feats if f[:f.index("=")] in _NEIGHBOUR]


# Word types whose features are kept: news meets new ones without end (about 19 an article), and a cache
# that keeps them all grows without end. A type costs about 0.85 KB (its lists share the model's feature
# strings; 2.6 KB when each held its own) and 90 µs to compute again: 120,000 of them (about 100 MB) hold
# every type of 5,000 articles, where 40,000 were emptied every 1,100 articles and cost 16 misses an article
# more. Emptied when full, the cache fills again with the common words at once (make bench-arabic).
MAX_CACHED_WORDS = 120_000


class FeatureCache:
    """Per word type: its own features and the subsets its neighbours see at offsets -2..+2."""

    def __init__(self, lex: Lexicon, keep: frozenset[str] | None = None) -> None:
        """`keep`: if given, the only features worth emitting (those the model has weights for): the
        tagger ignores any other, so dropping them once per word type changes no tag and saves time."""
        self.lex = lex
        self.firsts = lex.firsts()
        self.keep = keep
        self.table: dict[str, tuple] = {}
        # with `keep`: each feature with a weight -> the one string kept for it (word types share them), and per
        # offset, each feature its neighbours see there that has a weight -> its prefixed form
        self._own: dict[str, str] = {f: f for f in keep or ()}
        self._views = offset_views(keep) if keep is not None else None

    def get(self, word: str) -> tuple:
        """(own features, as seen from +2, from +1, from -1, from -2, normalized form, the first words
        of multi-word entries it can begin: its normalized form and its stem with the article), kept."""
        entry = self.table.get(word)
        if entry is None:
            entry = self.compute(word)
            if len(self.table) >= MAX_CACHED_WORDS:
                self.table.clear()  # a worker's memory stays flat however many articles it reads
            self.table[word] = entry
        return entry

    def compute(self, word: str) -> tuple:
        """What `get` gives, computed and not kept."""
        own, norm, heads = self.word_type(word)
        if self._views is None:
            seen = _neighbour(own)
            lists = [own, *([f"{o}:{f}" for f in seen] for o in _OFFSETS)]
        else:  # the same lists as filtering those by `keep`, in the same order
            lists = [[self._own[f] for f in own if f in self._own], *([view[f] for f in own if f in view] for view in self._views)]
        return (*lists, norm, heads)

    def word_type(self, word: str) -> tuple[list[str], str, tuple[str, ...]]:
        """(its own features, unfiltered and unprefixed: `word_features`; its normalized form; the first words
        of multi-word entries it can begin), computed and not kept."""
        norm = normalize_arabic(word)
        bare, with_al = stems(norm)
        return _word_features(word, norm, bare, with_al, self.lex), norm, tuple(sorted({norm, with_al} & self.firsts))


def offset_views(features: Iterable[str]) -> list[dict[str, str]]:
    """Per offset (-2, -1, +1, +2), each of `features` that is a neighbour's view from there (`-1:n=...`),
    by the unprefixed feature of the word it is seen of (`n=...`)."""
    views: list[dict[str, str]] = [{}, {}, {}, {}]
    for i, offset in enumerate(_OFFSETS):
        prefix = f"{offset}:"
        for f in features:
            if f.startswith(prefix) and "=" in f and f[len(prefix):f.index("=")] in _NEIGHBOUR:
                views[i][f[len(prefix):]] = f
    return views


_LENGTHS: dict[int, tuple[dict[str, str], dict[str, tuple[int, ...]]]] = {}


def _entry_lengths(table: dict[str, str]) -> dict[str, tuple[int, ...]]:
    """First word of the multi-word entries of `table` -> their lengths in words, longest first; worked out
    once per table (a lexicon's tables do not change once loaded)."""
    held = _LENGTHS.get(id(table))
    if held is None or held[0] is not table:
        lengths: dict[str, set[int]] = {}
        for entry in table:
            words = entry.split(" ")
            if len(words) > 1:
                lengths.setdefault(words[0], set()).add(len(words))
        held = _LENGTHS[id(table)] = (table, {h: tuple(sorted(n, reverse=True)) for h, n in lengths.items()})
    return held[1]


def _multiword(norms: list[str], heads: list[tuple[str, ...]], table: dict[str, str],
               name: str) -> list[tuple[int, str]]:
    """(token, feature) for the longest multi-word entry of `table` (of up to 6 words) covering each token that one
    covers (`mg=B-LOC`, `mg=I-LOC`), in order; `heads`: per token, the forms of it that begin a multi-word entry
    (FeatureCache.get). Only the lengths some entry of a head has are tried."""
    out: list[tuple[int, str]] = []
    lengths = _entry_lengths(table)
    covered = 0  # tokens before this one are inside an entry found
    for i, forms in enumerate(heads):
        if not forms or i < covered:
            continue
        sizes = [lengths[h] for h in forms if h in lengths]
        if sizes:
            longest = min(6, len(norms) - i)
            for n in sorted({n for ns in sizes for n in ns if n <= longest}, reverse=True):
                rest = " ".join(norms[i + 1:i + n])
                kind = next((table[k] for k in (f"{h} {rest}" for h in forms) if k in table), None)
                if kind:
                    out += [(i, f"{name}=B-{kind}"), *((k, f"{name}=I-{kind}") for k in range(i + 1, i + n))]
                    covered = i + n
                    break
    return out


def multiword_hits(norms: list[str], heads: list[tuple[str, ...]], lex: Lexicon) -> list[tuple[int, str]]:
    """(token, feature) for the multi-word gazetteer, known-name and external-name entries covering a token
    (`_multiword`): the gazetteer's first, then the known names', then the external names'."""
    found = _multiword(norms, heads, lex.gazetteer, "mg") + _multiword(norms, heads, lex.names, "ms")
    return found + _multiword(norms, heads, lex.external, "mx") if lex.external else found


def multiword_features(norms: list[str], heads: list[tuple[str, ...]], lex: Lexicon) -> list[list[str]]:
    """Per token, the multi-word entries covering it (`multiword_hits`), in the same order."""
    out: list[list[str]] = [[] for _ in norms]
    for i, feature in multiword_hits(norms, heads, lex):
        out[i].append(feature)
    return out


def sentence_extras(norms: list[str], heads: list[tuple[str, ...]], lex: Lexicon,
                    keep: frozenset[str] | None = None) -> tuple[list[str], list[str], list[list[str]]]:
    """Per token, its features that no single word gives: the bigram with the word before it and the one with
    the word after it ("" for none), and the multi-word entries covering it (`multiword_features`). `keep`: as
    FeatureCache's (bigrams outside it are left out)."""
    n = len(norms)
    left = [""] + [f"bg={norms[i - 1]}|{norms[i]}" for i in range(1, n)]
    right = [f"bg+={norms[i]}|{norms[i + 1]}" for i in range(n - 1)] + [""]
    if keep is not None:
        left = [f if f in keep else "" for f in left]
        right = [f if f in keep else "" for f in right]
    return left, right, multiword_features(norms, heads, lex)


def sentence_features(words: list[str], cache: FeatureCache) -> list[list[str]]:
    """CRF features of each token of a sentence: its word's (FeatureCache), BOS or EOS, its neighbours' within
    ±2 and the sentence's (`sentence_extras`), in the order the model was trained with."""
    entries = [cache.get(w) for w in words]
    left, right, multi = sentence_extras([e[5] for e in entries], [e[6] for e in entries], cache.lex, cache.keep)
    n = len(words)
    out = []
    for i, entry in enumerate(entries):
        feats = ["bias", *entry[0]]
        if i == 0:
            feats.append("BOS")
        if i == n - 1:
            feats.append("EOS")
        if i >= 2:
            feats.extend(entries[i - 2][1])
        if i >= 1:
            feats.extend(entries[i - 1][2])
            if left[i]:
                feats.append(left[i])
        if i + 1 < n:
            feats.extend(entries[i + 1][3])
            if right[i]:
                feats.append(right[i])
        if i + 2 < n:
            feats.extend(entries[i + 2][4])
        feats.extend(multi[i])
        out.append(feats)
    return out
