"""The warehouse a `--warehouse` setting names: a DuckDB file (tasks.warehouse.database) or a DuckLake
(tasks.warehouse.lake)."""
from __future__ import annotations

import os

from tasks.warehouse.database import Warehouse
from tasks.warehouse.lake import Lake, is_lake_setting


def open_warehouse(setting: str | os.PathLike, lake_data: str | None = None) -> Warehouse:
    """The warehouse a setting names: a DuckDB file path (the default), or `ducklake:postgres:<libpq
    connection string>` with the lake's Parquet folder in `lake_data` or $AKHBAR_LAKE_DATA."""
    if is_lake_setting(str(setting)):
        return Lake(str(setting), lake_data or os.environ.get("AKHBAR_LAKE_DATA"))
    return Warehouse(setting)
