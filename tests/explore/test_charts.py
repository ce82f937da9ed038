"""The explorer's parts without a server: periods a busy timeline is summed by, an Arabic label for every
code the enrichment writes, and the runner of a page's queries."""
from __future__ import annotations

from datetime import date

import duckdb
import pytest

from akhbar.explore import charts, labels
from akhbar.explore.app import together
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


def test_a_failing_query_among_a_pages_queries_is_raised_once_the_others_are_done(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE t AS SELECT range AS x FROM range(200000)")
    finished = []

    def slow(cur):
        rows = cur.execute("SELECT sum(x) FROM t, range(20)").fetchall()
        finished.append(rows)
        return rows

    def broken(cur):
        cur.execute("SELECT * FROM no_such_table")

    with pytest.raises(duckdb.CatalogException):
        together(con, slow=(slow,), broken=(broken,))
    assert len(finished) == 1  # the other query ran to its end before the error was raised
    assert together(con, one=(lambda cur: cur.execute("SELECT count(*) FROM t").fetchall(),)) == {"one": [(200000,)]}
