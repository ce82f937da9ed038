"""`ingest` over a sources.toml of web sources, against a real outlet on loopback (tests/support/outlet.py):
every good page lands once with its title, date and text; every hostile endpoint is a reject with a
reason that says what happened; a second run downloads no page again."""
from __future__ import annotations

import json

import duckdb
import pytest

from flows.ingest import ingest
from tests.support.outlet import ARTICLES, Outlet, published

pytestmark = pytest.mark.usefixtures("prefect_harness")

GOOD = ["amman-solar-plant", "cairo-book-fair-2024", "beirut-port-reconstruction", "oman-fisheries-season",
        "morocco-wheat-drought", "algeria-football-league", "tehran-air-pollution", "riyadh-metro-opening",
        "tunis-startup-fund", "kuwait-heatwave-power"]
FROM_HOSTILE_FEED = {"basra-date-palms", "sfax-olive-oil", "doha-library-digitization"}  # 429, flaky, redirect-ok
SERVED_AT = {"429": "basra-date-palms", "flaky": "sfax-olive-oil"}  # these answer with an article after failing
HOSTILE_REASONS = {
    "/hostile/always-500": "http_500", "/hostile/hang": "timeout", "/hostile/loop": "redirect_loop",
    "/hostile/redirect-private": "blocked_address", "/hostile/big": "too_large", "/hostile/bomb": "too_large",
    "/hostile/doc.pdf": "not_html", "/hostile/empty.html": "empty",
}
FETCH = """
[fetch]
connect_timeout = 2.0
read_timeout = 2.0
total_timeout = 10.0
retries = 2
backoff_base = 0.05
"""


def sources_toml(outlet: Outlet, extra: str = "") -> str:
    blocks = []
    for name, kind, path in [("outlet-rss", "rss", "/feed.xml"), ("outlet-atom", "atom", "/atom.xml"),
                             ("outlet-sitemap", "sitemap", "/sitemap_index.xml"), ("outlet-hostile", "rss", "/hostile-feed.xml")]:
        blocks.append(f'[[source]]\nname = "{name}"\nkind = "{kind}"\nurl = "{outlet.url(path)}"\n'
                      f'outlet = "Loopback Outlet"\nrate = 0\nconcurrency = 4\nallow_private = ["127.0.0.1"]\n')
    return "\n".join(blocks) + FETCH + extra


def rows(path, sql, params=None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture()
def outlet():
    with Outlet(hang_seconds=30) as o:
        yield o


def test_outlet_lands_once_and_the_second_run_downloads_nothing(tmp_path, outlet, warehouse_path):
    toml = tmp_path / "sources.toml"
    toml.write_text(sources_toml(outlet), encoding="utf-8")
    first = ingest(source=str(toml), warehouse=str(warehouse_path))

    articles = {r[0]: r[1:] for r in rows(warehouse_path, "SELECT url, title, published_at, text, language, outlet FROM articles")}
    by_slug = {}
    for url, values in articles.items():
        slug = url.rsplit("/", 1)[-1].removesuffix(".html")
        slug = SERVED_AT.get(slug, slug)
        assert slug not in by_slug, f"{slug} landed twice"
        by_slug[slug] = values
    assert set(by_slug) == set(GOOD) | FROM_HOSTILE_FEED
    for slug, (title, published_at, text, language, outlet_name) in by_slug.items():
        want = ARTICLES[slug]
        assert title == want["title"], slug
        assert published_at.date() == published(slug).date(), slug
        assert want["paragraphs"][1][:40] in text, slug  # right text, in the right letters (windows-1256 pages too)
        assert language == want["lang"] and outlet_name == "Loopback Outlet"
    assert not any("utm_" in url for url in articles)

    rejects = {r[0]: r[1] for r in rows(warehouse_path, "SELECT input_ref, reason FROM rejects WHERE resolved_run_id IS NULL")}
    for path, reason in HOSTILE_REASONS.items():
        assert rejects.get(outlet.url(path)) == reason, path
    assert rejects.get(outlet.url("/private/secret.html")) == "robots_disallowed"
    assert outlet.count("/private/secret.html") == 0
    assert first["rejects"]["too_large"] == 2

    pages_before = rows(warehouse_path, "SELECT count(*) FROM documents")[0][0]
    outlet.reset_hits()
    second = ingest(source=str(toml), warehouse=str(warehouse_path))
    assert second["articles"]["new"] == 0 and second["documents"]["new_or_changed"] == 0
    assert second["fetch"]["fetched"] == 0 and second["fetch"]["known"] >= len(GOOD)
    assert rows(warehouse_path, "SELECT count(*) FROM documents")[0][0] == pages_before
    assert [h.path for h in outlet.hits if h.status == 200 and h.route.startswith("/articles/")] == []
    assert outlet.count("/feed.xml", status=304) == 1 and outlet.count("/sitemap-news.xml", status=304) == 1


def test_a_window_keeps_listed_pages_inside_it(tmp_path, outlet, warehouse_path):
    toml = tmp_path / "sources.toml"
    toml.write_text(sources_toml(outlet), encoding="utf-8")
    from datetime import date

    result = ingest(source=str(toml), warehouse=str(warehouse_path), sources=["outlet-rss", "outlet-atom"],
                    since=date(2024, 3, 1), until=date(2024, 6, 1))
    slugs = {r[0].rsplit("/", 1)[-1].removesuffix(".html") for r in rows(warehouse_path, "SELECT url FROM articles")}
    # beirut (listed 2024-03-18), morocco (2024-04-22); oman has no listing date: its page says 2024-05-09
    assert slugs == {"beirut-port-reconstruction", "morocco-wheat-drought", "oman-fisheries-season"}
    assert result["fetch"]["out_of_window"] >= 4
    assert outlet.count("/articles/amman-solar-plant.html") == 0, "a page listed outside the window is not fetched"


def test_hostile_listings_are_refused_not_expanded(tmp_path, outlet, warehouse_path):
    extra = "".join(
        f'\n[[source]]\nname = "{name}"\nkind = "rss"\nurl = "{outlet.url(path)}"\nrate = 0\nallow_private = ["127.0.0.1"]\n'
        for name, path in [("laughs", "/hostile/billion-laughs.xml"), ("xxe", "/hostile/external-entity.xml"),
                           ("garbage", "/hostile/not-xml-feed.xml")])
    toml = tmp_path / "sources.toml"
    toml.write_text(sources_toml(outlet) + extra, encoding="utf-8")
    result = ingest(source=str(toml), warehouse=str(warehouse_path), sources=["laughs", "xxe", "garbage"])
    rejects = dict(rows(warehouse_path, "SELECT input_ref, reason FROM rejects"))
    assert rejects[outlet.url("/hostile/billion-laughs.xml")] == "xml_entities"
    assert rejects[outlet.url("/hostile/external-entity.xml")] == "xml_entities"
    assert rejects[outlet.url("/hostile/not-xml-feed.xml")] in ("bad_listing", "binary")
    assert result["articles"]["new"] == 0
    status, counts = rows(warehouse_path, "SELECT status, counts FROM runs")[0]
    assert status == "completed" and json.loads(counts)["rejects"]["xml_entities"] == 2


def test_a_source_without_allow_private_never_contacts_loopback(tmp_path, outlet, warehouse_path):
    toml = tmp_path / "sources.toml"
    toml.write_text(f'[[source]]\nname = "nope"\nkind = "rss"\nurl = "{outlet.url("/feed.xml")}"\n' + FETCH, encoding="utf-8")
    ingest(source=str(toml), warehouse=str(warehouse_path))
    assert outlet.hits == []
    assert rows(warehouse_path, "SELECT reason FROM rejects") == [("blocked_address",)]
