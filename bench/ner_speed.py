"""Speed of the Arabic NER on one core (`make bench-ner`): tokenize + features + CRF tagging, i.e.
`tasks.enrich.ner.tagger.recognise`.

Text: ANERcorp's training tokens in ../shared/data joined back into plain text (a paragraph per 20 sentences,
~125k tokens), cut into articles of about 600 tokens. The process is pinned to one CPU. Measured, in this
order: model load (lexicon, tagger, first call), a cold pass (every word type's features computed on first
sight), a warm pass over the same text (the per-type feature cache full), and peak RSS (VmHWM). Prints a table.

    python bench/ner_speed.py
"""
from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import date

from harness import ROOT, SHARED, git_commit, peak_rss_mb, print_table

from tasks.enrich.ner.data import read_tagged

TRAIN = SHARED / "data" / "ner" / "anercorp-train.txt"
ARTICLE_TOKENS = 600


def articles() -> list[str]:
    """The training text as plain articles of about ARTICLE_TOKENS tokens."""
    out, paragraphs, size = [], [], 0
    sentences = read_tagged(TRAIN)
    for i in range(0, len(sentences), 20):
        para = " ".join(" ".join(tokens) for tokens, _ in sentences[i:i + 20])
        paragraphs.append(para)
        size += len(para.split())
        if size >= ARTICLE_TOKENS:
            out.append("\n\n".join(paragraphs))
            paragraphs, size = [], 0
    if paragraphs:
        out.append("\n\n".join(paragraphs))
    return out


def measure() -> dict:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    texts = articles()
    started = time.perf_counter()
    from tasks.enrich.ner.tagger import recognise  # the import is part of loading

    recognise("تجربة")
    load = time.perf_counter() - started
    from tasks.enrich.ner.features import tokenize

    tokens = sum(len(tokenize(t)) for t in texts)
    row = {"articles": len(texts), "tokens": tokens, "load_s": load}
    for name in ("cold", "warm"):
        started = time.perf_counter()
        mentions = sum(len(recognise(t)) for t in texts)
        row[f"{name}_tokens_per_s"] = tokens / (time.perf_counter() - started)
        row["mentions"] = mentions
    row["peak_rss_mb"] = peak_rss_mb()
    row["model_mb"] = (ROOT / "models" / "ner.crfsuite").stat().st_size / 1e6
    row["lexicon_mb"] = (ROOT / "models" / "ner_lexicon.tsv.gz").stat().st_size / 1e6
    return row


def main(argv: list[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args(argv)
    row = measure()
    print_table(["measure", "value"], [
        ("text", f"{row['articles']} articles, {row['tokens']:,} tokens"),
        ("tokens/s, cold (features computed per new word type)", f"{row['cold_tokens_per_s']:,.0f}"),
        ("tokens/s, warm (feature cache full)", f"{row['warm_tokens_per_s']:,.0f}"),
        ("model load (import, lexicon, tagger, first call)", f"{row['load_s']:.2f} s"),
        ("peak RSS", f"{row['peak_rss_mb']:.0f} MB"),
        ("model size", f"{row['model_mb']:.1f} MB (+ lexicon {row['lexicon_mb']:.2f} MB)"),
        ("mentions found", f"{row['mentions']:,}")])
    print(f"One core (sched_setaffinity), Python {platform.python_version()}, {date.today()}, commit {git_commit()}.")


if __name__ == "__main__":
    main()
