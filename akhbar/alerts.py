"""The Prefect automation that tells operators when a source breaks (`make serve` runs this against its
server; by hand: `PREFECT_API_URL=... python -m akhbar.alerts`).

Every run emits `akhbar.source.degraded` or `akhbar.source.failing` for a source in trouble and
`akhbar.source.recovered` when it is back (flows/health_report.py). The automation "akhbar: source health"
sends each of them to a notification block:
- AKHBAR_ALERT_WEBHOOK=<url>: a Custom Webhook block `akhbar-source-alerts` that POSTs JSON
  {"subject", "body", "name"} to the URL (made or updated here);
- AKHBAR_ALERT_BLOCK=<block-type-slug>/<name>: a notification block made in the UI (Slack, Teams, email...).
With neither set, no automation is made: the events are still in the UI's event feed."""
from __future__ import annotations

import os
import sys

from prefect.automations import Automation, EventTrigger, Posture, SendNotification
from prefect.blocks.core import Block
from prefect.blocks.notifications import CustomWebhookNotificationBlock
from prefect.exceptions import ObjectNotFound

AUTOMATION = "akhbar: source health"
WEBHOOK_BLOCK = "akhbar-source-alerts"
EVENTS = {"akhbar.source.degraded", "akhbar.source.failing", "akhbar.source.recovered"}
SUBJECT = "akhbar: source {{ event.payload.source }} is {{ event.payload.status }}"
BODY = ("Source {{ event.payload.source }} ({{ event.payload.kind }}) is {{ event.payload.status }}"
        "{% if event.payload.previous_status %} (was {{ event.payload.previous_status }}){% endif %}"
        " after {{ event.payload.flow }} run {{ event.payload.run_id }}."
        "{% for code, why in event.payload.details.items() %}\n- {{ code }}: {{ why }}{% endfor %}")


class AlertSetupError(RuntimeError):
    """The alert settings name something that cannot be used; the message says what."""


def notification_block_id(environ: dict[str, str]) -> str | None:
    """The id of the block alerts go to, made from the environment; None when none is configured."""
    webhook, named = environ.get("AKHBAR_ALERT_WEBHOOK", "").strip(), environ.get("AKHBAR_ALERT_BLOCK", "").strip()
    if webhook and named:
        raise AlertSetupError("set AKHBAR_ALERT_WEBHOOK or AKHBAR_ALERT_BLOCK, not both")
    if webhook:
        if not webhook.startswith(("http://", "https://")):
            raise AlertSetupError(f"AKHBAR_ALERT_WEBHOOK must be an http(s) URL, not {webhook!r}")
        block = CustomWebhookNotificationBlock(name=WEBHOOK_BLOCK, url=webhook,
                                               json_data={"subject": "{{subject}}", "body": "{{body}}", "name": "{{name}}"})
        return str(block.save(WEBHOOK_BLOCK, overwrite=True))
    if named:
        try:
            block = Block.load(named)
        except (ValueError, ObjectNotFound) as exc:
            raise AlertSetupError(f"AKHBAR_ALERT_BLOCK={named!r}: no such block ({exc}); the form is <block-type-slug>/<name>") from None
        if "notify" not in block.get_block_capabilities():
            raise AlertSetupError(f"AKHBAR_ALERT_BLOCK={named!r} is not a notification block")
        return str(block._block_document_id)
    return None


def ensure_automation(block_id: str) -> Automation:
    """Make the automation, or replace the one of the same name (so that a new block or template takes)."""
    try:
        Automation.read(name=AUTOMATION).delete()
    except (ValueError, ObjectNotFound):
        pass
    trigger = EventTrigger(expect=EVENTS, match={"prefect.resource.id": "akhbar.source.*"}, posture=Posture.Reactive,
                           threshold=1, within=0)
    return Automation(name=AUTOMATION, description="Notify when a source of akhbar degrades, fails or recovers",
                      trigger=trigger, actions=[SendNotification(block_document_id=block_id, subject=SUBJECT, body=BODY)]
                      ).create()


def main() -> int:
    try:
        block_id = notification_block_id(dict(os.environ))
    except AlertSetupError as exc:
        print(f"akhbar alerts: {exc}", file=sys.stderr)
        return 2
    if block_id is None:
        print("akhbar alerts: AKHBAR_ALERT_WEBHOOK and AKHBAR_ALERT_BLOCK are unset: no notifications "
              "(source health events are still in the UI's event feed)", flush=True)
        return 0
    automation = ensure_automation(block_id)
    print(f"akhbar alerts: automation {automation.name!r} ({automation.id}) notifies block {block_id}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
