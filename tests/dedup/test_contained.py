"""Copies other newsrooms make (tasks.dedup.duplicates, dup_method 'contained'), through the real pipeline
into a DuckDB file: a wire report re-led, cut and given a paragraph of background, which MinHash misses,
is linked by the exact share of its shingles in the original; a report written apart is not."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tasks.dedup import duplicates
from tasks.dedup.minhash import Signature, contained, signature_of, similar
from tasks.warehouse.database import Warehouse
from tests.dedup.test_minhash import (
    ARTICLES,
    SLUGS,
    T0,
    article_of,
    assert_no_chains,
    ingest,
    links,
    paragraphs,
    rows,
    text_doc,
)


@pytest.fixture()
def wh(tmp_path) -> Warehouse:
    w = Warehouse(tmp_path / "wh" / "warehouse.duckdb")
    w.migrate()
    return w


def re_led_and_cut(slug: str) -> str:
    """Another newsroom's version of a wire report: its own lead, the last third cut, a background
    paragraph of its own at the end."""
    ps, other = paragraphs(slug), SLUGS[(SLUGS.index(slug) + 4) % len(SLUGS)]
    return "\n".join([ARTICLES[slug]["summary"]] + ps[1:max(2, 2 * len(ps) // 3)] + [paragraphs(other)[-1]])


def written_apart(slug: str) -> str:
    """A report of the same happening in other words that quotes one paragraph of the wire's (its own
    words: another fixture's paragraphs read backwards, which no stored text shares)."""
    ps, other = paragraphs(slug), SLUGS[(SLUGS.index(slug) + 6) % len(SLUGS)]
    return "\n".join([ARTICLES[slug]["summary"], ps[2]] + [" ".join(p.split()[::-1]) for p in paragraphs(other)[1:4]])


def test_copies_other_newsrooms_re_led_and_cut_are_linked_by_what_they_contain(wh):
    """MinHash misses most of these copies (their Jaccard is low); the exact share of the smaller text's
    shingles in the other finds them. A report that only shares a lead's facts and quotes a paragraph
    stays apart."""
    originals = [text_doc(f"orig/{s}.txt", "\n\n".join(paragraphs(s)), T0 + timedelta(days=2 * i)) for i, s in enumerate(SLUGS)]
    ingest(wh, "run-1", originals)
    copies = [text_doc(f"copy/{s}.txt", re_led_and_cut(s).replace("\n", "\n\n"), T0 + timedelta(days=2 * i, hours=5), "ب")
              for i, s in enumerate(SLUGS)]
    apart = [text_doc(f"apart/{s}.txt", written_apart(s).replace("\n", "\n\n"), T0 + timedelta(days=2 * i, hours=7), "ج")
             for i, s in enumerate(SLUGS)]
    ingest(wh, "run-2", copies + apart)
    texts = dict(rows(wh, "SELECT article_id, text FROM articles"))
    method = dict(rows(wh, "SELECT article_id, dup_method FROM articles"))
    got = links(wh)
    by_containment, stayed_apart = 0, 0
    for orig, copy, other in zip(originals, copies, apart):
        o, c, a = article_of(wh, orig), article_of(wh, copy), article_of(wh, other)
        sig_o, sig_c, sig_a = (signature_of(texts[x]) for x in (o, c, a))
        if similar(sig_o, sig_c) is None and contained(sig_o.shingle_hashes, sig_c.shingle_hashes) >= duplicates.CONTAINED_MIN:
            assert (got[c], method[c]) == (o, "contained"), copy.input_ref
            by_containment += 1
        if similar(sig_o, sig_a) is None and contained(sig_o.shingle_hashes, sig_a.shingle_hashes) < duplicates.CONTAINED_MIN:
            assert (got[a] or a) != (got[o] or o), other.input_ref  # not in one group
            stayed_apart += 1
    assert by_containment >= 5 and stayed_apart == len(SLUGS)
    assert_no_chains(wh)


def test_signatures_stored_without_their_shingles_are_linked_by_minhash_alone(wh, monkeypatch):
    """Signatures of a warehouse written before migration 010 have no shingle hashes: a copy of such an
    article that only containment would find is not linked, and nothing fails."""
    slug = "beirut-port-reconstruction"
    original = text_doc("orig/port.txt", "\n\n".join(paragraphs(slug)), T0)
    copy = text_doc("copy/port.txt", re_led_and_cut(slug).replace("\n", "\n\n"), T0 + timedelta(hours=5), "ب")
    with monkeypatch.context() as patched:
        patched.setattr(Signature, "shingle_bytes", lambda self: None)
        ingest(wh, "run-1", [original])
    assert rows(wh, "SELECT count(*) FROM minhash WHERE shingle_hashes IS NULL") == [(1,)]
    ingest(wh, "run-2", [copy])
    assert links(wh) == {article_of(wh, original): None, article_of(wh, copy): None}
    # extracted again, the original gets its shingles, and the copy is found
    ingest(wh, "run-3", [original, copy], force=True)
    assert links(wh) == {article_of(wh, original): None, article_of(wh, copy): article_of(wh, original)}
