"""Names found once, found again, on character spans of the article. The recogniser itself re-tags a
name's exact recurrences within ±20 sentences at token level (tasks.enrich.ner.document.propagate); this adds what a
token tagger cannot: a found person's last name alone ("وقال باقري" after "اللواء محمد باقري"), clitic
forms whose span must leave the clitic out ("للأسد" → "لأسد", name "الأسد"), the whole article rather
than a window, and persons known from other articles (tasks.enrich.known_names). Also: a first name the tagger
left out before a person (`extend_first_names`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tasks.enrich.mention_spans import trailing_clause_word
from tasks.text.normalize import fold_keeping_offsets, normalize_arabic, normalize_word, original_offset

_PROCLITICS = "(?:[وف]?[بلك]?)"
MIN_LETTERS = 3  # a last name shorter than this ("بن", "أل") is not searched on its own


@dataclass(frozen=True)
class PropagatedMention:
    start: int
    end: int
    surface: str
    type: str
    name: str


def _forms(mentions) -> dict[str, str]:
    """Folded name -> type, for every found name and every found person's last name (the type of its
    first finding wins)."""
    forms: dict[str, str] = {}
    for m in mentions:
        name = normalize_arabic(getattr(m, "name", None) or m.surface).strip()
        if not name:
            continue
        forms.setdefault(name, m.type)
        words = name.split()
        if m.type == "PER" and len(words) >= 2 and len(words[-1]) >= MIN_LETTERS:
            forms.setdefault(words[-1], "PER")
    return forms


_PREVIOUS_WORD = re.compile(r"(?:^|(?<=\s))(\w+) $")


def extend_first_names(text: str, mentions, first_names) -> list:
    """Persons' spans widened over a first name right before them that the tagger left out ("علي" in
    "وزير الدفاع علي محمود عباس", where the training data taught "محمود عباس" alone). `first_names`:
    folded words known as persons' names; "على" (the preposition, folded like "علي") is told apart by its
    spelling."""
    taken = [(m.start, m.end) for m in mentions]
    out = []
    for m in mentions:
        if m.type == "PER":
            before = _PREVIOUS_WORD.search(text, max(0, m.start - 30), m.start)
            if before and not before.group(1).endswith("ى") and normalize_arabic(before.group(1)) in first_names \
                    and not any(a < m.start and before.start(1) < b for a, b in taken):
                start = before.start(1)
                surface = text[start:m.end]
                m = PropagatedMention(start, m.end, surface, "PER", surface if m.name == m.surface else f"{before.group(1)} {m.name}")
        out.append(m)
    return out


_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]{3,})(?!\w)")
_NOT_NAMES = {normalize_arabic(w) for w in (
    "إن", "أن", "إنه", "أنه", "إنها", "أنها", "بأن", "في", "على", "عن", "من", "إلى", "مع", "حول", "خلال", "بعد", "قبل",
    "الذي", "التي", "كما", "أيضا", "قد", "لقد", "إلا", "بين", "عبر", "لدى", "ضد", "منذ", "حتى", "عند", "أمس", "اليوم",
    "غدا", "يوم", "مساء", "صباح", "هذا", "هذه", "ذلك", "تلك", "وقال", "قال", "قوله", "بدوره", "نفسه", "شخصيا")}


def extend_last_names(text: str, mentions, first_names, titles) -> list:
    """A person found as a first name alone after a title or a nationality ("الإيراني جواد" of "وزير الخارجية
    الإيراني جواد ظريف": ظريف is also a common word the tagger reads as one) widened over the word after it,
    when that word is no function word and no other name."""
    starts = {m.start for m in mentions}
    out = []
    for m in mentions:
        if m.type == "PER" and " " not in m.surface.strip() and normalize_arabic(m.surface) in first_names:
            before = text[max(0, m.start - 40):m.start]
            title = before.split()[-1:] if before.split() else []
            nxt = _NEXT_WORD.match(text, m.end)
            if nxt and title and (normalize_arabic(title[0].strip("،,")) in titles or re.search(r"ي[،,]?\s*$", before)) \
                    and normalize_arabic(nxt.group(1)) not in _NOT_NAMES and not nxt.group(1).startswith(("ال", "و")) \
                    and nxt.start(1) not in starts:
                surface = text[m.start:nxt.end(1)]
                m = PropagatedMention(m.start, nxt.end(1), surface, "PER", surface)
        out.append(m)
    return out


def person_names(mentions) -> set[str]:
    """Folded full names (two words or more) of the persons among `mentions`, and their last words of
    four letters or more: what other articles may name them by. A word after the name that the recogniser
    took with it is left out, as tasks.enrich.mention_spans.tidy leaves it ("سعود بن فهد الخميس")."""
    names: set[str] = set()
    for m in mentions:
        if m.type != "PER":
            continue
        written = (getattr(m, "name", None) or m.surface).split()
        while len(written) > 1 and trailing_clause_word(written[-1], normalize_word(written[-1])):
            written.pop()
        words = normalize_arabic(" ".join(written)).split()
        if len(words) >= 2:
            names.add(" ".join(words))
            if len(words[-1]) >= 4:
                names.add(words[-1])
    return names


COMMON_ZIPF = 4.6  # a one-word name at least this frequent in a large corpus is also a word ("ثاني", "الخامس")
_CUES = {normalize_arabic(w) for w in (
    "قال", "وقال", "أكد", "وأكد", "أضاف", "وأضاف", "أشار", "وأشار", "أعلن", "وأعلن", "صرح", "وصرح", "أوضح", "وأوضح",
    "كشف", "وكشف", "دعا", "ودعا", "طالب", "وطالب", "زار", "وزار", "التقى", "والتقى", "استقبل", "واستقبل", "بحث", "وبحث",
    "اتهم", "واتهم", "انتقد", "وانتقد", "أشاد", "وأشاد", "هدد", "وهدد", "رئيس", "الرئيس", "الأمير", "الملك", "الشيخ",
    "الوزير", "السيد", "نظيره", "ونظيره", "أن", "إن", "بأن", "وأن")}
_LAST_WORD = re.compile(r"(\w+)\W*$")


def _cued(folded: str, start: int) -> bool:
    """The word before `start` is a reporting verb, a title or a complementizer: "وقال الأسد", "أن الأسد"."""
    before = _LAST_WORD.search(folded, max(0, start - 30), start)
    return bool(before) and before.group(1) in _CUES


_WORD_RUN = re.compile(r"\w+")


def _article_words(folded: str) -> tuple[set[str], set[str]]:
    """The words of a folded text (lower case), and the forms a name's first word may take in it: the words
    and the words behind proclitics or, for an "ال" name, behind the ل that elides its alef ("للاسد")."""
    words = {w.lower() for w in _WORD_RUN.findall(folded)}
    firsts = set(words)
    for w in words:
        stripped = w[1:] if w[:1] in "وف" else w
        firsts.add(stripped)
        if stripped[:1] in "بلك":
            firsts.add(stripped[1:])
        if stripped[:1] == "ل":
            firsts.add("ا" + stripped[1:])  # "للاسد" → "الاسد"
    return words, firsts


def present_names(forms, folded: str) -> list[str]:
    """The names of `forms` that may occur in `folded` (a folded text), by their words: each word of a name
    must be a word of the text, its first one perhaps behind proclitics (`_article_words`). What
    `name_pattern` finds in the text is the same with these alone as with all of `forms`
    (tests/enrich/test_name_propagation.py holds it): the regular expression of a batch's thousands of
    person names is never built, only that of the few each article may hold."""
    return _present(forms, *_article_words(folded))


def _present(forms, words: set[str], firsts: set[str]) -> list[str]:
    present = []
    for name in forms:
        parts = _WORD_RUN.findall(name.lower())
        if parts and parts[0] in firsts and all(p in words for p in parts[1:]):
            present.append(name)
    return present


@dataclass(frozen=True)
class TextWords:
    """A text's words as the known-person lookup reads them (`text_words`): its folded words and the forms a
    name's first word may take in it. Pickled as two strings: a worker sends one per article."""

    words: frozenset[str]
    firsts: frozenset[str]

    def __reduce__(self):
        return _joined_words, (" ".join(self.words), " ".join(self.firsts - self.words))


def _joined_words(words: str, more_firsts: str) -> TextWords:
    split = frozenset(words.split())
    return TextWords(split, split | frozenset(more_firsts.split()))


def text_words(text: str) -> TextWords:
    """The words of `text` folded as `propagate` folds it (`_article_words`)."""
    return TextWords(*map(frozenset, _article_words(fold_keeping_offsets(text)[0])))


class NameIndex:
    """Folded names by their first word, then their second, for asking which of them a text's words allow
    (`present`: the same answer as `present_names`, at a cost that does not grow with the names: a run's
    known persons are tens of thousands, and a common first name starts thousands of them)."""

    def __init__(self, names=()):
        self._index: dict[str, dict[str, list[tuple[str, list[str]]]]] = {}
        self._names: set[str] = set()
        self.add(names)

    def __len__(self) -> int:
        return len(self._names)

    def add(self, names) -> None:
        for name in names:
            if name in self._names:
                continue
            parts = _WORD_RUN.findall(name.lower())
            if parts:
                self._names.add(name)
                self._index.setdefault(parts[0], {}).setdefault(parts[1] if len(parts) > 1 else "", []).append((name, parts[2:]))

    def present(self, words, firsts) -> list[str]:
        """The names whose first word is one of `firsts` and whose other words are all among `words`."""
        out = []
        for first in self._index.keys() & firsts:  # the few first words of names among the text's hundreds
            by_second = self._index[first]
            out += [name for name, _ in by_second.get("", ())]
            if len(by_second) <= len(words):
                pairs = ((second, entries) for second, entries in by_second.items() if second in words)
            else:
                pairs = ((second, by_second[second]) for second in words if second in by_second)
            for second, entries in pairs:
                if second:
                    out += [name for name, rest in entries if all(p in words for p in rest)]
        return out


@lru_cache(maxsize=1024)
def name_pattern(names: tuple[str, ...]) -> re.Pattern:
    """Any of `names` (folded, the longest first: the longest name at a place wins) as a whole word, behind
    optional proclitics. "للأسد": the lam of ل swallows the alef of ال; the span keeps one lam ("لأسد"),
    the name its alef (group "elided")."""
    alternatives = "|".join(re.escape(n) for n in names) or "(?!)"
    elided = "|".join(re.escape(n[1:]) for n in names if n.startswith("ال") and len(n) > 3)
    pattern = rf"(?<!\w){_PROCLITICS}(?P<name>{alternatives})(?!\w)"
    if elided:
        pattern += rf"|(?<!\w)[وف]?ل(?P<elided>{elided})(?!\w)"
    return re.compile(pattern, re.IGNORECASE)


def find_names(folded: str, names: tuple[str, ...]) -> list[tuple[str, int, int, int]]:
    """What `name_pattern(names)` finds in `folded`, in order: (its group, "name" or "elided", the group's start and
    end, the match's start). Names without a cased letter (all but Latin ones) are looked for as the expression
    tries them, from where str.find finds them: an article's expression is new to it (its names), and compiling it
    took 0.16 ms an article. Its case-insensitive matching matches a letter that has no case only to itself, as
    `startswith` does."""
    if not all(n == n.lower() == n.upper() for n in names):
        return [(group, m.start(group), m.end(group), m.start()) for m in name_pattern(names).finditer(folded)
                for group in ("name" if m.group("name") else "elided",)]
    elided = tuple(n[1:] for n in names if n.startswith("ال") and len(n) > 3)
    starts = set()  # where a match may begin: a name behind up to two proclitics, an elided one behind ل and one
    for forms, behind in ((names, (0, 1, 2)), (elided, (1, 2))):
        for form in forms:
            at = folded.find(form)
            while at >= 0:
                starts.update(at - k for k in behind)
                at = folded.find(form, at + 1)
    found, end = [], 0
    for start in sorted(starts):
        if start >= end:
            match = _names_at(folded, start, names, elided)
            if match:
                found.append(match)
                end = match[2]
    return found


def _names_at(folded: str, start: int, names: tuple[str, ...], elided: tuple[str, ...]):
    """`name_pattern(names).match(folded, start)`, as `find_names` gives it, or None: behind a word start, the
    proclitics [وف]?[بلك]? taken greedily, given back one by one, and at each try the names in order; then ل after
    [وف]? and the elided forms."""
    if start > 0 and _is_word(folded[start - 1]):
        return None
    conjunction = (1, 0) if folded[start:start + 1] in ("و", "ف") else (0,)
    for first in conjunction:
        at = start + first
        for second in (1, 0) if folded[at:at + 1] in ("ب", "ل", "ك") else (0,):
            found = _whole(folded, at + second, names)
            if found:
                return "name", at + second, found, start
    for first in conjunction:
        at = start + first
        if folded[at:at + 1] == "ل":
            found = _whole(folded, at + 1, elided)
            if found:
                return "elided", at + 1, found, start
    return None


def _whole(folded: str, at: int, forms: tuple[str, ...]) -> int | None:
    """The end of the first of `forms` written at `at` and not followed by a word character."""
    for form in forms:
        end = at + len(form)
        if folded.startswith(form, at) and not (end < len(folded) and _is_word(folded[end])):
            return end
    return None


def _is_word(char: str) -> bool:
    """What `\\w` matches (a letter, a digit or a number, or "_")."""
    return char.isalnum() or char == "_"


def propagate(text: str, mentions, known_persons: set[str] = frozenset(), zipf: dict[str, float] | None = None
              ) -> list[PropagatedMention]:
    """Mentions for the other occurrences of names already found in `text`, and of persons the warehouse
    knows (`known_persons`: folded names, tasks.enrich.known_names), not overlapping any found one. With
    `zipf` (word frequencies of a large corpus), a one-word person's name that is also a common word
    ("ثاني" of "آل ثاني", "الخامس" of "محمد الخامس") counts only after a reporting verb or a title."""
    forms = _forms(mentions)
    folded, shifts = fold_keeping_offsets(text)
    words = _article_words(folded)
    for name in NameIndex(known_persons).present(*words) if known_persons else ():
        forms.setdefault(name, "PER")
    if not forms:
        return []
    taken = sorted((m.start, m.end) for m in mentions)
    found = []
    names = tuple(sorted(_present(forms, *words), key=len, reverse=True))
    for group, g_start, g_end, m_start in find_names(folded, names):
        start = original_offset(shifts, g_start)
        end = original_offset(shifts, g_end - 1) + 1
        if any(a < end and start < b for a, b in taken):
            continue
        name = folded[g_start:g_end] if group == "name" else "ا" + folded[g_start:g_end]
        kind = forms.get(name) or forms.get(normalize_arabic(name))
        if kind is None:
            continue
        if kind == "PER" and zipf and " " not in name and zipf.get(normalize_arabic(name), 0.0) >= COMMON_ZIPF \
                and not _cued(folded, m_start):
            continue
        taken.append((start, end))
        surface = text[start:end]
        found.append(PropagatedMention(start, end, surface, kind, surface if group == "name" else "ا" + surface))
    return found
