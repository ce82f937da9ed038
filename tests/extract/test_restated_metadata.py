"""The page metadata reader (tasks.extract.restated.metadata) gives what trafilatura's own functions give for the
fields the warehouse stores: on every page the project has, and on pages built to reach each branch of
the author rules."""
from __future__ import annotations

import gzip

import pytest
from trafilatura.metadata import extract_author as trafilatura_author
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

import tasks.extract.restated.metadata as page_metadata_module
from tasks.extract.restated.metadata import extract_author, page_metadata
from tests.support.paths import FIXTURES, ROOT

HTML = FIXTURES / "html_pages"
BENCHMARK = ROOT.parent / "shared" / "data" / "article-extraction-benchmark" / "html"  # optional: more pages


def _pages() -> list[tuple[str, str]]:
    pages = sorted(HTML.glob("*.htm*")) + sorted(BENCHMARK.glob("*.html.gz"))
    out = []
    for page in pages:
        data = page.read_bytes()
        out.append((page.name, (gzip.decompress(data) if page.suffix == ".gz" else data).decode("utf-8", errors="replace")))
    return out


def test_stored_fields_equal_trafilaturas_on_every_page():
    params = Extractor().date_params
    pages = _pages()
    authors = 0
    for name, html in pages:
        if load_html(html) is None:
            continue
        full, light = extract_metadata(load_html(html), None, params, False), page_metadata(load_html(html), None, params)
        for field in ("title", "author", "date", "sitename", "url"):
            assert getattr(light, field) == getattr(full, field), (name, field)
        authors += full.author is not None
    assert authors >= 3, "the pages should name some authors, or the comparison says little"


def test_author_from_the_page_body_equals_trafilaturas_on_every_page():
    found = 0
    for name, html in _pages():
        tree = load_html(html)
        if tree is None:
            continue
        expected = trafilatura_author(load_html(html))
        assert extract_author(tree) == expected, name
        found += expected is not None
    assert found >= 3


def _page(body: str) -> str:
    return f"<html><head><title>t</title></head><body><article><p>{'Some text here. ' * 20}</p></article>{body}</body></html>"


CASES = {
    "exact class": '<span class="author">Jane Roe</span>',
    "class part": '<div class="post-authorName x">Jane Roe</div>',
    "rel attribute": '<a rel="author" href="/j">Jane Roe</a>',
    "itemprop": '<span itemprop="author name">Jane Roe</span>',
    "data-testid": '<div data-testid="AuthorCard">Jane Roe</div>',
    "author tag": "<author>Jane Roe</author>",
    "second expression": '<h4 class="byline">By Jane Roe</h4>',
    "second by id": '<p id="main-zuozhe">Jane Roe</p>',
    "third expression": '<section class="writer-box">Jane Roe</section>',
    "third by component": '<section data-component="Byline">Jane Roe</section>',
    "inside a sidebar": '<div class="sidebar"><span class="author">Other Person</span></div><span class="byline">Jane Roe</span>',
    "inside comments by id": '<div id="comments-1"><span class="author">Commenter</span></div><p class="author">Jane Roe</p>',
    "date inside, tail kept": '<span class="author">Jane <time>2020-01-01</time>Roe and <span class="date">x</span>co</span>',
    "figure first child": '<div class="author"><figure>img</figure>Jane Roe</div>',
    "nested discards": '<div class="author">A <span class="print">p <span class="quote">q</span> r</span>B<time>t</time> C</div>',
    "too short then next": '<span class="author">J</span><span class="author">Jane Roe</span>',
    "too long then next": f'<span class="author">{"x" * 130}</span><div class="byline">Jane Roe</div>',
    "capitalised": '<div class="Author-box">Jane Roe</div><div id="Author">Jim Doe</div>',
    "comments prefix only": '<div class="my-comments"><span class="author">Jane Roe</span></div>',
    "Comments prefix": '<div class="Comments-area"><span class="author">Commenter</span></div>',
    "article share": '<div class="article-share"><a class="author">Sharer</a></div><a class="author">Jane Roe</a>',
    "figure component": '<div data-component="FigureBlock"><span class="author">Photographer</span></div>',
    "rel me child": '<div><rel>me</rel>Jane Roe</div>',
    "nothing": '<div class="content">no byline here</div>',
}


# Each word of the rules' class and id tests, inside a longer value and on each tag they name: a container
# that should be pruned with a byline inside it, and a byline of its own.
WORDS = ["comments", "Comments", "commentlist", "comments-list", "sidebar", "is-hidden", "quote", "embedly-instagram",
         "article-share", "article-support", "print", "category", "meta-date", "meta-reviewer", "title", "date",
         "comment-list", "ProductReviews", "author", "Author", "authorname", "author-name", "AuthorName",
         "authorName", "byline", "Byline", "username", "byl", "BBL", "channel-name", "zuozhe", "bianji", "xiaobian",
         "submitted-by", "posted-by", "journalist-name", "screenname", "writer"]
TAGS = ["a", "address", "div", "section", "span", "p", "h3", "h4", "strong", "link", "li"]


def test_author_equals_trafilaturas_for_every_word_and_tag():
    differ, found = [], set()
    for word in WORDS:
        for tag in TAGS:
            for attribute in ("class", "id"):
                for value in (word, f"{word}-x", f"x-{word}"):
                    around = (f'<{tag} {attribute}="{value}"><span class="author">Wrong Name</span>and more</{tag}>'
                              '<span class="author">Jane Roe</span>')
                    alone = f'<{tag} {attribute}="{value}">Jane Roe</{tag}>'
                    for body in (around, alone):
                        html = _page(body)
                        ours, theirs = extract_author(load_html(html)), trafilatura_author(load_html(html))
                        found.add(theirs)
                        if ours != theirs:
                            differ.append((body, ours, theirs))
    assert not differ, differ[:5]
    assert {"Jane Roe", "Wrong Name", None} <= found, "the grid should reach pruned, kept and missing bylines"


@pytest.mark.parametrize("name", sorted(CASES))
def test_author_equals_trafilaturas_on_built_pages(name):
    html = _page(CASES[name])
    assert extract_author(load_html(html)) == trafilatura_author(load_html(html))


def test_built_pages_reach_both_outcomes():
    results = {name: extract_author(load_html(_page(body))) for name, body in CASES.items()}
    assert results["inside a sidebar"] == "Jane Roe"
    assert results["date inside, tail kept"] is not None and "2020" not in results["date inside, tail kept"]
    assert results["nothing"] is None


def test_another_trafilatura_version_uses_trafilaturas_own_function(monkeypatch):
    calls = []
    monkeypatch.setattr(page_metadata_module, "_TRANSLATED", "not-this-version")
    monkeypatch.setattr(page_metadata_module, "trafilatura_extract_author", lambda tree: calls.append(tree) or "From Trafilatura")
    assert extract_author(load_html(_page(CASES["exact class"]))) == "From Trafilatura"
    assert len(calls) == 1


def test_the_rules_were_translated_from_the_installed_trafilatura():
    """When this fails trafilatura's author expressions changed: translate them again (tasks.extract.restated.metadata),
    check the tests above, and record the new fingerprint. Until then its own, slower function is used."""
    assert page_metadata_module._fingerprint() == page_metadata_module._TRANSLATED
