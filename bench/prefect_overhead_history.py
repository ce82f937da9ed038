"""Prefect's overhead in every `make bench` recorded in git, the plain wall ratio beside the ratio at one
machine speed (bench/ingest_throughput.drift_corrected_ratio), with the spreads that show which of the two
the machine's noise moves. Benches recorded before the bench split its CPU by process are skipped (they
have no worker CPU to hold the speed by). Extra results files can be named on the command line.

    python bench/prefect_overhead_history.py [results.json ...]
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

from ingest_throughput import ROOT, drift_corrected_ratio, kind_of_repeat, spread, wall_per_worker_cpu

RESULTS = "bench/results.json"


def recorded() -> Iterator[tuple[str, dict[str, Any]]]:
    """(commit that recorded it, report) for every version of bench/results.json in git, oldest first."""
    log = subprocess.run(["git", "log", "--reverse", "--format=%h", "--", RESULTS], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    for commit in log.stdout.split():
        shown = subprocess.run(["git", "show", f"{commit}:{RESULTS}"], cwd=ROOT, capture_output=True, text=True)
        if shown.returncode == 0:
            yield commit, json.loads(shown.stdout)


def runs_of(report: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The repeated runs of one kind ("pipeline", "prefect"), the rerun left out."""
    return [report["runs"][name] for name in report.get("order", []) if kind_of_repeat(name) == kind]


def row(report: dict[str, Any]) -> dict[str, Any] | None:
    pipeline, prefect = runs_of(report, "pipeline"), runs_of(report, "prefect")
    if not prefect or not all(run.get("cpu_seconds_workers") for run in pipeline + prefect):
        return None
    return {
        "code": report.get("commit"),
        "pipeline wall spread": spread([run["seconds"] for run in pipeline]),
        "pipeline wall/worker CPU spread": spread([wall_per_worker_cpu(run) for run in pipeline]),
        "plain wall ratio": statistics.mean(r["seconds"] for r in prefect) / statistics.mean(r["seconds"] for r in pipeline),
        "at one machine speed": drift_corrected_ratio(prefect, pipeline),
    }


def main(extra: list[str]) -> None:
    reports = [(commit, report) for commit, report in recorded()]
    for path in extra:
        try:
            reports.append((path, json.loads(Path(path).read_text(encoding="utf-8"))))
        except (OSError, ValueError) as exc:
            sys.exit(f"{path}: not a readable results file ({exc})")
    rows = [(source, r) for source, report in reports if (r := row(report))]
    if not rows:
        sys.exit("no bench with per-process CPU found")
    widths = {column: max(len(column), 13) for column in rows[0][1]}
    print(f"{'recorded in':<24} " + " ".join(f"{c:>{w}}" for c, w in widths.items()))
    for source, r in rows:
        print(f"{source[-24:]:<24} " + " ".join(f"{v:>{widths[c]}.3f}" if isinstance(v, float) else f"{str(v):>{widths[c]}}"
                                                 for c, v in r.items()))
    corrected = [r["at one machine speed"] for _, r in rows]
    plain = [r["plain wall ratio"] for _, r in rows]
    print(f"{len(rows)} benches: plain wall ratio {min(plain):.3f}-{max(plain):.3f}, "
          f"at one machine speed {min(corrected):.3f}-{max(corrected):.3f} (mean {sum(corrected) / len(corrected):.3f})")


if __name__ == "__main__":
    main(sys.argv[1:])
