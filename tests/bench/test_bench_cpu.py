"""The benches' CPU accounting (bench/harness.tree_cpu_seconds) counts a child's CPU
while the child still runs (the temporary Prefect API server) and after it has been reaped (a worker pool,
the trafilatura command line)."""
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.paths import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from harness import tree_cpu_seconds  # noqa: E402

# Burn about 0.4 s of CPU, say so, then wait for stdin to close.
_BURN = ("import sys, time\n"
         "end = time.process_time() + 0.4\n"
         "while time.process_time() < end: pass\n"
         "print('done', flush=True)\n"
         "sys.stdin.read()\n")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_a_childs_cpu_is_counted_while_it_runs_and_once_it_is_reaped():
    before = tree_cpu_seconds()
    child = subprocess.Popen([sys.executable, "-c", _BURN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "done"
        time.sleep(0.05)
        while_alive = tree_cpu_seconds() - before
    finally:
        child.communicate("")
    after_reaped = tree_cpu_seconds() - before
    assert while_alive >= 0.35
    assert after_reaped >= while_alive - 0.05  # the child's time moved to this process's reaped children
    assert after_reaped < while_alive + 0.5  # not counted twice
