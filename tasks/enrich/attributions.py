"""Sources a news text cites: agencies, newspapers, channels, sites ("وكالة تسنيم الإيرانية", "بحسب صحيفة
الشرق الأوسط", "ذكرت رويترز"). Names are found by pattern: the words after a cue, up to a boundary;
nationality and status adjectives are dropped from `surface` (the canonical name) and kept in `full_surface`."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.enrich.lexicons.outlets import outlet_names
from tasks.enrich.lexicons.verbs import is_verb_form
from tasks.enrich.mention_spans import clitic_on_common_word, country_adjective
from tasks.enrich.ner.lexicon import lexicon
from tasks.enrich.temporal.lexicon import alternation
from tasks.text.normalize import fold_keeping_offsets, normalize_arabic, original_offset


@dataclass(frozen=True)
class Attribution:
    surface: str
    start: int
    end: int
    cue: str
    full_surface: str


# Well-known agencies: a name after "قالت" needs an outlet word ("قالت صحيفة ...") unless it is one of these.
KNOWN_AGENCIES = {normalize_arabic(n) for n in (
    "واس", "سانا", "إرنا", "إيرنا", "ارنا", "تسنيم", "فارس", "مهر", "إيسنا", "رويترز", "فرانس برس", "الأناضول",
    "أسوشيتد برس", "أسوشيتدبرس", "بترا", "وفا", "قنا", "وام", "كونا", "شينخوا", "سبوتنيك", "نوفوستي", "تاس",
    "يونا", "د ب أ", "أ ف ب", "بي بي سي", "سي إن إن", "ريا نوفوستي", "إنترفاكس", "يونهاب", "بلومبرج", "وات",
    "فرانس 24", "فرانس24", "سكاي نيوز", "سكاي نيوز عربية")} | outlet_names()
# Outlets cited wherever they are written ("اطلعت عليها رويترز", "مراسل بي بي سي"): names of five letters or
# more that the corpus uses mostly as an outlet's (tasks.enrich.lexicons.outlets), or that are nothing else.
_CITED_ANYWHERE = {n for n in outlet_names() if len(n) >= 5} | {normalize_arabic(n) for n in (
    "رويترز", "فرانس برس", "أسوشيتد برس", "بي بي سي", "سي إن إن", "شينخوا", "سبوتنيك", "نوفوستي", "إنترفاكس",
    "يونهاب", "بلومبرج")}
LATIN_OUTLETS = re.compile(r"(?<![A-Za-z])(?:CNN|BBC|AFP|Reuters|RT)(?![A-Za-z])")

_VERBS_ANY_NAME = r"نقلت|افادت|ذكرت|اوردت"  # "ذكرت الإذاعة العامة ..." names any source
_VERBS_OUTLET = r"نقل|افاد|ذكر|اورد|قالت|اشارت|كشفت|بثت|نشرت|اعلنت|اكدت|اضافت|اوضحت|تابعت|نسبت"  # need an outlet word or a known agency
_PREPS = r"وفقا\s*ل|طبقا\s*ل|نقلا\s+عن|استنادا\s+(?:الي|ل)|(?:بحسب|حسب|وفق)(?!\w)"
_WHAT_VERBS = ("ذكرت ذكرته ذكر اوردت اوردته اورد نقلت نقلته نقل افادت افادته افاد نشرت نشرته نشر اعلنت اعلنته قال قاله "
               "قالت قالته بثت بثته").split()
_WHAT = rf"(?:\s+ما\s+(?:{'|'.join(sorted(_WHAT_VERBS, key=len, reverse=True))})(?!\w))?"
OUTLET_KINDS = (r"وكاله\s+(?:ال)?انباء|وكاله|صحيفه|جريده|قناه|موقع|شبكه|(?:ال)?اذاعه|تلفزيون|مجله|التلفزيون|محطه"
           r"|قناتي|صحيفتي|وكالتي"  # the dual: "لقناتي «العربية» و«الحدث»"
           r"|مراسل|مراسله")  # "مراسل «العربية»": an outlet only when named as one (_NEEDS_NAME)
# (folded forms; also what an outlet spoken to is written behind: tasks.enrich.quotes, "قالت لوكالة رويترز")
_NEEDS_NAME = {"مراسل", "مراسله"}
_COORDINATED = re.compile(r"[ \t]*و[ \t]*[\"«“](?P<n>[^\"«»“”\n،.]{2,30})[\"»”]")
# "موقع الانفجار", "شبكة الكهرباء", "محطة الوقود", "مجلة الأحوال الشخصية" (a code of law): outlets only
# after a reporting cue
_NEEDS_CUE = {"موقع", "شبكه", "محطه", "مجله"}
PLATFORMS = {normalize_arabic(w) for w in ("تويتر", "فيسبوك", "فيس بوك", "يوتيوب", "انستغرام", "إنستغرام", "واتساب",
                                          "واتسآب", "سناب شات", "تيليغرام", "تلغرام", "تيك توك")}
_KNOWN = alternation(KNOWN_AGENCIES)


def is_platform(name: str) -> bool:
    """A social site or app ("تويتر", "#فيسبوك"): where people speak, never a speaker or an actor itself."""
    return normalize_arabic(name).lstrip("#") in PLATFORMS


_CUE = re.compile(
    rf"(?<!\w)(?P<cue>(?:[وف]?(?P<anyverb>{_VERBS_ANY_NAME})|[وف]?(?P<verb>{_VERBS_OUTLET}))\s+"
    rf"(?:(?P<o1>{OUTLET_KINDS})\s+)?"
    rf"|[وف]?(?P<prep>{_PREPS}){_WHAT}\s*(?:(?P<o2>{OUTLET_KINDS})\s+)?"
    rf"|(?:[وف]?(?P<cl>[لب]))?(?P<o3>{OUTLET_KINDS})\s+"  # "لوكالة رويترز"
    rf"|[وف]?(?P<dative>ل)(?=[\"«“A-Za-z]))"  # "لـ«عكاظ»", "لـCNN" (the tatweel is folded away)
)
_KNOWN_WITH_ADJECTIVE = re.compile(rf"(?<!\w)(?P<name>{_KNOWN})(?=\s+ال\w{{3,}}يه(?!\w))")
_KNOWN_PREFIX = re.compile(rf"(?:{_KNOWN})(?=\s)")
_KNOWN_ANYWHERE = re.compile(rf"(?<![\w\"«“])[وفبل]?[\"«“]?(?P<name>{alternation(_CITED_ANYWHERE)})(?!\w)")
_TOKEN = re.compile(r"[^\s،,.:;؛!?؟()«»\"“”]+")
_TOKEN_AFTER_SPACE = re.compile(r"[ \t]+(?P<t>[^\s،,.:;؛!?؟()«»\"“”]+)")
_NO_MARKS = str.maketrans("", "", "«»\"“”()")
_CLOSING = {"«": "»", "\"": "\"", "“": "”", "(": ")"}
_STOP = {normalize_arabic(w) for w in (
    "عن", "أن", "إن", "أنه", "أنها", "بأن", "فإن", "في", "على", "من", "إلى", "مع", "حول", "التي", "الذي", "الذين",
    "قوله", "قولها", "نقلا", "أمس", "اليوم", "غدا", "مساء", "صباح", "يوم", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء",
    "الخميس", "الجمعة", "السبت", "حيث", "إذ", "بعد", "قبل", "خلال", "ضمن", "لدى", "عبر", "أيضا", "كما", "ما", "لا",
    "الوكالة", "الصحيفة", "القناة", "الموقع", "بيانا", "تقريرا", "عنه", "عنها", "عنهم", "خلاله", "خلالها", "له", "لها",
    "منه", "منها", "فيه", "فيها", "عليه", "عليها", "إليه", "إليها", "معه", "معها", "فإنه", "فإنها", "هذه", "هذا",
    "ذلك", "تلك", "كان", "كانت", "كانوا", "يكون", "تكون", "قد", "لقد")}
_DOCUMENT = {normalize_arabic(w) for w in ("بيان", "تقرير", "تصريحات", "معلومات", "بيانات")}
_STATUS = {normalize_arabic(w) for w in (
    "الرسمي", "الرسمية", "الحكومي", "الحكومية", "للأنباء", "الإخباري", "الإخبارية", "الإلكتروني", "الالكترونية",
    "شبه", "المحلية", "الدولية", "الناطقة", "بالعربية", "العربية")}
# Institution nouns in construct: the word after one is its complement ("وزارة الخارجية"), not an adjective.
_HEADS = {normalize_arabic(w) for w in (
    "وزارة", "هيئة", "مجلس", "رئاسة", "مكتب", "قيادة", "إدارة", "مديرية", "لجنة", "دائرة", "جهاز", "مركز", "مؤسسة",
    "سلطة", "حكومة", "قوات", "جيش", "شرطة", "أمانة", "بعثة", "منظمة")}
_INDEFINITE_ADJECTIVE = re.compile(r"^(?!ال)\w{3,}يه$")
_NEWS_NOUNS = {normalize_arabic(w) for w in ("الإعلام", "الأخبار", "الصحافة", "الأنباء")}  # "وكالة الإعلام الروسية"
_NISBA_FEMININE = re.compile(r"^ال\w{3,}يه$")
_NISBA_MASCULINE = re.compile(r"^ال\w{3,}ي$")
_MAX_NAME_WORDS = 3
_COMMON_WORD = 4.0  # Zipf of a word of ordinary prose (wordfreq's table, folded)
_ACRONYM = re.compile(r"[ \t]*(?:\((?P<a>[^()\n]{2,15})\)"  # "وكالة الأنباء السورية (سانا)"
                      r"|[ \t][ \t]*[\"«“](?P<q>[^\"«»“”\n،.]{2,15})[\"»”]"  # "الإماراتية "وام""
                      r"|،[ \t]*(?P<c>\w{2,6})(?=[.،]|$))")  # "الإيرانية، إرنا."


def _common_construct(words: list[str]) -> bool:
    """A common word and a definite one after it, the function of an agency that is no outlet ("مكافحة
    الفساد", "حماية البيئة"); not a place's name ("تونس إفريقيا") or a name alone ("أعماق")."""
    return len(words) > 1 and words[1].startswith("ال") and lexicon().zipf.get(words[0], 0.0) >= _COMMON_WORD \
        and lexicon().gazetteer.get(words[0]) != "LOC"


def _is_adjective(token: str, masculine_outlet: bool) -> bool:
    return (token in _STATUS or bool(_NISBA_FEMININE.match(token))
            or (masculine_outlet and bool(_NISBA_MASCULINE.match(token))))


def _adjectives_end(folded: str, pos: int, masculine_outlet: bool) -> int | None:
    """The end of the nationality and status adjectives right after `pos`, if any."""
    end = None
    for m in _TOKEN_AFTER_SPACE.finditer(folded, pos):
        if m.start() != (end or pos) or not _is_adjective(m["t"], masculine_outlet):
            break
        end = m.end()
    return end


def _name_after(folded: str, pos: int, masculine_outlet: bool) -> tuple[int, int, int] | None:
    """(start, end, full end) in folded text of the name beginning at `pos`, or None."""
    while pos < len(folded) and folded[pos] in " \t":
        pos += 1
    if pos < len(folded) and folded[pos] in _CLOSING:  # «واشنطن بوست»، (تسنيم) الإيرانية
        close = folded.find(_CLOSING[folded[pos]], pos + 1, pos + 60)
        if close <= pos + 2 or len(folded[pos + 1:close].split()) > 4 or re.search(r"[،,.!?؟]", folded[pos + 1:close]):
            return None  # a quoted statement or a letter ("أضافت «S»"), not a quoted name
        return pos + 1, close, _adjectives_end(folded, close + 1, masculine_outlet) or close
    start = end = full_end = previous = None
    cursor, words = pos, 0
    first = _TOKEN.match(folded, cursor)
    if first and first.group() in _DOCUMENT and folded[first.end():first.end() + 1] == " ":  # "وفق بيان وزارة ...": the ministry
        cursor = first.end() + 1
    while True:
        m = _TOKEN.match(folded, cursor)
        if not m:
            break
        token = m.group()
        if token in _STOP or (words and token.startswith("و") and token not in _STATUS) or not token.strip("-–") \
                or is_verb_form(token) or (words and token.startswith("لل") and token not in _STATUS):
            break  # "الإذاعة كانت", "تويتر للتواصل": the clause goes on
        if not words and token.startswith("و") and len(token) > 3 and token not in KNOWN_AGENCIES \
                and lexicon().zipf.get(token[1:], 0.0) >= _COMMON_WORD:
            return None  # "تلفزيون وسيارات": a list of things, no name (but "وأضافت واس")
        if words and token not in _STATUS and clitic_on_common_word(token):
            break  # "لموقع ويكيليكس لنشر", "محطة سونغ سان بتاريخ": the clause goes on
        after = _TOKEN_AFTER_SPACE.match(folded, m.end())
        if words and token.endswith("ا") and not token.endswith("يا") and not token.startswith("ال") \
                and not (after and after["t"] in _STATUS):
            break  # an indefinite object: "بثت قناة X مقطعا" (but "تونس افريقيا للأنباء" is a name)
        if words and previous not in _HEADS and _is_adjective(token, masculine_outlet):
            full_end = m.end()
        elif full_end is not None or words == _MAX_NAME_WORDS:
            break
        else:
            start, end, words = (m.start() if start is None else start), m.end(), words + 1
        previous = token
        gap = re.match(r"[ \t]+", folded[m.end():m.end() + 4])
        if not gap:
            break
        cursor = m.end() + gap.end()
    if start is None:
        return None
    return start, end, full_end or end


_SPEECH_BEFORE = re.compile(r"(?<!\w)[وف]?(?:قال|قالت|قالا|قالوا|صرح|صرحت|اكد|اكدت|اوضح|اوضحت|اضاف|اضافت|افاد|افادت"
                            r"|شدد|شددت|كشف|كشفت|اشار|اشارت|ذكر|ذكرت|اعلن|اعلنت|نفي|نفت|حديث|حديثه|حديثها|حديثهما"
                            r"|تصريح|تصريحات|تصريحه|مقابله|تعليق"
                            r"|مصدر|مصادر)(?!\w)")
_SAYING_AFTER = re.compile(r"\s*(?:[،,.:؛]|$|(?:ب?ان|انه|انها)(?!\w))")


def _speech_before(folded: str, pos: int) -> bool:
    """Words of speech earlier in the clause of `pos` ("وقال بيسكوف لبرنامج على محطة ...")."""
    clause = max(folded.rfind(c, 0, pos) for c in ".\n؛")
    return _SPEECH_BEFORE.search(folded, max(clause + 1, pos - 120), pos) is not None


def _told_to(folded: str, dative: int, name_end: int) -> bool:
    """"وقال المحامي لـ«الصباح» إن": ل after words of speech in its clause, and the name ends the saying."""
    return _speech_before(folded, dative) and _SAYING_AFTER.match(folded, name_end + 1) is not None


def _looks_like_a_name(folded: str, name: tuple[int, int, int]) -> bool:
    """A source named without an outlet word: a known or mined outlet, a Latin one, or a quoted name; not a
    body that also informs ("بحسب وزارة الدفاع", "ذكرت الشرطة": entities, not outlets)."""
    start, end, _ = name
    if folded[start:end] in KNOWN_AGENCIES or LATIN_OUTLETS.fullmatch(folded[start:end]):
        return True
    return start > 0 and folded[start - 1] in _CLOSING


def _surface_end(folded: str, start: int, full_end: int) -> int:
    """The end of "وكالة الأنباء السورية" in "وكالة الأنباء السورية الرسمية": status words are not the name."""
    end = full_end
    for m in reversed(list(_TOKEN.finditer(folded, start, full_end))):
        if m.group() not in _STATUS:
            return m.end()
        end = m.start()
    return end


def find_attributions(text: str) -> list[Attribution]:
    """Agencies and outlets the text cites, in order, with the cue that introduces each."""
    folded, shifts = fold_keeping_offsets(text)
    found: list[tuple[int, int, int, int, int, int]] = []  # surface start, end; full start, end; cue start, end
    unnamed: set[int] = set()  # starts of "وكالة الأنباء الرسمية" cited with no name
    for m in _CUE.finditer(folded):
        outlet = " ".join((m["o1"] or m["o2"] or m["o3"] or "").split())
        name = _name_after(folded, m.end(), outlet in ("موقع", "تلفزيون"))
        if name and folded[name[0]:name[1]].lstrip("#") in PLATFORMS:
            continue  # "موقع «تويتر»": a site, not a news outlet
        if m["o3"] and outlet in _NEEDS_CUE and (not m["cl"] or folded.startswith("التواصل", m.end())) \
                and not (name and _looks_like_a_name(folded, name) and _speech_before(folded, m.start())):
            continue  # "موقع الانفجار", "محطة الوقود", "لموقع التواصل الاجتماعي"; but "قال لموقع X" and
            # "وقال لبرنامج على محطة «إن تي في»" cite it
        if name is None or (not outlet and not _looks_like_a_name(folded, name)):
            continue
        named = folded[name[0]:name[1]]
        if not outlet and (m["verb"] or m["anyverb"]) and named not in KNOWN_AGENCIES:
            continue  # "وقالت «فيتش»", "أكدت «تيسلا»": a body speaking, not an outlet cited
        if m["dative"] and named not in KNOWN_AGENCIES and not LATIN_OUTLETS.fullmatch(named) \
                and (len(named.split()) > 2 or not _told_to(folded, m.start(), name[2])):
            continue  # "لـ«دعم الشرعية» في اليمن": a quoted phrase after ل; "قال لـ«الرياض» إن" cites the paper
        if outlet in _NEEDS_NAME and not _looks_like_a_name(folded, name):
            continue  # "مراسل الوكالة في دمشق": whose, the text does not say here
        if _INDEFINITE_ADJECTIVE.match(folded[name[0]:name[1]].split()[0]):
            continue  # "قناة تلفزيونية", "صحيفة إسرائيلية": an outlet, unnamed
        start, end, full_end = name
        full_start = start
        first = folded[start:end].split()[0]
        if outlet == "وكاله" and first not in _NEWS_NOUNS and folded[start:end] not in KNOWN_AGENCIES and (
                not (first in _STATUS or country_adjective(first, any_place=True)) if first.startswith("ال")
                else _common_construct(folded[start:end].split())) and "للانباء" not in folded[start:full_end].split() \
                and folded[start - 1:start] not in _CLOSING:
            continue  # "وكالة الاستخبارات", "وكالة الحماية المدنية", "وكالة مكافحة الفساد": not a news agency
            # (but "وكالة الجمهورية الإسلامية الإيرانية للأنباء", "وكالة «أعماق»" and "وكالة تونس إفريقيا" are)
        known = _KNOWN_PREFIX.match(folded, start, end)
        if known:  # "لوكالة أسوشيتد برس يفيد": the known name, not the words after it
            end = full_end = known.end()
        outlet_start = m.start("o1") if m["o1"] else m.start("o2") if m["o2"] else m.start("o3") if m["o3"] else None
        if outlet == "وكاله" and "للانباء" in folded[start:full_end].split():
            full_start = outlet_start  # "وكالة المغرب العربي للأنباء": the agency's word is part of its name
        if outlet.startswith("ال") and _is_adjective(first, True):  # "التلفزيون الروسي الرسمي"
            if first in _STATUS:
                continue  # "التلفزيون الرسمي": which one, the text does not say
            full_start = start = outlet_start
            end = _surface_end(folded, start, full_end)
        elif "انباء" in outlet and _is_adjective(first, False) or (
                outlet == "وكاله" and full_end > end and first in _NEWS_NOUNS):
            # "وكالة الأنباء السورية", "وكالة الإعلام الروسية": the outlet word is part of the name, which
            # ends with its adjectives ("وكالة الأنباء الفرنسية بشأن ...": not the words after them)
            if _is_adjective(first, False):
                full_end = _adjectives_end(folded, start - 1, False) or full_end
            full_start = start = outlet_start
            end = _surface_end(folded, start, full_end)
            if first in _STATUS:  # "وكالة الأنباء الرسمية تونس أفريقيا": the name after the status words
                after = _adjectives_end(folded, m.end() - 1, False) or full_end
                named = _name_after(folded, after, False)
                if named and not _is_adjective(folded[named[0]:named[1]].split()[0], False):
                    start, end, full_end = named
                else:
                    end = full_end = after  # "وكالة الأنباء الرسمية": unnamed, the status is all the text says
                    unnamed.add(start)
        acronym = _ACRONYM.match(folded, full_end)
        if acronym and (acronym["a"] or acronym["q"] or acronym["c"] in KNOWN_AGENCIES):
            start, end = acronym.span("a" if acronym["a"] else "q" if acronym["q"] else "c")
        found.append((start, end, full_start, full_end, m.start("cue"), m.end("cue")))
        other = _COORDINATED.match(folded, full_end + 1) if folded[full_end:full_end + 1] in "\"»”" else None
        if other and outlet:  # "لقناتي «العربية» و«الحدث»": both cited
            found.append((other.start("n"), other.end("n"), other.start("n"), other.end("n"), m.start("cue"), m.end("cue")))
    for m in _KNOWN_WITH_ADJECTIVE.finditer(folded):
        name = _name_after(folded, m.start(), False)
        if name and not any(f[2] <= m.start() < f[3] for f in found):
            found.append((name[0], name[1], name[0], name[2], m.start(), m.start()))
    for m in [*_KNOWN_ANYWHERE.finditer(folded), *LATIN_OUTLETS.finditer(folded)]:
        start, end = m.span("name") if m.re is _KNOWN_ANYWHERE else m.span()
        if folded[start - 1:start] == "(" and re.match(r"\)?\s*[-–—]", folded[end:end + 4]):
            continue  # the dateline "دبي (CNN)--": the outlet's own byline, not a source it cites
        if folded[max(0, start - 6):start].strip().endswith("تطبيق"):
            continue  # "تطبيق بي بي سي عربي": the outlet's app advertised under the article
        if not any(f[2] <= start < f[3] or f[0] <= start < f[1] for f in found):
            found.append((start, end, start, end, start, start))
    if any(f[0] not in unnamed for f in found):  # the official agency the article also names: no other agency
        found = [f for f in found if f[0] not in unnamed]
    results = []
    for span in sorted(found):
        start, end, full_start, full_end, cue_start, cue_end = (original_offset(shifts, i) for i in span)
        full = " ".join(text[full_start:full_end].translate(_NO_MARKS).split())
        results.append(Attribution(text[start:end], start, end, text[cue_start:cue_end].strip(), full))
    return results
