"""Entity-level scores of the recogniser on a `token tag` file: exact span and type, CoNLL-2003 style
(micro precision, recall and F1 over all entities, and per type). The file's tokens are tagged as given."""
from __future__ import annotations

from pathlib import Path

from tasks.ner_data import TYPES, Sentence, read_tagged, spans


class NerInputError(ValueError):
    pass


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score(gold: list[list[str]], pred: list[list[str]]) -> dict:
    """Scores of predicted tag sequences against gold ones (same sentences, same tokens)."""
    counts = {t: [0, 0, 0] for t in TYPES}  # true positives, predicted, gold
    for g_tags, p_tags in zip(gold, pred, strict=True):
        g, p = set(spans(g_tags)), set(spans(p_tags))
        for span in g & p:
            counts[span[2]][0] += 1
        for span in p:
            counts[span[2]][1] += 1
        for span in g:
            counts[span[2]][2] += 1
    tp, n_pred, n_gold = (sum(c[i] for c in counts.values()) for i in range(3))
    return {
        "micro": _prf(tp, n_pred, n_gold),
        "per_type": {t: {**_prf(*c), "n_gold": c[2], "n_pred": c[1]} for t, c in counts.items()},
        "n_gold": n_gold,
        "n_pred": n_pred,
    }


def eval_sentences(sentences: list[Sentence]) -> dict:
    """Tag the sentences' tokens with the shipped model (in order, as one running text) and score them."""
    from tasks.ner import tag_sentences

    return score([tags for _, tags in sentences], tag_sentences([tokens for tokens, _ in sentences]))


def eval_ner(path: str | Path) -> dict:
    """Scores of the shipped model on a `token tag` file (sentences at blank lines and `.` tokens)."""
    try:
        sentences = read_tagged(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise NerInputError(f"cannot read {path}: {exc}") from exc
    if not sentences:
        raise NerInputError(f"{path}: no `token tag` lines")
    return eval_sentences(sentences)
