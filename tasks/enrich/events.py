"""Events: who did what to whom, where and when, read from an article's sentences by trigger words.

A trigger (tasks.enrich.event_lexicon: a verb or a verbal noun: زار / زيارة, استقبل, التقى / لقاء / مباحثات, وقّع / توقيع,
أشاد, اتهم, انتقد, هدد, قصف...) gives the PLOVER type, the mode and the nearest CAMEO code. Its actor and
target are entity mentions of the same sentence, by Arabic word order: the subject follows a verb (VSO:
"استقبل الأسد باقري"), or stands before it ("باقري قام بزيارة"), or before a relative pronoun ("الأسد الذي
استقبل باقري"); the target is the next entity, or the one after مع / بين X و Y. An office written instead of
a name ("رئيس هيئة الأركان الإيرانية") stands for the person the article gave that office to (tasks.enrich.offices). The location
is a place after إلى / في / قرب; the date is the sentence's temporal expression nearest the trigger; the
modality is `planned` after من المقرر أن / يعتزم / سـ, else `reported`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tasks.enrich.attributions import is_platform
from tasks.enrich.event_lexicon import (
    BROUGHT_TOGETHER,
    NEGATIONS,
    PASSIVE,
    PLACE_CUES,
    PLANNED_WORD,
    PREPOSITIONS,
    RELATIVES,
    SYMMETRIC,
    TITLE_HEADS,
    Trigger,
    trigger_of,
)
from tasks.enrich.offices import EntitySpan, office_spans
from tasks.text.normalize import normalize_arabic, normalize_word, stable_id

MODEL_VERSION = "events-rules-5"
_SENTENCE_END = re.compile(r"[.!?؟؛\n]+")
_WORD = re.compile(r"\w+")


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


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(start + w.start(), start + w.end(), normalize_word(w.group())) for w in _WORD.finditer(text[start:end])]


def _bare(word: str) -> str:
    """The word without one leading conjunction و or ف ("وفي" → "في"; "ولي" stays a word of its own below)."""
    return word[1:] if word[:1] in ("و", "ف") and len(word) > 2 else word


def _is(word: str, words: set[str]) -> bool:
    """The word, or the word after its conjunction, is one of `words` ("ولي" is a title itself, "وفي" is في)."""
    return word in words or _bare(word) in words


def _gap_words(words, a: int, b: int) -> set[str]:
    return {form for s, e, w in words if s >= a and e <= b for form in (w, _bare(w))}


def _agents_in(spans: list[EntitySpan], a: int, b: int) -> list[EntitySpan]:
    """Persons, bodies and places in [a, b) (not MISC), the same entity written twice in a row (office,
    then name) once."""
    out: list[EntitySpan] = []
    for sp in sorted((s for s in spans if s.start >= a and s.end <= b and s.type != "MISC"), key=lambda s: s.start):
        if out and out[-1].entity_id == sp.entity_id:
            continue
        out.append(sp)
    return out


def _nearest_date(temporals, a: int, b: int, at: int):
    inside = [t for t in temporals if t.start >= a and t.end <= b and t.value is not None]
    return min(inside, key=lambda t: abs(t.start - at)) if inside else None


@dataclass
class _Sentence:
    """A sentence's words (start, end, normalized form) and the entities that can act in it."""

    text: str
    start: int
    end: int
    words: list[tuple[int, int, str]]
    agents: list[EntitySpan]


def _actor(sent: _Sentence, i: int, kind: str, trig: Trigger):
    """(actor, entities after it that may be the target, confidence) for the trigger at word i, by word order."""
    text, words, agents = sent.text, sent.words, sent.agents
    w_start, w_end, _ = words[i]
    people = [sp for sp in agents if sp.type != "LOC"]  # actors are persons and organisations ...
    before = [sp for sp in people if sp.end <= w_start]
    after = [sp for sp in agents if sp.start >= w_end  # "يطلب هدنة حسب ما أعلن المرصد": a source, no party
             and not _GAP_ATTRIBUTION.search(normalize_arabic(text[w_end:sp.start]))]
    confidence = 0.8 if kind == "verb" else 0.65
    prev_word = words[i - 1][2] if i else ""
    first = after[0] if after else None
    # ... and countries and capitals too ("وتدعم طهران ..."), but they do not meet or sign
    may_act = first is not None and (first.type != "LOC" or trig.event_type not in ("CONSULT", "AGREE"))
    # behind a title ("بحث ولي عهد أبوظبي ... محمد بن زايد"), the first one who can act and follows no preposition
    subject = next((sp for sp in after if (sp.type != "LOC" or trig.event_type not in ("CONSULT", "AGREE"))
                    and not _after_preposition(words, sp)), None)
    titled = subject is not None and i + 1 < len(words) and _is(words[i + 1][2], TITLE_HEADS) \
        and subject.start - w_end < 120 and (subject is not first or "،" not in text[w_end:first.start])
    gap = _gap_words(words, w_end, first.start) if first is not None else set()
    # a place acts only as the verb's subject right after it: "استهدفت منطقة X" makes X the object
    close = may_act and first.start - w_end < (40 if kind == "verb" else 60) and not (gap & PREPOSITIONS) \
        and (first.type != "LOC" or not gap)
    if kind == "verb" and prev_word in RELATIVES:  # "الأسد الذي استقبل باقري": the name the pronoun follows
        antecedent = before[-1] if before and not text[before[-1].end:words[i - 1][0]].strip(" ،,") else None
        return antecedent, after, confidence  # "... الضربة التي استهدفت المطار": a strike, no one named
    if kind == "verb" and before and not text[before[-1].end:w_start].strip(" \"'«»“”"):
        return before[-1], after, confidence  # SVO: "أن الصفدي سيلتقي شكري"
    if kind == "noun" and any(_is(w, PASSIVE) for _, _, w in words[max(0, i - 2):i]) \
            and any(sp.type == "PER" for sp in people):
        actor = next(sp for sp in people if sp.type == "PER")  # "... تم فيها توقيع": the first person named
        return actor, [sp for sp in agents if sp.start > actor.end], confidence
    if titled:
        return subject, [sp for sp in after if sp.start > subject.start], confidence
    if close:
        return first, after[1:], confidence
    if before:
        return before[-1], after, confidence - 0.1
    return None, after, confidence


def _target(sent: _Sentence, trig: Trigger, actor: EntitySpan, after: list[EntitySpan]) -> EntitySpan | None:
    """The object: the next entity, not a name after a preposition ("في سوريا"; but "مع X" is the other
    party); persons and bodies only for meetings, agreements and attacks (a place attacked is where, not whom:
    "قصفت القوات مدينة إدلب")."""
    others = [sp for sp in after if sp.entity_id != actor.entity_id and not _after_preposition(sent.words, sp)]
    if trig.event_type in ("CONSULT", "AGREE", "ASSAULT"):
        others = [sp for sp in others if sp.type != "LOC"]
    return others[0] if others else None


_ARRIVE = {normalize_arabic(w) for w in ("وصل", "وصلت", "يصل", "سيصل")}
# "يطلب هدنة ... حسب ما أعلن المرصد": the source of the report, not the object of the demand
_GAP_ATTRIBUTION = re.compile(r"(?<!\w)(?:حسب|بحسب|وفق|وفقا|نقلا|طبقا)(?!\w)")


def extract_events(article_id: str, text: str, mentions, temporals, cited=(), offices=None) -> list[Event]:
    """Events of one article. `mentions` have start, end, surface, type, entity_id and role (a social site's
    mention takes no part: "كتب على تويتر"); `temporals` have start, end, value and granularity; `cited`
    (start, end) spans of agencies cited as sources, which take no part; `offices`: the article's offices
    standing for a person (`office_spans` of the mentions), when the caller has them."""
    spans = event_spans(text, mentions, cited, offices)
    found: dict[tuple, Event] = {}
    for sent, i, trig, kind, rule in _triggers(text, spans):
        if rule is not None:
            _add_event(found, article_id, sent, spans, temporals, i, trig, kind, *rule)
    return _visits_apart(list(found.values()))


def event_spans(text: str, mentions, cited=(), offices=None) -> list[EntitySpan]:
    """The entity spans that can take part in events: mentions (not a social site, not an agency cited as a
    source) and offices standing for a person (`office_spans` of the mentions unless given)."""
    offices = office_spans(text, mentions) if offices is None else offices
    cited = [(c.start, c.end) for c in cited]
    return [EntitySpan(m.start, m.end, m.entity_id, m.type) for m in mentions
            if not is_platform(m.surface) and not any(o.start <= m.start and m.end <= o.end for o in offices)
            and not any(a < m.end and m.start < b for a, b in cited)] + offices


def _triggers(text: str, spans):
    """(sentence, word index, trigger, kind, the rules' (actor, target, confidence) or None) of each trigger."""
    for s_start, s_end in sentences(text):
        sent = _Sentence(text, s_start, s_end, _words(text, s_start, s_end), _agents_in(spans, s_start, s_end))
        for i, (w_start, w_end, word) in enumerate(sent.words):
            hit = trigger_of(word, lambda: [w for _, _, w in sent.words[i + 1:i + 5]])
            if hit is None or (i and sent.words[i - 1][2] in NEGATIONS):
                continue  # "لم يطلب منه": what did not happen is no event
            trig, kind = hit
            yield sent, i, trig, kind, _rule_parties(sent, spans, i, trig, kind)


def _rule_parties(sent: _Sentence, spans, i: int, trig: Trigger, kind: str):
    """(actor, target, confidence) of the trigger at word i by the word-order rules, or None: no event."""
    text, s_end = sent.text, sent.end
    w_start, w_end, word = sent.words[i]
    met = _brought_together(sent, i, trig, kind)
    if met is not None:
        return met
    actor, after, confidence = _actor(sent, i, kind, trig)
    # "بين X و Y" names the parties of a meeting or a deal ("الاتصال الهاتفي الذي جرى بين X وY"), not
    # what one praises ("المباراة بين فرنسا وكرواتيا")
    pair = _between(sent.words, sent.agents, w_end) \
        if trig.has_target and trig.event_type in ("CONSULT", "AGREE", "COOPERATE") else None
    if actor is None and (pair is None or trig.event_type != "CONSULT"):
        return None
    target = None
    if trig.has_target:
        actor, target = pair if pair else (actor, _target(sent, trig, actor, after))
        if target is None and trig.needs_target:
            return None  # a meeting, an agreement or an accusation with nobody on the other side is no event
    elif trig.mode == "visit" and not _location(text, sent.words, spans, max(w_end, actor.end), s_end, (actor, None)) \
            and not any(sp.type == "PER" and sp.entity_id != actor.entity_id for sp in after):
        return None  # a visit goes somewhere or to someone: "وصل عدد القتلى إلى 20" is none
    elif trig.mode == "visit" and actor.type != "PER" and _bare(word) in _ARRIVE:
        return None  # "وصلت الكرة إلى أوباميانغ", "وصل مانشستر سيتي": a person arrives on a visit
    else:  # a visit's target is its host when the sentence names one (the annotation guide)
        clause_end = _clause_end(text, w_end, s_end)
        target = next((sp for sp in after if sp.type == "PER" and sp.entity_id != actor.entity_id
                       and not _after_preposition(sent.words, sp) and sp.start < clause_end
                       and sp.start - actor.end > 2), None)  # not the name in apposition to an office
    return actor, target, confidence


_APPOSITION_REACH = 60  # characters from ب to the one met


def _brought_together(sent: _Sentence, i: int, trig: Trigger, kind: str):
    """(actor, target, confidence) of a meeting noun followed by "جمعه ب..." ("في قمة جمعته الأحد بنظيره، فلان";
    "اللقاء الذي جمعه بالسفير"): the one the pronoun stands for, the person named last before the
    noun (else the last body or place), met the first one named after ب; else None."""
    if kind != "noun" or trig.event_type != "CONSULT" or trig.mode == "phone":
        return None
    words = sent.words
    for k in range(i + 1, min(i + 4, len(words) - 1)):
        if BROUGHT_TOGETHER.match(words[k][2]):
            break
        if words[k][2] not in RELATIVES:
            return None
    else:
        return None
    # ب on the next word or on the one after a day ("جمعته الاثنين بنظيره")
    with_at = next((w for w in words[k + 1:k + 3] if w[2].startswith("ب") and w[2] != "بن"), None)
    if with_at is None:
        return None
    before = [sp for sp in sent.agents if sp.end <= words[i][0]]
    actor = next((sp for sp in reversed(before) if sp.type == "PER"), before[-1] if before else None)
    others = [sp for sp in sent.agents if sp.start >= with_at[0] and (actor is None or sp.entity_id != actor.entity_id)]
    target = others[0] if others else None
    if actor is None or target is None or target.start - with_at[0] > _APPOSITION_REACH:
        return None  # "بنظيره الروسي، فلان": the name in apposition to the office, a few words on
    return actor, target, 0.65


def _add_event(found: dict, article_id: str, sent: _Sentence, spans, temporals, i: int, trig: Trigger, kind: str,
               actor: EntitySpan, target: EntitySpan | None, confidence: float) -> None:
    """The event of the trigger at word i with these parties, merged into `found` by (type, actor, target)."""
    text, s_start, s_end = sent.text, sent.start, sent.end
    w_start, w_end, word = sent.words[i]
    when = _nearest_date(temporals, s_start, s_end, w_start)
    # "سيلتقي", "ستزور": a verb in the future; "من المقرر أن يلتقي", "يعتزم زيارة": an intention
    planned = trig.planned_cameo is not None and (
        (kind == "verb" and _bare(word).startswith("س"))
        or any(PLANNED_WORD.match(w) for _, _, w in sent.words[max(0, i - 4):i]))
    parties = (actor.entity_id, target.entity_id if target else None)
    if trig.mode in SYMMETRIC:  # A met B is B met A: one event
        parties = tuple(sorted(parties, key=str))
    event = Event(
        event_id=stable_id("event", article_id, str(w_start), trig.mode),
        event_type=trig.event_type, mode=trig.mode,
        cameo=trig.planned_cameo if planned else trig.cameo,
        actor_entity_id=actor.entity_id, target_entity_id=target.entity_id if target else None,
        location_entity_id=_location(text, sent.words, spans, max(w_end, actor.end), s_end, (actor, target)),
        event_date=when.value if when else None, granularity=when.granularity if when else None,
        modality="planned" if planned else "reported",
        sentence=text[s_start:s_end].strip(), sentence_start=s_start, confidence=round(confidence, 2),
    )
    # one event per (type, actor, target) happening, however many words report it; a visit and the
    # hosting of it stay two (who went, who received)
    key = (trig.event_type, trig.mode if trig.mode in ("visit", "host") else "", parties)
    found[key] = _merge(found[key], event) if key in found else event


def _clause_end(text: str, start: int, end: int) -> int:
    """The end of the clause from `start`: the next comma ("وصلت ميركل إلى إسرائيل، حسب ما أعلنه X": X
    reported the visit, he did not host it)."""
    comma = text.find("،", start, end)
    return end if comma < 0 else comma


def _visits_apart(events: list[Event]) -> list[Event]:
    """A visit whose host the article also reports meeting or hosting the visitor is the visit alone (target
    omitted): the meeting is its own event, not a second report of the visit."""
    met = {frozenset((e.actor_entity_id, e.target_entity_id)) for e in events
           if e.event_type == "CONSULT" and e.mode != "visit" and e.target_entity_id}
    out = []
    for e in events:
        if e.mode == "visit" and e.target_entity_id and frozenset((e.actor_entity_id, e.target_entity_id)) in met:
            e = Event(**{**e.__dict__, "target_entity_id": None})
        out.append(e)
    unique: dict[tuple, Event] = {}
    for e in out:  # two visits of one visitor that now both lack a target are one
        key = (e.event_type, e.mode, e.actor_entity_id, e.target_entity_id)
        unique[key] = _merge(unique[key], e) if key in unique else e
    return list(unique.values())


def _merge(old: Event, new: Event) -> Event:
    """One event reported twice in an article: the first report, with the date (and its granularity) and
    the place the second adds when the first lacks them."""
    fill = {}
    if old.event_date is None and new.event_date is not None:
        fill.update(event_date=new.event_date, granularity=new.granularity)
    if old.location_entity_id is None and new.location_entity_id is not None:
        fill["location_entity_id"] = new.location_entity_id
    return Event(**{**old.__dict__, **fill})


def _after_preposition(words, span: EntitySpan) -> bool:
    """The word before this name is a preposition other than مع."""
    prev = [w for _, e, w in words if e <= span.start][-1:]
    return bool(prev) and _is(prev[0], PREPOSITIONS - {"مع"})


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
    # the place of this clause, not of the next one; a comma right after the actor closes its apposition
    # ("وصلت المستشارة الألمانية، أنجيلا ميركل، إلى إسرائيل")
    gap = re.match(r"\s*،", text[after_pos:s_end])
    clause_end = _clause_end(text, after_pos + (gap.end() if gap else 0), s_end)
    places = [sp for sp in spans if sp.type == "LOC" and after_pos <= sp.start < clause_end and sp.entity_id not in used_ids]
    for sp in sorted(places, key=lambda sp: sp.start):
        prefix = text[max(0, sp.start - 2):sp.start]
        if prefix[-1:] == "ب" and (len(prefix) < 2 or not prefix[0].isalpha() or prefix[0] == "و"):
            return sp.entity_id
        cue = [w for _, e, w in words if e <= sp.start][-1:]
        if cue and _is(cue[0], PLACE_CUES):
            return sp.entity_id
    return None
