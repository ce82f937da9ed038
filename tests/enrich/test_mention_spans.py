"""Recognised spans cut to the name: titles, places of an office and clause words out of a person's span."""
from __future__ import annotations

import pytest

from tasks.enrich.mention_spans import tidy
from tasks.enrich.ner.tagger import Mention


def _tidied(text: str, surface: str, kind: str = "PER") -> str:
    start = text.index(surface)
    (m,) = tidy(text, [Mention(start, start + len(surface), surface, kind, surface)])
    assert text[m.start:m.end] == m.surface == m.name
    return m.surface


@pytest.mark.parametrize("text, span, name", [
    ("وقالت بروفيسورة كارول روتر إن", "بروفيسورة كارول روتر", "كارول روتر"),
    ("وقال كولونيل جوناثان كونريكوس إن", "كولونيل جوناثان كونريكوس", "جوناثان كونريكوس"),
    ("وقال عمدة نيويورك بيل دي بلازيو إن", "نيويورك بيل دي بلازيو", "بيل دي بلازيو"),
    ("وقال زعيم الانقلابيين عبد الملك الحوثي إن", "الانقلابيين عبد الملك الحوثي", "عبد الملك الحوثي"),
    ("وقال الرائد آدريان رانكين غالاوي لـCNN إن", "آدريان رانكين غالاوي لـCNN", "آدريان رانكين غالاوي"),
    ("وانتخب عباس بالإجماع رئيسا", "عباس بالإجماع", "عباس"),
    ("وقال آبي حين سئل", "آبي حين", "آبي"),
    ("وقال آبي لنواب البرلمان", "آبي لنواب", "آبي"),  # ل on a common word (نواب)
    ("وسجل محمد صلاح هدفا", "محمد صلاح هدفا", "محمد صلاح"),  # a common word in the accusative
    ("عادت الرئيسة السابقة لملاوي جويس باندا", "ملاوي جويس باندا", "جويس باندا"),  # the office's place
    ("وقالت لبي بي سي إن", "لبي بي سي", "بي بي سي"),
    ("شكر الأمير سعود بن فهد الخميس ضيوفه", "سعود بن فهد الخميس", "سعود بن فهد"),  # a weekday after the name
])
def test_spans_cut_to_the_name(text, span, name):
    kind = "ORG" if "بي بي" in span else "PER"
    assert _tidied(text, span, kind) == name


@pytest.mark.parametrize("text, span", [
    ("وصل محمد باقري إلى دمشق", "محمد باقري"),  # ب + ا is a name's first letters, not a preposition
    ("قال محمد بن سلمان", "محمد بن سلمان"),
    ("زار لندن", "لندن"),  # one word: nothing to cut
    ("وقال رئيس المفوضية الأوروبية جان كلود يونكر", "جان كلود يونكر"),  # جان is a place too, but no office's
    ("وقال محاميه نبيل بودي إن", "نبيل بودي"),  # بودي is a surname, not ب + ودي
    ("وقالت ماريا بوتينا إن", "ماريا بوتينا"),  # a name, not بوتين in the accusative
])
def test_names_stay_whole(text, span):
    kind = "LOC" if span == "لندن" else "PER"
    assert _tidied(text, span, kind) == span


def test_a_hashtag_names_the_entity_with_spaces_and_keeps_its_span():
    text = "شكر أمير قطر الشيخ #تميم_بن_حمد آل ثاني إيران"
    surface = "#تميم_بن_حمد آل ثاني"
    start = text.index(surface)
    (m,) = tidy(text, [Mention(start, start + len(surface), surface, "PER", surface)])
    assert (text[m.start:m.end], m.name) == (surface, "تميم بن حمد آل ثاني")


def test_a_name_read_behind_its_own_first_letter_is_the_whole_word():
    text = "وقال المدعي العام سايروس فانس في بيان. وأوضح فانس أن القرار نهائي"
    full, short = text.index("سايروس فانس"), text.index("انس أن")
    mentions = [Mention(full, full + len("سايروس فانس"), "سايروس فانس", "PER", "سايروس فانس"),
                Mention(short, short + 3, "انس", "PER", "انس")]
    assert [m.surface for m in tidy(text, mentions)] == ["سايروس فانس", "فانس"]


def test_a_clitic_stays_a_clitic_when_no_name_has_the_whole_word():
    text = "وقال الوزير وليد إن"
    start = text.index("ليد")
    (m,) = tidy(text, [Mention(start, start + 3, "ليد", "PER", "ليد")])
    assert m.surface == "ليد"


def test_a_person_read_with_a_preposition_is_the_name_another_mention_gives():
    text = "التقى الوزير ماركوس هالبرين بنظيره. وأشاد بهالبرين وقال لهالبرين إن"
    mentions = [Mention(text.index(s), text.index(s) + len(s), s, "PER", s)
                for s in ("ماركوس هالبرين", "بهالبرين", "لهالبرين")]
    assert [(m.surface, m.name, text[m.start:m.end]) for m in tidy(text, mentions)[1:]] == [
        ("هالبرين", "هالبرين", "هالبرين")] * 2


def test_a_name_that_begins_with_the_letter_of_a_preposition_keeps_it():
    text = "وقال لوكاس فيرنر إن لوكاس سيغادر. وقال فيرنر إن"
    mentions = [Mention(text.index(s), text.index(s) + len(s), s, "PER", s) for s in ("لوكاس فيرنر", "فيرنر")]
    mentions.append(Mention(text.index("لوكاس سي"), text.index("لوكاس سي") + 5, "لوكاس", "PER", "لوكاس"))
    assert sorted(m.surface for m in tidy(text, mentions)) == ["فيرنر", "لوكاس", "لوكاس فيرنر"]


@pytest.mark.parametrize("found", [["كيم يونغ"], ["كيم يونغ", "تشول"]])
def test_a_name_that_goes_on_after_a_hyphen_is_one_person(found):
    text = "وقال المسؤول الكوري كيم يونغ-تشول إن"
    mentions = [Mention(text.index(s), text.index(s) + len(s), s, "PER", s) for s in found]
    assert [(m.surface, m.name) for m in tidy(text, mentions)] == [("كيم يونغ-تشول", "كيم يونغ-تشول")]


def test_two_known_places_read_as_one_across_a_conjunction_are_two():
    text = "وتبادلت واشنطن ولندن الاتهامات"
    start = text.index("واشنطن ولندن")
    (a, b) = tidy(text, [Mention(start, start + len("واشنطن ولندن"), "واشنطن ولندن", "LOC", "واشنطن ولندن")])
    assert [(m.surface, text[m.start:m.end], m.type) for m in (a, b)] == [
        ("واشنطن", "واشنطن", "LOC"), ("لندن", "لندن", "LOC")]


@pytest.mark.parametrize("surface, name", [("وتل أبيب", "تل أبيب"), ("وهران", "وهران"), ("مدينة وهران", "مدينة وهران")])
def test_a_known_place_read_with_its_conjunction_is_the_place(surface, name):
    text = f"بين القدس {surface} اليوم"
    start = text.index(surface)
    (m,) = tidy(text, [Mention(start, start + len(surface), surface, "LOC", surface)])
    assert (m.surface, text[m.start:m.end]) == (name, name)


@pytest.mark.parametrize("surface, dropped", [("روسي", True), ("الروسية", True), ("كندي", True), ("المصري", False),
                                              ("السيستاني", False)])
def test_a_person_that_is_a_nationality_adjective_is_dropped(surface, dropped):
    text = f"وقال {surface} إن"
    start = text.index(surface)
    assert tidy(text, [Mention(start, start + len(surface), surface, "PER", surface)]) == ([] if dropped else [
        Mention(start, start + len(surface), surface, "PER", surface)])
