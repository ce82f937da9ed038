"""Scoring for `akhbar eval dates`: the share of labelled cases whose date is among the expressions found."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tasks.enrich.temporal.expressions import find_temporal


class DatesInputError(ValueError):
    """A cases file that cannot be read or misses a field."""


_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def read_cases(path: str | Path) -> list[dict]:
    """The cases of a `{"cases": [{"text", "anchor", "value", "granularity"}]}` file, checked."""
    try:
        cases = json.loads(Path(path).read_text(encoding="utf-8"))["cases"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatesInputError(f"cannot read cases from {path}: {exc!r}") from exc
    for n, case in enumerate(cases):
        if not isinstance(case, dict) or not {"text", "value", "granularity"} <= case.keys():
            raise DatesInputError(f"{path}: case {n} needs text, value and granularity")
        if case["granularity"] not in _FORMATS:
            raise DatesInputError(f"{path}: case {n}: granularity {case['granularity']!r} is not day, month or year")
    return cases


def case_found(case: dict) -> bool:
    """True when some expression found in the case's text has the labelled value and granularity."""
    anchor = date.fromisoformat(case["anchor"]) if case.get("anchor") else None
    fmt = _FORMATS[case["granularity"]]
    return any(t.value is not None and t.granularity == case["granularity"] and t.value.strftime(fmt) == case["value"]
               for t in find_temporal(case["text"], anchor))


def eval_dates(path: str | Path) -> dict:
    cases = read_cases(path)
    right = sum(case_found(c) for c in cases)
    return {"accuracy": round(right / len(cases), 4) if cases else 0.0, "n": len(cases)}
