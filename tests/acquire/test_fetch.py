"""The fetcher against a real HTTP server on loopback (tests/support/outlet.py): politeness, retries, caps,
redirects, robots.txt and the address guard, each as a real request or a refusal before one."""
from __future__ import annotations

import time

import pytest

from tasks.acquire.fetch import Conditional, FetchPolicy, HostRules
from tasks.acquire.web import FetchSession
from tests.support.outlet import Outlet

FAST = FetchPolicy(connect_timeout=2, read_timeout=1.5, total_timeout=8, retries=2, backoff_base=0.05,
                   backoff_max=0.2, max_bytes=5 * 1024 * 1024, max_compressed_bytes=5 * 1024 * 1024)
LOOPBACK = HostRules(rate=0, concurrency=4, allow_private=("127.0.0.1",))


@pytest.fixture()
def outlet():
    with Outlet(hang_seconds=20) as o:
        yield o


@pytest.fixture()
def session():
    with FetchSession(FAST) as s:
        yield s


def fetch(session, url, rules=LOOPBACK, conditional=None):
    return session.fetch_many([(url, rules, conditional, ("text/html", "application/xhtml+xml", "text/plain"))])[0]


def test_article_is_fetched_with_validators(session, outlet):
    r = fetch(session, outlet.article_url("amman-solar-plant"))
    assert r.ok and r.status == 200 and r.attempts == 1
    assert "etag" in r.headers and "last-modified" in r.headers
    assert b"<html" in r.body and r.final_url == outlet.article_url("amman-solar-plant")
    hit = [h for h in outlet.hits if h.route.startswith("/articles/")][0]
    assert hit.headers["user-agent"].startswith("akhbar/") and "gzip" in hit.headers["accept-encoding"]


def test_conditional_get_gets_304_and_no_body(session, outlet):
    first = fetch(session, outlet.article_url("amman-solar-plant"))
    again = fetch(session, outlet.article_url("amman-solar-plant"), conditional=Conditional(first.headers["etag"], None))
    assert again.ok and again.not_modified and again.status == 304 and not again.body
    assert outlet.count("/articles/amman-solar-plant.html", status=304) == 1


def test_429_is_retried_after_retry_after(session, outlet):
    start = time.monotonic()
    r = fetch(session, outlet.url("/hostile/429"))
    assert r.ok and r.attempts == 2 and b"<html" in r.body
    assert time.monotonic() - start >= 0.9, "Retry-After: 1 was honoured"
    assert outlet.count("/hostile/429") == 2


def test_a_long_retry_after_defers_instead_of_waiting():
    with Outlet(retry_after="120") as o, FetchSession(FAST) as s:
        r = fetch(s, o.url("/hostile/429"))
    assert r.reason == "http_429" and r.retry_after == 120 and r.attempts == 1


def test_500_then_200_lands(session, outlet):
    r = fetch(session, outlet.url("/hostile/flaky"))
    assert r.ok and r.attempts == 2


def test_always_500_gives_up_after_the_retries(session, outlet):
    r = fetch(session, outlet.url("/hostile/always-500"))
    assert r.reason == "http_500" and r.attempts == FAST.retries + 1
    assert outlet.count("/hostile/always-500") == FAST.retries + 1


def test_a_hanging_server_times_out(session, outlet):
    start = time.monotonic()
    r = fetch(session, outlet.url("/hostile/hang"))
    assert r.reason == "timeout"
    assert time.monotonic() - start < FAST.total_timeout + 2


def test_a_server_trickling_its_body_hits_the_total_deadline(session, outlet):
    r = fetch(session, outlet.url("/hostile/hang?after=headers"))
    assert r.reason == "timeout" and r.body is None


def test_redirect_loop_is_refused(session, outlet):
    r = fetch(session, outlet.url("/hostile/loop"))
    assert r.reason == "redirect_loop"
    assert outlet.count("/hostile/loop") + outlet.count("/hostile/loop-b") <= FAST.max_redirects + 1


def test_redirect_is_followed(session, outlet):
    r = fetch(session, outlet.url("/hostile/redirect-ok"))
    assert r.ok and r.final_url == outlet.article_url("doha-library-digitization")


def test_redirect_to_the_metadata_address_is_refused_before_connecting(session, outlet):
    r = fetch(session, outlet.url("/hostile/redirect-private"))
    assert r.reason == "blocked_address" and "169.254.169.254" in r.detail


@pytest.mark.parametrize("chunked", [0, 1])
def test_a_60mb_body_is_cut_at_the_cap(session, outlet, chunked):
    r = fetch(session, outlet.url(f"/hostile/big?chunked={chunked}"))
    assert r.reason == "too_large" and r.body is None


@pytest.mark.parametrize("path", ["/hostile/bomb", "/hostile/bomb-nested"])
def test_a_gzip_bomb_is_refused_not_expanded(session, outlet, path):
    r = fetch(session, outlet.url(path))
    assert r.reason in ("too_large", "bad_encoding") and r.body is None


def test_a_pdf_is_not_html(session, outlet):
    r = fetch(session, outlet.url("/hostile/doc.pdf"))
    assert r.reason == "not_html"


def test_robots_txt_is_honoured_and_fetched_once(session, outlet):
    r = fetch(session, outlet.url("/private/secret.html"))
    assert r.reason == "robots_disallowed"
    fetch(session, outlet.article_url("amman-solar-plant"))
    assert outlet.count("/private/secret.html") == 0
    assert outlet.count("/robots.txt") == 1


def test_loopback_is_never_contacted_without_allow_private(session, outlet):
    r = fetch(session, outlet.article_url("amman-solar-plant"), rules=HostRules(rate=0))
    assert r.reason == "blocked_address"
    assert outlet.hits == []


def test_other_schemes_are_refused(session):
    assert fetch(session, "file:///etc/passwd").reason == "bad_scheme"
    assert fetch(session, "ftp://127.0.0.1/x").reason == "bad_scheme"


def test_requests_to_one_host_are_spaced_by_its_rate(session, outlet):
    slugs = ["amman-solar-plant", "riyadh-metro-opening", "tunis-startup-fund", "kuwait-heatwave-power"]
    rules = HostRules(rate=5.0, concurrency=4, allow_private=("127.0.0.1",))
    start = time.monotonic()
    results = session.fetch_many([(outlet.article_url(s), rules, None, ("text/html",)) for s in slugs])
    assert all(r.ok for r in results)
    # robots.txt and 4 pages: 5 requests at 5 per second are at least 0.8 s apart end to end
    assert time.monotonic() - start >= 0.75
