"""Events by trigger rules: actor and target by word order, offices for people, places, dates, modality."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tasks.enrich.events import extract_events, sentences
from tasks.enrich.offices import office_spans


@dataclass
class R:
    start: int
    end: int
    surface: str
    type: str
    entity_id: str
    role: str | None = None


@dataclass
class T:
    start: int
    end: int
    value: date | None
    granularity: str


class _Named:
    """A mention whose entity id is its surface, at the surface's first occurrence."""

    def __init__(self, text: str, surface: str, kind: str):
        self.start = text.index(surface)
        self.end = self.start + len(surface)
        self.surface, self.type, self.entity_id, self.role = surface, kind, surface, None


def _named(text: str, spans) -> list[_Named]:
    return [_Named(text, s, k) for s, k in spans]


def mention(text: str, surface: str, kind: str, eid: str, role: str | None = None, nth: int = 0) -> R:
    i = -1
    for _ in range(nth + 1):
        i = text.index(surface, i + 1)
    return R(i, i + len(surface), surface, kind, eid, role)


def summary(events):
    return sorted((e.event_type, e.mode, e.cameo, e.actor_entity_id, e.target_entity_id, e.location_entity_id, e.modality)
                  for e in events)


def test_vso_verb_with_place_and_date():
    text = "استقبل الملك سلمان الرئيس ماكرون في الرياض يوم الثلاثاء."
    ms = [mention(text, "سلمان", "PER", "salman"), mention(text, "ماكرون", "PER", "macron"), mention(text, "الرياض", "LOC", "riyadh")]
    day = text.index("يوم الثلاثاء")
    events = extract_events("a1", text, ms, [T(day, day + 12, date(2024, 5, 7), "day")])
    assert summary(events) == [("CONSULT", "host", "043", "salman", "macron", "riyadh", "reported")]
    assert events[0].event_date == date(2024, 5, 7) and events[0].sentence.startswith("استقبل")


def test_relative_clause_subject_and_planned_meeting():
    text = ("التقى الوفد بالوزيرة هالة زايد التي استقبلت المبعوث جون كيري. "
            "ومن المقرر أن يلتقي كيري رئيس الحكومة مصطفى مدبولي غدا.")
    ms = [mention(text, "هالة زايد", "PER", "zayed"), mention(text, "جون كيري", "PER", "kerry"),
          mention(text, "كيري", "PER", "kerry", nth=1), mention(text, "مصطفى مدبولي", "PER", "madbouly")]
    got = summary(extract_events("a2", text, ms, []))
    assert ("CONSULT", "host", "043", "zayed", "kerry", None, "reported") in got
    assert ("CONSULT", "meet", "036", "kerry", "madbouly", None, "planned") in got


def test_signing_between_two_parties_and_a_meeting_without_counterpart_is_dropped():
    text = ("جرى توقيع الاتفاق بين وزير الطاقة أحمد عرفات، ووزير النقل سعيد النمر. "
            "وعقد عرفات اجتماعا موسعا.")
    ms = [mention(text, "أحمد عرفات", "PER", "arafat"), mention(text, "سعيد النمر", "PER", "nimr"),
          mention(text, "عرفات", "PER", "arafat", nth=1)]
    assert summary(extract_events("a3", text, ms, [])) == [("AGREE", "sign", "057", "arafat", "nimr", None, "reported")]


def test_an_office_stands_for_the_person_given_it():
    text = ("وصل رئيس الوزراء الأردني بشر الخصاونة إلى بغداد. "
            "واستقبل رئيس الوزراء العراقي محمد شياع السوداني رئيس الوزراء الأردني في مطار بغداد.")
    ms = [mention(text, "بشر الخصاونة", "PER", "khasawneh", role="رئيس الوزراء الأردني"),
          mention(text, "بغداد", "LOC", "baghdad"),
          mention(text, "محمد شياع السوداني", "PER", "sudani", role="رئيس الوزراء العراقي")]
    offices = office_spans(text, ms)
    assert [text[o.start:o.end] for o in offices if o.entity_id == "khasawneh"] == ["رئيس الوزراء الأردني"]
    got = summary(extract_events("a4", text, ms, []))
    assert ("CONSULT", "visit", "042", "khasawneh", None, "baghdad", "reported") in got
    assert ("CONSULT", "host", "043", "sudani", "khasawneh", None, "reported") in got


def test_countries_act_but_do_not_meet_and_symmetric_meetings_count_once():
    text = "وتدعم أنقرة حركة حماس سياسيا. والتقى هنية أردوغان، كما التقى أردوغان هنية."
    ms = [mention(text, "أنقرة", "LOC", "ankara"), mention(text, "حماس", "ORG", "hamas"),
          mention(text, "هنية", "PER", "haniyeh"), mention(text, "أردوغان", "PER", "erdogan"),
          mention(text, "أردوغان", "PER", "erdogan", nth=1), mention(text, "هنية", "PER", "haniyeh", nth=1)]
    got = summary(extract_events("a5", text, ms, []))
    assert got == [("CONSULT", "meet", "040", "haniyeh", "erdogan", None, "reported"),
                   ("SUPPORT", "support", "050", "ankara", "hamas", None, "reported")]


def test_event_ids_are_stable_and_sentences_split():
    text = "هاجم المتحدث باسم الجيش سامر نصر حركة التحرير. وانتقد نصر الحكومة."
    ms = [mention(text, "سامر نصر", "PER", "nasr"), mention(text, "حركة التحرير", "ORG", "tahrir"),
          mention(text, "نصر", "PER", "nasr", nth=1), mention(text, "الحكومة", "ORG", "gov")]
    first, again = extract_events("a6", text, ms, []), extract_events("a6", text, ms, [])
    assert [e.event_id for e in first] == [e.event_id for e in again] and len({e.event_id for e in first}) == 2
    assert summary(first) == [("ACCUSE", "criticize", "111", "nasr", "gov", None, "reported"),
                              ("ASSAULT", "attack", "190", "nasr", "tahrir", None, "reported")]
    assert [text[s:e] for s, e in sentences(text)] == ["هاجم المتحدث باسم الجيش سامر نصر حركة التحرير", " وانتقد نصر الحكومة"]


def test_passive_signing_takes_the_sentences_persons_and_places_are_not_objects():
    text = ("وقالت الوزارة إن الوزير كريم داود عقد جلسة مع نظيره فادي سلوم، تم فيها توقيع مذكرة تفاهم. "
            "وتدعم الحكومة جهود الإغاثة في لبنان.")
    ms = [mention(text, "كريم داود", "PER", "dawood"), mention(text, "فادي سلوم", "PER", "saloum"),
          mention(text, "الحكومة", "ORG", "gov"), mention(text, "لبنان", "LOC", "lebanon")]
    got = summary(extract_events("a7", text, ms, []))
    assert ("AGREE", "sign", "057", "dawood", "saloum", None, "reported") in got
    assert not [e for e in got if e[1] == "support"]  # "في لبنان" is where, not whom


def test_a_subject_behind_a_title_is_the_first_name_not_after_a_preposition():
    from tasks.enrich.events import extract_events
    text = "ودعا زعيم الجمهوريين في الكونغرس، بول راين، الاثنين، ترمب إلى الحذر."
    spans = [("الكونغرس", "ORG"), ("بول راين", "PER"), ("ترمب", "PER")]

    (event,) = extract_events("a", text, _named(text, spans), [])
    assert (event.event_type, event.actor_entity_id, event.target_entity_id) == ("REQUEST", "بول راين", "ترمب")


def test_what_did_not_happen_is_no_event_and_a_match_between_two_is_not_a_meeting():
    from tasks.enrich.events import extract_events
    text = ("وقال بومبيو إن ترامب لم يطلب منه شيئا. وأشاد بوتين بالمباراة بين فرنسا وكرواتيا. ودعت اليابان إلى"
            " ألا يهدد كوريا.")
    spans = [("بومبيو", "PER"), ("ترامب", "PER"), ("بوتين", "PER"), ("فرنسا", "LOC"), ("كرواتيا", "LOC"),
             ("اليابان", "LOC"), ("كوريا", "LOC")]

    events = extract_events("a", text, _named(text, spans), [])
    assert [(e.event_type, e.actor_entity_id) for e in events] == [("SUPPORT", "بوتين"), ("REQUEST", "اليابان")]


def test_a_demand_or_a_threat_may_name_no_one_and_a_report_s_source_is_no_target():
    from tasks.enrich.events import extract_events
    text = ("وطالبت ديشباندي الناس بأن يكونوا أكثر حذرا. "
            "وتبنى مجلس الأمن قرارا يطلب هدنة فورية حسب ما أعلن المرصد السوري.")
    spans = [("ديشباندي", "PER"), ("مجلس الأمن", "ORG"), ("المرصد السوري", "ORG")]
    found = {(e.event_type, e.actor_entity_id, e.target_entity_id) for e in extract_events("a", text, _named(text, spans), [])}
    assert ("REQUEST", "ديشباندي", None) in found
    assert not any("المرصد السوري" in (actor, target) for _, actor, target in found)


def test_a_relative_clause_acts_only_for_the_name_it_follows_and_a_ball_does_not_visit():
    from tasks.enrich.events import extract_events
    text = ("أفاد المرصد السوري بمقتل 14 مقاتلا في الضربة التي استهدفت مطار التيفور. "
            "ووصلت الكرة من مانشستر سيتي إلى أوباميانغ أمام المرمى. وتمكن هاتف هواوي من هزيمة أبل.")
    spans = [("المرصد السوري", "ORG"), ("مطار التيفور", "LOC"), ("مانشستر سيتي", "ORG"), ("أوباميانغ", "PER"),
             ("هواوي", "ORG"), ("أبل", "ORG")]
    assert extract_events("a", text, _named(text, spans), []) == []


def test_a_visit_goes_somewhere_and_a_place_after_a_noun_is_an_object():
    from tasks.enrich.events import extract_events
    text = "ووصل عدد القتلى إلى عشرين. واستهدفت منطقة الشيفونية بالصواريخ."
    spans = [("الشيفونية", "LOC")]

    assert extract_events("a", text, _named(text, spans), []) == []


def test_verbs_that_are_triggers_only_with_their_object():
    from tasks.enrich.event_lexicon import trigger_of
    assert trigger_of("فرضت", ["الولايات", "المتحده", "عقوبات"])[0].event_type == "SANCTION"
    assert trigger_of("فرضت", ["سيطرتها", "علي", "المدينه"]) is None  # imposed control: no sanction
    assert trigger_of("اصدرت", ["محكمه", "الجنايات", "احكاما"])[0].event_type == "COERCE"
    assert trigger_of("اصدرت", ["بيانا"]) is None


def test_a_call_between_two_and_a_subject_behind_a_title_and_a_place():
    from tasks.enrich.events import extract_events
    text = ("كشف مصدر عن الاتصال الهاتفي الذي جرى بين ولي العهد محمد بن سلمان وجاريد كوشنر. "
            "بحث ولي عهد أبوظبي محمد بن زايد، مع الرئيس المصري عبد الفتاح السيسي، العلاقات.")
    spans = [("محمد بن سلمان", "PER"), ("جاريد كوشنر", "PER"), ("أبوظبي", "LOC"), ("محمد بن زايد", "PER"),
             ("عبد الفتاح السيسي", "PER")]

    found = {(e.mode, e.actor_entity_id, e.target_entity_id) for e in extract_events("a", text, _named(text, spans), [])}
    assert ("phone", "محمد بن سلمان", "جاريد كوشنر") in found
    assert {("meet", "محمد بن زايد", "عبد الفتاح السيسي"), ("meet", "عبد الفتاح السيسي", "محمد بن زايد")} & found


def test_a_place_attacked_is_no_target_but_a_body_attacked_is():
    text = "وقصفت القوات الروسية مدينة إدلب. وهاجم الجيش السوري تنظيم داعش قرب حلب."
    spans = [("القوات الروسية", "ORG"), ("إدلب", "LOC"), ("الجيش السوري", "ORG"), ("تنظيم داعش", "ORG"), ("حلب", "LOC")]

    found = {(e.event_type, e.actor_entity_id, e.target_entity_id) for e in extract_events("a", text, _named(text, spans), [])}
    assert found == {("ASSAULT", "القوات الروسية", None), ("ASSAULT", "الجيش السوري", "تنظيم داعش")}


def test_a_meeting_that_brought_him_together_with_someone_is_his_meeting_with_them():
    from tasks.enrich.events import extract_events
    text = ("وقال الوزير سامي فارس إن القمة التي جمعته الأحد بنظيره، رامي صالح، كانت مثمرة. "
            "وأشاد المدرب كمال حداد بالمباراة التي جمعته بفريق الأهلي. وتجمعه علاقة قديمة بالوزير هشام زيدان.")
    spans = [("سامي فارس", "PER"), ("رامي صالح", "PER"), ("كمال حداد", "PER"), ("الأهلي", "ORG"), ("هشام زيدان", "PER")]
    events = extract_events("a", text, _named(text, spans), [])
    found = {(e.event_type, e.actor_entity_id, e.target_entity_id) for e in events if e.event_type == "CONSULT"}
    assert found == {("CONSULT", "سامي فارس", "رامي صالح")}
