"""Recognised spans cut to the name a news reader would write down (the annotation guide: names without
titles or clitics). The recogniser learned from ANERcorp's 2003 text; news prose runs words into its
spans that are not the name:

- a title before a person the recogniser did not learn ("بروفيسورة كارول روتر" → "كارول روتر");
- a place or a nisba plural before a person, the office's complement ("عمدة نيويورك بيل دي بلازيو",
  "الانقلابيين عبد الملك الحوثي") → the person;
- a word after a person that is ل or ب on a definite word, a Latin name or a tatweel, or an adverb of the
  clause ("غالاوي لـCNN", "عباس بإجماع", "آبي حين") → the name before it;
- the preposition ل on an outlet ("لبي بي سي") → the outlet;
- a hashtag ("#تميم_بن_حمد") → the name with spaces (the span stays as written).
"""
from __future__ import annotations

import re
from dataclasses import replace

from tasks.enrich.event_lexicon import TITLE_HEADS
from tasks.enrich.ner.lexicon import lexicon
from tasks.text.normalize import normalize_arabic

_TITLES = TITLE_HEADS | {normalize_arabic(w) for w in (
    "بروفيسور", "بروفيسورة", "البروفيسور", "البروفيسورة", "الدكتور", "الدكتورة", "دكتور", "د", "السيناتور",
    "سيناتور", "النائبة", "المدعي", "المدعية", "المستشار", "المستشارة", "الملكة", "الأميرة", "السيدة", "السيد",
    "الناشط", "الناشطة", "الكاتب", "الكاتبة", "الفنان", "الفنانة", "المدرب", "اللاعب", "النجم", "الممثلة", "الممثل",
    "المغني", "المغنية", "الصحفي", "الصحفية", "الجنرال", "الأدميرال", "عمدة", "رئيسة", "وزيرة", "الرئيسة", "الوزيرة")}
_ADVERBS = {normalize_arabic(w) for w in ("حين", "عندما", "بينما", "إن", "أن", "إنه", "أنه", "قد", "لقد", "أمس", "اليوم")}
_TOKEN = re.compile(r"\S+")
_GENERIC_HEADS = {normalize_arabic(w) for w in ("منظمة", "شركة")}
_NISBA_PLURAL = re.compile(r"^ال\w{3,}(?:يين|ين|يون)$")


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(start + m.start(), start + m.end(), normalize_arabic(m.group())) for m in _TOKEN.finditer(text[start:end])]


def _is_place(norm: str) -> bool:
    return lexicon().gazetteer.get(norm) == "LOC"


def _trailing_clause_word(token: str, norm: str) -> bool:
    """A word that ends a name's span without belonging to it: an adverb, or ل/ب on a definite word, a
    Latin name or a tatweel ("بالإجماع", "للصحفيين", "لـCNN")."""
    if norm in _ADVERBS:
        return True
    return token[:1] in ("ل", "ب") and (token[1:3] == "ال" or token[1:2] in ("إ", "ـ") or token[1:2].isascii())


def _unhashed(m):
    """A name written as a hashtag ("#تميم_بن_حمد") is the name with spaces; the span stays as written."""
    if "_" not in m.name and not m.name.startswith("#"):
        return m
    return replace(m, name=" ".join(m.name.lstrip("#").replace("_", " ").split()))


def tidy(text: str, mentions: list) -> list:
    """The mentions with their spans cut to the name (objects with start, end, surface, type, name)."""
    out = []
    for m in mentions:
        tokens = _tokens(text, m.start, m.end)
        if m.type == "PER":
            while len(tokens) > 1 and (tokens[0][2] in _TITLES or _NISBA_PLURAL.match(tokens[0][2])
                                       or (len(tokens) > 2 and _is_place(tokens[0][2]))):
                tokens.pop(0)
            while len(tokens) > 1 and _trailing_clause_word(text[tokens[-1][0]:tokens[-1][1]], tokens[-1][2]):
                tokens.pop()
        elif m.type == "ORG" and tokens and tokens[0][2].startswith("ل") and not tokens[0][2].startswith("ال") \
                and len(tokens) > 1 and len(tokens[0][2]) <= 3:
            tokens[0] = (tokens[0][0] + 1, tokens[0][1], tokens[0][2][1:])  # "لبي بي سي" → "بي بي سي"
        elif m.type == "ORG" and len(tokens) > 1 and tokens[0][2] in _GENERIC_HEADS and not tokens[1][2].startswith("ال"):
            tokens.pop(0)  # "منظمة هيومن رايتس ووتش" → "هيومن رايتس ووتش" (a foreign name after a generic head)
        if not tokens:
            continue
        start, end = tokens[0][0], tokens[-1][1]
        if (start, end) == (m.start, m.end):
            out.append(_unhashed(m))
            continue
        surface = text[start:end]
        out.append(_unhashed(replace(m, start=start, end=end, surface=surface, name=surface)))
    return out
