"""Temporal expressions in Arabic news text, resolved against the article's publication date (the anchor).

Absolute dates (every regional month-name set, combined forms, ordinal words, numeric, Hijri), weekdays
with أمس/اليوم/غدا/الماضي/المقبل, أمس/غدا alone, "منذ ثلاثة أيام", the previous/current/next month and
year, and years. Rules: docs/enrichment.md."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from hijridate import Gregorian, Hijri

from tasks.enrich.temporal import patterns as P
from tasks.enrich.temporal.lexicon import (
    AMBIGUOUS_MONTHS,
    GREGORIAN_MONTHS,
    HIJRI_MONTHS,
    NEXT,
    NUMBERS,
    ORDINALS,
    PAST,
    UNITS,
    WEEKDAYS,
)
from tasks.text.normalize import fold_keeping_offsets, normalize_arabic, original_offset

FUTURE_SLACK = timedelta(days=7)  # a date without a year may lie this far after the anchor and keep its year


@dataclass(frozen=True)
class TemporalExpression:
    surface: str
    start: int
    end: int
    value: date | None
    granularity: str  # 'day' | 'month' | 'year'
    weekday_mismatch: bool = False
    confidence: float = 1.0


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _add_months(d: date, months: int) -> date:
    """The first day of the month `months` after d's month."""
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, 1)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _infer_year(make, year: int, anchor: date, mod: str | None, future: bool, month_only: bool) -> date | None:
    """The date `make(y)` for the y (the anchor's `year`, the one before or after) the rules choose when no
    year is written (docs/enrichment.md)."""
    ref = _month_start(anchor) if month_only else anchor
    this, last, nxt = make(year), make(year - 1), make(year + 1)
    if this is None:  # 29 February
        return next((d for d in (last, nxt) if d), None)
    if mod in PAST:
        return this if this < ref else last
    if mod in NEXT:
        return this if this > ref else nxt
    if future:
        return this if this >= ref - FUTURE_SLACK else nxt
    if mod is None and not month_only:  # a day written without a year: the nearest one (within half a year)
        return min((d for d in (this, last, nxt) if d), key=lambda d: (abs((d - anchor).days), d != this))
    if mod is None and this > ref:
        return last
    return this


def _day_of(m) -> int | None:
    return int(m["dn"]) if m["dn"] else ORDINALS.get(" ".join(m["do"].split()))


def _weekday_check(value: date | None, written: str | None) -> bool:
    """True when a written weekday disagrees with the date."""
    return bool(value and written and WEEKDAYS.get(written[2:]) != value.weekday())


def _absolute(m, anchor, future, hijri: bool):
    """Value, granularity, confidence of a day-month(-year) date, Gregorian or Hijri."""
    day = _day_of(m)
    if hijri:
        month, year = HIJRI_MONTHS[" ".join(m["hmon"].split())], m["hy"]

        def make(y: int) -> date | None:
            try:
                g = Hijri(y, month, day).to_gregorian()
            except (ValueError, OverflowError):
                return None
            return date(g.year, g.month, g.day)
        if year:
            return make(int(year)), "day", 1.0
        if anchor is None:
            return None, "day", 0.5
        hijri_year = Gregorian(anchor.year, anchor.month, anchor.day).to_hijri().year
        return _infer_year(make, hijri_year, anchor, m["mod"] if "mod" in m.re.groupindex else None, future, False), "day", 0.8
    month = GREGORIAN_MONTHS[" ".join(m["mon"].split())]
    year = m["y"]
    if year:
        return _safe_date(int(year), month, day), "day", 1.0
    if anchor is None:
        return None, "day", 0.5
    if m["ymod"] or m["ythis"]:
        shift = -1 if m["ymod"] in PAST else 1 if m["ymod"] in NEXT else 0
        return _safe_date(anchor.year + shift, month, day), "day", 1.0
    value = _infer_year(lambda y: _safe_date(y, month, day), anchor.year, anchor, m["mod"], future, False)
    written = m["wd"]
    if value and written and _weekday_check(value, written):  # the weekday may pick the other year
        for other in (_safe_date(value.year - 1, month, day), _safe_date(value.year + 1, month, day)):
            if other and not _weekday_check(other, written) and abs((other - anchor).days) < 366:
                return other, "day", 0.8
    return value, "day", 0.8


def _month(m, anchor, future):
    month = GREGORIAN_MONTHS[" ".join(m["mon"].split())]
    has_year = m["y"] or m["ymod"] or m["ythis"]
    if not (has_year or m["mod"] or m["part"] or m["shahr"] or (m["prep"] and m["mon"] not in AMBIGUOUS_MONTHS)):
        return None
    if m["y"]:
        return date(int(m["y"]), month, 1), "month", 1.0
    if anchor is None:
        return None, "month", 0.5
    if has_year:
        shift = -1 if m["ymod"] in PAST else 1 if m["ymod"] in NEXT else 0
        return date(anchor.year + shift, month, 1), "month", 1.0
    return _infer_year(lambda y: date(y, month, 1), anchor.year, anchor, m["mod"], future, True), "month", 0.8


def _shift_of(mod: str | None) -> int:
    return -1 if mod in PAST else 1 if mod in NEXT else 0


def _relative_month(m, anchor, future):
    if anchor is None:
        return None, "day" if (m["dn"] or m["do"]) else "month", 0.5
    first = _add_months(anchor, _shift_of(m["mod"]))
    day = _day_of(m) if (m["dn"] or m["do"]) else None
    if day:
        return _safe_date(first.year, first.month, day), "day", 0.9
    return first, "month", 0.9


def _relative_year(m, anchor, future):
    if anchor is None:
        return None, "year", 0.5
    return date(anchor.year + _shift_of(m["mod"]), 1, 1), "year", 0.9


def _year(m, anchor, future):
    return date(int(m.groupdict().get("y") or m["bare"]), 1, 1), "year", 1.0


# Words after a number that make it a count ("2000 شخص"), and before it ("نحو 2000").
_COUNTED = {normalize_arabic(w) for w in (
    "شخص", "أشخاص", "قتيل", "قتلى", "جريح", "جرحى", "دولار", "يورو", "جنيه", "ريال", "درهم", "دينار", "ليرة", "متر",
    "كيلومتر", "كلم", "كم", "كيلوغرام", "كغ", "طن", "برميل", "مليون", "مليار", "ألف", "عنصر", "جندي", "مقاتل", "طالب",
    "لاجئ", "منزل", "وحدة", "مواطن", "عامل", "سجين", "معتقل", "حالة", "إصابة", "صوت", "مشارك", "موظف", "مقعد", "نسمة",
    "فرد", "امرأة", "طفل", "صورة", "سيارة", "مرة", "نقطة", "هدف", "دقيقة", "ساعة", "كلمة", "صفحة", "مترا", "شخصا",
    "قطعة", "رأس", "عائلة", "أسرة", "مسلح", "مدني", "طائرة", "صاروخ", "جنيها", "دولارا", "ميغاواط", "هكتار")}
_COUNTING = {normalize_arabic(w) for w in ("نحو", "حوالي", "قرابة", "أكثر", "أقل", "زهاء", "يقارب", "رقم", "الرقم", "عدد")}
_UNIT_DAYS = {"day": 1, "week": 7}


def _ago(m, anchor, future):
    if m["dir"] != "قبل":
        return None  # "منذ خمس سنوات", "بعد يومين": a duration, not a date (the annotation guide)
    unit, implied = UNITS[" ".join(m["unit"].split())]
    count = int(m["n"]) if m["n"] and m["n"].isdigit() else NUMBERS.get(" ".join((m["n"] or "").split()), implied)
    if not count:
        return None
    granularity = "day" if unit in _UNIT_DAYS else unit
    if anchor is None:
        return None, granularity, 0.5
    sign = 1 if m["dir"] == "بعد" else -1
    if unit in _UNIT_DAYS:
        return anchor + timedelta(days=sign * count * _UNIT_DAYS[unit]), granularity, 0.9
    if unit == "month":
        return _add_months(anchor, sign * count), granularity, 0.9
    return date(anchor.year + sign * count, 1, 1), granularity, 0.9


_DAY_WORDS = {"امس": -1, "الامس": -1, "البارحه": -1, "الليله الماضيه": -1, "غدا": 1, "الغد": 1, "اليوم": 0}


def _day_word(m, anchor, future):
    word = " ".join((m["w"] or m["w2"]).split())
    offset = _DAY_WORDS.get(word, 2 if word.startswith("بعد") else -2)
    return (anchor + timedelta(days=offset) if anchor else None), "day", 0.9


_REL_WEEKDAY = {"اليوم": 0, "امس": -1, "غدا": 1, "اول امس": -2}


def _weekday(m, anchor, future, before: str):
    wd = WEEKDAYS[m["wd"][2:]]
    bare = not (m["tod"] or m["yawm"] or m["rel"] or m["mod"])
    if bare and wd in (0, 6) and P.NOT_WEEKDAY_BEFORE.search(before):
        return None
    if anchor is None:
        return None, "day", 0.5
    if m["rel"]:
        value = anchor + timedelta(days=_REL_WEEKDAY[" ".join(m["rel"].split())])
        return value, "day", 0.9
    back, ahead = (anchor.weekday() - wd) % 7, (wd - anchor.weekday()) % 7
    if not back and not m["mod"]:
        return anchor, "day", 0.8  # the publication's own weekday: that day (how the gold reads a dateline's day)
    if m["mod"] in PAST:
        return anchor - timedelta(days=back or 7), "day", 0.9
    if m["mod"] in NEXT:
        return anchor + timedelta(days=ahead or 7), "day", 0.9
    return (anchor + timedelta(days=ahead) if future else anchor - timedelta(days=back)), "day", 0.8


def _lone_year(m, before: str):
    """A year written alone, unless the words around it make it a count."""
    after = m.string[m.end():m.end() + 20].split()
    previous = before.split()[-1:] if before.split() else []
    if (after and after[0].strip("،,.") in _COUNTED) or (previous and previous[0] in _COUNTING):
        return None
    return date(int(m["bare"]), 1, 1), "year", 0.8


def _numeric(m, anchor, future):
    if m["y"]:
        return _safe_date(int(m["y"]), int(m["m"]), int(m["d"])), "day", 1.0
    return _safe_date(int(m["y2"]), int(m["m2"]), int(m["d2"])), "day", 1.0


# (pattern, resolver, priority): a lower priority wins an overlap, then the longer span.
_RULES = [
    (P.DAY_MONTH, lambda m, a, f, b: _absolute(m, a, f, False), 0),
    (P.HIJRI, lambda m, a, f, b: _absolute(m, a, f, True), 0),
    (P.NUMERIC, lambda m, a, f, b: _numeric(m, a, f), 0),
    (P.MONTH, lambda m, a, f, b: _month(m, a, f), 1),
    (P.RELATIVE_MONTH, lambda m, a, f, b: _relative_month(m, a, f), 1),
    (P.RELATIVE_YEAR, lambda m, a, f, b: _relative_year(m, a, f), 1),
    (P.YEAR, lambda m, a, f, b: _year(m, a, f), 1),
    (P.YEAR_AFTER_AND, lambda m, a, f, b: _year(m, a, f), 1),
    (P.AGO, lambda m, a, f, b: _ago(m, a, f), 1),
    (P.DAY_WORD, lambda m, a, f, b: _day_word(m, a, f), 1),
    (P.WEEKDAY, _weekday, 1),
    (P.LONE_YEAR, lambda m, a, f, b: _lone_year(m, b), 2),
]
_CONTEXT = 80  # characters before an expression searched for a future cue


def _sentence_before(folded: str, start: int) -> str:
    window = folded[max(0, start - _CONTEXT):start]
    cut = max(window.rfind("."), window.rfind("\n"), window.rfind("؟"), window.rfind("!"))
    return window[cut + 1:]


def find_temporal(text: str, anchor: date | None) -> list[TemporalExpression]:
    """Temporal expressions of `text` in order, resolved against `anchor` (value None when they cannot be)."""
    folded, shifts = fold_keeping_offsets(text)
    candidates = []
    held: dict[re.Pattern, bool] = {}  # gate -> found in the text (P.GATES; the year's digits gate three patterns)
    for pattern, resolve, priority in _RULES:
        gate = P.GATES.get(pattern)
        if gate is not None:
            if gate not in held:
                held[gate] = gate.search(folded) is not None
            if not held[gate]:
                continue
        for m in pattern.finditer(folded):
            start, end = m.span("s")
            before = _sentence_before(folded, start)
            resolved = resolve(m, anchor, bool(P.FUTURE_CUE.search(before)), before)
            if resolved is not None:
                candidates.append((priority, start - end, start, end, m, resolved))
    candidates.sort(key=lambda c: c[:3])
    taken = bytearray(len(folded))
    found = []
    for _, _, start, end, m, (value, granularity, confidence) in candidates:
        if taken.find(1, start, end) != -1:
            continue
        taken[start:end] = b"\x01" * (end - start)
        mismatch = _weekday_check(value, m.groupdict().get("wd")) if m.re in (P.DAY_MONTH, P.HIJRI) else False
        o_start, o_end = original_offset(shifts, start), original_offset(shifts, end)
        found.append(TemporalExpression(text[o_start:o_end], o_start, o_end, value, granularity, mismatch,
                                        confidence / 2 if mismatch else confidence))
    return sorted(found, key=lambda t: t.start)
