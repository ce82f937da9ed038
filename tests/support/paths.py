"""Where the tests find the project, its seeds and ../shared, and two helpers every package's tests use."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SEEDS = ROOT / "seeds"
SHARED = Path(os.environ.get("AKHBAR_SHARED", ROOT.parent / "shared"))
BENCHMARK = SHARED / "data" / "article-extraction-benchmark"
BENCHMARK_HTML = BENCHMARK / "html"  # its 181 pages, gzipped
GOLD = SHARED / "gold" / "seeds.json"
FIXTURES = ROOT / "tests" / "fixtures"  # pages more than one package's tests read


def read_rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query on a warehouse file, through a short read-only connection."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def need_shared(path: Path) -> None:
    """Skip a test whose data from ../shared is missing on a developer's machine; in CI, where shared/
    always stands beside the clone, fail instead: a skipped check there would be a check that cannot fail."""
    if path.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{path} is missing: CI needs ../shared beside the clone")
    pytest.skip(f"{path} is missing (../shared not beside the repo)")
