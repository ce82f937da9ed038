"""The learned-events experiment of docs/enrichment.md ("Measured, not shipped"), reproducible: two logistic
regressions trained on the read gold only (seeds, dev-articles, news-dev), scored by 5-fold cross-validation
over articles (split by the SHA-1 of the id) and, trained on all the read gold, on news-heldout (the totals
only: nothing of the held-out half is printed but its score).

- `args`: a learned choice of parties for the lexicon's triggers. Each trigger's candidates are every
  (actor, target or none) of the sentence's entities, with indicator features (side, rank and distance from the
  trigger, type, the word or clitic before, a comma between, whether the word-order rules chose it, all also
  conjoined with the event type and the trigger's kind); the best candidate is kept above a threshold.
- `pairs`: no trigger needed. Every (actor, target or none) of a sentence's entities, for every PLOVER type,
  with the sentence's light-stemmed words, the words between the two, the trigger types in the sentence and
  whether the rules found that event, conjoined with the type; an article's event is the best score over its
  sentences, kept above a threshold.

    .venv/bin/python tools/events_learned_cv.py          # under a minute on 2 cores
"""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix

import evaluation.events as ev
import tasks.enrich.store as store
from tasks.enrich import events as E
from tasks.enrich.event_lexicon import NEGATIONS, trigger_of

ROOT = Path(__file__).resolve().parent.parent
READ = {"seeds": ROOT.parent / "shared/gold/seeds.json", "dev": ROOT.parent / "shared/gold/dev-articles.json",
        "news": ROOT / "evaluation/gold/news-dev.json"}
HELDOUT = ROOT / "evaluation/gold/news-heldout.json"
TYPES = ["CONSULT", "AGREE", "SUPPORT", "COOPERATE", "AID", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST",
         "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]
_PREPS = {"مع", "الي", "في", "علي", "عن", "من", "ضد", "لدي", "نحو", "قرب", "خلال", "بين", "بعد", "قبل", "عبر", "حسب", "بحسب"}


def captured(path: Path) -> dict:
    """id -> (gold, article id, text, mentions, temporals, cited) and the warehouse's entity names, from one
    pipeline run of the gold file (what extract_events is given, caught on its way in)."""
    seen, real = {}, store.extract_events

    def catch(article_id, text, mentions, temporals, cited=()):
        seen[article_id] = (text, list(mentions), list(temporals), list(cited))
        return real(article_id, text, mentions, temporals, cited)
    articles = ev.read_gold(path)
    store.extract_events = catch
    try:
        with tempfile.TemporaryDirectory() as tmp:
            _, article_of, names = ev.ingest_gold(articles, Path(tmp))
    finally:
        store.extract_events = real
    return {"names": names, "articles": {article_of[k]: (articles[article_of[k]], k, *v) for k, v in seen.items()}}


def _named(gold, names, gold_name, eid) -> bool:
    return eid is None if not gold_name else ev._entity_key(names, eid) in ev._keys(gold, gold_name)


def _bucket(n: int) -> str:
    return str(n) if n <= 2 else "3-5" if n <= 5 else "6-10" if n <= 10 else "11+"


def _word_at(words, pos: int) -> int:
    return next((k for k, (_, e, _) in enumerate(words) if e > pos), len(words) - 1)


def _party(text, words, i, sp, agents, role):
    k = _word_at(words, sp.start)
    side = "B" if k < i else "A"
    rank = 1 + len({o.entity_id for o in agents if (i < _word_at(words, o.start) < k if side == "A" else k < _word_at(words, o.start) < i)})
    prev = words[k - 1][2] if k else ""
    prev = prev[1:] if prev[:1] in ("و", "ف") and len(prev) > 2 else prev
    clitic = text[sp.start - 1] if sp.start and text[sp.start - 1].isalpha() else ""
    gap = text[words[i][1]:sp.start] if side == "A" else text[sp.end:words[i][0]]
    return [f"{role}side={side}", f"{role}rank={side}{_bucket(rank)}", f"{role}dist={side}{_bucket(abs(k - i))}",
            f"{role}type={sp.type}", f"{role}prev={prev if prev in _PREPS else '-'}", f"{role}clitic={clitic}",
            f"{role}comma={'،' in gap}"]


def args_candidates(text, mentions, cited):
    """((type, actor id, target id), features, trigger position) of every candidate of every trigger."""
    spans = E.event_spans(text, mentions, cited)
    for sent, i, trig, kind, rule in E._triggers(text, spans):
        nearest = {}
        for sp in sent.agents:
            if sp.entity_id not in nearest or abs(sp.start - sent.words[i][0]) < abs(nearest[sp.entity_id].start - sent.words[i][0]):
                nearest[sp.entity_id] = sp
        agents = sorted(nearest.values(), key=lambda sp: sp.start)
        for a in agents:
            for t in [None, *agents]:
                if t is not None and t.entity_id == a.entity_id:
                    continue
                base = _party(text, sent.words, i, a, agents, "a.")
                base += ["t.none"] if t is None else _party(text, sent.words, i, t, agents, "t.") + [f"order={a.start < t.start}"]
                rule_a = rule is not None and rule[0].entity_id == a.entity_id
                rule_t = rule is not None and (rule[1].entity_id if rule[1] else None) == (t.entity_id if t else None)
                base += [f"rule.a={rule_a}", f"rule.t={rule_t}", f"rule.pair={rule_a and rule_t}", f"rule.any={rule is not None}"]
                feats = ["bias", f"type={trig.event_type}", f"mode={trig.mode}", f"kind={kind}"]
                for f in base:
                    feats += [f, f"{trig.event_type}|{f}", f"{kind}|{f}"]
                yield (trig.event_type, a.entity_id, t.entity_id if t else None), feats, (sent.start, i)


def _stem(w: str) -> str:
    if w[:1] in "وف" and len(w) > 4:
        w = w[1:]
    if w[:1] in "بل" and len(w) > 4:
        w = w[1:]
    if w.startswith("ال") and len(w) > 4:
        w = w[2:]
    for e in ("هما", "هم", "ها", "ه", "ات", "ون", "ين"):
        if w.endswith(e) and len(w) - len(e) >= 3:
            return w[:-len(e)]
    return w


def pairs_candidates(text, mentions, cited):
    """((type, actor id, target id), features, sentence) for every pair of a sentence's entities and every type."""
    spans = E.event_spans(text, mentions, cited)
    rules = {(e.event_type, e.actor_entity_id, e.target_entity_id) for e in E.extract_events("x", text, mentions, [], cited)}
    for s_start, s_end in E.sentences(text):
        words = E._words(text, s_start, s_end)
        agents = list({sp.entity_id: sp for sp in reversed(E._agents_in(spans, s_start, s_end))}.values())[::-1][:8]
        if not agents:
            continue
        types = {h[0].event_type for i, (_, _, w) in enumerate(words)
                 if (h := trigger_of(w, [x for _, _, x in words[i + 1:i + 5]])) and not (i and words[i - 1][2] in NEGATIONS)}
        lex = ["w=" + _stem(w) for _, _, w in words] + [f"trig={t}" for t in types]
        for ai, a in enumerate(agents):
            for t in [None, *agents]:
                if t is not None and t.entity_id == a.entity_id:
                    continue
                pf = ["bias", f"a.rank={min(ai, 3)}", f"a.type={a.type}", "t.none" if t is None else f"t.type={t.type}",
                      f"a.prev={next((w for s, e, w in reversed(words) if e <= a.start), '')}"]
                if t is not None:
                    between = [_stem(w) for s, e, w in words if min(a.end, t.end) <= s and e <= max(a.start, t.start)]
                    pf += [f"order={a.start < t.start}", f"gap={min(len(between), 6)}", *("b=" + w for w in between[:8]),
                           f"t.prev={next((w for s, e, w in reversed(words) if e <= t.start), '')}"]
                for T in TYPES:
                    key = (T, a.entity_id, t.entity_id if t else None)
                    yield key, [T + "|" + x for x in lex + pf] + [f"rule={key in rules}", f"{T}|rule={key in rules}"], s_start


def _fit(X, y, C):
    vocab = {}
    rows, cols = [], []
    for r, f in enumerate(X):
        for k in set(f):
            rows.append(r)
            cols.append(vocab.setdefault(k, len(vocab)))
    M = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(X), len(vocab)))
    yy = np.array(y, float)

    def loss(w):
        z = M @ w
        return np.sum(np.logaddexp(0, z) - yy * z) + 0.5 / C * w @ w, M.T @ (1 / (1 + np.exp(-z)) - yy) + w / C
    w = minimize(loss, np.zeros(len(vocab)), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    return {k: float(w[j]) for k, j in vocab.items()}


def _examples(gen, data, aids):
    X, y = [], []
    for aid in aids:
        gold, _, text, mentions, _, cited = data["articles"][aid]
        for (T, a, t), f, _ in gen(text, mentions, cited):
            X.append(f)
            y.append(int(any(g["type"] == T and _named(gold, data["names"], g.get("actor"), a)
                             and _named(gold, data["names"], g.get("target"), t) for g in gold.get("events", []))))
    return X, y


def _decode(model: str, gen, w, th, text, mentions, cited):
    """The article's events: the best candidate of each trigger (`args`) or of each key (`pairs`) above th."""
    best: dict = {}
    for key, f, group in gen(text, mentions, cited):
        p = 1 / (1 + np.exp(-sum(w.get(x, 0.0) for x in f)))
        slot = group if model == "args" else key
        if p >= th and (slot not in best or p > best[slot][0]):
            best[slot] = (p, key)
    return list({key for _, key in best.values()})


def _counts(model, gen, w, th, data, aids):
    m = g = n = 0
    for aid in aids:
        gold, _, text, mentions, _, cited = data["articles"][aid]
        pred = {"names": data["names"], "events": [(T, "", a, t) for T, a, t in _decode(model, gen, w, th, text, mentions, cited)],
                "quotes": [], "dates": [], "mentions": [], "agencies": []}
        gl, pl, same = ev.comparisons(gold, pred)["events"]
        m, g, n = m + len(ev._pairs(gl, pl, same)), g + len(gl), n + len(pl)
    return np.array([m, g, n])


def _prf(c) -> str:
    m, g, n = c
    p, r = (m / n if n else 0.0), m / g
    return f"F1 {2 * p * r / (p + r) if p + r else 0:.3f} (P {p:.3f} R {r:.3f}; {m}/{g} matched, {n} predicted)"


def main() -> int:
    read = {name: captured(path) for name, path in READ.items()}
    items = [(s, aid) for s in read for aid in read[s]["articles"]]
    folds = [[x for x in items if int(hashlib.sha1(x[1].encode()).hexdigest(), 16) % 5 == f] for f in range(5)]
    heldout = captured(HELDOUT)
    for model, gen, C, thetas in (("args", args_candidates, 0.03, (0.1, 0.15, 0.2)),
                                  ("pairs", pairs_candidates, 0.1, (0.08, 0.12, 0.16, 0.2))):
        totals = {th: np.zeros(3, int) for th in thetas}
        for f in range(5):
            X, y = [], []
            for s in read:
                a, b = _examples(gen, read[s], [aid for k, fold in enumerate(folds) if k != f for ss, aid in fold if ss == s])
                X, y = X + a, y + b
            w = _fit(X, y, C)
            for th in thetas:
                for s in read:
                    totals[th] += _counts(model, gen, w, th, read[s], [aid for ss, aid in folds[f] if ss == s])
        for th in thetas:
            print(f"{model} C={C} threshold={th}: 5-fold CV on the read gold {_prf(totals[th])}")
        best = max(thetas, key=lambda th: (2 * totals[th][0] / (totals[th][1] + totals[th][2]), -th))
        X, y = [], []
        for s in read:
            a, b = _examples(gen, read[s], list(read[s]["articles"]))
            X, y = X + a, y + b
        w = _fit(X, y, C)
        print(f"{model} threshold={best} trained on all the read gold: news-heldout "
              f"{_prf(_counts(model, gen, w, best, heldout, list(heldout['articles'])))}")
    rules = np.zeros(3, int)
    for s in read:
        for aid, (gold, art, text, mentions, temps, cited) in read[s]["articles"].items():
            pred = {"names": read[s]["names"], "events": [(e.event_type, e.mode, e.actor_entity_id, e.target_entity_id)
                                                          for e in E.extract_events(art, text, mentions, temps, cited)],
                    "quotes": [], "dates": [], "mentions": [], "agencies": []}
            gl, pl, same = ev.comparisons(gold, pred)["events"]
            rules += [len(ev._pairs(gl, pl, same)), len(gl), len(pl)]
    print(f"rules on the read gold {_prf(rules)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
