"""The writer's per-step bench (bench/writer_costs.py): its summary, and a small run through the real
pipeline in a process of its own (the bench rebinds the writer's functions to clocked ones)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.paths import BENCHMARK, ROOT, SHARED, need_shared

sys.path.insert(0, str(ROOT / "bench"))

from writer_costs import main, rewritten_rows, summarise  # noqa: E402

NEWS = SHARED / "data" / "news"


def batch(number: int, **cpu_ms: float) -> dict:
    return {"batch": number, "articles_before": 0, "cpu_ms": cpu_ms}


def test_summary_compares_the_first_and_the_last_quarter_without_the_first_batch():
    batches = [batch(1, close=1000.0)] + [batch(n, close=10.0 * n, connect=5.0) for n in range(2, 10)]
    rows = {r["step"]: r for r in summarise(batches, batch_size=100)}
    assert list(rows) == ["close", "connect"]  # the costlier first
    assert rows["close"]["first_quarter_ms"] == pytest.approx(25.0)  # batches 2 and 3
    assert rows["close"]["last_quarter_ms"] == pytest.approx(85.0)  # batches 8 and 9
    assert rows["close"]["ms_per_doc"] == pytest.approx(sum(10.0 * n for n in range(2, 10)) / 8 / 100)
    assert rows["connect"]["first_quarter_ms"] == rows["connect"]["last_quarter_ms"] == 5.0


def test_rewritten_rows_are_those_of_stored_row_groups_moved_to_other_blocks():
    before = {"articles": {(0, 0, 0): (3, 100), (0, 1, 0): (4, 100)}, "stories": {(0, 0, 0): (5, 10)}}
    after = {"articles": {(0, 0, 0): (3, 100), (0, 1, 0): (9, 100), (1, 0, 0): (10, 40)},  # row group 1 is new
             "stories": {(0, 0, 0): (11, 10)}, "events": {(0, 0, 0): (12, 7)}}  # a new table
    assert rewritten_rows(before, after) == {"articles": 100, "stories": 10}
    assert rewritten_rows(after, after) == {}


def test_a_size_below_one_is_refused_before_any_work(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--n", "0"])
    assert stopped.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_a_small_run_times_each_step_of_every_batch(tmp_path):
    need_shared(BENCHMARK / "html")
    out = tmp_path / "writer.json"
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "writer_costs.py"), "--n", "30", "--batch-size", "10",
                          "--workers", "1", "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["docs"] == 30 and [b["batch"] for b in report["batches"]] == [1, 2, 3]
    assert [b["articles_before"] for b in report["batches"]] == [0, 10, 20]
    for b in report["batches"]:
        steps = {"connect", "close", "replace_rows", "store_signatures", "link_duplicates", "assign_stories"}
        assert steps <= set(b["cpu_ms"])
        assert b["cpu_ms"]["close"] > 0
    assert report["writer_cpu_ms_per_doc"] > 0
    assert "close" in run.stdout and "written to" in run.stdout


def test_a_run_over_stored_articles_counts_them_before_its_batches(tmp_path):
    need_shared(NEWS)
    out = tmp_path / "writer.json"
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "writer_costs.py"), "--n", "20", "--arabic", "--stored", "20",
                          "--batch-size", "10", "--workers", "1", "--rewrites", "--out", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["stored_before"] == 20 and report["docs"] == 20 and report["corpus"] == "arabic"
    assert [b["articles_before"] for b in report["batches"]] == [20, 30]
    assert all(b["cpu_ms"]["close"] > 0 for b in report["batches"])
    assert all(isinstance(b["rewritten_rows"], dict) and b["articles_seen_before"] == 0 for b in report["batches"])
    assert "wrote again" in run.stdout
