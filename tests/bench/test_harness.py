"""The benches' made-up articles (bench.harness.mixed_article)."""
from bench.harness import mixed_article


def _pool(n: int) -> list[dict]:
    return [{"id": str(k), "title": f"t{k}", "text": ". ".join(f"w{k}s{j}" for j in range(6))} for k in range(n)]


def test_mixed_articles_beyond_the_pool_are_not_copies_of_each_other():
    pool = _pool(50)
    texts = [mixed_article(pool, i)["text"].rsplit(" (", 1)[0] for i in range(1_000)]
    assert len(set(texts)) == len(texts)  # a stride over the pool repeated every 50 indexes


def test_a_mixed_article_is_one_article_long_and_deterministic():
    pool = _pool(50)
    article = mixed_article(pool, 7)
    assert len(article["text"].split(". ")) == 6
    assert article == mixed_article(pool, 7)
    assert mixed_article(_pool(3), 7)["text"]  # a pool of fewer than six articles still makes one
