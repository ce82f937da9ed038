"""The unlabelled news corpus the lexicons are mined from: the ANT corpus in ../shared/data/news (Apache-2.0),
read as normalized article texts (tasks.text.normalize); and the lexicon files the miners write (one
normalized name a line, then its two counts, tab-separated) and the command line they share."""
from __future__ import annotations

import argparse
import gzip
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from tasks.text.normalize import normalize_arabic

NEWS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "news"


def news_files(folder: Path = NEWS) -> list[Path]:
    files = sorted(folder.glob("*.jsonl.gz"))
    if not files:
        raise FileNotFoundError(f"no *.jsonl.gz news files in {folder}")
    return files


def read_articles(files: list[Path]) -> Iterator[dict]:
    """Each article's record (id, outlet, category, title, published, text...), as the corpus holds it."""
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)


def published_at(article: dict) -> datetime | None:
    """When the article was published, with the offset the corpus gives (most of it RFC 2822, the rest ISO
    8601), or None."""
    value = article.get("published") or ""
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def normalized_texts(files: list[Path]) -> Iterator[str]:
    """Each article's text, normalized."""
    for article in read_articles(files):
        yield normalize_arabic(article.get("text") or "")


Rows = list[tuple[str, int, int]]  # (name, count in the mined use, count everywhere)


def write_rows(rows: Rows, path: Path) -> None:
    path.write_text("".join(f"{n}\t{a}\t{c}\n" for n, a, c in rows), encoding="utf-8")


def read_names(path: Path) -> frozenset[str]:
    """The names of a lexicon file."""
    return frozenset(line.split("\t", 1)[0] for line in path.read_text(encoding="utf-8").splitlines() if line)


def mine_main(description: str, build: Callable[[Path], list[tuple[Path, Rows]]]) -> None:
    """`python -m tasks.enrich.lexicons.X [--news FOLDER]`: mine the corpus, write each lexicon file."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--news", type=Path, default=NEWS)
    for path, rows in build(parser.parse_args().news):
        write_rows(rows, path)
        print(f"{len(rows)} names -> {path}")
