"""Scoring for `akhbar eval`: pairwise P/R/F1, adjusted Rand index and B-cubed F1 on hand-made
partitions with known values, and the command itself on small labelled files of real Arabic articles
(the outlet fixture)."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from evaluation.grouping import (
    EvalInputError,
    adjusted_rand,
    bcubed_f1,
    clusters,
    eval_stories,
    pairs_of,
    pairwise,
    read_labelled,
)
from tests.support.outlet import ARTICLES

AKHBAR = Path(sys.executable).parent / "akhbar"  # .venv/bin/akhbar
FOOTER = ("جميع الحقوق محفوظة لوكالة المدار للأنباء، ولا يجوز إعادة نشر هذا المحتوى أو نسخه أو ترجمته"
          " دون إذن خطي مسبق من إدارة التحرير.")


def P(slug: str) -> list[str]:
    return list(ARTICLES[slug]["paragraphs"])


def labels(*groups: str) -> dict[str, str]:
    """labels("ab", "c") -> {"a": "0", "b": "0", "c": "1"}"""
    return {item: str(n) for n, g in enumerate(groups) for item in g}


def by_position(values: list) -> dict[str, str]:
    return {f"x{i}": str(v) for i, v in enumerate(values)}


# --- pairwise ----------------------------------------------------------------------------------------


def test_pairs_and_clusters():
    assert pairs_of([["a", "b", "c"], ["d"], ["e", "e", "f"]]) == {
        frozenset("ab"), frozenset("ac"), frozenset("bc"), frozenset("ef")}
    assert sorted(map(sorted, clusters({"a": "1", "b": "2", "c": "1"}))) == [["a", "c"], ["b"]]


def test_pairwise_precision_recall_f1_by_hand():
    gold = pairs_of([["a", "b", "c"], ["d", "e"]])  # ab ac bc de
    pred = pairs_of([["a", "b"], ["c", "d", "e"]])  # ab cd ce de
    assert pairwise(pred, gold) == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "pairs_predicted": 4, "pairs_gold": 4}
    # fewer, all right: precision 1, recall 1/4
    r = pairwise(pairs_of([["a", "b"]]), gold)
    assert (r["precision"], r["recall"], r["f1"]) == (1.0, 0.25, 0.4)
    # more, half right: 3 of 6 predicted pairs are gold; 3 of 4 gold pairs found
    r = pairwise(pairs_of([["a", "b", "c", "d"]]), gold)
    assert (r["precision"], r["recall"], r["f1"]) == (0.5, 0.75, 0.6)
    # nothing predicted: precision is vacuous, nothing found
    r = pairwise(set(), gold)
    assert (r["precision"], r["recall"], r["f1"], r["pairs_predicted"]) == (1.0, 0.0, 0.0, 0)
    # nothing wrong, nothing to find
    assert pairwise(set(), set())["f1"] == 1.0
    # rounded to 4 places: 2/3
    r = pairwise(pairs_of([["a", "b", "c"]]), pairs_of([["a", "b"], ["a", "c"]]))
    assert (r["precision"], r["recall"], r["f1"]) == (0.6667, 1.0, 0.8)


# --- adjusted Rand index -------------------------------------------------------------------------------


def test_adjusted_rand_is_one_for_identical_partitions_whatever_the_labels():
    gold = labels("abc", "de", "f", "ghij")
    renamed = {k: f"story-{int(v) * 7 + 3}" for k, v in gold.items()}
    assert adjusted_rand(renamed, gold) == 1.0
    assert adjusted_rand(gold, gold) == 1.0
    singletons = {k: k for k in gold}
    assert adjusted_rand(singletons, singletons) == 1.0


def test_adjusted_rand_known_values():
    # scikit-learn's documented examples (adjusted_rand_score(labels_true, labels_pred))
    assert adjusted_rand(by_position([0, 0, 1, 2]), by_position([0, 0, 1, 1])) == pytest.approx(4 / 7)
    assert adjusted_rand(by_position([0, 0, 1, 1, 2, 2]), by_position([0, 0, 0, 1, 1, 1])) == pytest.approx(8 / 33)
    assert adjusted_rand(by_position([0, 1, 2, 3]), by_position([0, 0, 0, 0])) == 0.0
    # a partition that splits every gold pair and joins across: worse than chance
    assert adjusted_rand(by_position([0, 1, 0, 1]), by_position([0, 0, 1, 1])) == pytest.approx(-0.5)
    # symmetric in its arguments
    a, b = by_position([0, 0, 1, 1, 2, 2, 2]), by_position([0, 1, 1, 1, 2, 2, 0])
    assert adjusted_rand(a, b) == pytest.approx(adjusted_rand(b, a))


def test_adjusted_rand_is_near_zero_for_unrelated_partitions():
    rng = random.Random(20240601)
    n = 3000
    gold = by_position([rng.randrange(30) for _ in range(n)])
    pred = by_position([rng.randrange(30) for _ in range(n)])
    assert abs(adjusted_rand(pred, gold)) < 0.01
    # while a mostly-right one scores high
    noisy = {k: (v if rng.random() < 0.9 else str(rng.randrange(30))) for k, v in gold.items()}
    assert adjusted_rand(noisy, gold) > 0.7


# --- B-cubed -----------------------------------------------------------------------------------------


def test_bcubed_f1_known_values():
    gold = labels("abc", "de")
    assert bcubed_f1(gold, gold) == 1.0
    # pred {a,b} {c,d,e}: precision = recall = (1 + 1 + 1/3 + 2/3 + 2/3) / 5 = 11/15
    assert bcubed_f1(labels("ab", "cde"), gold) == pytest.approx(11 / 15)
    # one cluster: precision (3 * 3/5 + 2 * 2/5) / 5 = 13/25, recall 1 -> F1 = 13/19
    assert bcubed_f1(labels("abcde"), gold) == pytest.approx(13 / 19)
    # all singletons: precision 1, recall (3 * 1/3 + 2 * 1/2) / 5 = 2/5 -> F1 = 4/7
    assert bcubed_f1({k: k for k in gold}, gold) == pytest.approx(4 / 7)


# --- labelled files ------------------------------------------------------------------------------------


def dedup_file(tmp_path: Path, groups=None, **over) -> Path:
    """An original, two edited copies of it (new lead and footer; paragraphs reordered), and two other articles."""
    a = ARTICLES["amman-solar-plant"]
    docs = [
        {"id": "solar", "text": "\n\n".join(P("amman-solar-plant")), "published": a["published"], "outlet": "المدار"},
        {"id": "solar-agency", "text": "\n\n".join([a["summary"]] + P("amman-solar-plant")[1:] + [FOOTER]),
         "published": "2024-02-14T12:00:00+03:00", "outlet": "وكالة"},
        {"id": "solar-reordered", "text": "\n\n".join(P("amman-solar-plant")[::-1]), "published": "2024-02-15T08:00:00+03:00"},
        {"id": "book-fair", "text": "\n\n".join(P("cairo-book-fair-2024")), "published": ARTICLES["cairo-book-fair-2024"]["published"]},
        {"id": "port", "text": "\n\n".join(P("beirut-port-reconstruction")), "published": ARTICLES["beirut-port-reconstruction"]["published"],
         "title": ARTICLES["beirut-port-reconstruction"]["title"]},
    ]
    data = {"documents": docs, "duplicate_groups": groups if groups is not None else [["solar", "solar-agency", "solar-reordered"]], **over}
    path = tmp_path / "dedup.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def akhbar(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(AKHBAR), *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_eval_dedup_json(tmp_path):
    path = dedup_file(tmp_path)
    done = akhbar("eval", "dedup", str(path), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "pairs_predicted": 3, "pairs_gold": 3,
                      "documents": 5, "articles": 5}


def test_eval_dedup_scores_a_wrong_gold_group(tmp_path):
    # gold also (wrongly) groups two unrelated articles: 3 of 4 gold pairs are found, none predicted wrongly
    path = dedup_file(tmp_path, [["solar", "solar-agency", "solar-reordered"], ["book-fair", "port"]])
    done = akhbar("eval", "dedup", str(path), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["precision"], result["recall"], result["f1"]) == (1.0, 0.75, 0.8571)
    assert (result["pairs_predicted"], result["pairs_gold"]) == (3, 4)
    # without --json: one "key value" line per figure
    text = akhbar("eval", "dedup", str(path), cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    lines = dict(line.split() for line in text.stdout.strip().splitlines())
    assert lines["recall"] == "0.75" and lines["f1"] == "0.8571" and lines["documents"] == "5"


def test_eval_stories_in_process(tmp_path):
    """Two reports of the port plan a day apart, and two unrelated articles."""
    a = ARTICLES["beirut-port-reconstruction"]
    docs = [
        {"id": "port-1", "text": "\n\n".join(a["paragraphs"][:3]), "published": "2024-03-18T11:00:00+02:00"},
        {"id": "port-2", "text": "\n\n".join([a["summary"]] + a["paragraphs"][3:]), "published": "2024-03-19T09:00:00+02:00",
         "title": a["title"], "outlet": "الشرق"},
        {"id": "solar", "text": "\n\n".join(P("amman-solar-plant")), "published": "2024-03-18T12:00:00+02:00"},
        {"id": "wheat", "text": "\n\n".join(P("morocco-wheat-drought")), "published": "2024-03-19T12:00:00+02:00"},
    ]
    path = tmp_path / "stories.json"
    path.write_text(json.dumps({"documents": docs, "stories": [["port-1", "port-2"]]}, ensure_ascii=False), encoding="utf-8")
    assert eval_stories(path) == {"ari": 1.0, "bcubed_f1": 1.0, "documents": 4, "stories_gold": 3, "stories_predicted": 3}
    # gold that puts everything in one story: the prediction (3 stories) scores ARI 0, B-cubed F1 2/3 ...
    path.write_text(json.dumps({"documents": docs, "stories": [["port-1", "port-2", "solar", "wheat"]]}), encoding="utf-8")
    result = eval_stories(path)
    assert result["ari"] == 0.0 and result["stories_gold"] == 1
    # precision 1; recall (2 * 2/4 + 2 * 1/4) / 4 = 3/8 -> F1 = 6/11
    assert result["bcubed_f1"] == round(6 / 11, 4)


BAD_INPUTS = {
    "missing-id": ({"documents": [{"text": "نص"}], "duplicate_groups": []}, "every document needs an id and a text"),
    "missing-text": ({"documents": [{"id": "a"}], "duplicate_groups": []}, "every document needs an id and a text"),
    "unknown-id": ({"documents": [{"id": "a", "text": "نص"}], "duplicate_groups": [["a", "zzz"]]}, "unknown ids ['zzz']"),
    "id-twice": ({"documents": [{"id": "a", "text": "نص"}, {"id": "a", "text": "نص آخر"}], "duplicate_groups": []}, "document id 'a' twice"),
    "no-groups": ({"documents": []}, '"duplicate_groups": [[id, ...], ...]'),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_labelled_file_exits_2(tmp_path, case):
    data, message = BAD_INPUTS[case]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = akhbar("eval", "dedup", str(path), "--json", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("akhbar eval: ") and message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("case", ["missing", "directory", "not-json"])
def test_unreadable_file_exits_2(tmp_path, case):
    path = {"missing": tmp_path / "nope.json", "directory": tmp_path}.get(case, tmp_path / "broken.json")
    if case == "not-json":
        path.write_text('{"documents": [', encoding="utf-8")
    done = akhbar("eval", "dedup", str(path), "--json", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(f"akhbar eval: cannot read {path}")
    assert "Traceback" not in done.stderr


def test_read_labelled_for_stories_names_its_key(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"documents": [{"id": "a", "text": "نص"}], "stories": [["b"]]}), encoding="utf-8")
    with pytest.raises(EvalInputError, match=r"stories name unknown ids \['b'\]"):
        read_labelled(path, "stories")


def test_non_utf8_file_exits_2(tmp_path):
    path = tmp_path / "cp1256.json"
    path.write_bytes(json.dumps({"documents": [{"id": "a", "text": P("amman-solar-plant")[0]}], "duplicate_groups": []},
                                ensure_ascii=False).encode("cp1256", errors="replace"))
    done = akhbar("eval", "dedup", str(path), "--json", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith("akhbar eval: cannot read")


def test_json_that_is_not_an_object_exits_2(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[]", encoding="utf-8")
    done = akhbar("eval", "dedup", str(path), "--json", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.startswith("akhbar eval: ")


def test_numeric_ids_are_scored_or_refused(tmp_path):
    path = dedup_file(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    number = {d["id"]: n for n, d in enumerate(data["documents"], start=1)}
    for d in data["documents"]:
        d["id"] = number[d["id"]]
    data["duplicate_groups"] = [[number[i] for i in g] for g in data["duplicate_groups"]]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = akhbar("eval", "dedup", str(path), "--json", cwd=tmp_path)
    if done.returncode == 2:  # refused with a message: acceptable
        assert done.stderr.startswith("akhbar eval: ")
    else:
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["f1"] == 1.0
