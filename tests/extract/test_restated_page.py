"""`read_page` gives the same metadata and text with the restatements on (the default) as with trafilatura's
own functions (AKHBAR_TRAFILATURA_RESTATED=0), on every page the project has; and the switch really chooses."""
from __future__ import annotations

import pytest

import tasks.extract.restated.page as page
from tasks.extract.options import DEFAULT_OPTIONS
from tests.support.pages import html_pages

FIELDS = ("title", "author", "url", "date", "sitename")


def _read(html: str) -> tuple | None:
    found = page.read_page(html, None, DEFAULT_OPTIONS)
    if found is None:
        return None
    meta, result = found
    return tuple(getattr(meta, f) for f in FIELDS), None if result is None else result.text


def test_restated_and_trafilaturas_own_give_the_same_page(monkeypatch):
    pages = html_pages()
    assert pages, "no pages to compare"
    read = 0
    for name, html in pages:
        monkeypatch.delenv(page.RESTATED_ENV, raising=False)
        restated = _read(html)
        monkeypatch.setenv(page.RESTATED_ENV, "0")
        own = _read(html)
        assert restated == own, name
        read += restated is not None and restated[1] is not None
    assert read >= len(pages) * 0.9, "most pages should have a text to compare"


def test_the_switch_chooses_trafilaturas_functions(monkeypatch):
    html = "<html><body><article><p>" + "word " * 80 + "</p></article></body></html>"

    def refuse(*args, **kwargs):
        raise AssertionError("a restatement ran with AKHBAR_TRAFILATURA_RESTATED=0")

    monkeypatch.setattr(page, "extract_tree", refuse)
    monkeypatch.setattr(page, "page_metadata", refuse)
    monkeypatch.setenv(page.RESTATED_ENV, "0")
    meta, result = page.read_page(html, "https://example.org/a", DEFAULT_OPTIONS)
    assert result is not None and result.text.startswith("word word")
    monkeypatch.setenv(page.RESTATED_ENV, "1")
    with pytest.raises(AssertionError, match="a restatement ran"):
        page.read_page(html, "https://example.org/a", DEFAULT_OPTIONS)


def test_a_page_that_is_not_html_gives_nothing():
    assert page.read_page("", None, DEFAULT_OPTIONS) is None


@pytest.mark.parametrize("value, on", [("", True), ("1", True), ("on", True), ("0", False), (" False ", False), ("no", False)])
def test_the_switch_reads_the_usual_spellings(monkeypatch, value, on):
    monkeypatch.setenv(page.RESTATED_ENV, value)
    assert page.restated() is on


def test_a_misspelt_switch_is_refused_and_the_page_becomes_a_reject(monkeypatch):
    from schemas.records import Document
    from tasks.extract.articles import extract_document

    monkeypatch.setenv(page.RESTATED_ENV, "of")
    with pytest.raises(ValueError, match="AKHBAR_TRAFILATURA_RESTATED must be 1 or 0"):
        page.restated()
    html = "<html><body><article><p>" + "word " * 80 + "</p></article></body></html>"
    doc = Document(doc_id="d", url=None, source="s", input_ref="s/a.html", fetched_at=None, kind="html",
                   raw=html.encode(), raw_sha256="x", content_type="text/html", meta={}, text=html, encoding="utf-8")
    article, reject = extract_document(doc)
    assert article is None and reject.reason == "extract_error" and "AKHBAR_TRAFILATURA_RESTATED" in reject.detail
