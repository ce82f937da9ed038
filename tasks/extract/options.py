"""How trafilatura extracts: the options chosen by measurement on the article-extraction benchmark
(docs/benchmarks.md), and trafilatura's `Extractor` for them, built once."""
from __future__ import annotations

from copy import copy
from dataclasses import asdict, dataclass
from functools import lru_cache

from trafilatura.settings import DEFAULT_CONFIG, Extractor


@dataclass(frozen=True)
class ExtractOptions:
    """trafilatura options, chosen by measurement on the article-extraction benchmark (docs/benchmarks.md)."""

    include_comments: bool = False
    include_tables: bool = True
    favor_precision: bool = False
    favor_recall: bool = False
    deduplicate: bool = False
    fast: bool = True  # no fallback extractors (readability, jusText): F1 0.9623 vs 0.9598, a third less time

    def as_kwargs(self) -> dict:
        """The options as trafilatura's keyword arguments (the fields are named as its parameters)."""
        return asdict(self)


DEFAULT_OPTIONS = ExtractOptions()


# What bare_extraction's defaults give load_html.
MAX_FILE_SIZE = DEFAULT_CONFIG.getint("DEFAULT", "MAX_FILE_SIZE")


@lru_cache(maxsize=8)
def _extractor_template(options: ExtractOptions) -> Extractor:
    """The `Extractor` that `bare_extraction(**options.as_kwargs(), output_format="python")` builds, without
    a URL. Building one reads the configuration and formats today's date (0.4 ms), on every call; the
    date is for metadata, which this extraction does not ask trafilatura for."""
    return Extractor(output_format="python", fast=options.fast, precision=options.favor_precision,
                     recall=options.favor_recall, comments=options.include_comments, tables=options.include_tables,
                     dedup=options.deduplicate, with_metadata=False)


def extractor_for(options: ExtractOptions, url: str | None) -> Extractor:
    """`Extractor(..., url=url)` for these options, copied from a template (tests/extract/test_options.py checks
    every field against one built anew)."""
    extractor = copy(_extractor_template(options))
    extractor.url = url
    extractor.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return extractor
