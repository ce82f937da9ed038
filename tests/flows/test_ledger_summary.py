"""The run summary artifact carries what a run extracted, beside articles and rejects."""
from __future__ import annotations

from collections import Counter

from flows.ledger import summary_markdown
from tasks.run.tally import Tally


def test_summary_lists_articles_rejects_and_what_was_extracted():
    tally = Tally(inputs=3, articles_new=2, rejects=Counter({"empty": 1}),
                  extracted=Counter({"mentions": 14, "events": 3}))
    text = summary_markdown("ingest", "r-1", "completed", tally)
    assert text.startswith("# ingest run `r-1`: completed")
    for row in ("| articles: new | 2 |", "| rejects: empty | 1 |", "| extracted: mentions | 14 |",
                "| extracted: events | 3 |", "| extracted: quotes | 0 |"):
        assert row in text, row
