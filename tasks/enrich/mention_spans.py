"""Recognised spans cut to the name a news reader would write down (the annotation guide: names without
titles or clitics). The recogniser learned from ANERcorp's 2003 text; news prose runs words into its
spans that are not the name:

- a title before a person the recogniser did not learn ("بروفيسورة ماريان روسكا" → "ماريان روسكا");
- a place or a nisba plural before a person, the office's complement ("عمدة نيويورك بيل دي بلازيو",
  "الانقلابيين عبد الملك الحوثي") → the person; a place only behind an office ("جان" is a place too, and
  "المفوضية الأوروبية جان كلود يونكر" keeps it);
- a word after a person that is ل or ب on a definite word, a Latin name, a tatweel or a commoner word, an
  adverb of the clause or a common word in the accusative ("غالاوي لـCNN", "عباس بإجماع", "آبي لنواب", "آبي
  حين", "صلاح هدفا") → the name before it;
- a person the recogniser read behind a conjunction that is the first letter of the name ("وأوضح فانس" read
  as ف + "انس") when the article names the person with that word elsewhere ("سايروس فانس") → the word;
- the preposition ل on an outlet ("لبي بي سي") → the outlet;
- a person read with a clitic the name lacks ("لهالبرين") when the article names "ماركوس هالبرين" → the name;
- a person whose last word goes on after a hyphen ("كيم يونغ" of "كيم يونغ-تشول") → the whole word;
- a person that is one word, a country's adjective ("روسي", "الروسي": روسيا) → no mention;
- a place or an organisation the gazetteer knows, read with its conjunction ("وتل أبيب") → the name; two read as
  one across a و ("واشنطن ولندن") → two;
- a hashtag ("#تميم_بن_حمد") → the name with spaces (the span stays as written).
"""
from __future__ import annotations

import re
from dataclasses import replace

from tasks.enrich.event_lexicon import TITLE_HEADS
from tasks.enrich.ner.lexicon import lexicon
from tasks.enrich.temporal.lexicon import WEEKDAYS
from tasks.text.normalize import normalize_arabic, normalize_word

TITLES = TITLE_HEADS | {normalize_arabic(w) for w in (
    "بروفيسور", "بروفيسورة", "البروفيسور", "البروفيسورة", "الدكتور", "الدكتورة", "دكتور", "د", "السيناتور",
    "السيناتورة", "سيناتور", "النائبة", "المدعي", "المدعية", "المستشار", "المستشارة", "الملكة", "الأميرة", "السيدة", "السيد",
    "الناشط", "الناشطة", "الكاتب", "الكاتبة", "الفنان", "الفنانة", "المدرب", "اللاعب", "النجم", "الممثلة", "الممثل",
    "المغني", "المغنية", "الصحفي", "الصحفية", "الجنرال", "الأدميرال", "عمدة", "رئيسة", "وزيرة", "الرئيسة", "الوزيرة",
    # ranks written as borrowed words ("كولونيل ماريان روسكا", "الكابتن ...")
    "جنرال", "أدميرال", "كولونيل", "الكولونيل", "ميجور", "الميجور", "ميجر", "الميجر", "الكابتن", "كابتن", "المارشال", "مارشال",
    "البريغادير", "بريغادير", "الليفتنانت", "ليفتنانت", "اللفتنانت", "لفتنانت", "السيرجنت", "الرقيب", "الملازم",
    "المقدم", "الرائد")}
_ADVERBS = {normalize_arabic(w) for w in (
    "حين", "عندما", "بينما", "إن", "أن", "إنه", "أنه", "قد", "لقد", "أمس", "اليوم")}
_ADVERBS |= {"ال" + day for day in WEEKDAYS}  # a weekday after the name: "شكر الأمير سعود بن فهد الخميس ضيوفه"
_TOKEN = re.compile(r"\S+")
_OFFICE_COMPLEMENTS = {normalize_arabic(w) for w in ("بلدية", "محافظ", "حاكم")}  # "رئيس بلدية نيويورك X"
_GENERIC_HEADS = {normalize_arabic(w) for w in ("منظمة", "شركة")}
_NISBA_PLURAL = re.compile(r"^ال\w{3,}(?:يين|ين|يون)$")


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(start + m.start(), start + m.end(), normalize_word(m.group())) for m in _TOKEN.finditer(text[start:end])]


def _is_place(norm: str) -> bool:
    return lexicon().gazetteer.get(norm) == "LOC"


def trailing_clause_word(token: str, norm: str) -> bool:
    """A word that ends a name's span without belonging to it: an adverb, a common word in the accusative
    ("صلاح هدفا"), or ل/ب on a definite word, a Latin name, a tatweel ("بالإجماع", "للصحفيين", "لـCNN") or a
    word of ordinary prose, much commoner alone than with the letter ("لنواب": نواب; not "بودي", a surname,
    for ودي)."""
    if norm in _ADVERBS or _accusative_of_prose(norm):
        return True
    if token[:1] not in ("ل", "ب"):
        return False
    if token[1:3] == "ال" or token[1:2] in ("إ", "ـ") or token[1:2].isascii():
        return True
    return clitic_on_common_word(norm)


def _accusative_of_prose(norm: str) -> bool:
    """A common word in the accusative ("هدفا", "خارجيا", "هاتفيا"): common itself and its stem commoner still,
    which a name is not ("بوتينا", "موتا")."""
    zipf = lexicon().zipf
    return norm.endswith("ا") and zipf.get(norm, 0.0) >= _COMMON_ACCUSATIVE and zipf.get(norm[:-1], 0.0) >= _COMMON_REST


def clitic_on_common_word(norm: str) -> bool:
    """A normalized word that is ل or ب on a word of ordinary prose, much commoner alone than with the
    letter ("لنواب", "بتاريخ"; not "بودي", "برس", "لوموند")."""
    if norm[:1] not in ("ل", "ب") or len(norm) <= 3:
        return False
    zipf = lexicon().zipf
    rest = zipf.get(norm[1:], 0.0)
    return rest >= _COMMON_REST and rest - zipf.get(norm, 0.0) >= _CLITIC_MARGIN


_COMMON_REST = 4.0  # zipf of the word without its ل/ب: a word of ordinary prose
_COMMON_ACCUSATIVE = 3.5  # zipf of a word in the accusative that is one of prose ("هدفا")
_CLITIC_MARGIN = 0.8  # ... that many zipf steps commoner than the word with the letter (ten times or so)


def _office_before(text: str, start: int) -> bool:
    """The word at `start` is an office's complement: it carries a clitic ("الرئيسة السابقة لملاوي ..."), or
    the word before it is a title or an office's noun ("عمدة نيويورك ...", "رئيس بلدية نيويورك ...")."""
    if start and text[start - 1].isalpha():
        return True
    before = text[max(0, start - 40):start].split()
    return bool(before) and normalize_arabic(before[-1]) in TITLES | _OFFICE_COMPLEMENTS


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


_CLITICS = re.compile(r"^(?:[وف][بلك]?|[بلك])")


def _clitics_cut(mentions: list) -> list:
    """Persons read with a clitic the name does not have ("بهالبرين", "لهالبرين"): the name without it, when
    another person of the article is named with that word ("ماركوس هالبرين") and none with the clitic's form
    in a name of several words ("لوكاس فيرنر")."""
    persons = [normalize_arabic(m.surface).split() for m in mentions if m.type == "PER"]
    name_words = {w for words in persons for w in words}
    long_names = {w for words in persons if len(words) > 1 for w in words}
    out = []
    for m in mentions:
        clitic = _CLITICS.match(m.surface) if m.type == "PER" else None
        if clitic:
            first = normalize_arabic(m.surface).split()[0]
            rest = normalize_arabic(m.surface[clitic.end():]).split()
            if rest and len(rest[0]) >= 3 and rest[0] in name_words and first not in long_names:
                start = m.start + clitic.end()
                m = replace(m, start=start, surface=m.surface[clitic.end():], name=m.surface[clitic.end():])
        out.append(m)
    return out


_HYPHENATED = re.compile(r"-[^\W\d_]+")


def _hyphenated(text: str, mentions: list) -> list:
    """Persons whose last word goes on after a hyphen ("كيم يونغ-تشول" read as "كيم يونغ", or as "كيم يونغ" and
    "تشول"): the whole word, one mention."""
    out, merged = [], set()
    for m in mentions:
        rest = _HYPHENATED.match(text, m.end) if m.type == "PER" and id(m) not in merged else None
        if rest:
            inside = [o for o in mentions if o is not m and o.start < rest.end() and m.end < o.end]
            if all(o.type == "PER" and o.start == m.end + 1 and o.end == rest.end() for o in inside):
                merged.update(id(o) for o in inside)
                surface = text[m.start:rest.end()]
                m = replace(m, end=rest.end(), surface=surface,
                            name=surface if m.name == m.surface else m.name + rest.group())
        if id(m) not in merged:
            out.append(m)
    return out


def _known(norm: str, kind: str) -> bool:
    """A folded name the gazetteer lists with this type, or a word the training text gives mostly to it."""
    lex = lexicon()
    gaz = {"PER": "PERS"}.get(kind, kind)
    return lex.gazetteer.get(norm) == gaz or lex.memory.get(norm) == f"{gaz}|hi"


def _split_coordinated(text: str, mentions: list) -> list:
    """Two places or organisations read as one across a و ("واشنطن ولندن"): two mentions, when each part is
    a name the gazetteer or the training text knows with the mention's type."""
    out = []
    for m in mentions:
        tokens = _tokens(text, m.start, m.end)
        cut = next((k for k in range(1, len(tokens)) if tokens[k][2].startswith("و")), None)
        if cut is not None and m.type != "PER":
            left = " ".join(t[2] for t in tokens[:cut])
            right = " ".join([tokens[cut][2][1:]] + [t[2] for t in tokens[cut + 1:]])
            if _known(left, m.type) and _known(right, m.type):
                a_end, b_start = tokens[cut - 1][1], tokens[cut][0] + 1
                out.append(replace(m, end=a_end, surface=text[m.start:a_end], name=text[m.start:a_end]))
                m = replace(m, start=b_start, surface=text[b_start:m.end], name=text[b_start:m.end])
        out.append(m)
    return out


def _clitic_on_known_name(text: str, mentions: list) -> list:
    """A place or an organisation read with its conjunction or preposition ("وتل أبيب"): the name, when the
    gazetteer or the training text knows the rest with the mention's type and not the whole."""
    out = []
    for m in mentions:
        clitic = _CLITICS.match(m.surface) if m.type in ("LOC", "ORG") and m.name == m.surface else None
        if clitic:
            rest = normalize_arabic(m.surface[clitic.end():])
            if len(rest) >= 3 and _known(rest, m.type) and not _known(normalize_arabic(m.surface), m.type) \
                    and not _known("ال" + rest, m.type):  # "لأرجنتين" of "للأرجنتين": the article's alef elided
                start = m.start + clitic.end()
                m = replace(m, start=start, surface=text[start:m.end], name=text[start:m.end])
        out.append(m)
    return out


_NISBA_ENDINGS = ("يين", "يون", "ين", "يه", "ي")


def country_adjective(norm: str, any_place: bool = False) -> bool:
    """A folded word that is the adjective of a place the gazetteer or the training text knows whose name ends
    in يا or ا: "روسي", "الروسية", "كوريين" (روسيا، كوريا), "كندي" (كندا); not "المصري" (a surname as much as
    Egyptian), "السيستاني", "الحماية". `any_place`: any place's, "الصينية" (الصين), "الإيرانية" (إيران) too."""
    lex = lexicon()
    word = norm[2:] if norm.startswith("ال") else norm
    for ending in _NISBA_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            stem = word[:-len(ending)]
            places = (stem + "يا", stem + "ا", stem, "ال" + stem) if any_place else (stem + "يا", stem + "ا")
            return any(lex.gazetteer.get(p) == "LOC" or lex.memory.get(p) == "LOC|hi" for p in places)
    return False


def tidy(text: str, mentions: list) -> list:
    """The mentions with their spans cut to the name (objects with start, end, surface, type, name)."""
    out = []
    for m in mentions:
        tokens = _tokens(text, m.start, m.end)
        if m.type == "PER" and len(tokens) == 1 and country_adjective(tokens[0][2]):
            continue  # "روسي": a nationality, no person (the annotation guide)
        if m.type == "PER":
            while len(tokens) > 1 and (tokens[0][2] in TITLES or _NISBA_PLURAL.match(tokens[0][2])
                                       or (len(tokens) > 2 and _is_place(tokens[0][2])
                                           and _office_before(text, tokens[0][0]))):
                tokens.pop(0)
            while len(tokens) > 1 and trailing_clause_word(text[tokens[-1][0]:tokens[-1][1]], tokens[-1][2]):
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
    out = _split_coordinated(text, _clitic_on_known_name(text, out))
    return _hyphenated(text, _clitics_cut(_whole_words(text, out)))
