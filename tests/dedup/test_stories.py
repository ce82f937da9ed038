"""Stories through the real pipeline into a DuckDB file: two reports of one happening (different texts,
different outlets, built from one outlet-fixture article: one carries its first paragraphs, the other its
own lead, the summary, and the rest) share a story when published within STORY_DAYS."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import tasks.run.write
from schemas.records import Document
from tasks.dedup import neighbours
from tasks.dedup.stories import STORY_DAYS, STORY_MIN
from tasks.dedup.terms import cosine, terms_of
from tasks.run.pipeline import process_documents
from tasks.run.tally import Tally
from tasks.text.normalize import sha256_hex, stable_id
from tasks.warehouse.database import Warehouse
from tests.support.outlet import ARTICLES

HAPPENINGS = ["beirut-port-reconstruction", "oman-fisheries-season", "basra-date-palms", "sfax-olive-oil"]
UNRELATED = ["amman-solar-plant", "kuwait-heatwave-power", "morocco-wheat-drought", "cairo-book-fair-2024"]
T0 = datetime(2024, 3, 18, 9, 0, tzinfo=timezone.utc)


def text_doc(name: str, paragraphs: list[str], published: datetime | None, outlet: str, title: str | None = None,
             source: str = "wires") -> Document:
    raw = "\n\n".join(paragraphs).encode("utf-8")
    meta = {"outlet": outlet}
    if published is not None:
        meta["published"] = published.isoformat()
    if title:
        meta["title"] = title
    return Document(doc_id=stable_id("file", source, name), url=f"file:///data/{source}/{name}", source=source,
                    input_ref=f"{source}/{name}", fetched_at=datetime(2024, 12, 1, tzinfo=timezone.utc), kind="text",
                    raw=raw, raw_sha256=sha256_hex(raw), content_type="text/plain", meta=meta)


def report_a(slug: str, published: datetime = T0, outlet: str = "المدار", name: str = "a") -> Document:
    """The first three paragraphs, untitled."""
    return text_doc(f"{name}/{slug}.txt", ARTICLES[slug]["paragraphs"][:3], published, outlet)


def report_b(slug: str, published: datetime, outlet: str = "الشرق", name: str = "b") -> Document:
    """Another outlet's report: its own lead (the summary), then the rest; titled."""
    a = ARTICLES[slug]
    return text_doc(f"{name}/{slug}.txt", [a["summary"]] + a["paragraphs"][3:], published, outlet, a["title"])


def copy_of_a(slug: str, published: datetime, outlet: str = "المدار", name: str = "copy") -> Document:
    """Report A republished with its paragraphs reordered: a near-duplicate."""
    return text_doc(f"{name}/{slug}.txt", ARTICLES[slug]["paragraphs"][:3][::-1], published, outlet)


def unrelated(published: datetime = T0) -> list[Document]:
    return [text_doc(f"other/{s}.txt", ARTICLES[s]["paragraphs"], published + timedelta(hours=i), "المدار")
            for i, s in enumerate(UNRELATED)]


def ingest(wh: Warehouse, run_id: str, docs: list[Document]) -> Tally:
    return process_documents(wh, run_id, docs, [], Tally())


def rows(wh: Warehouse, sql: str, params=None) -> list[tuple]:
    with wh.connect() as con:
        return con.execute(sql, params or []).fetchall()


def art(wh: Warehouse, doc: Document) -> tuple[str, str | None, str | None]:
    """article_id, dup_of, story_id."""
    return rows(wh, "SELECT article_id, dup_of, story_id FROM articles WHERE doc_id = ?", [doc.doc_id])[0]


def story_row(wh: Warehouse, story_id: str) -> tuple:
    return rows(wh, "SELECT title, first_published_at, last_published_at, article_count, outlet_count FROM stories"
                    " WHERE story_id = ?", [story_id])[0]


def assert_stories_consistent(wh: Warehouse) -> None:
    """Every story named by an article has its row, with the right counts; no row names no article."""
    expected = rows(wh, "SELECT story_id, count(*), count(DISTINCT coalesce(outlet, source)), min(published_at),"
                        " max(published_at) FROM articles GROUP BY 1 ORDER BY 1")
    got = rows(wh, "SELECT story_id, article_count, outlet_count, first_published_at, last_published_at FROM stories ORDER BY 1")
    assert got == expected
    assert rows(wh, "SELECT count(*) FROM articles WHERE story_id IS NULL") == [(0,)]


@pytest.fixture()
def wh(tmp_path) -> Warehouse:
    w = Warehouse(tmp_path / "wh" / "warehouse.duckdb")
    w.migrate()
    return w


@pytest.mark.parametrize("slug", HAPPENINGS)
def test_reports_are_alike_enough_and_not_copies(slug):
    """The precondition of the tests below, on the texts alone."""
    a = "\n".join(ARTICLES[slug]["paragraphs"][:3])
    b = "\n".join([ARTICLES[slug]["summary"]] + ARTICLES[slug]["paragraphs"][3:])
    assert cosine(terms_of(a), terms_of(b)) >= STORY_MIN + 0.05
    for other in UNRELATED:
        assert cosine(terms_of(a), terms_of("\n".join(ARTICLES[other]["paragraphs"]))) < STORY_MIN


@pytest.mark.parametrize("together", [True, False], ids=["one-batch", "two-runs"])
@pytest.mark.parametrize("slug", HAPPENINGS)
def test_two_reports_within_story_days_share_a_story(wh, slug, together):
    a, b = report_a(slug), report_b(slug, T0 + timedelta(days=1, hours=5))
    others = unrelated(T0)
    if together:
        ingest(wh, "run-1", [b, a] + others)
    else:
        ingest(wh, "run-1", [a] + others)
        ingest(wh, "run-2", [b])
    a_id, a_dup, a_story = art(wh, a)
    b_id, b_dup, b_story = art(wh, b)
    assert a_dup is None and b_dup is None  # two reports, not copies
    assert a_story == b_story == a_id  # the story is named after the article that started it
    other_stories = [art(wh, d)[2] for d in others]
    assert other_stories == [art(wh, d)[0] for d in others]  # each unrelated article is a story of its own
    assert_stories_consistent(wh)


@pytest.mark.parametrize("gap", [timedelta(days=STORY_DAYS) - timedelta(hours=1), timedelta(days=STORY_DAYS) + timedelta(hours=1),
                                 timedelta(days=21), -timedelta(days=21)], ids=["inside", "just-outside", "3-weeks-later", "3-weeks-earlier"])
def test_same_topic_far_apart_is_another_story(wh, gap):
    slug = "beirut-port-reconstruction"
    a, b = report_a(slug), report_b(slug, T0 + gap)
    ingest(wh, "run-1", [a])
    ingest(wh, "run-2", [b])
    a_id, _, a_story = art(wh, a)
    b_id, _, b_story = art(wh, b)
    if abs(gap) <= timedelta(days=STORY_DAYS):
        assert b_story == a_story == a_id
    else:
        assert (a_story, b_story) == (a_id, b_id)
        assert story_row(wh, b_id)[3:] == (1, 1)
    assert_stories_consistent(wh)


def test_duplicate_copy_takes_its_canonicals_story(wh):
    slug = "oman-fisheries-season"
    a, b = report_a(slug), report_b(slug, T0 + timedelta(days=1))
    ingest(wh, "run-1", [a, b] + unrelated(T0))
    a_id, _, story = art(wh, a)
    # a copy of A, in a later run; another a month later (outside STORY_DAYS, yet still a copy: same story)
    copy, late_copy = copy_of_a(slug, T0 + timedelta(hours=4), "وكالة"), copy_of_a(slug, T0 + timedelta(days=30), "الغد", "late")
    ingest(wh, "run-2", [copy, late_copy])
    for doc in (copy, late_copy):
        _, dup_of, copy_story = art(wh, doc)
        assert dup_of == a_id and copy_story == story
    # a copy published before every report takes the canonical place; the story follows
    early = copy_of_a(slug, T0 - timedelta(hours=6), "الصباح", "early")
    ingest(wh, "run-3", [early])
    early_id, early_dup, early_story = art(wh, early)
    assert early_dup is None and art(wh, a)[1] == early_id
    assert {art(wh, d)[2] for d in (a, b, copy, late_copy, early)} == {early_story}
    assert_stories_consistent(wh)
    title, first, last, count, outlets = story_row(wh, early_story)
    assert (count, outlets) == (5, 5)
    assert first == T0 - timedelta(hours=6) and last == T0 + timedelta(days=30)


def test_stories_table(wh):
    slug = "basra-date-palms"
    a = report_a(slug)  # earliest, untitled
    copy = copy_of_a(slug, T0 + timedelta(hours=3))  # same outlet as A
    b = report_b(slug, T0 + timedelta(days=2))  # titled
    alone = text_doc("alone/doha.txt", ARTICLES["doha-library-digitization"]["paragraphs"], T0 + timedelta(hours=1), "الراية")
    ingest(wh, "run-1", [a, copy, b, alone])
    a_id, _, story = art(wh, a)
    assert art(wh, b)[2] == art(wh, copy)[2] == story
    title, first, last, count, outlets = story_row(wh, story)
    assert title == ARTICLES[slug]["title"]  # the titled report's title, not the earlier untitled one's text
    assert (first, last) == (T0, T0 + timedelta(days=2))
    assert (count, outlets) == (3, 2)  # copies count as reports; A and its copy are one outlet
    # a story with no titled article is named by the opening of its earliest text
    alone_id, _, alone_story = art(wh, alone)
    assert alone_story == alone_id
    assert story_row(wh, alone_id) == (ARTICLES["doha-library-digitization"]["paragraphs"][0][:120],
                                       T0 + timedelta(hours=1), T0 + timedelta(hours=1), 1, 1)
    assert len(rows(wh, "SELECT * FROM stories")) == 2
    assert_stories_consistent(wh)


def test_story_formed_in_one_run_is_joined_in_the_next(wh):
    slug = "sfax-olive-oil"
    a = report_a(slug)
    ingest(wh, "run-1", [a] + unrelated(T0))
    a_id, _, story = art(wh, a)
    assert story == a_id
    before = rows(wh, "SELECT updated_at FROM stories WHERE story_id = ?", [story])[0][0]
    assert story_row(wh, story) == (ARTICLES[slug]["paragraphs"][0][:120], T0, T0, 1, 1)
    n_stories = len(rows(wh, "SELECT * FROM stories"))

    b = report_b(slug, T0 + timedelta(days=2))
    ingest(wh, "run-2", [b])
    b_id, b_dup, b_story = art(wh, b)
    assert b_dup is None and b_story == story
    assert story_row(wh, story) == (ARTICLES[slug]["title"], T0, T0 + timedelta(days=2), 2, 2)
    assert rows(wh, "SELECT count(*) FROM stories WHERE story_id = ?", [b_id]) == [(0,)]
    assert len(rows(wh, "SELECT * FROM stories")) == n_stories
    assert rows(wh, "SELECT updated_at FROM stories WHERE story_id = ?", [story])[0][0] > before
    # a third report a day later joins too
    c = text_doc(f"c/{slug}.txt", [ARTICLES[slug]["summary"]] + ARTICLES[slug]["paragraphs"][2:], T0 + timedelta(days=3), "الصريح")
    ingest(wh, "run-3", [c])
    assert art(wh, c)[2] == story  # (a near copy of B or a report of its own: in the story either way)
    assert story_row(wh, story)[3:] == (3, 3)
    assert_stories_consistent(wh)


def test_undated_article_starts_its_own_story(wh):
    slug = "beirut-port-reconstruction"
    a, b = report_a(slug), report_b(slug, None)
    ingest(wh, "run-1", [a])
    ingest(wh, "run-2", [b])
    b_id, _, b_story = art(wh, b)
    assert b_story == b_id != art(wh, a)[2]
    assert story_row(wh, b_id) == (ARTICLES[slug]["title"], None, None, 1, 1)


def test_story_of_a_superseded_canonical_leaves_no_orphan_row(wh):
    slug = "sfax-olive-oil"
    a = report_a(slug)
    ingest(wh, "run-1", [a])
    a_id = art(wh, a)[0]
    assert rows(wh, "SELECT story_id FROM stories") == [(a_id,)]
    early = copy_of_a(slug, T0 - timedelta(days=1), "الصباح", "early")
    ingest(wh, "run-2", [early])
    early_id, _, early_story = art(wh, early)
    assert art(wh, a) == (a_id, early_id, early_story)
    assert rows(wh, "SELECT story_id, article_count, first_published_at FROM stories") == [(early_story, 2, T0 - timedelta(days=1))]
    assert_stories_consistent(wh)


def test_an_article_extracted_again_has_its_terms_replaced_not_added(wh):
    slug = HAPPENINGS[0]
    first = report_a(slug)
    ingest(wh, "run-1", [first])
    article_id = art(wh, first)[0]
    # the same file, now carrying the other report's text: the article is extracted again, in another run
    changed = text_doc(f"a/{slug}.txt", [ARTICLES[slug]["summary"]] + ARTICLES[slug]["paragraphs"][3:], T0, "المدار")
    assert changed.doc_id == first.doc_id
    ingest(wh, "run-2", [changed])
    process_documents(wh, "run-3", [changed], [], Tally(), force=True)
    (text,), = rows(wh, "SELECT text FROM articles WHERE article_id = ?", [article_id])
    stored = rows(wh, "SELECT term, weight FROM article_terms WHERE article_id = ? ORDER BY term", [article_id])
    expected = terms_of(text)
    assert [t for t, _ in stored] == sorted(expected)
    assert all(w == pytest.approx(expected[t]) for t, w in stored)


PER_ARTICLE = {"outlet_paragraphs", "outlet_openings", "article_terms", "minhash", "lsh_buckets", "mentions",
               "temporal_expressions", "quotes", "attributions", "events"}


def deleted_from(statements: list[str]) -> set[str]:
    return {s.split()[2] for s in statements if s.lstrip().upper().startswith("DELETE")}


def test_a_batch_of_new_articles_deletes_nothing(wh, monkeypatch):
    """The per-article tables hold rows only for articles stored before: a batch of new ones has nothing to
    replace, and each DELETE would scan a whole table (outlet_paragraphs and article_terms grow by dozens
    of rows an article)."""
    import tasks.warehouse.database

    statements: list[str] = []
    connect = tasks.warehouse.database._connect_retrying

    class Recording:
        def __init__(self, con):
            self._con = con

        def execute(self, sql, *args):
            statements.append(sql)
            return self._con.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self._con, name)

    monkeypatch.setattr(tasks.warehouse.database, "_connect_retrying", lambda *a: Recording(connect(*a)))
    docs = [report_a(s) for s in HAPPENINGS] + unrelated()
    tally = ingest(wh, "run-1", docs)
    assert tally.articles_new == len(docs)
    assert statements and not deleted_from(statements) & PER_ARTICLE  # (a story's row is rewritten: not per article)
    # extracted again, they are replaced: the DELETEs run, and every table keeps one set of rows an article
    statements.clear()
    process_documents(wh, "run-2", docs, [], Tally(), force=True)
    assert deleted_from(statements) >= PER_ARTICLE
    assert rows(wh, "SELECT count(*) = count(DISTINCT (article_id, term)) FROM article_terms") == [(True,)]
    assert rows(wh, "SELECT count(*) = count(DISTINCT (outlet, para_hash, article_id)) FROM outlet_paragraphs") == [(True,)]


def _every_neighbour(con, terms, dates, floor):
    """The first way: every stored article of the windows, whatever the terms it shares, with its dot product
    summed here (the callers apply their own floors)."""
    spans = neighbours.windows(dates)
    if not spans or not terms:
        return {}
    where = " OR ".join("a.published_at BETWEEN ? AND ?" for _ in spans)
    stored: dict[str, dict[str, float]] = {}
    for article_id, term, weight in con.execute(
            "SELECT a.article_id, t.term, t.weight FROM articles a JOIN article_terms t USING (article_id)"
            f" WHERE {where} ORDER BY 1, 2", [bound for span in spans for bound in span]).fetchall():
        stored.setdefault(article_id, {})[term] = weight
    return {batch_id: [(other, sum(w * theirs.get(t, 0.0) for t, w in own.items()))
                       for other, theirs in sorted(stored.items()) if other != batch_id]
            for batch_id, own in terms.items()}


def test_neighbours_sharing_terms_give_the_stories_every_neighbour_gives(tmp_path, monkeypatch):
    from evaluation import grouping
    from evaluation.grouping import ingest_labelled, read_labelled
    from tests.support.paths import SHARED, need_shared

    monkeypatch.setattr(grouping, "BATCH", 10)  # most stories joined across batches

    gold = SHARED / "gold" / "dev-stories.json"
    need_shared(gold)
    docs, _ = read_labelled(gold, "stories")
    indexed = ingest_labelled(docs, tmp_path / "indexed")
    monkeypatch.setattr(tasks.run.write, "term_neighbours", _every_neighbour)
    everything = ingest_labelled(docs, tmp_path / "everything")
    assert indexed == everything
    assert len({story for _, story in indexed.values()}) < len(indexed) * 0.8  # stories were formed across batches
