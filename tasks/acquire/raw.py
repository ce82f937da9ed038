"""The stored form of raw input: `documents.raw`, compressed as `documents.raw_compression` says.

New rows are zstd (level 3). On the pages of `make bench` it takes 0.45 ms a page against gzip level 3's 1.3,
and the stored bytes are 20% of the page against 22% (measured in docs/benchmarks.md). Rows written
before are gzip and stay readable: every reader goes through `decompress_raw`."""
from __future__ import annotations

import gzip
import threading

import zstandard

RAW_COMPRESSION = "zstd"
_LEVEL = 3
_local = threading.local()  # zstandard's (de)compressor objects are not to be shared between threads


def _zstd() -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    if not hasattr(_local, "zstd"):
        _local.zstd = zstandard.ZstdCompressor(level=_LEVEL), zstandard.ZstdDecompressor()
    return _local.zstd


def compress_raw(raw: bytes) -> bytes:
    """Raw bytes as stored, in RAW_COMPRESSION; the frame records the size, so reading needs no guess."""
    return _zstd()[0].compress(raw)


def decompress_raw(stored: bytes, compression: str) -> bytes:
    """Stored bytes back to the raw input."""
    if compression == "zstd":
        return _zstd()[1].decompress(stored)
    if compression == "gzip":
        return gzip.decompress(stored)
    raise ValueError(f"unknown raw_compression {compression!r}")
