"""Ingest throughput of the pipeline against bare trafilatura and the trafilatura command line, on one
corpus of real pages.

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
exact-duplicate detection has nothing to short-cut.

Then each measurement runs in a fresh spawned process (imports outside the clock; worker pools are
started inside it, as a user's run would), one after the other, in R rounds (`--rounds`, default 2) of:

1. bare ``trafilatura.extract(html, output_format="txt", include_comments=False)``
   (the pipeline's extraction options) on every HTML file, over W processes
   (the pipeline's worker count); text files are read and decoded only and
   counted, so both systems are rated over the same N documents;
2. the trafilatura command line on the folder, with its defaults:
   ``trafilatura --input-dir DIR --output-dir OUT`` (``--parallel`` defaults
   to min(CPU count, 16) processes; it extracts every file, text ones included);
3. the project's path end to end, bare functions: ``list_folder`` +
   ``ingest_listing`` (the pipeline's batches of 400, W workers, every enrichment on) into a
   fresh DuckDB file (migrations applied before the clock starts); in the first round only, a second run
   over the unchanged folder into the same file follows (the rerun);
4. the real Prefect ``ingest`` flow on the same folder into another fresh file (a temporary local Prefect
   API, as ``make run`` uses, started and warmed before the clock);

and then 1, 2 and 3 once more. Every ratio is over the means of all the runs of its two kinds: R + 1 of
bare, CLI and pipeline, R of Prefect, each Prefect run between two pipeline runs (`prefect_overhead` holds
the machine's speed constant as well: below). Runs of the same work
differ by 3-21% within a bench on these VMs (`spread` in the results), more than the margins the targets
ask about: one run of each, as this bench did until its ninth pass, put `prefect_overhead` at 0.959 and
1.084 in two benches of the same code, whose Prefect flow adds about 3% of CPU (docs/benchmarks.md, ninth
pass). Interleaved rounds average the noise and spread any drift of the machine over every kind of run
alike.

Before each measurement every file of the corpus is read once, off the clock (`warm_page_cache`): on
these VMs the kernel evicts cold page-cache pages within minutes, and a run that found the 1.7 GB corpus
evicted spent up to 7 ms a document more reading it (a 10k pipeline run 118.8 → 149.3 s, its reads
0.77 → 7.55 ms a document). Every run now starts with the files in memory, as a run right after a crawl
would, and the runs differ by their work, not by which one found the files evicted.

Every run also counts the CPU seconds of all its processes (`tree_cpu_seconds`: the measuring process, its
workers, the command line's processes, the temporary Prefect API server), and the three ratios are given
again over CPU seconds (`over_cpu_seconds`). Wall time moves by 20-30% between runs on these VMs; CPU time
moves less but still moves (two identical pipeline runs of one bench: 154.3 and 167.6 CPU seconds), so
the CPU figures narrow the noise without removing it. The pipeline's and the Prefect runs also split their
CPU into the measuring process's and its workers' (`cpu_seconds_parent`, `cpu_seconds_workers`): the workers
do the same work in both, so their CPU seconds measure how fast the machine ran during each run, and
`prefect_overhead_per_worker_cpu` (all the CPU per worker CPU second, Prefect's over the pipeline's) and
`prefect_extra_cpu_seconds` (the flow process and its API server over the pipeline's process) give Prefect's
cost without the machine's drift. They cannot see a cost Prefect would add inside the workers (none runs
there: the workers import no Prefect).

`prefect_overhead` is wall time under Prefect over wall time bare at one machine speed: each run's wall
seconds per CPU second of its workers (`wall_per_worker_cpu`), the means of the Prefect runs' over the
pipeline's (`drift_corrected_ratio`). In the eight benches recorded before it became the measure
(docs/benchmarks.md, twelfth pass), the pipeline's runs of one bench read within 0.2-1.3% of each other
this way while their wall times differed by 3-22%, and over nearly the same code the plain ratio of wall
times (`prefect_overhead_wall`, still reported) read 0.976-1.119, the corrected one 1.024-1.042. Whatever
Prefect costs in the flow's process and its API server shows in it: that takes CPU from the workers or
holds the batches up, and stretches the wall time, not the workers' CPU. What it would divide out is a
cost that made the workers' own work slower (the API server crowding their caches, say): in the eleven
benches that split CPU by process, the workers of a Prefect run used on average 0.5% more CPU than those
of the pipeline's runs on either side of it (22 runs, from 12% less to 13% more; standard error 1.3%),
which is noise, not a cost. `spread_wall_per_worker_cpu` is the noise left.

Peak RSS is the measuring process's VmHWM (Linux) plus, for the pipeline, the
largest worker's (every worker reports its own). Prints a table and writes JSON.

    python bench/ingest_throughput.py [--n 10000] [--rounds 2] [--workers W] [--out bench/results.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
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
DEFAULT_N = 10_000
DEFAULT_ROUNDS = 2
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

    from tasks.extract.text_article import extract_text_article

    def html_text(html: str) -> str:
        return trafilatura.extract(html, **BARE_KWARGS) or ""

    def plain_text(text: str) -> str:
        return extract_text_article(text).text

    pages = sorted((data_dir / "html").glob("*.html.gz"))
    if not pages:
        raise SystemExit(f"no benchmark pages in {data_dir}/html (pass --data-dir): a corpus of seeds alone measures "
                         "something else")
    sources = []
    for path in pages:
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


def children_peak_rss_mb() -> float:
    """The largest peak RSS among this process's finished children (Linux: ru_maxrss of RUSAGE_CHILDREN)."""
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _live_descendants_cpu(pid: int) -> float:
    """CPU seconds of `pid`'s live descendants, each with its own reaped children (Linux /proc; else 0)."""
    total = 0.0
    try:
        children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                    for c in (task / "children").read_text().split()]
    except OSError:
        return 0.0
    for child in children:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile: reaped by its parent, counted there
        total += sum(int(f) for f in fields[11:15]) / _CLOCK_TICKS  # utime, stime, cutime, cstime
        total += _live_descendants_cpu(child)
    return total


def tree_cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by this process, its reaped children and its live
    descendants: a worker pool that was shut down, the trafilatura command line, and the temporary Prefect
    API server that is still running. A run's CPU is the difference of two readings (module docstring)."""
    return sum(own_and_reaped_cpu_seconds()) + _live_descendants_cpu(os.getpid())


def own_and_reaped_cpu_seconds() -> tuple[float, float]:
    """CPU seconds so far of this process, and of its reaped children (a run's worker pool, once shut down)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, reaped.ru_utime + reaped.ru_stime


def cpu_split_since(start: tuple[float, float]) -> tuple[float, float]:
    """This process's CPU seconds and its reaped children's since `start` (own_and_reaped_cpu_seconds)."""
    own, reaped = own_and_reaped_cpu_seconds()
    return own - start[0], reaped - start[1]


def _bare_files(paths: list[str], extra_kwargs: dict[str, Any]) -> list[tuple[str, float, bool]]:
    """In a worker: (kind, seconds, empty) per file; HTML extracted, text read and decoded only."""
    import trafilatura

    out = []
    for path in paths:
        start = time.perf_counter()
        content = Path(path).read_bytes().decode("utf-8", errors="replace")
        if path.endswith(".html"):
            result = trafilatura.extract(content, **BARE_KWARGS, **extra_kwargs)
            out.append(("html", time.perf_counter() - start, not result))
        else:
            out.append(("text", time.perf_counter() - start, False))
    return out


def _reset_trafilatura() -> None:
    from tasks.extract.caches import reset_extraction_caches  # trafilatura's reset, without htmldate's false ERROR

    reset_extraction_caches()


def measure_bare(folder: str, workers: int, extra_kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """trafilatura.extract on every .html file over `workers` processes (chunks of 8 files, like the
    pipeline's); .txt files read and decoded only. The pool is started inside the clock."""
    import trafilatura  # noqa: F401  imported outside the timer

    files = sorted(str(p) for p in Path(folder).iterdir() if p.suffix in (".html", ".txt"))
    chunks = [files[i:i + 8] for i in range(0, len(files), 8)]
    rss_start = peak_rss_mb()
    cpu_start = tree_cpu_seconds()
    start = time.perf_counter()
    if workers == 1:
        _reset_trafilatura()
        results = [r for chunk in chunks for r in _bare_files(chunk, extra_kwargs or {})]
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_reset_trafilatura) as pool:
            results = [r for part in pool.map(_bare_files, chunks, [extra_kwargs or {}] * len(chunks)) for r in part]
    seconds = time.perf_counter() - start
    cpu = tree_cpu_seconds() - cpu_start
    return {
        "docs": len(results), "cpu_seconds_all_processes": cpu, "html_docs": sum(k == "html" for k, _, _ in results),
        "text_docs": sum(k == "text" for k, _, _ in results), "empty": sum(e for _, _, e in results),
        "seconds": seconds, "worker_seconds": sum(s for _, s, _ in results), "workers": workers,
        "peak_rss_mb": peak_rss_mb(), "worker_peak_rss_mb": children_peak_rss_mb() if workers > 1 else None,
        "rss_after_imports_mb": rss_start,
    }


def trafilatura_cli_processes() -> int:
    from trafilatura.settings import PARALLEL_CORES

    return PARALLEL_CORES


def measure_cli(folder: str, out_dir: str) -> dict[str, Any]:
    """`trafilatura --input-dir folder --output-dir out_dir`, its defaults (the command a user would run)."""
    exe = shutil.which("trafilatura", path=str(Path(sys.executable).parent)) or "trafilatura"
    shutil.rmtree(out_dir, ignore_errors=True)
    cpu_start = tree_cpu_seconds()
    start = time.perf_counter()
    proc = subprocess.run([exe, "--input-dir", folder, "--output-dir", out_dir], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    cpu = tree_cpu_seconds() - cpu_start
    outputs = sum(1 for _ in Path(out_dir).rglob("*") if _.is_file()) if Path(out_dir).exists() else 0
    shutil.rmtree(out_dir, ignore_errors=True)
    docs = sum(1 for p in Path(folder).iterdir() if p.suffix in (".html", ".txt"))
    return {"docs": docs, "seconds": seconds, "cpu_seconds_all_processes": cpu, "returncode": proc.returncode, "outputs": outputs,
            "processes": trafilatura_cli_processes(), "command": "trafilatura --input-dir DIR --output-dir OUT",
            "peak_rss_mb": children_peak_rss_mb(), "stderr_tail": proc.stderr[-300:]}


def _warehouse_facts(warehouse_path: str) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(warehouse_path, read_only=True)
    try:
        articles, duplicates = con.execute("SELECT count(*), count(dup_of) FROM articles").fetchone()
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        con.close()
    size = sum(os.path.getsize(p) for p in (warehouse_path, warehouse_path + ".wal") if os.path.exists(p))
    return {"articles_in_warehouse": articles, "duplicates_in_warehouse": duplicates,
            "documents_in_warehouse": documents, "warehouse_bytes": size}


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
    cpu_start, split_start = tree_cpu_seconds(), own_and_reaped_cpu_seconds()
    start = time.perf_counter()
    listing = list_folder(folder)
    tally = ingest_listing(warehouse, run_id, listing, batch_size, workers=workers)
    seconds = time.perf_counter() - start
    cpu = tree_cpu_seconds() - cpu_start
    parent_cpu, workers_cpu = cpu_split_since(split_start)
    peak = peak_rss_mb()
    worker_peak = children_peak_rss_mb() if workers > 1 else 0.0
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
    cpu_start, server_start = tree_cpu_seconds(), _live_descendants_cpu(os.getpid())
    split_start = own_and_reaped_cpu_seconds()
    start = time.perf_counter()
    summary = ingest(source=folder, warehouse=warehouse_path, batch_size=batch_size, workers=workers)
    seconds = time.perf_counter() - start
    cpu = tree_cpu_seconds() - cpu_start  # the flow's process, its workers and the API server
    # The API server is the one process alive at both readings (the flow's workers have exited by the second).
    server_cpu = _live_descendants_cpu(os.getpid()) - server_start
    parent_cpu, workers_cpu = cpu_split_since(split_start)
    return {"docs": summary["inputs"], "seconds": seconds, "cpu_seconds_all_processes": cpu,
            "cpu_seconds_parent": parent_cpu, "cpu_seconds_workers": workers_cpu, "api_server_cpu_seconds": server_cpu,
            "api_startup_seconds": startup, "workers": workers,
            "summary_articles": summary["articles"], "peak_rss_mb": peak_rss_mb(), **_warehouse_facts(warehouse_path)}


def warm_page_cache(folder: str) -> int:
    """Read every file under `folder` once (module docstring); return the bytes read."""
    total = 0
    for path in Path(folder).rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    total += len(chunk)
    return total


def in_fresh_process(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run fn(*args) in a newly spawned process (fresh caches, own peak RSS) and return its result."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# --- report ------------------------------------------------------------------------------------


def print_table(report: dict[str, Any]) -> None:
    runs = report["runs"]
    rows = [(name, runs[name]) for name in report["order"]]
    print(f"commit {report['commit']}; N = {report['n']} docs ({report['corpus']['html']} html, {report['corpus']['text']} text), "
          f"{report['machine']['nproc']} cores, W = {report['workers']} workers, Python {report['python']}")
    print(f"{'run':<22} {'seconds':>8} {'docs/s':>8} {'CPU s':>8} {'peak RSS MB':>12}")
    for name, run in rows:
        print(f"{name:<22} {run['seconds']:8.1f} {run['docs'] / run['seconds']:8.1f} "
              f"{run['cpu_seconds_all_processes']:8.1f} {run['peak_rss_mb']:12.0f}")
    for key in ("docs_per_s", "ratio_vs_trafilatura", "ratio_vs_trafilatura_cli", "rerun_speedup", "prefect_overhead",
                "prefect_overhead_wall", "peak_rss_mb", "warehouse_mb_per_1k_articles"):
        print(f"{key:<32} {report[key]:.3f}")
    over_cpu = report["over_cpu_seconds"]
    print("over CPU seconds                 " + ", ".join(f"{k} {v:.3f}" for k, v in over_cpu.items() if v is not None))
    print(f"trafilatura CLI processes        {report['trafilatura_cli_processes']}")
    print("stage shares (parent wall time)  " + ", ".join(f"{k} {v:.2f}" for k, v in report["stage_shares"].items() if v))
    print("worker CPU shares                " + ", ".join(f"{k} {v:.2f}" for k, v in report["cpu_shares"].items()))
    print("spread of runs (max-min)/mean    " + ", ".join(f"{kind} {v['seconds']:.3f} s / {v['cpu_seconds']:.3f} CPU"
                                                         for kind, v in report["spread"].items()))
    if report["spread_wall_per_worker_cpu"]:
        print("spread of wall s per worker CPU s " + ", ".join(f"{kind} {v:.3f}"
                                                             for kind, v in report["spread_wall_per_worker_cpu"].items()))
    first = runs["pipeline_1"]
    print(f"pipeline first run: articles {first['tally']['articles']}, rejects {first['tally']['rejects'] or 'none'}, "
          f"duplicates marked {first['duplicates_in_warehouse']}")


KINDS = ("bare", "cli", "pipeline", "prefect")  # the runs that are repeated and averaged


def spread(values: list[float]) -> float:
    """(max - min) / mean: how far apart runs of the same work are."""
    return round((max(values) - min(values)) / statistics.mean(values), 3)


def kind_of_repeat(name: str) -> str | None:
    """The kind of a repeated run ("pipeline" for "pipeline_2"); None for the rerun ("pipeline_rerun")."""
    kind, _, number = name.rpartition("_")
    return kind if number.isdigit() else None


def wall_per_worker_cpu(run: dict[str, Any]) -> float:
    """A run's wall seconds per CPU second of its workers. The pipeline's and the Prefect runs hand their
    workers the same work, so their workers' CPU seconds measure how fast the machine ran during each run,
    and this is the run's wall time at a constant machine speed (module docstring)."""
    return run["seconds"] / run["cpu_seconds_workers"]


def drift_corrected_ratio(runs: list[dict[str, Any]], baseline: list[dict[str, Any]]) -> float:
    """Mean wall seconds per worker CPU second of `runs` over that of `baseline` (wall_per_worker_cpu)."""
    return statistics.mean(map(wall_per_worker_cpu, runs)) / statistics.mean(map(wall_per_worker_cpu, baseline))


def run(n: int, out: Path, data_dir: Path, seeds: Path, batch_size: int, workers: int, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-") as tmp:
        folder = str(Path(tmp) / "corpus")
        corpus = build_corpus(Path(folder), n, data_dir, seeds)
        runs: dict[str, dict[str, Any]] = {}
        order: list[str] = []
        names: dict[str, list[str]] = {kind: [] for kind in KINDS}  # the runs of each kind, in order

        def record(name: str, fn: Callable[..., dict[str, Any]], *args: Any) -> None:
            warm_page_cache(folder)
            runs[name] = in_fresh_process(fn, *args)
            order.append(name)
            kind = kind_of_repeat(name)
            if kind in names:
                names[kind].append(name)
            print(f"  {name}: {runs[name]['seconds']:.1f} s", flush=True)

        # Rounds of bare, CLI, pipeline and Prefect, then bare, CLI and pipeline once more: every Prefect run
        # lies between two pipeline runs, and every kind of run is spread over the whole bench (module docstring).
        for r in range(1, rounds + 2):
            record(f"bare_{r}", measure_bare, folder, workers)
            record(f"cli_{r}", measure_cli, folder, str(Path(tmp) / "cli-out"))
            wh = Path(tmp) / f"wh{r}"
            record(f"pipeline_{r}", measure_pipeline, folder, str(wh / "bench.duckdb"), f"bench-{r}", batch_size, workers)
            if r == 1:
                record("pipeline_rerun", measure_pipeline, folder, str(wh / "bench.duckdb"), "bench-rerun", batch_size,
                       workers)
            shutil.rmtree(wh)  # 0.7 GB a warehouse at 10k: its facts are in the run's record
            if r <= rounds:
                wh = Path(tmp) / f"whp{r}"
                wh.mkdir()  # Prefect makes its home, not the home's parent
                record(f"prefect_{r}", measure_prefect, folder, str(wh / "bench.duckdb"), batch_size, workers,
                       str(wh / "prefect-home"))
                shutil.rmtree(wh)
    first = runs["pipeline_1"]

    def of_kind(kind: str) -> list[dict[str, Any]]:
        return [runs[name] for name in names[kind]]

    def mean_of(key: str, kind: str) -> float:
        return statistics.mean(r[key] for r in of_kind(kind))

    seconds = {kind: mean_of("seconds", kind) for kind in names}
    cpu = {kind: mean_of("cpu_seconds_all_processes", kind) for kind in names}
    stage = first["tally"]["seconds"]
    worker_cpu = first["cpu_seconds"]
    report = {
        "n": n,
        "workers": workers,
        "rounds": rounds,
        "docs_per_s": n / seconds["pipeline"],
        "trafilatura_docs_per_s": n / seconds["bare"],
        "trafilatura_cli_docs_per_s": n / seconds["cli"],
        "ratio_vs_trafilatura": seconds["bare"] / seconds["pipeline"],
        "ratio_vs_trafilatura_cli": seconds["cli"] / seconds["pipeline"],
        "trafilatura_cli_processes": runs["cli_1"]["processes"],
        "rerun_speedup": first["seconds"] / runs["pipeline_rerun"]["seconds"],
        # Wall time under Prefect over wall time bare, both at the same machine speed (drift_corrected_ratio);
        # in-process (one worker) there is no worker CPU to hold the speed by, and it is the plain ratio.
        "prefect_overhead": drift_corrected_ratio(of_kind("prefect"), of_kind("pipeline")) if workers > 1
        else seconds["prefect"] / seconds["pipeline"],
        "prefect_overhead_wall": seconds["prefect"] / seconds["pipeline"],  # the plain ratio of the mean wall times
        "over_cpu_seconds": {  # the same ratios over the CPU seconds of all the processes of each run
            "ratio_vs_trafilatura": cpu["bare"] / cpu["pipeline"],
            "ratio_vs_trafilatura_cli": cpu["cli"] / cpu["pipeline"],
            "prefect_overhead": cpu["prefect"] / cpu["pipeline"],
            # The workers do the same work under Prefect and without it, so their CPU seconds measure how
            # fast the machine ran during each run: all the CPU per worker CPU second, Prefect's over the
            # pipeline's, is the overhead without the machine's drift (module docstring). None in-process.
            "prefect_overhead_per_worker_cpu": (cpu["prefect"] / mean_of("cpu_seconds_workers", "prefect"))
            / (cpu["pipeline"] / mean_of("cpu_seconds_workers", "pipeline")) if workers > 1 else None,
            "prefect_extra_cpu_seconds": mean_of("cpu_seconds_parent", "prefect") + mean_of("api_server_cpu_seconds", "prefect")
            - mean_of("cpu_seconds_parent", "pipeline"),
            "pipeline_cpu_ms_per_doc": cpu["pipeline"] / n * 1000,
            "trafilatura_cpu_ms_per_doc": cpu["bare"] / n * 1000,
            "trafilatura_cli_cpu_ms_per_doc": cpu["cli"] / n * 1000,
        },
        # How far apart the runs of one kind are (max - min over their mean): the noise the ratios sit in.
        "spread": {kind: {"seconds": spread([runs[name]["seconds"] for name in names[kind]]),
                          "cpu_seconds": spread([runs[name]["cpu_seconds_all_processes"] for name in names[kind]])}
                   for kind in names},
        # The same for the pipeline's and the Prefect runs' wall seconds per worker CPU second: the noise
        # left in prefect_overhead.
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
        "python": platform.python_version(),
        "commit": git_commit(),
        "machine": {"nproc": os.cpu_count(), "platform": platform.platform(), "processor": platform.machine()},
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "batch_size": batch_size,
        "bare_kwargs": BARE_KWARGS,
        "text_files_in_bare": "read and decoded only, counted in its docs and seconds",
        "corpus": {k: v for k, v in asdict(corpus).items() if k != "folder"},
        "order": order,
        "runs": runs,
    }
    print_table(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="documents in the corpus (default %(default)s)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes for the pipeline and for bare trafilatura (default: the CPU count)")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS,
                        help="rounds of bare, CLI, pipeline and Prefect runs; bare, CLI and pipeline run once more "
                             "at the end (default %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results (default bench/results.json)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="article-extraction-benchmark folder")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS, help="folder of seed .txt files")
    # here, not at the top: the measuring processes import this module
    from tasks.acquire.load import DEFAULT_BATCH_SIZE

    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="inputs per batch (default %(default)s)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1 (a Prefect run in each), not {args.rounds}")
    run(args.n, args.out, args.data_dir, args.seeds, args.batch_size, args.workers, args.rounds)


if __name__ == "__main__":
    main()
