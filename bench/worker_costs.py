"""What the pipeline's own steps cost per page beside trafilatura's extraction, each against the way it
was done before, on the article-extraction benchmark's pages (one process, CPU time, best of 3):

- page author: trafilatura's `extract_author` (copies and prunes the whole tree, XPath with Python
  regex callbacks) against `tasks.extract.page_metadata.extract_author` (one pass over the elements); both must
  give the same author on every page;
- page metadata as a whole: trafilatura's `extract_metadata` against `tasks.extract.page_metadata.page_metadata`;
- raw page compression: gzip level 3 (before) against zstd level 3 (`tasks.acquire.raw.compress_raw`), with the
  stored size as a share of the page;
- language: py3langid on the first 1000 characters of the text (before) against the first 400
  (`tasks.extract.articles.detect_language`), and on how many texts the two agree.

Then where a page's CPU goes now, step by step as a worker takes it (`breakdown`): each step timed alone,
best of 3, the steps that consume a parsed tree given a fresh one outside the clock.

    python bench/worker_costs.py [--pages DIR] [--out bench/worker_costs.json]
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import py3langid  # noqa: E402
import trafilatura  # noqa: E402
from provenance import git_commit  # noqa: E402
from trafilatura.metadata import extract_author as trafilatura_author  # noqa: E402
from trafilatura.metadata import extract_metadata  # noqa: E402
from trafilatura.settings import Extractor  # noqa: E402
from trafilatura.utils import load_html  # noqa: E402

from tasks.acquire.raw import compress_raw  # noqa: E402
from tasks.extract.articles import _MAX_FILE_SIZE as MAX_FILE_SIZE  # noqa: E402
from tasks.extract.articles import detect_language  # noqa: E402
from tasks.extract.html_parse import parse_html  # noqa: E402
from tasks.extract.page_metadata import extract_author, page_metadata  # noqa: E402

DEFAULT_PAGES = ROOT.parent / "shared" / "data" / "article-extraction-benchmark" / "html"


def cpu_ms(fn: Callable, items: list, before: Callable | None = None, repeat: int = 3) -> float:
    """Best of `repeat` CPU times of fn over the items, in ms per item. With `before`, fn gets `before(item)`,
    run outside the clock (to give a step a fresh tree, or the cached paragraph keys a worker has by then)."""
    best = float("inf")
    for _ in range(repeat):
        if before is None:
            start = time.process_time()
            for item in items:
                fn(item)
            spent = time.process_time() - start
        else:
            spent = 0.0
            for item in items:
                arg = before(item)
                start = time.process_time()
                fn(arg)
                spent += time.process_time() - start
        best = min(best, spent)
    return best / len(items) * 1000


def _parse_and_free_ms(html: list[str], repeat: int = 3) -> tuple[float, float]:
    """CPU ms to parse a page, and to free its tree (lxml frees the whole document when its last element
    goes), each best of `repeat`."""
    parse = free = float("inf")
    for _ in range(repeat):
        parsing = freeing = 0.0
        for h in html:
            start = time.process_time()
            tree = parse_html(h, MAX_FILE_SIZE)
            middle = time.process_time()
            del tree
            freeing += time.process_time() - middle
            parsing += middle - start
        parse, free = min(parse, parsing), min(free, freeing)
    return parse / len(html) * 1000, free / len(html) * 1000


def breakdown(raw: list[bytes], html: list[str]) -> list[tuple[str, float]]:
    """CPU ms per page of each step of a worker's round 1 (tasks.run.prepare), in the order it takes them."""
    from tasks.acquire.decode import decode_bytes
    from tasks.dedup.minhash import signature_of
    from tasks.dedup.terms import terms_of
    from tasks.extract.articles import DEFAULT_OPTIONS, extract_html, extractor_for
    from tasks.extract.cascade import extract_tree
    from tasks.text.normalize import paragraph_keys, word_count

    texts = [e.text for e in (extract_html(h) for h in html) if e is not None]
    parse, free = _parse_and_free_ms(html)

    def cached(text: str) -> str:
        paragraph_keys(text)  # as extraction leaves them for the steps after it
        return text
    return [
        ("decode", cpu_ms(decode_bytes, raw)),
        ("parse", parse),
        ("page metadata", cpu_ms(page_metadata, html, lambda h: parse_html(h, MAX_FILE_SIZE))),
        ("extraction cascade", cpu_ms(lambda t: extract_tree(t, extractor_for(DEFAULT_OPTIONS, None)), html,
                                           lambda h: parse_html(h, MAX_FILE_SIZE))),
        ("tree freed", free),
        ("word count", cpu_ms(word_count, texts)),
        ("language", cpu_ms(detect_language, texts)),
        ("near-duplicate signature", cpu_ms(signature_of, texts, cached)),
        ("story terms", cpu_ms(terms_of, texts, cached)),
        ("zstd level 3", cpu_ms(compress_raw, raw)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "worker_costs.json")
    args = parser.parse_args()
    raw = [gzip.decompress(p.read_bytes()) for p in sorted(args.pages.glob("*.html.gz"))]
    if not raw:
        sys.exit(f"no *.html.gz pages in {args.pages}")
    html = [r.decode("utf-8", errors="replace") for r in raw]
    trees = [t for t in (load_html(h) for h in html) if t is not None]
    texts = [t for t in (trafilatura.extract(h, fast=True) for h in html) if t]
    params = Extractor().date_params

    same_author = sum(extract_author(t) == trafilatura_author(t) for t in trees)
    same_language = sum(detect_language(t) == py3langid.classify(t[:1000])[0] for t in texts)
    rows = [
        ("page author", "trafilatura extract_author", cpu_ms(trafilatura_author, trees),
         "tasks.extract.page_metadata.extract_author", cpu_ms(extract_author, trees), f"same author on {same_author}/{len(trees)} pages"),
        ("page metadata", "trafilatura extract_metadata", cpu_ms(lambda t: extract_metadata(t, None, params, False), trees),
         "tasks.extract.page_metadata.page_metadata", cpu_ms(lambda t: page_metadata(t, None, params), trees),
         "stored fields equal: tests/test_page_metadata.py"),
        ("raw compression", "gzip level 3", cpu_ms(lambda r: gzip.compress(r, compresslevel=3, mtime=0), raw),
         "zstd level 3", cpu_ms(compress_raw, raw),
         f"stored size {sum(len(gzip.compress(r, 3, mtime=0)) for r in raw) / sum(map(len, raw)):.3f} -> "
         f"{sum(len(compress_raw(r)) for r in raw) / sum(map(len, raw)):.3f} of the page"),
        ("language", "py3langid, 1000 characters", cpu_ms(lambda t: py3langid.classify(t[:1000]), texts),
         "tasks.extract.articles.detect_language (400)", cpu_ms(detect_language, texts), f"same language on {same_language}/{len(texts)} texts"),
    ]
    print(f"commit {git_commit()}; {len(raw)} pages, {len(texts)} texts; CPU ms per page, best of 3")
    print(f"{'step':16s} {'before':30s} {'ms':>7s} {'now':36s} {'ms':>7s} {'ratio':>6s}  check")
    report = []
    for step, old_name, old, new_name, new, check in rows:
        print(f"{step:16s} {old_name:30s} {old:7.2f} {new_name:36s} {new:7.2f} {old / new:6.1f}  {check}")
        report.append({"step": step, "before": old_name, "before_ms": round(old, 3), "now": new_name,
                       "now_ms": round(new, 3), "speedup": round(old / new, 2), "check": check})
    steps = breakdown(raw, html)
    print(f"\nwhere a page's CPU goes now (ms, best of 3; {len(html)} pages):")
    for step, ms in steps:
        print(f"{step:26s} {ms:7.3f}")
    print(f"{'sum':26s} {sum(ms for _, ms in steps):7.3f}")
    args.out.write_text(json.dumps({"commit": git_commit(), "pages": len(raw), "rows": report,
                                    "breakdown_ms": {step: round(ms, 3) for step, ms in steps}}, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
