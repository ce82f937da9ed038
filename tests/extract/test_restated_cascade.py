"""tasks.extract.restated.cascade restates trafilatura's bare_extraction for this project's options: the same text on every
page the project has, with fewer whole-page passes, and trafilatura's own code whenever it cannot vouch
for the result (other options, another trafilatura)."""
from __future__ import annotations

import re
from collections import Counter

import pytest
import trafilatura
from trafilatura.baseline import html2txt
from trafilatura.utils import load_html

import tasks.extract.restated.cascade as cascade
from tasks.extract.options import DEFAULT_OPTIONS, ExtractOptions, extractor_for
from tests.support.pages import html_pages
from tests.support.paths import BENCHMARK_HTML

ARTICLE = "".join(f"<p>Paragraph {i} of the article, long enough to be kept as body text by the extractor.</p>"
                  for i in range(12))


def _text(document) -> str | None:
    return document.text if document is not None else None


def _theirs(html: str, options=DEFAULT_OPTIONS):
    return _text(trafilatura.bare_extraction(load_html(html), options=extractor_for(options, None)))


def _ours(html: str, options=DEFAULT_OPTIONS):
    return _text(cascade.extract_tree(load_html(html), extractor_for(options, None)))


def test_the_restatement_is_checked_against_the_installed_trafilatura():
    # Fails when trafilatura (or the expressions and constants read) changes: compare the new sources with
    # tasks/extract/restated/cascade.py, then record the new fingerprint in _CHECKED.
    assert cascade.fingerprint() == cascade._CHECKED
    assert cascade.restated_for(extractor_for(DEFAULT_OPTIONS, None))


def test_every_page_gives_trafilaturas_text():
    pages = html_pages()
    assert pages, "no pages to compare"
    extracted = 0
    for name, html in pages:
        if load_html(html) is None:
            continue
        theirs = _theirs(html)
        assert _ours(html) == theirs, name
        extracted += bool(theirs)
    assert extracted >= len(pages) // 2, "most pages should give text, or the comparison says little"


def test_the_page_text_bound_is_never_below_the_measure_it_stands_in_for():
    checked = 0
    for name, html in html_pages() + [("nested", "<div>a<div> b <p>c</p>\n\n d</div><script>var x;</script></div>")]:
        tree = load_html(html)
        if tree is None:
            continue
        assert cascade._page_text_bound(tree) >= len(html2txt(load_html(html))), name
        checked += 1
    assert checked >= 2


@pytest.mark.parametrize("furniture", [
    '<div class="comments-area"><p>{}</p></div>',
    '<section id="comments"><p>{}</p></section>',
    '<div id="disqus_thread"><p>{}</p></div>',
    '<div class="infinite-scroll-item"><p>{}</p></div>',
    '<div class="mvp-post-add-box"><p>{}</p></div>',
])
def test_pages_with_what_the_prunes_select_are_still_pruned(furniture):
    marker = "Reader comment that must not be taken for article text, however long it runs on and on. " * 3
    html = f"<html><body><article>{ARTICLE}{furniture.format(marker)}</article></body></html>"
    theirs = _theirs(html)
    assert theirs and "Paragraph 11" in theirs
    assert "Reader comment" not in theirs, "the fixture should exercise one of trafilatura's prunes"
    assert _ours(html) == theirs


def test_whole_page_passes_run_only_when_they_can_change_the_result(monkeypatch):
    from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH
    calls = Counter()
    prune, select, measure = cascade.prune_unwanted_nodes, cascade._comments_and_lists, cascade._page_text_length

    def counted_prune(tree, nodelist, *args):
        if nodelist is RAW_TREE_PRUNE_XPATH:
            calls["raw-tree prune"] += 1
        return prune(tree, nodelist, *args)

    def counted_selection(tree):
        calls["comments selection"] += 1
        return select(tree)

    def counted_measure(tree, classes_and_ids):
        calls["page text measure"] += 1
        return measure(tree, classes_and_ids)
    monkeypatch.setattr(cascade, "prune_unwanted_nodes", counted_prune)
    monkeypatch.setattr(cascade, "_comments_and_lists", counted_selection)
    monkeypatch.setattr(cascade, "_page_text_length", counted_measure)
    # a plain article: no class or id a prune can select, and text that is most of the page
    assert "Paragraph 0" in _ours(f"<html><body><article>{ARTICLE}</article></body></html>")
    assert calls == Counter()
    # a class that holds a literal of the raw-tree gate but does not match its patterns
    _ours(f'<html><body><article>{ARTICLE}</article><div class="infinite-loader"><p>x</p></div></body></html>')
    assert calls == Counter()
    # the comments are selected when the page has a comments block (and the block is pruned)
    html = f'<html><body><article>{ARTICLE}</article><div id="comments"><p>A reader comment</p></div></body></html>'
    assert _ours(html) == _theirs(html) and "A reader comment" not in _ours(html)
    assert calls["comments selection"] == 2 and calls["raw-tree prune"] == 0


def test_a_short_text_on_a_long_page_still_retries_in_recall_mode(monkeypatch):
    # under a fifth of the page's text: trafilatura measures the page and retries; so must the cascade
    measured = []
    monkeypatch.setattr(cascade, "_page_text_length",
                        lambda tree, classes, _f=cascade._page_text_length: measured.append(1) or _f(tree, classes))
    links = "".join(f'<li><a href="/{i}">Unrelated headline number {i} in the site navigation</a></li>' for i in range(80))
    html = (f"<html><body><ul>{links}</ul><div><p>{'Short news item text. ' * 8}</p></div>"
            f"<div class='sidebar'><p>{'Sidebar words that recall mode may keep. ' * 5}</p></div></body></html>")
    assert _ours(html) == _theirs(html)
    assert measured == [1], "the bound cannot decide this page: the exact measure must be taken"


def _extra_pages() -> list[tuple[str, str]]:
    """Pages for the cookie clause, the footer clause and the comments lists."""
    body = f"<article>{ARTICLE}</article>"
    return [
        ("cookie", f'<html><body>{body}<div class="cookie-consent-banner"><p>We use cookies</p></div></body></html>'),
        ("cookie id", f'<html><body>{body}<div id="CookieBot-x">We use cookies</div>tail</body></html>'),
        ("footer", f'<html><body>{body}<div id="site-footer">Footer</div><footer>F</footer><svg>s</svg></body></html>'),
        ("no body", f"<div>{body}<aside>aside</aside></div>"),
        ("lists", f'<html><body>{body}<ul class="comments-list"><li>c</li></ul><ol id="comment-2"><li>c</li></ol>'
                  f'<ul class="post-comments"><li>p</li></ul><ul id="commentary"><li>k</li></ul>'
                  f'<details id="comol">d</details><section class="x comments"><p>s</p></section></body></html>'),
    ]


def test_the_page_text_measure_is_html2txts_and_leaves_the_page_as_it_is():
    from lxml.html import tostring
    checked = Counter()
    for name, html in html_pages() + _extra_pages():
        tree = load_html(html)
        if tree is None:
            continue
        classes_and_ids = cascade._classes_and_ids(tree)
        before = tostring(tree)
        assert cascade._page_text_length(tree, classes_and_ids) == len(html2txt(tree)), name
        assert tostring(tree) == before, name
        checked[cascade._COOKIE_GATE.opens(classes_and_ids)] += 1
    assert checked[True] >= 2 and checked[False] >= 2, "both ways of measuring should be exercised"


def test_the_comments_selection_is_the_expressions_on_every_page():
    from trafilatura.xpaths import REMOVE_COMMENTS_AND_LISTS_XPATH
    selected = 0
    for name, html in html_pages() + _extra_pages():
        tree = load_html(html)
        if tree is None:
            continue
        ours = cascade._comments_and_lists(tree)
        assert ours == list(REMOVE_COMMENTS_AND_LISTS_XPATH[0](tree)), name
        selected += len(ours)
    assert selected >= 4


def test_the_gates_open_on_every_page_whose_expressions_select_something():
    from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH
    cookie_clause = cascade.XPath(cascade._COOKIE_CLAUSE[1:], namespaces={"re": "http://exslt.org/regular-expressions"})
    gates = (("raw", cascade._RAW_TREE_GATE, RAW_TREE_PRUNE_XPATH),
             ("comments", cascade._COMMENTS_GATE, REMOVE_COMMENTS_AND_LISTS_XPATH),
             ("cookie", cascade._COOKIE_GATE, [cookie_clause]))
    hits = Counter()
    for name, html in html_pages() + _extra_pages() + [("mvp", '<div class="mvp-post-add-box">x</div>')]:
        tree = load_html(html)
        if tree is None:
            continue
        classes_and_ids = cascade._classes_and_ids(tree)
        for label, gate, expressions in gates:
            if any(len(x(tree)) for x in expressions):
                assert gate.opens(classes_and_ids), (label, name)
                hits[label] += 1
            if gate.pattern is not None and gate.pattern.search(classes_and_ids):  # the literals come with the pattern
                text = classes_and_ids.lower() if gate.pattern.flags & re.I else classes_and_ids
                assert any(literal in text for literal in gate.literals), (label, name)
    assert set(hits) == {"raw", "comments", "cookie"}
    # a hit never straddles two values: no pattern can match a line break
    for gate in (cascade._RAW_TREE_GATE, cascade._COOKIE_GATE):
        assert not any(token in gate.pattern.pattern for token in (".", "\\s", "\\W", "\\D", "\\S", "[^"))
    # an element without an id or class is never selected by the comments expression
    assert not any(pattern.search("") for pattern in cascade._COMMENTS_PATTERNS)


@pytest.mark.parametrize("options", [
    ExtractOptions(fast=False),
    ExtractOptions(include_comments=True),
])
def test_other_options_run_trafilatura_itself(options, monkeypatch):
    extractor = extractor_for(options, None)
    assert not cascade.restated_for(extractor)
    monkeypatch.setattr(cascade, "_sequence", None)  # would raise if reached
    html = f"<html><body><article>{ARTICLE}</article></body></html>"
    assert _ours(html, options) == _theirs(html, options)


def test_another_trafilatura_runs_trafilatura_itself(monkeypatch):
    monkeypatch.setattr(cascade, "_CHECKED", "not-this-one")
    assert not cascade.restated_for(extractor_for(DEFAULT_OPTIONS, None))
    monkeypatch.setattr(cascade, "_sequence", None)
    html = f"<html><body><article>{ARTICLE}</article></body></html>"
    assert _ours(html) == _theirs(html)


def _xpath_discards(tree) -> tuple[list, list]:
    from trafilatura.xpaths import OVERALL_DISCARD_XPATH
    return tuple(list(expression(tree)) for expression in OVERALL_DISCARD_XPATH)


def _cleaned_pages():
    """(name, tree) of every page the project has, cleaned and converted as the main extraction sees it."""
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning
    options = extractor_for(DEFAULT_OPTIONS, None)
    for name, html in html_pages():
        tree = load_html(html)
        if tree is not None:
            yield name, convert_tags(tree_cleaning(tree, options), options)


def test_the_overall_discards_are_what_trafilaturas_expressions_select_on_every_page():
    selected = 0
    for name, tree in _cleaned_pages():
        ours = tuple(list(found) for found in cascade._overall_discards(tree))
        assert ours == _xpath_discards(tree), name
        selected += len(ours[0]) + len(ours[1])
    assert selected > (100 if BENCHMARK_HTML.is_dir() else 0), "the pages should exercise the expressions"


@pytest.mark.parametrize("element", [
    '<div class="cookie-notice" id="main">', '<div id="main" class="cookie-notice">',  # string(@id|@class): the first
    '<div class="x" id="cookie">', '<span role="Navigation">', '<p data-lp-replacement-content="">',
    '<section data-component="MostPopularStories-1">', '<div id="share-box">', '<div class="site-footer">',
    '<div class="a ad-slot">', '<div class="bad-news">', '<item class="related">', '<h2 class="widget">',
    '<h2 class="comments-title">', '<h2 class="reply-x" id="y">', '<h2 id="y" class="reply-x">',
    '<h2 style="color: red" id="hidden-1">', '<h2 id="a" style="visibility: hidden">', '<h2 style="display:none">',
    '<h2 aria-hidden="true">', '<h2 aria-hidden="false">', '<h2 class="noprint">', '<h2 id="akismet-x">',
    '<h2 class="plain" id="plain">', '<h2>',
])
def test_the_overall_discards_read_attributes_as_xpath_does(element):
    tag = element[1:element.index(" ") if " " in element else -1]
    tree = load_html(f"<html><body><div>{element}text</{tag}><p>more</p></div></body></html>")
    ours = tuple(list(found) for found in cascade._overall_discards(tree))
    assert ours == _xpath_discards(tree)


def test_the_main_extraction_does_not_evaluate_the_overall_discard_expressions(monkeypatch):
    selections = []
    original = cascade._overall_discards
    monkeypatch.setattr(cascade, "_overall_discards", lambda tree: selections.append(1) or original(tree))
    html = f'<html><body><article>{ARTICLE}<div class="share-buttons"><p>Share this</p></div></article></body></html>'
    text = _ours(html)
    assert selections, "OVERALL_DISCARD_XPATH's selection should come from _overall_discards"
    assert "Share this" not in text and text == _theirs(html)
    # trafilatura's own module is left as it is: other callers still run its expressions
    from trafilatura import htmlprocessing, main_extractor
    assert main_extractor.prune_unwanted_nodes is htmlprocessing.prune_unwanted_nodes
    assert main_extractor._extract is not cascade._extract


@pytest.mark.parametrize("html, setting", [
    ("<html><body><div><img src='x.png'></div></body></html>", {}),  # no text: under min_output_size
    (f"<html><body><article>{ARTICLE}</article></body></html>", {"max_tree_size": 3}),  # too many elements
])
def test_a_discarded_result_is_none_as_trafilaturas(html, setting, caplog):
    options = extractor_for(DEFAULT_OPTIONS, "https://example.org/a")
    for name, value in setting.items():
        setattr(options, name, value)
    assert cascade.restated_for(options)
    assert trafilatura.bare_extraction(load_html(html), options=options) is None
    caplog.clear()
    assert cascade.extract_tree(load_html(html), options) is None
    assert "discarding data: https://example.org/a" in caplog.text


def _xpath_first_frame(tree) -> list:
    from trafilatura.xpaths import BODY_XPATH
    found = next((s for s in BODY_XPATH[0](tree) if s is not None), None)
    return [] if found is None else [found]


def test_the_first_frame_is_the_expressions_first_selection_on_every_page():
    assert cascade._FIRST_FRAME is not None, "BODY_XPATH's first expression should be restated"
    found = 0
    for name, tree in _cleaned_pages():
        ours = cascade._FIRST_FRAME(tree)
        assert ours == _xpath_first_frame(tree), name
        found += bool(ours)
    assert found > (50 if BENCHMARK_HTML.is_dir() else 0), "the pages should exercise the expression"


@pytest.mark.parametrize("body", [
    '<div class="post">x</div>', '<div class="posts">x</div>', '<div class="entry">x</div>',
    '<section itemprop="articleBody">x</section>', '<main id="articleContent">x</main>',
    '<div class="a post-body b">x</div>', '<div id="my-article-body">x</div>', '<div class="Post-Body">x</div>',
    '<p class="post">x</p>', '<article class="x"><div class="entry-content">x</div></article>',
    '<div><span class="post"><div class="post-content">x</div></span></div>',  # nested: document order
    '<div class="side"><div>y</div></div><section class="article__container">x</section>',
    '<div class="entry"><section class="post">x</section></div>',  # the outer one comes first
    '<div id="" class="">x</div>', '<div>x</div>',
])
def test_the_first_frame_reads_attributes_as_the_expression_does(body):
    tree = load_html(f"<html><body>{body}<div class='post'>last</div></body></html>")
    assert cascade._FIRST_FRAME(tree) == _xpath_first_frame(tree)
    inner = tree.find(".//body")[0]  # `.//*` leaves out the element it is asked about
    assert cascade._FIRST_FRAME(inner) == _xpath_first_frame(inner)


def test_the_main_extraction_finds_its_first_frame_without_the_expression():
    from trafilatura import main_extractor
    assert cascade._extract.__globals__["BODY_XPATH"][0] is cascade._FIRST_FRAME
    assert main_extractor._extract.__globals__["BODY_XPATH"][0] is not cascade._FIRST_FRAME  # its module untouched
    html = f'<html><body><div class="post-body">{ARTICLE}</div><div class="entry">Other text here.</div></body></html>'
    assert _ours(html) == _theirs(html) and "Paragraph 3" in _ours(html)
