"""Recognised spans cut to the name a news reader would write down (the annotation guide: names without
titles or clitics). The recogniser learned from ANERcorp's 2003 text; news prose runs words into its
spans that are not the name:

- a title before a person the recogniser did not learn ("بروفيسورة كارول روتر" → "كارول روتر");
- a place or a nisba plural before a person, the office's complement ("عمدة نيويورك بيل دي بلازيو",
  "الانقلابيين عبد الملك الحوثي") → the person; a place only behind an office ("جان" is a place too, and
  "المفوضية الأوروبية جان كلود يونكر" keeps it);
- a word after a person that is ل or ب on a definite word, a Latin name, a tatweel or a commoner word, or
  an adverb of the clause ("غالاوي لـCNN", "عباس بإجماع", "آبي لنواب", "آبي حين") → the name before it;
- a person the recogniser read behind a conjunction that is the first letter of the name ("وأوضح فانس" read
  as ف + "انس") when the article names the person with that word elsewhere ("سايروس فانس") → the word;
- the preposition ل on an outlet ("لبي بي سي") → the outlet;
- a hashtag ("#تميم_بن_حمد") → the name with spaces (the span stays as written).
"""
from __future__ import annotations

import re
from dataclasses import replace

from tasks.enrich.event_lexicon import TITLE_HEADS
from tasks.enrich.ner.lexicon import lexicon
from tasks.text.normalize import normalize_arabic, normalize_word

_TITLES = TITLE_HEADS | {normalize_arabic(w) for w in (
    "بروفيسور", "بروفيسورة", "البروفيسور", "البروفيسورة", "الدكتور", "الدكتورة", "دكتور", "د", "السيناتور",
    "سيناتور", "النائبة", "المدعي", "المدعية", "المستشار", "المستشارة", "الملكة", "الأميرة", "السيدة", "السيد",
    "الناشط", "الناشطة", "الكاتب", "الكاتبة", "الفنان", "الفنانة", "المدرب", "اللاعب", "النجم", "الممثلة", "الممثل",
    "المغني", "المغنية", "الصحفي", "الصحفية", "الجنرال", "الأدميرال", "عمدة", "رئيسة", "وزيرة", "الرئيسة", "الوزيرة",
    # ranks written as borrowed words ("كولونيل جوناثان كونريكوس", "الكابتن ...")
    "جنرال", "أدميرال", "كولونيل", "الكولونيل", "ميجور", "الميجور", "ميجر", "الميجر", "الكابتن", "كابتن", "المارشال", "مارشال",
    "البريغادير", "بريغادير", "الليفتنانت", "ليفتنانت", "السيرجنت", "الرقيب", "الملازم", "المقدم", "الرائد")}
_ADVERBS = {normalize_arabic(w) for w in ("حين", "عندما", "بينما", "إن", "أن", "إنه", "أنه", "قد", "لقد", "أمس", "اليوم")}
_TOKEN = re.compile(r"\S+")
_OFFICE_COMPLEMENTS = {normalize_arabic(w) for w in ("بلدية", "محافظ", "حاكم")}  # "رئيس بلدية نيويورك X"
_GENERIC_HEADS = {normalize_arabic(w) for w in ("منظمة", "شركة")}
_NISBA_PLURAL = re.compile(r"^ال\w{3,}(?:يين|ين|يون)$")


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(start + m.start(), start + m.end(), normalize_word(m.group())) for m in _TOKEN.finditer(text[start:end])]


def _is_place(norm: str) -> bool:
    return lexicon().gazetteer.get(norm) == "LOC"


def _trailing_clause_word(token: str, norm: str) -> bool:
    """A word that ends a name's span without belonging to it: an adverb, or ل/ب on a definite word, a
    Latin name, a tatweel ("بالإجماع", "للصحفيين", "لـCNN") or a word of ordinary prose, much commoner alone
    than with the letter ("لنواب": نواب; not "بودي", a surname, for ودي)."""
    if norm in _ADVERBS:
        return True
    if token[:1] not in ("ل", "ب"):
        return False
    if token[1:3] == "ال" or token[1:2] in ("إ", "ـ") or token[1:2].isascii():
        return True
    return clitic_on_common_word(norm)


def clitic_on_common_word(norm: str) -> bool:
    """A normalized word that is ل or ب on a word of ordinary prose, much commoner alone than with the
    letter ("لنواب", "بتاريخ"; not "بودي", "برس", "لوموند")."""
    if norm[:1] not in ("ل", "ب") or len(norm) <= 3:
        return False
    zipf = lexicon().zipf
    rest = zipf.get(norm[1:], 0.0)
    return rest >= _COMMON_REST and rest - zipf.get(norm, 0.0) >= _CLITIC_MARGIN


_COMMON_REST = 4.0  # zipf of the word without its ل/ب: a word of ordinary prose
_CLITIC_MARGIN = 0.8  # ... that many zipf steps commoner than the word with the letter (ten times or so)


def _office_before(text: str, start: int) -> bool:
    """The word at `start` is an office's complement: it carries a clitic ("الرئيسة السابقة لملاوي ..."), or
    the word before it is a title or an office's noun ("عمدة نيويورك ...", "رئيس بلدية نيويورك ...")."""
    if start and text[start - 1].isalpha():
        return True
    before = text[max(0, start - 40):start].split()
    return bool(before) and normalize_arabic(before[-1]) in _TITLES | _OFFICE_COMPLEMENTS


def _unhashed(m):
    """A name written as a hashtag ("#تميم_بن_حمد") is the name with spaces; the span stays as written."""
    if "_" not in m.name and not m.name.startswith("#"):
        return m
    return replace(m, name=" ".join(m.name.lstrip("#").replace("_", " ").split()))


def _whole_words(text: str, mentions: list) -> list:
    """Persons read behind a one-letter clitic that is the name's own first letter ("وأوضح فانس" read as ف +
    "انس"): the whole word, when another person's name of the article has it ("سايروس فانس")."""
    name_words = {w for m in mentions if m.type == "PER" for w in normalize_arabic(m.surface).split()}
    out = []
    for m in mentions:
        s = m.start
        if m.type == "PER" and s and text[s - 1] in "وفبلك" and (s < 2 or not text[s - 2].isalpha()):
            first = normalize_arabic(text[s - 1:m.end].split()[0])
            if first in name_words:
                surface = text[s - 1:m.end]
                m = replace(m, start=s - 1, surface=surface, name=surface)
        out.append(m)
    return out


def tidy(text: str, mentions: list) -> list:
    """The mentions with their spans cut to the name (objects with start, end, surface, type, name)."""
    out = []
    for m in mentions:
        tokens = _tokens(text, m.start, m.end)
        if m.type == "PER":
            while len(tokens) > 1 and (tokens[0][2] in _TITLES or _NISBA_PLURAL.match(tokens[0][2])
                                       or (len(tokens) > 2 and _is_place(tokens[0][2])
                                           and _office_before(text, tokens[0][0]))):
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
    return _whole_words(text, out)
