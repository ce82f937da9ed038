"""The throughput bench's summary of repeated runs (bench/ingest_throughput.spread)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from ingest_throughput import spread  # noqa: E402


def test_spread_is_the_range_over_the_mean():
    assert spread([90.0, 100.0, 110.0]) == pytest.approx(0.2)
    assert spread([78.8, 85.7]) == pytest.approx(0.084, abs=0.001)


def test_runs_that_agree_have_no_spread():
    assert spread([80.0]) == 0.0
    assert spread([80.0, 80.0]) == 0.0


def test_a_bench_without_rounds_is_refused_before_any_work(capsys):
    from ingest_throughput import main

    with pytest.raises(SystemExit) as stopped:
        main(["--rounds", "0", "--n", "1"])
    assert stopped.value.code == 2
    assert "--rounds must be at least 1" in capsys.readouterr().err
