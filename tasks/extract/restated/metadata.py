"""A parsed page's title, author, URL, date and site name: what `trafilatura.metadata.extract_metadata`
gives for the fields the warehouse stores, in 1.6 ms a page against 5.4 (docs/benchmarks.md).
`tests/extract/test_restated_metadata.py` checks every field against trafilatura's own functions.

Two costs are avoided, not approximated:
- trafilatura finds the author on a deep copy of the whole page pruned of comments, sidebars, dates and
  figures, with XPath expressions that call back into Python's `re` for every element (`//*[...]` with
  `re:test`: 1.5 to 2 ms each on an average page, with or without the callbacks). Here the same rules
  (`AUTHOR_XPATHS`, `AUTHOR_DISCARD_XPATHS`, trafilatura 2.3.1) are applied in one pass over the
  elements (`_classify`), on the page as it is: a candidate inside an element the pruning would remove is
  skipped, and only a candidate holding such elements is copied, to read its text as the pruned tree
  would give it. The rules are identified by a fingerprint of their text: on another trafilatura version
  trafilatura's own function is used until they are translated again.
- categories, tags and licence are not extracted (40% of `extract_metadata`'s time).
"""
from __future__ import annotations

import hashlib
import re
from copy import deepcopy
from functools import cache

from htmldate import find_date
from lxml.etree import Element
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
    normalize_authors,
)
from trafilatura.metadata import extract_author as trafilatura_extract_author
from trafilatura.settings import DEFAULT_CONFIG, set_date_params
from trafilatura.settings import Document as PageMetadata
from trafilatura.utils import trim
from trafilatura.xml import delete_element
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

_EXTENSIVE_DATES = DEFAULT_CONFIG.getboolean("DEFAULT", "EXTENSIVE_DATE_SEARCH")
# The expressions below were translated from; another trafilatura version falls back to its own function.
_TRANSLATED = "bd5f28062491"
_A1_TAGS = frozenset(("a", "address", "div", "link", "p", "span", "strong"))
_A2_TAGS = frozenset(("a", "div", "h3", "h4", "p", "span"))
_D1_TAGS = frozenset(("a", "div", "section", "span"))
# Every class and id any of the expressions can select holds one of these: the others are passed over.
_CLASS_WORDS = re.compile("omment|title|date|sidebar|is-hidden|quote|embedly-instagram|article-s|print|category|meta-"
                          "|uthor|yline|username|byl|BBL|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by"
                          "|journalist-name|screenname|writer")
_ID_WORDS = re.compile("omment|ProductReviews|uthor|zuozhe|bianji|xiaobian")


class _Fallback(Exception):
    """A page with a `<rel>` element (`rel='me'` in the first expression): trafilatura's own function reads it."""


@cache
def _fingerprint() -> str:
    text = "\n".join(x.path for x in AUTHOR_XPATHS + AUTHOR_DISCARD_XPATHS)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _has(value: str, parts: tuple[str, ...]) -> bool:
    return any(part in value for part in parts)


def _classify(tree) -> tuple[set, list, list, list]:
    """The elements AUTHOR_DISCARD_XPATHS select, and those each of the three AUTHOR_XPATHS select, in
    document order, in one pass over the page's elements."""
    discard, first, second, third = set(), [], [], []
    for e in tree.iter(Element):
        tag, cls, ident = e.tag, e.get("class") or "", e.get("id") or ""
        prop, component, rel, testid = e.get("itemprop") or "", e.get("data-component") or "", e.get("rel"), e.get("data-testid")
        if tag == "rel":
            raise _Fallback
        if not (prop or component or rel or testid or tag in ("time", "figure", "author")
                or cls and _CLASS_WORDS.search(cls) or ident and _ID_WORDS.search(ident)):
            continue
        if tag in ("time", "figure") or tag in _D1_TAGS and (
                ident == "comments" or cls in ("comments", "title", "date")
                or ident.startswith("comments") or _has(ident, ("commentlist", "comment-list", "ProductReviews"))
                or cls.startswith(("Comments", "comments"))
                or _has(cls, ("commentlist", "comments-list", "sidebar", "is-hidden", "quote", "embedly-instagram",
                              "article-share", "article-support", "print", "category", "meta-date", "meta-reviewer"))
                or "Figure" in component):
            discard.add(e)
        if tag == "author" or tag in _A1_TAGS and (
                rel == "author" or ident == "author" or cls == "author" or prop == "author name"
                or testid in ("AuthorCard", "AuthorURL")
                or _has(cls, ("authorname", "author-name", "AuthorName", "authorName"))):
            first.append(e)
        if tag in _A2_TAGS and (
                cls in ("byline", "username", "byl", "BBL") or "author" in prop
                or _has(ident, ("author", "zuozhe", "bianji", "xiaobian"))
                or _has(cls, ("author", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by", "posted-by",
                              "journalist-name"))):
            second.append(e)
        if ("Byline" in component or "author" in prop or _has(ident, ("Author", "author"))
                or _has(cls, ("Author", "author", "screenname", "writer", "Byline", "byline"))):
            third.append(e)
    return discard, first, second, third


def _pruned_text(elem, discard: set) -> str:
    """`" ".join(elem.itertext())` as it reads once the `discard` elements are deleted, tails kept."""
    if not any(e in discard for e in elem.iterdescendants()):
        return " ".join(elem.itertext())
    clone = deepcopy(elem)
    for original, copied in zip(list(elem.iter()), list(clone.iter())):
        if original in discard and original is not elem:
            delete_element(copied)
    return " ".join(clone.itertext())


def extract_author(tree) -> str | None:
    """`trafilatura.metadata.extract_author` (module docstring)."""
    if _fingerprint() != _TRANSLATED:
        return trafilatura_extract_author(tree)
    try:
        discard, *selections = _classify(tree)
    except _Fallback:
        return trafilatura_extract_author(tree)
    for selected in selections:
        for elem in selected:
            if elem in discard or any(a in discard for a in elem.iterancestors()):
                continue
            content = trim(_pruned_text(elem, discard))
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


def page_metadata(tree, url: str | None = None, date_params: dict | None = None) -> PageMetadata:
    """Title, author, URL, date and site name of a parsed page: `trafilatura.metadata.extract_metadata`
    step for step (trafilatura 2.3.1) without what the pipeline does not store.

    The date: htmldate's quick search (markup, meta tags, URL) first, its extensive search (the page's
    text too) only when that finds nothing. On the article-extraction benchmark's 181 pages the quick
    search gives the extensive one's date on every page where it finds one (179), in 0.45 ms a page
    against 8.3 (docs/benchmarks.md)."""
    date_config = {**(date_params or set_date_params(_EXTENSIVE_DATES))}
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # trafilatura's own guard: bugs in its JSON-LD reader
        pass
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, url)
    date_config["url"] = metadata.url
    metadata.date = None
    if date_config.get("extensive_search"):
        metadata.date = find_date(tree, **{**date_config, "extensive_search": False})
    if not metadata.date:
        metadata.date = find_date(tree, **date_config)
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url:
        match = META_URL.match(metadata.url)
        if match:
            metadata.sitename = match[1]
    metadata.filedate = date_config.get("max_date")
    metadata.clean_and_trim()
    return metadata
