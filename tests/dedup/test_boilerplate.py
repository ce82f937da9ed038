"""Boilerplate learned per outlet, through the real pipeline into a DuckDB file: a paragraph that
MIN_ARTICLES other articles of one outlet carry (stored, or in the same batch) is stripped from that
outlet's new articles."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from schemas.records import Document
from tasks.dedup.boilerplate import MIN_ARTICLES, MIN_KEPT_WORDS
from tasks.dedup.paragraph_hashes import paragraph_hashes
from tasks.run.pipeline import process_documents
from tasks.run.tally import Tally
from tasks.text.normalize import sha256_hex, stable_id, text_key, word_count
from tasks.warehouse.database import Warehouse
from tests.support.outlet import ARTICLES

SLUGS = [s for s, a in ARTICLES.items() if a["lang"] == "ar" and s != "private-secret"]
OUTLET, OTHER_OUTLET = "المدار", "الشرق"
FOOTER = ("جميع الحقوق محفوظة لوكالة المدار للأنباء، ولا يجوز إعادة نشر هذا المحتوى أو نسخه أو ترجمته"
          " دون إذن خطي مسبق من إدارة التحرير.")
DISCLAIMER = "الآراء الواردة في هذا التقرير تعبر عن وجهة نظر أصحابها ولا تعكس بالضرورة موقف الوكالة أو سياستها التحريرية."
T0 = datetime(2024, 1, 1, 8, 0, tzinfo=timezone.utc)


def body(slug: str) -> list[str]:
    return list(ARTICLES[slug]["paragraphs"])


def text_doc(name: str, paragraphs: list[str], published: datetime, outlet: str = OUTLET, source: str = "site") -> Document:
    raw = "\n\n".join(paragraphs).encode("utf-8")
    return Document(doc_id=stable_id("file", source, name), url=f"file:///data/{source}/{name}", source=source,
                    input_ref=f"{source}/{name}", fetched_at=datetime(2024, 12, 1, tzinfo=timezone.utc), kind="text",
                    raw=raw, raw_sha256=sha256_hex(raw), content_type="text/plain",
                    meta={"outlet": outlet, "published": published.isoformat()})


def with_footer(i: int, slug: str, outlet: str = OUTLET, extra: tuple[str, ...] = ()) -> Document:
    return text_doc(f"{outlet}/{slug}.txt", body(slug) + [FOOTER, *extra], T0 + timedelta(days=i), outlet)


def ingest(wh: Warehouse, run_id: str, docs: list[Document], force: bool = False) -> Tally:
    return process_documents(wh, run_id, docs, [], Tally(), force=force)


def rows(wh: Warehouse, sql: str, params=None) -> list[tuple]:
    with wh.connect() as con:
        return con.execute(sql, params or []).fetchall()


def stored(wh: Warehouse, doc: Document) -> tuple:
    """text, word_count, text_sha256, norm_sha256 of the document's article."""
    return rows(wh, "SELECT text, word_count, text_sha256, norm_sha256 FROM articles WHERE doc_id = ?", [doc.doc_id])[0]


def paragraph_rows(wh: Warehouse) -> tuple[int, int]:
    return rows(wh, "SELECT count(*), count(DISTINCT (outlet, para_hash, article_id)) FROM outlet_paragraphs")[0]


FOOTER_HASH = paragraph_hashes(FOOTER)[0]


@pytest.fixture()
def wh(tmp_path) -> Warehouse:
    w = Warehouse(tmp_path / "wh" / "warehouse.duckdb")
    w.migrate()
    return w


def test_footer_is_stripped_from_the_outlets_articles_once_learned(wh):
    n = MIN_ARTICLES + 2
    docs = [with_footer(i, s) for i, s in enumerate(SLUGS[:n])]
    for i, doc in enumerate(docs):  # one article per run: each run learns from the earlier ones
        tally = ingest(wh, f"run-{i + 1}", [doc])
        text, words, text_sha, norm_sha = stored(wh, doc)
        expected = "\n".join(body(SLUGS[i]) + ([FOOTER] if i < MIN_ARTICLES else []))
        assert text == expected, f"article {i + 1}"
        assert tally.boilerplate_paragraphs == (0 if i < MIN_ARTICLES else 1)
        # the stored keys and counts are those of the stripped text
        assert (words, text_sha, norm_sha) == (word_count(expected), sha256_hex(expected), sha256_hex(text_key(expected)))
    # what was learned from is every article's paragraphs as extracted, footer included
    assert rows(wh, "SELECT outlet, count(DISTINCT article_id) FROM outlet_paragraphs WHERE para_hash = ? GROUP BY 1",
                [FOOTER_HASH]) == [(OUTLET, n)]

    # another outlet carrying the very same footer keeps it: boilerplate is learned per outlet
    foreign = with_footer(10, SLUGS[n], OTHER_OUTLET)
    tally = ingest(wh, "run-other", [foreign])
    assert stored(wh, foreign)[0] == "\n".join(body(SLUGS[n]) + [FOOTER])
    assert tally.boilerplate_paragraphs == 0

    # ... and the learning outlet's new articles in a batch together are all stripped
    batch = [with_footer(20 + i, s) for i, s in enumerate(SLUGS[n + 1 : n + 4])]
    tally = ingest(wh, "run-batch", batch)
    assert tally.boilerplate_paragraphs == 3
    assert [stored(wh, d)[0] for d in batch] == ["\n".join(body(s)) for s in SLUGS[n + 1 : n + 4]]


def test_a_batch_learns_from_its_other_articles(wh):
    # each of MIN_ARTICLES articles has MIN_ARTICLES - 1 others with the footer: too few, kept
    few = [with_footer(i, s) for i, s in enumerate(SLUGS[:MIN_ARTICLES])]
    assert ingest(wh, "run-few", few).boilerplate_paragraphs == 0
    assert all(stored(wh, d)[0].endswith("\n" + FOOTER) for d in few)
    # a first batch of MIN_ARTICLES + 1: each has MIN_ARTICLES others, so every one of them is stripped
    other = Warehouse(wh.path.parent.parent / "other" / "warehouse.duckdb")
    other.migrate()
    docs = [with_footer(i, s) for i, s in enumerate(SLUGS[: MIN_ARTICLES + 1])]
    assert ingest(other, "run-1", docs).boilerplate_paragraphs == MIN_ARTICLES + 1
    assert [stored(other, d)[0] for d in docs] == ["\n".join(body(s)) for s in SLUGS[: MIN_ARTICLES + 1]]


def test_stored_and_batch_articles_count_together(wh):
    for i, s in enumerate(SLUGS[:2]):
        ingest(wh, f"run-{i}", [with_footer(i, s)])
    # two stored, and each of these three has two others in its batch: four
    batch = [with_footer(10 + i, s) for i, s in enumerate(SLUGS[2:5])]
    assert ingest(wh, "run-batch", batch).boilerplate_paragraphs == 3
    assert [stored(wh, d)[0] for d in batch] == ["\n".join(body(s)) for s in SLUGS[2:5]]


def test_a_batchs_articles_that_open_alike_count_once(wh):
    # one article saved under MIN_ARTICLES + 1 addresses (the second paragraph reworded in each): its
    # paragraphs are not the outlet's boilerplate, however many times the batch carries them
    first, second, *rest = body(SLUGS[0])
    docs = [text_doc(f"{OUTLET}/copy-{i}.txt", [first, f"{second} ({i})", *rest, FOOTER], T0 + timedelta(hours=i))
            for i in range(MIN_ARTICLES + 1)]
    assert ingest(wh, "run-1", docs).boilerplate_paragraphs == 0
    assert all(stored(wh, d)[0].endswith("\n" + FOOTER) for d in docs)


def test_reingesting_the_same_articles_does_not_inflate_counts(wh):
    early = [with_footer(i, s) for i, s in enumerate(SLUGS[: MIN_ARTICLES - 1])]
    for i, doc in enumerate(early):
        ingest(wh, f"run-{i}", [doc])
    total, distinct = paragraph_rows(wh)
    expected_rows = sum(len(body(s)) + 1 for s in SLUGS[: MIN_ARTICLES - 1])
    assert total == distinct == expected_rows
    # the same articles again: unchanged (skipped), then re-extracted twice (reprocess), in other runs
    assert ingest(wh, "again-1", early).articles_unchanged == len(early)
    ingest(wh, "again-2", early, force=True)
    for doc in early:
        ingest(wh, f"again-3-{doc.doc_id}", [doc], force=True)
    assert paragraph_rows(wh) == (expected_rows, expected_rows)
    assert rows(wh, "SELECT count(DISTINCT article_id) FROM outlet_paragraphs WHERE para_hash = ?", [FOOTER_HASH]) == [(MIN_ARTICLES - 1,)]

    # so the outlet has still only MIN_ARTICLES - 1 articles with the footer: a new one keeps it
    fourth = with_footer(10, SLUGS[MIN_ARTICLES - 1])
    assert ingest(wh, "run-4th", [fourth]).boilerplate_paragraphs == 0
    assert stored(wh, fourth)[0].endswith("\n" + FOOTER)
    # the next one is the (MIN_ARTICLES + 1)-th: stripped
    fifth = with_footer(11, SLUGS[MIN_ARTICLES])
    assert ingest(wh, "run-5th", [fifth]).boilerplate_paragraphs == 1
    assert stored(wh, fifth)[0] == "\n".join(body(SLUGS[MIN_ARTICLES]))
    total, distinct = paragraph_rows(wh)
    assert total == distinct == expected_rows + len(body(SLUGS[MIN_ARTICLES - 1])) + len(body(SLUGS[MIN_ARTICLES])) + 2


def test_article_that_would_fall_below_min_kept_words_is_left_whole(wh):
    for i, s in enumerate(SLUGS[:MIN_ARTICLES]):
        ingest(wh, f"run-{i}", [with_footer(i, s)])
    lead = ARTICLES["oman-fisheries-season"]["summary"]  # one sentence
    assert 10 <= word_count(lead) < MIN_KEPT_WORDS
    short = text_doc(f"{OUTLET}/brief.txt", [lead, FOOTER], T0 + timedelta(days=30))
    long = with_footer(31, "oman-fisheries-season")
    tally = ingest(wh, "run-short", [short, long])
    assert stored(wh, short)[0] == f"{lead}\n{FOOTER}"  # the footer would have left a stub: kept whole
    assert stored(wh, long)[0] == "\n".join(body("oman-fisheries-season"))
    assert tally.boilerplate_paragraphs == 1  # only the long article's footer


def test_tally_counts_every_paragraph_removed(wh):
    for i, s in enumerate(SLUGS[:MIN_ARTICLES]):
        ingest(wh, f"run-{i}", [with_footer(i, s, extra=(DISCLAIMER,))])
    new = [with_footer(10 + i, s, extra=(DISCLAIMER,)) for i, s in enumerate(SLUGS[MIN_ARTICLES : MIN_ARTICLES + 2])]
    tally = ingest(wh, "run-new", new)
    assert tally.boilerplate_paragraphs == 4  # footer and disclaimer, from each of the two
    assert tally.as_dict()["boilerplate_paragraphs_stripped"] == 4
    assert [stored(wh, d)[0] for d in new] == ["\n".join(body(s)) for s in SLUGS[MIN_ARTICLES : MIN_ARTICLES + 2]]
    total = Tally()
    total.merge(tally)
    total.merge(tally)
    assert total.boilerplate_paragraphs == 8


def test_copies_of_one_article_do_not_make_its_body_boilerplate(wh):
    ps = body("amman-solar-plant")
    for i, url in enumerate(["print", "amp", "m", "economy"]):
        ingest(wh, f"run-{i}", [text_doc(f"{url}/solar.txt", ps[:4], T0 + timedelta(hours=i))])
    updated = text_doc("updated/solar.txt", ps, T0 + timedelta(hours=6))
    tally = ingest(wh, "run-update", [updated])
    text = stored(wh, updated)[0]
    assert text == "\n".join(ps)
    assert tally.boilerplate_paragraphs == 0
    assert rows(wh, "SELECT dup_of IS NOT NULL FROM articles WHERE doc_id = ?", [updated.doc_id]) == [(True,)]
