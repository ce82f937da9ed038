"""akhbar: Arabic-first news ingestion into a DuckDB warehouse."""

__version__ = "0.1.0"
