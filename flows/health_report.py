"""What operators are told of source health at the end of a run: a Prefect event per source in trouble (and
one when it recovers), a log line each, and a health table with each source's trend for the summary artifact."""
from __future__ import annotations

import logging
import uuid

from prefect.events import emit_event

EVENT_PREFIX = "akhbar.source"  # events akhbar.source.degraded | .failing | .recovered, resource akhbar.source.<name>
GLYPHS = {"ok": "✓", "degraded": "!", "failing": "✗"}
BARS = "▁▂▃▄▅▆▇█"


def source_event(row: dict, previous: str | None) -> tuple[str, dict] | None:
    """The event a source's health row calls for (name, payload), or None: `degraded` or `failing` while it is
    in trouble, `recovered` on its first ok run after trouble."""
    if row["status"] == "ok" and previous in (None, "ok"):
        return None
    name = f"{EVENT_PREFIX}.{'recovered' if row['status'] == 'ok' else row['status']}"
    payload = {k: row[k] for k in ("source", "kind", "flow", "run_id", "status", "reasons", "details", "baseline",
                                   "listed", "new_listed", "requests", "fetched", "documents", "articles",
                                   "articles_new", "rejects", "yield", "median_words")}
    payload["previous_status"] = previous
    return name, payload


def tell_prefect(rows: list[dict], trends: dict[str, dict], logger: logging.Logger | logging.LoggerAdapter) -> None:
    """Log each source's status and emit its event. An event's id is made from the run and the source, so
    a run judged again (a retried flow) sends the same event, which Prefect keeps once."""
    for row in rows:
        trend = trends.get(row["source"], {}).get("trend", [])
        previous = trend[-2]["status"] if len(trend) >= 2 else None
        if row["status"] != "ok":
            logger.warning("source %s is %s: %s", row["source"], row["status"],
                           "; ".join(f"{code}: {why}" for code, why in row["details"].items()))
        event = source_event(row, previous)
        if event is None:
            continue
        name, payload = event
        emit_event(event=name, payload=payload,
                   resource={"prefect.resource.id": f"{EVENT_PREFIX}.{row['source']}",
                             "prefect.resource.name": row["source"], "akhbar.source.kind": row["kind"]},
                   id=uuid.uuid5(uuid.NAMESPACE_URL, f"akhbar:{row['run_id']}:{row['source']}"))


def spark(values: list[float | None]) -> str:
    """A bar per value, scaled to the largest; a gap for a run without one."""
    top = max((v for v in values if v is not None), default=0) or 1
    return "".join(" " if v is None else BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))] for v in values)


def health_markdown(rows: list[dict], trends: dict[str, dict]) -> str:
    """The health table of a run's summary: per source its status and reasons, this run's figures, and its
    last runs' statuses, yields and median words, oldest first."""
    if not rows:
        return ""
    lines = ["\n## Source health\n",
             "| source | status | reasons | new articles | articles / page | median words | last runs | yield trend | words trend |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        trend = trends.get(r["source"], {}).get("trend", [])
        fmt = lambda v, spec: "–" if v is None else format(v, spec)  # noqa: E731
        lines.append(f"| {r['source']} | {r['status']} | {', '.join(r['reasons']) or '–'} | {r['articles_new']} "
                     f"| {fmt(r['yield'], '.2f')} | {fmt(r['median_words'], '.0f')} "
                     f"| {''.join(GLYPHS[p['status']] for p in trend)} | `{spark([p['yield'] for p in trend])}` "
                     f"| `{spark([p['median_words'] for p in trend])}` |")
    details = [f"- **{r['source']}** {code}: {why}" for r in rows for code, why in r["details"].items()]
    return "\n".join(lines) + ("\n\n" + "\n".join(details) if details else "") + "\n"
