"""What `akhbar eval events GOLD` got wrong, article by article: for each kind the gold items the warehouse
missed (-) and what it holds that the gold does not (+). For reading errors on a development split:

    .venv/bin/python tools/events_errors.py GOLD.json [--kinds events,quotes] [--split dev]

`--split` keeps the articles of evaluation/gold/news-sample.json with that split (its held-out half is
scored, never read: see docs/enrichment.md)."""
from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

from evaluation.events import KINDS, _date_value, _keys, _predicted, read_gold
from tasks.enrich.entities import entity_type
from tasks.text.normalize import text_key

SAMPLE = Path(__file__).resolve().parent.parent / "evaluation" / "gold" / "news-sample.json"


def _gold_items(kind: str, gold: dict) -> list[str]:
    if kind == "events":
        return [f"{e['type']} {e.get('actor')} -> {e.get('target')} [{e.get('cameo')}]" for e in gold.get("events", [])]
    if kind == "events":
        (gt, ga, _, gb), (pt, pa, _, pb) = (re.match(r"(\S+) (.*?) (->) (.*?) \[", x).groups() for x in (g, p))
        def named(gn, pn):
            return pn == "None" if gn == "None" else text_key(pn) in _keys(gold, gn)
        return gt == pt and named(ga, pa) and named(gb, pb)
    if kind == "quotes":
        return [f"{q['speaker']}: {q['begins']}" for q in gold.get("quotes", [])]
    if kind == "dates":
        return [f"{d['text']} = {d['value']} {d['granularity']}" for d in gold.get("dates", [])]
    if kind == "entities":
        return [f"{e['name']} {entity_type(e['type'])}" for e in gold.get("entities", []) if entity_type(e["type"]) != "MISC"]
    return list(gold.get("agencies_cited", []))


def _pred_items(kind: str, pred: dict) -> list[str]:
    names = pred["names"]

    def name(eid):
        return names[eid][0] if eid in names else None
    if kind == "events":
        return [f"{t} {name(a)} -> {name(b)} [{mode}]" for t, mode, a, b in pred["events"]]
    if kind == "events":
        (gt, ga, _, gb), (pt, pa, _, pb) = (re.match(r"(\S+) (.*?) (->) (.*?) \[", x).groups() for x in (g, p))
        def named(gn, pn):
            return pn == "None" if gn == "None" else text_key(pn) in _keys(gold, gn)
        return gt == pt and named(ga, pa) and named(gb, pb)
    if kind == "quotes":
        return [f"{name(s)}: {' '.join(text.split()[:8])}" for s, text in pred["quotes"]]
    if kind == "dates":
        return [f"{s} = {_date_value(v, g)} {g}" for s, v, g in pred["dates"]]
    if kind == "entities":
        return sorted({f"{names[e][0]} {names[e][1]}" for e, _, t in pred["mentions"] if t != "MISC"})
    return sorted({s for s, _ in pred["agencies"]})


def _same(kind: str, gold: dict, g: str, p: str) -> bool:
    """Loose comparison for display: the scorer's own match is in evaluation.events.score_article."""
    if kind == "entities":
        gn, gt = g.rsplit(" ", 1)
        pn, pt = p.rsplit(" ", 1)
        return gt == pt and text_key(pn) in _keys(gold, gn)
    if kind == "events":
        (gt, ga, _, gb), (pt, pa, _, pb) = (re.match(r"(\S+) (.*?) (->) (.*?) \[", x).groups() for x in (g, p))
        def named(gn, pn):
            return pn == "None" if gn == "None" else text_key(pn) in _keys(gold, gn)
        return gt == pt and named(ga, pa) and named(gb, pb)
    if kind == "dates":
        (gs, gv), (ps, pv) = g.split(" = ", 1), p.split(" = ", 1)
        return gv == pv and (text_key(ps) in text_key(gs) or text_key(gs) in text_key(ps))
    if kind == "quotes":
        (gs, gb), (ps, pb) = g.split(": ", 1), p.split(": ", 1)
        return text_key(ps) in _keys(gold, gs) and text_key(pb).startswith(text_key(gb))
    return text_key(g) == text_key(p)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--split", choices=["dev", "heldout"])
    args = parser.parse_args()
    articles = read_gold(args.gold)
    if args.split:
        keep = {a["id"] for a in json.loads(SAMPLE.read_text(encoding="utf-8")) if a["split"] == args.split}
        articles = {k: v for k, v in articles.items() if k in keep}
    with tempfile.TemporaryDirectory() as tmp:
        predicted = _predicted(articles, Path(tmp))
    for aid in sorted(articles):
        print(f"== {aid}")
        for kind in args.kinds.split(","):
            gold_items = _gold_items(kind, articles[aid])
            pred_items = _pred_items(kind, predicted[aid])
            missed = [g for g in gold_items if not any(_same(kind, articles[aid], g, p) for p in pred_items)]
            extra = [p for p in pred_items if not any(_same(kind, articles[aid], g, p) for g in gold_items)]
            for g in missed:
                print(f"  {kind} - {g}")
            for p in extra:
                print(f"  {kind} + {p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
