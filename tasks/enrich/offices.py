"""Offices written in place of a name: "استقبل الرئيس السوري رئيسَ هيئة أركان القوات المسلحة الإيرانية"
names no one, but the article gave that office to a person earlier; the office stands for that person."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tasks.text.normalize import normalize_arabic

_WORD = re.compile(r"\w+")
_ROLE_STOP = {"في", "ل", "و", "من"}


@dataclass(frozen=True)
class EntitySpan:
    """An entity's place in the text: a mention, or an office standing for a person."""

    start: int
    end: int
    entity_id: str
    type: str


def _stem(word: str) -> str:
    """A light stem: no conjunction و, no article ال (nor لل), no final ه: "والقوات" → "قوات", "السورية" →
    "سوري", so that "الجيش السوري" meets "الجيش والقوات المسلحة السورية" word for word."""
    if word.startswith("و") and len(word) > 4:
        word = word[1:]
    if word.startswith(("ال", "لل")) and len(word) > 4:
        word = word[2:]
    if word.endswith("ه") and len(word) > 3:
        word = word[:-1]
    return word


def _role_words(role: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(normalize_arabic(role)) if w not in _ROLE_STOP]


@lru_cache(maxsize=65536)
def _word_stem(word: str) -> str:
    """`_role_words` of one word of the text: its stem, or "" for none (a stop word); every word of an
    article with roles is looked at, and most are common."""
    words = _role_words(word)
    return words[0] if words else ""


def office_spans(text: str, mentions, identity=lambda m: m.entity_id) -> list[EntitySpan]:
    """Offices written in place of a name ("رئيس هيئة أركان القوات المسلحة الإيرانية") that match, by two
    thirds of their words, the role the article gave one person: that person's `identity` (its entity id,
    or before ids exist its canonical name). An office may hold an organisation's or a place's name."""
    roles: dict[str, tuple[list[str], str]] = {}
    for m in mentions:
        if m.type == "PER" and m.role:
            words = _role_words(m.role)
            if len(words) >= 2:
                roles.setdefault(" ".join(words), (words, identity(m)))
    if not roles:
        return []
    taken = [(m.start, m.end) for m in mentions if m.type == "PER"]
    person_starts = sorted(a for a, _ in taken)
    tokens = [(t.start(), t.end(), _word_stem(t.group())) for t in _WORD.finditer(text)]
    tokens = [(s, e, w) for s, e, w in tokens if w]
    found = []
    for words, eid in roles.values():
        want = set(words)
        # a short office must be written whole: "رئيس الوزراء العراقي" is not "رئيس الوزراء الأردني"
        need = len(want) if len(want) <= 3 else -(-len(want) * 2 // 3)
        for i, (s, _, w) in enumerate(tokens):
            if w != words[0]:
                continue
            window = tokens[i:i + len(words) + 1]
            hits = [j for j, (_, _, x) in enumerate(window) if x in want]
            if len({window[j][2] for j in hits}) < need:
                continue
            end = window[hits[-1]][1]
            following = next((p for p in person_starts if p >= end), None)
            if following is not None and len(_WORD.findall(text[end:following])) <= 1 and "،" not in text[end:following]:
                continue  # a title right before a name ("رئيس الوزراء بشر الخصاونة"): the name speaks for itself
            if not any(a < end and s < b for a, b in taken):
                found.append(EntitySpan(s, end, eid, "PER"))
    return found
