"""Teaser lists (tasks.dedup.teasers) through the real pipeline into a DuckDB file: an outlet that prints the
openings of its other reports under an article (as CNN Arabic does) has them stripped from that article,
while one repeated opening, or another outlet's, is kept."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tasks.dedup.openings import DATELINE_WORDS, OPENING_WORDS, openings_of
from tasks.dedup.teasers import MIN_TEASERS
from tasks.text.normalize import paragraph_keys
from tests.dedup.test_stories import T0, ingest, rows, text_doc
from tests.support.outlet import ARTICLES

TEASED = ["amman-solar-plant", "kuwait-heatwave-power", "morocco-wheat-drought"]
BODY = "oman-fisheries-season"


def without_dateline(paragraph: str) -> str:
    """A teaser prints a report's opening without its dateline ("عمّان – "), cut after 30 words."""
    return " ".join(paragraph.split(" – ", 1)[-1].split()[:30])


def teased(outlet: str = "المدار") -> list:
    return [text_doc(f"teased/{s}.txt", ARTICLES[s]["paragraphs"], T0 + timedelta(hours=i), outlet)
            for i, s in enumerate(TEASED)]


def listing(n: int, outlet: str = "المدار", name: str = "listing"):
    """BODY's report with the openings of the first `n` teased reports under it."""
    teasers = [without_dateline(ARTICLES[s]["paragraphs"][0]) for s in TEASED[:n]]
    return text_doc(f"{name}/{BODY}.txt", ARTICLES[BODY]["paragraphs"] + teasers, T0 + timedelta(hours=5), outlet)


def stored_text(wh, doc) -> str:
    return rows(wh, "SELECT text FROM articles WHERE doc_id = ?", [doc.doc_id])[0][0]


def test_openings_are_taken_after_a_dateline_too():
    first = ARTICLES["amman-solar-plant"]["paragraphs"][0]
    teaser = without_dateline(first)
    assert not paragraph_keys(first)[0].startswith(paragraph_keys(teaser)[0])  # the dateline comes first
    listed = openings_of(f"{ARTICLES[BODY]['paragraphs'][0]}\n\n{teaser}")
    (index, key), = listed.paragraphs
    assert index == 2 and key in openings_of(first).own
    assert len(openings_of(first).own) == DATELINE_WORDS + 1
    assert openings_of("كلمات قليلة").own == frozenset()
    assert openings_of("فقرة أولى\nفقرة ثانية قصيرة").paragraphs == ()
    assert OPENING_WORDS <= len(teaser.split())


@pytest.mark.parametrize("together", [True, False], ids=["one-batch", "two-runs"])
def test_a_list_of_teasers_is_stripped(wh, together):
    article = listing(len(TEASED))
    if together:
        tally = ingest(wh, "run-1", teased() + [article])
    else:
        ingest(wh, "run-1", teased())
        tally = ingest(wh, "run-2", [article])
    assert stored_text(wh, article) == "\n".join(ARTICLES[BODY]["paragraphs"])
    assert tally.boilerplate_paragraphs == len(TEASED)
    for slug, doc in zip(TEASED, teased()):  # the teased reports keep their openings
        assert stored_text(wh, doc).startswith(ARTICLES[slug]["paragraphs"][0])
    counts = rows(wh, "SELECT count(*), count(DISTINCT article_id) FROM outlet_openings")[0]
    assert counts == (4 * (DATELINE_WORDS + 1), 4)


def test_one_teaser_alone_is_kept(wh):
    assert MIN_TEASERS == 2
    article = listing(1)
    ingest(wh, "run-1", teased() + [article])
    assert stored_text(wh, article).endswith(without_dateline(ARTICLES[TEASED[0]]["paragraphs"][0]))


def test_another_outlets_openings_are_not_teasers(wh):
    article = listing(len(TEASED), outlet="الشرق")
    ingest(wh, "run-1", teased(outlet="المدار") + [article])
    assert stored_text(wh, article).count("\n") == len(ARTICLES[BODY]["paragraphs"]) + len(TEASED) - 1


def test_openings_are_replaced_when_an_article_is_extracted_again(wh):
    from tasks.run.pipeline import process_documents
    from tasks.run.tally import Tally

    docs = teased()
    ingest(wh, "run-1", docs)
    process_documents(wh, "run-2", docs, [], Tally(), force=True)
    assert rows(wh, "SELECT count(*), count(DISTINCT (outlet, opening_key, article_id)) FROM outlet_openings")[0] == (
        3 * (DATELINE_WORDS + 1),) * 2
