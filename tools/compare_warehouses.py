"""Two warehouse files compared table by table, column by column: for a change that must not change what
the pipeline stores (a restructure, a speed-up), ingest the same input with the code before and after, then

    .venv/bin/python tools/compare_warehouses.py BEFORE.duckdb AFTER.duckdb

prints each table's rows and the columns whose sorted values differ. Run ids, timestamps, process ids and run
counts always differ between two runs, and a folder's file URLs and mtimes between two checkouts; any other
column listed is a change in what is stored. Exits 1 when the two hold different tables or row counts."""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb


def _values(con: duckdb.DuckDBPyConnection, table: str, column: str) -> list:
    return con.execute(f'SELECT "{column}"::VARCHAR FROM "{table}" ORDER BY 1').fetchall()


def compare(before: str, after: str) -> bool:
    for path in (before, after):
        if not Path(path).is_file():
            sys.exit(f"{path}: no such warehouse file")
    a, b = duckdb.connect(before, read_only=True), duckdb.connect(after, read_only=True)
    tables = "SELECT table_name FROM information_schema.tables ORDER BY 1"
    names = [r[0] for r in a.execute(tables).fetchall()]
    if names != [r[0] for r in b.execute(tables).fetchall()]:
        print("the two warehouses hold different tables")
        return False
    same = True
    for t in names:
        columns = [r[0] for r in a.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                           "ORDER BY ordinal_position", [t]).fetchall()]
        rows = [con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for con in (a, b)]
        differ = [c for c in columns if _values(a, t, c) != _values(b, t, c)]
        same &= rows[0] == rows[1]
        print(f"{t:28} rows {rows[0]:>7} / {rows[1]:<7} differing columns: {', '.join(differ) or '-'}")
    return same


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(0 if compare(sys.argv[1], sys.argv[2]) else 1)
