"""A hash of each paragraph of an article, by which tasks.dedup.boilerplate counts an outlet's repeated paragraphs.
Apart from tasks.dedup.boilerplate, which reads and writes the warehouse, so that the worker processes that
compute the hashes (tasks.run.prepare) import neither DuckDB nor Arrow (tests/run/test_pool.py holds it)."""
from __future__ import annotations

from tasks.text.normalize import Recent, paragraph_keys, sha256_hex

_HASHES = Recent(1024)  # a batch asks for its articles' hashes three times (learned, strip, record)


def paragraph_hashes(text: str) -> tuple[str, ...]:
    """A hash of each paragraph's normalized text ("" for a paragraph with no words)."""
    found = _HASHES.get(text)
    return found if found is not None else _HASHES.put(text, tuple(sha256_hex(k)[:16] if k else "" for k in paragraph_keys(text)))


def remember_paragraph_hashes(text: str, hashes: tuple[str, ...]) -> None:
    """`paragraph_hashes(text)`, computed elsewhere (in the worker that extracted the text)."""
    _HASHES.put(text, hashes)
