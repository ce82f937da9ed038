"""Shared fixtures: paths to the project's seeds and to ../shared data, temporary warehouses, and one
session-wide Prefect test harness (a real, temporary Prefect API with its own SQLite database)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.paths import GOLD, need_shared

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


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


@pytest.fixture()
def wh(warehouse_path):
    """A migrated warehouse file in a temporary folder."""
    from tasks.warehouse.database import Warehouse

    w = Warehouse(warehouse_path)
    w.migrate()
    return w
