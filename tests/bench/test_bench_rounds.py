"""The throughput bench's summary of repeated runs (bench/ingest_throughput: spread, drift_corrected_ratio)."""
from __future__ import annotations

import statistics
import sys

import pytest

from tests.support.paths import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from ingest_throughput import drift_corrected_ratio, spread, wall_per_worker_cpu  # noqa: E402


def test_spread_is_the_range_over_the_mean():
    assert spread([90.0, 100.0, 110.0]) == pytest.approx(0.2)
    assert spread([78.8, 85.7]) == pytest.approx(0.084, abs=0.001)


def test_runs_that_agree_have_no_spread():
    assert spread([80.0]) == 0.0
    assert spread([80.0, 80.0]) == 0.0


def run(seconds: float, worker_cpu: float) -> dict:
    return {"seconds": seconds, "cpu_seconds_workers": worker_cpu}


def test_a_slower_machine_does_not_move_the_corrected_ratio():
    # The same two runs, the second pair on a machine a fifth slower: every second, wall and the workers'
    # CPU alike, takes 1.2 times as long. The plain ratio of the means moves; the corrected one does not.
    bare = [run(80.0, 140.0), run(96.0, 168.0)]
    under_prefect = [run(84.0, 140.0), run(100.8, 168.0)]
    assert drift_corrected_ratio(under_prefect, bare) == pytest.approx(1.05)
    assert drift_corrected_ratio(under_prefect[:1], bare[1:]) == pytest.approx(1.05)
    plain = statistics.mean(r["seconds"] for r in under_prefect[:1]) / statistics.mean(r["seconds"] for r in bare[1:])
    assert plain == pytest.approx(0.875)


def test_time_outside_the_workers_counts_in_full():
    # Prefect's own CPU (flow process, API server) stretches the wall time but not the workers' CPU: the
    # corrected ratio keeps all of it.
    assert wall_per_worker_cpu(run(90.0, 150.0)) == pytest.approx(0.6)
    assert drift_corrected_ratio([run(93.0, 150.0)], [run(90.0, 150.0)]) == pytest.approx(93.0 / 90.0)


def test_a_bench_without_rounds_is_refused_before_any_work(capsys):
    from ingest_throughput import main

    with pytest.raises(SystemExit) as stopped:
        main(["--rounds", "0", "--n", "1"])
    assert stopped.value.code == 2
    assert "--rounds must be at least 1" in capsys.readouterr().err
