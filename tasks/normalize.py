"""Arabic normalization for keys and matching. Stored text keeps the published letters.

Folds: alef/hamza forms (أ إ آ ٱ → ا, ؤ → و, ئ → ي), ta marbuta (ة → ه), alef maqsura (ى → ي),
Persian/Urdu letters (ی ې → ي, ک → ك, ۀ → ه), tatweel, diacritics and Quranic marks, Arabic-Indic and
Persian digits, presentation forms (NFKC), and Latin case.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

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

# For matching with offsets: marks and invisible characters are dropped, every other fold is one letter for one.
_DROPPED = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640\u200d\u200e\u200f\ufeff]")
_FOLD_SAME_LENGTH = str.maketrans({k: v for k, v in _FOLD.items() if len(v) == 1})


def normalize_arabic(text: str) -> str:
    """Fold letter variants, digits and marks so that spellings of one word compare equal."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text)
    return text.translate(_FOLD).lower()


def fold_keeping_offsets(text: str) -> tuple[str, list[int]]:
    """Letter and digit folds of `normalize_arabic` (no NFKC, no case) with marks dropped, and the folded
    positions at which marks were dropped, for `original_offset`."""
    dropped = [m.start() for m in _DROPPED.finditer(text)]
    return _DROPPED.sub("", text).translate(_FOLD_SAME_LENGTH), [pos - n for n, pos in enumerate(dropped)]


def original_offset(shifts: list[int], i: int) -> int:
    """The offset in the original text of folded position `i` (a start; for an end, marks after it count)."""
    return i + bisect_right(shifts, i)


@lru_cache(maxsize=8)
def words(text: str) -> tuple[str, ...]:
    """Normalized word tokens of a text. An article's are asked for three times in a row (its key, its
    near-duplicate signature, its story terms), so the last few are kept."""
    return tuple(_WORD.findall(normalize_arabic(text)))


def text_key(text: str) -> str:
    """The normalized form two texts share when they differ only in letters, marks, spacing or punctuation."""
    return " ".join(words(text))


def sha256_hex(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def stable_id(*parts: str, length: int = 16) -> str:
    """A content-derived key: the same parts always give the same id."""
    return sha256_hex("\x1f".join(parts))[:length]
