"""Cleaning inside one article: paragraphs given twice, or first cut short with an ellipsis and then
given whole, are kept once (the first full occurrence, in place)."""
from __future__ import annotations

import re

from tasks.text.normalize import text_key

_ELLIPSIS = re.compile(r"\s*(\.{2,}|…)\s*[\"'”»]?\s*$")
MIN_TRUNCATED_WORDS = 5  # a shorter fragment ending in "..." is not taken for a cut-short paragraph
# Short lines repeat as content ("See it now: Amazon" under each product, one question put to several
# people, list separators): only a paragraph of this many words or more is a pasted-twice repeat.
MIN_REPEAT_WORDS = 8


def is_truncated(paragraph: str) -> bool:
    return bool(_ELLIPSIS.search(paragraph))


def drop_repeated_paragraphs(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Return (kept, dropped). A paragraph of MIN_REPEAT_WORDS words or more is dropped when an earlier
    one has the same normalized text; one that ends in an ellipsis, when its words begin another
    paragraph of the article."""
    repeated = set(repeated_paragraphs(paragraphs, [text_key(p) for p in paragraphs]))
    kept = [p for i, p in enumerate(paragraphs) if i not in repeated]
    return kept, [paragraphs[i] for i in sorted(repeated)]


def repeated_paragraphs(paragraphs: list[str], keys: list[str]) -> list[int]:
    """Positions of the paragraphs `drop_repeated_paragraphs` drops, given their `text_key`s."""
    dropped, seen = [], set()
    for i, (para, key) in enumerate(zip(paragraphs, keys)):
        if not key:
            continue
        if key in seen and len(key.split()) >= MIN_REPEAT_WORDS:
            dropped.append(i)
            continue
        if is_truncated(para) and len(key.split()) >= MIN_TRUNCATED_WORDS and any(
            j != i and len(other) > len(key) and other.startswith(key) for j, other in enumerate(keys)
        ):
            dropped.append(i)
            continue
        seen.add(key)
    return dropped
