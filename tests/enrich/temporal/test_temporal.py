"""Temporal expressions: every form resolved against a publication date, year inference, weekday check,
offsets into the original text, and the dev set's accuracy through `eval_dates`."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from evaluation.dates import DatesInputError, eval_dates
from tasks.enrich.temporal import patterns as P
from tasks.enrich.temporal.expressions import find_temporal
from tasks.text.normalize import fold_keeping_offsets
from tests.enrich.test_corpus_invariants import NEWS, _articles
from tests.support.paths import need_shared

WED = date(2023, 5, 10)  # a Wednesday
DEV = Path(__file__).resolve().parents[3] / "tools" / "devsets" / "dates_dev.json"


def one(text: str, anchor: date | None = WED):
    found = find_temporal(text, anchor)
    assert len(found) == 1, found
    t = found[0]
    assert text[t.start:t.end] == t.surface
    return t


@pytest.mark.parametrize("text, surface, value, granularity", [
    ("وصل الوفد مساء أمس الثلاثاء إلى المطار", "مساء أمس الثلاثاء", date(2023, 5, 9), "day"),
    ("التقى الوزير نظيره يوم الأحد الماضي", "يوم الأحد الماضي", date(2023, 5, 7), "day"),
    ("وتعقد الجلسة الخميس المقبل", "الخميس المقبل", date(2023, 5, 11), "day"),
    ("أعلن الجيش اليوم الأربعاء انسحابه", "اليوم الأربعاء", date(2023, 5, 10), "day"),
    ("فرقت الشرطة أول أمس تجمعا", "أول أمس", date(2023, 5, 8), "day"),
    ("تستأنف الدراسة غداً", "غداً", date(2023, 5, 11), "day"),
    ("اعتقل قبل ثلاثة أيام", "قبل ثلاثة أيام", date(2023, 5, 7), "day"),
    ("أغلقت الحدود قبل ٣ أسابيع", "قبل ٣ أسابيع", date(2023, 4, 19), "day"),
    ("انتخب في 2016، لفترة تستمر", "في 2016", date(2016, 1, 1), "year"),
    ("بعد انقلاب 2014. وقد تعهدت", "2014", date(2014, 1, 1), "year"),
    ("وأورد التلفزيون الرسمي الليلة الماضية نبأ", "الليلة الماضية", date(2023, 5, 9), "day"),
    ("وقعت الاتفاقية في 14 شباط 2021 في عمان", "14 شباط 2021", date(2021, 2, 14), "day"),
    ("توفي في ٢٣ أيار ٢٠٢٢", "٢٣ أيار ٢٠٢٢", date(2022, 5, 23), "day"),
    ("جرى ذلك في 18/3/2023 صباحا", "18/3/2023", date(2023, 3, 18), "day"),
    ("نشر القرار بتاريخ 2023-04-02", "2023-04-02", date(2023, 4, 2), "day"),
    ("ستعلن النتائج في الخامس والعشرين من الشهر الجاري", "الخامس والعشرين من الشهر الجاري", date(2023, 5, 25), "day"),
    ("اندلعت في السابع من أكتوبر/ تشرين الأول الماضي", "السابع من أكتوبر/ تشرين الأول الماضي", date(2022, 10, 7), "day"),
    ("افتتح في 8 من تموز الماضي", "8 من تموز الماضي", date(2022, 7, 8), "day"),
    ("ووقعت في 2 جوان 2021 وفي", "2 جوان 2021", date(2021, 6, 2), "day"),
    ("يوم 22 فيفري 2019", "يوم 22 فيفري 2019", date(2019, 2, 22), "day"),
    ("في ١٠ يونيه الماضي", "١٠ يونيه الماضي", date(2022, 6, 10), "day"),
    ("ارتفعت الأسعار منذ مطلع الشهر الجاري", "مطلع الشهر الجاري", date(2023, 5, 1), "month"),
    ("حذرت البعثة في وقت سابق من الشهر الجاري من", "في وقت سابق من الشهر الجاري", date(2023, 5, 1), "month"),
    ("تراجع التضخم خلال الشهر الماضي", "الشهر الماضي", date(2023, 4, 1), "month"),
    ("تنطلق المرحلة الشهر المقبل", "الشهر المقبل", date(2023, 6, 1), "month"),
    ("صدر الحكم في ديسمبر الماضي", "ديسمبر الماضي", date(2022, 12, 1), "month"),
    ("نشر التقرير في أفريل 2019", "أفريل 2019", date(2019, 4, 1), "month"),
    ("زار القاهرة العام الماضي", "العام الماضي", date(2022, 1, 1), "year"),
    ("تجرى الانتخابات العام المقبل", "العام المقبل", date(2024, 1, 1), "year"),
    ("تشهد البلاد أزمة منذ عام 2011", "منذ عام 2011", date(2011, 1, 1), "year"),
    ("أعلنت أرباح العام 2019 كاملة", "العام 2019", date(2019, 1, 1), "year"),
])
def test_forms_resolve(text, surface, value, granularity):
    t = one(text)
    assert (t.surface, t.value, t.granularity) == (surface, value, granularity)


def test_hijri_dates_convert_through_hijridate():
    t = one("وتبدأ المسابقة في 15 رمضان 1445 هـ")
    assert (t.surface, t.value, t.granularity) == ("15 رمضان 1445 هـ", date(2024, 3, 25), "day")


def test_year_inference_past_context_takes_the_previous_year():
    # 20 December read on 4 January is last December; 10 January (within the week) keeps the anchor's year
    assert one("وأقرت الحكومة الموازنة في 20 كانون الأول", date(2025, 1, 4)).value == date(2024, 12, 20)
    assert one("ويبدأ الفصل في 10 يناير", date(2025, 1, 4)).value == date(2025, 1, 10)
    # a future cue before the date picks the next occurrence
    assert one("ومن المقرر أن تبدأ المحادثات في 8 كانون الثاني", date(2019, 12, 30)).value == date(2020, 1, 8)
    assert one("وقالت إن الانتخابات ستجري في 5 يناير المقبل", date(2019, 12, 30)).value == date(2020, 1, 5)


def test_weekday_agreeing_with_the_date_is_no_mismatch():
    t = one("وأعلن الجيش الأربعاء 8 من تموز انسحابه", date(2020, 7, 8))
    assert (t.value, t.weekday_mismatch) == (date(2020, 7, 8), False)


def test_weekday_disagreeing_keeps_the_date_and_flags_it():
    t = one("وجرت المراسم السبت 20 ديسمبر 2019")  # 20 Dec 2019 was a Friday
    assert (t.value, t.weekday_mismatch) == (date(2019, 12, 20), True)
    assert t.confidence < one("وجرت المراسم الجمعة 20 ديسمبر 2019").confidence


def test_relative_expressions_without_anchor_are_unresolved_but_absolute_ones_resolve():
    assert one("وصل مساء أمس الثلاثاء", None).value is None
    assert one("خلال الشهر الماضي", None).value is None
    assert one("وقع في 4 آب 2020", None).value == date(2020, 8, 4)


def test_persian_letters_match_and_offsets_point_into_the_original():
    text = "وقال وزیر الخارجیة یوم الأحد الماضی إن بلاده"
    t = one(text)
    assert (t.surface, t.value) == ("یوم الأحد الماضی", date(2023, 5, 7))
    assert text[t.start:t.end] == t.surface


def test_diacritics_inside_an_expression_stay_in_the_surface():
    text = "وصلَ يومَ الخميسِ الماضي إلى"
    t = one(text)
    assert t.surface == "يومَ الخميسِ الماضي" and t.value == date(2023, 5, 4)


def test_words_that_look_like_dates_are_not_dates():
    assert find_temporal("التقى الأب بابنه بعد غياب", WED) == []  # أب: father, not August
    assert find_temporal("اتفق الاثنان على أن الخلاف بين الاثنين قديم", WED) == []
    assert find_temporal("استمرت الزيارة ثلاثة أيام وشارك فيها 2000 شخص", WED) == []
    # durations are not dates (the annotation guide); a number counting something is not a year
    assert find_temporal("يحكم البلاد منذ خمس سنوات وسيغادر بعد يومين", WED) == []
    assert find_temporal("وشارك نحو 2000. في المسيرة", WED) == []


def test_years_written_alone_and_after_a_conjunction():
    found = find_temporal("قاد العمليات بين عامي 2011 و2014، ثم تقاعد.", WED)
    assert [(t.surface, t.value.year) for t in found] == [("عامي 2011", 2011), ("2014", 2014)]


def test_a_bare_weekday_is_the_publication_day_when_it_is_that_day_and_a_date_without_year_the_nearest():
    assert one("وقال الوزير الأربعاء إن").value == WED
    assert one("وقال الوزير الأربعاء الماضي إن").value == date(2023, 5, 3)
    assert one("ستعقد القمة في 25 تموز/يوليو").value == date(2023, 7, 25)  # ahead, in the same year
    assert one("وقع الاتفاق في 20 كانون الأول/ديسمبر", date(2024, 1, 10)).value == date(2023, 12, 20)


def test_several_expressions_in_order_without_overlap():
    text = "أعلن الوزير اليوم الأربعاء أن الاتفاق الذي وقع في 3 آذار 2021 سينفذ الشهر المقبل."
    found = find_temporal(text, WED)
    assert [(t.surface, t.value) for t in found] == [
        ("اليوم الأربعاء", date(2023, 5, 10)), ("3 آذار 2021", date(2021, 3, 3)), ("الشهر المقبل", date(2023, 6, 1))]


@pytest.mark.timeout(120)  # a pattern that backtracks without end would hang here (its speed: make bench-arabic)
def test_a_megabyte_is_read_whole():
    text = ("وقال المتحدث مساء أمس الثلاثاء إن الاتفاق الموقع في 14 شباط 2021 سيدخل حيز التنفيذ الشهر المقبل، "
            "بينما تستمر المفاوضات التي بدأت منذ عام 2019 بين الطرفين في العاصمة وسط أجواء إيجابية.\n") * 3000
    assert len(text.encode()) > 900_000
    found = find_temporal(text, WED)
    assert len(found) == 4 * 3000
    assert {t.surface for t in found} == {"مساء أمس الثلاثاء", "14 شباط 2021", "الشهر المقبل", "منذ عام 2019"}


def test_dev_set_accuracy_is_at_least_ninety_percent():
    result = eval_dates(DEV)
    assert result["n"] >= 120
    assert result["accuracy"] >= 0.9


def test_eval_dates_scores_right_and_wrong_cases(tmp_path):
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": [
        {"text": "زار الوفد العاصمة أمس", "anchor": "2023-05-10", "value": "2023-05-09", "granularity": "day"},
        {"text": "زار الوفد العاصمة أمس", "anchor": "2023-05-10", "value": "2023-05", "granularity": "month"},
        {"text": "منذ عام 2011", "anchor": None, "value": "2011", "granularity": "year"},
        {"text": "بلا تاريخ", "anchor": "2023-05-10", "value": "2023", "granularity": "year"},
    ]}), encoding="utf-8")
    assert eval_dates(path) == {"accuracy": 0.5, "n": 4}


def test_eval_dates_rejects_a_bad_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"cases": [{"text": "أمس", "value": "2023", "granularity": "week"}]}), encoding="utf-8")
    with pytest.raises(DatesInputError):
        eval_dates(path)


def test_every_match_of_a_gated_pattern_holds_its_gate():
    """`find_temporal` searches a pattern only in a text where its gate is found (patterns.GATES): the same
    expressions as long as every match holds its gate, on the dev set and on 1,500 corpus articles."""
    need_shared(NEWS)
    texts = [case["text"] for case in json.loads(DEV.read_text(encoding="utf-8"))["cases"]]
    matches = Counter()
    for text in texts + _articles(every=13, limit=1500):
        folded = fold_keeping_offsets(text)[0]
        for pattern, gate in P.GATES.items():
            for m in pattern.finditer(folded):
                assert gate.search(m.group()), (pattern.pattern[:60], m.group())
                matches[pattern] += 1
    assert all(matches[pattern] for pattern in P.GATES), matches
