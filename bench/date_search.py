"""htmldate's quick search against its extensive one on the article-extraction benchmark's pages: how
often they agree, and what each costs (tasks.extract.articles.page_metadata runs the quick one first, the
extensive one only when the quick one finds nothing).

    python bench/date_search.py [--data-dir DIR]
"""
from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

from htmldate import find_date
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT.parent / "shared" / "data" / "article-extraction-benchmark"


def compare(pages: list[str]) -> dict:
    counts = {"pages": len(pages), "same": 0, "only_extensive": 0, "only_quick": 0, "different": 0}
    seconds = {"quick": 0.0, "extensive": 0.0, "quick_then_extensive": 0.0}
    for html in pages:
        found = {}
        spent = {}
        for name, extensive in (("quick", False), ("extensive", True)):
            tree = load_html(html)  # a fresh tree each: htmldate may prune it
            start = time.process_time()
            found[name] = find_date(tree, **set_date_params(extensive))
            spent[name] = time.process_time() - start
            seconds[name] += spent[name]
        quick, extensive = found["quick"], found["extensive"]
        seconds["quick_then_extensive"] += spent["quick"] + (spent["extensive"] if quick is None else 0.0)
        if quick == extensive:
            counts["same"] += 1
        elif quick is None:
            counts["only_extensive"] += 1
        elif extensive is None:
            counts["only_quick"] += 1
        else:
            counts["different"] += 1
    return {**counts, "ms_per_page": {k: round(v / max(1, len(pages)) * 1000, 2) for k, v in seconds.items()}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args(argv)
    files = sorted((args.data_dir / "html").glob("*.html.gz"))
    if not files:
        sys.exit(f"no pages in {args.data_dir / 'html'}")
    result = compare([gzip.decompress(f.read_bytes()).decode("utf-8", "replace") for f in files])
    print(f"{'pages':>6} {'same':>6} {'only extensive':>15} {'only quick':>11} {'different':>10}")
    print(f"{result['pages']:>6} {result['same']:>6} {result['only_extensive']:>15} {result['only_quick']:>11} {result['different']:>10}")
    print("ms per page:", result["ms_per_page"])


if __name__ == "__main__":
    main()
