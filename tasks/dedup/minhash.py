"""Near-duplicates: MinHash signatures over shingles of normalized Arabic words, LSH buckets kept in the
warehouse (so every new article is compared with all earlier ones, across runs), and a decision that
sees through truncation: two texts are copies when their estimated Jaccard similarity, or the estimated
containment of the shorter in the longer, clears its threshold (chosen on bench/data, docs/dedup.md)."""
from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha1

import numpy as np

from tasks.text.normalize import words

NUM_PERM = 128
BANDS, ROWS = 32, 4  # LSH: a pair with Jaccard s becomes a candidate with probability 1-(1-s^4)^32 (s=0.3: 0.23, 0.4: 0.56, 0.5: 0.87)
SHINGLE = 3  # words
SEED = 1
JACCARD_MIN = 0.45  # estimated Jaccard at or above this: a copy
CONTAINMENT_MIN = 0.80  # or: this share of the shorter text's shingles is in the longer (a truncated copy)
MIN_SHINGLES = 8  # shorter texts are not judged by MinHash (exact hashes still catch their copies)
# Truncated copies have a low Jaccard similarity, so the bands above rarely bring them together. A second,
# small set of bands over the opening words does: a copy cut after its first paragraphs opens the same way.
PREFIX_WORDS = 40
PREFIX_MIN_WORDS = 20
PREFIX_BANDS = 12
_MIX = np.random.default_rng(20171018).integers(1, 2**63, size=ROWS, dtype=np.uint64) | np.uint64(1)  # odd multipliers


@dataclass
class Signature:
    hashvalues: np.ndarray  # NUM_PERM uint32
    shingles: int
    prefix: np.ndarray | None = None  # PREFIX_BANDS * ROWS uint32 minimums over the opening words (not stored)
    shingle_hashes: np.ndarray | None = None  # the distinct shingles' 32-bit hashes, sorted (uint32): `contained`

    def shingle_bytes(self) -> bytes | None:
        return None if self.shingle_hashes is None else self.shingle_hashes.astype("<u4").tobytes()

    def to_bytes(self) -> bytes:
        return self.hashvalues.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, shingles: int) -> "Signature":
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint32), shingles)


def shingles_of(text: str) -> set[bytes]:
    return _shingles(words(text))


def _shingles(tokens: list[str]) -> set[bytes]:
    if len(tokens) < SHINGLE:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + SHINGLE]).encode() for i in range(len(tokens) - SHINGLE + 1)}


# datasketch's MinHash (2.0, scheme "affine32", seed SEED) over 32-bit shingle hashes, computed here: importing
# datasketch imports scipy (for its LSH), 62 MB and 0.5 s of CPU in every process. tests/dedup/test_minhash.py holds
# the values to datasketch's own MinHash.
_GEN = np.random.RandomState(SEED)
_A = _GEN.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)  # odd: a bijection
_B = _GEN.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)


def _sha1_32(shingles) -> list[int]:
    """datasketch's default hash (`sha1_hash32`) of each shingle, without its call through `struct`."""
    return [int.from_bytes(sha1(s).digest()[:4], "little") for s in shingles]


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch's pre-mix of every hash), wrapping as uint32."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def _minhash(hashes: list[int]) -> np.ndarray:
    """The MinHash of shingles whose 32-bit hashes are given: per permutation, the least a*h+b (mod 2^32)."""
    if not hashes:
        return _EMPTY.copy()
    hv = _fmix32(np.array(hashes, dtype=np.uint32).reshape(-1, 1))
    return np.minimum(_EMPTY, (hv * _A + _B).min(axis=0))


def signature_of(text: str) -> Signature:
    """The MinHash of the text's shingles, and of its opening words' (the shingles that begin within the
    first PREFIX_WORDS words, hashed once for both)."""
    tokens = words(text)
    if len(tokens) < SHINGLE:
        found = _sha1_32(_shingles(list(tokens)))
        return Signature(_minhash(found), len(found), None, np.unique(np.array(found, dtype=np.uint32)))
    in_order = [" ".join(run).encode() for run in zip(*(tokens[i:] for i in range(SHINGLE)))]
    keys = list(dict.fromkeys(in_order))
    distinct = dict(zip(keys, _sha1_32(keys)))
    opening = min(len(tokens), PREFIX_WORDS)
    prefix = None
    if opening >= PREFIX_MIN_WORDS:
        prefix = _minhash([distinct[s] for s in in_order[:opening - SHINGLE + 1]])[: PREFIX_BANDS * ROWS]
    hashes = list(distinct.values())
    return Signature(_minhash(hashes), len(distinct), prefix, np.unique(np.array(hashes, dtype=np.uint32)))


def _band_hashes(values: np.ndarray, first_band: int) -> list[int]:
    bands = values.astype(np.uint64).reshape(-1, ROWS)
    numbers = np.arange(first_band, first_band + len(bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        mixed = (bands * _MIX).sum(axis=1, dtype=np.uint64) ^ (numbers * np.uint64(0x100000001B3))
    return [int(x) for x in mixed]


def buckets(sig: Signature) -> list[int]:
    """One LSH bucket per band (a 64-bit hash of the band number and its ROWS minimums): BANDS over the
    whole text, and PREFIX_BANDS more over the opening words when the text is long enough."""
    found = _band_hashes(sig.hashvalues, 0)
    if sig.prefix is not None:
        found += _band_hashes(sig.prefix, BANDS)
    return found


def jaccard(a: Signature, b: Signature) -> float:
    return float(np.mean(a.hashvalues == b.hashvalues))


def containment(a: Signature, b: Signature, j: float | None = None) -> float:
    """Estimated share of the smaller shingle set found in the other: |A∩B| = J(|A|+|B|)/(1+J)."""
    j = jaccard(a, b) if j is None else j
    small = min(a.shingles, b.shingles)
    if small == 0:
        return 0.0
    return min(1.0, j * (a.shingles + b.shingles) / (1.0 + j) / small)


def similar(a: Signature, b: Signature) -> float | None:
    """The similarity that makes a and b copies (Jaccard, or containment for a truncated copy), else None."""
    if min(a.shingles, b.shingles) < MIN_SHINGLES:
        return None
    j = jaccard(a, b)
    if j >= JACCARD_MIN:
        return j
    c = containment(a, b, j)
    return c if c >= CONTAINMENT_MIN else None


def contained(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the smaller of two shingle sets (sorted distinct hashes, `Signature.shingle_hashes`) that
    the other holds: exact, where `containment` estimates it from 128 minimums (about ±0.05 at 0.6)."""
    small = min(len(a), len(b))
    return len(np.intersect1d(a, b, assume_unique=True)) / small if small else 0.0


def hashes_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


PAIR_CHUNK = 8192  # pairs compared at once by similar_pairs: 2 x 8192 x 128 x 4 bytes of signatures


def similar_pairs(hashvalues: np.ndarray, shingles: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """`similar` for many pairs at once: the signatures as rows of `hashvalues` (uint32) with their shingle
    counts in `shingles`, the pairs as row numbers (`first[k]`, `second[k]`). The similarity of each pair, or
    NaN where `similar` gives None, computed with the same float64 operations in the same order (the same
    values: tests/dedup/test_minhash.py). A batch of copies of a much-copied page has hundreds of candidates an
    article; one Python call per pair cost most of the writer's time at 30,000 stored articles."""
    out = np.full(len(first), np.nan)
    for start in range(0, len(first), PAIR_CHUNK):
        a, b = first[start:start + PAIR_CHUNK], second[start:start + PAIR_CHUNK]
        na, nb = shingles[a].astype(np.float64), shingles[b].astype(np.float64)
        small = np.minimum(na, nb)
        j = (hashvalues[a] == hashvalues[b]).mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.minimum(1.0, j * (na + nb) / (1.0 + j) / small)
        sim = np.where(j >= JACCARD_MIN, j, np.where(c >= CONTAINMENT_MIN, c, np.nan))
        out[start:start + PAIR_CHUNK] = np.where(small < MIN_SHINGLES, np.nan, sim)
    return out
