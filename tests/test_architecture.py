"""The layout docs/architecture.md describes: tasks/ holds one package per stage and no module of its own,
and the import rules in pyproject.toml ([tool.importlinter]) hold: entry points over evaluation over the
stages over the record types, each stage importing only stages below it, and no import cycle in a package."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT


def test_tasks_holds_packages_only():
    assert sorted(p.name for p in (ROOT / "tasks").glob("*.py")) == ["__init__.py"]
    packages = sorted(p.name for p in (ROOT / "tasks").iterdir() if (p / "__init__.py").exists())
    assert packages == ["acquire", "dedup", "enrich", "extract", "run", "text", "warehouse"]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout, done.stdout


def test_no_test_module_is_a_room_of_its_own():
    """Tests are split by the module they test: none grows past about 600 lines."""
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in (ROOT / "tests").rglob("*.py")}
    assert max(sizes.values()) <= 620, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
