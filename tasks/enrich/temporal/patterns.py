"""Compiled regexes for Arabic temporal expressions, over text folded by `fold_keeping_offsets`. Each
pattern's group `s` is the expression's span; the groups it names are read by `tasks.enrich.temporal.expressions`."""
from __future__ import annotations

import re

from tasks.enrich.temporal.lexicon import (
                                    GREGORIAN_MONTHS,
                                    HIJRI_MONTHS,
                                    MODIFIERS,
                                    NUMBERS,
                                    ORDINALS,
                                    UNITS,
                                    WEEKDAYS,
                                    alternation,
)

_LEAD = r"(?<!\w)(?:[وفبل]{1,2})?"  # a word start, with conjunction or preposition clitics outside the span
_MONTH = alternation(GREGORIAN_MONTHS)
_SECOND_MONTH = rf"(?:\s*(?:/|-|–|\(|،)\s*(?:{_MONTH})(?:\s*\))?)?"  # "أكتوبر/ تشرين الأول", "تموز (يوليو)"
_WEEKDAY = rf"ال(?:{alternation(WEEKDAYS)})"
_MOD = alternation(MODIFIERS)
_DAY = rf"(?:(?P<dn>[0-3]?\d)(?!\d)|(?P<do>{alternation(ORDINALS)}))"
_PART = r"مطلع|اوايل|بدايه|بدايات|اواخر|نهايه|منتصف|اواسط|اخر"
_TIME_OF_DAY = r"مساء|صباح|ظهر|ظهيره|عصر|فجر|ليله|ليل|صبيحه"
_YEAR = r"\s*[،,]?\s*(?:من\s+)?(?:عام\s+|العام\s+|سنه\s+)?(?P<y>(?:19|20)\d\d)(?!\d)(?:\s*م(?!\w))?"
_OF_YEAR = rf"\s+(?:من\s+)?(?:(?:العام|السنه)\s+(?P<ymod>{_MOD})|(?P<ythis>هذا\s+العام|هذه\s+السنه))"
_WRITTEN_WEEKDAY = rf"(?:(?:(?:اليوم|امس|غدا)\s+)?(?P<wd>{_WEEKDAY})\s*[،,]?\s+(?:الموافق\s+)?)?"

DAY_MONTH = re.compile(
    rf"{_LEAD}(?P<s>{_WRITTEN_WEEKDAY}(?:يوم\s+)?{_DAY}\s*(?:من\s+)?(?:شهر\s+)?(?P<mon>{_MONTH}){_SECOND_MONTH}"
    rf"(?:{_YEAR}|{_OF_YEAR}|\s+(?P<mod>{_MOD}))?)(?!\w)"
)
NUMERIC = re.compile(
    r"(?<![\d/.\-])(?P<s>(?P<d>[0-3]?\d)(?P<sep>[/.\-])(?P<m>[01]?\d)(?P=sep)(?P<y>(?:19|20)\d\d)"
    r"|(?P<y2>(?:19|20)\d\d)(?P<sep2>[/.\-])(?P<m2>[01]?\d)(?P=sep2)(?P<d2>[0-3]?\d))(?![\d/\-]|\.\d)"
)
HIJRI = re.compile(
    rf"{_LEAD}(?P<s>{_WRITTEN_WEEKDAY}{_DAY}\s*(?:من\s+)?(?:شهر\s+)?(?P<hmon>{alternation(HIJRI_MONTHS)})"
    rf"(?:\s*[،,]?\s*(?:عام\s+|سنه\s+)?(?P<hy>1[34]\d\d)(?!\d))?(?:\s*ه(?!\w)|\s+هجري(?:ه)?|\s+للهجره)?)(?!\w)"
)
MONTH = re.compile(
    rf"{_LEAD}(?:(?P<prep>في|خلال|منذ|حتي|قبل|بعد|من|الي|مع)\s+)?(?P<s>(?:(?P<part>{_PART})\s+)?(?P<shahr>شهر\s+)?"
    rf"(?P<mon>{_MONTH}){_SECOND_MONTH}(?:{_YEAR}|{_OF_YEAR}|\s+(?P<mod>{_MOD}))?)(?!\w)"
)
RELATIVE_MONTH = re.compile(
    rf"{_LEAD}(?P<s>(?:(?:في\s+)?وقت\s+(?:سابق|لاحق)\s+من\s+|(?P<part>{_PART})\s+|{_DAY}\s+من\s+)?"
    rf"(?:الشهر\s+(?P<mod>{_MOD})|(?P<this>هذا\s+الشهر)))(?!\w)"
)
RELATIVE_YEAR = re.compile(
    rf"{_LEAD}(?P<s>(?:(?:في\s+)?وقت\s+(?:سابق|لاحق)\s+من\s+|(?P<part>{_PART})\s+)?"
    rf"(?:(?:العام|السنه)\s+(?P<mod>{_MOD})|(?P<this>هذا\s+العام|هذه\s+السنه)))(?!\w)"
)
_YEAR_ENDS = (r"(?=[ \t]*(?:[.،,:؛!؟)\]\n]|$)"
              r"|\s+(?:و\w|(?:في|من|علي|عندما|حين|حيث|الي|ضد|بين|بسبب|اثر|حتي|قبل|بعد)(?!\w)))")
YEAR = re.compile(
    rf"{_LEAD}(?P<s>(?:منذ\s+)?(?:(?:{_PART})\s+)?(?:عام|العام|سنه|عامي)\s+(?P<y>(?:19|20)\d\d)(?!\d)(?:\s*م(?!\w))?"
    r"|(?:منذ|في|خلال|حتي|مطلع|اواخر|منتصف|بدايه|نهايه|بحلول|من|الي|قبل|بعد|عامي|بين)\s+(?P<bare>(?:19|20)\d\d)"
    rf"{_YEAR_ENDS})"
)
# A year written alone ("انقلاب 2014", "كأس العالم 2018", "(1885-1957)"): kept unless it counts something
# (`expressions._lone_year` reads the words around it).
LONE_YEAR = re.compile(r"(?<![\d.,/\w])(?:[وبل])?(?P<s>(?P<bare>19\d\d|20[0-3]\d))(?![\d%]|[.,/]\d)")
# "2011 و2014", "بين 2011 و2014": the second year, after its conjunction
YEAR_AFTER_AND = re.compile(rf"(?<!\w)و(?P<s>(?P<bare>(?:19|20)\d\d)){_YEAR_ENDS}")
AGO = re.compile(
    rf"{_LEAD}(?P<s>(?P<dir>منذ|قبل|بعد)\s+(?:(?P<n>\d{{1,3}}|{alternation(NUMBERS)})\s+)?(?P<unit>{alternation(UNITS)}))(?!\w)"
)
DAY_WORD = re.compile(
    rf"{_LEAD}(?P<s>(?:(?:{_TIME_OF_DAY})\s+)?(?:يوم\s+)?(?P<w>اول\s+امس|اول\s+من\s+امس|امس\s+الاول|(?:ال)?امس|البارحه"
    rf"|الليله\s+الماضيه"
    rf"|غدا|بعد\s+غد)|(?:{_TIME_OF_DAY})\s+(?P<w2>اليوم|الغد))(?!\w)"
)
WEEKDAY = re.compile(
    rf"{_LEAD}(?P<s>(?:(?P<tod>{_TIME_OF_DAY})\s+)?(?:(?P<yawm>يوم)\s+)?(?:(?P<rel>اول\s+امس|امس|اليوم|غدا)\s+)?"
    rf"(?P<wd>{_WEEKDAY})(?:\s+(?P<mod>{_MOD}))?)(?!\w)"
)
# Words before an expression that put it in the future (an event announced, not reported).
FUTURE_CUE = re.compile(r"(?<!\w)(?:سوف|المقرر|مقرر|المنتظر|المرتقب|مرتقب|المتوقع|يعتزم|تعتزم|يرتقب|موعد|المزمع)(?!\w)")
# A bare "الاثنين" / "الأحد" after these is "the two" / "the one", not a weekday.
NOT_WEEKDAY_BEFORE = re.compile(r"(?<!\w)(?:بين|كلا|هذين|هذان|الطرفين)\s+$")

# What a text must hold for a pattern to match in it: a part that every match of the pattern contains (its month
# name, its year's digits, its "الشهر"). `find_temporal` searches a pattern only in a text where its gate is
# found, which gives the same expressions: most articles hold no Hijri month, numeric date or "الشهر", and a gate
# is searched for in a tenth of a pattern's time (patterns that begin with a lookbehind are tried at every
# character). The Gregorian month is no gate: its names' letters are found in nine articles in ten.
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")
GATES = {
    HIJRI: re.compile(alternation(HIJRI_MONTHS)),
    NUMERIC: re.compile(r"\d[/.\-]\d"),
    RELATIVE_MONTH: re.compile("الشهر"),
    RELATIVE_YEAR: re.compile("العام|السنه"),
    YEAR: _YEAR_DIGITS,
    YEAR_AFTER_AND: _YEAR_DIGITS,
    LONE_YEAR: _YEAR_DIGITS,
    AGO: re.compile("منذ|قبل|بعد"),
    DAY_WORD: re.compile("امس|البارحه|الليله|غد|اليوم"),
    WEEKDAY: re.compile(_WEEKDAY),
}
