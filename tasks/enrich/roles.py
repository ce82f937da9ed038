"""Roles of people: for each PER mention, the title or office the text gives right before the name
("رئيس هيئة الأركان العامة للقوات المسلحة الإيرانية اللواء ...", "الرئيس السوري ...") or in an
apposition right after it ("...، وزير الدفاع،"). Rules by pattern, no list of names: a title head
(رئيس، وزير، قائد ...), then nouns in construct (هيئة، أركان), then definite words, adjectives and
names of places and organisations, up to an optional rank (اللواء، العماد ...) and the name. A rank with
no office before the name leaves the role to an apposition after it (العماد X رئيس هيئة الأركان ...), and
only failing that is the rank the role."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from tasks.enrich.ner.features import Token, tokenize
from tasks.enrich.ner.tagger import Mention, recognise
from tasks.text.normalize import normalize_arabic, normalize_word

HEADS = frozenset(normalize_arabic(w) for w in (
    "رئيس", "رئيسة", "وزير", "وزيرة", "نائب", "قائد", "مدير", "مديرة", "أمين", "زعيم", "مستشار", "مستشارة",
    "سفير", "سفيرة", "مبعوث", "مندوب", "ممثل", "متحدث", "ناطق", "محافظ", "حاكم", "عضو", "مرشد", "ملك",
    "ملكة", "أمير", "ولي", "مساعد", "مفوض", "مدرب", "مسؤول", "قاضي", "رئيس", "سكرتير", "منسق", "نقيب",
    "عميد", "مؤسس", "رئيسا", "وزيرا", "قائدا",
))
RANKS = frozenset(normalize_arabic(w) for w in (
    "اللواء", "العماد", "الجنرال", "الشيخ", "العقيد", "العميد", "الفريق", "المشير", "الرائد", "النقيب",
    "المقدم", "الأدميرال", "الأميرال", "الدكتور", "السيد", "السيدة", "الأمير", "الأميرة", "الملك", "الملكة",
    "الحاج", "الأستاذ", "المهندس", "القاضي", "الرئيس", "الإمام", "المرشد", "السلطان", "الأب", "البطريرك",
))
_RANK_TAIL = frozenset(normalize_arabic(w) for w in ("أول", "ركن", "طيار", "متقاعد", "الركن"))
_LINKS = frozenset(normalize_arabic(w) for w in ("باسم", "لشؤون", "لشوون"))
_IN = frozenset(("في", "لدي"))
_MAX_CHAIN = 12


@dataclass(frozen=True, slots=True)
class Role:
    person: Mention
    role: str | None  # the office: "رئيس هيئة الأركان العامة للقوات المسلحة الإيرانية", "الرئيس السوري"
    rank: str | None  # a rank or honorific right before the name: "اللواء"
    start: int | None  # offsets of `role` in the text
    end: int | None


def _bare(norm: str) -> str:
    """A word without a conjunction و/ف (وزير and فريق keep theirs)."""
    if norm in HEADS or norm[:1] not in ("و", "ف") or len(norm) <= 3:
        return norm
    return norm[1:]


def _head(norm: str) -> bool:
    return any(w in HEADS or (w.startswith("ال") and w[2:] in HEADS) for w in (norm, _bare(norm)))


def _definite(norm: str) -> bool:
    word = _bare(norm)
    return word.startswith(("ال", "لل", "بال")) and len(word) > 3


def _chain_ok(norms: list[str], in_name: list[bool]) -> bool:
    """Whether words after a title head form its complement: construct nouns, then definite words,
    adjectives and names (no punctuation, no conjunction, no second definite title)."""
    definite_seen = _definite(norms[0])
    for i, norm in enumerate(norms[1:], 1):
        if norm in _IN and definite_seen and i + 1 < len(norms):
            continue  # هيئة الأركان في القوات المسلحة
        if not norm[:1].isalpha() or norm in ("و", "في", "من", "على", "الى", "عن", "مع", "الذي", "التي"):
            return False
        if _definite(norm) or in_name[i] or norm in _LINKS:
            if _head(norm) and _definite(norm) and _definite(norms[i - 1]):
                return False  # "وزير الخارجية الرئيس ...": a second title
            definite_seen = definite_seen or _definite(norm)
            continue
        construct = (norm.startswith("ل") or norms[i - 1] in _IN) and i + 1 < len(norms) and (
            _definite(norms[i + 1]) or in_name[i + 1])
        if definite_seen and not construct:  # لشركة الكهرباء, في جيش النظام: a genitive goes on
            return False  # an indefinite word after the definite part: a verb or a new phrase
    return True


def _role_before(tokens: list[Token], norms: list[str], in_name: list[bool], first: int) -> tuple[int, int, int]:
    """(role start token, role end token, rank token or -1) before the name starting at token `first`."""
    end = first
    rank = -1
    if end > 0 and norms[end - 1] in _RANK_TAIL:
        end -= 1
    if end > 0 and norms[end - 1] in RANKS:
        rank = end - 1
        end -= 1
    best = -1
    for h in range(end - 1, max(end - 1 - _MAX_CHAIN, -1), -1):
        if in_name[h] and not _head(norms[h]):
            continue
        if not norms[h][:1].isalpha():
            break
        if _head(norms[h]) and _chain_ok(norms[h:end], in_name[h:end]):
            best = h
            if h == 0 or _definite(norms[h - 1]) or not _head(norms[h - 1]):
                break  # نائب رئيس الوزراء: go on only through a construct title on the left
    return best, end, rank


def _role_after(norms: list[str], in_name: list[bool], last: int) -> tuple[int, int]:
    """(start, end) tokens of an apposition after the name ending before token `last`: "، وزير الدفاع،"."""
    i = last + 1 if last < len(norms) and norms[last] in ("،", ",", "-") else last
    if i >= len(norms) or not _head(norms[i]) or _bare(norms[i]) != norms[i]:
        return -1, -1
    end = i + 1
    while end < len(norms) and end - i < _MAX_CHAIN and _chain_ok(norms[i:end + 1], in_name[i:end + 1]):
        end += 1
    return i, end


def roles(text: str, mentions: list[Mention] | None = None) -> list[Role]:
    """The role of each PER mention of a text (None when the text gives none near the name)."""
    mentions = recognise(text) if mentions is None else mentions
    tokens = tokenize(text)
    norms = [normalize_word(t.text) for t in tokens]
    starts, ends = [t.start for t in tokens], [t.end for t in tokens]
    in_name = [False] * len(tokens)
    for m in mentions:  # the tokens a mention overlaps: ends after its start, starts before its end
        for i in range(bisect_right(ends, m.start), bisect_left(starts, m.end)):
            in_name[i] = True
    out = []
    for m in mentions:
        if m.type != "PER":
            continue
        first = bisect_right(ends, m.start)  # the first token ending after the mention's start
        last = bisect_left(starts, m.end)  # the first token starting at or after its end
        mask = in_name.copy()
        mask[first:last] = [False] * max(0, last - first)
        start, end, rank = _role_before(tokens, norms, mask, first)
        if start < 0:  # an office in apposition after the name, even after a rank (العماد X رئيس ...)
            start, end = _role_after(norms, mask, last)
        if start < 0 and rank >= 0:  # the rank alone
            start, end = rank, rank + 1
        rank_text = tokens[rank].text if rank >= 0 else None
        if start < 0:
            out.append(Role(m, None, rank_text, None, None))
            continue
        char_start = tokens[start].start + (1 if _bare(norms[start]) != norms[start] else 0)
        char_end = tokens[end - 1].end
        out.append(Role(m, text[char_start:char_end], rank_text, char_start, char_end))
    return out
