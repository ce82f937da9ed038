"""Search keys (tasks.dedup.search_index): which forms of a word find an article, and how its keys are stored."""
from __future__ import annotations

from tasks.dedup.search_index import article_keys, forms_of, key_of
from tasks.dedup.search_store import store_search_keys


def finds(query: str, title: str | None, text: str) -> bool:
    keys = set(article_keys(title, text))
    return all(key_of(f) in keys for f in forms_of(query))


def test_a_word_finds_its_article_under_any_prefix_and_spelling():
    for written in ["زار طهران أمس", "وصل إلى بطهران", "وطهران ودمشق", "لطهران", "فطهران"]:
        assert finds("طهران", None, written), written
    assert finds("الرئيس", None, "قال رئيس الوزراء")  # ال stripped on both sides
    assert finds("أمين", None, "قال امين عام")  # hamza folded
    assert finds("الخارجية", None, "وزارة الخارجيه")  # taa marbuta folded
    assert finds("S-400", None, "منظومة إس 400") and finds("2018", "عام 2018", "نص")  # numbers; one-letter words ignored
    assert finds("وزير الخارجية", "وزير الخارجية", "قال اليوم") and not finds("وزير الخارجية", "وزير", "قال اليوم")


def test_a_proclitic_is_not_stripped_from_a_short_word_nor_a_word_found_inside_another():
    assert not finds("زير", None, "قال وزير")  # وزير is not و + زير
    assert not finds("طهران", None, "طهرانيون")
    assert forms_of("في من على") == ["في", "من", "علي"] and forms_of("و ب") == []


def test_keys_replace_an_articles_keys_whole(wh):
    def count(con, article_id):
        return con.execute("SELECT count(*) FROM search_terms WHERE article_id = ?", [article_id]).fetchone()[0]

    first, second = article_keys(None, "زار الوزير طهران"), article_keys(None, "وصل الرئيس")
    wh.write(lambda con: store_search_keys(con, {"a1": first, "a2": second}, set()))
    wh.write(lambda con: store_search_keys(con, {"a1": second}, {"a1"}))
    with wh.reading() as con:
        assert (count(con, "a1"), count(con, "a2")) == (len(second), len(second))
        assert sorted(k for k, in con.execute("SELECT term_key FROM search_terms WHERE article_id = 'a1'").fetchall()) == second
