"""Events: who did what to whom, where and when, read from an article's sentences by trigger words.

A trigger (a verb or a singular verbal noun: زار / زيارة, استقبل, التقى / لقاء / مباحثات, وقّع / توقيع,
أشاد, اتهم, انتقد, هدد, قصف...) gives the PLOVER type, the mode and the nearest CAMEO code. Its actor and
target are entity mentions of the same sentence, by Arabic word order: the subject follows a verb (VSO:
"استقبل الأسد باقري"), or stands before it ("باقري قام بزيارة"), or before a relative pronoun ("الأسد الذي
استقبل باقري"); the target is the next entity, or the one after مع / بين X و Y. An office written instead of
a name ("رئيس هيئة الأركان الإيرانية") stands for the person the article gave that office to. The location
is a place after إلى / في / قرب; the date is the sentence's temporal expression nearest the trigger; the
modality is `planned` after من المقرر أن / يعتزم / سـ, else `reported`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tasks.normalize import normalize_arabic, stable_id

MODEL_VERSION = "events-rules-1"


@dataclass(frozen=True)
class Trigger:
    event_type: str  # PLOVER
    mode: str
    cameo: str
    planned_cameo: str | None = None  # the CAMEO code of the intent, when the event is only planned
    has_target: bool = True


VISIT = Trigger("CONSULT", "visit", "042", "032", has_target=False)
HOST = Trigger("CONSULT", "host", "043", "033")
MEET = Trigger("CONSULT", "meet", "040", "036")
SIGN = Trigger("AGREE", "sign", "057", "030")
AGREE = Trigger("AGREE", "agree", "057", "030")
PRAISE = Trigger("SUPPORT", "praise", "051")
SUPPORT = Trigger("SUPPORT", "support", "050")
ACCUSE = Trigger("ACCUSE", "accuse", "112")
CRITICIZE = Trigger("ACCUSE", "criticize", "111")
THREATEN = Trigger("THREATEN", "threaten", "130")
ATTACK = Trigger("ASSAULT", "attack", "190")

SYMMETRIC = {"meet", "agree"}

# Normalized word forms (tasks.normalize: أ/إ/آ → ا, ة → ه, ى → ي), after an optional و or ف.
_VERBS: dict[Trigger, str] = {
    VISIT: r"زار|زارت|زارا|يزور|تزور|سيزور|ستزور|وصل|وصلت|يصل|سيصل|يتفقد|تفقد",
    HOST: r"استقبل|استقبلت|يستقبل|تستقبل|سيستقبل|ستستقبل|استضاف|يستضيف",
    MEET: r"التقي|التقت|التقيا|يلتقي|تلتقي|سيلتقي|ستلتقي|اجتمع|اجتمعت|يجتمع|سيجتمع|بحث|بحثا|يبحث|سيبحث",
    SIGN: r"وقع|وقعت|وقعا|يوقع|سيوقع|ستوقع|وقعها",
    AGREE: r"اتفق|اتفقت|اتفقا|يتفق",
    PRAISE: r"اشاد|اشادت|يشيد|تشيد|اثني|اثنت|يثني",
    SUPPORT: r"ايد|ايدت|يؤيد|يويد|تؤيد|يدعم|تدعم|سيدعم|دعمت",
    ACCUSE: r"اتهم|اتهمت|يتهم|تتهم",
    CRITICIZE: r"انتقد|انتقدت|ينتقد|تنتقد|ندد|نددت|يندد|ادان|ادانت|يدين|تدين",
    THREATEN: r"هدد|هددت|يهدد|تهدد|توعد|توعدت|يتوعد",
    ATTACK: r"هاجم|هاجمت|يهاجم|قصف|قصفت|يقصف|تقصف|استهدف|استهدفت|يستهدف",
}
_NOUNS: dict[Trigger, str] = {
    VISIT: r"زياره|زيارته|زيارتها|بزياره",
    MEET: r"لقاء|اللقاء|لقائه|لقاءات|اجتماع|الاجتماع|اجتماعات|مباحثات|المباحثات|محادثات|المحادثات",
    SIGN: r"توقيع|بتوقيع|وتوقيع|توقيعها|توقيعه",
}
_TRIGGER_WORDS = [(re.compile(rf"^[وف]?(?:{pattern})$"), trig, "verb") for trig, pattern in _VERBS.items()]
_TRIGGER_WORDS += [(re.compile(rf"^[وف]?(?:{pattern})$"), trig, "noun") for trig, pattern in _NOUNS.items()]
_PLANNED_WORD = re.compile(r"^[وف]?(?:سوف|يعتزم|تعتزم|يعتزمان|المقرر|المنتظر|المرتقب|المرتقبه|يرتقب)$")
_PREPOSITIONS = {"مع", "الي", "إلى", "في", "علي", "عن", "من", "ضد", "لدي", "نحو", "قرب", "خلال", "بين"}
# Words that open a title or office before a name ("وصل رئيس هيئة الأركان في ... محمد باقري"): the subject.
_TITLE_HEADS = {normalize_arabic(w) for w in (
    "رئيس", "الرئيس", "وزير", "الوزير", "اللواء", "العماد", "الجنرال", "العميد", "أمين", "الأمين", "قائد", "القائد", "مدير",
    "المدير", "السفير", "المبعوث", "الشيخ", "الملك", "الأمير", "ولي", "نائب", "المتحدث", "زعيم")}
_PASSIVE = {normalize_arabic(w) for w in ("تم", "جرى", "يتم", "جرت")}  # "تم توقيع ...": the agents are the sentence's persons
_RELATIVES = {"الذي", "التي", "اللذان", "اللتان", "الذين"}
_PLACE_CUES = {"الي", "في", "قرب", "بمدينه", "مدينه", "العاصمه"}
_SENTENCE_END = re.compile(r"[.!?؟؛\n]+")
_WORD = re.compile(r"\w+")
_ROLE_STOP = {"في", "ل", "و", "من"}


@dataclass(frozen=True)
class EntitySpan:
    """An entity's place in the text: a mention, or an office standing for a person."""

    start: int
    end: int
    entity_id: str
    type: str


@dataclass(frozen=True)
class Event:
    event_id: str
    event_type: str
    mode: str
    cameo: str
    actor_entity_id: str | None
    target_entity_id: str | None
    location_entity_id: str | None
    event_date: date | None
    granularity: str | None
    modality: str
    sentence: str
    sentence_start: int
    confidence: float


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start:m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _role_words(role: str) -> list[str]:
    return [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in _WORD.findall(normalize_arabic(role)) if w not in _ROLE_STOP]


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
    tokens = [(t.start(), t.end(), _role_words(t.group())) for t in _WORD.finditer(text)]
    tokens = [(s, e, w[0]) for s, e, w in tokens if w]
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


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(start + w.start(), start + w.end(), normalize_arabic(w.group())) for w in _WORD.finditer(text[start:end])]


def _trigger_of(word: str) -> tuple[Trigger, str] | None:
    for pattern, trig, kind in _TRIGGER_WORDS:
        if pattern.match(word):
            return trig, kind
    return None


def _gap_words(words, a: int, b: int) -> set[str]:
    return {w.lstrip("وف") if len(w) > 2 else w for s, e, w in words if s >= a and e <= b}


def _entities_in(spans: list[EntitySpan], a: int, b: int) -> list[EntitySpan]:
    """Entity spans in [a, b), the same entity written twice in a row (office, then name) once."""
    out: list[EntitySpan] = []
    for sp in sorted((s for s in spans if s.start >= a and s.end <= b), key=lambda s: s.start):
        if out and out[-1].entity_id == sp.entity_id:
            continue
        out.append(sp)
    return out


def _nearest_date(temporals, a: int, b: int, at: int):
    inside = [t for t in temporals if t.start >= a and t.end <= b and t.value is not None]
    return min(inside, key=lambda t: abs(t.start - at)) if inside else None


def extract_events(article_id: str, text: str, mentions, temporals, cited=()) -> list[Event]:
    """Events of one article. `mentions` have start, end, type, entity_id and role; `temporals` have start,
    end, value and granularity; `cited` (start, end) spans of agencies cited as sources, which take no part."""
    offices = office_spans(text, mentions)
    cited = [(c.start, c.end) for c in cited]
    spans = [EntitySpan(m.start, m.end, m.entity_id, m.type) for m in mentions
             if not any(o.start <= m.start and m.end <= o.end for o in offices)
             and not any(a < m.end and m.start < b for a, b in cited)] + offices
    found: dict[tuple, Event] = {}
    last_actor: str | None = None
    for s_start, s_end in sentences(text):
        words = _words(text, s_start, s_end)
        agents = [sp for sp in _entities_in(spans, s_start, s_end) if sp.type in ("PER", "ORG", "LOC")]
        for i, (w_start, w_end, word) in enumerate(words):
            hit = _trigger_of(word)
            if hit is None:
                continue
            trig, kind = hit
            people = [sp for sp in agents if sp.type != "LOC"]  # actors are persons and organisations
            before = [sp for sp in people if sp.end <= w_start]
            after = [sp for sp in agents if sp.start >= w_end]
            actor = target = None
            confidence = 0.8 if kind == "verb" else 0.65
            prev_word = words[i - 1][2] if i else ""
            first_after = after[0] if after else None
            # countries and capitals act too ("وتدعم طهران ..."), but they do not meet or sign
            may_act = first_after is not None and (first_after.type != "LOC" or trig.event_type not in ("CONSULT", "AGREE"))
            titled = i + 1 < len(words) and words[i + 1][2].lstrip("و") in _TITLE_HEADS and first_after is not None \
                and first_after.start - w_end < 120 and "،" not in text[w_end:first_after.start]
            close = may_act and titled or may_act and first_after.start - w_end < (40 if kind == "verb" else 60) \
                and not (_gap_words(words, w_end, first_after.start) & _PREPOSITIONS)
            if kind == "verb" and prev_word in _RELATIVES and before:
                actor = before[-1]  # "الأسد الذي استقبل باقري"
            elif kind == "verb" and before and not text[before[-1].end:w_start].strip(" \"'«»“”"):
                actor = before[-1]  # SVO: "أن الصفدي سيلتقي شكري"
            elif kind == "noun" and {w.lstrip("وف") for _, _, w in words[max(0, i - 2):i]} & _PASSIVE \
                    and any(sp.type == "PER" for sp in people):
                actor = next(sp for sp in people if sp.type == "PER")  # "... تم فيها توقيع": the first person named
                after = [sp for sp in agents if sp.start > actor.end]
            elif close:
                actor, after = first_after, after[1:]  # VSO, or the genitive of a verbal noun ("زيارة باقري")
            elif before:
                actor = before[-1]
                confidence -= 0.1
            elif last_actor is not None and kind == "verb":  # a verb's subject may be the previous sentence's
                actor = EntitySpan(-1, -1, last_actor, "PER")
                confidence -= 0.25
            if actor is None:
                continue
            between = _between(words, agents, w_end) if trig.has_target else None
            if between is not None:
                actor, target = between
            elif trig.has_target:
                # the object: not a name after a preposition ("في سوريا"), but "مع X" is the other party
                others = [sp for sp in after if sp.entity_id != actor.entity_id and not _after_preposition(words, sp)]
                if trig.event_type in ("CONSULT", "AGREE"):  # meetings and agreements are between people and bodies
                    others = [sp for sp in others if sp.type != "LOC"]
                target = others[0] if others else None
                if target is None:
                    continue  # a meeting, an agreement or an accusation with nobody on the other side is no event
            location = _location(text, words, spans, w_end, s_end, (actor, target))
            when = _nearest_date(temporals, s_start, s_end, w_start)
            # "سيلتقي", "ستزور": a verb in the future; "من المقرر أن يلتقي", "يعتزم زيارة": an intention
            planned = (kind == "verb" and word.lstrip("وف").startswith("س")) or \
                any(_PLANNED_WORD.match(w) for _, _, w in words[max(0, i - 4):i])
            if planned and trig.planned_cameo is None:
                planned = False
            parties = (actor.entity_id, target.entity_id if target else None)
            if trig.mode in SYMMETRIC:  # A met B is B met A: one event
                parties = tuple(sorted(parties, key=str))
            key = (trig.event_type, trig.mode, parties, planned)
            event = Event(
                event_id=stable_id("event", article_id, str(w_start), trig.mode),
                event_type=trig.event_type, mode=trig.mode,
                cameo=trig.planned_cameo if planned else trig.cameo,
                actor_entity_id=actor.entity_id, target_entity_id=target.entity_id if target else None,
                location_entity_id=location, event_date=when.value if when else None,
                granularity=when.granularity if when else None, modality="planned" if planned else "reported",
                sentence=text[s_start:s_end].strip(), sentence_start=s_start, confidence=round(confidence, 2),
            )
            old = found.get(key)
            if old is None or (old.event_date is None and event.event_date is not None) or \
                    (old.location_entity_id is None and event.location_entity_id is not None and old.event_date == event.event_date):
                found[key] = event if old is None else _merge(old, event)
        if agents:
            persons = [sp for sp in agents if sp.type == "PER"]
            last_actor = persons[0].entity_id if persons else last_actor
    return list(found.values())


def _merge(old: Event, new: Event) -> Event:
    """One event reported twice in an article: the first report, completed with what the second adds."""
    return Event(**{**old.__dict__, **{k: v for k, v in new.__dict__.items()
                                        if k in ("location_entity_id", "event_date", "granularity") and getattr(old, k) is None}})


def _after_preposition(words, span: EntitySpan) -> bool:
    """The word before this name is a preposition other than مع."""
    prev = [w for _, e, w in words if e <= span.start][-1:]
    return bool(prev) and prev[0].lstrip("و") in _PREPOSITIONS - {"مع"}


def _between(words, agents, after_pos: int):
    """(actor, target) for "بين X و Y" soon after the trigger: X is the last entity before the first
    word opening with و that follows an entity, Y the first one after it."""
    for s, e, w in words:
        if s >= after_pos + 60:
            return None
        if s >= after_pos and w == "بين":
            following = [sp for sp in agents if sp.start > e]
            named = [(a.start, a.end) for a in following]
            for s2, _, w2 in words:
                if s2 > e and w2.startswith("و") and not any(a <= s2 < b for a, b in named):
                    x = [sp for sp in following if sp.end <= s2]
                    if not x:
                        continue  # "بين وزير ...": a word that only begins with و, before the first party
                    y = [sp for sp in following if sp.start > s2]
                    if y and x[-1].entity_id != y[0].entity_id:
                        return x[-1], y[0]
                    return None
            return None
    return None


def _location(text: str, words, spans, after_pos: int, s_end: int, used) -> str | None:
    """The first place after a place cue following the trigger: a word (إلى, في, قرب...) or a clitic on the
    name itself ("بدمشق")."""
    used_ids = {sp.entity_id for sp in used if sp is not None}
    clause_end = text.find("،", after_pos, s_end)  # the place of this clause, not of the next one
    clause_end = s_end if clause_end < 0 else clause_end
    places = [sp for sp in spans if sp.type == "LOC" and after_pos <= sp.start < clause_end and sp.entity_id not in used_ids]
    for sp in sorted(places, key=lambda sp: sp.start):
        prefix = text[max(0, sp.start - 2):sp.start]
        if prefix[-1:] == "ب" and (len(prefix) < 2 or not prefix[0].isalpha() or prefix[0] == "و"):
            return sp.entity_id
        cue = [w for _, e, w in words if e <= sp.start][-1:]
        if cue and cue[0].lstrip("و") in _PLACE_CUES:
            return sp.entity_id
    return None
