"""Direct quotes in Arabic news text (“ ”, « », " ") with their speaker, reporting verb and the agency they
came through. Rules: docs/enrichment.md."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Iterable, Protocol

from tasks.enrich.attributions import OUTLET_KINDS, Attribution, find_attributions
from tasks.enrich.entities import is_short_form
from tasks.text.normalize import fold_keeping_offsets, normalize_arabic, original_offset


class Mention(Protocol):
    start: int
    end: int
    type: str
    surface: str


@dataclass(frozen=True)
class Quote:
    text: str
    start: int
    end: int
    speaker_surface: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    via_agency: str | None = None


def _forms(past: str, present: str, participle: str, fem_past: str | None = None) -> list[str]:
    """Past (he, she, they), present (he, she) and participle forms of a reporting verb, folded."""
    forms = [past, fem_past or past + "ت", past + "وا", "ي" + present, "ت" + present, participle]
    return [normalize_arabic(f) for f in forms]


_VERB_FORMS = (
    ("قال", "قول", "قائلا", "قالت"), ("أكد", "ؤكد", "مؤكدا"), ("أضاف", "ضيف", "مضيفا"), ("أشار", "شير", "مشيرا"),
    ("اعتبر", "عتبر", "معتبرا"), ("شدد", "شدد", "مشددا"), ("دعا", "دعو", "داعيا", "دعت"), ("توعد", "توعد", "متوعدا"),
    ("وصف", "صف", "واصفا"), ("أوضح", "وضح", "موضحا"), ("لفت", "لفت", "لافتا"), ("نوه", "نوه", "منوها"),
    ("صرح", "صرح", "مصرحا"), ("أعلن", "علن", "معلنا"), ("تابع", "تابع", "متابعا"), ("ختم", "ختم", "مختتما"),
    ("اختتم", "ختتم", "مختتما"), ("أردف", "ردف", "مردفا"), ("حذر", "حذر", "محذرا"), ("تساءل", "تساءل", "متسائلا"),
    ("ذكر", "ذكر", "مذكرا"), ("كشف", "كشف", "كاشفا"), ("أفاد", "فيد", "مفيدا"), ("أعرب", "عرب", "معربا"),
    ("طالب", "طالب", "مطالبا"), ("رأى", "رى", "رائيا", "رأت"), ("استطرد", "ستطرد", "مستطردا"), ("أوضح", "وضح", "موضحا"),
    ("نقل", "نقل", "ناقلا"), ("غرد", "غرد", "مغردا"), ("كتب", "كتب", "كاتبا"),
)
_VERBS = [f for args in _VERB_FORMS for f in _forms(*args)] + [
    normalize_arabic(w) for w in ("قائلة", "مؤكدة", "مضيفة", "مشيرة", "معتبرة")] + [
    "جاء في"] + [normalize_arabic(w) for w in ("أبلغ", "أبلغت", "أبلغوا")]  # "وأبلغ X رويترز أن": not يبلغ (amounts to)
# "وجاء في بيان الوزارة أن «...»": the statement's author speaks
_STATEMENT_CUE = "جاء في"
# what a statement is written in ("جاء في قانون تشكيل المجلس" quotes a law, not a speaker)
_STATEMENTS = re.compile(r"\s*(?:ال)?(?:بيان|تقرير|رساله|تغريده|كلمه|خطاب)\w{0,2}(?!\w)")
_PARTICIPLES = {normalize_arabic(w) for w in (
    "قائلا", "قائلة", "مؤكدا", "مؤكدة", "مضيفا", "مضيفة", "مشيرا", "مشيرة", "معتبرا", "مشددا", "موضحا", "لافتا",
    "متسائلا", "محذرا", "واصفا", "داعيا", "معلنا", "مختتما")}
# the finite reporting verbs ("وقال", "وأضافت", "يقول"), folded, whose subject follows them
REPORTING_VERBS = frozenset(f for args in _VERB_FORMS for f in _forms(*args)[:5]) | {
    normalize_arabic(w) for w in ("أبلغ", "أبلغت")}
_CUE = re.compile(rf"(?<!\w)[وف]?(?P<v>{'|'.join(sorted(set(_VERBS), key=len, reverse=True))})(?!\w)")
# Curly marks pair in order whichever way round they are typed (writers open with ” too).
_QUOTE = re.compile("[“”](?P<a>[^“”\n]{1,2000})[“”]|«(?P<b>[^»\n]{1,2000})»|\"(?P<c>[^\"\n]{1,2000})\"")
_WAS_SUBJECT = re.compile(r"(?<!\w)[وف]?كان(?:ت)?\s+(?P<s>[^\s،,.:]+(?:\s+[^\s،,.:]+){0,2})\s+قد\s*$")
_TOKEN = re.compile(r"[^\s،,.:;؛!?؟()«»\"“”]+")
_BOUNDARY = re.compile(r"[.!?؟\n]")
_STOP = {normalize_arabic(w) for w in (
    "إن", "أن", "إنه", "أنه", "إنها", "أنها", "بأن", "في", "خلال", "على", "عن", "من", "إلى", "مع", "عبر", "أمام", "لدى",
    "حول", "كما", "أيضا", "بعد", "قبل", "اليوم", "أمس", "غدا", "قوله", "قولها", "عنه", "عنها", "بدوره", "بدورها", "إنّ",
    "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "يوم", "مساء", "صباح", "قد", "لقد", "ان")}
_PRONOUN_FROM = {"عنه", "عنها", "عنهم"}
# "وقال مخاطبا ترامب": the name after these is the one spoken to, not the speaker
_ADDRESSING = {normalize_arabic(w) for w in ("مخاطبا", "مخاطبة", "متوجها", "متوجهة", "موجها", "موجهة")}
_TITLES = {normalize_arabic(w) for w in (
    "الرئيس", "رئيس", "الوزير", "وزير", "اللواء", "العميد", "العماد", "الجنرال", "الشيخ", "الدكتور", "السفير", "النائب",
    "المتحدث", "السيد", "السيدة", "الملك", "الأمير", "المبعوث", "القائد", "العقيد", "المستشار", "النقيب", "الوزيرة",
    "الرئيسة", "النائبة", "السفيرة", "المتحدثة", "الناطق", "الناطقة", "المدير", "المديرة", "الأمين", "المحافظ",
    "الجنرال", "الرائد", "المقدم", "العميد", "الشيخة", "القاضي", "المحامي", "الأستاذ", "البروفيسور")}
_OUTLET_ANAPHORS = {normalize_arabic(w) for w in ("الوكالة", "الصحيفة", "القناة", "الموقع", "الشبكة", "الإذاعة")}
MIN_WORDS = 3  # a quoted term or two ("غير لائق", "الموت لأمريكا") is no quote (the annotation guide)
_WINDOW = 300  # characters before a quote searched for its cue
_OUTLET_REACH = 12  # an outlet that speaks is the verb's subject, right after it ("وقالت صحيفة «هآرتس»")
_AFTER = 40  # characters after a quote searched for a cue ("...»، قال الوزير")


def _told(text: str, start: int) -> bool:
    """The name at `start` follows the preposition ل written onto it ("لبي بي سي", "لـCNN") or onto the
    outlet's kind ("وأضاف لموقع تايمز لايف", "قالت لوكالة رويترز"): it is spoken to."""
    before = text[max(0, start - 3):start].replace("ـ", "")
    if before.endswith("ل") and (len(before) < 2 or not before[-2].isalpha()):
        return True
    return _TOLD_OUTLET.search(normalize_arabic(text[max(0, start - 24):start])) is not None


_TOLD_OUTLET = re.compile(rf"(?<!\w)[وف]?ل(?:{OUTLET_KINDS})\s+$")

# "في مقابلة لفلان مع الزميل X حيث قال": the one met or interviewed, not the subject of the verb after him
_MET_WITH = re.compile(r"(?<!\w)[وف]?مع(?:\s+[^\s،,.:]+)?\s*[وف]?$")  # "مع الزميل وولف": و of the name read apart


def _met_with(folded: str, start: int) -> bool:
    """The name at `start` (folded) follows مع, right before it or one word before it ("مع الزميل")."""
    return _MET_WITH.search(folded, max(0, start - 30), start) is not None


# "وقالت المنظمة": the organisation of that kind named last ("منظمة هيومن رايتس ووتش", "وزارة الداخلية")
_BODY_ANAPHORS = {normalize_arabic(w): normalize_arabic(w[2:]) for w in (
    "المنظمة", "الوزارة", "الهيئة", "الحركة", "الجماعة", "الشركة", "البعثة", "السفارة", "الرئاسة", "المحكمة",
    "الحكومة", "الشرطة", "اللجنة", "المجلس", "الجمعية", "الجامعة", "المديرية", "النيابة", "البلدية", "المفوضية",
    "الرابطة", "المؤسسة", "المجموعة", "الجيش", "الحزب", "الاتحاد", "المرصد", "التحالف", "البنك", "المكتب",
    "الصندوق", "الجبهة", "النادي", "المركز", "المعهد", "القيادة", "الجهاز", "التنظيم", "الائتلاف")}
# "وذكر التقرير أن": a report or a statement speaks for the organisation named last
_BODY_ANAPHORS |= {normalize_arabic(w): "" for w in ("التقرير", "البيان")}


class _Context:
    """The text in folded form, with the mentions and attributions in folded offsets."""

    def __init__(self, text: str, mentions: Iterable[Mention], attributions: list[Attribution] | None = None):
        mentions = list(mentions)
        self.text = text
        self.folded, self.shifts = fold_keeping_offsets(text)
        self.dropped = [s + k for k, s in enumerate(self.shifts)]
        quoted = [q.span() for q in _QUOTE.finditer(self.folded) if len(_TOKEN.findall(q.group())) >= MIN_WORDS]
        self.names = {(self.fold(m.start), self.fold(m.end)) for m in mentions}
        # A name inside a quote is what someone said, not who said it.
        # Nor is one spoken to: "صرحت لبي بي سي", "قال لـCNN"; nor one met: "في مقابلة مع الزميل X حيث قال".
        self.mentions = sorted(
            (self.fold(m.start), self.fold(m.end), m.type) for m in mentions
            if m.type in ("PER", "ORG") and not any(a <= self.fold(m.start) < b for a, b in quoted)
            and not _told(text, m.start) and not _met_with(self.folded, self.fold(m.start)))
        self.attributions: list[Attribution] = find_attributions(text) if attributions is None else attributions
        self.attribution_starts = [self.fold(a.start) for a in self.attributions]
        self.mention_starts = [m[0] for m in self.mentions]
        self.cues = list(_CUE.finditer(self.folded))
        self.cue_starts = [c.start() for c in self.cues]

    def attributions_in(self, lo: int, hi: int) -> list[Attribution]:
        """Attributions starting in [lo, hi) of folded text."""
        return self.attributions[bisect_left(self.attribution_starts, lo):bisect_left(self.attribution_starts, hi)]

    def fold(self, i: int) -> int:
        return i - bisect_left(self.dropped, i)

    def orig(self, i: int) -> int:
        return original_offset(self.shifts, i)

    def mention_in(self, lo: int, hi: int, last: bool = False, kind: str | None = None) -> tuple[int, int] | None:
        window = self.mentions[bisect_left(self.mention_starts, lo):bisect_left(self.mention_starts, hi)]
        inside = [m for m in window if m[1] <= hi and (kind is None or m[2] == kind)]
        persons = [m for m in inside if m[2] == "PER"] or inside
        return (persons[-1] if last else persons[0])[:2] if persons else None


def _words_after(ctx: _Context, pos: int, limit: int) -> list[re.Match]:
    """Tokens from `pos` separated by spaces only, up to `limit` or a stop word."""
    folded, words = ctx.folded, []
    for m in _TOKEN.finditer(folded, pos):
        if folded[(words[-1].end() if words else pos):m.start()].strip() or len(words) == limit:
            break
        if m.group() in _STOP and not (m.group() == "علي" and ctx.text[ctx.orig(m.end()) - 1] == "ي"):  # على, not علي
            break
        if words and m.group().startswith("ل") and not m.group().startswith("ال"):  # "قال الأسد لضيفه": the addressee
            break
        words.append(m)
    return words


def _heuristic_speaker(ctx: _Context, pos: int) -> tuple[int, int] | None:
    """The 1–3 words after a reporting verb, titles and their adjectives skipped: a span in folded text."""
    folded = ctx.folded
    words = _words_after(ctx, pos, 8)
    if words and words[0].group() in _TITLES:  # "قال وزير الدفاع، فلان الفلاني إن": the name in apposition
        comma = re.compile(r"\s*[،,]\s*").match(folded, words[-1].end())
        named = _words_after(ctx, comma.end(), 3) if comma else []
        if named:
            return named[0].start(), named[-1].end()
    while len(words) > 1 and (words[0].group() in _TITLES or re.fullmatch(r"ال\w+يه?", words[0].group())):
        words.pop(0)
    words = words[:3]
    return (words[0].start(), words[-1].end()) if words else None


def _between(ctx: _Context, lo: int, hi: int) -> list[re.Match]:
    """Reporting-verb cues starting in [lo, hi) of folded text."""
    return ctx.cues[bisect_left(ctx.cue_starts, lo):bisect_left(ctx.cue_starts, hi)]


def _body_named_last(ctx: _Context, head: str, before: int) -> tuple[int, int] | None:
    """The last organisation before `before` named with this head noun ("منظمه" for "وقالت المنظمة"; any,
    for "التقرير"), else the last organisation, within the window."""
    bodies = [m for m in ctx.mentions if m[2] == "ORG" and m[1] <= before and m[0] >= before - _WINDOW * 4]
    headed = [m for m in bodies if head in ctx.folded[m[0]:m[1]].split()[0]]
    found = (headed or bodies)[-1:] if bodies else []
    return found[0][:2] if found else None


# "متحدثة باسم الوزارة" with no name of her own: the body speaks (the annotation guide's gold does so)
_SPOKESPERSON = re.compile(r"(?<!\w)(?:ال)?(?:متحدث|ناطق)(?:ه)?(?:\s+(?:ال)?رسمي(?:ه)?)?\s+باسم\s+")


def _spokesperson_body(ctx: _Context, lo: int, hi: int) -> tuple[int, int] | None:
    """The body a spokesperson named in [lo, hi) speaks for, when no person is named there: the organisation
    right after "باسم", or the one named last for an anaphor ("باسم الوزارة")."""
    found = _SPOKESPERSON.search(ctx.folded, lo, hi)
    if found is None or ctx.mention_in(lo, hi, kind="PER"):
        return None
    body = ctx.mention_in(found.end(), hi)
    if body and body[0] == found.end():
        return body
    word = _words_after(ctx, found.end(), 1)
    if word and word[0].group() in _BODY_ANAPHORS:
        return _body_named_last(ctx, _BODY_ANAPHORS[word[0].group()], found.start())
    return None


# a name in quotes right after the verb, one or two words (a quote has three or more): its subject ("وقالت
# «فيتش» إن"); tasks.enrich.titled_names makes it an organisation
QUOTED_SUBJECT = re.compile(r"[ \t]+[«\"“](?P<n>[^\s«»\"“”،,.:!?؟]+(?:[ \t][^\s«»\"“”،,.:!?؟]+)?)[»\"”]")
# أن / إن / بأن ... end the subject ("وقال الوزير إن"); not "بن" of a name ("محمد بن عبد الرحمن")
_COMPLEMENTIZER = re.compile(r"(?<!\w)(?:ب?ان|انه|انها|قوله|قولها)(?!\w)|:")


def _persons_of_previous_sentence(ctx: _Context, pos: int) -> list[tuple[int, int]]:
    """The persons (folded spans) named in the sentence before the one that `pos` is in."""
    folded = ctx.folded
    ends = [b.end() for b in _BOUNDARY.finditer(folded, 0, pos)]
    if not ends:
        return []
    this = ends[-1]  # where the sentence at `pos` begins; the one before begins after the last boundary with words
    lo = next((e for e in reversed(ends[:-1]) if folded[e:this].strip(" \t\n.!?؟")), 0)
    window = ctx.mentions[bisect_left(ctx.mention_starts, lo):bisect_left(ctx.mention_starts, this)]
    return [m[:2] for m in window if m[2] == "PER"]


def _same_name(folded: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two spans that name one person: the same words, or one a short form of the other ("روسكا", "ماريان
    روسكا"; tasks.enrich.entities.is_short_form, as the article's mentions are linked)."""
    x, y = folded[a[0]:a[1]].split(), folded[b[0]:b[1]].split()
    return bool(x) and (x == y or is_short_form(x, y) or is_short_form(y, x))


def _speaker(ctx: _Context, cue: re.Match, lo: int, hi: int, last: tuple[int, int] | None) -> tuple[int, int] | None:
    """The speaker span (folded) of a cue, searched between `lo` (window start) and `hi` (the quote)."""
    folded = ctx.folded
    if cue["v"] in _PARTICIPLES:  # "..., مضيفا أن": the subject of the sentence's verb
        verbs = [c for c in _between(ctx, lo, cue.start()) if c.end() <= cue.start() and c["v"] not in _PARTICIPLES]
        if verbs:
            return _speaker(ctx, verbs[-1], lo, cue.start(), last)
    if cue["v"] == _STATEMENT_CUE:  # "وجاء في بيان جهاز المخابرات أن", "في البيان الصادر عن X:"; else the body named last
        if not _STATEMENTS.match(folded, cue.end()):
            return None
        complementizer = _COMPLEMENTIZER.search(folded, cue.end(), hi)
        found = ctx.mention_in(cue.end(), complementizer.start() if complementizer else hi) if ctx.mentions else None
        return found or _body_named_last(ctx, "", cue.start())
    named = QUOTED_SUBJECT.match(folded, cue.end())
    body = ctx.mention_in(named.start("n"), named.end("n") + 1) if named else None
    if body:  # "وأوضحت «نوفارتا» أن": the body named
        return body
    after = _words_after(ctx, cue.end(), 1)
    first = folded[cue.end():].split(maxsplit=1)[0] if folded[cue.end():].strip() else ""
    pronoun = not after or first in _PRONOUN_FROM or first in _ADDRESSING
    complementizer = _COMPLEMENTIZER.search(folded, cue.end(), hi)
    subject_end = complementizer.start() if complementizer else hi
    if first == "عن" or (cue["v"].startswith("نقل") and not pronoun):
        source = re.compile(r"(?<!\w)عن\s+").search(folded, cue.end(), hi)
        if source:
            found = ctx.mention_in(source.end(), subject_end) if ctx.mentions else _heuristic_speaker(ctx, source.end())
            return found or _spokesperson_body(ctx, source.end(), subject_end) or last
    anaphor = _words_after(ctx, cue.end(), 1)
    if anaphor and anaphor[0].group() in _OUTLET_ANAPHORS:  # "وأشارت الوكالة": the agency named last
        agencies = [a for a in ctx.attributions_in(max(0, cue.start() - _WINDOW * 3), cue.start()) if ctx.fold(a.end) <= cue.start()]
        if agencies:
            return ctx.fold(agencies[-1].start), ctx.fold(agencies[-1].end)
    if anaphor and anaphor[0].group() in _BODY_ANAPHORS:
        body = _body_named_last(ctx, _BODY_ANAPHORS[anaphor[0].group()], cue.start())
        if body:
            return body
    outlet = next((a for a in ctx.attributions_in(cue.end(), min(subject_end, cue.end() + _OUTLET_REACH))
                   if not normalize_arabic(a.cue).startswith("ل") and not _told(ctx.text, a.start)), None)
    # "قالت متظاهرة لوكالة رويترز": told to it; "وأشار ماكرون في مقابلة مع التلفزيون الألماني": he speaks
    if outlet and not pronoun:  # "وقالت صحيفة «هآرتس» إن": the outlet speaks
        return ctx.fold(outlet.start), ctx.fold(outlet.end)
    if ctx.mentions:
        if not pronoun:
            found = ctx.mention_in(cue.end(), subject_end) or _spokesperson_body(ctx, cue.end(), subject_end)
            if found:
                return found
        before = ctx.mention_in(max(lo, cue.start() - 40), cue.start(), last=True)
        if before and not _BOUNDARY.search(folded, before[1], cue.start()):
            return before
        # "وكان روسكا رئيس ... فلان. وقال في مقالته": a subjectless verb goes on with the last speaker when the
        # sentence before names them; else the person named last
        if last and any(_same_name(folded, m, last) for m in _persons_of_previous_sentence(ctx, cue.start())):
            return last
        return ctx.mention_in(0, cue.start(), last=True, kind="PER") or last
    was = _WAS_SUBJECT.search(folded[lo:cue.start()])
    if was:
        return lo + was.start("s"), lo + was.end("s")
    if pronoun or cue["v"] in _PARTICIPLES:
        return last
    found = _heuristic_speaker(ctx, cue.end())
    if found and folded[found[0]:found[1]] in _OUTLET_ANAPHORS:  # "وأشارت الوكالة": the agency named last
        agencies = [a for a in ctx.attributions_in(max(0, cue.start() - _WINDOW), cue.start()) if ctx.fold(a.end) <= cue.start()]
        return (ctx.fold(agencies[-1].start), ctx.fold(agencies[-1].end)) if agencies else found
    return found


def find_quotes(text: str, mentions: Iterable[Mention] = (), attributions: list[Attribution] | None = None) -> list[Quote]:
    """Quotes of `text` in order, each with its speaker and cue when found (speaker None otherwise).
    `attributions`: the text's cited agencies when the caller has found them already (tasks.enrich.attributions)."""
    ctx = _Context(text, mentions, attributions)
    folded = ctx.folded
    names = {(a.start, a.end) for a in ctx.attributions}
    quotes, last, previous_end = [], None, 0
    for q in _QUOTE.finditer(folded):
        key = next(k for k in "abc" if q[k] is not None)
        start, end = q.span(key)
        o_start, o_end = ctx.orig(start), ctx.orig(end)
        if (o_start, o_end) in names:  # «إيرنا»: a name in quotes, not a quote
            continue
        if len(_TOKEN.findall(folded, start, end)) < MIN_WORDS or (start, end) in ctx.names:
            continue  # «المثالي», "حزب الله": a scare quote or a name, not a quote
        boundary = max((b.end() for b in _BOUNDARY.finditer(folded, max(0, start - _WINDOW), start)), default=0)
        lo = max(boundary, previous_end, start - _WINDOW)
        before = [c for c in _between(ctx, lo, q.start()) if c.end() < q.start()]
        after = [c for c in _between(ctx, q.end(), q.end() + _AFTER + 1) if not _BOUNDARY.search(folded, q.end(), c.start())]
        cue = before[-1] if before else after[0] if after else None
        speaker = via = None
        if cue is None:  # no reporting verb: the last speaker, in a run of quotes on one line
            speaker = last if previous_end and "\n" not in folded[previous_end:q.start()] else None
            if speaker is None:
                continue  # a quoted title, slogan or term with no one saying it
        if cue:
            speaker = _speaker(ctx, cue, lo, q.start() if before else len(folded), last)
            agencies = [a for a in ctx.attributions_in(lo, q.start()) if (ctx.fold(a.start), ctx.fold(a.end)) != speaker]
            via = agencies[-1].surface if agencies else None
            last = speaker or last
        s_start, s_end = (ctx.orig(speaker[0]), ctx.orig(speaker[1])) if speaker else (None, None)
        quotes.append(Quote(text[o_start:o_end], o_start, o_end, text[s_start:s_end] if speaker else None, s_start, s_end,
                            text[ctx.orig(cue.start()):ctx.orig(cue.end())] if cue else None, via))
        previous_end = q.end()
    return quotes
