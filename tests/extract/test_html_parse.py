"""Pages parsed by tasks.extract.html_parse give trafilatura what its own parser gives: the same tree, the same
extracted text and metadata, on every page the project has and on inputs that take load_html's
fallbacks. And the reused Extractor (tasks.extract.articles.extractor_for) is the one bare_extraction builds."""
from __future__ import annotations

import pytest
import trafilatura
from lxml import etree
from lxml.html import FormElement, HtmlElement
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

import tasks.extract.html_parse as html_parse
from tasks.extract.articles import DEFAULT_OPTIONS, ExtractOptions, extractor_for
from tasks.extract.html_parse import parse_html
from tasks.extract.page_metadata import page_metadata
from tests.support.pages import html_pages


def _serialized(tree) -> bytes | None:
    return None if tree is None else etree.tostring(tree, encoding="utf-8")


def test_every_page_gives_the_same_tree_text_and_metadata():
    pages = html_pages()
    assert pages, "no pages to compare"
    extracted = 0
    for name, html in pages:
        ours, theirs = parse_html(html), load_html(html)
        assert _serialized(ours) == _serialized(theirs), name
        if theirs is None:
            continue
        for field in ("title", "author", "date", "sitename", "url"):
            assert getattr(page_metadata(parse_html(html)), field) == getattr(page_metadata(load_html(html)), field), (name, field)
        kwargs = dict(output_format="python", **DEFAULT_OPTIONS.as_kwargs())
        a = trafilatura.bare_extraction(parse_html(html), **kwargs)
        b = trafilatura.bare_extraction(load_html(html), **kwargs)
        assert (a and a.text) == (b and b.text), name
        extracted += bool(b and b.text)
    assert extracted >= len(pages) // 2, "most pages should give text, or the comparison says little"


@pytest.mark.parametrize("html", [
    "",
    "just some words, no markup at all",
    "<p>one block</p>",
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>declared encoding</p></body></html>',
    "<html/>\n<body><p>self-closing html</p></body>",
    "<!DOCTYPE html/>\n<html><body><p>doctype</p></body></html>",
    "<html><body>\x00\x0bcontrol characters<form><input name=q></form></body></html>",
    b"<html><body><p>\xd8\xa3\xd8\xae\xd8\xa8\xd8\xa7\xd8\xb1 bytes</p></body></html>",
])
def test_inputs_that_take_load_htmls_fallbacks(html):
    assert _serialized(parse_html(html)) == _serialized(load_html(html))


@pytest.mark.parametrize("html", [
    "<html><body><p>clean</p></body></html>",
    "<html><body>\x00\x08\x0b\x0c\x0e\x1f\ufffe\uffff kept: \t\n\r</body></html>",
    "<!DOCTYPE html/>\n<html><body>\x01</body></html>",
    "<!doctype html/><html><body>one line</body></html>",
    "<html/>\n<body><p>self-closing html</p></body>",
    "\n\n\n\n<html/>\n<body>fifth line</body>",
])
def test_the_repair_is_trafilaturas(html):
    from trafilatura.utils import repair_faulty_html
    beginning = html[:50].lower()
    assert html_parse._repair(html, beginning) == repair_faulty_html(html, beginning)


def test_the_repair_knows_every_character_trafilatura_removes():
    from trafilatura.utils import INVALID_XML_CHARS
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert set(INVALID_XML_CHARS.findall(every)) == set(html_parse._INVALID_XML_CHARS)
    for name, html in html_pages():
        assert html_parse._repair(html, html[:50].lower()) == html_parse.repair_faulty_html(html, html[:50].lower()), name


def test_elements_are_plain_html_elements():
    tree = parse_html("<html><body><form><input name=q></form><p>text</p></body></html>")
    assert all(type(e) is HtmlElement for e in tree.iter())
    assert any(isinstance(e, FormElement) for e in load_html("<html><body><form></form><p>x</p></body></html>").iter())


def test_another_trafilatura_version_uses_its_own_loader(monkeypatch):
    monkeypatch.setattr(html_parse, "_CHECKED", "not-this-version")
    tree = parse_html("<html><body><form></form><p>text</p></body></html>")
    assert any(isinstance(e, FormElement) for e in tree.iter())


def test_the_restated_loader_was_checked_against_the_installed_trafilatura():
    """When this fails trafilatura's load_html changed: restate it (tasks.extract.html_parse), check the tests
    above, and record the new fingerprint. Until then its own parser is used."""
    assert html_parse.fingerprint() == html_parse._CHECKED


@pytest.mark.parametrize("options", [DEFAULT_OPTIONS, ExtractOptions(include_comments=True, favor_precision=True, fast=False),
                                     ExtractOptions(favor_recall=True, include_tables=False, deduplicate=True)])
@pytest.mark.parametrize("url", [None, "https://example.com/a", "https://example.com/\udcff"])
def test_the_reused_extractor_is_the_one_bare_extraction_builds(options, url):
    kw = options.as_kwargs()
    fresh = Extractor(output_format="python", fast=kw["fast"], precision=kw["favor_precision"], recall=kw["favor_recall"],
                      comments=kw["include_comments"], tables=kw["include_tables"], dedup=kw["deduplicate"], url=url)
    reused = extractor_for(options, url)
    assert extractor_for(options, "https://other.example/") is not reused
    for field in Extractor.__slots__:
        if field != "date_params":  # today's date, for metadata, which this extraction does not ask for
            assert getattr(reused, field) == getattr(fresh, field), field
