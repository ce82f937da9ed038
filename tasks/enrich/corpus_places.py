"""Places the news corpus names (tasks.enrich.lexicons.places: عفرين, الحديدة, دير الزور, سيدي بوزيد) added
where the recogniser, taught by ANERcorp's 2003 text, found nothing. A name that is also a common word
("دوما", "سيدي") counts only in an article that writes it after a place noun at least once ("مدينة دوما");
a two-word name ("دير الزور") always counts."""
from __future__ import annotations

import re
from functools import cache

from tasks.enrich.lexicons.places import PLACE_NOUNS, place_names
from tasks.enrich.ner.lexicon import lexicon
from tasks.enrich.ner.tagger import Mention
from tasks.text.normalize import fold_keeping_offsets, original_offset

COMMON_ZIPF = 4.5  # a name this frequent in ordinary Arabic needs the article's own place noun before it


@cache
def _pattern() -> re.Pattern:
    names = sorted(place_names(), key=len, reverse=True)
    return re.compile(r"(?<!\w)#?[وفبل]?(" + "|".join(map(re.escape, names)) + r")(?!\w)")


def _licensed(folded: str, name: str) -> bool:
    if " " in name or lexicon().zipf.get(name, 0.0) < COMMON_ZIPF:
        return True
    return re.search(rf"(?<!\w)[وفبل]?(?:{'|'.join(PLACE_NOUNS)})\s+[\"«“]?#?{re.escape(name)}(?!\w)", folded) is not None


def with_corpus_places(text: str, mentions: list) -> list:
    """The mentions (objects with start and end) with the corpus's places added where no mention is."""
    if not place_names():
        return mentions
    folded, shifts = fold_keeping_offsets(text)
    taken = [(m.start, m.end) for m in mentions]
    added, licensed = [], {}
    for m in _pattern().finditer(folded):
        name = m[1]
        start, end = original_offset(shifts, m.start(1)), original_offset(shifts, m.end(1))
        if any(a < end and start < b for a, b in taken):
            continue
        if name not in licensed:
            licensed[name] = _licensed(folded, name)
        if licensed[name]:
            surface = text[start:end]
            added.append(Mention(start, end, surface, "LOC", surface))
            taken.append((start, end))
    return sorted(list(mentions) + added, key=lambda m: (m.start, -m.end)) if added else mentions
