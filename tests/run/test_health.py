"""Judging a source's run against its own past (tasks/run/health.py): each reason when it should fire, none
on too little history, and small runs pooled rather than judged alone."""
from __future__ import annotations

from collections import Counter

import pytest

from tasks.acquire.sources import HealthSettings, SourcesError, parse_sources
from tasks.run.health import Figures, Past, figures, judge
from tasks.run.tally import Tally

ARTICLE = (180, 250, 320, 400, 290, 210, 350, 270)  # word counts of an ordinary run's articles


def healthy(runs: int, words=ARTICLE, new: int = 3) -> list[Past]:
    return [Past("ok", new, len(words), len(words), tuple(words)) for _ in range(runs)]


def now(words=ARTICLE, documents: int | None = None, **kw) -> Figures:
    docs = len(words) if documents is None else documents
    base = dict(source="s", kind="rss", flow="ingest", listed=12, new_listed=3, requests=1 + docs, fetched=docs,
                inputs=docs, documents=docs, articles=len(words), words=list(words))
    return Figures(**{**base, **kw})


def test_an_ordinary_run_is_ok_with_its_baseline():
    verdict = judge(now(), healthy(5))
    assert (verdict.status, verdict.reasons) == ("ok", [])
    assert verdict.baseline["yield"] == 1.0 and verdict.baseline["median_words"] == 280.0


def test_a_new_source_raises_nothing_on_its_own_figures():
    furniture = now(words=(9, 11, 10, 12, 10, 9, 10, 11))
    assert judge(furniture, healthy(2)).status == "ok"  # min_history = 3 healthy runs first
    assert judge(furniture, healthy(3)).reasons == ["text_shrunk"]


def test_furniture_for_text_is_text_shrunk_and_a_dead_extractor_is_a_failing_yield_drop():
    verdict = judge(now(words=(12,) * 8), healthy(6))
    assert (verdict.status, verdict.reasons) == ("degraded", ["text_shrunk"])
    assert "median 12 words over the last 8 articles; usually 280" in verdict.details["text_shrunk"]
    nothing = judge(now(words=(), documents=8, rejects={"no_text": 8}), healthy(6))
    assert (nothing.status, nothing.reasons) == ("failing", ["yield_drop"])
    half = judge(now(words=ARTICLE[:3], documents=8, rejects={"no_text": 5}), healthy(6))
    assert (half.status, half.reasons) == ("degraded", ["yield_drop"])


def test_a_short_run_is_pooled_with_the_runs_before_it():
    """Two short articles are no evidence alone (a brief, a video page); with the runs before they are."""
    assert judge(now(words=(15, 20)), healthy(6)).status == "ok"
    broken = [Past("degraded", 3, 3, 3, (10, 12, 11)), Past("degraded", 3, 3, 3, (9, 13, 10))] + healthy(6)
    assert judge(now(words=(15, 20)), broken).reasons == ["text_shrunk"]
    broken.insert(0, Past("degraded", 2, 2, 2, (15, 20)))
    # a run with no page at all keeps being judged on the last pages: a broken layout does not flap back to ok
    assert judge(now(words=(), documents=0, new_listed=0, inputs=0, requests=1), broken).reasons == ["text_shrunk"]


def test_the_baseline_is_the_healthy_runs_only():
    broken = [Past("degraded", 3, 8, 8, (10,) * 8)] * 5 + healthy(5)
    assert judge(now(words=(11,) * 8), broken).reasons == ["text_shrunk"]


@pytest.mark.parametrize("rejects, code, status", [
    ({"http_403": 4}, "blocked_403", "failing"),
    ({"robots_disallowed": 4}, "robots_disallowed", "failing"),
    ({"http_429": 4}, "rate_limited", "degraded"),
    ({"connect_error": 2, "timeout": 2}, "unreachable", "failing"),
])
def test_most_requests_failing_one_way_gives_its_reason_at_once(rejects, code, status):
    run = now(words=(), documents=0, fetched=0, inputs=4, requests=5, rejects=rejects)
    verdict = judge(run, [])
    assert (verdict.status, verdict.reasons) == (status, [code])


def test_one_failed_page_among_few_is_no_alarm_but_a_failed_listing_is():
    assert judge(now(words=ARTICLE[:1], documents=1, inputs=2, requests=3, rejects={"timeout": 1}), healthy(5)).status == "ok"
    gone = now(words=(), documents=0, listed=0, new_listed=0, inputs=0, requests=1, rejects={"http_403": 1})
    assert judge(gone, healthy(5)).reasons == ["blocked_403"]


def test_a_folder_that_is_gone_is_unreachable():
    run = Figures(source="f", kind="folder", flow="ingest", rejects={"folder_missing": 1})
    assert judge(run, healthy(5)).reasons == ["unreachable"]


def test_a_run_that_asks_for_no_page_keeps_the_page_errors_of_the_last():
    """Pages refused by robots.txt wait out their backoff: the next run asks for none, and says nothing new."""
    last = Past("failing", 3, 0, 0, (), ("robots_disallowed",), {"robots_disallowed": "4 of 5 requests failed"})
    idle = now(words=(), documents=0, new_listed=0, inputs=0, requests=1)
    verdict = judge(idle, [last] + healthy(5))
    assert (verdict.status, verdict.reasons) == ("failing", ["robots_disallowed"])
    assert "no page was asked for since" in verdict.details["robots_disallowed"]


def test_a_feed_that_stops_changing_is_stale_after_several_times_its_usual_gap():
    busy = healthy(8)  # something new every run
    quiet = now(words=(), documents=0, new_listed=0, inputs=0, requests=1)
    stale_history = [Past("ok", 0, 0, 0, ())] * 2 + busy
    assert judge(quiet, stale_history).reasons == []  # the third quiet run
    verdict = judge(quiet, [Past("ok", 0, 0, 0, ())] * 3 + busy)
    assert (verdict.status, verdict.reasons) == ("degraded", ["feed_stale"])
    sparse = [Past("ok", 3 if i % 4 == 0 else 0, 0, 0, ()) for i in range(1, 30)]  # new every fourth run
    assert judge(quiet, [Past("ok", 0, 0, 0, ())] * 3 + sparse).reasons == []
    assert judge(quiet, [Past("ok", 0, 0, 0, ())] * 15 + sparse).reasons == ["feed_stale"]
    assert judge(quiet, [Past("ok", 0, 0, 0, ())] * 3 + busy).reasons == ["feed_stale"]
    assert judge(now(words=(), documents=0, new_listed=0, flow="backfill"), [Past("ok", 0, 0, 0, ())] * 9 + busy).reasons == []


def test_figures_come_from_the_sources_tally():
    tally = Tally(inputs=4, documents_extracted=4, articles_extracted=3, articles_dated=2, articles_titled=3,
                  article_words=[100, 300, 200], articles_new=3, rejects=Counter({"no_text": 1}),
                  fetch=Counter({"listed": 12, "new_listed": 4, "requests": 5, "fetched": 4}))
    got = figures("s", "rss", "ingest", tally)
    assert (got.yield_, got.median_words, got.dated_share, got.titled_share) == (0.75, 200.0, 2 / 3, 1.0)
    assert (got.listed, got.new_listed, got.requests, got.rejects) == (12, 4, 5, {"no_text": 1})
    folder = figures("f", "folder", "ingest", Tally(inputs=5, documents_new_or_changed=2))
    assert (folder.new_listed, folder.yield_, folder.median_words) == (2, None, None)


def test_thresholds_are_set_per_source_or_for_all_and_checked():
    text = ('[health]\nmin_sample = 5\n\n[[source]]\nname = "a"\nkind = "folder"\npath = "x"\n'
            'health = { text_shrunk = 0.2 }\n\n[[source]]\nname = "b"\nkind = "folder"\npath = "y"\n')
    a, b = parse_sources(text)
    assert (a.health.min_sample, a.health.text_shrunk, b.health.text_shrunk) == (5, 0.2, HealthSettings().text_shrunk)
    with pytest.raises(SourcesError, match=r"source #1 \('a'\): unknown health settings \['text_shrunken'\]"):
        parse_sources('[[source]]\nname = "a"\nkind = "folder"\npath = "x"\nhealth = { text_shrunken = 0.2 }\n')
    with pytest.raises(SourcesError, match=r"\[health\]: health setting `min_sample` must be a whole number"):
        parse_sources('[health]\nmin_sample = 2.5\n')


def test_a_folder_that_stops_receiving_files_is_stale_too():
    busy = [Past("ok", 2, 2, 2, (300, 280)) for _ in range(8)]
    quiet = Figures(source="drop", kind="folder", flow="ingest", inputs=40)
    assert judge(quiet, [Past("ok", 0, 0, 0, ())] * 3 + busy).reasons == ["feed_stale"]
    seeds = [Past("ok", 0, 0, 0, ())] * 20 + [Past("ok", 5, 5, 5, (300,) * 5)]  # files once, then never again
    assert judge(quiet, seeds).reasons == []
