"""End to end under a real Prefect server and worker, started the way operators start them (`make serve`
= `python -m akhbar.serve`): deployments from prefect.yaml, flow runs created through the REST API exactly
as the UI creates them, a backfill overlapped by a run of the scheduled ingest deployment."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import httpx
import pytest

from tests.support.newsroom import Newsroom
from tests.support.paths import ROOT
from tests.support.warcs import ARABIC, outlet_warc

pytestmark = pytest.mark.timeout(900)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hook(BaseHTTPRequestHandler):
    """A loopback webhook that keeps what it is sent (the operators' notifications)."""

    received: list[dict] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Hook.received.append(json.loads(body or b"{}"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def webhook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alerts"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def served(tmp_path_factory, webhook):
    """`python -m akhbar.serve` with its own home and port, alerts to the loopback webhook; stopped with
    SIGTERM at the end."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_API_PORT": str(port),
           "AKHBAR_INGEST_CRON": "0 0 1 1 *",  # the schedule exists; this test triggers runs itself
           "AKHBAR_ALERT_WEBHOOK": webhook}
    env.pop("PREFECT_API_URL", None)
    log = open(home / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "akhbar.serve"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    api = f"http://127.0.0.1:{port}/api"
    client = httpx.Client(base_url=api, timeout=30)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert proc.poll() is None, (home / "serve.log").read_text()[-3000:]
        if "ready" in (home / "serve.log").read_text():
            break
        time.sleep(1)
    else:
        pytest.fail("akhbar serve not ready in 300 s:\n" + (home / "serve.log").read_text()[-3000:])
    yield client, proc, port, home
    client.close()
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    log.close()


def create_run(client: httpx.Client, deployment: str, parameters: dict) -> str:
    """What the UI's Run > Custom run does: POST /deployments/{id}/create_flow_run. The server answers 503
    while its SQLite database is busy (its own services write at start-up): try again, as a client should."""
    dep = client.get(f"/deployments/name/{deployment}").raise_for_status().json()
    for attempt in range(10):
        response = client.post(f"/deployments/{dep['id']}/create_flow_run", json={"parameters": parameters})
        if response.status_code != 503:
            return response.raise_for_status().json()["id"]
        time.sleep(0.5 * (attempt + 1))
    response.raise_for_status()


def wait_done(client: httpx.Client, run_ids: list[str], timeout: float = 600) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    states = {}
    while time.monotonic() < deadline:
        states = {rid: client.get(f"/flow_runs/{rid}").raise_for_status().json()["state"]["type"] for rid in run_ids}
        if all(s in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for s in states.values()):
            return states
        time.sleep(1)
    pytest.fail(f"flow runs not finished in {timeout:.0f}s: {states}")


def test_deployments_are_there_with_the_backfill_form(served):
    client, *_ = served
    names = {d["name"] for d in client.post("/deployments/filter", json={}).raise_for_status().json()}
    assert {"ingest", "backfill", "reprocess"} <= names
    backfill = client.get("/deployments/name/backfill/backfill").json()
    props = backfill["parameter_openapi_schema"]["properties"]
    assert props["since"]["format"] == "date" and props["until"]["format"] == "date"
    assert {"sources", "refetch", "reextract"} <= set(props)
    assert set(backfill["parameter_openapi_schema"]["required"]) == {"since", "until"}
    ingest = client.get("/deployments/name/ingest/ingest").json()
    assert [s["schedule"]["cron"] for s in ingest["schedules"]] == ["0 0 1 1 *"]


def test_backfill_overlapped_by_ingest_both_land(served, tmp_path):
    client, _, _, _ = served
    warehouse = str(tmp_path / "warehouse.duckdb")
    backfill = create_run(client, "backfill/backfill", {"since": "2017-10-01", "until": "2017-11-01",
                                                        "sources": ["seeds"], "warehouse": warehouse})
    ingest = create_run(client, "ingest/ingest", {"warehouse": warehouse})
    assert wait_done(client, [backfill, ingest]) == {backfill: "COMPLETED", ingest: "COMPLETED"}

    con = duckdb.connect(warehouse, read_only=True)  # nobody holds the file once runs are done
    try:
        runs = dict(con.execute("SELECT run_id, status FROM runs").fetchall())
        assert runs == {backfill: "completed", ingest: "completed"}
        assert con.execute("SELECT count(*), count(DISTINCT article_id), count(DISTINCT doc_id) FROM articles").fetchone() == (5, 5, 5)
        counts = json.loads(con.execute("SELECT counts FROM runs WHERE run_id = ?", [backfill]).fetchone()[0])
        assert counts["articles"]["out_of_window"] + counts["articles"]["new"] + counts["articles"]["unchanged"] >= 3
        in_window = con.execute("SELECT count(*) FROM articles WHERE published_at >= '2017-10-01' AND published_at < '2017-11-01'").fetchone()[0]
        assert in_window == 3
    finally:
        con.close()

    for run_id, flow in [(backfill, "backfill"), (ingest, "ingest")]:
        artifacts = client.post("/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run_id]}}}).raise_for_status().json()
        kinds = {a["type"] for a in artifacts}
        assert {"markdown", "progress"} <= kinds, artifacts
        summary = next(a for a in artifacts if a["type"] == "markdown")
        assert f"# {flow} run `{run_id}`: completed" in summary["data"] and "articles: new" in summary["data"]
        assert "extracted: events" in summary["data"]
        assert "## Source health" in summary["data"] and "| seeds | ok |" in summary["data"]


def test_a_source_that_breaks_is_an_event_and_a_notification(served, tmp_path):
    """A site that turns to 403: the run completes, `source_health` says failing/blocked_403, Prefect holds an
    akhbar.source.failing event for the source, and the automation `make serve` made notifies the webhook."""
    client, *_ = served
    automations = client.post("/automations/filter", json={}).raise_for_status().json()
    assert [a["name"] for a in automations] == ["akhbar: source health"]
    with Newsroom(seed=5) as site:
        site.publish(3)
        assert httpx.get(site.url("/_fault/forbidden")).text == "fault: forbidden\n"  # as an operator trying it would
        toml = tmp_path / "sources.toml"
        toml.write_text(f'[[source]]\nname = "cdn-blocked"\nkind = "rss"\nurl = "{site.url("/feed.xml")}"\n'
                        'rate = 0\nallow_private = ["127.0.0.1"]\n', encoding="utf-8")
        warehouse = str(tmp_path / "warehouse.duckdb")
        run = create_run(client, "ingest/ingest", {"source": str(toml), "warehouse": warehouse})
        assert wait_done(client, [run]) == {run: "COMPLETED"}
    con = duckdb.connect(warehouse, read_only=True)
    try:
        assert con.execute("SELECT status, reasons FROM source_health").fetchall() == [("failing", ["blocked_403"])]
    finally:
        con.close()
    deadline, events = time.monotonic() + 60, []
    while time.monotonic() < deadline and not (events and Hook.received):
        events = client.post("/events/filter", json={"filter": {"event": {"prefix": ["akhbar.source."]}}}
                             ).raise_for_status().json()["events"]
        time.sleep(1)
    assert [(e["event"], e["resource"]["prefect.resource.id"], e["payload"]["reasons"]) for e in events] == \
        [("akhbar.source.failing", "akhbar.source.cdn-blocked", ["blocked_403"])]
    assert events[0]["payload"]["run_id"] == run
    note = Hook.received[0]
    assert note["subject"] == "akhbar: source cdn-blocked is failing", note
    assert "blocked_403" in note["body"] and run in note["body"], note


def test_a_backfill_from_an_archive_as_the_ui_launches_it(served, tmp_path):
    """The backfill form names a warc source like any other; the run reads the archive and says how far."""
    client, *_ = served
    archive = outlet_warc(tmp_path / "crawl.warc.gz", "https://news.example")
    toml = tmp_path / "sources.toml"
    toml.write_text(f'[[source]]\nname = "crawl"\nkind = "warc"\npath = "{archive}"\nhosts = ["news.example"]\n',
                    encoding="utf-8")
    warehouse = str(tmp_path / "warehouse.duckdb")
    run = create_run(client, "backfill/backfill", {"since": "2024-01-01", "until": "2025-01-01", "sources": ["crawl"],
                                                   "source_file": str(toml), "warehouse": warehouse})
    assert wait_done(client, [run]) == {run: "COMPLETED"}
    con = duckdb.connect(warehouse, read_only=True)
    try:
        assert con.execute("SELECT records, pages, done FROM archive_files").fetchall() == [(2 * (len(ARABIC) + 3), len(ARABIC), True)]
        assert con.execute("SELECT count(*) FROM documents WHERE source = 'crawl'").fetchone()[0] == len(ARABIC)
    finally:
        con.close()
    artifacts = client.post("/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run]}}}).raise_for_status().json()
    assert {a["type"] for a in artifacts} >= {"markdown", "progress"}
    assert next(a for a in artifacts if a["type"] == "progress")["data"] == 100.0
    assert "fetch: pages kept" in next(a for a in artifacts if a["type"] == "markdown")["data"]


def test_sigterm_stops_server_and_worker(served):
    client, proc, port, _ = served
    os.killpg(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    with pytest.raises(httpx.HTTPError):
        client.get("/health", timeout=2)
    leftovers = subprocess.run(["pgrep", "-f", f"--port {port}"], capture_output=True, text=True).stdout.strip()
    assert leftovers == ""
