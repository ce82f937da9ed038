"""`akhbar sources`: each source of a sources.toml with its latest health, its last success and the figures
that moved, read from `source_health` (tasks/run/health_table.py)."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from tasks.acquire.sources import Source
from tasks.run.health_table import latest
from tasks.warehouse.lake import is_lake_setting
from tasks.warehouse.setting import open_warehouse

MOVED = 0.5  # a figure "moved" when it is this share or more away from the source's baseline
READ_WAIT = 60.0  # seconds to wait for a batch being written to finish before reading


class StatusError(RuntimeError):
    """The warehouse cannot be read for source health; the message says why."""


def read_latest(setting: str, names: list[str]) -> dict[str, dict]:
    """The latest health of `names` in the warehouse `setting` (a DuckDB file or a DuckLake)."""
    if not is_lake_setting(setting) and not Path(setting).is_file():
        raise StatusError(f"no warehouse at {setting} (a run of `akhbar ingest` makes it)")
    reading = open_warehouse(setting).reading(READ_WAIT)
    try:
        with reading as con:
            has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'source_health'").fetchone()[0]
            if not has:
                raise StatusError(f"{setting} has no source health yet: runs record it from migration 012 on")
            return latest(con, names)
    except TimeoutError as exc:
        raise StatusError(f"{exc}: a run is writing; try again") from None


def _moved(row: dict) -> dict[str, dict]:
    """This run's yield and median words where they are MOVED or more away from the baseline."""
    out = {}
    for figure, base_key in (("yield", "yield"), ("median_words", "median_words")):
        value, base = row.get(figure), (row.get("baseline") or {}).get(base_key)
        if value is not None and base and abs(value / base - 1) >= MOVED:
            out[figure] = {"now": round(value, 3), "usually": round(base, 3)}
    return out


def _since(trend: list[dict]) -> datetime | None:
    """When the latest status began, as far as the trend shows."""
    since = None
    for point in reversed(trend):
        if point["status"] != trend[-1]["status"]:
            break
        since = point["checked_at"]
    return since


def statuses(sources: list[Source], rows: dict[str, dict]) -> list[dict]:
    """One entry per source: its latest status, when it began, the last run, success and new article, the
    reasons with what they say, the figures that moved, and the trend of its last runs."""
    out = []
    for src in sources:
        row = rows.get(src.name)
        entry = {"source": src.name, "kind": src.kind, "enabled": src.enabled, "status": None, "reasons": [],
                 "details": {}, "since": None, "last_run_at": None, "last_ok_at": None, "last_new_at": None,
                 "moved": {}, "figures": {}, "trend": []}
        if row is not None:
            entry.update({
                "status": row["status"], "reasons": list(row["reasons"]), "details": row["details"],
                "since": _since(row["trend"]), "last_run_at": row["checked_at"], "last_ok_at": row["last_ok_at"],
                "last_new_at": row["last_new_at"], "moved": _moved(row),
                "figures": {k: row[k] for k in ("listed", "new_listed", "fetched", "documents", "articles", "articles_new",
                                                "yield", "median_words", "dated_share", "titled_share", "rejects")},
                "baseline": row["baseline"], "trend": row["trend"],
            })
        out.append(entry)
    return out


def as_json(entries: list[dict]) -> str:
    return json.dumps(entries, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v),
                      ensure_ascii=False, indent=2)


def as_table(entries: list[dict]) -> str:
    """A fixed-width table, then a line per reason and per figure that moved."""
    when = lambda v: v.strftime("%Y-%m-%d %H:%M") if v else "-"  # noqa: E731
    head = ("source", "kind", "status", "since", "last run", "last ok", "last new article")
    rows = [(e["source"], e["kind"], (e["status"] or ("never run" if e["enabled"] else "disabled")),
             when(e["since"]), when(e["last_run_at"]), when(e["last_ok_at"]), when(e["last_new_at"])) for e in entries]
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip() for r in [head, *rows]]
    for e in entries:
        for code, why in e["details"].items():
            lines.append(f"  {e['source']}: {code}: {why}")
        for figure, change in e["moved"].items():
            lines.append(f"  {e['source']}: {figure.replace('_', ' ')} {change['now']:g} (usually {change['usually']:g})")
    return "\n".join(lines)
