"""Institutions and landmarks by their shape: a head noun and its complement, up to a boundary."""
from __future__ import annotations

import pytest

from tasks.enrich.institutions import find_institutions, with_institutions, without_generic_forces
from tasks.enrich.ner.tagger import Mention


def _found(text: str, names=()) -> list[tuple[str, str]]:
    return [(text[s.start:s.end], s.type) for s in find_institutions(text, names)]


@pytest.mark.parametrize("text, expected", [
    ("وقالت وزارة الخارجية الروسية في بيان", [("وزارة الخارجية الروسية", "ORG")]),
    ("أعلن الجيش الإسرائيلي اليوم", [("الجيش الإسرائيلي", "ORG")]),
    ("وقضت محكمة جنايات القاهرة بإدراج", [("محكمة جنايات القاهرة", "ORG")]),
    ("بحسب المرصد السوري لحقوق الإنسان.", [("المرصد السوري لحقوق الإنسان", "ORG")]),
    ("ونقل عن مجلس الشيوخ الأميركي أن", [("مجلس الشيوخ الأميركي", "ORG")]),
    ("عبر مضيق هرمز والخليج", [("مضيق هرمز", "LOC")]),
    ("في الجيش السوري لأكاديمية الأسد للهندسة العسكرية",
     [("الجيش السوري", "ORG"), ("أكاديمية الأسد للهندسة العسكرية", "ORG")]),
    # where the name ends: a participle, a verbal noun, a second noun after the name, ل on a verb
    ("وقال مجلس الوزراء المنعقد اليوم", [("مجلس الوزراء", "ORG")]),
    ("إلى منظمة التجارة العالمية للرد على", [("منظمة التجارة العالمية", "ORG")]),
    ("في مضيق هرمز الواقعين بين", [("مضيق هرمز", "LOC")]),
    ("وقال مجلس الأمن الدولي إن", [("مجلس الأمن الدولي", "ORG")]),
    ("وأعلنت هيئة الأركان العامة للجيش", [("هيئة الأركان العامة", "ORG")]),
    # after an adjective of scope alone, a ل-complement is the name's; after a nationality it is not
    ("وقالت الهيئة العامة للترفيه إن", [("الهيئة العامة للترفيه", "ORG")]),
    ("وأعلنت المؤسسة العامة للحبوب السعودية وقف", [("المؤسسة العامة للحبوب السعودية", "ORG")]),
    ("وقال مفوض الاتحاد الأوروبي للطاقة إن", [("الاتحاد الأوروبي", "ORG")]),
    # a spokesperson's office names the body it speaks for; other offices stand for a person (below)
    ("وقال المتحدث باسم وزارة الصحة الكندية إن", [("وزارة الصحة الكندية", "ORG")]),
    # a peninsula's head is two words
    ("ضمت الدولة شبه جزيرة تاران عام", [("شبه جزيرة تاران", "LOC")]),
    ("في شبه الجزيرة الشمالية وبشبه جزيرة تاران", [("شبه الجزيرة الشمالية", "LOC"), ("شبه جزيرة تاران", "LOC")]),
])
def test_institutions_and_landmarks(text, expected):
    assert _found(text) == expected


@pytest.mark.parametrize("text", [
    "وقال الجيش إن الهجوم فشل",  # a generic noun alone is no name (the annotation guide)
    "وانتشرت قوات الأمن في الشوارع",  # generic adjectives do not make a name
    "وقضت المحكمة بوضع الشحي في السجن",  # a definite head and a verbal noun: the court, then the clause
    "وقال رئيس هيئة الأركان العامة إن",  # inside an office, which stands for a person
    "وتطوير قطاع السياحة وقطاع صناعة السيارات",  # a sector: قطاع names a place only before a place found
])
def test_not_names(text):
    assert _found(text) == []


def test_a_preposition_on_a_verb_is_no_complement():
    assert _found("وأرسلت القوات الأمريكية لضربها") == [("القوات الأمريكية", "ORG")]


def test_a_place_completes_an_institution_and_stays_a_place():
    text = "وقالت شرطة نيويورك إن"
    start = text.index("نيويورك")
    place = Mention(start, start + len("نيويورك"), "نيويورك", "LOC", "نيويورك")
    mentions = with_institutions(text, [place])
    assert [(m.surface, m.type) for m in mentions] == [("شرطة نيويورك", "ORG"), ("نيويورك", "LOC")]


def test_a_proper_name_after_a_generic_head_is_the_name():
    text = "وقالت منظمة هيومن رايتس ووتش إن"
    start = text.index("هيومن")
    org = Mention(start, start + len("هيومن رايتس ووتش"), "هيومن رايتس ووتش", "ORG", "هيومن رايتس ووتش")
    assert [m.surface for m in with_institutions(text, [org])] == ["هيومن رايتس ووتش"]


def test_after_the_preposition_lam_the_name_gets_its_article_back():
    text = "وقال للجيش السوري إن"
    (span,) = find_institutions(text)
    assert (text[span.start:span.end], span.elided) == ("لجيش السوري", True)
    place = Mention(0, 4, "وقال", "MISC", "وقال")  # any mention: the institutions are added beside it
    (org,) = [m for m in with_institutions(text, [place]) if m.type == "ORG"]
    assert (org.surface, org.name) == ("لجيش السوري", "الجيش السوري")


def test_forces_named_by_one_adjective_are_generic():
    text = "وقصفت القوات الأمريكية مواقع، وردت القوات المسلحة المصرية، وأعلنت القوات الجوية"
    mentions = [Mention(text.index(s), text.index(s) + len(s), s, "ORG", s)
                for s in ("القوات الأمريكية", "القوات المسلحة المصرية", "القوات الجوية")]
    mentions.append(Mention(0, 5, "وقصفت", "PER", "وقصفت"))
    assert [m.surface for m in without_generic_forces(mentions)] == ["القوات المسلحة المصرية", "وقصفت"]


def _mention(text: str, surface: str, type_: str) -> Mention:
    start = text.index(surface)
    return Mention(start, start + len(surface), surface, type_, surface)


def test_a_landform_is_the_place_inside_it_a_landmark_keeps_its_place():
    text = "عثر عليه في نهر سالي قرب مطار دوران وفي قطاع مارا"
    places = [_mention(text, name, "LOC") for name in ("سالي", "دوران", "مارا")]
    assert [(m.surface, m.type) for m in with_institutions(text, places)] == [
        ("نهر سالي", "LOC"), ("مطار دوران", "LOC"), ("دوران", "LOC"), ("قطاع مارا", "LOC")]


def test_a_building_named_for_a_person_is_the_building():
    text = "نقل إلى مستشفى سامي فارس ثم إلى وزارة سامي"
    persons = [_mention(text, "سامي فارس", "PER"), Mention(text.rindex("سامي"), len(text), "سامي", "PER", "سامي")]
    assert [(m.surface, m.type) for m in with_institutions(text, persons)] == [
        ("مستشفى سامي فارس", "ORG"), ("سامي", "PER")]  # a ministry is not named for a person
