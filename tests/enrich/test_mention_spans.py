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
    ("وقال عمدة نيويورك بيل دي بلازيو إن", "نيويورك بيل دي بلازيو", "بيل دي بلازيو"),
    ("وقال زعيم الانقلابيين عبد الملك الحوثي إن", "الانقلابيين عبد الملك الحوثي", "عبد الملك الحوثي"),
    ("وقال الرائد آدريان رانكين غالاوي لـCNN إن", "آدريان رانكين غالاوي لـCNN", "آدريان رانكين غالاوي"),
    ("وانتخب عباس بالإجماع رئيسا", "عباس بالإجماع", "عباس"),
    ("وقال آبي حين سئل", "آبي حين", "آبي"),
    ("وقالت لبي بي سي إن", "لبي بي سي", "بي بي سي"),
])
def test_spans_cut_to_the_name(text, span, name):
    kind = "ORG" if "بي بي" in span else "PER"
    assert _tidied(text, span, kind) == name


@pytest.mark.parametrize("text, span", [
    ("وصل محمد باقري إلى دمشق", "محمد باقري"),  # ب + ا is a name's first letters, not a preposition
    ("قال محمد بن سلمان", "محمد بن سلمان"),
    ("زار لندن", "لندن"),  # one word: nothing to cut
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
