"""Ingest throughput of the pipeline against bare trafilatura, on one synthetic corpus.

Builds a temporary folder of N documents by cycling through the 181 pages of
the article-extraction benchmark (written as plain ``.html``) and the five
seeds (``.txt``, with a ``manifest.json`` carrying their published date,
outlet and language; the seeds' url is left out, since a url is the document
key and would fold all copies of a seed into one document). Every copy gets
its own file name and a unique number inside its article text: after every
occurrence of the tail of one of the longest lines extracted from the source
(bare trafilatura for HTML, the project's text path for text; for HTML the
end of the longest ``<p>`` as a last resort). Each source is checked once (a
marked copy extracted again) so that the extracted texts of copies differ and
exact-duplicate detection has nothing to short-cut; the count of sources
where that holds, and the duplicates the warehouse marked, are reported.

Then, in this order, each measurement in a fresh process (spawned; caches
cleared with ``trafilatura.meta.reset_caches()`` at its start; imports outside
the timed region; runs never overlap):

1. bare ``trafilatura.extract(html, output_format="txt", include_comments=False)``
   (the pipeline's extraction options) on every HTML file; text files are
   read and decoded only (the trivially cheap part they cost outside the
   pipeline) and are counted, so both systems are rated over the same N docs;
2. the same with ``with_metadata=True`` (the pipeline also extracts metadata);
3. the project's path end to end: ``list_folder`` + ``ingest_batch`` in batches
   of 200 into a fresh DuckDB file (migrations applied before the clock starts);
4. a second run of 3 over the unchanged folder into the same file (rerun);
5. bare trafilatura again (1 and 5 bracket the pipeline; their mean is the
   baseline, so drift on a noisy machine hits both sides).

Peak RSS is the process's VmHWM (Linux; ru_maxrss elsewhere). Warehouse size
is the DuckDB file after the first run. Prints a table and writes JSON.

    python bench/ingest_throughput.py [--n 2000] [--out bench/results.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from provenance import git_commit  # noqa: E402

DEFAULT_DATA_DIR = ROOT.parent / "shared" / "data" / "article-extraction-benchmark"
DEFAULT_SEEDS = ROOT / "seeds"
DEFAULT_OUT = ROOT / "bench" / "results.json"
BATCH_SIZE = 200
BARE_KWARGS: dict[str, Any] = {"output_format": "txt", "include_comments": False}
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_BODY = re.compile(r"<body\b[^>]*>", re.I)


@dataclass
class Corpus:
    folder: str
    n: int
    html: int
    text: int
    bytes: int
    sources: int
    sources_marked_in_text: int  # sources whose unique number shows in the extracted text (checked once each)


@dataclass
class Source:
    kind: str  # "html" or "text"
    name: str
    content: str
    insert_at: list[int]  # where each copy's unique number goes (every place the chosen text occurs)
    marked_in_text: bool = False

    def copy(self, number: int) -> str:
        """The content with ` [number]` at every insertion point."""
        parts, last = [], 0
        for at in self.insert_at:
            parts += [self.content[last:at], f" [{number}]"]
            last = at
        return "".join(parts) + self.content[last:]


# --- corpus -------------------------------------------------------------------------------------

MAX_TRIES = 8
PROBE = 987654321


def _occurrences(haystack: str, needle: str) -> list[int]:
    """End offsets of every occurrence of `needle`."""
    ends, at = [], haystack.find(needle)
    while at >= 0:
        ends.append(at + len(needle))
        at = haystack.find(needle, at + 1)
    return ends


def _longest_paragraph_end(html: str) -> int:
    """End of the inner text of the longest <p> (by visible text), else just after <body>."""
    best_end, best_len = -1, 0
    for m in _PARAGRAPH.finditer(html):
        length = len(_TAGS.sub("", m.group(1)).strip())
        if length > best_len:
            best_end, best_len = m.end(1), length
    if best_end >= 0:
        return best_end
    body = _BODY.search(html)
    return body.end() if body else 0


def choose_insert_points(content: str, extracted: str, extract: Callable[[str], str]) -> tuple[list[int], bool]:
    """Insertion points that put a number into the extracted article text: after every occurrence of the
    tail of one of the longest extracted lines (a page may repeat its text, e.g. in JSON-LD), the first
    candidate whose marked copy, extracted again, shows the number. Falls back to the longest <p>."""
    lines = sorted({line.strip().rstrip(" |") for line in extracted.split("\n")}, key=len, reverse=True)  # | : table cells
    tries = 0
    for line in lines:
        tail = line[-24:]
        ends = _occurrences(content, tail) if len(tail) >= 12 else []
        if not ends:
            continue
        source = Source("", "", content, ends)
        if str(PROBE) in extract(source.copy(PROBE)):
            return ends, True
        tries += 1
        if tries >= MAX_TRIES:
            break
    return [_longest_paragraph_end(content)], False


def load_sources(data_dir: Path, seeds: Path) -> list[Source]:
    """The benchmark pages and the seeds, each with where to put a copy's number (checked by extracting a
    marked copy: bare trafilatura for HTML, the project's text path for text)."""
    import trafilatura  # corpus building only, not timed

    from tasks.text_article import extract_text_article

    def html_text(html: str) -> str:
        return trafilatura.extract(html, **BARE_KWARGS) or ""

    def plain_text(text: str) -> str:
        return extract_text_article(text).text

    sources = []
    for path in sorted((data_dir / "html").glob("*.html.gz")):
        html = gzip.decompress(path.read_bytes()).decode("utf-8")
        points, ok = choose_insert_points(html, html_text(html), html_text)
        sources.append(Source("html", path.name.removesuffix(".html.gz")[:16], html, points, ok))
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        points, ok = choose_insert_points(text, plain_text(text), plain_text)
        sources.append(Source("text", path.stem, text, points, ok))
    return sources


def build_corpus(folder: Path, n: int, data_dir: Path, seeds: Path) -> Corpus:
    """Write n distinct documents into `folder` (created), cycling through pages and seeds."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = load_sources(data_dir, seeds)
    seed_meta: dict[str, dict] = {}
    if (seeds / "manifest.json").is_file():
        seed_meta = json.loads((seeds / "manifest.json").read_text(encoding="utf-8")).get("articles", {})
    manifest: dict[str, dict] = {}
    corpus = Corpus(str(folder), n, 0, 0, 0, len(sources), sum(s.marked_in_text for s in sources))
    for i in range(n):
        src = sources[i % len(sources)]
        body = src.copy(i)
        file_name = f"c{i:06d}_{src.name}.{'html' if src.kind == 'html' else 'txt'}"
        if src.kind == "html":
            corpus.html += 1
        else:
            corpus.text += 1
            meta = {k: v for k, v in seed_meta.get(f"{src.name}.txt", {}).items() if k != "url" and v}
            if meta:
                manifest[file_name] = meta
        data = body.encode("utf-8")
        (folder / file_name).write_bytes(data)
        corpus.bytes += len(data)
    if manifest:
        (folder / "manifest.json").write_text(json.dumps({"articles": manifest}, ensure_ascii=False), encoding="utf-8")
    return corpus




# --- measurements (each runs in its own spawned process) ----------------------------------------


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (VmHWM on Linux, else ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def measure_bare(folder: str, extra_kwargs: dict[str, Any]) -> dict[str, Any]:
    """trafilatura.extract on every .html file; .txt files read and decoded only."""
    import trafilatura  # imported here: outside the timer, in the measuring process only
    from trafilatura.meta import reset_caches

    files = sorted(p for p in Path(folder).iterdir() if p.suffix in (".html", ".txt"))
    reset_caches()
    rss_start = peak_rss_mb()
    html_seconds = text_seconds = 0.0
    html_docs = text_docs = empty = 0
    for path in files:
        start = time.perf_counter()
        content = path.read_bytes().decode("utf-8", errors="replace")
        if path.suffix == ".html":
            out = trafilatura.extract(content, **BARE_KWARGS, **extra_kwargs)
            html_seconds += time.perf_counter() - start
            html_docs += 1
            empty += not out
        else:
            text_seconds += time.perf_counter() - start
            text_docs += 1
    return {
        "docs": html_docs + text_docs, "html_docs": html_docs, "text_docs": text_docs, "empty": empty,
        "seconds": html_seconds + text_seconds, "html_seconds": html_seconds, "text_seconds": text_seconds,
        "peak_rss_mb": peak_rss_mb(), "rss_after_imports_mb": rss_start,
    }


def measure_pipeline(folder: str, warehouse_path: str, run_id: str, batch_size: int) -> dict[str, Any]:
    """list_folder + ingest_batch in batches into `warehouse_path` (migrated before the clock starts)."""
    import duckdb  # imported here: outside the timer, in the measuring process only
    from trafilatura.meta import reset_caches

    from tasks.load import list_folder
    from tasks.pipeline import ingest_listing
    from tasks.warehouse import Warehouse, apply_migrations

    warehouse = Warehouse(warehouse_path)
    with warehouse.connect() as con:
        apply_migrations(con)
    reset_caches()
    rss_start = peak_rss_mb()
    start = time.perf_counter()
    listing = list_folder(folder)
    tally = ingest_listing(warehouse, run_id, listing, batch_size)
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    con = duckdb.connect(warehouse_path, read_only=True)
    try:
        articles, duplicates = con.execute("SELECT count(*), count(dup_of) FROM articles").fetchone()
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        con.close()
    size = sum(os.path.getsize(p) for p in (warehouse_path, warehouse_path + ".wal") if os.path.exists(p))
    return {
        "docs": tally.inputs, "seconds": seconds, "tally": tally.as_dict(), "peak_rss_mb": peak,
        "rss_after_imports_mb": rss_start, "articles_in_warehouse": articles, "duplicates_in_warehouse": duplicates,
        "documents_in_warehouse": documents, "warehouse_bytes": size,
    }


def in_fresh_process(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run fn(*args) in a newly spawned process (fresh caches, own peak RSS) and return its result."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# --- report ------------------------------------------------------------------------------------


def print_table(report: dict[str, Any]) -> None:
    rows = [
        ("trafilatura.extract, run 1", report["runs"]["bare_1"]),
        ("trafilatura.extract, run 2", report["runs"]["bare_2"]),
        ("trafilatura.extract +metadata", report["runs"]["bare_metadata"]),
        ("pipeline, first run", report["runs"]["pipeline_first"]),
        ("pipeline, rerun (unchanged)", report["runs"]["pipeline_rerun"]),
    ]
    print(f"commit {report['commit']}; N = {report['n']} docs ({report['corpus']['html']} html, {report['corpus']['text']} text), "
          f"{report['machine']['nproc']} cores, Python {report['python']}")
    print(f"unique number in the extracted text for {report['corpus']['sources_marked_in_text']}"
          f"/{report['corpus']['sources']} sources")
    print(f"{'system':<31} {'seconds':>8} {'docs/s':>8} {'peak RSS MB':>12}")
    for name, run in rows:
        print(f"{name:<31} {run['seconds']:8.1f} {run['docs'] / run['seconds']:8.1f} {run['peak_rss_mb']:12.0f}")
    print(f"pipeline / bare trafilatura (docs/s ratio)   {report['ratio_vs_trafilatura']:.3f}")
    print(f"pipeline / bare trafilatura +metadata        {report['ratio_vs_trafilatura_with_metadata']:.3f}")
    print(f"rerun speedup (first / second)               {report['rerun_speedup']:.1f}x")
    print(f"warehouse MB per 1k articles                 {report['warehouse_mb_per_1k_articles']:.2f}")
    print("pipeline stage seconds (first run)           "
          + ", ".join(f"{k} {v:.1f}" for k, v in report["stage_seconds"].items()))
    tally = report["runs"]["pipeline_first"]["tally"]
    print(f"pipeline first run: articles {tally['articles']}, rejects {tally['rejects'] or 'none'}, "
          f"exact duplicates in the warehouse {report['runs']['pipeline_first']['duplicates_in_warehouse']}")


def run(n: int, out: Path, data_dir: Path, seeds: Path, batch_size: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-") as tmp:
        folder, warehouse = Path(tmp) / "corpus", str(Path(tmp) / "wh" / "bench.duckdb")
        corpus = build_corpus(folder, n, data_dir, seeds)
        runs: dict[str, dict[str, Any]] = {}
        runs["bare_1"] = in_fresh_process(measure_bare, str(folder), {})
        runs["bare_metadata"] = in_fresh_process(measure_bare, str(folder), {"with_metadata": True})
        runs["pipeline_first"] = in_fresh_process(measure_pipeline, str(folder), warehouse, "bench-first", batch_size)
        runs["pipeline_rerun"] = in_fresh_process(measure_pipeline, str(folder), warehouse, "bench-rerun", batch_size)
        runs["bare_2"] = in_fresh_process(measure_bare, str(folder), {})
    first, rerun = runs["pipeline_first"], runs["pipeline_rerun"]
    bare_seconds = statistics.mean([runs["bare_1"]["seconds"], runs["bare_2"]["seconds"]])
    docs_per_s = first["docs"] / first["seconds"]
    trafilatura_docs_per_s = n / bare_seconds
    report = {
        "n": n,
        "docs_per_s": docs_per_s,
        "trafilatura_docs_per_s": trafilatura_docs_per_s,
        "ratio_vs_trafilatura": docs_per_s / trafilatura_docs_per_s,
        "ratio_vs_trafilatura_with_metadata": docs_per_s / (n / runs["bare_metadata"]["seconds"]),
        "trafilatura_html_docs_per_s": corpus.html / statistics.mean([runs["bare_1"]["html_seconds"], runs["bare_2"]["html_seconds"]]),
        "rerun_speedup": first["seconds"] / rerun["seconds"],
        "peak_rss_mb": first["peak_rss_mb"],
        "warehouse_mb_per_1k_articles": first["warehouse_bytes"] / 1e6 / first["articles_in_warehouse"] * 1000,
        "stage_seconds": {k: round(v, 3) for k, v in first["tally"]["seconds"].items()},
        "rerun_stage_seconds": {k: round(v, 3) for k, v in rerun["tally"]["seconds"].items()},
        "python": platform.python_version(),
        "commit": git_commit(),
        "machine": {"nproc": os.cpu_count(), "platform": platform.platform(), "processor": platform.machine()},
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "batch_size": batch_size,
        "bare_kwargs": BARE_KWARGS,
        "text_files_in_bare": "read and decoded only, counted in its docs and seconds",
        "corpus": {k: v for k, v in asdict(corpus).items() if k != "folder"},
        "order": ["bare_1", "bare_metadata", "pipeline_first", "pipeline_rerun", "bare_2"],
        "runs": runs,
    }
    print_table(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="documents in the corpus (default 2000)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results (default bench/results.json)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="article-extraction-benchmark folder")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder of seed .txt files")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    args = parser.parse_args(argv)
    run(args.n, args.out, args.data_dir, args.seeds, args.batch_size)


if __name__ == "__main__":
    main()
