"""Shared fixtures: paths to the project's seeds and to ../shared data, temporary warehouses, and one
session-wide Prefect test harness (a real, temporary Prefect API with its own SQLite database)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = Path(os.environ.get("AKHBAR_SHARED", ROOT.parent / "shared"))
BENCHMARK = SHARED / "data" / "article-extraction-benchmark"
GOLD = SHARED / "gold" / "seeds.json"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def read_rows(path: Path, sql: str) -> list[tuple]:
    """Rows of a query on a warehouse file, through a short read-only connection."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
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


@pytest.fixture(scope="session")
def gold() -> dict:
    need_shared(GOLD)
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture()
def warehouse_path(tmp_path) -> Path:
    return tmp_path / "wh" / "warehouse.duckdb"


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect API for the whole session; tests that run flows ask for it."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
