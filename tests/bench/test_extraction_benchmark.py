"""Extraction quality on the article-extraction benchmark (181 real pages with ground truth), scored
with the benchmark's own metric: the pipeline, ingesting the pages as a folder, must score no worse
than bare trafilatura (the benchmark's setting, include_comments=False) measured in the same run."""
from __future__ import annotations

import sys

import pytest

from tests.support.paths import BENCHMARK, ROOT, need_shared

sys.path.insert(0, str(ROOT / "bench"))
import extraction_metric  # noqa: E402
from extraction_quality import score_bare_trafilatura, score_pipeline_on_benchmark  # noqa: E402


@pytest.fixture(autouse=True)
def _benchmark_data():
    need_shared(BENCHMARK / "ground-truth.json")


def test_metric_reproduces_the_published_trafilatura_figure():
    truths = extraction_metric.load_ground_truth(BENCHMARK)
    published = extraction_metric.load_predictions(BENCHMARK / "output" / "trafilatura.json")
    scores = extraction_metric.corpus_scores(published, truths)
    assert round(scores["f1"], 3) == 0.958 and round(scores["precision"], 3) == 0.938 and round(scores["recall"], 3) == 0.978


def test_pipeline_scores_no_worse_than_bare_trafilatura(tmp_path):
    pipeline = score_pipeline_on_benchmark(BENCHMARK, tmp_path)
    bare = score_bare_trafilatura(BENCHMARK, include_comments=False)
    assert pipeline["articles"] == 181 and pipeline["rejects"] == {}
    assert pipeline["f1"] >= bare["f1"], (pipeline["f1"], bare["f1"])
    assert pipeline["f1"] > 0.95
