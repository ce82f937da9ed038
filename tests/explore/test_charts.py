"""The explorer's charts and labels without a server: periods a busy timeline is summed by, and an Arabic
label for every code the enrichment writes."""
from __future__ import annotations

from datetime import date

from akhbar.explore import charts, labels
from tasks.enrich import event_lexicon


def point(day: date, mentions: int, articles: int = 1) -> dict:
    return {"day": day, "mentions": mentions, "articles": articles}


def test_a_timeline_is_summed_by_the_shortest_period_that_fits_with_empty_periods_as_zeros():
    unit, periods = charts.by_period([point(date(2024, 3, 18), 4), point(date(2024, 3, 20), 1)])
    assert unit == "day" and [(p["start"].day, p["mentions"]) for p in periods] == [(18, 4), (19, 0), (20, 1)]
    unit, periods = charts.by_period([point(date(2024, 1, 3), 2), point(date(2024, 1, 4), 3), point(date(2024, 9, 30), 1)])
    assert unit == "week" and len(periods) <= 120 and periods[0] == {"start": date(2024, 1, 1), "mentions": 5, "articles": 2}
    unit, periods = charts.by_period([point(date(2015, 5, 9), 1), point(date(2024, 12, 31), 7, 2)])
    assert unit == "month" and periods[0]["start"] == date(2015, 5, 1) and periods[-1]["articles"] == 2
    assert sum(p["mentions"] for p in periods) == 8 and len(periods) == 116
    unit, periods = charts.by_period([point(date(1990, 1, 1), 1), point(date(2024, 1, 1), 1)])
    assert unit == "year" and len(periods) == 35
    svg = charts.mentions_over_time([point(date(2015, 5, 9), 1), point(date(2024, 12, 31), 7)], "اسم")
    assert '<svg class="chart"' in svg and "في كل شهر" in svg and "2024-12" in svg


def test_every_event_type_and_mode_the_lexicon_gives_has_an_arabic_label():
    triggers = [v for v in vars(event_lexicon).values() if isinstance(v, event_lexicon.Trigger)]
    assert len(triggers) >= 20
    assert all(t.event_type in labels.EVENT_TYPES and t.mode in labels.MODES for t in triggers)
    assert labels.event_type("NOT_A_TYPE") == "NOT_A_TYPE" and labels.mode(None) == ""
