"""Discovery: candidate URLs and their dates from RSS, Atom, sitemaps and URL lists; hostile XML refused."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from tasks.acquire.discover import (
    Candidate,
    ListingError,
    canonical_url,
    in_window,
    merge_candidates,
    parse_listing,
    parse_url_list,
)

UTC = timezone.utc
FEED_URL = "https://news.example.com/feeds/ar/rss.xml"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>أخبار</title>
  <link>https://news.example.com/</link>
  <atom:link href="https://news.example.com/feeds/ar/rss.xml" rel="self"/>
  <item>
    <title>خبر أول</title>
    <link>https://news.example.com/ar/1?utm_source=rss&amp;utm_medium=feed&amp;id=7</link>
    <pubDate>Tue, 02 Jan 2024 10:00:00 +0300</pubDate>
  </item>
  <item>
    <title>خبر ثان</title>
    <link>https://news.example.com/ar/2#comments</link>
    <pubDate>Mon, 01 Jan 2024 23:30:00 -0500</pubDate>
  </item>
  <item>
    <title>نسبي</title>
    <link>../../ar/3</link>
    <pubDate>Wed, 03 Jan 2024 08:00:00 GMT</pubDate>
  </item>
  <item>
    <title>guid only</title>
    <guid isPermaLink="true">https://news.example.com/ar/4</guid>
  </item>
  <item>
    <title>guid not a permalink</title>
    <guid isPermaLink="false">urn:uuid:1234</guid>
  </item>
  <item>
    <title>no link at all</title>
    <description>nothing to fetch</description>
  </item>
</channel>
</rss>""".encode()


def test_rss_items_dates_and_urls():
    listing = parse_listing(RSS, FEED_URL)
    assert listing.sitemaps == []
    by_title = {c.title: c for c in listing.candidates}
    assert list(by_title) == ["خبر أول", "خبر ثان", "نسبي", "guid only"]

    first = by_title["خبر أول"]
    assert first.url == "https://news.example.com/ar/1?id=7"  # utm_* gone, the real parameter kept
    assert first.published == utc(2024, 1, 2, 7, 0)
    assert first.published.tzinfo is not None and first.published.utcoffset() == timedelta(0)

    second = by_title["خبر ثان"]
    assert second.url == "https://news.example.com/ar/2"  # fragment removed
    assert second.published == utc(2024, 1, 2, 4, 30)  # -0500 crosses midnight

    relative = by_title["نسبي"]
    assert relative.url == "https://news.example.com/ar/3"  # resolved against the listing URL
    assert relative.published == utc(2024, 1, 3, 8, 0)

    guid = by_title["guid only"]
    assert guid.url == "https://news.example.com/ar/4"
    assert guid.published is None


def test_rss_channel_link_is_not_a_candidate():
    urls = [c.url for c in parse_listing(RSS, FEED_URL).candidates]
    assert "https://news.example.com/" not in urls
    assert all("/ar/" in u for u in urls)


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Feed</title>
  <link rel="self" href="https://news.example.com/atom.xml"/>
  <updated>2024-02-01T00:00:00Z</updated>
  <entry>
    <title>Both dates</title>
    <link rel="edit" href="https://news.example.com/edit/1"/>
    <link rel="alternate" type="text/html" href="https://news.example.com/a/1?utm_campaign=x"/>
    <id>tag:news.example.com,2024:1</id>
    <updated>2024-02-01T12:00:00Z</updated>
    <published>2024-01-31T09:15:00+02:00</published>
  </entry>
  <entry>
    <title>Updated only, link without rel</title>
    <link href="/a/2"/>
    <id>tag:news.example.com,2024:2</id>
    <updated>2024-01-30T06:00:00Z</updated>
  </entry>
  <entry>
    <title>Only an enclosure</title>
    <link rel="enclosure" href="https://news.example.com/a/3.mp3"/>
    <id>tag:news.example.com,2024:3</id>
  </entry>
</feed>"""


def test_atom_alternate_link_and_published_before_updated():
    listing = parse_listing(ATOM, "https://news.example.com/atom.xml")
    assert listing.sitemaps == []
    assert [(c.url, c.published, c.title) for c in listing.candidates] == [
        ("https://news.example.com/a/1", utc(2024, 1, 31, 7, 15), "Both dates"),
        ("https://news.example.com/a/2", utc(2024, 1, 30, 6, 0), "Updated only, link without rel"),
    ]


SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example.com/post-sitemap1.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
  <sitemap><loc>/post-sitemap2.xml</loc></sitemap>
  <sitemap><lastmod>2024-01-01</lastmod></sitemap>
</sitemapindex>"""


def test_sitemap_index_lists_children_only():
    listing = parse_listing(SITEMAP_INDEX, "https://news.example.com/sitemap_index.xml")
    assert listing.candidates == []
    assert listing.sitemaps == ["https://news.example.com/post-sitemap1.xml", "https://news.example.com/post-sitemap2.xml"]


URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://news.example.com/ar/10</loc><lastmod>2024-03-05T14:20:00+03:00</lastmod></url>
  <url><loc>https://news.example.com/ar/11</loc><lastmod>2024-03-06</lastmod></url>
  <url><loc>https://news.example.com/ar/12</loc></url>
  <url><loc>mailto:editor@example.com</loc></url>
</urlset>"""


def test_urlset_with_lastmod():
    listing = parse_listing(URLSET, "https://news.example.com/sitemap.xml")
    assert listing.sitemaps == []
    assert [(c.url, c.published) for c in listing.candidates] == [
        ("https://news.example.com/ar/10", utc(2024, 3, 5, 11, 20)),
        ("https://news.example.com/ar/11", utc(2024, 3, 6)),  # a bare date: midnight UTC
        ("https://news.example.com/ar/12", None),
    ]


NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://news.example.com/ar/20</loc>
    <lastmod>2024-04-10T00:00:00Z</lastmod>
    <news:news>
      <news:publication><news:name>مثال</news:name><news:language>ar</news:language></news:publication>
      <news:publication_date>2024-04-01T08:00:00+02:00</news:publication_date>
      <news:title>عنوان الخبر</news:title>
    </news:news>
  </url>
  <url>
    <loc>https://news.example.com/ar/21</loc>
    <lastmod>2024-04-11T00:00:00Z</lastmod>
  </url>
</urlset>""".encode()


def test_google_news_sitemap_prefers_publication_date():
    listing = parse_listing(NEWS_SITEMAP, "https://news.example.com/news-sitemap.xml")
    first, second = listing.candidates
    assert first.url == "https://news.example.com/ar/20"
    assert first.published == utc(2024, 4, 1, 6, 0)  # not the later lastmod
    assert first.title == "عنوان الخبر"
    assert second.published == utc(2024, 4, 11)


RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.example.com/">
    <title>RDF feed</title>
    <link>https://news.example.com/</link>
  </channel>
  <item rdf:about="https://news.example.com/r/1">
    <title>RDF item</title>
    <link>https://news.example.com/r/1</link>
    <dc:date>2024-05-01T10:00:00+01:00</dc:date>
  </item>
</rdf:RDF>"""


def test_rdf_rss_1_0():
    listing = parse_listing(RDF, "https://news.example.com/index.rdf")
    assert [(c.url, c.published, c.title) for c in listing.candidates] == [
        ("https://news.example.com/r/1", utc(2024, 5, 1, 9, 0), "RDF item"),
    ]


# --- hostile or broken listings ---------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss><channel><item><title>&lol9;</title><link>https://news.example.com/x</link></item></channel></rss>"""


def test_billion_laughs_is_refused_quickly():
    start = time.monotonic()
    with pytest.raises(ListingError) as info:
        parse_listing(BILLION_LAUGHS, FEED_URL)
    assert time.monotonic() - start < 1.0
    assert info.value.reason == "xml_entities"


def test_external_entity_is_refused_and_never_read():
    body = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&xxe;</title><link>https://news.example.com/x</link></item></channel></rss>"""
    with pytest.raises(ListingError) as info:
        parse_listing(body, FEED_URL)
    assert info.value.reason == "xml_entities"
    assert "root:" not in str(info.value) and "root:" not in info.value.detail


@pytest.mark.parametrize("body", [b"\x00\xff\xfe\x89garbage\x01\x02", b"<rss><channel><item>", b"not xml at all"],
                         ids=["binary", "truncated", "text"])
def test_garbage_is_bad_listing(body):
    with pytest.raises(ListingError) as info:
        parse_listing(body, FEED_URL)
    assert info.value.reason == "bad_listing"


@pytest.mark.parametrize("body", [b"", b"  \n\t  "], ids=["empty", "whitespace"])
def test_empty_listing(body):
    with pytest.raises(ListingError) as info:
        parse_listing(body, FEED_URL)
    assert info.value.reason == "empty"


@pytest.mark.parametrize("body", [
    b"<!DOCTYPE html><html><head><title>x</title></head><body><p>hello<br></body></html>",
    b"<html><head><title>x</title></head><body><p>hello</p></body></html>",
], ids=["html5", "xhtml-like"])
def test_html_page_is_bad_listing(body):
    with pytest.raises(ListingError) as info:
        parse_listing(body, FEED_URL)
    assert info.value.reason == "bad_listing"


def test_unknown_encoding_is_bad_listing():
    with pytest.raises(ListingError) as info:
        parse_listing(b'<?xml version="1.0" encoding="x-bogus"?><rss><channel/></rss>', FEED_URL)
    assert info.value.reason == "bad_listing"


def test_malformed_link_skips_the_item_only():
    body = b"""<rss><channel>
      <item><link>http://[oops/a</link></item>
      <item><link>https://news.example.com/ok</link></item>
    </channel></rss>"""
    listing = parse_listing(body, FEED_URL)
    assert [c.url for c in listing.candidates] == ["https://news.example.com/ok"]


# --- URL lists, merging, windows, canonical URLs ----------------------------------------------------

def test_parse_url_list():
    text = """# outlet front pages
https://news.example.com/ar/1?utm_source=list

   # indented comment
  https://news.example.com/ar/2#top   trailing words
ftp://news.example.com/file
relative/3
"""
    assert parse_url_list(text) == [Candidate("https://news.example.com/ar/1"), Candidate("https://news.example.com/ar/2")]
    with_base = parse_url_list(text, "https://news.example.com/lists/urls.txt")
    assert [c.url for c in with_base] == [
        "https://news.example.com/ar/1", "https://news.example.com/ar/2", "https://news.example.com/lists/relative/3",
    ]


def test_merge_candidates_one_per_url_and_later_date_fills_gap():
    a_undated = Candidate("https://x.example/a", None, "A from sitemap")
    b_dated = Candidate("https://x.example/b", utc(2024, 1, 1), "B")
    a_dated = Candidate("https://x.example/a", utc(2024, 1, 5), "A from feed")
    b_other = Candidate("https://x.example/b", utc(2023, 12, 1), "B again")
    a_later = Candidate("https://x.example/a", utc(2024, 2, 1), None)
    merged = merge_candidates([a_undated, b_dated, a_dated, b_other, a_later])
    assert merged == [
        Candidate("https://x.example/a", utc(2024, 1, 5), "A from sitemap"),  # the date filled in, first title kept
        b_dated,  # the first date wins
    ]


def test_merge_keeps_later_title_when_first_had_none():
    merged = merge_candidates([Candidate("https://x.example/a"), Candidate("https://x.example/a", utc(2024, 1, 1), "T")])
    assert merged == [Candidate("https://x.example/a", utc(2024, 1, 1), "T")]


def test_in_window_is_half_open():
    since, until = utc(2024, 1, 1), utc(2024, 2, 1)
    at = lambda when: Candidate("https://x.example/a", when)  # noqa: E731
    assert in_window(at(since), since, until)  # since is inside
    assert not in_window(at(until), since, until)  # until is outside
    assert in_window(at(until - timedelta(microseconds=1)), since, until)
    assert not in_window(at(since - timedelta(microseconds=1)), since, until)
    assert in_window(at(None), since, until)  # undated: the page's own date decides later
    assert in_window(at(utc(1990, 1, 1)), None, until)
    assert in_window(at(utc(2999, 1, 1)), since, None)
    assert in_window(at(utc(2000, 1, 1)), None, None)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:void(0)", "mailto:editor@example.com",
                                 "tel:+9611234567", "ftp://example.com/a", "data:text/html,hi"])
def test_canonical_url_refuses_non_http(url):
    assert canonical_url(url) is None
    assert canonical_url(url, "https://news.example.com/feed") is None


def test_canonical_url_normalizes():
    assert canonical_url("  HTTPS://News.Example.COM/ar/1?utm_source=x&id=2#frag ") == "https://news.example.com/ar/1?id=2"
    assert canonical_url("/ar/5", "https://news.example.com/feeds/rss.xml") == "https://news.example.com/ar/5"
