"""Persons named after a rank or a nationality that the recogniser missed: what reads like a name, and what
does not (verbs of the corpus, words of prose with their endings, words a mention already covers)."""
from __future__ import annotations

import pytest

from tasks.enrich.lexicons.verbs import MIN_AFTER, is_verb_form, mine_verbs
from tasks.enrich.ner.tagger import Mention
from tasks.enrich.titled_names import titled_names


def _found(text: str, mentions: list | None = None) -> list[str]:
    mentions = mentions or []
    return [m.surface for m in titled_names(text, mentions) if m not in mentions]


@pytest.mark.parametrize("text, name", [
    ("وكتب الأدميرال الأمريكي المتقاعد جيمس ستافريديس في مقال", "جيمس ستافريديس"),
    ("وقال وزير الدفاع الكندي هارجيت ساجان للصحفيين", "هارجيت ساجان"),
    ("ورحبت السيناتورة كيرستن غيليبراند بالقرار", "كيرستن غيليبراند"),
    ("وصدر قرار بتعيين الدكتورة هيفاء بنت عبد العزيز القرعاوي مديرة", "هيفاء بنت عبد العزيز القرعاوي"),
])
def test_a_name_after_a_rank_or_a_nationality_is_a_person(text, name):
    assert _found(text) == [name]
    (m,) = [m for m in titled_names(text, []) if m.surface == name]
    assert (text[m.start:m.end], m.type, m.name) == (name, "PER", name)


@pytest.mark.parametrize("text", [
    "وأصدر الملك عفوا شاملا عن السجناء",  # the accusative of words of prose
    "وقال الرئيس الأمريكي منصبه الجديد",  # a pronoun on a word of prose
    "ولفت المغني الفرنسي وفنانين مغاربة وأجانب",  # a plural of prose
    "وقال إن الرقيب هاريل انتهك القواعد",  # a verb of the corpus ends the name: one word is too few
    "وأكد الرئيس لترامب دعمه",  # a preposition on a word commoner without it
])
def test_words_of_prose_after_a_rank_are_no_name(text):
    assert _found(text) == []


def test_words_a_mention_covers_are_left_to_it():
    text = "وقال الرئيس الروسي فلاديمير بوتين إن"
    start = text.index("فلاديمير")
    mention = Mention(start, start + len("فلاديمير بوتين"), "فلاديمير بوتين", "PER", "فلاديمير بوتين")
    assert titled_names(text, [mention]) == [mention]


def test_a_name_stays_on_its_line():
    assert _found("وقال السفير البريطاني\nجيمس ستافريديس") == []


def test_verb_forms_are_the_words_a_verb_particle_precedes_often_enough():
    texts = ["قد نشا الخلاف", "لم نشا بعد", "وقد نشا", "نشا", "لم يوسف"] + ["يوسف"] * 60 + ["يوسف قال"] * 2
    rows = {w: (n, total) for w, n, total in mine_verbs(texts)}
    assert rows == {"نشا": (3, 4)}  # يوسف follows لم once, under MIN_AFTER and under the share
    assert MIN_AFTER == 3


def test_the_shipped_verb_forms_take_conjunctions_and_the_future():
    assert is_verb_form("يحقق") and is_verb_form("ويحقق") and is_verb_form("سيلتقي")
    assert not is_verb_form("يوسف") and not is_verb_form("ترامب")


def test_a_word_with_a_shadda_is_one_word():
    assert _found("إنها تهدّد صناعاتنا ووظائفنا") == []  # not "تهد" + "د", the doctor's abbreviation


@pytest.mark.parametrize("text, name", [
    ("وأضاف بيسكوف أن الكرملين لم يتلق", "بيسكوف"),
    ("وقال المسماري في مؤتمر صحفي", "المسماري"),
])
def test_a_rare_word_after_a_reporting_verb_is_its_subject(text, name):
    assert _found(text) == [name]


@pytest.mark.parametrize("text", [
    "ويقول منتقدون إن القانون",  # a participle's plural
    "وأضاف ملوحا بيده",  # a participle's accusative
    "وكتبت صحيفتا لوموند",  # a dual
    "وأشار الإليزيه إلى",  # definite, and no nisba
    "وقال مسؤول إن",  # a word of prose
    "وأبلغ الميجر رويترز",  # a rank
])
def test_words_of_prose_after_a_reporting_verb_are_no_name(text):
    assert _found(text) == []


def test_a_name_in_quotes_after_a_reporting_verb_is_an_organisation():
    text = "وأضافت \"هيلدنغ\" أن الأرباح تراجعت، ووصف \"روهينجا\" في الإشارة"
    misc = Mention(text.index("هيلدنغ"), text.index("هيلدنغ") + 6, "هيلدنغ", "MISC", "هيلدنغ")
    assert [(m.surface, m.type) for m in titled_names(text, [misc])] == [("هيلدنغ", "ORG")]  # وصف: a term


def _person(text: str, surface: str) -> Mention:
    start = text.index(surface)
    return Mention(start, start + len(surface), surface, "PER", surface)


@pytest.mark.parametrize("text, found, whole", [
    ("وقالت سلمى تيران فودال، مديرة القسم في المنظمة إن", "سلمى", "سلمى تيران فودال"),
    ("وقالت الدكتورة ماريان نيبرت روسكا من معهد الفنون", "ماريان نيبرت", "ماريان نيبرت روسكا"),
])
def test_a_person_cut_short_after_a_reporting_verb_or_a_rank_takes_the_rest_of_the_name(text, found, whole):
    (m,) = titled_names(text, [_person(text, found)])
    assert (m.surface, text[m.start:m.end], m.name, m.type) == (whole, whole, whole, "PER")


@pytest.mark.parametrize("text, found", [
    ("وتابع سامي فارس بالقول إن", "سامي فارس"),  # a word of prose behind a preposition
    ("وقال سامي فارس بالإجماع إن", "سامي فارس"),
    ("وقال سامي فارس الثلاثاء إن", "سامي فارس"),  # a definite word
    ("وقال سامي فارس يجب أن نعمل", "سامي فارس"),  # a verb
    ("وقال سامي فارس تيران فودال الخبر", "سامي فارس"),  # no end of the clause after the words
])
def test_words_of_prose_do_not_go_on_a_name(text, found):
    (m,) = titled_names(text, [_person(text, found)])
    assert m.surface == found
