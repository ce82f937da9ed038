"""trafilatura's extraction cascade (`bare_extraction` and `trafilatura_sequence`, trafilatura 2.3.1)
restated for the options this project extracts with: the same result with less work.

`bare_extraction` given a parsed tree, in fast mode (no fallback extractors), comments off, without
metadata, does six things this module does not need to:
- it copies the whole tree first, to leave the caller's intact: `page.read_page` reads the page's metadata before
  and nothing after, so the tree is pruned in place here;
- it copies the cleaned tree before tag conversion, as a backup that only the fallback extractors and
  comment capture read (both off);
- it runs two XPath prunes over every element of the page with EXSLT regular expressions (a call back into
  Python's `re` per attribute: about 1 ms each on an average page), although each can select an element only
  when the element's class or id matches one of a few patterns: here one pass collects the page's classes
  and ids, and a prune runs only when one of them holds a string every match of its patterns holds, and matches
  the patterns themselves where that is cheaper than the prune (`_Gate`);
  the comments-and-lists prune, which finds something on four pages in ten, then selects its elements in
  Python over lxml's tag-filtered iteration (`_comments_and_lists`), a third of the XPath's time;
- when the text found is short (under 3,000 characters, four pages in ten), it measures the whole page's
  text (`html2txt`: a copy of the page, cleaned, spaced) to decide whether to retry in recall mode, which it
  does when the text is under a fifth of the page's: here an upper bound of that measure, read off the tree
  as it is (`_page_text_bound`), decides first; the measure, when the bound cannot decide, skips the cleaning
  expression's cookie-banner clause (3 ms of `re:test` callbacks) on pages none of whose classes and ids it
  could select (`_page_text_length`);
- in the main extraction, for each candidate frame, it evaluates OVERALL_DISCARD_XPATH, whose `re:test`
  clauses call back into Python up to six times per element (1 to 3 ms a page): here the same elements
  are selected in one Python visit per element that has an attribute the expressions read
  (`_overall_discards`), and trafilatura's extraction functions run as they are, with that selection
  passed to its own pruning function (`_rebound`: copies of its functions, its module untouched);
- the main extraction looks for the article's frame with BODY_XPATH, whose first expression calls back
  into Python twice for each `article`, `div`, `main` and `section` of the page (0.7 to 1 ms a page), though
  only its first selection is used: here that one is found in Python among the elements of those tags that
  have a class, id or itemprop, with the same tests (`_FirstFrame`), in half the time.

Everything else is trafilatura's own functions, called in the same order with the same arguments.
`tests/extract/test_restated_cascade.py` checks that both give the same text on every page the project has. The restated
functions are identified by a fingerprint of their source: on another trafilatura version, or with other
options, trafilatura's own `bare_extraction` runs (and that test fails until this is checked again).
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import logging
import re
import types
from copy import copy
from dataclasses import dataclass
from functools import cache

import trafilatura
from lxml.etree import XPath, strip_tags
from lxml.html import HtmlElement
from trafilatura import core as trafilatura_core
from trafilatura import main_extractor
from trafilatura.baseline import _BLOCK_ELEMS, _spaced_text, baseline, html2txt
from trafilatura.core import ESCALATION_ACCEPT_RATIO, ESCALATION_MAX_LENGTH, ESCALATION_PAGE_SHARE, _forum_thread_page
from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
from trafilatura.settings import _COOKIE_CONSENT_RE, BASIC_CLEAN_XPATH, Document, Extractor
from trafilatura.xml import delete_element, xmltotxt
from trafilatura.xpaths import (
    BODY_XPATH,
    OVERALL_DISCARD_XPATH,
    RAW_TREE_PRUNE_XPATH,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    REMOVE_COMMENTS_XPATH,
)

LOGGER = logging.getLogger(__name__)
_CHECKED = "548ed6dc4602"  # fingerprint of the trafilatura code this module restates

# The patterns of `re:test(@attribute, 'pattern')` clauses, and the strings of `contains(@attribute, '...')`
# ones, in an expression's text.
_RE_TEST = re.compile(r"re:test\((@[\w|@-]+), '([^']*)'(?:, '(\w*)')?\)")
_CONTAINS = re.compile(r"contains\(@\w+, '([^']*)'\)")


def _gate_pattern(paths: list[str]) -> re.Pattern:
    """A pattern that finds, in a page's classes and ids one per line (`_classes_and_ids`), every value an
    expression of `paths` can select an element by: every branch of the expressions gated here requires its
    element's class or id to match one of their `re:test` patterns or hold one of their `contains` strings.
    Multiline, so that `^` anchors at each value; none of the patterns can match a line break
    (tests/extract/test_restated_cascade.py), so a hit never straddles two values."""
    tests = [test for path in paths for test in _RE_TEST.findall(path)]
    parts = [p for _, p, _ in tests] + [re.escape(c) for path in paths for c in _CONTAINS.findall(path)]
    flags = re.I if any("i" in f for _, _, f in tests) else 0
    return re.compile("|".join(f"(?:{p})" for p in dict.fromkeys(parts)), re.M | flags)


@dataclass(frozen=True)
class _Gate:
    """Whether a whole-page expression can select anything on a page, from the page's classes and ids: a
    substring test for `literals` (microseconds), then, when given, `pattern` (`_gate_pattern`: a tenth to
    most of a millisecond on an average page). It may open for nothing (the expression then runs and
    selects nothing), never stay shut on a page where the expression selects something."""

    literals: tuple[str, ...]  # every match of the expressions' patterns holds one (lower case if they ignore it)
    pattern: re.Pattern | None = None

    def opens(self, classes_and_ids: str) -> bool:
        text = classes_and_ids.lower() if self.pattern is not None and self.pattern.flags & re.I else classes_and_ids
        return (any(literal in text for literal in self.literals)
                and (self.pattern is None or self.pattern.search(classes_and_ids) is not None))


# The literals are read off the patterns: `mvp-post-add-(?:box|wrap)`, `infinite-?scroll`,
# `elementor-share-buttons`; `[Cc]omment(?!ary)`, `comol`, `disqus_thread`, `dsq-comments`,
# `(?:article|post)-comments`. The comments prune, which has something to select on four pages in ten, needs
# no pattern: its selection (`_comments_and_lists`) costs what the pattern would.
_RAW_TREE_GATE = _Gate(("mvp-post-add-", "infinite", "elementor-share-buttons"),
                       _gate_pattern([x.path for x in RAW_TREE_PRUNE_XPATH]))
_COMMENTS_GATE = _Gate(("omment", "comol", "disqus_thread"))
_CLASSES, _IDS = XPath("//@class", smart_strings=False), XPath("//@id", smart_strings=False)


def _classes_and_ids(tree: HtmlElement) -> str:
    """Every class and id attribute value of the page, one per line (in no particular order)."""
    return "\n".join(_CLASSES(tree)) + "\n" + "\n".join(_IDS(tree))


@cache
def fingerprint() -> str:
    """Of the restated functions and the expressions and constants they depend on (read from trafilatura's
    modules, not from this one's names, which tests may replace); "unknown" without their source."""
    core, extractor = trafilatura_core, main_extractor
    baseline_module = importlib.import_module("trafilatura.baseline")  # `trafilatura.baseline` is a function
    processing = importlib.import_module("trafilatura.htmlprocessing")
    try:
        sources = [inspect.getsource(f) for f in (
            core.bare_extraction, core.trafilatura_sequence, core._prepare_tree, core._extract_and_compare,
            core._recall_retry, processing.prune_unwanted_nodes, baseline_module.html2txt,
            baseline_module._spaced_text, baseline_module.basic_cleaning, extractor.extract_content,
            extractor._extract, extractor.prune_unwanted_sections, extractor.recover_wild_text,
            importlib.import_module("trafilatura.xml").delete_element)]
    except (OSError, TypeError):
        return "unknown"
    paths = ([x.path for x in RAW_TREE_PRUNE_XPATH + REMOVE_COMMENTS_AND_LISTS_XPATH + OVERALL_DISCARD_XPATH]
             + [BASIC_CLEAN_XPATH.path, BODY_XPATH[0].path])
    constants = [ESCALATION_ACCEPT_RATIO, ESCALATION_MAX_LENGTH, ESCALATION_PAGE_SHARE, sorted(_BLOCK_ELEMS)]
    text = "\n".join(sources + paths + [repr(constants)])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def restated_for(options: Extractor) -> bool:
    """Whether `extract_tree` restates trafilatura for these options (else it calls trafilatura)."""
    return (fingerprint() == _CHECKED and _DISCARD_PATTERNS is not None and _COMMENTS_PATTERNS is not None
            and _BASIC_CLEAN_WITHOUT_COOKIES is not None and options.fast and not options.comments
            and not options.with_metadata and not options.lang and options.format == "python")


def extract_tree(tree: HtmlElement, options: Extractor) -> Document | None:
    """`trafilatura.bare_extraction(tree, options=options)` (module docstring), with `tree` pruned in place:
    the main text as a Document (text, raw_text, body), or None when there is none."""
    if not restated_for(options):
        return trafilatura.bare_extraction(tree, options=options)
    try:
        postbody, temp_text = _sequence(tree, options)
        if options.max_tree_size:
            if len(postbody) > options.max_tree_size:
                strip_tags(postbody, "hi")
            if len(postbody) > options.max_tree_size:
                raise ValueError
        if len(temp_text) < options.min_output_size and 0 < options.min_output_comm_size:
            raise ValueError
        if options.dedup and trafilatura_core.duplicate_test(postbody, options) is True:
            raise ValueError
    except (TypeError, ValueError):
        LOGGER.warning("discarding data: %s", options.source)
        return None
    document = Document()
    document.text = xmltotxt(postbody, options.formatting)
    document.raw_text = document.text
    document.body = postbody
    return document


def _sequence(tree: HtmlElement, options: Extractor):
    """`trafilatura_sequence` with comments off and in fast mode (module docstring)."""
    url = options.url
    is_forum = _forum_thread_page(tree)
    classes_and_ids = _classes_and_ids(tree)
    if _RAW_TREE_GATE.opens(classes_and_ids):
        tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
    if (options.focus == "precision" or not is_forum) and _COMMENTS_GATE.opens(classes_and_ids):
        selected = _comments_and_lists(tree)
        if selected:
            tree = prune_unwanted_nodes(tree, [lambda _tree: selected])
    cleaned_tree = convert_tags(tree_cleaning(copy(tree), options), options, url)
    if options.focus == "precision" and not is_forum:
        cleaned_tree = prune_unwanted_nodes(cleaned_tree, REMOVE_COMMENTS_XPATH)
    postbody, temp_text = _extract_content(cleaned_tree, options)

    if len(temp_text) < options.min_extracted_size and options.focus != "precision":
        b_body, b_text, b_len = baseline(tree)
        LOGGER.debug("non-clean extracted length: %s (extraction)", b_len)
        if b_len > len(temp_text):
            postbody, temp_text = b_body, b_text

    if (options.focus == "balanced" and 0 < len(temp_text) < ESCALATION_MAX_LENGTH
            and len(temp_text) < ESCALATION_PAGE_SHARE * _page_text_bound(tree)
            and len(temp_text) < ESCALATION_PAGE_SHARE * _page_text_length(tree, classes_and_ids)):
        r_options = copy(options)
        r_options.focus = "recall"
        r_text = ""
        try:
            r_body, r_text = _extract_content(convert_tags(tree_cleaning(copy(tree), r_options), r_options, url),
                                             r_options)
        except Exception as err:  # pragma: no cover - as trafilatura_sequence
            LOGGER.warning("recall retry failed: %s %s", err, url)
        if len(r_text) >= options.min_extracted_size and len(r_text) > ESCALATION_ACCEPT_RATIO * len(temp_text):
            postbody, temp_text = r_body, r_text
    return postbody, temp_text


# REMOVE_COMMENTS_AND_LISTS_XPATH tests the class and id of every div, section, list and details element
# of the page with `re:test` (a call back into Python's `re` each): 1 to 2 ms a page, and about 1 ms
# without the callbacks (libxml2 evaluates the `self::` tests on every element). `_comments_and_lists`
# selects the same elements, in the same order, in a third of that: lxml's tag-filtered iteration, then
# the expression's patterns (`_COMMENTS_PATTERNS`, read off it) tested in Python.
_COMMENTS_TESTS = [t for x in REMOVE_COMMENTS_AND_LISTS_XPATH for t in _RE_TEST.findall(x.path)]
_COMMENTS_PATTERNS = ([re.compile(p) for _, p, _ in _COMMENTS_TESTS] if len(REMOVE_COMMENTS_AND_LISTS_XPATH) == 1
                      and [(a, f) for a, _, f in _COMMENTS_TESTS] == [("@id", ""), ("@class", "")] * 2 else None)
_COMMENTS_TAGS = ("div", "list", "section", "details", "ol", "ul")  # the expression's `self::` tests
_LISTS = ("ol", "ul")  # those its second predicate tests again


def _comments_and_lists(tree: HtmlElement) -> list:
    """What REMOVE_COMMENTS_AND_LISTS_XPATH selects under `tree`, in document order: an element whose id or
    class matches the first pair of patterns and, for a list, the second pair. No pattern matches an empty
    string (tests/extract/test_restated_cascade.py), so an element with neither attribute is never selected."""
    any_id, any_class, list_id, list_class = _COMMENTS_PATTERNS
    selected = []
    for element in tree.iterdescendants(*_COMMENTS_TAGS):
        ident, cls = element.get("id"), element.get("class")
        if ident is None and cls is None:
            continue
        ident, cls = ident or "", cls or ""
        if (any_id.search(ident) or any_class.search(cls)) and (
                element.tag not in _LISTS or list_id.search(ident) or list_class.search(cls)):
            selected.append(element)
    return selected


# html2txt cleans the page's copy with BASIC_CLEAN_XPATH, whose last clause tests every element's class and id
# against a cookie-banner pattern with `re:test` (3 ms a page). On a page none of whose classes and ids the
# pattern matches (`_COOKIE_GATE`), that clause selects nothing, and the expression without it selects the same.
_COOKIE_CLAUSE = f"|.//*[re:test(@class, '{_COOKIE_CONSENT_RE}', 'i') or re:test(@id, '{_COOKIE_CONSENT_RE}', 'i')]"
# `cookie[-_]?(?:banner|...)`, `notice[-_]{0,2}cookie`, `consent[-_]?(?:banner|...)`, `borlabs`, `cookiebot`,
# `cmplz`, `onetrust`, `moove[-_]?gdpr`, case ignored.
_COOKIE_GATE = _Gate(("cookie", "consent", "borlabs", "cmplz", "onetrust", "moove"), _gate_pattern([_COOKIE_CLAUSE]))
_BASIC_CLEAN_WITHOUT_COOKIES = (XPath(BASIC_CLEAN_XPATH.path.removesuffix(_COOKIE_CLAUSE))
                                if BASIC_CLEAN_XPATH.path.endswith(_COOKIE_CLAUSE) else None)


def _page_text_length(tree: HtmlElement, classes_and_ids: str) -> int:
    """`len(html2txt(tree))` (the page's text, cleaned and spaced), leaving `tree` as it is; `classes_and_ids`:
    the page's (`_classes_and_ids`, read before any pruning: a superset of what is left)."""
    if _COOKIE_GATE.opens(classes_and_ids):
        return len(html2txt(tree))
    page = copy(tree)
    body = page.find(".//body")
    if body is None:
        body = page
    for element in _BASIC_CLEAN_WITHOUT_COOKIES(body):
        delete_element(element)
    return len(_spaced_text(body))


def _page_text_bound(tree: HtmlElement) -> int:
    """At least `len(html2txt(tree))`: the text of the page's body without its scripts and styles (which
    basic cleaning always removes, as it may remove more), plus the two spaces `_spaced_text` may add around
    each block element; collapsing whitespace only shortens it."""
    body = tree.find(".//body")
    if body is None:
        body = tree
    length = len(body.text_content())
    for element in body.iter("script", "style"):
        if element.text:
            length -= len(element.text)
    return length + 2 * sum(1 for _ in body.iter(*_BLOCK_ELEMS))


# OVERALL_DISCARD_XPATH, which trafilatura's main extraction applies to each candidate frame
# (`prune_unwanted_sections`), calls back into Python's `re` up to six times per element (its `re:test`
# clauses): about a millisecond a page. `_overall_discards` gives the same elements, in the same order,
# with one Python visit per element that has an attribute any clause reads, testing the same patterns,
# read off the expressions (`_REGEX_TESTS`).
_REGEX_TESTS = [re.findall(r"re:test\((@[\w|@-]+), '([^']*)'\)", x.path) for x in OVERALL_DISCARD_XPATH]
_TESTED = [["@id|@class", "@id", "@class"], ["@id|@style", "@id", "@class"]]  # what the code below reads
_DISCARD_PATTERNS = ([[re.compile(p) for _, p in tests] for tests in _REGEX_TESTS]
                     if [[a for a, _ in tests] for tests in _REGEX_TESTS] == _TESTED else None)
_FRAME_TAGS = frozenset(("div", "item", "list", "p", "section", "span"))  # the first expression's self:: tests
_WITH_TESTED_ATTRIBUTES = XPath(".//*[@id or @class or @style or @role or @data-component or "
                                "@data-lp-replacement-content or @aria-hidden]")


def _first_of(attributes: dict, a: str, b: str) -> str:
    """XPath's string value of `@a|@b`: the first of the two in the source's attribute order (which
    `attributes`, a dict made from the element's items, keeps)."""
    if a in attributes:
        if b in attributes and next(k for k in attributes if k in (a, b)) == b:
            return attributes[b]
        return attributes[a]
    return attributes.get(b, "")


def _overall_discards(tree: HtmlElement) -> tuple[list, list]:
    """What each of the two OVERALL_DISCARD_XPATH expressions selects under `tree`, in document order. An
    element without any attribute they test is selected by neither (no pattern matches an empty string)."""
    (cookie, frame_id, frame_class), (hidden, comment_id, comment_class) = _DISCARD_PATTERNS
    first, second = [], []
    for e in _WITH_TESTED_ATTRIBUTES(tree):
        attributes = dict(e.items())
        get = attributes.get
        ident, cls, style = get("id", ""), get("class", ""), get("style", "")
        id_or_class = _first_of(attributes, "id", "class")
        if e.tag in _FRAME_TAGS and (
                "data-lp-replacement-content" in attributes
                or "nav" in get("role", "").replace("N", "n")
                or "MostPopularStories" in get("data-component", "")
                or cookie.search(id_or_class) or frame_id.search(ident) or frame_class.search(cls)):
            first.append(e)
        if (cls == "comments-title" or id_or_class.startswith("reply-")
                or "display:none" in style or "display: none" in style or get("aria-hidden") == "true"
                or hidden.search(_first_of(attributes, "id", "style"))
                or comment_id.search(ident) or comment_class.search(cls)):
            second.append(e)
    return first, second


def _prune_nodes(tree: HtmlElement, nodelist: list, with_backup: bool = False) -> HtmlElement:
    """trafilatura's `prune_unwanted_nodes`, given OVERALL_DISCARD_XPATH's selections (`_overall_discards`)
    instead of evaluating it; any other list of expressions as it is."""
    if nodelist is OVERALL_DISCARD_XPATH:
        nodelist = [lambda _tree, selected=selected: selected for selected in _overall_discards(tree)]
    return prune_unwanted_nodes(tree, nodelist, with_backup)


def _rebound(function, **names):
    """A copy of a trafilatura function in which the global `names` mean what is given here: the same code,
    with trafilatura's module left as it is (other callers, other threads, are not affected)."""
    module_globals = dict(function.__globals__, **names)
    clone = types.FunctionType(function.__code__, module_globals, function.__name__, function.__defaults__,
                               function.__closure__)
    clone.__kwdefaults__ = function.__kwdefaults__
    return clone


class _FirstFrame:
    """BODY_XPATH's first expression as `_extract` uses it: `expr(tree)`, of which it takes the first element.
    `.//*[self::article or ...][tests][1]` selects, under each parent, the first child of those tags that
    passes the tests; the first of these in document order is the first descendant of those tags that passes
    them, which is all this gives (a list of it, or an empty one). The tests are the expression's: two
    attribute values, an itemprop, an id, and `re:test` on the id and on the class, which EXSLT runs as
    Python's `re.search` on the attribute's value, or on "" when it is missing (neither pattern matches "":
    `_first_frame`). An element with neither class, id nor itemprop passes none, so libxml2 leaves those out
    first."""

    _CANDIDATES = XPath(".//*[self::article or self::div or self::main or self::section][@class or @id or @itemprop]")

    def __init__(self, id_pattern: re.Pattern, class_pattern: re.Pattern):
        self.id_pattern, self.class_pattern = id_pattern, class_pattern

    def __call__(self, tree: HtmlElement) -> list:
        for element in self._CANDIDATES(tree):
            cls, ident = element.get("class"), element.get("id")
            if (cls == "post" or cls == "entry" or element.get("itemprop") == "articleBody" or ident == "articleContent"
                    or ident is not None and self.id_pattern.search(ident)
                    or cls is not None and self.class_pattern.search(cls)):
                return [element]
        return []

    def __str__(self) -> str:  # `_extract` logs the expression that found the frame
        return BODY_XPATH[0].path


def _first_frame() -> _FirstFrame | None:
    """`_FirstFrame` for BODY_XPATH's first expression when its text is the one restated (whitespace aside),
    else None (the expression itself is evaluated)."""
    text = " ".join(BODY_XPATH[0].path.split())
    tests = _RE_TEST.findall(text)
    if [(attribute, flags) for attribute, _, flags in tests] != [("@id", ""), ("@class", "")]:
        return None
    (_, id_pattern, _), (_, class_pattern, _) = tests
    restated = (".//*[self::article or self::div or self::main or self::section][ @class='post' or @class='entry' or"
                f" @itemprop='articleBody' or @id='articleContent' or re:test(@id, '{id_pattern}') or"
                f" re:test(@class, '{class_pattern}') ][1]")
    patterns = re.compile(id_pattern), re.compile(class_pattern)
    if text != restated or any(p.search("") for p in patterns):
        return None
    return _FirstFrame(*patterns)


_FIRST_FRAME = _first_frame()
_BODY_XPATH = [_FIRST_FRAME, *BODY_XPATH[1:]] if _FIRST_FRAME is not None else BODY_XPATH

# trafilatura's main extraction (`extract_content` and what it calls), pruning with `_prune_nodes` and finding
# the first frame with `_FirstFrame`.
_prune_sections = _rebound(main_extractor.prune_unwanted_sections, prune_unwanted_nodes=_prune_nodes)
_recover_wild_text = _rebound(main_extractor.recover_wild_text, prune_unwanted_sections=_prune_sections)
_extract = _rebound(main_extractor._extract, prune_unwanted_sections=_prune_sections, BODY_XPATH=_BODY_XPATH)
_extract_content = _rebound(main_extractor.extract_content, _extract=_extract, recover_wild_text=_recover_wild_text)
