"""What every bench shares: where things are, the commit and machine a figure came from, memory and CPU
accounting, a fresh process per measurement, a timer for wrapped functions, tables, and the results file.
Importing it puts the project on sys.path."""
from __future__ import annotations

import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("AKHBAR_SHARED", ROOT.parent / "shared"))
BENCHMARK = SHARED / "data" / "article-extraction-benchmark"
SEEDS = ROOT / "seeds"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


NEWS = SHARED / "data" / "news"


def news_articles(n: int, skip: int = 0, every: int = 4) -> list[dict]:
    """n articles of the ANT corpus (../shared/data/news, Apache-2.0) with distinct non-empty texts, one in
    `every` in the corpus's order (all its outlets), after the first `skip` such articles; fewer when the
    corpus has no more."""
    import hashlib

    from tasks.enrich.lexicons.corpus import news_files, read_articles

    seen, out, taken = set(), [], 0
    for i, article in enumerate(read_articles(news_files(NEWS))):
        text = (article.get("text") or "").strip()
        digest = hashlib.sha1(text.encode()).digest()
        if i % every or not text or digest in seen:
            continue
        seen.add(digest)
        taken += 1
        if taken > skip:
            out.append({**article, "text": text})
            if len(out) >= n:
                break
    return out


def mixed_article(articles: list[dict], i: int) -> dict:
    """An article of about one article's length made of sentences of six of `articles` (chosen by i), the
    j-th sentence taken from the (j mod 6)-th of them, for benches that need more distinct articles than the
    corpus holds: news text, a copy of none of them. It takes the first one's title, outlet and date. The six are
    a sample seeded by i, so two i seldom share a set (a stride over the list repeated every len(articles))."""
    rng, indexes = random.Random(i), range(len(articles))
    picks = [articles[k] for k in (rng.sample(indexes, 6) if len(articles) >= 6 else rng.choices(indexes, k=6))]
    sentences = [p["text"].split(". ") for p in picks]
    longest = max(map(len, sentences))
    text = ". ".join(sentences[j % 6][j] for j in range(longest) if j < len(sentences[j % 6]))
    return {**picks[0], "id": f"mixed-{i}", "url": None, "text": f"{text} ({i})"}


def git_commit() -> str | None:
    """The project's HEAD commit (with "-dirty" when tracked code differs), for the record."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "tasks", "schemas", "flows"], cwd=ROOT).returncode != 0
    except (OSError, subprocess.CalledProcessError):
        return None
    return head.stdout.strip() + ("-dirty" if dirty else "")


def machine() -> dict[str, Any]:
    """The machine a figure was taken on, and the code it ran."""
    return {"nproc": os.cpu_count(), "platform": platform.platform(), "processor": platform.machine(),
            "python": platform.python_version(), "commit": git_commit()}


def write_results(path: Path | str, report: dict[str, Any]) -> dict[str, Any]:
    """Stamp `report` (in place) with the commit, the Python version, the date and the machine (merged into
    any "machine" it has), write it to `path` as JSON, and return it."""
    stamp = machine()
    report.update(commit=stamp["commit"], python=stamp["python"], date=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  machine={**report.get("machine", {}), **stamp})
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {path}")
    return report


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], formats: Sequence[str] = ()) -> None:
    """Rows under their headers, each column as wide as its widest cell: numbers right-aligned (column i
    formatted with formats[i], e.g. ".1f", when given), text left-aligned, None blank."""
    def cell(i: int, v: Any) -> str:
        if v is None:
            return ""
        return format(v, formats[i]) if isinstance(v, (int, float)) and i < len(formats) and formats[i] else str(v)
    cells = [[cell(i, v) for i, v in enumerate(row)] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    right = [bool(rows) and isinstance(rows[0][i], (int, float)) for i in range(len(headers))]
    for line in [list(headers)] + cells:
        print("  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(line, widths, right)).rstrip())


def file_bytes(path: str) -> int:
    """A DuckDB file's size with its write-ahead log."""
    return sum(os.path.getsize(p) for p in (path, path + ".wal") if os.path.exists(p))


def warehouse_counts(path: str) -> dict[str, int]:
    """Rows of a warehouse file (articles, of them duplicates, documents, fetch states) and its bytes."""
    import duckdb

    with duckdb.connect(path, read_only=True) as con:
        counts = con.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(dup_of) FROM articles), "
                             "(SELECT count(*) FROM documents), (SELECT count(*) FROM fetch_state)").fetchone()
    return {**dict(zip(("articles", "duplicates", "documents", "fetch_states"), counts)), "bytes": file_bytes(path)}


def in_fresh_process(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run fn(*args) in a newly spawned process (fresh caches, own peak RSS) and return its result."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _maxrss_mb(who: int) -> float:
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (VmHWM on Linux, else ru_maxrss)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _maxrss_mb(resource.RUSAGE_SELF)


def children_peak_rss_mb() -> float:
    """The largest peak RSS among this process's finished children (Linux: ru_maxrss of RUSAGE_CHILDREN)."""
    return _maxrss_mb(resource.RUSAGE_CHILDREN)


def rss_mb(pid: int) -> float:
    """A process's resident memory now, in MB (Linux /proc; 0 when gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def child_pids(pid: int) -> list[int]:
    """The live children of `pid`, of all its threads (Linux /proc; else none)."""
    try:
        return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    except OSError:
        return []


def live_descendants_cpu(pid: int) -> float:
    """CPU seconds of `pid`'s live descendants, each with its own reaped children (Linux /proc; else 0)."""
    total = 0.0
    for child in child_pids(pid):
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile: reaped by its parent, counted there
        total += sum(int(f) for f in fields[11:15]) / _CLOCK_TICKS  # utime, stime, cutime, cstime
        total += live_descendants_cpu(child)
    return total


def own_and_reaped_cpu_seconds() -> tuple[float, float]:
    """CPU seconds so far of this process, and of its reaped children (a worker pool, once shut down)."""
    own, reaped = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, reaped.ru_utime + reaped.ru_stime


def cpu_split_since(start: tuple[float, float]) -> tuple[float, float]:
    """This process's CPU seconds and its reaped children's since `start` (own_and_reaped_cpu_seconds)."""
    own, reaped = own_and_reaped_cpu_seconds()
    return own - start[0], reaped - start[1]


def tree_cpu_seconds() -> float:
    """CPU seconds (user + system) so far of this process, its reaped children and its live descendants (a
    worker pool that was shut down, a command line, a server still running). A run's CPU is the difference
    of two readings."""
    return sum(own_and_reaped_cpu_seconds()) + live_descendants_cpu(os.getpid())


class Clock:
    """Seconds spent per label, by a timer: wall (time.perf_counter, the default) or this process's CPU
    (time.process_time). `phase` is the stack of labels being timed, the innermost last."""

    def __init__(self, timer: Callable[[], float] = time.perf_counter, outer: str = "") -> None:
        self.timer, self.phase = timer, [outer]
        self.spent: dict[str, float] = defaultdict(float)

    @contextmanager
    def timing(self, label: str) -> Iterator[None]:
        self.phase.append(label)
        start = self.timer()
        try:
            yield
        finally:
            self.spent[label] += self.timer() - start
            self.phase.pop()

    def wrap(self, module: Any, name: str, label: str | None = None) -> None:
        """Rebind module.name to a timed version of itself (for this process only)."""
        function = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.timing(label or name):
                return function(*args, **kwargs)
        setattr(module, name, timed)

    def take(self) -> dict[str, float]:
        """The seconds per label since the last take."""
        spent, self.spent = dict(self.spent), defaultdict(float)
        return spent
