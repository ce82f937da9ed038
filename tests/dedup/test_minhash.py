"""Near-duplicates: MinHash signatures of real Arabic articles (the outlet fixture, not the seeds), the
copy decision (`similar`), LSH buckets, and linking across runs through the real pipeline into a DuckDB
file."""
from __future__ import annotations

import hashlib
import itertools
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from schemas.records import Document
from tasks.dedup import duplicates
from tasks.dedup.minhash import (
    BANDS,
    CONTAINMENT_MIN,
    JACCARD_MIN,
    MIN_SHINGLES,
    NUM_PERM,
    PREFIX_BANDS,
    Signature,
    buckets,
    containment,
    jaccard,
    shingles_of,
    signature_of,
    similar,
)
from tasks.run.pipeline import process_documents
from tasks.run.tally import Tally
from tasks.text.normalize import sha256_hex, stable_id, text_key
from tasks.warehouse.database import Warehouse
from tests.support.outlet import ARTICLES
from tests.support.paths import ROOT

# Arabic articles of the outlet fixture (tehran-air-pollution is Persian; private-secret is a stub).
SLUGS = [s for s, a in ARTICLES.items() if a["lang"] == "ar" and s != "private-secret"]
FOOTER = ("جميع الحقوق محفوظة لوكالة المدار للأنباء، ولا يجوز إعادة نشر هذا المحتوى أو نسخه أو ترجمته"
          " دون إذن خطي مسبق من إدارة التحرير.")


def paragraphs(slug: str) -> list[str]:
    return list(ARTICLES[slug]["paragraphs"])


def body(slug: str) -> str:
    return "\n".join(paragraphs(slug))


# --- edits a copy goes through -----------------------------------------------------------------------


def new_lead(slug: str) -> str:
    """Another outlet's rewrite: its own lead (the fixture's summary, a different wording) for the first paragraph."""
    return "\n".join([ARTICLES[slug]["summary"]] + paragraphs(slug)[1:])


def agency_dateline(slug: str) -> str:
    """"عمّان –" becomes "عمّان (أ ف ب) –"."""
    first, *rest = paragraphs(slug)
    city, lead = first.split(" – ", 1)
    return "\n".join([f"{city} (أ ف ب) – {lead}"] + rest)


def with_footer(slug: str) -> str:
    return body(slug) + "\n" + FOOTER


def first_half_words(slug: str) -> str:
    words = body(slug).split(" ")
    return " ".join(words[: len(words) // 2])


def first_half_paragraphs(slug: str) -> str:
    ps = paragraphs(slug)
    return "\n".join(ps[: (len(ps) + 1) // 2])


def reordered(slug: str) -> str:
    return "\n".join(reversed(paragraphs(slug)))


def with_teaser(slug: str) -> str:
    other = SLUGS[(SLUGS.index(slug) + 3) % len(SLUGS)]
    ps = paragraphs(slug)
    return "\n".join(ps[:2] + [f"اقرأ أيضا: {ARTICLES[other]['title']}"] + ps[2:])


def everything(slug: str) -> str:
    """New lead, reordered body, a teaser and a footer at once."""
    ps = paragraphs(slug)
    other = SLUGS[(SLUGS.index(slug) + 5) % len(SLUGS)]
    return "\n".join([ARTICLES[slug]["summary"]] + ps[:0:-1] + [f"اقرأ أيضا: {ARTICLES[other]['title']}", FOOTER])


EDITS = {f.__name__: f for f in (new_lead, agency_dateline, with_footer, first_half_words, first_half_paragraphs,
                                 reordered, with_teaser, everything)}

# --- spellings that normalize to the same words ------------------------------------------------------

_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def persian_letters(text: str) -> str:
    return text.translate(str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"}))


def tatweel(text: str) -> str:
    """Kashida stretching inside every word of four letters or more."""
    return re.sub(r"(?<=[\u0621-\u064a]{2})(?=[\u0621-\u064a]{2})", "ـــ", text, count=0)


def diacritics(text: str) -> str:
    marks = "\u064e\u0650\u064f\u0652\u0651"  # fatha, kasra, damma, sukun, shadda
    out, n = [], 0
    for ch in text:
        out.append(ch)
        if _ARABIC_LETTER.match(ch):
            out.append(marks[n % len(marks)])
            n += 1
    return "".join(out)


def hamza_forms(text: str) -> str:
    """Hamza seats dropped (أ إ آ → ا, ؤ → و, ئ → ي), ta marbuta written as heh: common careless spellings."""
    return text.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ؤ": "و", "ئ": "ي", "ة": "ه"}))


def all_variants(text: str) -> str:
    return diacritics(tatweel(persian_letters(hamza_forms(text))))


VARIANTS = {f.__name__: f for f in (persian_letters, tatweel, diacritics, hamza_forms, all_variants)}


# --- signatures ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_words", [0, 1, 2, 3, 19, 20, 39, 40, 41, 300])
@pytest.mark.parametrize("repeats", [False, True])
def test_signature_is_datasketchs_minhash_of_the_shingles(n_words, repeats):
    """signature_of hashes each shingle once for both MinHashes and hands datasketch the hashes: the
    values must be those of datasketch's own MinHash (default hash) over the shingle sets."""
    from datasketch import MinHash

    from tasks.dedup.minhash import PREFIX_MIN_WORDS, PREFIX_WORDS, ROWS, SEED

    tokens = " ".join(ARTICLES["amman-solar-plant"]["paragraphs"]).split()
    text = " ".join((tokens * 3)[:n_words])
    if repeats:  # shingles met again early on, as in an article pasted twice or a repeated phrase
        text = " ".join(tokens[:5] * 3 + (tokens * 3)[:n_words])

    def reference(shingles: set[bytes]) -> np.ndarray:
        m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")  # the scheme of every stored signature
        if shingles:
            m.update_batch(list(shingles))
        return m.hashvalues.astype(np.uint32)

    sig = signature_of(text)
    assert np.array_equal(sig.hashvalues, reference(shingles_of(text)))
    assert sig.shingles == len(shingles_of(text))
    normalized = text_key(text).split()
    opening = " ".join(normalized[:PREFIX_WORDS])
    if len(normalized) >= PREFIX_MIN_WORDS:
        assert np.array_equal(sig.prefix, reference(shingles_of(opening))[: PREFIX_BANDS * ROWS])
    else:
        assert sig.prefix is None


def test_signature_is_deterministic_within_and_across_processes():
    text = body("amman-solar-plant")
    a, b = signature_of(text), signature_of(text)
    assert a.hashvalues.dtype == np.uint32 and a.hashvalues.shape == (NUM_PERM,)
    assert np.array_equal(a.hashvalues, b.hashvalues) and a.shingles == b.shingles == len(shingles_of(text))
    assert a.shingles > 200  # 241 words: one shingle per 3-word window, a few repeats
    # Signatures are stored and compared across runs: they must not depend on Python's hash seed.
    code = ("import hashlib, sys, json; from tests.support.outlet import ARTICLES;"
            " from tasks.dedup.minhash import signature_of;"
            " s = signature_of('\\n'.join(ARTICLES['amman-solar-plant']['paragraphs']));"
            " print(hashlib.sha256(s.to_bytes()).hexdigest(), s.shingles)")
    root = str(ROOT)
    for seed in ("1", "12345"):
        out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60,
                             env={**os.environ, "PYTHONHASHSEED": seed})
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == [hashlib.sha256(a.to_bytes()).hexdigest(), str(a.shingles)]
    assert not np.array_equal(a.hashvalues, signature_of(body("cairo-book-fair-2024")).hashvalues)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("slug", ["amman-solar-plant", "beirut-port-reconstruction", "basra-date-palms"])
def test_letter_variants_give_jaccard_one(slug, variant):
    text = body(slug)
    other = VARIANTS[variant](text)
    assert other != text  # the transformation really changed the letters
    assert text_key(other) == text_key(text)
    a, b = signature_of(text), signature_of(other)
    assert jaccard(a, b) == 1.0
    assert np.array_equal(a.hashvalues, b.hashvalues) and a.shingles == b.shingles
    assert similar(a, b) == 1.0
    assert buckets(a) == buckets(b)


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("slug", SLUGS)
def test_edited_copies_are_similar(slug, edit):
    original, copy = body(slug), EDITS[edit](slug)
    assert copy != original
    a, b = signature_of(original), signature_of(copy)
    sim = similar(a, b)
    assert sim is not None, f"{edit}: jaccard {jaccard(a, b):.2f}, containment {containment(a, b):.2f}"
    assert sim == similar(b, a)  # symmetric
    assert sim >= JACCARD_MIN and sim <= 1.0
    assert jaccard(a, b) < 1.0  # a real edit, not a spelling variant


@pytest.mark.parametrize("slug", SLUGS)
def test_short_excerpt_is_judged_by_containment(slug):
    """The first third of an article: far below the Jaccard threshold, yet wholly contained in the original."""
    words = body(slug).split(" ")
    a, b = signature_of(body(slug)), signature_of(" ".join(words[: len(words) // 3]))
    j = jaccard(a, b)
    assert j < JACCARD_MIN
    sim = similar(a, b)
    assert sim is not None and sim >= CONTAINMENT_MIN
    assert sim == pytest.approx(containment(a, b))
    assert sim > j


def test_different_articles_are_not_similar():
    """All pairs of the outlet's Arabic articles, among them ones on near topics: electricity in Amman and
    Kuwait; harvests in Morocco, Sfax and Basra; culture in Cairo and Doha."""
    sigs = {s: signature_of(body(s)) for s in SLUGS}
    assert len(sigs) == 12
    for x, y in itertools.combinations(SLUGS, 2):
        assert similar(sigs[x], sigs[y]) is None, (x, y)
        assert jaccard(sigs[x], sigs[y]) < 0.1
    # an edited copy of one is still not similar to the other article on the same topic
    assert similar(signature_of(with_footer("amman-solar-plant")), sigs["kuwait-heatwave-power"]) is None
    assert similar(signature_of(first_half_paragraphs("sfax-olive-oil")), sigs["morocco-wheat-drought"]) is None


def test_short_texts_are_never_judged_similar():
    sentence = paragraphs("oman-fisheries-season")[0].split(" – ", 1)[1]  # no dateline dash: one token per word
    seven_words = " ".join(sentence.split(" ")[:7])  # 5 shingles
    short = signature_of(seven_words)
    assert short.shingles < MIN_SHINGLES
    assert similar(short, signature_of(seven_words)) is None  # not even with itself
    assert similar(short, signature_of(body("oman-fisheries-season"))) is None  # nor with the article it opens
    assert similar(signature_of(body("oman-fisheries-season")), short) is None
    empty = signature_of("")
    assert empty.shingles == 0 and similar(empty, empty) is None
    # at the threshold, the decision is made
    just_enough = " ".join(sentence.split(" ")[: MIN_SHINGLES + 2])
    sig = signature_of(just_enough)
    assert sig.shingles == MIN_SHINGLES
    assert similar(sig, signature_of(diacritics(just_enough))) == 1.0
    one_less = signature_of(" ".join(sentence.split(" ")[: MIN_SHINGLES + 1]))
    assert one_less.shingles == MIN_SHINGLES - 1 and similar(one_less, one_less) is None


def test_buckets_are_uint64_per_band_and_equal_for_equal_signatures():
    a = signature_of(body("riyadh-metro-opening"))
    bs = buckets(a)
    assert BANDS == 32 and len(bs) == BANDS + PREFIX_BANDS  # the whole text's bands, then the opening's
    assert all(type(b) is int and 0 <= b < 2**64 for b in bs)  # stored as UBIGINT
    assert len(set(bs)) == len(bs)
    assert buckets(signature_of(all_variants(body("riyadh-metro-opening")))) == bs
    full = bs[:BANDS]
    assert buckets(Signature.from_bytes(a.to_bytes(), a.shingles)) == full  # stored signatures carry no prefix
    # one changed band minimum changes that band's bucket only
    changed = Signature(a.hashvalues.copy(), a.shingles)
    changed.hashvalues[5] ^= np.uint32(1)  # band 1 (rows 4..7)
    diff = [i for i, (x, y) in enumerate(zip(full, buckets(changed))) if x != y]
    assert diff == [1]
    # the band number is part of the hash: equal minimums in different bands are different buckets
    flat = Signature(np.full(NUM_PERM, 7, dtype=np.uint32), 10)
    assert len(set(buckets(flat))) == BANDS
    # different articles share no bucket; a copy shares some (it is an LSH candidate)
    other = buckets(signature_of(body("doha-library-digitization")))
    assert not set(bs) & set(other)
    assert set(bs) & set(buckets(signature_of(with_footer("riyadh-metro-opening"))))


def test_signature_bytes_round_trip():
    a = signature_of(body("tunis-startup-fund"))
    blob = a.to_bytes()
    assert isinstance(blob, bytes) and len(blob) == 4 * NUM_PERM
    b = Signature.from_bytes(blob, a.shingles)
    assert b.hashvalues.dtype == np.uint32
    assert np.array_equal(a.hashvalues, b.hashvalues) and b.shingles == a.shingles
    assert b.to_bytes() == blob
    assert jaccard(a, b) == 1.0 and similar(a, b) == 1.0
    b.hashvalues[0] = 0  # a writable copy, not a view on the bytes
    assert b.hashvalues[0] == 0
    # little-endian uint32 layout, whatever the machine
    assert np.array_equal(np.frombuffer(blob, dtype="<u4"), a.hashvalues)


# --- across runs, through the pipeline -----------------------------------------------------------------

T0 = datetime(2024, 2, 14, 6, 30, tzinfo=timezone.utc)


def text_doc(name: str, text: str, published: datetime | None, outlet: str = "المدار", source: str = "wires") -> Document:
    raw = text.encode("utf-8")
    meta = {"outlet": outlet}
    if published is not None:
        meta["published"] = published.isoformat()
    return Document(doc_id=stable_id("file", source, name), url=f"file:///data/{source}/{name}", source=source,
                    input_ref=f"{source}/{name}", fetched_at=datetime(2024, 6, 1, tzinfo=timezone.utc), kind="text",
                    raw=raw, raw_sha256=sha256_hex(raw), content_type="text/plain", meta=meta)


def ingest(wh: Warehouse, run_id: str, docs: list[Document], force: bool = False) -> Tally:
    return process_documents(wh, run_id, docs, [], Tally(), force=force)


def rows(wh: Warehouse, sql: str, params=None) -> list[tuple]:
    with wh.connect() as con:
        return con.execute(sql, params or []).fetchall()


def article_of(wh: Warehouse, doc: Document) -> str:
    return rows(wh, "SELECT article_id FROM articles WHERE doc_id = ?", [doc.doc_id])[0][0]


def links(wh: Warehouse) -> dict[str, str | None]:
    return dict(rows(wh, "SELECT article_id, dup_of FROM articles"))


def assert_no_chains(wh: Warehouse) -> None:
    assert rows(wh, "SELECT count(*) FROM articles a LEFT JOIN articles c ON a.dup_of = c.article_id"
                    " WHERE a.dup_of IS NOT NULL AND (c.article_id IS NULL OR c.dup_of IS NOT NULL)") == [(0,)]


def index_counts(wh: Warehouse) -> tuple:
    return rows(wh, "SELECT (SELECT count(*) FROM minhash), (SELECT count(*) FROM lsh_buckets),"
                    " (SELECT count(*) FROM (SELECT DISTINCT bucket, article_id FROM lsh_buckets))")[0]


@pytest.fixture()
def wh(tmp_path) -> Warehouse:
    w = Warehouse(tmp_path / "wh" / "warehouse.duckdb")
    w.migrate()
    return w


ORIGINAL = text_doc("jo/solar.txt", "\n\n".join(paragraphs("amman-solar-plant")), T0)
UNRELATED = text_doc("eg/book-fair.txt", "\n\n".join(paragraphs("cairo-book-fair-2024")), T0 + timedelta(hours=1))
EDITED = text_doc("agency/solar.txt", "\n\n".join([ARTICLES["amman-solar-plant"]["summary"]]
                                                  + paragraphs("amman-solar-plant")[1:] + [FOOTER]),
                  T0 + timedelta(hours=3), outlet="وكالة الأنباء")
EARLIER = text_doc("early/solar.txt", "\n\n".join(agency_dateline("amman-solar-plant").split("\n")[::-1]),
                   T0 - timedelta(hours=5), outlet="الصباح")


def test_dedup_across_runs(wh):
    first = ingest(wh, "run-1", [ORIGINAL, UNRELATED])
    assert (first.articles_new, first.articles_duplicate) == (2, 0)
    original, unrelated = article_of(wh, ORIGINAL), article_of(wh, UNRELATED)

    # run 2: another outlet's edited copy (new lead, footer) meets the run-1 article through the stored index
    second = ingest(wh, "run-2", [EDITED])
    assert (second.articles_new, second.articles_duplicate) == (1, 1)
    edited = article_of(wh, EDITED)
    assert links(wh) == {original: None, unrelated: None, edited: original}
    (sim, method), = rows(wh, "SELECT dup_similarity, dup_method FROM articles WHERE article_id = ?", [edited])
    assert method == "near"
    sigs = {a: Signature.from_bytes(blob, n) for a, blob, n in rows(wh, "SELECT article_id, signature, shingles FROM minhash")}
    assert sim == pytest.approx(similar(sigs[edited], sigs[original]))
    assert JACCARD_MIN <= sim < 1.0
    # the stored signatures are those of the stored texts
    for a, text in rows(wh, "SELECT article_id, text FROM articles"):
        assert np.array_equal(sigs[a].hashvalues, signature_of(text).hashvalues)

    # run 3: a copy published earlier than both arrives late: it becomes canonical, the group is re-pointed
    third = ingest(wh, "run-3", [EARLIER])
    assert third.articles_new == 1 and third.articles_duplicate == 0
    earlier = article_of(wh, EARLIER)
    assert links(wh) == {earlier: None, original: earlier, edited: earlier, unrelated: None}
    assert_no_chains(wh)
    # every article long enough has its whole-text bands and its opening's bands, each once
    INDEX_ROWS = 4 * (BANDS + PREFIX_BANDS)
    assert index_counts(wh) == (4, INDEX_ROWS, INDEX_ROWS)

    # the same batch again: skipped as unchanged, nothing moves
    snapshot = rows(wh, "SELECT article_id, dup_of, text_sha256 FROM articles ORDER BY 1")
    again = ingest(wh, "run-4", [EARLIER])
    assert (again.articles_new, again.articles_updated, again.articles_unchanged) == (0, 0, 1)
    assert rows(wh, "SELECT article_id, dup_of, text_sha256 FROM articles ORDER BY 1") == snapshot

    # and re-extracted (reprocess): signatures and buckets replaced, not added; the groups stay
    for n, batch in enumerate([[ORIGINAL, UNRELATED], [EDITED], [EARLIER], [EARLIER, EDITED, ORIGINAL, UNRELATED]]):
        forced = ingest(wh, f"run-force-{n}", batch, force=True)
        assert forced.articles_new == 0 and forced.articles_updated == 0
        assert rows(wh, "SELECT article_id, dup_of, text_sha256 FROM articles ORDER BY 1") == snapshot
        assert index_counts(wh) == (4, INDEX_ROWS, INDEX_ROWS)
        assert_no_chains(wh)


def test_copies_no_link_touches_follow_their_group_to_a_new_canonical(wh, monkeypatch):
    """The whole article, then its first half (a copy of it), then, earlier than both, another outlet's
    copy with its own lead: a copy of the whole, not of the first half to MinHash, and with contained
    links off (the first half is in the new lead's text whole), no link of that batch touches it and the
    writer does not read it. It follows its group to the new canonical and keeps how it was linked."""
    monkeypatch.setattr(duplicates, "CONTAINED_MIN", 1.01)
    slug = "beirut-port-reconstruction"
    whole = text_doc("a/whole.txt", body(slug).replace("\n", "\n\n"), T0)
    first = text_doc("b/first.txt", first_half_paragraphs(slug).replace("\n", "\n\n"), T0 + timedelta(hours=1), "ب")
    relead = text_doc("c/relead.txt", new_lead(slug).replace("\n", "\n\n"), T0 - timedelta(hours=1), "ج")
    ingest(wh, "run-1", [whole])
    ingest(wh, "run-2", [first])
    w, f = article_of(wh, whole), article_of(wh, first)
    assert links(wh) == {w: None, f: w}
    linked_as = rows(wh, "SELECT dup_similarity, dup_method FROM articles WHERE article_id = ?", [f])

    assert ingest(wh, "run-3", [relead]).articles_duplicate == 0
    r = article_of(wh, relead)
    text = dict(rows(wh, "SELECT article_id, text FROM articles"))
    assert similar(signature_of(text[r]), signature_of(text[f])) is None  # what makes this case
    assert similar(signature_of(text[r]), signature_of(text[w])) is not None
    assert links(wh) == {r: None, w: r, f: r}
    assert rows(wh, "SELECT dup_similarity, dup_method FROM articles WHERE article_id = ?", [f]) == linked_as
    assert_no_chains(wh)


def test_stored_pointers_that_loop_end_as_one_group(wh):
    """The writer never leaves articles pointing at each other in a loop, but if a warehouse holds one
    (edited by hand, say), the next batch that touches them regroups them (the union-find's path halving
    ends on a loop) instead of looping forever."""
    import signal

    slug = "amman-solar-plant"
    docs = [text_doc(f"{n}/copy.txt", body(slug).replace("\n", "\n\n"), T0 + timedelta(hours=i), n)
            for i, n in enumerate(["أ", "ب", "ج", "د"])]
    ingest(wh, "run-1", docs[:3])
    a, b, c = (article_of(wh, d) for d in docs[:3])
    assert links(wh) == {a: None, b: a, c: a}
    with wh.connect() as con:  # a -> b -> c -> a
        con.execute("UPDATE articles SET dup_of = CASE article_id WHEN ? THEN ? WHEN ? THEN ? ELSE ? END",
                    [a, b, b, c, a])

    def stuck(*_):
        raise TimeoutError("link_duplicates did not finish")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(30)
    try:
        ingest(wh, "run-2", docs[3:])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert links(wh) == {a: None, b: a, c: a, article_of(wh, docs[3]): a}
    assert_no_chains(wh)


def test_a_copys_similarity_is_its_best_link_not_the_latest(wh):
    """A copy linked at 0.98 keeps that when a later, looser copy links to it at 0.74: its text has not
    changed, so its first link still holds (before, every batch that touched a copy rewrote its similarity,
    and at 28,000 stored articles that was 11,000 rows a batch)."""
    slug = "amman-solar-plant"
    whole = text_doc("a/whole.txt", body(slug).replace("\n", "\n\n"), T0)
    wire = text_doc("b/wire.txt", agency_dateline(slug).replace("\n", "\n\n"), T0 + timedelta(hours=1), "ب")
    relead = text_doc("c/relead.txt", new_lead(slug).replace("\n", "\n\n"), T0 + timedelta(hours=2), "ج")
    ingest(wh, "run-1", [whole, wire])
    w, b = article_of(wh, whole), article_of(wh, wire)
    (first_sim, method), = rows(wh, "SELECT dup_similarity, dup_method FROM articles WHERE article_id = ?", [b])
    ingest(wh, "run-2", [relead])
    r = article_of(wh, relead)
    text = dict(rows(wh, "SELECT article_id, text FROM articles"))
    to_wire = similar(signature_of(text[r]), signature_of(text[b]))
    to_whole = similar(signature_of(text[r]), signature_of(text[w]))
    assert to_wire is not None and to_whole is not None and to_wire < first_sim  # what makes this case
    assert links(wh) == {w: None, b: w, r: w}
    assert rows(wh, "SELECT dup_similarity, dup_method FROM articles WHERE article_id = ?", [b]) == [(first_sim, method)]
    assert rows(wh, "SELECT dup_similarity FROM articles WHERE article_id = ?", [r]) == [(max(to_wire, to_whole),)]


@pytest.mark.parametrize("late_copy", ["near", "exact"])
def test_re_pointed_canonical_records_how_it_was_linked(wh, late_copy):
    ingest(wh, "run-1", [ORIGINAL])
    earlier_doc = EARLIER if late_copy == "near" else text_doc(
        "early/solar-exact.txt", diacritics("\n\n".join(paragraphs("amman-solar-plant"))), T0 - timedelta(hours=5))
    ingest(wh, "run-2", [earlier_doc])
    original, earlier = article_of(wh, ORIGINAL), article_of(wh, earlier_doc)
    assert links(wh) == {original: earlier, earlier: None}
    state = rows(wh, "SELECT dup_similarity, dup_method FROM articles WHERE article_id = ?", [original])
    ingest(wh, "run-3", [earlier_doc], force=True)
    assert rows(wh, "SELECT dup_similarity, dup_method FROM articles WHERE article_id = ?", [original]) == state
    (sim, method), = state
    assert method == late_copy and sim is not None and sim >= JACCARD_MIN


def test_truncated_and_rewritten_copies_are_linked_in_a_later_run(wh):
    """Each fixture article in run 1; in run 2 its first half (whole paragraphs) and a reordered copy
    with a new lead from another outlet: every copy points at its original, the originals stay apart."""
    t = T0
    originals = [text_doc(f"orig/{s}.txt", "\n\n".join(paragraphs(s)), t + timedelta(days=i)) for i, s in enumerate(SLUGS)]
    assert ingest(wh, "run-1", originals).articles_duplicate == 0
    halves = [text_doc(f"half/{s}.txt", first_half_paragraphs(s).replace("\n", "\n\n"), t + timedelta(days=i, hours=2), "ب")
              for i, s in enumerate(SLUGS)]
    rewrites = [text_doc(f"rewrite/{s}.txt", everything(s).replace("\n", "\n\n"), t + timedelta(days=i, hours=4), "ج")
                for i, s in enumerate(SLUGS)]
    tally = ingest(wh, "run-2", halves + rewrites)
    assert tally.articles_new == 24 and tally.articles_duplicate == 24
    got = links(wh)
    for o, h, r in zip(originals, halves, rewrites):
        assert got[article_of(wh, o)] is None
        assert got[article_of(wh, h)] == article_of(wh, o)
        assert got[article_of(wh, r)] == article_of(wh, o)
    assert_no_chains(wh)
    assert {m for (m,) in rows(wh, "SELECT DISTINCT dup_method FROM articles WHERE dup_of IS NOT NULL")} <= {"near", "contained"}


@pytest.mark.parametrize("part", [2, 3], ids=["first-half", "first-third"])
def test_every_truncated_copy_similar_accepts_is_linked(wh, part):
    originals = [text_doc(f"orig/{s}.txt", "\n\n".join(paragraphs(s)), T0 + timedelta(days=i)) for i, s in enumerate(SLUGS)]
    ingest(wh, "run-1", originals)
    cuts = []
    for i, s in enumerate(SLUGS):
        words = "\n\n".join(paragraphs(s)).split(" ")
        cuts.append((originals[i], text_doc(f"cut/{s}.txt", " ".join(words[: len(words) // part]), T0 + timedelta(days=i, hours=2), "ب")))
    ingest(wh, "run-2", [c for _, c in cuts])
    texts = dict(rows(wh, "SELECT article_id, text FROM articles"))
    got = links(wh)
    accepted, missed = 0, []
    for orig, cut in cuts:
        o, c = article_of(wh, orig), article_of(wh, cut)
        if similar(signature_of(texts[o]), signature_of(texts[c])) is not None:
            accepted += 1
            if got[c] != o:
                missed.append(cut.input_ref)
    assert accepted == len(SLUGS)  # similar() sees through every cut ...
    assert missed == []  # ... so the pipeline should link every one


def test_the_pipeline_imports_neither_datasketch_nor_scipy():
    """Importing datasketch imports scipy (62 MB and 0.5 s of CPU in each worker and in the writer): the
    signatures are computed without it, and it stays a test dependency."""
    code = "import sys, tasks.run.pipeline, tasks.run.prepare; print(sorted({m.split('.')[0] for m in sys.modules} & {'datasketch', 'scipy'}))"
    root = str(ROOT)
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_similar_pairs_gives_what_similar_gives_pair_by_pair(monkeypatch):
    import tasks.dedup.minhash as neardup
    from tasks.dedup.minhash import NUM_PERM, Signature, similar, similar_pairs

    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
    rows, counts = [], []
    for shared in range(0, NUM_PERM + 1, 4):  # every Jaccard from 0 to 1, around both thresholds
        other = rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
        rows.append(np.where(np.arange(NUM_PERM) < shared, base, other))
        counts.append(int(rng.choice([0, 3, 7, 8, 40, 400, 5000])))  # under, at and over MIN_SHINGLES
    rows.append(base)
    counts.append(60)
    hashvalues, shingles = np.array(rows, dtype=np.uint32), np.array(counts, dtype=np.int64)
    first, second = (np.array(x) for x in zip(*itertools.product(range(len(rows)), repeat=2)))
    monkeypatch.setattr(neardup, "PAIR_CHUNK", 97)  # several chunks, the last one partial
    got = similar_pairs(hashvalues, shingles, first, second)
    expected = [similar(Signature(hashvalues[a], int(shingles[a])), Signature(hashvalues[b], int(shingles[b])))
                for a, b in zip(first, second)]
    assert [None if np.isnan(g) else float(g) for g in got] == expected
    by_jaccard = [(hashvalues[a] == hashvalues[b]).mean() >= JACCARD_MIN for a, b in zip(first, second)]
    kinds = {"none" if e is None else "jaccard" if j else "containment" for e, j in zip(expected, by_jaccard)}
    assert kinds == {"none", "jaccard", "containment"}, "the pairs should hold copies of either kind, and none"
