"""trafilatura's, htmldate's, courlan's and justext's process-wide caches (LRUs), emptied every RESET_EVERY
documents a process extracts, so that a long run's memory stays bounded."""
from __future__ import annotations

import logging

RESET_EVERY = 1000  # documents a process extracts between two resets of trafilatura's process-wide caches

_processed = 0


def count_extracted(n: int) -> None:
    """Called by whoever extracts (a worker, or the parent in-process): every RESET_EVERY documents,
    trafilatura's and htmldate's caches (process-global LRUs) are emptied, so memory stays bounded."""
    global _processed
    _processed += n
    if _processed >= RESET_EVERY:
        reset_extraction_caches()
        _processed = 0


def reset_extraction_caches() -> None:
    """trafilatura's reset of its own, htmldate's, courlan's and justext's caches. htmldate's part asks
    charset_normalizer functions that no longer have a cache (charset-normalizer 3.4) to clear it, and logs
    an ERROR each time though nothing is wrong: that one logger is quietened for the call."""
    from trafilatura.meta import reset_caches

    logger = logging.getLogger("htmldate.meta")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        reset_caches()
    finally:
        logger.setLevel(level)
