"""The warehouse: a DuckDB file or a DuckLake, migrations, transactions and batch-write helpers."""
