"""A page's metadata and main text as trafilatura gives them, with two of its functions restated for speed.

What is restated, and what each buys (trafilatura 2.3.1; CPU per document end to end, 4,000 documents of
`make bench`'s corpus on 2 workers, 4 interleaved rounds, at 9e9cbab: docs/benchmarks.md):
- `cascade.extract_tree` restates `bare_extraction` (fast mode, no comments, no metadata): no copies of the
  tree, the regular-expression XPath prunes run only where the page's classes and ids can match, the
  whole-page text measure bounded first, the frame found in Python. Off, a document costs 23% more CPU.
- `metadata.page_metadata` restates `trafilatura.metadata.extract_metadata` for the fields the warehouse
  stores: the author rules in one pass over the elements, no categories, tags or licence, htmldate's quick
  date search before its extensive one. Off, a document costs 21% more CPU.
A third, the page's parse (`load_html` with element classes chosen in C), bought 3.5%, under the tenth of
throughput a restatement must buy to be kept, and was removed.

Both give trafilatura's own results: `tests/extract/test_restated_cascade.py` and
`tests/extract/test_restated_metadata.py` compare them with trafilatura's functions on every page the
project has (the fixtures and, with ../shared beside the repository, the 181 benchmark pages), and
`tests/extract/test_restated_page.py` compares `read_page` with the restatements on and off.

After a trafilatura upgrade: each module fingerprints the trafilatura source it restates (`_CHECKED`,
`_TRANSLATED`); on another version it calls trafilatura's own function, so results stay trafilatura's, only
slower, and the fingerprint tests fail. To check again: read the diff of the functions each module names
between the two versions, carry it over, run those three test files, then set the new fingerprint; and
measure what each still buys (`AKHBAR_TRAFILATURA_RESTATED=0 make bench` beside `make bench`, CPU per
document): drop one that buys under a tenth. `AKHBAR_TRAFILATURA_RESTATED=0` also lets an operator run
trafilatura's own functions at once, should a restatement ever be in doubt.
"""
from __future__ import annotations

import os

import trafilatura
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Document
from trafilatura.utils import load_html

from tasks.extract.options import MAX_FILE_SIZE, ExtractOptions, extractor_for
from tasks.extract.restated.cascade import extract_tree
from tasks.extract.restated.metadata import PageMetadata, page_metadata

RESTATED_ENV = "AKHBAR_TRAFILATURA_RESTATED"


_SWITCH = {"": True, "1": True, "true": True, "on": True, "yes": True, "0": False, "false": False, "off": False, "no": False}


def restated() -> bool:
    """Whether the restatements run (the default), or trafilatura's own functions (AKHBAR_TRAFILATURA_RESTATED=0).
    Any other value than 1/0, true/false, on/off, yes/no is refused, so a typo never leaves them silently on."""
    value = os.environ.get(RESTATED_ENV, "").strip().lower()
    if value not in _SWITCH:
        raise ValueError(f"{RESTATED_ENV} must be 1 or 0 (true/false, on/off, yes/no), not {value!r}")
    return _SWITCH[value]


def read_page(html: str, url: str | None, options: ExtractOptions) -> tuple[PageMetadata, Document | None] | None:
    """The page's title, author, URL, date and site name, and its main text (None when there is none): what
    `trafilatura.bare_extraction(html, url=url, with_metadata=True, ...)` gives for them, with the page's own
    URL when none is given. None when the page is not HTML. The page is parsed once; the metadata are read
    from the tree before the cascade prunes it."""
    tree = load_html(html, MAX_FILE_SIZE)
    if tree is None:
        return None
    if not restated():
        meta = extract_metadata(tree, url)
        return meta, trafilatura.bare_extraction(tree, options=extractor_for(options, url or meta.url))
    meta = page_metadata(tree, url)
    return meta, extract_tree(tree, extractor_for(options, url or meta.url))
