"""Organisations and places of ordinary news that ANERcorp's 2003 text did not teach the recogniser,
read by their shape: an institution noun and its complement ("وزارة الخارجية الروسية", "مجلس الشيوخ
الأميركي", "محكمة جنايات القاهرة", "شرطة نيويورك", "الجيش الإسرائيلي", "المرصد السوري لحقوق الإنسان"),
and a landform or a landmark and its name ("نهر الفرات", "مضيق هرمز", "جبال الألب", "شبه جزيرة سيناء", "مطار
بيروت الدولي"). A landform's name is the place itself: the place the recogniser read inside it ("الأمازون" of
"نهر الأمازون") is not another one; a landmark is named after a place of its own ("بيروت").

A definite institution noun (الجيش، الحكومة، القوات) is a name only with a nationality after it ("الجيش
الإسرائيلي"); alone it is the generic noun the annotation guide leaves out. Forces named by one adjective
("القوات الأمريكية") are left out too, wherever they come from (`without_generic_forces`). An indefinite one
(وزارة، مجلس، محكمة) takes the definite words, proper names and ل-complements that follow it, up to a boundary."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tasks.text.normalize import fold_keeping_offsets, normalize_arabic, original_offset


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str  # ORG | LOC
    landform: bool = False  # "نهر الأمازون": the place inside it is this place, not another
    elided: bool = False  # "للجيش السوري": the span "لجيش السوري" lost its article's alef; the name has it


def _norm(words: str) -> set[str]:
    return {normalize_arabic(w) for w in words.split()}


# needs a complement: a definite word, a proper name, a ل-complement
_ORG_CONSTRUCT = _norm(
    "وزارة شرطة مجلس محكمة لجنة هيئة جماعة حزب مديرية سفارة مستشفى حكومة حرس قوات تحالف اتحاد "
    "منظمة جامعة رئاسة جهاز مكتب بنك مفوضية بلدية أكاديمية مؤسسة جمعية "
    "نقابة رابطة صندوق برلمان الادعاء النيابة المفوضية المحكمة اللجنة الهيئة المجلس المديرية "
    "السفارة المرصد الاتحاد التحالف الحرس القوات الديوان البنك المنظمة الجامعة الرئاسة المؤسسة الرابطة الجمعية "
    "النقابة")
# adjectives that do not make a generic body a name ("قوات الأمن", "القوات العسكرية")
_GENERIC = _norm("الأمنية الأمني العسكرية العسكري المسلحة الحكومية الحكومي المحلية المحلي الخاصة الخاص الشعبية "
                 "الموالية الحليفة الكبرى الكبير الكبيرة العليا العامة العام الدولية الدولي النظامية الوطنية الوطني "
                 "الأمن النظام الاحتلال المعارضة الطوارئ التحالف")
# "قوات الحرس الثوري", "قوات الجيش السوري": forces of an institution are that institution
_FORCES = _norm("قوات القوات")
# titles: an institution after one is part of an office ("رئيس هيئة الأركان"), which stands for a person
_TITLES = _norm("رئيس رئيسة وزير وزيرة قائد مدير مديرة أمين نائب سفير سفيرة متحدث المتحدث الناطق باسم عضو "
                "مستشار ممثل مندوب مبعوث محافظ الرئيس الوزير القائد المدير")
# a name only with a nationality or status adjective after it
_ORG_WITH_ADJECTIVE = _norm("الجيش الحكومة القوات البحرية الأسطول الحرس البرلمان الكونغرس الخارجية")
_LANDFORMS = _norm("نهر جبل جبال مضيق خليج بحر بحيرة جزيرة وادي قطاع هضبة مرتفعات")
_LOC_HEADS = _LANDFORMS | _norm("صحراء مطار ملعب مسرح مسجد كنيسة متحف حائط قبة ميناء")
# buildings often named for a person ("مستشفى سامي فارس", "مسرح رامي صالح"): the building, not the person
_NAMED_FOR_PERSONS = _norm("مستشفى مسرح ملعب مطار مسجد")
# a name only with a place the recogniser found after it: "قطاع X" of a place, not "قطاع صناعة" (an industry)
_NAMED_ONLY = _norm("قطاع")
_ISLAND = normalize_arabic("جزيرة")
_PENINSULA = "شبه"  # "شبه جزيرة سيناء", "شبه الجزيرة العربية": a landform's head of two words
_ISLAND_FORMS = (_ISLAND, "ال" + _ISLAND)
_ON_BEHALF = normalize_arabic("باسم")
_STOP = _norm(
    "اليوم الأمس الماضي الماضية المقبل المقبلة الجاري الحالي الحالية الذي التي الذين اللذين اللتين الآن الأحد "
    "الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت العام السابق السابقة الأول الأولى الثاني الثانية الجديد "
    "الجديدة أيضا الى إلى في على عن من مع بين بعد قبل خلال منذ حول ضد لدى عند إن أن الا إلا")
_STATUS = _norm("الرسمي الرسمية السابق السابقة")
# adjectives of names that are no nisba: "هيئة الأركان العامة", "الأمم المتحدة", "المحكمة العليا"
_NAME_ADJECTIVES = _norm("العامة العام العليا الأعلى الكبرى المتحدة المستقلة الخاصة الأحمر الأخضر الحر المركزي")
# adjectives of a body's scope, which a ل-complement may follow ("الهيئة العامة للترفيه", "الرابطة الدولية للمكتبات")
_SCOPE_ADJECTIVES = _norm("العامة العام العليا الأعلى الدولية الدولي الوطنية الوطني")
_NISBA = re.compile(r"^ال\w{2,}(?:يه|ي|يين|يون)$")
_TOKEN = re.compile(r"[^\s،,.:;؛!?؟()«»\"“”\-–]+")
_MAX = 6


def _tokens(folded: str) -> list[re.Match]:
    return list(_TOKEN.finditer(folded))


def _head_forms() -> dict[str, tuple[int, str]]:
    """Every written form of a head noun (behind و ف ب ل ك and their pairs; "للجنة" = ل + اللجنة) ->
    (clitic length, head)."""
    forms: dict[str, tuple[int, str]] = {}
    heads = sorted(_ORG_CONSTRUCT | _ORG_WITH_ADJECTIVE | _LOC_HEADS)
    for head in heads:
        forms[head] = (0, head)
        for clitic in ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل"):
            forms.setdefault(clitic + head, (len(clitic), head))
    for head in heads:  # ل before the article drops its alef ("للجيش"), and a third lam ("للجنة": ل + اللجنة)
        if head.startswith("ال"):
            for clitic in ("ل", "ول", "فل"):
                forms[(clitic + head[1:]).replace("للل", "لل")] = (len(clitic), head)
    return forms


_HEAD_FORMS = _head_forms()


def _head(token: str) -> tuple[int, str] | None:
    """(clitic length, head) when the token is an institution or landform noun, possibly behind و/ب/ل."""
    return _HEAD_FORMS.get(token)


def find_institutions(text: str, names: list[tuple[int, int, str]] = ()) -> list[Span]:
    """ORG and LOC spans of `text` by the shapes above. `names`: (start, end, type) of the names the
    recogniser found; a place or an organisation may complete an institution ("شرطة نيويورك")."""
    folded, shifts = fold_keeping_offsets(text)
    tokens = _tokens(folded)
    named_starts = {s for s, _, _ in names}
    named_end = {s: e for s, e, _ in names}
    named_types = {s: t for s, _, t in names}
    out: list[Span] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].group()
        head = _head(token)
        peninsula = _peninsula(folded, tokens, i) if head is None and token in _PENINSULA_FORMS else None
        if peninsula is not None:
            head, i = (0, _ISLAND), i + 1
        if head is None:
            i += 1
            continue
        cut, word = head
        elided = word.startswith("ال") and not tokens[i].group()[cut:].startswith("ال")
        kind = "LOC" if word in _LOC_HEADS else "ORG"
        following = _head(tokens[i + 1].group()) if i + 1 < len(tokens) else None
        if kind == "ORG" and ((_in_office(folded, tokens, i) and not _spoken_for(tokens, i))
                              or (word in _FORCES and following and not following[0])):
            i += 1  # inside an office; or "قوات الحرس الثوري": the inner institution is the name
            continue
        start, end, j = tokens[i].start() + cut if peninsula is None else peninsula, tokens[i].end(), i + 1
        taken = nouns = 0
        after_name = after_adjective = False  # a name completed it ("شرطة نيويورك"); an adjective came
        definite_head = word.startswith("ال")
        while j < len(tokens) and taken < _MAX:
            gap = folded[tokens[j - 1].end():tokens[j].start()]
            if gap.strip():
                break
            token = tokens[j].group()
            nxt = tokens[j + 1].group() if j + 1 < len(tokens) and not folded[tokens[j].end():tokens[j + 1].start()].strip() else ""
            o_start = original_offset(shifts, tokens[j].start())
            if token in _STOP or token in _TITLES or token.startswith("و") and not token.startswith("ول") and taken \
                    or (_head(token) or (0, ""))[0]:
                break  # a second institution ("الجيش السوري لأكاديمية الأسد") is its own
            if word in _NAMED_ONLY and not taken and (o_start not in named_starts or named_types[o_start] != "LOC"):
                break  # "قطاع السياحة", "قطاع صناعة": a sector, not a place
            if word in _ORG_WITH_ADJECTIVE and not taken:
                if not _NISBA.match(token) or token in _STATUS or token in _GENERIC:
                    break
            elif o_start in named_starts and not definite_head and not after_name \
                    and (named_types.get(o_start) != "PER" or word in _NAMED_FOR_PERSONS):
                end_o = named_end[o_start]  # "شرطة نيويورك", "محكمة جنايات القاهرة"
                while j < len(tokens) and original_offset(shifts, tokens[j].end()) <= end_o:
                    end, j, taken = tokens[j].end(), j + 1, taken + 1
                after_name = True
                continue
            elif token.startswith("ال"):
                adjective = bool(_NISBA.match(token)) or token in _NAME_ADJECTIVES
                if definite_head and not taken and not adjective:
                    break  # "المحكمة" + a noun: the court, then the clause
                if not adjective and (after_name or after_adjective or nouns >= 1 or kind == "LOC"):
                    break  # "مجلس الوزراء المنعقد", "محكمة جنايات القاهرة السجن": the name has ended
                nouns += not adjective
                after_adjective = after_adjective or adjective
            elif token.startswith("لل") and taken and not after_name \
                    and (_NISBA.match(nxt) or nxt.startswith("ال")
                         or (after_adjective and not nouns and tokens[j - 1].group() in _SCOPE_ADJECTIVES)):
                # "أكاديمية الأسد للهندسة العسكرية" (not "للرد على"); after an adjective of scope alone a ل-complement
                # ends the name ("الهيئة العامة للترفيه"; not "مفوض الاتحاد الأوروبي للطاقة", an office)
                nouns, after_adjective = 1, False
            elif token.startswith("ل") and taken and nxt.startswith("ال") and len(token) > 3 and not after_name:
                nouns, after_adjective = 0, False  # "المرصد السوري لحقوق الإنسان": its complement follows
            elif kind == "LOC" and not taken and len(token) > 2:
                after_name = True  # "مضيق هرمز", and no more
            elif kind == "ORG" and not taken and not definite_head and _is_name_like(token) and nxt.startswith("ال"):
                nouns = 0  # "محكمة جنايات القاهرة", "هيئة أركان القوات": the definite word after it completes it
            else:
                break
            end, j, taken = tokens[j].end(), j + 1, taken + 1
        words_taken = folded[start:end].split()[1:]
        if kind == "ORG" and (word in _FORCES or word in _ORG_WITH_ADJECTIVE) and words_taken \
                and all(w in _GENERIC or w in _STATUS for w in words_taken):
            taken = 0  # "قوات الأمن" is not, "القوات المسلحة المصرية" is
        while taken and folded[start:end].split()[-1] in _STATUS:  # "... الرسمية": status, not the name
            end = folded.rfind(" ", start, end)
            taken -= 1
        if taken and not folded[start:end].split()[-1].startswith("ل") or taken > 1:
            out.append(Span(original_offset(shifts, start), original_offset(shifts, end), kind,
                            landform=word in _LANDFORMS, elided=elided))
            i = j
        else:
            i += 1
    return out


def _peninsula(folded: str, tokens: list[re.Match], i: int) -> int | None:
    """Where the two-word head "شبه جزيرة" / "شبه الجزيرة" at token i (one of `_PENINSULA_FORMS`) begins, behind
    its clitic, or None."""
    if i + 1 >= len(tokens) or tokens[i + 1].group() not in _ISLAND_FORMS \
            or folded[tokens[i].end():tokens[i + 1].start()].strip():
        return None
    return tokens[i].end() - len(_PENINSULA)


_PENINSULA_FORMS = frozenset(clitic + _PENINSULA for clitic in ("", "و", "ف", "ب", "ل", "وب", "ول"))


def landform_name(words: list[str]) -> list[str] | None:
    """The name of a landform without its head noun, from a name's folded words ("التبت" of "هضبة التبت",
    "سيناء" of "شبه جزيرة سيناء"), or None for a name that is no landform's."""
    head = 2 if words[0] == _PENINSULA else 1
    if len(words) > head and words[head - 1] in (_LANDFORMS if head == 1 else _ISLAND_FORMS):
        return words[head:]
    return None


def _spoken_for(tokens: list[re.Match], i: int) -> bool:
    """The institution at token i follows "باسم" ("المتحدث باسم وزارة الصحة"): a spokesperson's office names
    the body it speaks for, which is an organisation of the article."""
    return i > 0 and tokens[i - 1].group() == _ON_BEHALF


def _in_office(folded: str, tokens: list[re.Match], i: int) -> bool:
    """A title within the five words before ("رئيس هيئة أركان الجيش الإيراني", "الأمين العام لمجلس ..."):
    the institution is part of an office, which stands for a person."""
    for k in range(i - 1, max(-1, i - 6), -1):
        if folded[tokens[k].end():tokens[k + 1].start()].strip():
            return False
        word = tokens[k].group()
        if word in _TITLES or word[:1] == "و" and word[1:] in _TITLES or word in ("الامين", "امين"):
            return True
    return False


def _is_name_like(token: str) -> bool:
    """An indefinite word that may begin a name's complement ("جنايات" of "محكمة جنايات القاهرة")."""
    return len(token) > 3 and not token.endswith("ا")


_GENERIC_FORCES = re.compile(r"^[وفبل]?(?:ال|لل)?قوات ال\w+$")


def without_generic_forces(mentions: list) -> list:
    """The mentions but the forces named by one adjective ("القوات الأمريكية", "القوات الجوية"): the generic noun
    with a nationality or a branch, which the annotation guide does not list (none of the 120 read gold
    articles does); a named force of more words stays ("القوات المسلحة المصرية", "القوات الجوية العراقية")."""
    return [m for m in mentions if m.type != "ORG" or not _GENERIC_FORCES.match(normalize_arabic(m.surface))]


def with_institutions(text: str, mentions: list) -> list:
    """The recogniser's mentions (objects with start, end, surface, type, name) with the institutions and
    landmarks of `text` added. An institution replaces the organisations and persons it contains (the
    recogniser's "الخارجية" inside "وزارة الخارجية الروسية") and keeps the places ("نيويورك" of "شرطة
    نيويورك", a place of its own); a proper organisation name the recogniser found after a generic head
    ("منظمة [هيومن رايتس ووتش]") is the name, and the head is left out, as the guide writes it. A landform's place
    is the landform ("الأمازون" of "نهر الأمازون"): not kept."""
    if not mentions:
        return mentions
    spans = find_institutions(text, [(m.start, m.end, m.type) for m in mentions])
    out = list(mentions)
    template = mentions[0]
    for sp in spans:
        inside = [m for m in out if sp.start <= m.start and m.end <= sp.end]
        crossing = [m for m in out if m.start < sp.end and sp.start < m.end and m not in inside]
        if crossing:
            continue
        proper = [m for m in inside if m.type == "ORG" and len(m.surface.split()) > 1 and m.end == sp.end]
        if proper:
            continue
        out = [m for m in out if m not in inside or (m.type == "LOC" and not sp.landform)]
        surface = text[sp.start:sp.end]
        out.append(replace(template, start=sp.start, end=sp.end, surface=surface, type=sp.type,
                           name="ا" + surface if sp.elided else surface))
    return sorted(out, key=lambda m: (m.start, -m.end))
