"""The HTML pages the extraction tests compare on: the fixtures, and the 181 pages of the
article-extraction benchmark when `../shared` is beside the repository (CI has it)."""
from __future__ import annotations

import gzip

from tests.support.paths import BENCHMARK_HTML, FIXTURES

HTML = FIXTURES / "html_pages"


def html_pages() -> list[tuple[str, str]]:
    """(file name, text decoded as UTF-8 with replacement) of every page."""
    out = []
    for page in sorted(HTML.glob("*.htm*")) + sorted(BENCHMARK_HTML.glob("*.html.gz")):
        data = page.read_bytes()
        out.append((page.name, (gzip.decompress(data) if page.suffix == ".gz" else data).decode("utf-8", errors="replace")))
    return out
