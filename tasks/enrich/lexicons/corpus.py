"""The unlabelled news corpus the lexicons are mined from: the ANT corpus in ../shared/data/news (Apache-2.0),
read as normalized article texts (tasks.text.normalize)."""
from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from tasks.text.normalize import normalize_arabic

NEWS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "news"


def news_files(folder: Path = NEWS) -> list[Path]:
    files = sorted(folder.glob("*.jsonl.gz"))
    if not files:
        raise FileNotFoundError(f"no *.jsonl.gz news files in {folder}")
    return files


def normalized_texts(files: list[Path]) -> Iterator[str]:
    """Each article's text, normalized."""
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                yield normalize_arabic(json.loads(line).get("text") or "")
