"""Build the duplicate and story development sets from real Arabic news text (ANERcorp, in
../shared/data/ner/anercorp-train.txt): `tools/devsets/dedup_dev.json` and `tools/devsets/stories_dev.json`,
in the format of `akhbar eval dedup|stories` (evaluation/grouping.py). Seeded and deterministic.

1. Articles. ANERcorp is `token tag` lines with no article breaks. Sentences end at "." tokens (runs of
   very short fragments are glued to the sentence before). A new article starts at a sentence that opens
   with an agency dateline ("فرانكفورت (د ب أ)", "طوكيو - رويترز -"), or at a sentence that does not open
   with a continuation word (و/ف..., كما, غير, أما, لكن ...) where the content words of the 3 sentences
   before and the 3 after hardly overlap (<= 5% of the smaller set); an article has at least 4 sentences
   and 90 words. Longer runs are cut at their least cohesive sentence start into pieces of 6-12
   sentences and at most MAX_WORDS words. Tokens are joined back into text (punctuation attached) and
   grouped into paragraphs of 1-3 sentences. Articles under 80 words are dropped, and so is every
   article that shares 20% or more of its word 3-shingles with an earlier one (ANERcorp repeats some
   passages verbatim: left in, those would be unlabelled duplicates among the "distinct" articles).
2. Duplicates. COPIED base articles get 1-3 copies each, each copy with one to three edits (see EDITS),
   published 0-48 hours after the original by another outlet. Hard negatives: pairs of base articles
   on the same topic (idf-weighted overlap of their ANERcorp-tagged names, mostly neighbours in the
   corpus: often two parts of one original article) are split, one copied, the other a singleton
   published the same day by the same outlet. Follow-ups: FOLLOWUPS singletons that neighbour a copied
   article in the corpus get that article's closing sentences appended as background (25-60% of its
   words, never more than their own text): not copies, but they share a block of text with one. Every
   other base article is a singleton too.
3. Stories (heuristic labels, not human judgements): base articles within STORY_WINDOW positions of each
   other in corpus order are linked when their tagged names overlap (idf-weighted Jaccard >= STORY_LINK
   and at least 2 shared names of which one is a person or organisation); linked articles form a story
   (connected components, at most STORY_MAX articles). Stories span 0-3 days; stories that are
   neighbours in the corpus (often the same broader topic) overlap in time.

Usage: .venv/bin/python tools/build_dedup_devset.py [--seed N] [--anercorp PATH]
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tasks.dedup.minhash import shingles_of  # noqa: E402
from tasks.dedup.terms import content_words, stem  # noqa: E402
from tasks.text.normalize import normalize_arabic, word_count  # noqa: E402

ANERCORP = ROOT.parent / "shared" / "data" / "ner" / "anercorp-train.txt"
OUT_DIR = ROOT / "tools" / "devsets"
SEED = 20240301

MIN_WORDS = 80
MAX_WORDS = 450
COPIED = 150
HARD_NEGATIVE_PAIRS = 60
FOLLOWUPS = 40
START = datetime(2024, 3, 1, 6, 0, tzinfo=timezone.utc)
ARTICLES_PER_DAY = 10
STORY_WINDOW = 3
STORY_LINK = 0.15
STORY_MAX = 6

TAGS = {"O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"}
TAG_FIX = {"o": "O", "": "O", ".O": "O", "B-ERS": "B-PERS", "IPERS": "I-PERS", "B-PERs": "B-PERS", "B-ORF": "B-ORG",
           "B-OEG": "B-ORG", "B-LOCI-PERS": "B-LOC", "b-misc": "B-MISC", "i-misc": "I-MISC"}  # the ~20 malformed tags
AGENCY = re.compile(
    r"(?:^|[\s(\-'\"«])(?:د ب أ|اف ب|أ ف ب|ا ف ب|رويترز|وكالات|أ ش أ|ا ش ا|يو بي آي|يو بي اي|واس|سانا|قنا|وام|كونا"
    r"|بترا|الفرنسية|قدس برس)(?:$|[\s)\-'\"»:])"
)
CONTINUATION = set(
    "كما غير اما أما لكن لكنه ثم بعد من على الى إلى ان أن إن \" '' ( ) - -- * حيث مضيفا مؤكدا مشيرا نافيا مشددا موضحا "
    "معتبرا الا إلا لذا لذلك هذا هذه التي الذي اذ إذ فيما بينما او أو حتى بل".split()
)
NO_SPACE_BEFORE = set(".,،:;؛?؟!)]»%·") | {"..."}
SENTENCE_END = {".", "·", "؟", "!", "?"}
LONG_SENTENCE = 90  # tokens
NO_SPACE_AFTER = set("([«")

OUTLETS = ["الوسط اليوم", "نبض الخبر", "الشرق الجديد", "أخبار النيل", "صدى الشام", "المغرب بريس", "الخليج الآن", "العرب نت"]
# Per-outlet boilerplate: the same paragraphs every time, as sites do (the pipeline can learn these).
FOOTERS = {
    o: [
        "تابعونا على فيسبوك وتويتر وإنستغرام",
        f"جميع الحقوق محفوظة لموقع {o} © 2024. يمنع نسخ هذا المحتوى أو إعادة نشره بأي شكل دون إذن خطي مسبق من إدارة التحرير.",
        f"لمتابعة آخر الأخبار العاجلة لحظة بلحظة اشترك في قناة {o} على تطبيق تلغرام وفعّل التنبيهات ليصلك كل جديد فور نشره.",
        f"الآراء الواردة في هذا الخبر لا تعبر بالضرورة عن رأي {o}، والموقع غير مسؤول عن دقة المعلومات المنقولة عن الوكالات.",
    ]
    for o in OUTLETS
}
DATELINES = ["دمشق - سانا:", "(رويترز) -", "القاهرة (أ ش أ) -", "عواصم - وكالات:", "الرياض - واس:", "باريس (أ ف ب) -",
             "لندن - رويترز:", "بيروت - «الوسط»:", "{city} - وكالات:", "{city} (د ب أ) -", "{city} - خاص:"]
LEADS = [
    "في تطور جديد، عادت قضية {x} إلى واجهة الأحداث اليوم، وسط ترقب واسع لما ستسفر عنه الأيام المقبلة.",
    "تتواصل ردود الفعل على آخر التطورات المتعلقة بـ{x}، فيما تتباين التقديرات حول تداعياتها المحتملة.",
    "تصدرت أخبار {x} اهتمام المتابعين خلال الساعات الماضية، مع تلاحق التصريحات والمواقف.",
    "ما زالت تطورات ملف {x} تستأثر باهتمام الأوساط السياسية والإعلامية.",
    "خاص - في متابعة لآخر المستجدات بشأن {x}، ننقل إليكم تفاصيل ما جرى.",
]
TEASER_CUES = ["اقرأ أيضا:", "اقرأ أيضاً:", "طالع أيضا:", "ذات صلة:", "المزيد:", "قد يهمك:"]
SYNONYMS = {
    "قال": "أكد", "وقال": "وأضاف", "وأضاف": "وتابع", "أعلن": "كشف", "اعلن": "كشف", "وأكد": "وشدد", "واكد": "وشدد",
    "أمس": "يوم أمس", "امس": "يوم أمس", "الأميركي": "الأمريكي", "الاميركي": "الامريكي", "الأميركية": "الأمريكية",
    "الاميركية": "الامريكية", "حوالي": "نحو", "نحو": "قرابة", "أيضا": "كذلك", "ايضا": "كذلك", "إلى": "نحو",
    "الرئيس": "رئيس البلاد", "اليوم": "هذا اليوم", "قد": "", "وقد": "و", "التي": "اللتي", "بشأن": "حول", "حول": "بشأن",
    "عدد": "جملة", "كبير": "ضخم", "كبيرة": "ضخمة", "الماضي": "المنصرم", "المقبل": "القادم", "الجديد": "الحديث",
}
EDITS = ["dateline", "lead", "footer", "truncate", "reorder", "teaser", "orthography", "reword"]
NON_JOINING = set("اأإآدذرزوؤةء")
TEASER_WORDS = (8, 16)  # a teaser is a headline: the other article's opening words
DIACRITICS = ["\u064e", "\u064f", "\u0650", "\u0652", "\u0651", "\u064b", "\u064d"]


# ---------------------------------------------------------------- corpus

def read_tokens(path: Path) -> list[tuple[str, str]]:
    tokens = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            tok, _, tag = line.rpartition(" ")
            if not tok:
                tok, tag = tag, "O"
            tok = tok.replace("\u200f", "").replace("\u200e", "").strip()
            if not tok:
                continue  # a stray right-to-left mark
            tag = TAG_FIX.get(tag, tag)
            if tok == "'" and tokens and tokens[-1][0] == "'":
                tokens[-1] = ("''", "O")  # two apostrophes: a double quote
                continue
            tokens.append((tok, tag if tag in TAGS else "O"))
    return tokens


def _cut_long(sent: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """A run-on "sentence" (some ANERcorp sources hardly use full stops) cut at the comma nearest its middle."""
    if len(sent) <= LONG_SENTENCE:
        return [sent]
    commas = [i for i, t in enumerate(sent[20:-20], start=20) if t[0] in ("،", ",", "؛", ":")]
    if not commas:
        return [sent]
    k = min(commas, key=lambda i: abs(i - len(sent) / 2)) + 1
    return _cut_long(sent[:k]) + _cut_long(sent[k:])


def split_sentences(tokens: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    raw, cur = [], []
    for t in tokens:
        cur.append(t)
        if t[0] in SENTENCE_END:
            raw.append(cur)
            cur = []
    if cur:
        raw.append(cur)
    raw = [piece for s in raw for piece in _cut_long(s)]
    out: list[list[tuple[str, str]]] = []
    for s in raw:
        if len(s) <= 1 and s[0][0] in SENTENCE_END:
            continue  # a lone "."
        if out and len(s) < 5:
            out[-1] = out[-1] + s  # a fragment ("نصحب أطفالنا للمنزل .") belongs to the sentence before
        else:
            out.append(s)
    return out


def detokenize(tokens: list[str]) -> str:
    out, quote_open, glue = "", False, True
    for tok in tokens:
        if tok in ('"', "''", "'"):
            if quote_open:  # closing quote: attach to the word before
                out += '"'
                glue = False
            else:
                out += ("" if glue else " ") + '"'
                glue = True
            quote_open = not quote_open
            continue
        if tok in NO_SPACE_BEFORE or glue:
            out += tok
        else:
            out += " " + tok
        glue = tok in NO_SPACE_AFTER
    return out.strip()


def is_dateline(sent) -> bool:
    head = " ".join(t[0] for t in sent[:7])
    return bool(AGENCY.search(head)) and ("(" in head or "-" in head) and sent[0][1] in ("B-LOC", "O") and not sent[0][0].startswith("و")


def is_continuation(sent) -> bool:
    first, tag = sent[0]
    return (first[:1] in ("و", "ف") and tag == "O") or first in CONTINUATION


def cohesion(sets: list[set[str]], i: int, width: int = 3) -> float:
    a = set().union(*sets[max(0, i - width) : i])
    b = set().union(*sets[i : i + width])
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def segment(sents) -> list[list[int]]:
    sets = [set(content_words(" ".join(t[0] for t in s))) for s in sents]
    words = [sum(1 for t in s if re.search(r"\w", t[0])) for s in sents]
    segs, cur = [], [0]
    for i in range(1, len(sents)):
        dateline = is_dateline(sents[i])
        cur_words = sum(words[j] for j in cur)
        boundary = dateline or (not is_continuation(sents[i]) and cohesion(sets, i) <= 0.05)
        if boundary and ((dateline and cur_words >= 40) or (len(cur) >= 4 and cur_words >= 90)):
            segs.append(cur)
            cur = [i]
        else:
            cur.append(i)
    segs.append(cur)
    out = []
    for g in segs:
        while len(g) > 14:
            k = min(range(6, min(12, len(g) - 4) + 1), key=lambda k: (cohesion(sets, g[k]), -k))
            out.append(g[:k])
            g = g[k:]
        # then a word cap: long sentences (one ANERcorp sentence has 294 tokens)
        piece: list[int] = []
        for j in g:
            if piece and sum(words[x] for x in piece) + words[j] > MAX_WORDS:
                out.append(piece)
                piece = []
            piece.append(j)
        out.append(piece)
    return out


GENERIC_NAMES = {"الله", "عبد", "بن", "ابن", "ابو", "محمد", "احمد", "علي", "السيد", "الشيخ"}


def _name_key(tokens: list[str]) -> str:
    words = [w for tok in tokens for w in re.findall(r"\w+", normalize_arabic(tok)) if not w.isdigit()]
    if words:
        words[0] = stem(words[0])  # "وكوفي", "بلبنان": the proclitic off the first word
    return " ".join(words)


def entities(sents) -> Counter:
    """Tagged names of an article (ANERcorp's B-/I- PERS, ORG, LOC spans): (type, normalized name) -> count.
    A person also counts under their last name ("كوفي انان" and "انان")."""
    found: Counter = Counter()
    for s in sents:
        span: list[str] = []
        kind = None
        for tok, tag in list(s) + [(".", "O")]:
            if tag.startswith("I-") and span and tag[2:] == kind:
                span.append(tok)
                continue
            if span and kind != "MISC":
                key = _name_key(span)
                if len(key) >= 2 and key not in GENERIC_NAMES:
                    found[(kind, key)] += 1
                last = _name_key(span[-1:]) if kind == "PERS" and len(span) > 1 else ""
                if len(last) >= 3 and last not in GENERIC_NAMES:
                    found[(kind, last)] += 1
            span, kind = ([tok], tag[2:]) if tag.startswith(("B-", "I-")) else ([], None)
    return found


def load_articles(path: Path, rng: random.Random) -> tuple[list[dict], dict]:
    sents = split_sentences(read_tokens(path))
    segs = segment(sents)
    articles, stats = [], Counter(sentences=len(sents), segments=len(segs))
    kept_shingles: list[set[bytes]] = []
    index: dict[bytes, list[int]] = defaultdict(list)
    for n, seg in enumerate(segs):
        texts = [detokenize([t[0] for t in sents[i]]) for i in seg]
        text = " ".join(texts)
        if word_count(text) < MIN_WORDS:
            stats["short"] += 1
            continue
        sh = shingles_of(text)
        hits = Counter(k for s in sh for k in index.get(s, ()))
        if any(c / min(len(sh), len(kept_shingles[k])) >= 0.2 for k, c in hits.items()):
            stats["corpus_repeat"] += 1
            continue
        k = len(articles)
        kept_shingles.append(sh)
        for s in sh:
            index[s].append(k)
        # paragraphs of 1-3 sentences
        paras, i = [], 0
        while i < len(texts):
            size = rng.choice([1, 2, 2, 3])
            paras.append(texts[i : i + size])
            i += size
        first = sents[seg[0]]
        city = next((t[0] for t in first[:3] if t[1] == "B-LOC"), None) if is_dateline(first) else None
        articles.append({"segment": n, "first_sentence": seg[0], "paragraphs": paras, "entities": entities([sents[i] for i in seg]),
                         "dateline_city": city})
    canonical_names(articles)
    stats["articles"] = len(articles)
    return articles, dict(stats)


def text_of(paragraphs: list[list[str]]) -> str:
    return "\n".join(" ".join(p) for p in paragraphs if p)


# ---------------------------------------------------------------- topical similarity (tagged names)

def canonical_names(articles: list[dict]) -> None:
    """Fold a one-letter proclitic (ب ل ف ك و) off a name when the bare name occurs too: "بمراكش" -> "مراكش"."""
    known = {k[1] for a in articles for k in a["entities"]}
    for a in articles:
        folded: Counter = Counter()
        for (kind, key), n in a["entities"].items():
            if key[:1] in "بلفكو" and len(key) > 3 and key[1:] in known:
                key = key[1:]
            folded[(kind, key)] += n
        a["entities"] = folded


def name_similarity(articles: list[dict]):
    df = Counter(k for a in articles for k in set(a["entities"]))
    n = len(articles)
    idf = {k: math.log((n + 1) / (c + 1)) + 1.0 for k, c in df.items()}
    common = {k for k, c in df.items() if c > 0.08 * n}  # "إسرائيل", "الأمم": too common to tie two articles

    def sim(a: dict, b: dict) -> tuple[float, set]:
        ka = {k for k in a["entities"] if k not in common}
        kb = {k for k in b["entities"] if k not in common}
        shared = ka & kb
        union = ka | kb
        if not union:
            return 0.0, shared
        return sum(idf[k] for k in shared) / sum(idf[k] for k in union), shared

    return sim


# ---------------------------------------------------------------- edits

def _words_edit(text: str, fn) -> str:
    return " ".join(fn(w) for w in text.split(" "))


def edit_orthography(paras, rng, **_):
    p = rng.uniform(0.15, 0.35)

    def one(w: str) -> str:
        if rng.random() > p or not re.search("[\u0621-\u064a]", w):
            return w
        choice = rng.random()
        if choice < 0.25 and w.endswith(("ي", "ى")):
            return w[:-1] + "ی"  # Persian yeh
        if choice < 0.4 and "ك" in w:
            return w.replace("ك", "ک")
        if choice < 0.55 and w[:1] in "أإ":
            return "ا" + w[1:]
        if choice < 0.65 and w.startswith("ا") and not w.startswith("ال") and len(w) > 3:
            return "أ" + w[1:]  # a hamza where none belongs
        if choice < 0.72 and w.endswith("ة"):
            return w[:-1] + "ه"
        joins = [k for k in range(1, len(w) - 1) if w[k - 1] not in NON_JOINING and "\u0621" <= w[k] <= "\u064a"]
        if choice < 0.85 and joins:
            k = rng.choice(joins)
            return w[:k] + "\u0640" + w[k:]  # tatweel, between two joined letters
        letters = [i for i, c in enumerate(w) if "\u0621" <= c <= "\u064a"]
        if not letters:
            return w
        k = rng.choice(letters)
        return w[: k + 1] + rng.choice(DIACRITICS) + w[k + 1 :]

    return [[_words_edit(s, one) for s in para] for para in paras]


def edit_reword(paras, rng, **_):
    sents = [(i, j) for i, para in enumerate(paras) for j in range(len(para))]
    out = [list(para) for para in paras]
    for _ in range(rng.randint(3, 8)):
        i, j = rng.choice(sents)
        ws = out[i][j].split(" ")
        if len(ws) < 6:
            continue
        k = rng.randrange(1, len(ws) - 2)
        op = rng.random()
        syn = [x for x in range(len(ws)) if ws[x] in SYNONYMS]
        if op < 0.45 and syn:
            x = rng.choice(syn)
            ws[x] = SYNONYMS[ws[x]]
        elif op < 0.75:
            del ws[k]  # drop a word
        else:
            ws[k], ws[k + 1] = ws[k + 1], ws[k]
        out[i][j] = " ".join(w for w in ws if w)
    return out


def edit_truncate(paras, rng, **_):
    sents = [s for para in paras for s in para]
    keep = max(2, round(len(sents) * rng.uniform(0.4, 0.7)))
    out, left = [], keep
    for para in paras:
        if left <= 0:
            break
        out.append(para[:left])
        left -= len(para[:left])
    return out


def edit_reorder(paras, rng, **_):
    out = [list(p) for p in paras]
    if len(out) >= 3 and rng.random() < 0.6:
        if rng.random() < 0.5:  # a later paragraph moved up to second place
            k = rng.randrange(2, len(out))
            out.insert(1, out.pop(k))
        else:  # two paragraphs after the lead swapped
            a, b = rng.sample(range(1, len(out)), 2)
            out[a], out[b] = out[b], out[a]
    else:  # sentences shuffled inside a longer paragraph, or two sentences of the text swapped
        flat = [s for p in out for s in p]
        if len(flat) >= 3:
            a, b = rng.sample(range(1, len(flat)), 2)
            flat[a], flat[b] = flat[b], flat[a]
            it = iter(flat)
            out = [[next(it) for _ in p] for p in out]
    return out


def edit_teaser(paras, rng, other_first: str, **_):
    out = [list(p) for p in paras]
    cue = rng.choice(TEASER_CUES)
    headline = " ".join(other_first.split()[: rng.randint(*TEASER_WORDS)]).rstrip(".،,:·")
    out.insert(min(len(out), rng.choice([1, 1, 2])), [f"{cue} {headline}"])
    return out


def edit_dateline(paras, rng, city: str | None, **_):
    out = [list(p) for p in paras]
    tpl = rng.choice(DATELINES)
    line = tpl.format(city=city or rng.choice(["القاهرة", "بيروت", "عمان"]))
    first = out[0][0]
    m = re.match(r"^\S+(?: \S+)? ?\([^()]{2,15}\) ?-? ?", first)  # an agency dateline already there: replaced
    if m:
        first = first[m.end():]
    out[0][0] = f"{line} {first}"
    return out


def edit_lead(paras, rng, salient: str, **_):
    out = [list(p) for p in paras]
    lead = rng.choice(LEADS).format(x=salient)
    if rng.random() < 0.5 and len(out[0]) > 1:
        out[0][0] = lead  # the outlet rewrote the lead sentence
    else:
        out.insert(0, [lead])  # or put its own lead paragraph on top
    return out


def edit_footer(paras, rng, outlet: str, **_):
    lines = FOOTERS[outlet]
    picked = [lines[0]] if rng.random() < 0.5 else []
    picked += rng.sample(lines[1:], rng.choice([1, 1, 2]))
    return [list(p) for p in paras] + [[x] for x in picked]


APPLY_ORDER = ["reword", "truncate", "reorder", "orthography", "teaser", "lead", "dateline", "footer"]
EDIT_FN = {"reword": edit_reword, "truncate": edit_truncate, "reorder": edit_reorder, "orthography": edit_orthography,
           "teaser": edit_teaser, "lead": edit_lead, "dateline": edit_dateline, "footer": edit_footer}


# ---------------------------------------------------------------- sets

def recycled_background(paras: list[list[str]], own_words: int, rng: random.Random) -> list[list[str]]:
    """Closing sentences of an article, reused by a follow-up as background: 25-60% of its words, never
    its first sentence, and no more words than the follow-up's own text (so that the new report stays
    the larger part); sometimes opened with "يذكر أن"."""
    sents = [x for p in paras for x in p]
    words = [word_count(x) for x in sents]
    total = sum(words)
    cap = min(0.6 * total, own_words)
    target = min(rng.uniform(0.25, 0.6) * total, cap)
    k = 1
    while k < len(sents) - 1 and sum(words[-(k + 1):]) <= cap and sum(words[-k:]) < target:
        k += 1
    tail = sents[-k:]
    if rng.random() < 0.5:
        tail[0] = "يذكر أن " + tail[0]
    return [tail[: (len(tail) + 1) // 2], tail[(len(tail) + 1) // 2 :]] if len(tail) > 2 else [tail]


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def salient_name(a: dict) -> str:
    """A person or organisation name token of the article, for a rewritten lead."""
    names = [k[1] for k, _ in a["entities"].most_common() if k[0] in ("PERS", "ORG", "LOC")]
    return names[0] if names else "الأزمة"


def build_dedup(articles: list[dict], rng: random.Random) -> dict:
    n = len(articles)
    sim = name_similarity(articles)
    ids = [f"a{a['segment']:04d}" for a in articles]
    # hard-negative pairs: the most alike articles by tagged names, near each other in the corpus
    pairs = []
    for i in range(n):
        for j in range(i + 1, min(n, i + 6)):
            s, shared = sim(articles[i], articles[j])
            if s >= 0.1 and len(shared) >= 2:
                pairs.append((s, i, j))
    pairs.sort(reverse=True)
    role: dict[int, str] = {}
    partner: dict[int, int] = {}
    for s, i, j in pairs:
        if len(partner) >= 2 * HARD_NEGATIVE_PAIRS:
            break
        if i in role or j in role:
            continue
        copied, single = (i, j) if rng.random() < 0.5 else (j, i)
        role[copied], role[single] = "copied", "hard_negative"
        partner[copied], partner[single] = single, copied
    rest = [i for i in range(n) if i not in role]
    rng.shuffle(rest)
    need = COPIED - sum(1 for r in role.values() if r == "copied")
    for i in rest[:need]:
        role[i] = "copied"
    for i in rest[need:]:
        role[i] = "singleton"
    # follow-ups: a singleton next to a copied article in the corpus (often the same topic) becomes a new
    # article that ends with background paragraphs recycled from it; not a copy (it reports other news)
    followup_of: dict[int, int] = {}
    cands = [i for i in range(n) if role[i] == "singleton" and any(0 <= i + d < n and role[i + d] == "copied" for d in (-1, 1))]
    rng.shuffle(cands)
    for i in sorted(cands[:FOLLOWUPS]):
        followup_of[i] = i - 1 if i > 0 and role[i - 1] == "copied" else i + 1
        role[i] = "followup"
    # publication: corpus order, ARTICLES_PER_DAY a day; a hard negative the same day as its partner
    base_time = {i: START + timedelta(days=i // ARTICLES_PER_DAY, minutes=rng.randrange(0, 14 * 60)) for i in range(n)}
    for i, r in role.items():
        if r == "hard_negative":
            base_time[i] = base_time[partner[i]].replace(hour=6) + timedelta(minutes=rng.randrange(0, 14 * 60))
    outlet = {i: rng.choice(OUTLETS) for i in range(n)}
    for i, r in role.items():
        if r == "hard_negative":
            outlet[i] = outlet[partner[i]]

    docs, groups = [], []
    for i in range(n):
        a = articles[i]
        doc = {"id": ids[i], "text": text_of(a["paragraphs"]), "published": iso(base_time[i]), "outlet": outlet[i],
               "edit": "original" if role[i] == "copied" else ("hard_negative" if role[i] == "hard_negative" else "none"),
               "source_segment": a["segment"]}
        if i in partner:
            doc["topic_partner"] = ids[partner[i]]
        if role[i] == "followup":
            b = followup_of[i]
            own = word_count(text_of(a["paragraphs"]))
            doc.update(text=text_of(a["paragraphs"] + recycled_background(articles[b]["paragraphs"], own, rng)), edit="followup",
                       recycles=ids[b], published=iso(base_time[b] + timedelta(minutes=rng.randrange(6 * 60, 72 * 60))),
                       outlet=outlet[b] if rng.random() < 0.5 else rng.choice(OUTLETS))
        docs.append(doc)
        if role[i] != "copied":
            continue
        group = [ids[i]]
        used_outlets = {outlet[i]}
        for c in range(rng.choices([1, 2, 3], weights=[0.45, 0.35, 0.2])[0]):
            k = rng.choices([1, 2, 3], weights=[0.5, 0.35, 0.15])[0]
            kinds = rng.sample(EDITS, k)
            if "lead" in kinds and "dateline" in kinds and rng.random() < 0.5:
                kinds.remove("lead")
            out_c = rng.choice([o for o in OUTLETS if o not in used_outlets])
            used_outlets.add(out_c)
            other = articles[rng.choice([x for x in range(n) if x != i])]
            ctx = {"other_first": other["paragraphs"][0][0], "city": a["dateline_city"], "salient": salient_name(a), "outlet": out_c}
            paras = [list(p) for p in a["paragraphs"]]
            for kind in APPLY_ORDER:
                if kind in kinds:
                    paras = EDIT_FN[kind](paras, rng, **ctx)
            cid = f"{ids[i]}-c{c + 1}"
            when = base_time[i] + timedelta(minutes=rng.randrange(0, 48 * 60))
            docs.append({"id": cid, "text": text_of(paras), "published": iso(when), "outlet": out_c,
                         "edit": "+".join(k for k in APPLY_ORDER if k in kinds), "copy_of": ids[i], "source_segment": a["segment"]})
            group.append(cid)
        groups.append(group)
    docs.sort(key=lambda d: d["published"])
    return {
        "about": "Near-duplicate dev set built by tools/build_dedup_devset.py from ANERcorp (real Arabic news); copies are "
                 "synthetic edits of real articles. Fields beyond id/text/published/outlet are labels for analysis.",
        "documents": docs,
        "duplicate_groups": groups,
    }


def build_stories(articles: list[dict], rng: random.Random) -> dict:
    n = len(articles)
    sim = name_similarity(articles)
    ids = [f"a{a['segment']:04d}" for a in articles]
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    size = [1] * n
    links = []
    for i in range(n):
        for j in range(i + 1, min(n, i + 1 + STORY_WINDOW)):
            s, shared = sim(articles[i], articles[j])
            if s >= STORY_LINK and len(shared) >= 2 and any(k[0] in ("PERS", "ORG") for k in shared):
                links.append((s, i, j))
    for s, i, j in sorted(links, reverse=True):
        a, b = find(i), find(j)
        if a != b and size[a] + size[b] <= STORY_MAX:
            parent[a] = b
            size[b] += size[a]
    comps: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        comps[find(i)].append(i)
    units = sorted(comps.values(), key=lambda g: min(g))  # stories and singletons, in corpus order
    # timeline: each unit starts 3-12 hours after the one before it (neighbours in the corpus overlap in
    # time); members of a story are spread over 0-3 days from its start
    docs, stories, t = [], [], START
    for g in units:
        span = rng.choice([0, 1, 1, 2, 2, 3]) if len(g) > 1 else 0
        for i in sorted(g):
            when = t + timedelta(minutes=rng.randrange(0, max(span * 24 * 60, 12 * 60)))  # a story spans <= 3 days
            docs.append({"id": ids[i], "text": text_of(articles[i]["paragraphs"]), "published": iso(when),
                         "outlet": rng.choice(OUTLETS), "source_segment": articles[i]["segment"]})
        if len(g) > 1:
            stories.append([ids[i] for i in sorted(g)])
        t += timedelta(hours=rng.choice([3, 6, 8, 12]))
    docs.sort(key=lambda d: d["published"])
    return {
        "about": "Story dev set built by tools/build_dedup_devset.py from ANERcorp (real Arabic news). Story labels are "
                 "heuristic (overlap of ANERcorp's tagged person/organisation/location names between articles near each "
                 "other in the corpus), not human judgements; publication dates are assigned, not real.",
        "documents": docs,
        "stories": stories,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--anercorp", type=Path, default=ANERCORP)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    articles, stats = load_articles(args.anercorp, rng)
    dedup = build_dedup(articles, random.Random(args.seed + 1))
    stories = build_stories(articles, random.Random(args.seed + 2))
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in (("dedup_dev.json", dedup), ("stories_dev.json", stories)):
        path = args.out / name
        path.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    edits = Counter(d["edit"] for d in dedup["documents"])
    single = Counter(e for d in dedup["documents"] if "copy_of" in d for e in d["edit"].split("+"))
    words = sorted(word_count(text_of(a["paragraphs"])) for a in articles)
    print(f"corpus: {stats}; words per article: median {words[len(words) // 2]}, min {words[0]}, max {words[-1]}")
    print(f"dedup: {len(dedup['documents'])} documents, {len(dedup['duplicate_groups'])} groups, "
          f"{sum(len(g) for g in dedup['duplicate_groups']) - len(dedup['duplicate_groups'])} copies; roles "
          f"{ {k: v for k, v in edits.items() if k in ('original', 'none', 'hard_negative', 'followup')} }")
    print(f"       copies per edit type (a copy counts once per edit it has): {dict(sorted(single.items()))}")
    sizes = Counter(len(s) for s in stories["stories"])
    print(f"stories: {len(stories['documents'])} documents, {len(stories['stories'])} stories of 2+ "
          f"(sizes {dict(sorted(sizes.items()))}), {len(stories['documents']) - sum(len(s) for s in stories['stories'])} alone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
