"""`akhbar eval events GOLD`: articles run through the real pipeline into a temporary warehouse, then what
the warehouse holds is compared with hand-made gold (the shape of ../shared/gold/seeds.json):

- events: type, actor and target must match (a name matches an entity when its normalized form is the
  entity's canonical name or one of the gold entity's aliases);
- quotes: the speaker must match and the quoted text must begin with the gold beginning;
- dates: value and granularity equal, surfaces overlapping;
- entities: the distinct entities of the article (PER, ORG, LOC) against the gold list;
- agencies: the agencies and outlets cited.

An article's text is its `text` field, else the seed file `<id>.txt` beside the gold's `seeds/` folder
(or the project's `seeds/`); its publication date is `published`, else the seeds' manifest's.
"""
from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

from evaluation.grouping import labelled_document
from tasks.enrich.entities import entity_type, name_key
from tasks.run.pipeline import process_documents
from tasks.run.tally import Tally
from tasks.text.normalize import text_key
from tasks.warehouse.database import Warehouse, apply_migrations

PROJECT_SEEDS = Path(__file__).resolve().parent.parent / "seeds"
KINDS = ("events", "quotes", "dates", "entities", "agencies")


class EventsInputError(ValueError):
    pass


def _seed_dirs(gold_path: Path) -> list[Path]:
    return [gold_path.parent.parent / "seeds", PROJECT_SEEDS]


def read_gold(path: str | Path) -> dict[str, dict]:
    """id -> gold article with `text` and `published` filled in."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EventsInputError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("articles"), dict):
        raise EventsInputError(f'{path}: expected {{"articles": {{id: {{"events": [...], ...}}}}}}')
    manifests = {}
    for folder in _seed_dirs(path):
        try:
            manifests.update(json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("articles", {}))
        except (OSError, json.JSONDecodeError):
            pass
    articles = {}
    for aid, gold in data["articles"].items():
        if not isinstance(gold, dict):
            raise EventsInputError(f"{path}: article {aid!r} is not an object")
        text = gold.get("text")
        if text is None:
            seed = next((f / f"{aid}.txt" for f in _seed_dirs(path) if (f / f"{aid}.txt").is_file()), None)
            if seed is None:
                raise EventsInputError(f"{path}: article {aid!r} has no text and no seed file {aid}.txt")
            text = seed.read_text(encoding="utf-8")
        published = gold.get("published") or manifests.get(f"{aid}.txt", {}).get("published")
        articles[str(aid)] = {**gold, "text": text, "published": published}
    return articles


def ingest_gold(articles: dict[str, dict], workdir: Path) -> tuple[Warehouse, dict[str, str], dict[str, tuple[str, str]]]:
    """The gold articles through the real pipeline into a new warehouse in `workdir`: the warehouse, its
    article ids -> gold ids, and its entity ids -> (name, type)."""
    wh = Warehouse(workdir / "eval.duckdb")
    with wh.connect() as con:
        apply_migrations(con)
    docs, by_doc = [], {}
    for aid, gold in sorted(articles.items()):
        doc = labelled_document(aid, gold["text"], {"published": gold["published"]} if gold["published"] else {})
        by_doc[doc.doc_id] = aid
        docs.append(doc)
    process_documents(wh, "eval", docs, [], Tally())
    with wh.connect() as con:
        article_of = {a: by_doc[d] for a, d in con.execute("SELECT article_id, doc_id FROM articles").fetchall()}
        names = {e: (n, t) for e, n, t in con.execute("SELECT entity_id, name, type FROM entities").fetchall()}
    return wh, article_of, names


def _predicted(articles: dict[str, dict], workdir: Path) -> dict[str, dict]:
    """id -> what the warehouse holds for that article after a pipeline run."""
    wh, article_of, names = ingest_gold(articles, workdir)
    out = {aid: {"article_id": None, "entities": {}, "mentions": [], "quotes": [], "dates": [], "events": [], "agencies": []}
           for aid in articles}
    with wh.connect() as con:
        queries = {
            "mentions": "SELECT article_id, entity_id, surface, type FROM mentions ORDER BY start",
            "quotes": "SELECT article_id, coalesce(speaker_entity_id, via_entity_id), text FROM quotes ORDER BY start",
            "dates": "SELECT article_id, surface, strftime(value, '%Y-%m-%d'), granularity FROM temporal_expressions ORDER BY start",
            "events": "SELECT article_id, event_type, mode, actor_entity_id, target_entity_id FROM events ORDER BY sentence_start",
            "agencies": "SELECT article_id, surface, full_surface FROM attributions ORDER BY start",
        }
        for kind, sql in queries.items():
            for row in con.execute(sql).fetchall():
                if row[0] in article_of:
                    out[article_of[row[0]]][kind].append(row[1:])
    for pred in out.values():
        pred["names"] = names
    return out


def _keys(gold_article: dict, name: str | None) -> set[str]:
    """The normalized forms a gold name goes by: itself and, for a gold entity, its aliases."""
    if not name:
        return set()
    keys = {text_key(name)}
    for e in gold_article.get("entities", []):
        forms = {text_key(e["name"])} | {text_key(a) for a in e.get("aliases", [])}
        if keys & forms:  # the gold names the entity by its name or by one of its aliases
            keys |= forms
    return keys


def _entity_key(names: dict, eid: str | None) -> str | None:
    return text_key(names[eid][0]) if eid and eid in names else None


def _pairs(gold: list, pred: list, same) -> list[tuple[int, int]]:
    """Greedy one-to-one matches (gold index, predicted index) between gold and predicted items."""
    used, pairs = set(), []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if j not in used and same(g, p):
                used.add(j)
                pairs.append((i, j))
                break
    return pairs


def _date_value(value: str | None, granularity: str) -> str | None:
    if value is None:
        return None
    return {"day": value, "month": value[:7], "year": value[:4]}[granularity]


def comparisons(gold: dict, pred: dict) -> dict[str, tuple[list, list, object]]:
    """Per kind: (gold items, predicted items, the test that a predicted item matches a gold one)."""
    names = pred["names"]

    def named(gold_name, eid) -> bool:
        if not gold_name:
            return eid is None
        return _entity_key(names, eid) in _keys(gold, gold_name)

    forms: dict[str, set[str]] = {}  # one agency per name, however many times and forms it is cited
    for surface, full in pred["agencies"]:
        forms.setdefault(text_key(surface), {text_key(surface)}).add(text_key(full))
    return {
        "events": (gold.get("events", []), pred["events"],
                   lambda g, p: g["type"] == p[0] and named(g.get("actor"), p[2]) and named(g.get("target"), p[3])),
        "quotes": (gold.get("quotes", []), pred["quotes"],
                   lambda g, p: named(g["speaker"], p[0]) and text_key(p[1]).startswith(text_key(g["begins"]))),
        "dates": (gold.get("dates", []), pred["dates"],
                  lambda g, p: _date_value(p[1], p[2]) == g["value"] and p[2] == g["granularity"]
                  and (text_key(p[0]) in text_key(g["text"]) or text_key(g["text"]) in text_key(p[0]))),
        "entities": ([e for e in gold.get("entities", []) if entity_type(e["type"]) != "MISC"],
                     sorted({eid for eid, _, t in pred["mentions"] if t != "MISC"}),
                     lambda g, eid: names[eid][1] == entity_type(g["type"]) and _entity_key(names, eid) in _keys(gold, g["name"])),
        "agencies": (gold.get("agencies_cited", []), [forms[k] for k in sorted(forms)], lambda g, p: text_key(g) in p),
    }


def score_article(gold: dict, pred: dict) -> dict[str, tuple[int, int, int]]:
    """(matched, gold, predicted) per kind for one article."""
    return {kind: (len(_pairs(g, p, same)), len(g), len(p)) for kind, (g, p, same) in comparisons(gold, pred).items()}


def mismatches(gold: dict, pred: dict) -> dict[str, tuple[list, list]]:
    """Per kind: (the gold items nothing matched, the predicted items that matched nothing)."""
    out = {}
    for kind, (g, p, same) in comparisons(gold, pred).items():
        pairs = _pairs(g, p, same)
        hit_g, hit_p = {i for i, _ in pairs}, {j for _, j in pairs}
        out[kind] = ([x for i, x in enumerate(g) if i not in hit_g], [x for j, x in enumerate(p) if j not in hit_p])
    return out


def _prf(matched: int, gold: int, predicted: int) -> dict:
    p = matched / predicted if predicted else 0.0
    r = matched / gold if gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "matched": matched, "gold": gold, "predicted": predicted}


def consistent_ids(gold: dict, pred: dict) -> tuple[int, int]:
    """(gold entities whose mentions all got one entity id, gold entities mentioned at all)."""
    ok = seen = 0
    for e in gold.get("entities", []):
        keys = {name_key(n, entity_type(e["type"])) for n in [e["name"], *e.get("aliases", [])]}
        ids = {eid for eid, surface, t in pred["mentions"] if t == entity_type(e["type"]) and name_key(surface, t) in keys}
        if ids:
            seen += 1
            ok += len(ids) == 1
    return ok, seen


def eval_events(path: str | Path) -> dict:
    articles = read_gold(path)
    with tempfile.TemporaryDirectory(prefix="akhbar-eval-events-") as tmp:
        predicted = _predicted(articles, Path(tmp))
    totals = {kind: Counter() for kind in KINDS}
    ok = seen = 0
    for aid, gold in articles.items():
        for kind, (m, g, p) in score_article(gold, predicted[aid]).items():
            totals[kind].update({"m": m, "g": g, "p": p})
        a, b = consistent_ids(gold, predicted[aid])
        ok, seen = ok + a, seen + b
    result = {kind: _prf(t["m"], t["g"], t["p"]) for kind, t in totals.items()}
    result["entity_ids_consistent"] = {"entities": seen, "one_id": ok}
    result["articles"] = len(articles)
    return result
