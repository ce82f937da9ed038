"""Ingest throughput: the pipeline against bare trafilatura and the trafilatura command line, and what the
Prefect flow costs, on one corpus of real pages (`make bench`).

Corpus: N distinct HTML documents (default 10,000): the article-extraction benchmark's real page layouts in
turn (those that carry another article whole: `load_layouts`), each carrying its own article of the Arabic news
corpus (../shared/data/news), its furniture kept; under 5% of them are near-duplicates (`duplicate_share`,
as the pipeline marks them). Runs, each in a fresh spawned process after the corpus is read once off the
clock: bare `trafilatura.extract` over W processes; `trafilatura --input-dir`; the pipeline (list_folder +
ingest_listing, W workers) into a fresh DuckDB file, in the first round followed by a rerun; the Prefect
`ingest` flow on a temporary local API. R interleaved rounds (`--rounds`) of the four, then bare, CLI and
pipeline once more; every ratio is over the means of all the runs of its two kinds, and again over the CPU
seconds of all their processes (`over_cpu_seconds`). `prefect_overhead` is at one machine speed: wall seconds
per worker CPU second, Prefect's runs over the pipeline's (`prefect_overhead_wall`: the plain ratio).

    python bench/ingest_throughput.py [--n 10000] [--rounds 2] [--workers W] [--out bench/results.json]
"""
from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from html import escape as html_escape
from html import unescape as html_unescape
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable

from harness import (
    BENCHMARK,
    ROOT,
    SEEDS,
    children_peak_rss_mb,
    cpu_split_since,
    in_fresh_process,
    live_descendants_cpu,
    mixed_article,
    news_articles,
    own_and_reaped_cpu_seconds,
    peak_rss_mb,
    print_table,
    tree_cpu_seconds,
    warehouse_counts,
    write_results,
)

BARE_KWARGS: dict[str, Any] = {"output_format": "txt", "include_comments": False}  # the pipeline's options
KINDS = ("bare", "cli", "pipeline", "prefect")  # the runs that are repeated and averaged
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_BODY = re.compile(r"<body\b[^>]*>", re.I)


@dataclass
class Corpus:
    n: int
    html: int
    text: int
    bytes: int
    pages_tried: int  # benchmark pages tried as layouts
    layouts: int  # of them, those whose extraction shows the article they carry (checked once each)


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
    tail of one of the longest extracted lines (a page may repeat its text, e.g. in JSON-LD), the first of
    8 candidates whose marked copy, extracted again, shows the number. Falls back to the longest <p>."""
    lines = sorted({line.strip().rstrip(" |") for line in extracted.split("\n")}, key=len, reverse=True)  # | : table cells
    tries = 0
    for tail in (line[-24:] for line in lines):
        ends = [m.start() + len(tail) for m in re.finditer(f"(?={re.escape(tail)})", content)] if len(tail) >= 12 else []
        if not ends:
            continue
        if "987654321" in extract(Source("", "", content, ends).copy(987654321)):
            return ends, True
        tries += 1
        if tries >= 8:
            break
    return [_longest_paragraph_end(content)], False


def load_sources(seeds: bool = True) -> list[Source]:
    """The benchmark pages and (with `seeds`) the seeds, each with where to put a copy's number (checked by
    extracting a marked copy: bare trafilatura for HTML, the project's text path for text)."""
    import trafilatura  # corpus building only, not timed

    from tasks.extract.text_article import extract_text_article

    def html_text(html: str) -> str:
        return trafilatura.extract(html, **BARE_KWARGS) or ""

    def plain_text(text: str) -> str:
        return extract_text_article(text).text

    pages = sorted((BENCHMARK / "html").glob("*.html.gz"))
    if not pages:
        raise SystemExit(f"no benchmark pages in {BENCHMARK}/html (set AKHBAR_SHARED): a corpus of seeds alone "
                         "measures something else")
    sources = []
    for path in pages:
        html = gzip.decompress(path.read_bytes()).decode("utf-8")
        points = choose_insert_points(html, html_text(html), html_text)
        sources.append(Source("html", path.name.removesuffix(".html.gz")[:16], html, *points))
    for path in sorted(SEEDS.glob("*.txt")) if seeds else ():
        text = path.read_text(encoding="utf-8")
        sources.append(Source("text", path.stem, text, *choose_insert_points(text, plain_text(text), plain_text)))
    return sources


_TITLE = re.compile(r"(<title\b[^>]*>)(.*?)(</title\s*>)", re.I | re.S)
_H1 = re.compile(r"(<h1\b[^>]*>)(.*?)(</h1\s*>)", re.I | re.S)
_SPACES = re.compile(r"\s+")
MAX_FURNITURE_CHARS = 120  # extracted text beside the article a layout may add
BODY, TITLE = "\x00BODY\x00", "\x00TITLE\x00"


@dataclass
class Layout:
    """A benchmark page with its article taken out: its body paragraphs emptied, the first of them and its
    title and headline marked where another article's go. Its furniture (menus, sidebars, footers, scripts,
    metadata) stays as published."""

    name: str
    html: str

    def carrying(self, title: str, text: str) -> str:
        body = "</p>\n<p>".join(html_escape(part.strip()) for part in text.split("\n") if part.strip())
        return self.html.replace(BODY, body).replace(TITLE, html_escape(title))


def _visible(fragment: str) -> str:
    return _SPACES.sub(" ", html_unescape(_TAGS.sub("", fragment))).strip()


def layout_of(name: str, html: str, extract: Callable[[str], str], probe: dict) -> Layout | None:
    """The page as a layout, when its extracted text shows the article of `probe` put into it (its
    paragraphs: those the page's own extraction holds), else None."""
    extracted = _SPACES.sub(" ", extract(html))
    body = [m for m in _PARAGRAPH.finditer(html) if _visible(m.group(1)) and _visible(m.group(1)) in extracted]
    if not any(len(_visible(m.group(1))) >= 30 for m in body):
        return None
    parts, last = [], 0
    for i, m in enumerate(body):
        parts += [html[last:m.start(1)], BODY if i == 0 else ""]
        last = m.end(1)
    html = "".join(parts) + html[last:]
    html = _H1.sub(lambda m: m.group(1) + TITLE + m.group(3), _TITLE.sub(lambda m: m.group(1) + TITLE + m.group(3), html, 1), 1)
    layout = Layout(name, html)
    got = _SPACES.sub(" ", extract(layout.carrying(probe["title"], probe["text"])))
    lines = [line.strip() for line in probe["text"].split("\n") if len(line.strip()) >= 40]
    carried = lines and all(_SPACES.sub(" ", line)[:40] in got for line in lines)
    # and little else: what the page keeps around the article (a date line, a caption) is the same in every
    # copy, and would make short articles of one layout near-duplicates of each other
    return layout if carried and len(got) <= len(_SPACES.sub(" ", probe["text"])) + MAX_FURNITURE_CHARS else None


def load_layouts() -> tuple[list[Layout], int]:
    """The benchmark pages that carry another article whole (checked with bare trafilatura on a news
    article), and how many pages were tried."""
    import trafilatura  # corpus building only, not timed

    def html_text(html: str) -> str:
        return trafilatura.extract(html, **BARE_KWARGS) or ""

    pages = sorted((BENCHMARK / "html").glob("*.html.gz"))
    if not pages:
        raise SystemExit(f"no benchmark pages in {BENCHMARK}/html (set AKHBAR_SHARED)")
    probe = next(a for a in news_articles(50) if a["text"].count("\n") >= 3)
    layouts = [layout_of(path.name.removesuffix(".html.gz")[:16], gzip.decompress(path.read_bytes()).decode("utf-8"),
                         html_text, probe) for path in pages]
    return [layout for layout in layouts if layout is not None], len(pages)


def build_corpus(folder: Path, n: int) -> Corpus:
    """Write n HTML documents into `folder` (created): the benchmark's page layouts in turn, each carrying
    its own article of the news corpus (distinct texts; past the corpus's size, articles made of
    sentences of several, so that the documents stay distinct)."""
    folder.mkdir(parents=True, exist_ok=True)
    layouts, tried = load_layouts()
    articles = news_articles(n, every=1 if n > 10_000 else 4)
    corpus = Corpus(n, 0, 0, 0, tried, len(layouts))
    for i in range(n):
        article = articles[i] if i < len(articles) else mixed_article(articles, i)
        layout = layouts[i % len(layouts)]
        page = layout.carrying(article.get("title") or "", article["text"])
        corpus.html += 1
        corpus.bytes += (folder / f"c{i:06d}_{layout.name}.html").write_bytes(page.encode("utf-8"))
    return corpus


def warm_page_cache(folder: str) -> None:
    """Read every file under `folder` once, so that no run finds the corpus evicted from the page cache."""
    for path in Path(folder).rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                while fh.read(1 << 20):
                    pass


def _bare_files(paths: list[str]) -> list[tuple[str, float, bool]]:
    """In a worker: (kind, seconds, empty) per file; HTML extracted, text read and decoded only."""
    import trafilatura

    out = []
    for path in paths:
        start = time.perf_counter()
        content = Path(path).read_bytes().decode("utf-8", errors="replace")
        if path.endswith(".html"):
            result = trafilatura.extract(content, **BARE_KWARGS)
            out.append(("html", time.perf_counter() - start, not result))
        else:
            out.append(("text", time.perf_counter() - start, False))
    return out


def _reset_trafilatura() -> None:
    from tasks.extract.caches import reset_extraction_caches  # trafilatura's reset, without htmldate's false ERROR

    reset_extraction_caches()


def measure_bare(folder: str, workers: int) -> dict[str, Any]:
    """trafilatura.extract on every .html file over `workers` processes (chunks of 8 files, like the
    pipeline's); .txt files read and decoded only. The pool is started inside the clock."""
    import trafilatura  # noqa: F401  imported outside the timer

    files = sorted(str(p) for p in Path(folder).iterdir() if p.suffix in (".html", ".txt"))
    chunks = [files[i:i + 8] for i in range(0, len(files), 8)]
    rss_start, cpu_start, start = peak_rss_mb(), tree_cpu_seconds(), time.perf_counter()
    if workers == 1:
        _reset_trafilatura()
        results = [r for chunk in chunks for r in _bare_files(chunk)]
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_reset_trafilatura) as pool:
            results = [r for part in pool.map(_bare_files, chunks) for r in part]
    seconds, cpu = time.perf_counter() - start, tree_cpu_seconds() - cpu_start
    return {
        "docs": len(results), "cpu_seconds_all_processes": cpu, "html_docs": sum(k == "html" for k, _, _ in results),
        "text_docs": sum(k == "text" for k, _, _ in results), "empty": sum(e for _, _, e in results),
        "seconds": seconds, "worker_seconds": sum(s for _, s, _ in results), "workers": workers,
        "peak_rss_mb": peak_rss_mb(), "worker_peak_rss_mb": children_peak_rss_mb() if workers > 1 else None,
        "rss_after_imports_mb": rss_start,
    }


def measure_cli(folder: str, out_dir: str) -> dict[str, Any]:
    """`trafilatura --input-dir folder --output-dir out_dir`, its defaults (the command a user would run)."""
    from trafilatura.settings import PARALLEL_CORES

    exe = shutil.which("trafilatura", path=str(Path(sys.executable).parent)) or "trafilatura"
    shutil.rmtree(out_dir, ignore_errors=True)
    cpu_start, start = tree_cpu_seconds(), time.perf_counter()
    proc = subprocess.run([exe, "--input-dir", folder, "--output-dir", out_dir], capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, tree_cpu_seconds() - cpu_start
    outputs = sum(1 for _ in Path(out_dir).rglob("*") if _.is_file()) if Path(out_dir).exists() else 0
    shutil.rmtree(out_dir, ignore_errors=True)
    docs = sum(1 for p in Path(folder).iterdir() if p.suffix in (".html", ".txt"))
    return {"docs": docs, "seconds": seconds, "cpu_seconds_all_processes": cpu, "returncode": proc.returncode, "outputs": outputs,
            "processes": PARALLEL_CORES, "command": "trafilatura --input-dir DIR --output-dir OUT",
            "peak_rss_mb": children_peak_rss_mb(), "stderr_tail": proc.stderr[-300:]}


def _warehouse_facts(warehouse_path: str) -> dict[str, Any]:
    counts = warehouse_counts(warehouse_path)
    return {**{f"{k}_in_warehouse": counts[k] for k in ("articles", "duplicates", "documents")}, "warehouse_bytes": counts["bytes"]}


def measure_pipeline(folder: str, warehouse_path: str, run_id: str, batch_size: int, workers: int) -> dict[str, Any]:
    """list_folder + ingest_listing (W workers) into `warehouse_path` (migrated before the clock starts)."""
    from tasks.acquire.load import list_folder
    from tasks.run.pipeline import ingest_listing
    from tasks.warehouse.database import Warehouse, apply_migrations

    warehouse = Warehouse(warehouse_path)
    with warehouse.connect() as con:
        apply_migrations(con)
    _reset_trafilatura()
    rss_start = peak_rss_mb()
    cpu_start, split_start, start = tree_cpu_seconds(), own_and_reaped_cpu_seconds(), time.perf_counter()
    tally = ingest_listing(warehouse, run_id, list_folder(folder), batch_size, workers=workers)
    seconds, cpu = time.perf_counter() - start, tree_cpu_seconds() - cpu_start
    parent_cpu, workers_cpu = cpu_split_since(split_start)
    peak, worker_peak = peak_rss_mb(), children_peak_rss_mb() if workers > 1 else 0.0
    return {
        "docs": tally.inputs, "seconds": seconds, "cpu_seconds_all_processes": cpu, "workers": workers,
        "cpu_seconds_parent": parent_cpu, "cpu_seconds_workers": workers_cpu, "tally": tally.as_dict(),
        "cpu_seconds": {k: round(v, 3) for k, v in tally.cpu_seconds.items()},
        "peak_rss_mb": peak, "worker_peak_rss_mb": worker_peak,
        "peak_rss_mb_all_processes": peak + workers * worker_peak if workers > 1 else peak,
        "rss_after_imports_mb": rss_start, **_warehouse_facts(warehouse_path),
    }


def measure_prefect(folder: str, warehouse_path: str, batch_size: int, workers: int, prefect_home: str) -> dict[str, Any]:
    """The real `ingest` flow (flows.ingest) on the folder, against a temporary local Prefect API (started
    and warmed with an empty flow before the clock; its start-up is reported apart)."""
    os.environ["PREFECT_HOME"] = prefect_home
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect import flow

    from flows.ingest import ingest
    from tasks.warehouse.database import Warehouse, apply_migrations

    @flow(name="bench-warm-up")
    def warm_up() -> int:
        return 1

    start = time.perf_counter()
    warm_up()
    startup = time.perf_counter() - start
    with Warehouse(warehouse_path).connect() as con:
        apply_migrations(con)
    _reset_trafilatura()
    cpu_start, server_start = tree_cpu_seconds(), live_descendants_cpu(os.getpid())
    split_start, start = own_and_reaped_cpu_seconds(), time.perf_counter()
    summary = ingest(source=folder, warehouse=warehouse_path, batch_size=batch_size, workers=workers)
    seconds = time.perf_counter() - start
    cpu = tree_cpu_seconds() - cpu_start  # the flow's process, its workers and the API server
    # The API server is the one process alive at both readings (the flow's workers have exited by the second).
    server_cpu = live_descendants_cpu(os.getpid()) - server_start
    parent_cpu, workers_cpu = cpu_split_since(split_start)
    return {"docs": summary["inputs"], "seconds": seconds, "cpu_seconds_all_processes": cpu,
            "cpu_seconds_parent": parent_cpu, "cpu_seconds_workers": workers_cpu, "api_server_cpu_seconds": server_cpu,
            "api_startup_seconds": startup, "workers": workers,
            "summary_articles": summary["articles"], "peak_rss_mb": peak_rss_mb(), **_warehouse_facts(warehouse_path)}


def spread(values: list[float]) -> float:
    """(max - min) / mean: how far apart runs of the same work are."""
    return round((max(values) - min(values)) / statistics.mean(values), 3)


def wall_per_worker_cpu(run: dict[str, Any]) -> float:
    """A run's wall seconds per CPU second of its workers. The pipeline's and the Prefect runs hand their
    workers the same work, so their workers' CPU seconds measure how fast the machine ran during each run,
    and this is the run's wall time at a constant machine speed."""
    return run["seconds"] / run["cpu_seconds_workers"]


def drift_corrected_ratio(runs: list[dict[str, Any]], baseline: list[dict[str, Any]]) -> float:
    """Mean wall seconds per worker CPU second of `runs` over that of `baseline` (wall_per_worker_cpu)."""
    return statistics.mean(map(wall_per_worker_cpu, runs)) / statistics.mean(map(wall_per_worker_cpu, baseline))


def show(report: dict[str, Any]) -> None:
    runs = report["runs"]
    print(f"commit {report['commit']}; N = {report['n']} docs ({report['corpus']['html']} html, {report['corpus']['text']} text), "
          f"{report['machine']['nproc']} cores, W = {report['workers']} workers, Python {report['python']}")
    print_table(["run", "seconds", "docs/s", "CPU s", "peak RSS MB"],
                [(name, r["seconds"], r["docs"] / r["seconds"], r["cpu_seconds_all_processes"], r["peak_rss_mb"])
                 for name, r in ((name, runs[name]) for name in report["order"])], ["", ".1f", ".1f", ".1f", ".0f"])
    first = runs["pipeline_1"]

    def listed(values: dict[str, Any], fmt: str = ".3f") -> str:
        return ", ".join(f"{k} {v:{fmt}}" for k, v in values.items() if v)
    figures = [(key, f"{report[key]:.3f}") for key in ("docs_per_s", "ratio_vs_trafilatura", "ratio_vs_trafilatura_cli", "duplicate_share",
               "rerun_speedup", "prefect_overhead", "prefect_overhead_wall", "peak_rss_mb", "warehouse_mb_per_1k_articles")]
    print_table(["figure", "value"], figures + [
        ("over CPU seconds", listed(report["over_cpu_seconds"])),
        ("trafilatura CLI processes", str(report["trafilatura_cli_processes"])),
        ("stage shares (parent wall time)", listed(report["stage_shares"], ".2f")),
        ("worker CPU shares", listed(report["cpu_shares"], ".2f")),
        ("spread (max-min)/mean, wall / CPU", ", ".join(f"{k} {v['seconds']:.3f} / {v['cpu_seconds']:.3f}"
                                                       for k, v in report["spread"].items())),
        ("spread of wall s per worker CPU s", listed(report["spread_wall_per_worker_cpu"] or {})),
        ("pipeline first run", f"articles {first['tally']['articles']}, rejects {first['tally']['rejects'] or 'none'}, "
                               f"duplicates marked {first['duplicates_in_warehouse']}")])


def run(n: int, out: Path, batch_size: int, workers: int, rounds: int) -> dict[str, Any]:
    runs: dict[str, dict[str, Any]] = {}
    names: dict[str, list[str]] = {kind: [] for kind in KINDS}  # the repeated runs of each kind, in order
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-") as tmp:
        folder = str(Path(tmp) / "corpus")
        corpus = build_corpus(Path(folder), n)

        def record(name: str, kind: str | None, fn: Callable[..., dict[str, Any]], *args: Any) -> None:
            warm_page_cache(folder)
            runs[name] = in_fresh_process(fn, *args)
            names.get(kind, []).append(name)
            print(f"  {name}: {runs[name]['seconds']:.1f} s", flush=True)

        # Rounds of bare, CLI, pipeline and Prefect, then bare, CLI and pipeline once more: every Prefect run
        # lies between two pipeline runs, and every kind of run is spread over the whole bench.
        for r in range(1, rounds + 2):
            record(f"bare_{r}", "bare", measure_bare, folder, workers)
            record(f"cli_{r}", "cli", measure_cli, folder, str(Path(tmp) / "cli-out"))
            wh = Path(tmp) / f"wh{r}"
            record(f"pipeline_{r}", "pipeline", measure_pipeline, folder, str(wh / "bench.duckdb"), f"bench-{r}", batch_size, workers)
            if r == 1:
                record("pipeline_rerun", None, measure_pipeline, folder, str(wh / "bench.duckdb"), "bench-rerun", batch_size, workers)
            shutil.rmtree(wh)  # 0.7 GB a warehouse at 10k: its facts are in the run's record
            if r <= rounds:
                wh = Path(tmp) / f"whp{r}"
                wh.mkdir()  # Prefect makes its home, not the home's parent
                record(f"prefect_{r}", "prefect", measure_prefect, folder, str(wh / "bench.duckdb"), batch_size, workers,
                       str(wh / "prefect-home"))
                shutil.rmtree(wh)
    first = runs["pipeline_1"]

    def of_kind(kind: str) -> list[dict[str, Any]]:
        return [runs[name] for name in names[kind]]

    def mean_of(key: str, kind: str) -> float:
        return statistics.mean(r[key] for r in of_kind(kind))

    seconds = {kind: mean_of("seconds", kind) for kind in KINDS}
    cpu = {kind: mean_of("cpu_seconds_all_processes", kind) for kind in KINDS}
    stage, worker_cpu = first["tally"]["seconds"], first["cpu_seconds"]
    report = {
        "n": n, "workers": workers, "rounds": rounds,
        "docs_per_s": n / seconds["pipeline"],
        "trafilatura_docs_per_s": n / seconds["bare"],
        "trafilatura_cli_docs_per_s": n / seconds["cli"],
        "ratio_vs_trafilatura": seconds["bare"] / seconds["pipeline"],
        "ratio_vs_trafilatura_cli": seconds["cli"] / seconds["pipeline"],
        "trafilatura_cli_processes": runs["cli_1"]["processes"],
        "rerun_speedup": first["seconds"] / runs["pipeline_rerun"]["seconds"],
        "duplicate_share": first["duplicates_in_warehouse"] / max(1, first["articles_in_warehouse"]),
        # At one machine speed (drift_corrected_ratio); in-process (one worker) the plain ratio.
        "prefect_overhead": drift_corrected_ratio(of_kind("prefect"), of_kind("pipeline")) if workers > 1
        else seconds["prefect"] / seconds["pipeline"],
        "prefect_overhead_wall": seconds["prefect"] / seconds["pipeline"],
        "over_cpu_seconds": {  # the same ratios over the CPU seconds of all the processes of each run
            "ratio_vs_trafilatura": cpu["bare"] / cpu["pipeline"],
            "ratio_vs_trafilatura_cli": cpu["cli"] / cpu["pipeline"],
            "prefect_overhead": cpu["prefect"] / cpu["pipeline"],
            # All the CPU per worker CPU second, Prefect's over the pipeline's (None in-process).
            "prefect_overhead_per_worker_cpu": (cpu["prefect"] / mean_of("cpu_seconds_workers", "prefect"))
            / (cpu["pipeline"] / mean_of("cpu_seconds_workers", "pipeline")) if workers > 1 else None,
            "prefect_extra_cpu_seconds": mean_of("cpu_seconds_parent", "prefect") + mean_of("api_server_cpu_seconds", "prefect")
            - mean_of("cpu_seconds_parent", "pipeline"),
            "pipeline_cpu_ms_per_doc": cpu["pipeline"] / n * 1000,
            "trafilatura_cpu_ms_per_doc": cpu["bare"] / n * 1000,
            "trafilatura_cli_cpu_ms_per_doc": cpu["cli"] / n * 1000,
        },
        "spread": {kind: {"seconds": spread([r["seconds"] for r in of_kind(kind)]),
                          "cpu_seconds": spread([r["cpu_seconds_all_processes"] for r in of_kind(kind)])} for kind in KINDS},
        "spread_wall_per_worker_cpu": {kind: spread([wall_per_worker_cpu(r) for r in of_kind(kind)])
                                       for kind in ("pipeline", "prefect")} if workers > 1 else None,
        "peak_rss_mb": first["peak_rss_mb_all_processes"],
        "peak_rss_mb_parent": first["peak_rss_mb"],
        "peak_rss_mb_largest_worker": first["worker_peak_rss_mb"],
        "warehouse_mb_per_1k_articles": first["warehouse_bytes"] / 1e6 / first["articles_in_warehouse"] * 1000,
        "stage_shares": {k: round(v / first["seconds"], 3) for k, v in stage.items()},
        "stage_seconds": {k: round(v, 3) for k, v in stage.items()},
        "cpu_shares": {k: round(v / sum(worker_cpu.values()), 3) for k, v in worker_cpu.items()} if worker_cpu else {},
        "rerun_stage_seconds": runs["pipeline_rerun"]["tally"]["seconds"],
        "batch_size": batch_size,
        "bare_kwargs": BARE_KWARGS,
        "text_files_in_bare": "read and decoded only, counted in its docs and seconds",
        "corpus": asdict(corpus),
        "order": list(runs),
        "runs": runs,
    }
    show(write_results(out, report))
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="documents in the corpus (default %(default)s)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes for the pipeline and for bare trafilatura (default: the CPU count)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of bare, CLI, pipeline and Prefect runs; bare, CLI "
                        "and pipeline run once more at the end (default %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json", help="JSON results (default %(default)s)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1 (a Prefect run in each), not {args.rounds}")
    from tasks.acquire.load import (
        DEFAULT_BATCH_SIZE,  # here, not at the top: the measuring processes import this module
    )

    run(args.n, args.out, DEFAULT_BATCH_SIZE, args.workers, args.rounds)


if __name__ == "__main__":
    main()
