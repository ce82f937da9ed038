"""Cleaning inside one article: paragraphs given twice, or first cut short with an ellipsis and then
given whole, are kept once (the first full occurrence, in place)."""
from __future__ import annotations

import re

from tasks.normalize import text_key

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
    keys = [text_key(p) for p in paragraphs]
    truncated = [is_truncated(p) for p in paragraphs]
    kept, dropped, seen = [], [], set()
    for i, (para, key) in enumerate(zip(paragraphs, keys)):
        if not key:
            kept.append(para)
            continue
        if key in seen and len(key.split()) >= MIN_REPEAT_WORDS:
            dropped.append(para)
            continue
        if truncated[i] and len(key.split()) >= MIN_TRUNCATED_WORDS and any(
            j != i and len(other) > len(key) and other.startswith(key) for j, other in enumerate(keys)
        ):
            dropped.append(para)
            continue
        seen.add(key)
        kept.append(para)
    return kept, dropped
