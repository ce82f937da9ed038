"""Arabic normalization for keys and matching. Stored text keeps the published letters.

Folds: alef/hamza forms (أ إ آ ٱ → ا, ؤ → و, ئ → ي), ta marbuta (ة → ه), alef maqsura (ى → ي),
Persian/Urdu letters (ی ې → ي, ک → ك, ۀ → ه), tatweel, diacritics and Quranic marks, Arabic-Indic and
Persian digits, presentation forms (NFKC), and Latin case.
"""
from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from typing import Callable, Sequence

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")

_FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
        "ؤ": "و", "ئ": "ي", "ى": "ي", "ی": "ي", "ې": "ي", "ێ": "ي",
        "ة": "ه", "ۀ": "ه", "ە": "ه", "ھ": "ه",
        "ک": "ك", "ڪ": "ك",
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "\u200c": " ", "\u200d": "", "\u200e": "", "\u200f": "", "\ufeff": "",
    }
)

_WORD = re.compile(r"\w+")


def replacing(table: dict[int, str]) -> Callable[[str], str]:
    """`str.translate(table)` as a chain of `str.replace`, one per character of the table that the text
    holds: the same text whenever no replacement holds a character the table replaces (refused otherwise),
    and 25 times faster on Arabic text, where CPython's translate looks a dictionary up for every character
    (230 µs an article of news, folded six times over by the enrichment)."""
    pairs = [(chr(k), v) for k, v in table.items()]
    if any(k in v for k, _ in pairs for _, v in pairs):
        raise ValueError("a replacement holds a character the table replaces: replace one by one would differ")

    def translate(text: str) -> str:
        for k, v in pairs:
            if k in text:
                text = text.replace(k, v)
        return text
    return translate


_fold = replacing(_FOLD)

# For matching with offsets: marks and invisible characters are dropped, every other fold is one letter for one.
_DROPPED = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640\u200d\u200e\u200f\ufeff]")
_FOLD_SAME_LENGTH = str.maketrans({k: v for k, v in _FOLD.items() if len(v) == 1})
_fold_same_length = replacing(_FOLD_SAME_LENGTH)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text)
    return _fold(text).lower()


# A word or a name is normalized again and again (about 1,500 calls an article of news, most of them on
# words already seen): remembered, it costs a dictionary lookup. Whole texts are not remembered.
_normalize_short = lru_cache(maxsize=1 << 16)(_normalize)
SHORT = 48


def normalize_arabic(text: str) -> str:
    """Fold letter variants, digits and marks so that spellings of one word compare equal."""
    return _normalize_short(text) if len(text) <= SHORT else _normalize(text)


# `normalize_arabic` of one word, remembered whatever its length, called without a Python frame of ours: for
# loops over every word of an article.
normalize_word = _normalize_short


def fold_keeping_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """Letter and digit folds of `normalize_arabic` (no NFKC, no case) with marks dropped, and the folded
    positions at which marks were dropped, for `original_offset`. The enrichment asks it of each article
    about six times over: the last few texts' are remembered."""
    found = _FOLDED.get(text)
    if found is None:
        dropped = [m.start() for m in _DROPPED.finditer(text)]
        shifts = tuple(pos - n for n, pos in enumerate(dropped))
        found = _FOLDED.put(text, (_fold_same_length(_DROPPED.sub("", text)), shifts))
    return found


def original_offset(shifts: Sequence[int], i: int) -> int:
    """The offset in the original text of folded position `i` (a start; for an end, marks after it count)."""
    return i + bisect_right(shifts, i)


class Recent:
    """The values last put, the oldest forgotten first: a batch's texts are asked about several times in
    a row in one process, and whoever computed a value on the way can put it in."""

    def __init__(self, size: int):
        self.size = size
        self._items: dict = {}
        self._lock = threading.Lock()

    def get(self, key):
        return self._items.get(key)

    def put(self, key, value):
        with self._lock:  # flows may enrich in threads
            self._items.pop(key, None)
            if len(self._items) >= self.size:
                del self._items[next(iter(self._items))]  # the oldest
            self._items[key] = value
        return value


_FOLDED = Recent(4)
_PARAGRAPH_KEYS = Recent(8)


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalize_arabic(text)))


def text_key(text: str) -> str:
    """The normalized form two texts share when they differ only in letters, marks, spacing or punctuation."""
    return " ".join(_words(text))


def paragraph_keys(text: str) -> tuple[str, ...]:
    """`text_key` of each of the text's lines ("" for a line with no words). An article's are asked for
    by its key, its near-duplicate signature, its story terms and its boilerplate hashes, so the last few
    texts' are kept; extraction, which has them already, puts them in (`remember_paragraph_keys`)."""
    found = _PARAGRAPH_KEYS.get(text)
    return found if found is not None else _PARAGRAPH_KEYS.put(text, tuple(map(text_key, text.split("\n"))))


def remember_paragraph_keys(text: str, keys: tuple[str, ...]) -> None:
    """Keys of `text`'s lines, computed by the caller on the way (`paragraph_keys(text)` must give them)."""
    _PARAGRAPH_KEYS.put(text, keys)


def words(text: str) -> tuple[str, ...]:
    """Normalized word tokens of a text. Normalization never joins two lines, so these are its lines' keys'
    words, one after the other."""
    return tuple(" ".join(paragraph_keys(text)).split())


def full_key(text: str) -> str:
    """`text_key(text)`, from its lines' keys."""
    return " ".join(key for key in paragraph_keys(text) if key)


def sha256_hex(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def stable_id(*parts: str, length: int = 16) -> str:
    """A content-derived key: the same parts always give the same id."""
    return sha256_hex("\x1f".join(parts))[:length]


_LETTER_WORD = re.compile(r"[^\W\d_]{1,}")


@lru_cache(maxsize=1024)  # the plain-text path asks it of each line of an article up to five times (furniture rules)
def word_count(line: str) -> int:
    """Words of letters (digits and punctuation not counted), the measure of an article's length."""
    return len(_LETTER_WORD.findall(line))


_HASHTAG = re.compile(r"#[^\W\d_][\w]*")


def plain_hashtags(text: str) -> str:
    """The text with each hashtag read as the words it joins ("#سعود_بن_فهد" → " سعود بن فهد"): its # and
    underscores become spaces, so that every offset still points at the same character of the text."""
    if "#" not in text:
        return text
    return _HASHTAG.sub(lambda m: " " + m.group()[1:].replace("_", " "), text)
