"""Names the news corpus writes after a class noun ("مدينة X", "تنظيم X", "شركة X"), mined rather than
remembered (tasks.enrich.lexicons.places, tasks.enrich.lexicons.organisations).

A name qualifies when the corpus writes it after one of the nouns often enough, and a fair share of all its
uses are there: a word that follows the noun only now and then ("مدينة كبيرة", "منطقة آمنة") is an
adjective or a common word. Two-word names count when their words mostly occur together ("دير الزور",
"بوكو حرام"), not a name and its adjective ("صعدة اليمنية"). Adjectives (a feminine whose masculine the
corpus uses, "جبلية"; a participle's shape, "منزوعة", "عازلة"), words behind a clitic the corpus mostly
writes alone ("بولاية"), and the first word of a two-word name ("دير" of "دير الزور") are left out."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tasks.enrich.lexicons.corpus import Rows, normalized_texts

WORD = r"[^\s\"«»“”،,.:;()\[\]!؟?‘’]+"
FUNCTION_WORDS = {"في", "من", "الي", "علي", "عن", "مع", "التي", "الذي", "ان", "او", "ما", "لا", "قد", "كما", "وهي", "هي",
             "بعد", "قبل", "حيث", "خلال", "عند", "منذ", "ضد", "نحو", "بين", "لم", "لن", "كان", "كانت", "اي", "كل",
             "هذه", "هذا", "تلك", "ذلك", "ثم", "حتي", "الا", "اذ", "ذات", "غير", "وفي", "ومن", "وقد"}
_DIRECTIONS = {"شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "وسط", "قرب", "شمالا", "جنوبا"}
_NISBA = re.compile(r"^ال\w{2,}(?:ي|يه|يين|يون)$")  # "اليمنيه", "الشمالي": an adjective of the name before it
_PARTICIPLE = re.compile(r"^(?:م\w\wو\wه|\wا\w\wه)$")  # "منكوبه", "معزوله", "عازله", "نائيه": adjectives
_SUFFIXED = re.compile(r"\w{3,}(?:ته|ها|هم|ون)$")  # "اجازته", "عليها", "يريدون": a pronoun or a verb's ending
MIN_AFTER_NOUN = 5
MIN_TOGETHER = 0.5  # a two-word name: its words occur together at least this share of the rarer word's uses


@dataclass(frozen=True)
class NounClass:
    nouns: tuple[str, ...]  # normalized
    nisba_second: bool = False  # "تنظيم الدولة الإسلامية": a name's second word may be a nisba
    zone: str | None = None  # a noun whose names alone are not kept ("منطقة الجزاء")
    max_zone_share: float = 0.8
    min_share: float = 0.2  # of all the name's uses, after one of the nouns
    definite: bool = True  # names may be definite ("الحديده"); brands are not ("الاستشارات" is a trade)
    not_in: frozenset[str] = frozenset()  # names of another class ("جبهة نهم" is a front: نهم is a place)


def _plain(word: str, nouns: tuple[str, ...]) -> bool:
    """A word that can be (part of) a name: no function word, class noun, direction, number, Latin,
    pronoun suffix, no conjunction و on it ("ومينائها") and no ل on a definite word ("للتجارب")."""
    return (len(word) >= 3 and word not in FUNCTION_WORDS and word not in nouns and word not in _DIRECTIONS
            and word[:1] != "و" and not word.startswith("لل") and not _SUFFIXED.fullmatch(word)
            and not any(c.isdigit() or c.isascii() for c in word))


def _candidates(m: re.Match, kind: NounClass) -> list[str]:
    one = m["n1"]
    if not _plain(one, kind.nouns) or not kind.definite and one.startswith("ال"):
        return []
    out = [one]
    two = m["n2"]
    if two and _plain(two, kind.nouns) and not _NISBA.match(one) and (kind.nisba_second or not _NISBA.match(two)):
        out.append(f"{one} {two}")
    return out


def _adjective(word: str, counts: Counter) -> bool:
    """A feminine adjective: its masculine form is a word the corpus uses ("جبليه": جبلي), or it has the
    shape of a participle ("منزوعه", "عازله"); an indefinite masculine nisba whose feminine is in use
    ("ارهابي": ارهابيه)."""
    if _PARTICIPLE.match(word):
        return True
    if word.endswith("يه"):
        return counts[word[:-1]] >= 0.3 * counts[word]
    return word.endswith("ي") and counts[word + "ه"] >= 0.3 * counts[word]


def _behind_clitic(word: str, counts: Counter) -> bool:
    """ب or ل on a word the corpus uses more often alone ("بولايه": ولايه, "بملاعب": ملاعب)."""
    return word[:1] in ("ب", "ل") and counts[word[1:]] >= counts[word]


def pattern(kind: NounClass) -> re.Pattern:
    """A class noun (behind an optional clitic), then one or two words (behind an optional quote or #)."""
    nouns = "|".join(sorted(kind.nouns, key=len, reverse=True))
    return re.compile(rf"(?<!\w)[وفبل]?(?P<noun>{nouns})\s+[\"«“‘]?#?(?P<n1>{WORD})(?:\s+(?P<n2>{WORD}))?")


def mine(files: list[Path], kind: NounClass) -> Rows:
    """(name, times after a class noun, times anywhere) for the names that pass the tests."""
    after_noun = pattern(kind)
    after, in_zone = Counter(), Counter()
    for text in normalized_texts(files):
        for m in after_noun.finditer(text):
            names = _candidates(m, kind)
            after.update(names)
            if m["noun"] == kind.zone:
                in_zone.update(names)
    kept = {n for n, c in after.items() if c >= MIN_AFTER_NOUN}
    words, pairs = _occurrences(files, {n for n in kept if " " not in n}, {n for n in kept if " " in n})
    rows = {}
    for name in kept:
        parts = name.split()
        everywhere = pairs[name] if len(parts) == 2 else words[name]
        if not everywhere or after[name] < kind.min_share * everywhere or in_zone[name] > kind.max_zone_share * after[name]:
            continue
        if name in kind.not_in:
            continue
        if any(_behind_clitic(p, words) for p in parts):
            continue
        if len(parts) == 1 and (_adjective(name, words)
                                or not kind.definite and words["ال" + name] >= 0.5 * words[name]):
            continue  # an adjective; or, for a class of indefinite names, a noun ("طيران": الطيران)
        if len(parts) == 2 and (everywhere < MIN_TOGETHER * min(words[parts[0]], words[parts[1]])
                                or not kind.nisba_second and _adjective(parts[1], words)):
            continue
        rows[name] = (after[name], everywhere)
    # a word kept mostly as the start of a longer name ("دير" of "دير الزور") is not a name of its own
    rows = {n: v for n, v in rows.items()
            if " " in n or not any(t.startswith(n + " ") and 2 * rows[t][0] >= v[0] for t in rows)}
    return sorted(((n, a, e) for n, (a, e) in rows.items()), key=lambda r: (-r[1], r[0]))


def _occurrences(files: list[Path], singles: set[str], doubles: set[str]) -> tuple[Counter, Counter]:
    """How often each word occurs (a candidate also behind a one-letter clitic or #), and each two-word name."""
    words, pairs = Counter(), Counter()
    token = re.compile(WORD)
    for text in normalized_texts(files):
        tokens = [t.lstrip("#") for t in token.findall(text)]
        tokens = [t[1:] if t not in singles and t[:1] in "وفبل" and t[1:] in singles else t for t in tokens]
        words.update(tokens)
        pairs.update(p for p in map(" ".join, zip(tokens, tokens[1:])) if p in doubles)
    return words, pairs
