"""Batch writes (tasks.run.write) on a real warehouse file: every column stored, reruns that change
nothing, exact duplicates across batches, rejects."""
from __future__ import annotations

import gzip
from datetime import timedelta

import pytest

from schemas.records import Reject
from tasks.acquire.raw import decompress_raw
from tasks.acquire.web import read_stored_raw
from tasks.run.write import load_stored_documents, write_batch
from tests.support.batches import (
    OTHER_TEXT,
    T0,
    TEXT,
    TEXT_DIACRITICS,
    TEXT_TATWEEL_PERSIAN,
    counts,
    make_article,
    make_doc,
    pair,
    query,
    write,
)


def test_batch_with_one_article_id_twice_keeps_the_last(wh):
    doc = make_doc("a.txt")
    first = make_article(doc, text=TEXT, title="الأول")
    last = make_article(doc, text=OTHER_TEXT, title="الأخير")
    assert first.article_id == last.article_id
    with wh.connect() as con:
        result = write_batch(con, "run-1", [doc, doc], [first, last], [], [])
    assert result.articles_new == 1 and result.documents_written == 1
    rows = query(wh, "SELECT article_id, title, text, norm_sha256 FROM articles")
    assert rows == [(last.article_id, "الأخير", OTHER_TEXT, last.norm_sha256)]


def test_batch_with_one_reject_twice_keeps_the_last(wh):
    rejects = [Reject("src/x.txt", "load", "binary", "PDF"), Reject("src/x.txt", "load", "decode_error", "later")]
    with wh.connect() as con:
        result = write_batch(con, "run-1", [], [], rejects, [])
    assert result.rejects == {"binary": 1, "decode_error": 1}  # what the batch met
    assert query(wh, "SELECT reason, detail, attempts FROM rejects") == [("decode_error", "later", 1)]


def test_first_write_stores_every_column(wh):
    doc, art = pair("a.txt")
    result = write(wh, "run-1", [(doc, art)])
    assert (result.articles_new, result.articles_updated, result.articles_unchanged) == (1, 0, 0)
    row = query(wh, "SELECT article_id, doc_id, published_at, run_id, first_run_id, dup_of, text FROM articles")[0]
    assert row == (art.article_id, doc.doc_id, T0, "run-1", "run-1", None, TEXT)
    stored = query(wh, "SELECT raw, raw_compression, raw_bytes, raw_sha256, encoding FROM documents")[0]
    assert stored[0][:4] == b"\x28\xb5\x2f\xfd" and decompress_raw(stored[0], "zstd") == doc.raw  # a zstd frame
    assert stored[1:] == ("zstd", len(doc.raw), doc.raw_sha256, "utf-8")


def test_raw_stored_as_gzip_by_earlier_versions_reads_back(wh):
    doc, art = pair("a.txt")
    write(wh, "run-1", [(doc, art)])
    with wh.connect() as con:
        con.execute("UPDATE documents SET raw = ?, raw_compression = 'gzip'", [gzip.compress(doc.raw)])
        assert [d.raw for d in load_stored_documents(con, [doc.doc_id])] == [doc.raw]
        assert read_stored_raw(con, doc.doc_id) == doc.raw
        con.execute("UPDATE documents SET raw_compression = 'brotli'")
        with pytest.raises(ValueError, match="unknown raw_compression 'brotli'"):
            load_stored_documents(con, [doc.doc_id])


def test_rerunning_the_same_batch_changes_nothing(wh):
    batch = [pair("a.txt"), pair("b.txt", OTHER_TEXT), pair("c.txt", TEXT_DIACRITICS, T0 + timedelta(hours=1))]
    rejects = [Reject("src/bad.txt", "load", "binary", "PDF")]
    first = write(wh, "run-1", batch, rejects)
    assert first.articles_new == 3 and first.articles_duplicate == 1
    before = counts(wh.path)
    snapshot = query(wh, "SELECT article_id, text_sha256, dup_of, first_run_id FROM articles ORDER BY 1")

    again = write(wh, "run-2", batch, rejects)
    assert (again.articles_new, again.articles_updated, again.articles_unchanged) == (0, 0, 3)
    assert again.articles_duplicate == 1
    assert counts(wh.path) == before == {"documents": 3, "articles": 3, "rejects": 1}
    assert query(wh, "SELECT article_id, text_sha256, dup_of, first_run_id FROM articles ORDER BY 1") == snapshot
    assert {r[0] for r in query(wh, "SELECT run_id FROM articles")} == {"run-2"}


def test_changed_text_is_reported_updated(wh):
    write(wh, "run-1", [pair("a.txt"), pair("b.txt", OTHER_TEXT)])
    result = write(wh, "run-2", [pair("a.txt", TEXT + " وأضاف أن الافتتاح تأجل."), pair("b.txt", OTHER_TEXT)])
    assert (result.articles_new, result.articles_updated, result.articles_unchanged) == (0, 1, 1)
    assert query(wh, "SELECT first_run_id, run_id FROM articles WHERE doc_id = ?", [make_doc("a.txt").doc_id]) == [("run-1", "run-2")]


def test_rerun_reports_unchanged_on_a_non_utc_host(wh):
    batch = [pair("a.txt")]
    write(wh, "run-1", batch)
    with wh.connect() as con:
        con.execute("SET TimeZone = 'Asia/Damascus'")  # what duckdb.connect() gives on a host with TZ=Asia/Damascus
        result = write_batch(con, "run-2", [d for d, _ in batch], [a for _, a in batch], [], [])
    assert (result.articles_updated, result.articles_unchanged) == (0, 1)


# --- exact duplicates ------------------------------------------------------------------------------


def test_spelling_variants_share_the_normalized_hash():
    hashes = {make_article(make_doc(n, t)).norm_sha256 for n, t in [("a", TEXT), ("b", TEXT_DIACRITICS), ("c", TEXT_TATWEEL_PERSIAN)]}
    assert len(hashes) == 1
    assert make_article(make_doc("d", OTHER_TEXT)).norm_sha256 not in hashes


def test_later_copy_points_at_the_earlier(wh):
    early_doc, early = pair("early.txt", TEXT_DIACRITICS, T0)
    late_doc, late = pair("late.txt", TEXT_TATWEEL_PERSIAN, T0 + timedelta(days=1))
    other = pair("other.txt", OTHER_TEXT, T0 + timedelta(days=2))
    result = write(wh, "run-1", [(late_doc, late), (early_doc, early), other])  # order in the batch does not matter
    assert result.articles_duplicate == 1
    rows = dict(query(wh, "SELECT article_id, dup_of FROM articles"))
    assert rows == {early.article_id: None, late.article_id: early.article_id, other[1].article_id: None}
    assert query(wh, "SELECT count(DISTINCT norm_sha256) FROM articles WHERE dup_of IS NULL") == [(2,)]
    texts = {r[0] for r in query(wh, "SELECT text FROM articles")}
    assert {TEXT_DIACRITICS, TEXT_TATWEEL_PERSIAN} <= texts  # both copies kept as published


def test_even_earlier_copy_in_a_later_batch_takes_over(wh):
    _, first = pair("first.txt", TEXT, T0)
    _, second = pair("second.txt", TEXT_DIACRITICS, T0 + timedelta(hours=5))
    write(wh, "run-1", [pair("first.txt", TEXT, T0), pair("second.txt", TEXT_DIACRITICS, T0 + timedelta(hours=5))])
    assert dict(query(wh, "SELECT article_id, dup_of FROM articles")) == {first.article_id: None, second.article_id: first.article_id}

    earliest_doc, earliest = pair("earliest.txt", TEXT_TATWEEL_PERSIAN, T0 - timedelta(days=1))
    result = write(wh, "run-2", [(earliest_doc, earliest)])
    assert result.articles_new == 1 and result.articles_duplicate == 0
    assert dict(query(wh, "SELECT article_id, dup_of FROM articles")) == {
        earliest.article_id: None,
        first.article_id: earliest.article_id,
        second.article_id: earliest.article_id,
    }
    assert counts(wh.path)["articles"] == 3


def test_undated_copy_does_not_become_canonical(wh):
    _, dated = pair("dated.txt", TEXT, T0)
    _, undated = pair("undated.txt", TEXT_DIACRITICS, None)
    write(wh, "run-1", [pair("undated.txt", TEXT_DIACRITICS, None), pair("dated.txt", TEXT, T0)])
    assert dict(query(wh, "SELECT article_id, dup_of FROM articles")) == {dated.article_id: None, undated.article_id: dated.article_id}


def test_edited_canonical_leaves_its_group(wh):
    """When the canonical copy's text changes, the copies it led are re-pointed (or freed)."""
    _, a = pair("a.txt", TEXT, T0)
    _, b = pair("b.txt", TEXT_DIACRITICS, T0 + timedelta(hours=1))
    _, c = pair("c.txt", TEXT_TATWEEL_PERSIAN, T0 + timedelta(hours=2))
    write(wh, "run-1", [pair("a.txt", TEXT, T0), pair("b.txt", TEXT_DIACRITICS, T0 + timedelta(hours=1)),
                        pair("c.txt", TEXT_TATWEEL_PERSIAN, T0 + timedelta(hours=2))])
    write(wh, "run-2", [pair("a.txt", OTHER_TEXT, T0)])
    assert dict(query(wh, "SELECT article_id, dup_of FROM articles")) == {a.article_id: None, b.article_id: None, c.article_id: b.article_id}


# --- rejects ---------------------------------------------------------------------------------------


def test_reject_upsert_counts_attempts_and_resolves(wh):
    bad = Reject("src/x.txt", "load", "binary", "PDF")
    other = Reject("src/y.txt", "load", "empty", "no bytes")
    write(wh, "run-1", rejects=[bad, other])
    write(wh, "run-2", rejects=[Reject("src/x.txt", "load", "decode_error", "still bad")])
    rows = query(wh, "SELECT input_ref, reason, detail, run_id, first_run_id, attempts, resolved_run_id, first_at <= \"at\" FROM rejects ORDER BY 1")
    assert rows == [
        ("src/x.txt", "decode_error", "still bad", "run-2", "run-1", 2, None, True),
        ("src/y.txt", "empty", "no bytes", "run-1", "run-1", 1, None, True),
    ]

    # the file was fixed: a later run turns it into an article
    doc, art = pair("x.txt")
    assert art.input_ref == "src/x.txt"
    write(wh, "run-3", [(doc, art)], succeeded=[art.input_ref])
    assert query(wh, "SELECT input_ref, resolved_run_id, attempts FROM rejects ORDER BY 1") == [
        ("src/x.txt", "run-3", 2),
        ("src/y.txt", None, 1),
    ]

    # broken again: the row is reopened, not duplicated
    write(wh, "run-4", rejects=[bad])
    assert query(wh, "SELECT input_ref, reason, resolved_run_id, attempts, first_run_id FROM rejects WHERE input_ref = 'src/x.txt'") == [
        ("src/x.txt", "binary", None, 3, "run-1")
    ]
    assert counts(wh.path)["rejects"] == 2


def test_same_input_different_stages_are_two_rows(wh):
    write(wh, "run-1", rejects=[Reject("src/x.txt", "load", "binary"), Reject("src/x.txt", "extract", "no_text")])
    assert query(wh, "SELECT stage, attempts FROM rejects ORDER BY stage") == [("extract", 1), ("load", 1)]


def test_facts_still_computing_are_waited_for_after_copies_and_stories_are_written(wh):
    from tasks.dedup.minhash import signature_of
    from tasks.dedup.terms import terms_of
    from tasks.enrich.facts import facts_of
    from tasks.run.write import Enrichment

    doc, article = pair("a.txt", OTHER_TEXT)
    with wh.connect() as con:
        seen = []

        def later():  # the pool's round 2, as the pipeline hands it over: by now the story is written
            seen.append(con.execute("SELECT story_id FROM articles WHERE article_id = ?", [article.article_id]).fetchone())
            return {article.article_id: facts_of(article.text, T0.date())}

        enrich = Enrichment(originals=[article], signatures={article.article_id: signature_of(article.text)},
                            terms={article.article_id: terms_of(article.text, article.title)}, facts_later=later)
        write_batch(con, "r1", [doc], [article], [], [], enrich=enrich)
    assert seen == [(article.article_id,)]  # called once, after its story was assigned
    assert query(wh, "SELECT count(*) FROM mentions WHERE article_id = ?", [article.article_id])[0][0] > 0
