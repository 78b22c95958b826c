"""Near-duplicate detection with MinHash and banded locality-sensitive hashing.

The clean text is cut into overlapping 4-word shingles; 128 MinHash values are
split into 32 bands of 4. Two documents that share a band bucket are
candidates, confirmed when their estimated Jaccard similarity is at least 0.5 —
a story syndicated on two sites, or a page saved twice with different chrome,
scores far above that; two different reports on the same camp score far below.
Buckets live in the database, so a lookup costs a few indexed queries however
large the archive grows.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from typing import Any, NamedTuple

import numpy as np

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
THRESHOLD = 0.5
MIN_SHINGLES = 8
SHINGLE = 4
# Compare on the head of long texts: two versions of a report that share their first
# 20,000 characters are near-duplicates whatever follows, and hashing stays cheap.
HEAD = 20_000

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> set[bytes]:
    """Every run of SHINGLE consecutive words, lower-cased, as UTF-8."""
    words = _TOKEN.findall(text[:HEAD].lower())
    runs = zip(*(words[i:] for i in range(SHINGLE)), strict=False)
    # map() over C functions: this runs once per word of every page ingested
    return set(map(str.encode, set(map(" ".join, runs))))


_PERMUTATIONS: Any = None
_SCHEME: Any = None


def _minhash() -> object:
    """An empty MinHash sharing one set of permutations (computing them costs ~1 ms)."""
    global _PERMUTATIONS, _SCHEME
    from datasketch import MinHash  # heavy import: only ingest pays for it

    if _PERMUTATIONS is None:
        first = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32)
        _PERMUTATIONS, _SCHEME = first.permutations, first.scheme
    return MinHash(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32, permutations=_PERMUTATIONS,
                   scheme=_SCHEME)


class Signature(NamedTuple):
    """A text's MinHash values (:func:`to_bytes` form) and the bucket of each band."""

    values: bytes
    buckets: tuple[int, ...]


def signature(text: str) -> np.ndarray | None:
    """The MinHash values of ``text``, or None when it is too short to compare."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    minhash: Any = _minhash()
    minhash.update_batch(list(grams))
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


def sign(text: str) -> Signature | None:
    """:func:`signature` with its band buckets, as the near-duplicate index stores it;
    ingest workers call this so that the writing process only looks buckets up."""
    values = signature(text)
    if values is None:
        return None
    packed = to_bytes(values)
    return Signature(packed, band_buckets(packed))


def band_buckets(signature: bytes) -> tuple[int, ...]:
    """The bucket of each band of a signature (:func:`to_bytes`), 63-bit so that it fits
    a signed BIGINT."""
    size = ROWS * 8
    return tuple(int.from_bytes(hashlib.blake2b(signature[start:start + size],
                                                digest_size=8).digest(), "big")
                 & 0x7FFF_FFFF_FFFF_FFFF for start in range(0, BANDS * size, size))


def similarities(signature: bytes, others: bytes) -> np.ndarray:
    """Estimated Jaccard similarity of a signature with each of ``others`` (signatures
    joined end to end), all in :func:`to_bytes` form."""
    own = np.frombuffer(signature, dtype="<u8")
    rows = np.frombuffer(others, dtype="<u8").reshape(-1, NUM_PERM)
    return np.asarray(np.count_nonzero(rows == own, axis=1) / NUM_PERM)


def to_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u8").tobytes()
