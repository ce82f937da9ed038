"""How an article joins a story (tasks.dedup.stories): by its link to the story's members, the mean of its
STORY_LINKS best cosines with them, so that one shared neighbour is not enough to join a story of several.
Terms are given by hand here, so that the cosines are known; the articles go through the batch's own steps
(store_terms, term_neighbours, assign_stories) in one batch or two."""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from tasks.dedup.neighbours import term_neighbours
from tasks.dedup.stories import STORY_LINKS, STORY_MIN, STORY_TERMS_MIN, assign_stories, store_terms, story_link
from tasks.warehouse.database import Warehouse

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)
R = 1 / math.sqrt(2)
SMALL = 0.1 / R  # a weight on a shared term that gives a cosine of 0.1 with an article weighing it R


def unit(**weights: float) -> dict[str, float]:
    """`weights` with one more term of the article's own, making it a unit vector."""
    rest = 1 - sum(w * w for w in weights.values())
    return {**weights, f"own{len(weights)}{sorted(weights)}": math.sqrt(rest)}


# A1 and A2 are one story (cosine 0.5). X shares a term with A1 alone (0.1 with A1, 0 with A2); Y one term
# with both (0.1 with each). B is a story of one; Z shares a term with it (0.1).
TERMS = {
    "a1": {"p": R, "q": R},
    "a2": {"p": R, "r": R},
    "b": {"s": R, "t": R},
    "x": unit(q=SMALL),
    "y": unit(p=SMALL),
    "z": unit(s=SMALL),
}


def test_a_story_link_is_the_mean_of_the_best_cosines_with_its_members():
    assert STORY_LINKS == 2
    assert story_link([0.3], 1) == 0.3  # a story of one: its one member
    assert story_link([0.3, 0.1], 2) == pytest.approx(0.2)
    assert story_link([0.3], 5) == pytest.approx(0.15)  # the members it shares too little with count 0
    assert story_link([0.1, 0.3, 0.2], 3) == pytest.approx(0.25)


def _write(wh: Warehouse, ids: list[str], terms: dict[str, dict[str, float]] = TERMS,
           when=lambda article_id: T0 + timedelta(hours=list(TERMS).index(article_id))) -> dict[str, str]:
    """Store these articles (`terms`, published `when`), then give them stories as a batch is given them."""
    with wh.connect() as con:
        for article_id in ids:
            con.execute("INSERT INTO articles (article_id, doc_id, source, text, text_sha256, norm_sha256, word_count,"
                        " extractor_version, run_id, first_run_id, updated_at, published_at) VALUES"
                        " (?, ?, 'test', 'text', ?, ?, 1, 'test', 'run', 'run', ?, ?)",
                        [article_id, f"doc-{article_id}", f"sha-{article_id}", f"norm-{article_id}", T0,
                         when(article_id)])
        batch = {a: terms[a] for a in ids}
        published = dict(con.execute("SELECT article_id, published_at FROM articles").fetchall())
        store_terms(con, batch, published)
        neighbours = term_neighbours(con, batch, [published[a] for a in ids], STORY_TERMS_MIN)
        assign_stories(con, ids, batch, neighbours)
        return dict(con.execute("SELECT article_id, story_id FROM articles").fetchall())


@pytest.mark.parametrize("batches", [[["a1", "a2", "b", "x", "y", "z"]], [["a1", "a2", "b"], ["x", "y", "z"]]],
                         ids=["one-batch", "two-batches"])
def test_one_shared_neighbour_does_not_join_a_story_of_several(wh, batches):
    assert 0.1 / 2 < STORY_MIN <= 0.1
    for ids in batches:
        story = _write(wh, ids)
    assert story["a2"] == story["a1"] == "a1"
    assert story["x"] == "x"  # 0.1 with a1, 0 with a2: a link of 0.05
    assert story["y"] == "a1"  # 0.1 with both
    assert story["z"] == "b"  # a story of one: its member's 0.1


def test_articles_of_one_moment_are_taken_closest_first(wh):
    """A feed dated by the day: three reports of one happening at the same moment, the central one sharing a
    term with each of the others, which share none. Taken in id order the two others would start a story each
    (the second shares nothing with the first); the central one is taken first, and both join it."""
    terms = {"a-side": {"p": R, "x1": R}, "b-side": {"q": R, "x2": R}, "c-centre": {"p": R, "q": R}}
    story = _write(wh, list(terms), terms, when=lambda _: T0)
    assert story == {"a-side": "c-centre", "b-side": "c-centre", "c-centre": "c-centre"}
