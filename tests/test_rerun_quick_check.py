"""A rerun does not read files whose size and modification time are what they were when stored."""
from __future__ import annotations

import os
import shutil

from tasks.load import list_folder
from tasks.pipeline import ingest_listing
from tasks.warehouse import Warehouse, apply_migrations

from conftest import SEEDS, read_rows


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
