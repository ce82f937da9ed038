"""Persons the recogniser did not find, named right after a rank, a nationality or a reporting verb:
"الأدميرال الأمريكي المتقاعد جيمس ستافريديس", "السيناتورة كيرستن غيليبراند", "وزير الدفاع الكندي هارجيت
ساجان", "وأضاف بيسكوف". The recogniser learned its names from ANERcorp's 2003 text; a foreign name it never saw,
spelled as news writes it, is often missed whole.

- After a rank or an honorific (اللواء، السيناتور، الأدميرال، الدكتورة ...) or a nisba adjective within three
  words of a title or an office (الأمريكي، الروسية), with the rank's own adjectives skipped (المتقاعد، السابق),
  two to five words that read like a name, on one line, make one person. A word reads like a name when it has
  no article, is no function word, no verb form of the corpus (tasks.enrich.lexicons.verbs) and no common word
  with a pronoun or an accusative ending, and is either a word the recogniser's training text gives mostly to
  persons or rare in ordinary prose (wordfreq's Zipf below 4.5 alone, below 3.5 with the article:
  "ستافريديس" is not written at all, "ويليام" 4.2; "يقول" 5.5 and "الشمالي" are words of prose). A connector
  (بن، بنت، أبو، عبد، آل) takes any word after it, and a rare definite family name may end such a name
  ("هيفاء بنت عبد العزيز القرعاوي").
- After a finite reporting verb (وقال، وأضافت، يقول), one to five words rarer still (Zipf below 3 alone and
  with the article), in Arabic letters, none a title, a participle, a plural, a dual or a word of prose with
  an ending ("ويقول منتقدون", "وأضاف ملوحا", "وكتبت صحيفتا"), a definite one only a nisba ("وقال المسماري",
  not "وأشار الإليزيه"), make one person: the verb's subject. A name of one or two words in quotes there
  (quotes.QUOTED_SUBJECT, "وأوضحت «نوفارتا» أن") is an organisation, where the recogniser found none or MISC.
- A person the recogniser found there but cut short goes on over up to two words that could go on a name, when
  the clause ends after them ("وقالت سلمى [تيران فودال]، مديرة ...": `_widen_cut_name`).

Words a mention covers are left to it."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from tasks.enrich.lexicons.verbs import is_verb_form
from tasks.enrich.mention_spans import TITLES
from tasks.enrich.ner.lexicon import lexicon
from tasks.enrich.quotes import QUOTED_SUBJECT, REPORTING_VERBS
from tasks.enrich.roles import HEADS, RANKS
from tasks.text.normalize import normalize_arabic

RARE_ZIPF = 4.5  # a word rarer than this in a large Arabic corpus is no word of ordinary prose
RARE_DEFINITE_ZIPF = 3.5  # ... and with the article rarer than this: a name seldom takes it ("الصايغ" 3.3)
SINGLE_NAME_ZIPF = 3.0  # a word after a reporting verb rarer than this, alone and with the article, is a name
PROSE_ZIPF = 2.0  # a word written at least this often is a word, not a name's letters behind a preposition
_VERB_SUBJECT_ENDINGS = ("وها", "وه", "هما", "ها", "هم", "هن", "نا", "اه", "ه", "ك", "ان", "ون", "ين", "تا", "و", "ا")
MIN_WORDS, MAX_WORDS = 2, 5
_CONNECTORS = {normalize_arabic(w) for w in ("بن", "بنت", "ابن", "أبو", "أبي", "عبد", "آل")}  # any word may follow
_LETTERS = r"[^\W\d_](?:[^\W\d_]|[\u064b-\u065f\u0670\u0640])*"  # diacritics and tatweel inside ("تهدّد")
_WORD = re.compile(rf"{_LETTERS}(?:-{_LETTERS})?")
_RANKS = (RANKS | TITLES) - HEADS  # words a name follows directly; an office's head takes a complement first
_CLITIC_LETTERS = "وفبلك"
_PREPOSITIONS = "بلك"
_FUTURE = re.compile(r"^[وف]?س(?=[يتن])")  # "سينفي": the future of a verb much commoner without its س
_PRESENT_PLURAL = re.compile(r"^[وف]?س?[يت]\w{3,}(?:ون|ان)$")  # "يعتزمون", "ستواصلان"
# after a quoted subject (quotes.QUOTED_SUBJECT): what its clause goes on with ("«فيتش» إن", "«فتح» في بيان")
_SUBJECT_FOLLOWS = re.compile(r"[ \t]*(?:[،,:]|ب?[أإا]ن|[أإا]نه|[أإا]نها|في|عن|على|ل|$)")
_DESCRIBE = {normalize_arabic(w) for w in ("وصف", "وصفت", "وصفوا", "يصف", "تصف")}  # "وصف «X»": a term, not a subject
_ARABIC = re.compile(r"[\u0621-\u064a]+")
# a participle or its plural, dual or accusative: "منتقدون", "مراقبو", "مسؤولان", "ملوحا", "مسعف"; a plural
# with a pronoun: "سفاراتها", "جوازاتهم"
_PARTICIPLE = re.compile(r"^م[^اوي]\w*(?:ون|و|وها|وه|وهم|ين|ان|ا)$|^م[^اوي]\w{1,2}$|\w+ات(?:ها|هم|هن|نا|ه|ك)$")
_NISBA = re.compile(r"^[وف]?ال\w{2,}(?:ي|يه)$")
_RANK_ADJECTIVES = {normalize_arabic(w) for w in (
    "المتقاعد", "المتقاعدة", "السابق", "السابقة", "الأسبق", "الأسبقة", "الحالي", "الحالية", "المخضرم", "البارز",
    "البارزة", "الراحل", "الراحلة", "الشهير", "الشهيرة", "المعروف", "المعروفة", "الجديد", "الجديدة")}
_NOT_NAMES = {normalize_arabic(w) for w in (
    "إن", "أن", "إنه", "أنه", "بأن", "في", "على", "عن", "من", "إلى", "مع", "حول", "خلال", "بعد", "قبل", "عبر", "لدى",
    "ضد", "منذ", "حتى", "عند", "أمس", "اليوم", "غدا", "يوم", "مساء", "صباح", "هذا", "هذه", "ذلك", "تلك", "قد", "لقد",
    "كان", "كانت", "باسم", "قوله", "قولها", "قولهم", "بين", "أو", "ثم", "لكن", "لم", "لن", "لا", "ما", "كل", "وقال",
    "قال", "قالت", "أيضا")}


@dataclass(frozen=True)
class TitledName:
    start: int
    end: int
    surface: str
    type: str
    name: str


def _name_like(word: str, norm: str) -> bool:
    """No article, no function word, no verb form of the corpus ("انتهك", "سيلتقي", "يعتزمون", "سينفي"), no
    word of prose with a pronoun or an accusative ending ("منصبه", "هجوما"); a name of the recogniser's training
    persons, or a word rare in prose, whole and behind a clitic letter ("ويليام"; not "بإدارة",
    "والدولية"), with a preposition only if the word is not commoner without it (not "لترامب"), and rare with
    the article (not "شمالي", "مغاربة": الشمالي، المغاربة are words of prose). `word` as written, `norm` folded."""
    lex = lexicon()
    if norm in _NOT_NAMES or norm.startswith(("ال", "لل")) or len(norm) < 2:
        return False
    if lex.memory.get(norm) == "PERS|hi":  # mostly a person's name where the training text has it
        return True
    zipf = lex.zipf.get(norm, 0.0)
    if is_verb_form(norm) or _PRESENT_PLURAL.match(norm) or _inflected_prose(word, norm) \
            or (_FUTURE.match(norm) and lex.zipf.get(norm[_FUTURE.match(norm).end():], 0.0) > zipf + 1):
        return False
    bare = norm[1:] if norm[:1] in _CLITIC_LETTERS else norm
    if bare.startswith("ال") or zipf >= RARE_ZIPF or lex.zipf.get("ال" + bare, 0.0) >= RARE_DEFINITE_ZIPF:
        return False
    return lex.zipf.get(bare, 0.0) < (zipf if norm[:1] in _PREPOSITIONS else RARE_ZIPF)


def _inflected_prose(word: str, norm: str, endings: tuple[str, ...] = ("ها", "هم", "ه", "ا"),
                     common: float = 4.0) -> bool:
    """A word of prose with one of `endings` (a pronoun, the accusative's alef; after a reporting verb also a
    dual or a plural: "منصبه", "وقتا", "مسؤولان", "صحيفتا"), its stem at least `common` in Zipf; not "سارة",
    whose ة folds to ه, nor "فيكتوريا"."""
    zipf = lexicon().zipf
    for suffix in endings:
        if norm.endswith(suffix) and not word.endswith("ة") and len(norm) - len(suffix) >= 2:
            stem = norm[:-len(suffix)]
            if suffix == "تا" or (stem.endswith("ت") and suffix != "ا"):  # "صحيفتا", "مبايعته": ة
                stem = stem.rstrip("ت") + "ه"
            stems = (stem, stem[1:]) if stem[:1] in "وف" else (stem,)
            if any(zipf.get(s, 0.0) >= common for s in stems):
                return True
    return False


def _family_name(name: list[str], norm: str) -> bool:
    """A connector after a name's first word, any word after a connector ("بنت عبد", "عبد العزيز"), and a rare
    definite word after a name that has one ("هيفاء بنت عبد العزيز القرعاوي")."""
    if name and (name[-1] in _CONNECTORS or norm in _CONNECTORS):
        return norm not in _NOT_NAMES
    return any(w in _CONNECTORS for w in name) and norm.startswith("ال") \
        and lexicon().zipf.get(norm, 0.0) < RARE_DEFINITE_ZIPF


def _cue(norms: list[str], i: int) -> bool:
    """The word at `i` is one a person's name follows: a rank ("الأدميرال"), or a nisba adjective right after
    a title or an office ("الرئيس الفرنسي", "وزير الخارجية الأمريكي")."""
    norm = norms[i]
    if norm in _RANKS or (norm[:1] in "وف" and norm[1:] in _RANKS):
        return True
    return bool(_NISBA.match(norm)) and any(w in _RANKS or w in HEADS for w in norms[max(0, i - 3):i])


def titled_names(text: str, mentions: list) -> list:
    """The mentions and the persons named after a rank, a nationality or a reporting verb in words no mention
    covers."""
    words = [(m.start(), m.end(), normalize_arabic(m.group())) for m in _WORD.finditer(text)]
    norms = [w[2] for w in words]
    covered = _covered(words, mentions)
    found, dropped, widened = [], set(), {}
    i = 0
    while i < len(words):
        verb = _reporting(norms[i])
        if covered[i] == "PER" or not (verb or _cue(norms, i)):
            i += 1
            continue
        describes = norms[i] in _DESCRIBE or norms[i][1:] in _DESCRIBE
        quoted = QUOTED_SUBJECT.match(text, words[i][1]) if verb and not describes else None
        quoted = quoted if quoted and _SUBJECT_FOLLOWS.match(text, quoted.end()) else None
        inside = [m for m in mentions if quoted and m.start < quoted.end("n") and quoted.start("n") < m.end]
        if quoted and all(m.type == "MISC" for m in inside):
            surface = quoted["n"]  # "وأوضحت «نوفارتا» أن": a body named in quotes speaks
            found.append(TitledName(quoted.start("n"), quoted.end("n"), surface, "ORG", surface))
            dropped.update(id(m) for m in inside)
            i += 1
            continue
        j = i + 1
        while not verb and j < len(words) and norms[j] in _RANK_ADJECTIVES and _adjacent(text, words, j):
            j += 1
        if j < len(words) and covered[j] == "PER":
            i = _widen_cut_name(text, words, norms, mentions, j, widened)
            continue
        k = j
        while k < len(words) and k - j < MAX_WORDS and covered[k] is None and _adjacent(text, words, k):
            word = text[words[k][0]:words[k][1]]
            like = _rare_word(word, norms[k]) if verb else _name_like(word, norms[k]) or _family_name(norms[j:k], norms[k])
            if not like:
                break
            k += 1
        if k - j >= (1 if verb else MIN_WORDS):
            surface = text[words[j][0]:words[k - 1][1]]
            found.append(TitledName(words[j][0], words[k - 1][1], surface, "PER", surface))
        i = max(k, i + 1)
    kept = [widened.get(id(m), m) for m in mentions if id(m) not in dropped]
    return sorted(kept + found, key=lambda m: m.start)


def _widen_cut_name(text: str, words: list, norms: list[str], mentions: list, j: int, widened: dict) -> int:
    """The person found at word j (after a reporting verb or a rank) goes on over up to two words that read like a
    name and end the clause ("وقالت سلمى [تيران فودال]، مديرة ...", "وقال القاضي ماريان [روسكا] إن"): the recogniser
    stopped short of a foreign surname. Records the widened mention in `widened` (by the id of the one found);
    returns the word to go on from."""
    m = next((m for m in mentions if m.start <= words[j][0] < m.end and m.type == "PER"), None)
    if m is None:
        return j + 1
    k = next((n for n in range(j, len(words)) if words[n][0] >= m.end), len(words))
    end = k
    while end < len(words) and end - k < 2 and words[end][0] >= m.end and _adjacent(text, words, end) \
            and not any(o.start < words[end][1] and words[end][0] < o.end for o in mentions) \
            and _continues_name(text[words[end][0]:words[end][1]], norms[end]):
        end += 1
    if end > k and _clause_ends(text, words, norms, end):
        surface = text[m.start:words[end - 1][1]]
        widened[id(m)] = replace(m, end=words[end - 1][1], surface=surface, name=surface)
    return max(end, j + 1)


def _continues_name(word: str, norm: str) -> bool:
    """A word that may go on a person's name found just before it: Arabic letters, no article, no function
    word, title or participle, no word of prose behind a preposition ("بالقول", "لبرنامج"), rare in prose whole
    and with the article, and no verb form the corpus writes often ("يجب" is a verb; a rare one, read as و and a
    verb, may be a name's letters)."""
    zipf = lexicon().zipf
    if norm in _NOT_NAMES or not _ARABIC.fullmatch(norm) or norm.startswith(("ال", "لل")) or norm in _RANKS \
            or norm in HEADS or _PARTICIPLE.match(norm) or zipf.get(norm, 0.0) >= RARE_ZIPF \
            or zipf.get("ال" + norm, 0.0) >= RARE_DEFINITE_ZIPF \
            or (norm[:1] in _PREPOSITIONS and len(norm) > 4 and _prose_behind_preposition(norm[1:])):  # "بالقول"
        return False
    return not (is_verb_form(norm) and zipf.get(norm, 0.0) >= SINGLE_NAME_ZIPF)


_CLAUSE_GOES_ON = {normalize_arabic(w) for w in ("إن", "أن", "بأن", "إنه", "أنه", "إنها", "أنها", "من", "في", "عن",
                                                  "خلال", "الذي", "التي", "على")}


def _clause_ends(text: str, words: list, norms: list[str], k: int) -> bool:
    """After word k - 1 the subject's clause goes on: punctuation, a line's end, a complementizer or a
    preposition ("، مديرة", "إن", "من معهد")."""
    gap = text[words[k - 1][1]:words[k][0]] if k < len(words) else ""
    return k >= len(words) or bool(gap.strip()) or "\n" in gap or norms[k] in _CLAUSE_GOES_ON


def _reporting(norm: str) -> bool:
    """A finite reporting verb, with or without و/ف: "وأضاف", "قالت", "يقول"."""
    return norm in REPORTING_VERBS or (norm[:1] in "وف" and norm[1:] in REPORTING_VERBS)


def _rare_word(word: str, norm: str) -> bool:
    """A word too rare to be prose, with the article or without, written in Arabic letters, and no verb form,
    title, plural, dual, participle, word of prose behind a preposition ("بتعويضات") or with an ending: the
    words after a reporting verb that are a name ("وأضاف بيسكوف", "وقال المسماري"; not "وقال مسؤول", "وقال
    الناطق", "وأبلغ الميجر", "وقال المدعون", "وقالت متظاهرة", "ويقول منتقدون", "وأضاف ملوحا"). A definite one
    is a nisba ("المسماري"; not "الإليزيه")."""
    zipf = lexicon().zipf
    bare = norm[2:] if norm.startswith("ال") else norm
    if not _ARABIC.fullmatch(norm) or bare in _RANKS or "ال" + bare in _RANKS or bare in HEADS \
            or (norm[:1] in _PREPOSITIONS and _prose_behind_preposition(norm[1:])) \
            or word.endswith("ة") or _PARTICIPLE.match(bare) \
            or (norm.startswith("ال") and not norm.endswith("ي")):
        return False
    return all(zipf.get(w, 0.0) < SINGLE_NAME_ZIPF for w in (norm, bare, "ال" + bare)) and not is_verb_form(norm) \
        and not _inflected_prose(word, bare, _VERB_SUBJECT_ENDINGS, SINGLE_NAME_ZIPF)


def _prose_behind_preposition(rest: str) -> bool:
    """The word behind a ب، ل or ك is one of prose: written at all in a large corpus, alone or with the article
    ("بافتخار", "للامتناع", "لحجتنا"; not "لاغارد" as ل + "اغارد", nor "بيسكوف")."""
    zipf = lexicon().zipf
    return rest.startswith(("ال", "ل")) or any(zipf.get(w, 0.0) >= PROSE_ZIPF for w in (rest, "ال" + rest)) \
        or _inflected_prose(rest, rest, _VERB_SUBJECT_ENDINGS, PROSE_ZIPF)


def _covered(words: list, mentions: list) -> list[str | None]:
    """For each word, the type of a mention that overlaps it, or None."""
    starts, ends = [w[0] for w in words], [w[1] for w in words]
    covered: list[str | None] = [None] * len(words)
    for m in mentions:  # the words ending after the mention's start and starting before its end
        for k in range(bisect_right(ends, m.start), bisect_left(starts, m.end)):
            covered[k] = covered[k] or m.type
    return covered


def _adjacent(text: str, words: list, k: int) -> bool:
    """Word `k` follows word `k - 1` on the same line with nothing but spaces between."""
    gap = text[words[k - 1][1]:words[k][0]]
    return not gap.strip() and "\n" not in gap
