"""A warehouse of the seeds, and the explorer over it served by uvicorn on loopback, for the package's tests."""
from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from akhbar.explore.app import create_app
from flows.ingest import ingest
from tests.support.paths import SEEDS


@pytest.fixture(scope="package")
def seeded(tmp_path_factory, prefect_harness):
    path = tmp_path_factory.mktemp("explore") / "warehouse.duckdb"
    ingest(source=str(SEEDS), warehouse=str(path), workers=1)
    return path


@pytest.fixture(scope="package")
def client(seeded):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(seeded), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
        yield c
    server.should_exit = True
    thread.join(10)


