"""Every span the enrichment reads out of real news points at its own text: 300 articles of the ANT
corpus (../shared/data/news), one in forty, through `facts_of`."""
from __future__ import annotations

import gzip
import json
from datetime import date

from tasks.enrich.facts import facts_of
from tests.support.paths import SHARED, need_shared

NEWS = SHARED / "data" / "news" / "ant-multisource-v2.1.jsonl.gz"


def _articles(every: int = 40, limit: int = 300) -> list[str]:
    texts = []
    with gzip.open(NEWS, "rt", encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            if i % every == 0:
                article = json.loads(line)
                texts.append(f"{article.get('title') or ''}\n{article.get('text') or ''}")
            if len(texts) >= limit:
                break
    return texts


def test_spans_of_real_news_are_their_text():
    need_shared(NEWS)
    checked = 0
    for text in _articles():
        facts = facts_of(text, date(2018, 5, 1))
        for kind, items in (("mention", facts.mentions), ("date", facts.temporals), ("agency", facts.attributions)):
            for item in items:
                assert text[item.start:item.end] == item.surface, (kind, item)
                checked += 1
        for quote in facts.quotes:
            assert text[quote.start:quote.end] == quote.text
            if quote.speaker_surface:
                assert text[quote.speaker_start:quote.speaker_end] == quote.speaker_surface
            checked += 1
    assert checked > 3000  # the articles gave something to check
