"""The keys tasks.dedup.teasers recognises a teaser by: a 64-bit key of OPENING_WORDS normalized words of an
article's first paragraph from each of its first DATELINE_WORDS + 1 words (what a teaser to it may open
with), and of the first OPENING_WORDS words of each later paragraph (what may be a teaser). Apart from
tasks.dedup.teasers, which reads and writes the warehouse, so that the worker processes that compute them
(tasks.run.prepare) import neither DuckDB nor Arrow (tests/run/test_pool.py holds it)."""
from __future__ import annotations

from dataclasses import dataclass

from tasks.dedup.search_index import key_of
from tasks.text.normalize import Recent, paragraph_keys

OPENING_WORDS = 8
DATELINE_WORDS = 8


@dataclass(frozen=True)
class Openings:
    own: frozenset[int]  # what a teaser to this article may open with
    paragraphs: tuple[tuple[int, int], ...]  # (line index, key) of each paragraph after the first with enough words


_OPENINGS = Recent(1024)  # a batch asks for its articles' openings twice (to find teasers, to record them)


def _key(words: list[str]) -> int:
    return key_of(" ".join(words[:OPENING_WORDS]))


def openings_of(text: str) -> Openings:
    found = _OPENINGS.get(text)
    if found is not None:
        return found
    own: frozenset[int] = frozenset()
    paragraphs, first = [], True
    for index, key in enumerate(paragraph_keys(text)):
        if not key:
            continue
        words = key.split()
        if first:
            starts = range(min(DATELINE_WORDS + 1, len(words) - OPENING_WORDS + 1))
            own, first = frozenset(_key(words[start:]) for start in starts), False
        elif len(words) >= OPENING_WORDS:
            paragraphs.append((index, _key(words)))
    return _OPENINGS.put(text, Openings(own, tuple(paragraphs)))


def remember_openings(text: str, found: Openings | None) -> None:
    """`openings_of(text)`, computed elsewhere (in the worker that extracted the text); None is remembered as
    unknown (`openings_of` computes it)."""
    _OPENINGS.put(text, found)
