"""One ingest of FOLDER with the code of another checkout, for before/after figures on one corpus
(e.g. `git archive 58d671f | tar -x -C /tmp/base`). The warehouse file is replaced; prints seconds, stage
seconds and counts as JSON.

    python bench/ingest_once.py ROOT FOLDER WORKERS WAREHOUSE     # WORKERS 0: code without a worker pool
"""
from __future__ import annotations

import json
import os
import sys
import time
from contextlib import nullcontext


def main(root: str, folder: str, workers: int, warehouse_path: str) -> dict:
    sys.path[:0] = [root]
    from tasks.acquire.load import list_folder
    from tasks.run.pipeline import ingest_listing
    from tasks.warehouse.database import Warehouse, apply_migrations

    for path in (warehouse_path, warehouse_path + ".wal"):
        if os.path.exists(path):
            os.remove(path)
    warehouse = Warehouse(warehouse_path)
    with warehouse.connect() as con:
        apply_migrations(con)
    if workers:
        from tasks.run.pool import worker_pool
        pool = worker_pool(workers)
    else:
        pool = nullcontext()
    with pool as opened:
        if workers > 1:
            opened.map(list, [[1]] * 20)  # start the workers outside the clock
        start = time.perf_counter()
        tally = ingest_listing(warehouse, "r1", list_folder(folder), 200)
        seconds = time.perf_counter() - start
    counts = tally.as_dict()
    return {"root": root, "workers": workers, "seconds": round(seconds, 2), "docs_per_s": round(tally.inputs / seconds, 1),
            "stages": {k: round(v, 1) for k, v in tally.seconds.items() if v},
            "articles": counts["articles"], "extracted": counts.get("extracted")}


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])))
