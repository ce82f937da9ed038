"""`akhbar eval events`: gold in the shape of ../shared/gold/seeds.json scored through the real pipeline."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.events import EventsInputError, eval_events
from tests.support.paths import FIXTURES

FOLDER = FIXTURES / "enrichment"


def _gold(tmp_path: Path, events: list[dict]) -> Path:
    gold = {"articles": {"a": {
        "text": (FOLDER / "a.txt").read_text(encoding="utf-8"), "published": "2024-02-12",
        "entities": [{"name": "أيمن الصفدي", "type": "PER", "aliases": ["الصفدي"]},
                     {"name": "عبد الفتاح السيسي", "type": "PER"}, {"name": "القاهرة", "type": "LOC"},
                     {"name": "نبيل فهمي", "type": "PER"}],
        "agencies_cited": ["بترا"],
        "dates": [{"text": "صباح أمس الأحد", "value": "2024-02-11", "granularity": "day"}],
        "quotes": [{"speaker": "أيمن الصفدي", "begins": "العلاقات بين البلدين"}],
        "events": events,
    }}}
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return path


def test_scores_count_matches_misses_and_extras(tmp_path):
    events = [{"type": "CONSULT", "mode": "visit", "actor": "أيمن الصفدي"},
              {"type": "CONSULT", "mode": "host", "actor": "عبد الفتاح السيسي", "target": "الصفدي"},
              {"type": "ACCUSE", "mode": "accuse", "actor": "أيمن الصفدي", "target": "نبيل فهمي"}]  # not in the text
    result = eval_events(_gold(tmp_path, events))
    assert result["events"]["gold"] == 3 and result["events"]["matched"] == 2
    assert result["events"]["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert result["events"]["precision"] == pytest.approx(2 / result["events"]["predicted"], abs=1e-4)
    assert result["quotes"]["matched"] == 1 and result["dates"]["matched"] == 1 and result["agencies"]["matched"] == 1
    assert result["entities"]["matched"] == 3 and result["entities"]["gold"] == 4  # نبيل فهمي is not in the text
    assert result["entity_ids_consistent"]["one_id"] == result["entity_ids_consistent"]["entities"] == 3


def test_mismatches_list_what_the_scorer_did_not_match():
    from evaluation.events import mismatches, score_article
    gold = {"entities": [{"name": "أيمن الصفدي", "type": "PER", "aliases": ["الصفدي"]}, {"name": "عمان", "type": "LOC"}],
            "events": [{"type": "CONSULT", "actor": "الصفدي"}, {"type": "ACCUSE", "actor": "الصفدي", "target": "عمان"}],
            "quotes": [], "dates": [{"text": "أمس", "value": "2024-02-11", "granularity": "day"}], "agencies_cited": ["بترا"]}
    pred = {"names": {"e1": ("أيمن الصفدي", "PER"), "e2": ("القاهرة", "LOC")},
            "mentions": [("e1", "الصفدي", "PER"), ("e2", "القاهرة", "LOC")],
            "events": [("CONSULT", "visit", "e1", None), ("SUPPORT", "praise", "e1", "e2")], "quotes": [],
            "dates": [("أمس", "2024-02-11", "day")], "agencies": [("وكالة الأنباء الأردنية", "وكالة الأنباء الأردنية")]}
    wrong = mismatches(gold, pred)
    assert wrong["events"] == ([gold["events"][1]], [("SUPPORT", "praise", "e1", "e2")])
    assert wrong["entities"] == ([gold["entities"][1]], ["e2"]) and wrong["dates"] == ([], [])
    assert wrong["agencies"][0] == ["بترا"]
    assert score_article(gold, pred)["events"] == (1, 2, 2)


def test_bad_gold_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(EventsInputError, match="cannot read"):
        eval_events(bad)
    bad.write_text(json.dumps({"articles": {"x-unknown": {"events": []}}}), encoding="utf-8")
    with pytest.raises(EventsInputError, match="no text and no seed file"):
        eval_events(bad)


def test_seeds_gold_regression_floor():
    """The seeds' gold is a development set the rules were checked on: a floor against regressions, not
    an estimate of quality on unseen text (docs/enrichment.md)."""
    from tests.support.paths import GOLD, need_shared

    need_shared(GOLD)
    result = eval_events(GOLD)
    assert result["events"]["f1"] >= 0.8
    assert result["quotes"]["recall"] >= 0.9
    assert result["entity_ids_consistent"]["one_id"] == result["entity_ids_consistent"]["entities"] >= 45
