"""The two-commit bench (bench/arabic_ab.py): a revision that is no commit is refused before any work, and a
small run measures each commit's own code, in turn, and compares them."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.support.paths import ROOT, SHARED, need_shared

SCRIPT = ROOT / "bench" / "arabic_ab.py"


def test_a_revision_that_is_no_commit_is_refused_before_any_work(tmp_path):
    out = tmp_path / "ab.json"
    run = subprocess.run([sys.executable, str(SCRIPT), "--against", "no-such-revision", "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "not a commit of this repository" in run.stderr
    assert not out.exists()


def test_a_small_run_measures_both_commits_in_turn(tmp_path):
    need_shared(SHARED / "data" / "news")
    out = tmp_path / "ab.json"
    run = subprocess.run([sys.executable, str(SCRIPT), "--against", "HEAD", "--n", "20", "--rounds", "1",
                          "--workers", "1", "--out", str(out)], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    against, here = report["runs"]["against"], report["runs"]["here"]
    assert len(against) == len(here) == 1
    assert against[0]["articles"] == here[0]["articles"] == 20
    # each run imported the code of its own tree: the worktree's, then this one's
    assert "/against/" in against[0]["module"] and against[0]["module"] != here[0]["module"]
    assert here[0]["module"].startswith(str(ROOT))
    assert report["ratio_here_to_against"]["seconds"] == here[0]["seconds"] / against[0]["seconds"]
    assert against[0]["cpu_workers"] == 0 and report["ratio_here_to_against"]["cpu_seconds_workers"] is None  # no pool
    assert "this tree" in run.stdout
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "akhbar-bench-ab-" not in worktrees  # removed afterwards
