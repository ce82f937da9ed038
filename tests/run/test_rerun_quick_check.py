"""A rerun does not read files whose size and modification time are what they were when stored."""
from __future__ import annotations

import os
import shutil

from tasks.acquire.load import list_folder
from tasks.run.pipeline import ingest_listing
from tasks.warehouse.database import Warehouse, apply_migrations
from tests.support.paths import SEEDS, read_rows


def _run(folder, warehouse: Warehouse, force: bool = False):
    return ingest_listing(warehouse, "run", list_folder(folder), force=force, workers=1).as_dict()


def test_untouched_files_are_not_read_touched_ones_are_hashed_changed_ones_extracted(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("003_abe0edcc387d59e3.txt", "004_e2e31be185229538.txt"):
        shutil.copy(SEEDS / name, folder / name)
    warehouse = Warehouse(tmp_path / "w.duckdb")
    with warehouse.connect() as con:
        apply_migrations(con)
    first = _run(folder, warehouse)
    assert first["articles"]["new"] == 2
    stats = read_rows(warehouse.path, "SELECT file_size, file_mtime_ns FROM documents")
    assert all(size and mtime for size, mtime in stats)

    # Same size, same mtime, other bytes: trusted as unchanged, so the file was not read (as make would).
    target = folder / "003_abe0edcc387d59e3.txt"
    stat = target.stat()
    original = target.read_bytes()
    target.write_bytes(original.replace("طهران".encode(), "بيروت".encode()))
    assert target.stat().st_size == stat.st_size
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    quick = _run(folder, warehouse)
    assert quick["documents"]["unchanged"] == 2 and quick["articles"]["unchanged"] == 2
    assert quick["seconds"]["extract"] == 0
    text = read_rows(warehouse.path, "SELECT a.text FROM articles a JOIN documents d USING (doc_id)"
                                     " WHERE d.input_ref LIKE '%003_%'")[0][0]
    assert "طهران" in text

    # Touched with its old bytes: read and hashed, still unchanged.
    target.write_bytes(original)
    touched = _run(folder, warehouse)
    assert touched["documents"]["unchanged"] == 2 and touched["articles"]["new"] == 0

    # Other bytes and a new mtime: extracted again.
    target.write_bytes(original.replace("طهران".encode(), "بيروت".encode()))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    changed = _run(folder, warehouse)
    assert changed["articles"]["updated"] == 1 and changed["articles"]["unchanged"] == 1

    # force reads everything again
    forced = _run(folder, warehouse, force=True)
    assert forced["documents"]["new_or_changed"] == 2


def test_a_rerun_sets_untouched_files_aside_before_batching(tmp_path, monkeypatch):
    """Files that need nothing make no batch: they are found in a few large lookups, and counted with the
    first batch's tally (which the flows' ledger sums)."""
    import tasks.run.pipeline as pipeline

    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    warehouse = Warehouse(tmp_path / "w.duckdb")
    with warehouse.connect() as con:
        apply_migrations(con)
    monkeypatch.setattr(pipeline, "UNTOUCHED_CHUNK", 2)  # several lookups for five files
    batches: list[tuple[int, dict]] = []

    def run(force: bool = False) -> dict:
        batches.clear()
        calls: list[int] = []

        def run_batch(warehouse, run_id, refs, *args, **kwargs):
            calls.append(len(refs))
            return pipeline.ingest_batch(warehouse, run_id, refs, *args, **kwargs)

        total = ingest_listing(warehouse, "run", list_folder(folder), batch_size=2, run_batch=run_batch, workers=1, force=force,
                               on_batch=lambda n, count, tally: batches.append((n, tally.as_dict())))
        return {"calls": calls, "total": total.as_dict()}

    first = run()
    assert first["calls"] == [2, 2, 1] and first["total"]["articles"]["new"] == 5
    target = folder / "003_abe0edcc387d59e3.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nسطر جديد أضيف إلى الخبر بعد نشره للمرة الأولى.\n", encoding="utf-8")
    again = run()
    assert again["calls"] == [1]  # only the changed file is read
    assert again["total"]["inputs"] == 5 and again["total"]["documents"]["unchanged"] == 4
    assert again["total"]["articles"] == {"new": 0, "updated": 1, "unchanged": 4, "duplicate": 0, "out_of_window": 0}
    assert batches[0][1]["documents"]["unchanged"] == 4  # the first batch carries the files set aside
    unchanged = run()
    assert unchanged["calls"] == [0] and unchanged["total"]["documents"]["unchanged"] == 5
    assert run(force=True)["calls"] == [2, 2, 1]
