"""`make serve`: a local Prefect server on 127.0.0.1, a process worker, and the deployments of
prefect.yaml, as one foreground command; Ctrl-C or SIGTERM stops all of it.

Port from PREFECT_SERVER_API_PORT (default 4200), home from PREFECT_HOME (default .prefect/ in the repo),
ingest schedule from AKHBAR_INGEST_CRON (default every 30 minutes); source health alerts to
AKHBAR_ALERT_WEBHOOK (a URL) or AKHBAR_ALERT_BLOCK (a notification block), akhbar/alerts.py."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
POOL = "akhbar"
DEFAULT_CRON = "*/30 * * * *"


def prefect_env() -> dict[str, str]:
    port = os.environ.get("PREFECT_SERVER_API_PORT", "4200")
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(ROOT / ".prefect"))
    env.setdefault("AKHBAR_INGEST_CRON", DEFAULT_CRON)
    env.update({
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": port,
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_API_URL": f"http://127.0.0.1:{port}/api",
    })
    return env


def _prefect() -> str:
    return str(Path(sys.executable).parent / "prefect")


def wait_healthy(api_url: str, server: subprocess.Popen, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"prefect server exited with code {server.returncode} before it was ready")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"prefect server not ready at {api_url} after {timeout:.0f}s")


def stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process group, then SIGKILL what is still there after 20 s."""
    for proc in reversed(processes):
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 20
    for proc in reversed(processes):
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main() -> int:
    env = prefect_env()
    Path(env["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    api = env["PREFECT_API_URL"]
    processes: list[subprocess.Popen] = []
    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        print(f"akhbar serve: starting the Prefect server at {api} (home {env['PREFECT_HOME']})", flush=True)
        processes.append(subprocess.Popen([_prefect(), "server", "start", "--host", "127.0.0.1", "--port",
                                           env["PREFECT_SERVER_API_PORT"]], env=env, cwd=ROOT, start_new_session=True))
        wait_healthy(api, processes[0])
        subprocess.run([_prefect(), "work-pool", "create", POOL, "--type", "process", "--overwrite"],
                       env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([_prefect(), "--no-prompt", "deploy", "--all"], env=env, cwd=ROOT, check=True)
        # the automation that notifies on source health events (akhbar/alerts.py: AKHBAR_ALERT_WEBHOOK or _BLOCK)
        subprocess.run([sys.executable, "-m", "akhbar.alerts"], env=env, cwd=ROOT, check=True)
        processes.append(subprocess.Popen([_prefect(), "worker", "start", "--pool", POOL, "--type", "process"],
                                          env=env, cwd=ROOT, start_new_session=True))
        ui = api.removesuffix("/api")
        print(f"akhbar serve: ready. UI {ui}  (Deployments > backfill > Run > Custom run). Ctrl-C stops.", flush=True)
        while not stopping:
            for proc in processes:
                if proc.poll() is not None:
                    print(f"akhbar serve: {proc.args[1]} exited with {proc.returncode}; stopping", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        print("akhbar serve: stopping the worker and the server", flush=True)
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
