"""Candidate article URLs from RSS, Atom, sitemaps (indexes, urlsets, Google News sitemaps) and URL
lists, with the dates the listing gives. XML is parsed with defusedxml: no entity expansion, no external
entities, no DTD tricks; a hostile listing is refused, not expanded."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urldefrag, urljoin, urlsplit

import defusedxml.ElementTree as SafeET
from courlan import normalize_url
from defusedxml import DefusedXmlException

from tasks.extract.articles import to_utc


class ListingError(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Candidate:
    url: str  # normalized
    published: datetime | None = None  # the listing's date for it (publication, else last modification)
    title: str | None = None


@dataclass
class Listing:
    candidates: list[Candidate]
    sitemaps: list[str]  # child sitemaps of a sitemap index, to be fetched in turn


def canonical_url(url: str, base: str | None = None) -> str | None:
    """Absolute, normalized URL without fragment or tracking parameters; None when it is not http(s)."""
    try:
        url = url.strip()
        if base:
            url = urljoin(base, url)
        url = urldefrag(url).url
        if not re.match(r"^https?://", url, re.I):
            return None
        normalized = normalize_url(url)
        urlsplit(normalized).port  # raises on a port out of range
        return normalized
    except (ValueError, AttributeError):
        return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(element, *names: str) -> str | None:
    """Text of the first descendant whose local name is one of `names`."""
    for child in element.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_date(value: str | None) -> datetime | None:
    """RFC 822 (RSS), ISO 8601 (Atom, sitemaps) or a bare date, as UTC."""
    if not value:
        return None
    value = value.strip()
    try:
        return to_utc(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        pass
    parsed = to_utc(value)
    if parsed is None and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        parsed = to_utc(date.fromisoformat(value[:10]))
    return parsed


def parse_listing(body: bytes, base_url: str) -> Listing:
    """Parse a feed or sitemap; raise ListingError with a reject reason when it cannot be trusted."""
    if not body.strip():
        raise ListingError("empty", "the listing has no content")
    try:
        root = SafeET.fromstring(body)
    except DefusedXmlException as exc:
        raise ListingError("xml_entities", f"refused: the listing declares entities or a DTD ({type(exc).__name__})") from exc
    except (SafeET.ParseError, LookupError, ValueError) as exc:  # LookupError: an unknown encoding declared
        raise ListingError("bad_listing", f"not well-formed XML: {exc}") from exc
    kind = _local(root.tag)
    if kind == "rss" or kind == "rdf":
        return Listing([c for c in (_rss_item(i, base_url) for i in root.iter() if _local(i.tag) == "item") if c], [])
    if kind == "feed":
        return Listing([c for c in (_atom_entry(e, base_url) for e in root.iter() if _local(e.tag) == "entry") if c], [])
    if kind == "sitemapindex":
        locs = [_text(s, "loc") for s in root if _local(s.tag) == "sitemap"]
        return Listing([], [u for u in (canonical_url(loc, base_url) for loc in locs if loc) if u])
    if kind == "urlset":
        return Listing([c for c in (_sitemap_url(u, base_url) for u in root if _local(u.tag) == "url") if c], [])
    raise ListingError("bad_listing", f"not RSS, Atom or a sitemap (root element <{kind}>)")


def _rss_item(item, base: str) -> Candidate | None:
    link = _text(item, "link") or _guid_link(item)
    url = canonical_url(link, base) if link else None
    if not url:
        return None
    when = parse_date(_text(item, "pubdate", "date", "published", "updated"))
    return Candidate(url, when, _text(item, "title"))


def _guid_link(item) -> str | None:
    for child in item:
        if _local(child.tag) == "guid" and child.text and child.get("isPermaLink", "true") != "false":
            return child.text
    return None


def _atom_entry(entry, base: str) -> Candidate | None:
    href = None
    for child in entry:
        if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate" and child.get("href"):
            href = child.get("href")
            break
    url = canonical_url(href, base) if href else None
    if not url:
        return None
    when = parse_date(_text(entry, "published") or _text(entry, "updated"))
    return Candidate(url, when, _text(entry, "title"))


def _sitemap_url(node, base: str) -> Candidate | None:
    loc = _text(node, "loc")
    url = canonical_url(loc, base) if loc else None
    if not url:
        return None
    # A Google News sitemap's publication date is the article's; lastmod is only the last change.
    when = parse_date(_text(node, "publication_date")) or parse_date(_text(node, "lastmod"))
    return Candidate(url, when, _text(node, "title"))


def parse_url_list(text: str, base: str | None = None) -> list[Candidate]:
    """One URL a line; blank lines and lines starting with # are skipped."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            url = canonical_url(line.split()[0], base)
            if url:
                found.append(Candidate(url))
    return found


def in_window(candidate: Candidate, since: datetime | None, until: datetime | None) -> bool:
    """[since, until) on the listing's date; a candidate without one stays (the page's date decides)."""
    if candidate.published is None:
        return True
    if since is not None and candidate.published < since:
        return False
    return until is None or candidate.published < until


def merge_candidates(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per URL (a page listed in a feed and a sitemap), keeping the first date found."""
    merged: dict[str, Candidate] = {}
    for c in candidates:
        old = merged.get(c.url)
        if old is None:
            merged[c.url] = c
        elif old.published is None and c.published is not None:
            merged[c.url] = Candidate(c.url, c.published, old.title or c.title)
    return list(merged.values())
