"""Copies and stories on the hand-grouped story days (tools/devsets/story_days/ and its regrouped/, and the shared
../shared/gold/dev-stories.json when present): `akhbar eval dedup` and `akhbar eval stories` on each, as
one table with each file's split (dev files are read for errors; held-out files are only scored):

    .venv/bin/python tools/score_story_days.py [--json]      (make score-stories; about 90 seconds)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAYS = ROOT / "tools" / "devsets" / "story_days"
SHARED_DEV = ROOT.parent / "shared" / "gold" / "dev-stories.json"


def story_files() -> list[tuple[Path, str]]:
    files = [(SHARED_DEV, "dev")] if SHARED_DEV.is_file() else []
    for path in [*sorted(DAYS.glob("*.json")), *sorted((DAYS / "regrouped").glob("*.json"))]:
        split = json.loads(path.read_text(encoding="utf-8")).get("split")
        if split not in ("dev", "heldout"):
            raise SystemExit(f"{path}: 'split' must be 'dev' or 'heldout', not {split!r}")
        files.append((path, split))
    return files


def main() -> int:
    from evaluation.grouping import eval_dedup, eval_stories

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    for path, split in story_files():
        copies, stories = eval_dedup(path), eval_stories(path)
        name = str(path.relative_to(DAYS)) if path.is_relative_to(DAYS) else path.name
        rows.append({"file": name, "split": split, "documents": copies["documents"],
                     "copies_p": copies["precision"], "copies_r": copies["recall"], "copies_f1": copies["f1"],
                     "stories_ari": stories["ari"], "stories_bcubed_f1": round(stories["bcubed_f1"], 4)})
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    head = ["file", "split", "documents", "copies_p", "copies_r", "copies_f1", "stories_ari", "stories_bcubed_f1"]
    print(" | ".join(head))
    for r in rows:
        print(" | ".join(str(r[h]) for h in head))
    return 0


if __name__ == "__main__":
    sys.exit(main())
