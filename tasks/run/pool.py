"""A pool of worker processes for the CPU stages (reading files, decode, extract, signatures, terms,
enrichment), spawned once per run; the parent keeps the warehouse (every DuckDB read and write). Results
never depend on the number of workers: work is split into chunks whose results come back in input order,
and the batch-level enrichment step (persons named in one article looked for in the others) is merged in
the parent between two rounds (tasks.run.pipeline).

`worker_pool(n)` opens the pool for a run; the pipeline's batch functions use the open pool, or work
in-process when none is open or n is 1. The size defaults to AKHBAR_WORKERS, else os.cpu_count()."""
from __future__ import annotations

import gc
import os
import threading
from collections import deque
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from multiprocessing import get_context
from typing import Any, Callable, Iterator, Sequence

WORKERS_ENV = "AKHBAR_WORKERS"
CHUNK = 8  # items per task sent to a worker: small enough to keep both cores busy to the end of a batch
BEHIND_PER_WORKER = 3  # chunks of work submitted `behind` in the executor at once, per worker


def default_workers() -> int:
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value:
        n = int(value)
        if n < 1:
            raise ValueError(f"{WORKERS_ENV} must be at least 1, not {n}")
        return n
    return os.cpu_count() or 1


# CPython's collector runs a young collection each time 700 more objects are made than freed, and a full one
# (which walks every object) every hundred of those. The writer makes millions of short-lived objects in a run
# (results unpickled, rows, Arrow conversions) while it holds large tables for as long as the run lasts (known
# persons, the batch's names): the collector took a tenth of its CPU (0.34 of 3.7 s on 2,000 articles, 711
# collections). While a run's pool is open, this process collects every GC_THRESHOLD[0] objects instead (53
# collections, 0.11 s; the writer's CPU 4.0 -> 3.7 s). The workers keep the default: there it gained nothing
# (round 1 and 2 of 1,000 articles in one process, 5.95 s either way). Nothing a run makes depends on when
# cycles are freed.
GC_THRESHOLD = (10_000, 10, 10)


def _init_worker() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # numpy in workers: one thread each
    # What the workers run (tasks.run.prepare) and its imports, once per worker. Not DuckDB nor Arrow: the
    # warehouse stays with the parent, and the two added about 60 MB to each worker's memory
    # (tests/run/test_pool.py holds it).
    import tasks.run.prepare  # noqa: F401


class Pending:
    """Results of chunks submitted to the pool (or computed in-process), in input order."""

    def __init__(self, futures: list[Future] | None = None, done: list | None = None):
        self._futures = futures or []
        self._done = done

    def result(self) -> list:
        if self._done is not None:
            return self._done
        out: list = []
        for future in self._futures:
            out.extend(future.result())
        self._done, self._futures = out, []
        return out


class WorkerPool:
    def __init__(self, workers: int | None = None):
        self.workers = default_workers() if workers is None else workers
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.RLock()
        self._behind: deque = deque()  # chunks submitted `behind`, not yet given to the executor
        self._behind_running = 0
        if self.workers > 1:
            self._executor = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"), initializer=_init_worker)

    @property
    def in_process(self) -> bool:
        return self._executor is None

    def submit(self, fn: Callable[..., list], items: Sequence, *args: Any, behind: bool = False) -> Pending:
        """fn(chunk, *args) -> one result per item, over chunks of `items`; in-process when the pool has
        one worker (then computed now). `behind`: work that may wait (the next batch's round 1, started
        ahead): its chunks are given to the workers a few at a time, as they finish, so that work
        submitted later without `behind` (this batch's round 2, which the writer waits for) runs next
        rather than after all of it."""
        if self._executor is None or not items:
            return Pending(done=fn(list(items), *args) if items else [])
        chunks = [list(items[i:i + CHUNK]) for i in range(0, len(items), CHUNK)]
        if not behind:
            return Pending([self._executor.submit(fn, chunk, *args) for chunk in chunks])
        placeholders = [Future() for _ in chunks]
        with self._lock:
            self._behind.extend((placeholder, fn, chunk, args) for placeholder, chunk in zip(placeholders, chunks))
            self._feed()
        return Pending(placeholders)

    def _feed(self) -> None:
        """Give waiting `behind` chunks to the executor while fewer than BEHIND_PER_WORKER per worker are in it
        (one per worker left the workers idle between chunks: 1.1 cores used of 2, make bench-arabic)."""
        with self._lock:
            while self._behind and self._behind_running < BEHIND_PER_WORKER * self.workers and self._executor is not None:
                placeholder, fn, chunk, args = self._behind.popleft()
                if not placeholder.set_running_or_notify_cancel():
                    continue
                try:
                    future = self._executor.submit(fn, chunk, *args)
                except Exception as exc:  # a broken pool (a worker killed): this and every waiting chunk fail with it
                    placeholder.set_exception(exc)
                    for waiting, *_ in self._behind:
                        if waiting.set_running_or_notify_cancel():
                            waiting.set_exception(exc)
                    self._behind.clear()
                    return
                self._behind_running += 1
                future.add_done_callback(partial(self._relay, placeholder))

    def _relay(self, placeholder: Future, done: Future) -> None:
        with self._lock:
            self._behind_running -= 1
        if done.cancelled():
            placeholder.set_exception(CancelledError())
        elif done.exception() is not None:
            placeholder.set_exception(done.exception())
        else:
            placeholder.set_result(done.result())
        self._feed()

    def map(self, fn: Callable[..., list], items: Sequence, *args: Any) -> list:
        return self.submit(fn, items, *args).result()

    def close(self) -> None:
        with self._lock:
            for placeholder, *_ in self._behind:
                placeholder.cancel()
            self._behind.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


_IN_PROCESS = WorkerPool(1)
_active: WorkerPool | None = None


def active_pool() -> WorkerPool:
    """The pool a run opened, else in-process work."""
    return _active or _IN_PROCESS


@contextmanager
def worker_pool(workers: int | None = None) -> Iterator[WorkerPool]:
    """Open a pool for the duration of a run (nested calls reuse the open one), collecting less (GC_THRESHOLD)."""
    global _active
    if _active is not None:
        yield _active
        return
    pool = WorkerPool(workers)
    _active = pool
    threshold = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield pool
    finally:
        gc.set_threshold(*threshold)
        _active = None
        pool.close()
