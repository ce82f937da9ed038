"""Names the news corpus taught (tasks.enrich.lexicons: places, groups, brands) added where the recogniser,
taught by ANERcorp's 2003 text, found nothing:

- places (عفرين, الحديدة, دير الزور) as LOC. A name that is also a common word ("دوما", "سيدي") counts only
  in an article that writes it after a place noun at least once ("مدينة دوما"); a two-word name always;
- armed groups, movements and parties as ORG, with their noun as the guide writes them ("تنظيم داعش",
  "جماعة بوكو حرام"; "تنظيم «الدولة الإسلامية»" is the quoted name); alone ("داعش") only when indefinite:
  "القاعدة", "النهضة" alone are common words;
- companies, sites and apps as ORG, the name alone ("موقع تويتر" → "تويتر").
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from tasks.enrich.lexicons.organisations import BRANDS, GROUPS, brand_names, group_names
from tasks.enrich.lexicons.places import PLACES, place_names
from tasks.enrich.ner.lexicon import lexicon
from tasks.enrich.ner.tagger import Mention
from tasks.text.normalize import fold_keeping_offsets, original_offset

COMMON_ZIPF = 4.5  # a place this frequent in ordinary Arabic needs the article's own place noun before it


def _alternation(words) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@cache
def _bare(kind: str) -> re.Pattern:
    """A name of the class behind an optional # and one-letter clitic; group names only indefinite."""
    names = {"places": place_names(), "brands": brand_names(),
             "groups": {n for n in group_names() if not n.startswith("ال")}}[kind]
    return re.compile(rf"(?<!\w)#?[وفبل]?({_alternation(names)})(?!\w)")


@cache
def _headed() -> re.Pattern:
    """A group's noun and its name, quoted or not: "تنظيم داعش", "لتنظيم «الدولة الإسلامية»"."""
    return re.compile(rf"(?<!\w)[وفبل]?(?P<head>{_alternation(GROUPS.nouns)})\s+(?P<q>[\"«“]?)"
                      rf"(?P<name>{_alternation(group_names())})(?P<q2>[\"»”]?)(?!\w)")


def _common_place(folded: str, name: str) -> bool:
    """A one-word place that is a common word, and the article never writes it after a place noun."""
    if " " in name or lexicon().zipf.get(name, 0.0) < COMMON_ZIPF:
        return False
    nouns = _alternation(PLACES.nouns)
    return re.search(rf"(?<!\w)[وفبل]?(?:{nouns})\s+[\"«“]?#?{re.escape(name)}(?!\w)", folded) is None


def _sorted(mentions: list) -> list:
    return sorted(mentions, key=lambda m: (m.start, -m.end))


def _add_bare(text: str, folded: str, shifts: list[int], mentions: list, kind: str, label: str) -> list:
    taken = [(m.start, m.end) for m in mentions]
    added, common = [], {}
    for m in _bare(kind).finditer(folded):
        start, end = original_offset(shifts, m.start(1)), original_offset(shifts, m.end(1))
        if any(a < end and start < b for a, b in taken):
            continue
        if kind == "places" and common.setdefault(m[1], _common_place(folded, m[1])):
            continue
        surface = text[start:end]
        added.append(Mention(start, end, surface, label, surface))
        taken.append((start, end))
    return _sorted(mentions + added) if added else mentions


def with_corpus_places(text: str, mentions: list) -> list:
    """The mentions (objects with start, end, type) with the corpus's places added where no mention is."""
    folded, shifts = fold_keeping_offsets(text)
    return _add_bare(text, folded, shifts, list(mentions), "places", "LOC")


def with_corpus_organisations(text: str, mentions: list) -> list:
    """The mentions with the corpus's groups (replacing what the recogniser found inside "تنظيم داعش") and
    brands added."""
    folded, shifts = fold_keeping_offsets(text)
    out = list(mentions)
    for m in _headed().finditer(folded):
        quoted = bool(m["q"]) and bool(m["q2"])
        a, b = (m.start("name"), m.end("name")) if quoted else (m.start("head"), m.end("name"))
        start, end = original_offset(shifts, a), original_offset(shifts, b)
        if any(x.start < end and start < x.end and not (start <= x.start and x.end <= end) for x in out):
            continue  # a mention crosses it: the recogniser read something else here
        out = [x for x in out if not (start <= x.start and x.end <= end)]
        surface = text[start:end]
        out.append(Mention(start, end, surface, "ORG", surface))
    out = _add_bare(text, folded, shifts, _sorted(out), "groups", "ORG")
    out = _add_bare(text, folded, shifts, out, "brands", "ORG")
    # a brand the recogniser typed a person or a place ("نتفليكس" PER) is the company
    brands = brand_names()
    return [replace(x, type="ORG") if x.type in ("PER", "LOC") and _folded(x.surface) in brands else x for x in out]


def _folded(surface: str) -> str:
    return fold_keeping_offsets(surface.lstrip("#"))[0]
