"""Finding articles by their words: every word of an article's title and text (normalized: letter variants,
marks and case folded by tasks.text.normalize; the article prefix ال stripped as for story terms, tasks.dedup.terms;
one-letter words left out, no stopword list) is stored as a 64-bit key in `search_terms`, with its article, when
the article is written. A word that begins with a one-letter proclitic (و ب ل ف ك) is stored bare too, so that
"طهران" finds "بطهران" and "وطهران". A search looks up the same forms of its words.

A search reads the keys of its words, not the texts: at 100,000 articles a scan of 16 million small integers
(tens of milliseconds) where `ILIKE` over every text took seconds, and DuckDB's full-text extension
took 0.5 to 0.8 s a query after a 64 s rebuild of its index for every change (docs/explore.md). Pure: the
workers compute an article's keys; tasks.dedup.search_store writes them."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache

from tasks.dedup.terms import stem
from tasks.text.normalize import words

_PROCLITICS = frozenset("وبلفك")
_BARE_MIN = 4  # letters left after a proclitic for the bare form to be stored too (not وزير -> زير)


@lru_cache(maxsize=1 << 17)  # a news vocabulary: each word of an article is mostly one met before
def key_of(form: str) -> int:
    """A form's key: the first 8 bytes of its BLAKE2b digest, as a signed 64-bit integer."""
    return int.from_bytes(hashlib.blake2b(form.encode(), digest_size=8).digest(), "little", signed=True)


_stem = lru_cache(maxsize=1 << 17)(stem)


def _forms(distinct_words) -> Iterator[str]:
    """The form each word is indexed and looked up by (one-letter words have none)."""
    return (_stem(w) for w in distinct_words if len(w) > 1)


def forms_of(text: str) -> list[str]:
    """The forms a text's words are indexed and looked up by, each once, in the order they come."""
    return list(dict.fromkeys(_forms(dict.fromkeys(words(text)))))


def article_keys(title: str | None, text: str) -> list[int]:
    """The sorted distinct keys an article is found by."""
    # the text's words are cached by its extraction: not a text joined to its title
    found = set(_forms({*words(text), *words(title or "")}))
    found.update([f[1:] for f in found if f[0] in _PROCLITICS and len(f) - 1 >= _BARE_MIN])
    return sorted(map(key_of, found))
