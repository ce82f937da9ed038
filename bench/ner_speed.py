"""Speed of the Arabic NER on one core: tokenize + features + CRF tagging, i.e. `tasks.enrich.ner.tagger.recognise`.

Text: ANERcorp's training tokens in ../shared/data joined back into plain text (a paragraph per 20
sentences, ~125k tokens), cut into articles of about 600 tokens. The process is pinned to one CPU.
Measured, in this order: model load (lexicon, tagger, first call), a cold pass (every word type's
features computed on first sight), a warm pass over the same text (the per-type feature cache full),
and peak RSS (VmHWM). Prints a table; `--append` adds it, with the command, to docs/benchmarks.md.

    python bench/ner_speed.py [--append]
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from ingest_throughput import peak_rss_mb  # noqa: E402

from tasks.enrich.ner.data import read_tagged  # noqa: E402

TRAIN = ROOT.parent / "shared" / "data" / "ner" / "anercorp-train.txt"

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
        seconds = time.perf_counter() - started
        row[f"{name}_tokens_per_s"] = tokens / seconds
        row["mentions"] = mentions
    row["peak_rss_mb"] = peak_rss_mb()
    row["model_mb"] = (ROOT / "models" / "ner.crfsuite").stat().st_size / 1e6
    row["lexicon_mb"] = (ROOT / "models" / "ner_lexicon.tsv.gz").stat().st_size / 1e6
    return row


def table(row: dict) -> str:
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    return "\n".join([
        "| measure | value |", "|---|---|",
        f"| text | {row['articles']} articles, {row['tokens']:,} tokens |",
        f"| tokens/s, cold (features computed per new word type) | {row['cold_tokens_per_s']:,.0f} |",
        f"| tokens/s, warm (feature cache full) | {row['warm_tokens_per_s']:,.0f} |",
        f"| model load (import, lexicon, tagger, first call) | {row['load_s']:.2f} s |",
        f"| peak RSS | {row['peak_rss_mb']:.0f} MB |",
        f"| model size | {row['model_mb']:.1f} MB (+ lexicon {row['lexicon_mb']:.2f} MB) |",
        f"| mentions found | {row['mentions']:,} |",
        "", f"One core (sched_setaffinity), Python {platform.python_version()}, {date.today()}, commit {commit}.",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--append", action="store_true", help="append the table to docs/benchmarks.md")
    args = parser.parse_args()
    text = table(measure())
    print(text)
    if args.append:
        with open(ROOT / "docs" / "benchmarks.md", "a", encoding="utf-8") as fh:
            fh.write("\n## Arabic NER speed (one core)\n\nReproduce: `.venv/bin/python bench/ner_speed.py --append` "
                     "(`make bench-ner`).\n\n" + text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
