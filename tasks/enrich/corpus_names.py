"""Names the news corpus taught (tasks.enrich.lexicons: places, groups, brands) added where the recogniser,
taught by ANERcorp's 2003 text, found nothing:

- places (عفرين, الحديدة, دير الزور) as LOC. A name that is also a common word ("دوما", "سيدي") counts only
  in an article that writes it after a place noun at least once ("مدينة دوما"); a two-word name always;
- armed groups, movements and parties as ORG, with their noun as the guide writes them ("تنظيم داعش",
  "جماعة بوكو حرام"; "تنظيم «الدولة الإسلامية»" is the quoted name); alone ("داعش") only when indefinite:
  "القاعدة", "النهضة" alone are common words;
- companies, sites and apps as ORG, the name alone ("موقع تويتر" → "تويتر").

The text's words are looked up in the lists one by one (a name of one or two words, behind an optional
one-letter clitic), not matched against an alternation of every name: a few hundred names cost a set
lookup a word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from tasks.enrich.attributions import LATIN_OUTLETS
from tasks.enrich.lexicons.organisations import GROUPS, brand_names, group_names
from tasks.enrich.lexicons.places import PLACES, place_names
from tasks.enrich.ner.lexicon import lexicon
from tasks.enrich.ner.tagger import Mention
from tasks.text.normalize import fold_keeping_offsets, original_offset

COMMON_ZIPF = 4.5  # a place this frequent in ordinary Arabic needs the article's own place noun before it
_WORD = re.compile(r"\w+")
_CLITICS = "وفبل"
_OPEN, _CLOSE = "\"«“", "\"»”"


@dataclass(frozen=True)
class _Hit:
    start: int  # folded offsets
    end: int
    name: str  # normalized
    kind: str  # places | groups | brands | headed


@cache
def _tables() -> dict[str, frozenset[str]]:
    return {"places": place_names(), "brands": brand_names(),
            "groups": frozenset(n for n in group_names() if not n.startswith("ال")),
            "all_groups": group_names()}


@cache
def _index() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """One-word names -> kind, and first words -> {second word: kind} (places win over brands and groups)."""
    singles: dict[str, str] = {}
    pairs: dict[str, dict[str, str]] = {}
    for kind in ("groups", "brands", "places"):
        for name in _tables()[kind]:
            first, _, second = name.partition(" ")
            if second:
                pairs.setdefault(first, {})[second] = kind
            else:
                singles[name] = kind
    return singles, pairs


@cache
def _keys() -> frozenset[str]:
    """Every word a hit can start with: one-word names, first words of two-word names, group nouns."""
    singles, pairs = _index()
    return frozenset(singles) | frozenset(pairs) | frozenset(GROUPS.nouns)


def _hits(folded: str) -> list[_Hit]:
    """Every place, group and brand name in the folded text (a word, or the word behind a one-letter
    clitic), a two-word name before a one-word one."""
    singles, pairs = _index()
    keys = _keys()
    present = {t for t in set(_WORD.findall(folded)) if t in keys or (t[:1] in _CLITICS and t[1:] in keys)}
    if not present:
        return []
    words = list(_WORD.finditer(folded))
    hits = []
    for i, w in enumerate(words):
        word, start = w.group(), w.start()
        if word not in present:
            continue
        forms = ((0, word), (1, word[1:])) if word[0] in _CLITICS and len(word) > 3 else ((0, word),)
        for skip, form in forms:
            if form in GROUPS.nouns and (headed := _headed(folded, words, i, skip)):
                hits.append(headed)
            seconds = pairs.get(form)
            if seconds and i + 1 < len(words) and folded[w.end():words[i + 1].start()].isspace() \
                    and (kind := seconds.get(words[i + 1].group())):
                hits.append(_Hit(start + skip, words[i + 1].end(), f"{form} {words[i + 1].group()}", kind))
            elif kind := singles.get(form):
                hits.append(_Hit(start + skip, w.end(), form, kind))
    return hits


def _headed(folded: str, words: list[re.Match], i: int, skip: int) -> _Hit | None:
    """A group's noun (word i, behind `skip` clitic letters) and its name: "تنظيم داعش"; "تنظيم «الدولة
    الإسلامية»" gives the quoted name alone."""
    if i + 1 >= len(words):
        return None
    opening = folded[words[i].end():words[i + 1].start()].strip()
    if opening and opening not in _OPEN:
        return None
    for n in (2, 1):
        parts = words[i + 1:i + 1 + n]
        if len(parts) < n or (n == 2 and not folded[parts[0].end():parts[1].start()].isspace()):
            continue
        name = " ".join(p.group() for p in parts)
        if name not in _tables()["all_groups"]:
            continue
        end = parts[-1].end()
        if opening and folded[end:end + 1] in _CLOSE:
            return _Hit(parts[0].start(), end, name, "headed")
        return _Hit(words[i].start() + skip, end, name, "headed")
    return None


def _common_place(folded: str, name: str) -> bool:
    """A one-word place that is a common word, and the article never writes it after a place noun."""
    if " " in name or lexicon().zipf.get(name, 0.0) < COMMON_ZIPF:
        return False
    nouns = "|".join(PLACES.nouns)
    return re.search(rf"(?<!\w)[وفبل]?(?:{nouns})\s+[\"«“]?#?{re.escape(name)}(?!\w)", folded) is None


def _sorted(mentions: list) -> list:
    return sorted(mentions, key=lambda m: (m.start, -m.end))


def with_corpus_names(text: str, mentions: list) -> list:
    """The mentions (objects with start, end, surface, type) with the corpus's groups (replacing what the
    recogniser found inside "تنظيم داعش"), brands and places added where no mention is; a brand the
    recogniser typed a person or a place ("نتفليكس" PER) is the company."""
    folded, shifts = fold_keeping_offsets(text)
    hits = _hits(folded)
    out = list(mentions)

    def span(h: _Hit) -> tuple[int, int]:
        return original_offset(shifts, h.start), original_offset(shifts, h.end)

    for h in (h for h in hits if h.kind == "headed"):
        start, end = span(h)
        if any(x.start < end and start < x.end and not (start <= x.start and x.end <= end) for x in out):
            continue  # a mention crosses it: the recogniser read something else here
        out = [x for x in out if not (start <= x.start and x.end <= end)]
        out.append(Mention(start, end, text[start:end], "ORG", text[start:end]))
    common: dict[str, bool] = {}
    for kind, label in (("groups", "ORG"), ("brands", "ORG"), ("places", "LOC")):
        for h in (h for h in hits if h.kind == kind):
            start, end = span(h)
            overlapping = [x for x in out if x.start < end and start < x.end]
            if kind == "places" and overlapping and all(x.type == "LOC" and start <= x.start and x.end <= end
                                                        for x in overlapping):
                out = [x for x in out if x not in overlapping]  # "جنوب [أفريقيا]": the compound is the name
            elif overlapping:
                continue
            if kind == "places" and common.setdefault(h.name, _common_place(folded, h.name)):
                continue
            out.append(Mention(start, end, text[start:end], label, text[start:end]))
    for m in LATIN_OUTLETS.finditer(text):  # "(CNN)", "لـCNN": the outlet is an organisation mentioned
        out = [x for x in out if not (x.start < m.end() and m.start() < x.end and x.type == "PER")]
        if not any(x.start < m.end() and m.start() < x.end for x in out):
            out.append(Mention(m.start(), m.end(), m.group(), "ORG", m.group()))
    brands = {span(h) for h in hits if h.kind == "brands"}
    out = [replace(x, type="ORG") if x.type in ("PER", "LOC") and (x.start, x.end) in brands else x for x in out]
    return _sorted(out)
