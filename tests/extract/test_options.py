"""The reused trafilatura Extractor (tasks.extract.options.extractor_for) is the one bare_extraction builds."""
from __future__ import annotations

import pytest
from trafilatura.settings import Extractor

from tasks.extract.options import DEFAULT_OPTIONS, ExtractOptions, extractor_for


@pytest.mark.parametrize("options", [DEFAULT_OPTIONS, ExtractOptions(include_comments=True, favor_precision=True, fast=False),
                                     ExtractOptions(favor_recall=True, include_tables=False, deduplicate=True)])
@pytest.mark.parametrize("url", [None, "https://example.com/a", "https://example.com/\udcff"])
def test_the_reused_extractor_is_the_one_bare_extraction_builds(options, url):
    kw = options.as_kwargs()
    fresh = Extractor(output_format="python", fast=kw["fast"], precision=kw["favor_precision"], recall=kw["favor_recall"],
                      comments=kw["include_comments"], tables=kw["include_tables"], dedup=kw["deduplicate"], url=url)
    reused = extractor_for(options, url)
    assert extractor_for(options, "https://other.example/") is not reused
    for field in Extractor.__slots__:
        if field != "date_params":  # today's date, for metadata, which this extraction does not ask for
            assert getattr(reused, field) == getattr(fresh, field), field
