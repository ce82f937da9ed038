"""Pipeline stages as plain functions over batches of records; Prefect stays at the edge (flows/)."""
import importlib.util
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = PROJECT_ROOT / "models"  # what `make train-ner` and `make train-idf` build, committed


class _NoPandas:
    """DuckDB's Python client tries `import pandas` on every execute with parameters (to recognise
    DataFrames). pandas is not a dependency here, so each try searched all of sys.path and failed: about
    0.1 ms, 40-odd times per statement, 7% of an ingest in a profile. This finder fails that import at
    once, with the ModuleNotFoundError the search would have ended with."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname == "pandas":
            raise ModuleNotFoundError("No module named 'pandas'", name="pandas")
        return None


if "pandas" not in sys.modules and importlib.util.find_spec("pandas") is None:
    sys.meta_path.insert(0, _NoPandas())
