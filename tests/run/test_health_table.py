"""`source_health` in a real DuckDB file: histories per source and flow, newest first and bounded; the latest
state with its trend; `akhbar sources` over it, and its errors; the alert settings' errors."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from akhbar.alerts import AlertSetupError, notification_block_id
from akhbar.cli import main as cli
from tasks.acquire.sources import Source
from tasks.run.health_table import HISTORY_RUNS, histories, judge_run, latest
from tasks.run.tally import Tally

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def tally(words: list[int], new: int = 3, rejects: dict | None = None) -> Tally:
    return Tally(inputs=len(words), documents_extracted=len(words), articles_extracted=len(words), articles_new=new,
                 article_words=list(words), rejects=Counter(rejects or {}),
                 fetch=Counter({"listed": 12, "new_listed": new, "requests": len(words) + 1, "fetched": len(words)}))


WIRE, CDN = Source(name="wire", kind="rss", url="https://w.example/rss"), Source(name="cdn", kind="rss", url="https://c.example/rss")


def test_each_source_is_judged_on_its_own_runs_of_the_same_flow(wh):
    with wh.connect() as con:
        for i in range(6):
            judge_run(con, f"r{i}", "ingest", [(WIRE, tally([300] * 8)), (CDN, tally([250] * 8))], T0 + timedelta(hours=i))
        judge_run(con, "b0", "backfill", [(WIRE, tally([20] * 8))], T0 + timedelta(hours=7))
        rows = judge_run(con, "r6", "ingest", [(WIRE, tally([12] * 8)), (CDN, tally([240] * 8))], T0 + timedelta(hours=8))
        past = histories(con, ["wire", "cdn"], "ingest", "r6")
    assert [(r["source"], r["status"], r["reasons"]) for r in rows] == [("wire", "degraded", ["text_shrunk"]),
                                                                        ("cdn", "ok", [])]
    assert rows[0]["baseline"] == {"yield": 1.0, "median_words": 300.0, "runs_between_new": 1.0, "healthy_runs": 6}
    assert [len(past["wire"]), len(past["cdn"])] == [6, 6]  # the backfill and the judged run are not its past
    assert past["wire"][0].words == (300,) * 8


def test_the_history_is_the_last_runs_and_no_older_than_asked(wh):
    with wh.connect() as con:
        for i in range(HISTORY_RUNS + 5):
            judge_run(con, f"r{i}", "ingest", [(WIRE, tally([300, 310]))], T0 + timedelta(hours=i))
        assert len(histories(con, ["wire"], "ingest", "x")["wire"]) == HISTORY_RUNS
        recent = histories(con, ["wire"], "ingest", "x", since=T0 + timedelta(hours=HISTORY_RUNS))
    assert len(recent["wire"]) == 5


def test_a_run_judged_again_replaces_its_rows(wh):
    with wh.connect() as con:
        judge_run(con, "r0", "ingest", [(WIRE, tally([300]))], T0)
        judge_run(con, "r0", "ingest", [(WIRE, tally([300, 200], rejects={"no_text": 1}))], T0)
        assert con.execute("SELECT count(*), any_value(articles), any_value(rejects) FROM source_health").fetchone() == \
            (1, 2, '{"no_text": 1}')


def test_the_latest_state_carries_the_trend_and_the_last_success(wh):
    with wh.connect() as con:
        for i in range(12):
            judge_run(con, f"r{i}", "ingest", [(WIRE, tally([300] * 8, new=0 if i >= 10 else 3))], T0 + timedelta(hours=i))
        judge_run(con, "r12", "ingest", [(WIRE, tally([], new=0, rejects={"http_403": 2}))], T0 + timedelta(hours=12))
        state = latest(con, ["wire", "nobody"])["wire"]
    assert (state["status"], state["reasons"], state["run_id"]) == ("failing", ["blocked_403"], "r12")
    assert [p["status"] for p in state["trend"]] == ["ok"] * 9 + ["failing"]
    assert state["trend"][0]["checked_at"] == T0 + timedelta(hours=3)
    assert state["last_ok_at"] == T0 + timedelta(hours=11) and state["last_new_at"] == T0 + timedelta(hours=9)
    assert "article_words" not in state


def test_akhbar_sources_tells_each_sources_state(tmp_path, wh, capsys):
    with wh.connect() as con:
        for i in range(5):
            judge_run(con, f"r{i}", "ingest", [(WIRE, tally([300] * 8))], T0 + timedelta(hours=i))
        judge_run(con, "r5", "ingest", [(WIRE, tally([300] * 3, rejects={"http_403": 5}))], T0 + timedelta(hours=5))
    toml = tmp_path / "sources.toml"
    toml.write_text('[[source]]\nname = "wire"\nkind = "rss"\nurl = "https://w.example/rss"\n\n'
                    '[[source]]\nname = "new"\nkind = "rss"\nurl = "https://n.example/rss"\n\n'
                    '[[source]]\nname = "off"\nkind = "rss"\nurl = "https://o.example/rss"\nenabled = false\n', encoding="utf-8")
    assert cli(["sources", "--from", str(toml), "--warehouse", str(wh.path)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["source", "kind", "status", "since", "last", "run", "last", "ok", "last", "new", "article"]
    assert table[1].split()[:3] == ["wire", "rss", "failing"] and "2026-03-01 04:00" in table[1]
    assert table[2].split() == ["new", "rss", "never", "run", "-", "-", "-", "-"]
    assert table[3].split() == ["off", "rss", "disabled", "-", "-", "-", "-"]
    assert table[4] == "  wire: blocked_403: 5 of 5 requests failed (http_403 5)"
    assert cli(["sources", "--from", str(toml), "--warehouse", str(wh.path), "--json", "--sources", "wire"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert (entry["status"], entry["since"], entry["last_ok_at"]) == ("failing", "2026-03-01T05:00:00+00:00",
                                                                       "2026-03-01T04:00:00+00:00")
    assert entry["figures"]["rejects"] == {"http_403": 5} and len(entry["trend"]) == 6


def test_akhbar_sources_says_what_it_cannot_read(tmp_path, capsys, warehouse_path):
    toml = tmp_path / "sources.toml"
    toml.write_text('[[source]]\nname = "wire"\nkind = "rss"\nurl = "https://w.example/rss"\n', encoding="utf-8")
    assert cli(["sources", "--from", str(toml), "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "no warehouse at" in capsys.readouterr().err
    assert cli(["sources", "--from", str(toml), "--sources", "nope", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "no source named 'nope'" in capsys.readouterr().err
    import duckdb
    warehouse_path.parent.mkdir(parents=True)
    duckdb.connect(str(warehouse_path)).close()
    assert cli(["sources", "--from", str(toml), "--warehouse", str(warehouse_path)]) == 2
    assert "has no source health yet" in capsys.readouterr().err


def test_the_alert_settings_are_checked_before_anything_is_made():
    assert notification_block_id({}) is None
    with pytest.raises(AlertSetupError, match="not both"):
        notification_block_id({"AKHBAR_ALERT_WEBHOOK": "http://127.0.0.1:9/x", "AKHBAR_ALERT_BLOCK": "slack-webhook/ops"})
    with pytest.raises(AlertSetupError, match="must be an http"):
        notification_block_id({"AKHBAR_ALERT_WEBHOOK": "ftp://example.org/x"})
