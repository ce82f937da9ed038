"""What `akhbar eval events GOLD` got wrong, article by article: for each kind the gold items the warehouse
missed (-) and what it holds that the gold does not (+), by the scorer's own matching
(`evaluation.events.mismatches`). For reading errors on a development set:

    .venv/bin/python tools/events_errors.py GOLD.json [--kinds events,quotes] [--split dev]

`--split` keeps the articles of evaluation/gold/news-sample.json with that split (its held-out half is
scored, never read: docs/enrichment.md)."""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from evaluation.events import KINDS, _date_value, _predicted, mismatches, read_gold

SAMPLE = Path(__file__).resolve().parent.parent / "evaluation" / "gold" / "news-sample.json"


def _gold_text(kind: str, item) -> str:
    if kind == "events":
        return f"{item['type']} {item.get('actor')} -> {item.get('target')} [{item.get('cameo')}]"
    if kind == "quotes":
        return f"{item['speaker']}: {item['begins']}"
    if kind == "dates":
        return f"{item['text']} = {item['value']} {item['granularity']}"
    if kind == "entities":
        return f"{item['name']} {item['type']}"
    return item


def _pred_text(kind: str, item, names: dict) -> str:
    def name(eid):
        return names[eid][0] if eid in names else None
    if kind == "events":
        event_type, mode, actor, target = item
        return f"{event_type} {name(actor)} -> {name(target)} [{mode}]"
    if kind == "quotes":
        speaker, text = item
        return f"{name(speaker)}: {' '.join(text.split()[:8])}"
    if kind == "dates":
        surface, value, granularity = item
        return f"{surface} = {_date_value(value, granularity)} {granularity}"
    if kind == "entities":
        return f"{names[item][0]} {names[item][1]}"
    return " / ".join(sorted(item))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--split", choices=["dev", "heldout"])
    args = parser.parse_args()
    kinds = args.kinds.split(",")
    if unknown := set(kinds) - set(KINDS):
        parser.error(f"unknown kinds {sorted(unknown)}; choose among {', '.join(KINDS)}")
    articles = read_gold(args.gold)
    if args.split:
        keep = {a["id"] for a in json.loads(SAMPLE.read_text(encoding="utf-8")) if a["split"] == args.split}
        articles = {k: v for k, v in articles.items() if k in keep}
    with tempfile.TemporaryDirectory() as tmp:
        predicted = _predicted(articles, Path(tmp))
    for aid in sorted(articles):
        print(f"== {aid}")
        wrong = mismatches(articles[aid], predicted[aid])
        for kind in kinds:
            missed, extra = wrong[kind]
            for item in missed:
                print(f"  {kind} - {_gold_text(kind, item)}")
            for item in extra:
                print(f"  {kind} + {_pred_text(kind, item, predicted[aid]['names'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
