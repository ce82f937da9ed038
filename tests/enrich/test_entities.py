"""Canonical entities: short forms inside an article, keys, aliases across articles; name propagation."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tasks.enrich.entities import entity_id, entity_type, link_in_article, name_key, resolve
from tasks.enrich.name_propagation import extend_first_names, extend_last_names, person_names, propagate


@dataclass
class M:
    start: int
    end: int
    surface: str
    type: str
    role: str | None = None
    name: str | None = None


def mentions_of(text: str, spans: list[tuple[str, str]]) -> list[M]:
    """Mentions for (surface, type) pairs, found left to right in `text`."""
    out, pos = [], 0
    for surface, kind in spans:
        i = text.index(surface, pos)
        out.append(M(i, i + len(surface), surface, kind))
        pos = i + len(surface)
    return out


def test_short_forms_link_to_the_fuller_name_in_the_article():
    text = "استقبل الرئيس كمال الدين حداد نظيره رامي صالح. وقال حداد إن صالح وكمال حداد اتفقا."
    ms = mentions_of(text, [("كمال الدين حداد", "PER"), ("رامي صالح", "PER"), ("حداد", "PER"), ("صالح", "PER"), ("كمال حداد", "PER")])
    assert [m.canonical for m in link_in_article(ms)] == [
        "كمال الدين حداد", "رامي صالح", "كمال الدين حداد", "رامي صالح", "كمال الدين حداد"]


def test_a_name_without_its_last_word_links_to_the_name_but_a_shorter_prefix_does_not():
    text = "سجن أحمد منصور الشحي. وقال أحمد منصور إنه بريء. وقال مايك بومبيو خليفة تيلرسون. ورد مايك بومبيو."
    ms = mentions_of(text, [("أحمد منصور الشحي", "PER"), ("أحمد منصور", "PER"), ("مايك بومبيو خليفة تيلرسون", "PER"),
                            ("مايك بومبيو", "PER")])
    assert [m.canonical for m in link_in_article(ms)] == [
        "أحمد منصور الشحي", "أحمد منصور الشحي", "مايك بومبيو خليفة تيلرسون", "مايك بومبيو"]


def test_a_group_named_without_its_noun_links_to_the_group():
    text = "تبنى تنظيم داعش الهجوم. وقال مسلحون من داعش إن حزب الله بعيد."
    ms = mentions_of(text, [("تنظيم داعش", "ORG"), ("داعش", "ORG"), ("الله", "ORG")])
    assert [m.canonical for m in link_in_article(ms)] == ["تنظيم داعش", "تنظيم داعش", "الله"]


def test_a_landform_named_without_its_noun_links_to_the_landform():
    text = "على مرتفعات دوران وشبه جزيرة تاران. وقال إن دوران وتاران ومدينة دوران"
    ms = mentions_of(text, [("مرتفعات دوران", "LOC"), ("شبه جزيرة تاران", "LOC"), ("دوران", "LOC"), ("تاران", "LOC")])
    assert [m.canonical for m in link_in_article(ms)] == ["مرتفعات دوران", "شبه جزيرة تاران", "مرتفعات دوران",
                                                          "شبه جزيرة تاران"]


def test_two_people_with_one_surname_stay_apart():
    text = "التقى سامي عطية بوزير المال نبيل عطية. ثم غادر نبيل عطية، وبقي سامي عطية. وقال عطية إن اللقاء مثمر."
    ms = mentions_of(text, [("سامي عطية", "PER"), ("نبيل عطية", "PER"), ("نبيل عطية", "PER"), ("سامي عطية", "PER"), ("عطية", "PER")])
    linked = link_in_article(ms)
    assert linked[-1].canonical == "سامي عطية"  # the nearest full name before it
    assert {linked[0].canonical, linked[1].canonical} == {"سامي عطية", "نبيل عطية"}


def test_place_spellings_share_a_key_and_types_are_normalized():
    assert name_key("سورية", "LOC") == name_key("سوريا", "LOC") == name_key("سوريّا", "LOC")
    assert name_key("إيران", "LOC") == name_key("ايران", "LOC")
    assert entity_type("PERS") == "PER" and entity_type("loc") == "LOC"
    with pytest.raises(ValueError):
        entity_type("DATE")


def test_a_short_form_alone_resolves_through_an_earlier_articles_alias():
    first = link_in_article(mentions_of("وصل اللواء حسن فرحات إلى بيروت. وقال فرحات", [("حسن فرحات", "PER"), ("فرحات", "PER")]))
    resolved, entities, aliases = resolve(first, {})
    known: dict = {}
    for type_, key, eid in aliases:
        known.setdefault((type_, key), set()).add(eid)
    full_id = entity_id("PER", name_key("حسن فرحات", "PER"))
    assert {m.entity_id for m in resolved} == {full_id} and full_id in entities
    later, entities2, _ = resolve(link_in_article(mentions_of("صرح فرحات أمس", [("فرحات", "PER")])), known)
    assert later[0].entity_id == full_id and entities2 == {}


def test_an_ambiguous_alias_resolves_to_neither_entity():
    known = {("PER", "عطيه"): {"id-sami", "id-nabil"}}
    resolved, entities, _ = resolve(link_in_article([M(0, 4, "عطية", "PER")]), known)
    assert resolved[0].entity_id == entity_id("PER", "عطيه") and resolved[0].entity_id in entities


def test_names_found_once_are_found_again_with_clitics_outside_the_span():
    text = "أعلن الوزير خالد المصري خطة جديدة. وقال المصري إن الخطة جاهزة، وأضاف للمصري مستشاره: لا تأخير. وبالمصري"
    found = [M(12, 23, "خالد المصري", "PER", name="خالد المصري")]
    more = propagate(text, found)
    assert [(m.surface, m.name, m.type) for m in more] == [
        ("المصري", "المصري", "PER"), ("لمصري", "المصري", "PER"), ("المصري", "المصري", "PER")]
    for m in more:
        assert text[m.start:m.end] == m.surface
    assert propagate("لا أسماء هنا", []) == []


def test_person_names_are_full_names_and_long_last_names():
    ms = [M(0, 9, "أيمن الصفدي", "PER"), M(0, 3, "علي", "PER"), M(0, 6, "عمر بن", "PER"), M(0, 5, "بيروت", "LOC")]
    assert person_names(ms) == {"ايمن الصفدي", "الصفدي", "عمر بن"}
    # a weekday the recogniser took with the name is no part of it, as mention_spans.tidy cuts it
    assert person_names([M(0, 19, "سعود بن فهد الخميس", "PER")]) == {"سعود بن فهد"}


def test_a_first_name_left_out_by_the_tagger_joins_the_span_but_not_a_preposition():
    text = "وقال وزير الزراعة سمير محمود حداد إن الموسم جيد، وأثنى على محمود حداد."
    first, second = text.index("محمود حداد"), text.rindex("محمود حداد")
    found = [M(first, first + 10, "محمود حداد", "PER", name="محمود حداد"),
             M(second, second + 10, "محمود حداد", "PER", name="محمود حداد")]
    wider = extend_first_names(text, found, frozenset({"سمير", "علي"}))
    assert [(m.surface, m.name) for m in wider] == [("سمير محمود حداد", "سمير محمود حداد"), ("محمود حداد", "محمود حداد")]
    assert all(text[m.start:m.end] == m.surface for m in wider)


def test_a_first_name_alone_after_a_title_takes_the_last_name_the_tagger_read_as_a_word():
    text = "دعا وزير الخارجية الإيراني جواد ظريف المملكة إلى الحوار، وقال جواد إن"
    first, second = text.index("جواد"), text.rindex("جواد")
    found = [M(first, first + 4, "جواد", "PER", name="جواد"), M(second, second + 4, "جواد", "PER", name="جواد")]
    wider = extend_last_names(text, found, frozenset({"جواد"}), frozenset({"وزير"}))
    # after a nationality: the last name joins; after a verb and before إن: nothing to join
    assert [m.surface for m in wider] == ["جواد ظريف", "جواد"]
    assert all(text[m.start:m.end] == m.surface for m in wider)


def test_a_one_word_name_that_is_also_a_common_word_needs_a_cue():
    text = "وقال محمد بن عبد الرحمن آل ثاني إن. وفي الشوط ثاني أهداف. وقال ثاني إن"
    full = text.index("محمد")
    found = [M(full, full + len("محمد بن عبد الرحمن آل ثاني"), "محمد بن عبد الرحمن آل ثاني", "PER",
               name="محمد بن عبد الرحمن آل ثاني")]
    more = propagate(text, found, zipf={"ثاني": 5.0})
    assert [text[m.start - 5:m.start].strip() for m in more] == ["وقال"]  # not "الشوط ثاني"
    assert len(propagate(text, found)) == 2  # without word frequencies, every occurrence
