"""The worker's per-step bench (bench/worker_costs.py, its `breakdown`) on a few benchmark pages."""
from __future__ import annotations

import gzip
import sys

from conftest import BENCHMARK, ROOT, need_shared

sys.path.insert(0, str(ROOT / "bench"))


def test_breakdown_times_every_step_of_a_worker_in_order():
    need_shared(BENCHMARK / "html")
    from worker_costs import breakdown

    raw = [gzip.decompress(p.read_bytes()) for p in sorted((BENCHMARK / "html").glob("*.html.gz"))[:4]]
    steps = breakdown(raw, [r.decode("utf-8", errors="replace") for r in raw])
    assert [name for name, _ in steps] == ["decode", "parse", "page metadata", "extraction cascade", "tree freed",
                                           "word count", "language", "near-duplicate signature", "story terms",
                                           "zstd level 3"]
    assert all(ms > 0 for _, ms in steps), steps
