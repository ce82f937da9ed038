"""Labelled NER data: `token tag` files (ANERcorp style) read into sentences with clean BIO tags, and
entity spans of a tag sequence (CoNLL-2003 chunking: an I- tag after O or another type opens an entity)."""
from __future__ import annotations

import re
from pathlib import Path

TYPES = ("PERS", "ORG", "LOC", "MISC")
_TAG = re.compile(r"^(?:O|[BI]-?[A-Z]{2,5}(?:[BI]-[A-Z]{2,5})?)$")
_TYPO = {"PER": "PERS", "ERS": "PERS", "ORF": "ORG", "OEG": "ORG"}
_INVISIBLE = re.compile("[\u200e\u200f\u200b\ufeff]")

Sentence = tuple[list[str], list[str]]


def clean_tag(tag: str) -> str:
    """A BIO tag with the type spelled as in TYPES; malformed tags (`o`, `B-ERS`, `IPERS`, ``) repaired."""
    t = _INVISIBLE.sub("", tag).strip().upper()
    if not t or t == "O" or t[0] not in "BI":
        return "O"
    kinds = re.findall(r"PERS|PER|ERS|ORG|ORF|OEG|LOC|MISC", t)
    if not kinds:
        return "O"
    kind = _TYPO.get(kinds[-1], kinds[-1])
    return f"{t[0]}-{kind}"


def _is_tag(field: str) -> bool:
    return bool(_TAG.match(_INVISIBLE.sub("", field).strip().upper()))


def parse_line(line: str) -> list[tuple[str, str]]:
    """(token, tag) pairs of one line; repairs swapped fields (`B-PERS name`) and glued ones (`.O`)."""
    fields = [f for f in (_INVISIBLE.sub("", f) for f in line.split()) if f]
    if not fields:
        return []
    if len(fields) == 1:
        m = re.match(r"^(.*?)(O|[BI]-[A-Za-z]+)$", fields[0])
        if m and m.group(1):
            return [(m.group(1), clean_tag(m.group(2)))]
        return []  # a tag with no token
    if _is_tag(fields[0]) and not _is_tag(fields[-1]):
        fields = fields[1:] + fields[:1]
    if len(fields) == 2:
        return [(fields[0], clean_tag(fields[1]))]
    glued = re.match(r"^(O|[BI]-[A-Za-z]+)(\S+)$", fields[1])
    if len(fields) == 3 and glued:  # `. Oالإصابة O`: a tag glued to the next token
        return [(fields[0], clean_tag(glued.group(1))), (glued.group(2), clean_tag(fields[2]))]
    return [("".join(fields[:-1]), clean_tag(fields[-1]))]


def read_tagged(path: str | Path, split_on_period: bool = True) -> list[Sentence]:
    """Sentences of a `token tag` file: split at blank lines and, if asked, after `.` tokens."""
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []

    def close() -> None:
        if tokens:
            sentences.append((tokens.copy(), tags.copy()))
            tokens.clear()
            tags.clear()

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                close()
                continue
            for token, tag in parse_line(line):
                tokens.append(token)
                tags.append(tag)
                if split_on_period and token == "." and tag == "O":
                    close()
    close()
    return sentences


def spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Entities of a BIO sequence as (first token, end token exclusive, type)."""
    out: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, t = tag.partition("-")
        if start >= 0 and (prefix != "I" or t != kind):
            out.append((start, i, kind))
            start = -1
        if prefix == "B" or (prefix == "I" and start < 0):
            start, kind = i, t
    return out


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
