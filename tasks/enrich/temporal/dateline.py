"""Absolute dates standing alone on a line (a page's timestamp or dateline): "18 مارس 2024",
"الأربعاء 8 تموز 2020", "2024-03-18", "18/03/2024 18:57". Month names: Gulf/Egyptian (يناير...),
Levantine/Iraqi (كانون الثاني...), Maghrebi (جانفي، ماي، جوان، جويلية...) and English."""
from __future__ import annotations

import re
from datetime import date

from tasks.text.normalize import normalize_arabic

_MONTHS = {
    1: ["يناير", "كانون الثاني", "جانفي", "ينير", "january", "jan"],
    2: ["فبراير", "شباط", "فيفري", "فبراير", "february", "feb"],
    3: ["مارس", "اذار", "آذار", "march", "mar"],
    4: ["ابريل", "أبريل", "إبريل", "نيسان", "افريل", "أفريل", "april", "apr"],
    5: ["مايو", "ايار", "أيار", "ماي", "may"],
    6: ["يونيو", "حزيران", "جوان", "يونيه", "june", "jun"],
    7: ["يوليو", "تموز", "جويلية", "يوليوز", "يوليه", "july", "jul"],
    8: ["اغسطس", "أغسطس", "آب", "اب", "اوت", "أوت", "غشت", "august", "aug"],
    9: ["سبتمبر", "أيلول", "ايلول", "شتنبر", "september", "sep", "sept"],
    10: ["اكتوبر", "أكتوبر", "تشرين الأول", "تشرين الاول", "اكتوبر", "october", "oct"],
    11: ["نوفمبر", "تشرين الثاني", "نونبر", "november", "nov"],
    12: ["ديسمبر", "كانون الأول", "كانون الاول", "دجنبر", "december", "dec"],
}
MONTH_BY_NAME = {normalize_arabic(name): num for num, names in _MONTHS.items() for name in names}
_MONTH_ALT = "|".join(sorted((re.escape(n) for n in MONTH_BY_NAME), key=len, reverse=True))
_WEEKDAY = r"(?:ال)?(?:سبت|احد|اثنين|ثلاثاء|اربعاء|خميس|جمعه|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_TIME = r"(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:[صم]|am|pm|مساء|صباحا|gmt|utc|ت\s*غ)?)"
_SEP = r"[\s,،\-–—|/]*"

_LABEL = re.compile(r"^(?:published|updated|posted|date|نشر(?: في| بتاريخ)?|تاريخ النشر|اخر تحديث|تم التحديث|محدث)\s*(?:on|في)?\s*[:：\-–]?\s*")
_NAMED = re.compile(
    rf"^(?:{_WEEKDAY}{_SEP})?(?:{_TIME}{_SEP})?(\d{{1,2}}){_SEP}(?:من\s+)?({_MONTH_ALT})(?:\s*/\s*(?:{_MONTH_ALT}))?{_SEP}(\d{{4}})"
    rf"(?:{_SEP}{_TIME})?$"
)
_NAMED_MDY = re.compile(rf"^(?:{_WEEKDAY}{_SEP})?({_MONTH_ALT})\s+(\d{{1,2}}),?\s+(\d{{4}})(?:{_SEP}{_TIME})?$")
_ISO = re.compile(rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}})(?:[T\s]*{_TIME}?.*)?$")
_DMY = re.compile(rf"^(?:{_WEEKDAY}{_SEP})?(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{4}})(?:{_SEP}{_TIME})?$")


def parse_dateline(line: str) -> date | None:
    """The date of a line that holds only a date (with optional weekday and time), else None."""
    text = normalize_arabic(line).strip().strip("()[]").strip()
    text = _LABEL.sub("", re.sub(r"\s+", " ", text))
    if len(text) > 60:
        return None
    for pattern, order in ((_NAMED, "dmy_named"), (_NAMED_MDY, "mdy_named"), (_ISO, "ymd"), (_DMY, "dmy")):
        m = pattern.match(text)
        if not m:
            continue
        try:
            if order == "dmy_named":
                return date(int(m.group(3)), MONTH_BY_NAME[m.group(2)], int(m.group(1)))
            if order == "mdy_named":
                return date(int(m.group(3)), MONTH_BY_NAME[m.group(1)], int(m.group(2)))
            if order == "ymd":
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return None
