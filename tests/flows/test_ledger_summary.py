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


def health_row(source: str, status: str, reasons: list[str], **kw) -> dict:
    row = dict(source=source, kind="rss", flow="ingest", run_id="r-9", status=status, reasons=reasons,
               details={r: f"why {r}" for r in reasons}, baseline={"yield": 1.0}, listed=12, new_listed=3, requests=4,
               fetched=3, documents=3, articles=3, articles_new=3, rejects={}, median_words=250.0)
    row["yield"] = 1.0
    return {**row, **kw}


def test_the_health_table_shows_status_reasons_and_each_sources_trend():
    from flows.health_report import health_markdown

    rows = [health_row("wire", "ok", []), health_row("cdn", "failing", ["blocked_403"], articles_new=0, median_words=None)]
    rows[1]["yield"] = None
    trend = lambda *points: {"trend": [{"status": s, "yield": y, "median_words": w} for s, y, w in points]}  # noqa: E731
    trends = {"wire": trend(("ok", 1.0, 200.0), ("ok", 0.5, 400.0)), "cdn": trend(("ok", 1.0, 300.0), ("failing", None, None))}
    text = health_markdown(rows, trends)
    assert "| wire | ok | – | 3 | 1.00 | 250 | ✓✓ | `█▅` | `▅█` |" in text
    assert "| cdn | failing | blocked_403 | 0 | – | – | ✓✗ | `█ ` | `█ ` |" in text
    assert "- **cdn** blocked_403: why blocked_403" in text
    assert health_markdown([], {}) == ""


def test_a_source_in_trouble_is_an_event_and_so_is_its_recovery():
    from flows.health_report import source_event

    assert source_event(health_row("wire", "ok", []), "ok") is None
    assert source_event(health_row("wire", "ok", []), None) is None
    name, payload = source_event(health_row("cdn", "failing", ["blocked_403"]), "ok")
    assert name == "akhbar.source.failing" and payload["reasons"] == ["blocked_403"] and payload["previous_status"] == "ok"
    assert source_event(health_row("cdn", "degraded", ["text_shrunk"]), "degraded")[0] == "akhbar.source.degraded"
    assert source_event(health_row("cdn", "ok", []), "failing")[0] == "akhbar.source.recovered"
