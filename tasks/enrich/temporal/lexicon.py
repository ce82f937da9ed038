"""Words of Arabic temporal expressions, in the folded spelling of `fold_keeping_offsets`: month names
(Gregorian in every regional set, Hijri), weekdays, ordinal day words and counting words."""
from __future__ import annotations

import re

from tasks.enrich.temporal.dateline import MONTH_BY_NAME
from tasks.text.normalize import normalize_arabic


def _fold(words: dict[str, int]) -> dict[str, int]:
    return {normalize_arabic(w): n for w, n in words.items()}


def alternation(names) -> str:
    """A regex alternation of names, longest first, spaces matching any run of spaces."""
    ordered = sorted(set(names), key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in ordered)


# Arabic-script names of the dateline finder (Gulf/Egyptian, Levantine, Maghrebi), and spellings it lacks.
GREGORIAN_MONTHS = {name: n for name, n in MONTH_BY_NAME.items() if not name.isascii()} | _fold({
    "كانون ثاني": 1, "كانون الثانى": 1, "تشرين اول": 10, "تشرين ثاني": 11, "تشرين الثانى": 11, "كانون اول": 12,
    "مايس": 5, "يونية": 6, "يولية": 7, "أغسطس": 8, "أوغسطس": 8, "سيبتمبر": 9, "اكتوبر": 10, "نوفيمبر": 11,
    "فيبراير": 2, "ابريل": 4, "جوليه": 7,
})
# Month names that are also common words ("أب": father) count only with a day, a year or "شهر".
AMBIGUOUS_MONTHS = {"اب"}

HIJRI_MONTHS = _fold({
    "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع أول": 3, "ربيع الثاني": 4, "ربيع الآخر": 4, "ربيع ثاني": 4,
    "جمادى الأولى": 5, "جمادى الأول": 5, "جمادى الثانية": 6, "جمادى الآخرة": 6, "جمادى الآخر": 6,
    "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10, "ذو القعدة": 11, "ذي القعدة": 11, "ذو الحجة": 12, "ذي الحجة": 12,
})

# Python weekday numbers (Monday 0) by the folded name without its article.
WEEKDAYS = {"اثنين": 0, "ثلاثاء": 1, "ثلاثا": 1, "اربعاء": 2, "اربعا": 2, "خميس": 3, "جمعه": 4, "سبت": 5, "احد": 6}

_UNITS = ["الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
_ORDINAL_WORDS = {w: n for n, w in enumerate(_UNITS, 1)} | {"العاشر": 10, "العشرين": 20, "الثلاثين": 30}
_ORDINAL_WORDS |= {"الحادي عشر": 11, **{f"{w} عشر": 10 + n for n, w in enumerate(_UNITS, 1) if n > 1}}
for _tens, _value in (("العشرين", 20), ("الثلاثين", 30)):
    for _n, _w in enumerate(["الحادي", *_UNITS[1:]], 1):
        if _value + _n <= 31:
            _ORDINAL_WORDS[f"{_w} و{_tens}"] = _value + _n
            _ORDINAL_WORDS[f"{_w} و {_tens}"] = _value + _n
ORDINALS = _fold(_ORDINAL_WORDS) | {"الواحد والعشرين": 21, "الواحد والثلاثين": 31, "الاول": 1}

# Counting words for "منذ ثلاثة أيام": both genders.
NUMBERS = _fold({
    "واحد": 1, "اثنين": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5,
    "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثماني": 8, "ثمانية": 8, "ثمان": 8, "تسع": 9, "تسعة": 9,
    "عشر": 10, "عشرة": 10, "أحد عشر": 11, "إحدى عشرة": 11, "اثني عشر": 12, "اثنا عشر": 12, "خمسة عشر": 15,
    "عشرين": 20,
})

# Unit words: (unit, count implied by the word itself: a dual is two, a bare singular is one).
UNITS = _fold({
    "يوم": ("day", 1), "يوما": ("day", None), "أيام": ("day", None), "يومين": ("day", 2), "يومان": ("day", 2),
    "أسبوع": ("week", 1), "أسبوعين": ("week", 2), "أسابيع": ("week", None),
    "شهر": ("month", 1), "شهرين": ("month", 2), "أشهر": ("month", None), "شهور": ("month", None), "شهرا": ("month", None),
    "عام": ("year", 1), "عامين": ("year", 2), "أعوام": ("year", None), "عاما": ("year", None),
    "سنة": ("year", 1), "سنتين": ("year", 2), "سنوات": ("year", None), "سنين": ("year", None), "سنه": ("year", 1),
})

PAST = {"الماضي", "الماضيه", "الفايت", "الفايته", "المنصرم", "المنصرمه", "السابق"}
NEXT = {"المقبل", "المقبله", "القادم", "القادمه"}
CURRENT = {"الجاري", "الحالي", "الحاليه", "الجاريه"}
MODIFIERS = PAST | NEXT | CURRENT
