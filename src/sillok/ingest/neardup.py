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

import functools
import hashlib
import re
import zlib
from typing import NamedTuple

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

# Words are runs of the characters regular expressions call \w (what str.isalnum()
# accepts, and "_"), as re.findall(r"\w+") would give them. Found here by turning every
# other character into a space and splitting, on UTF-8 bytes: ASCII separators through
# one bytes table, the rarer non-ASCII ones by a pattern first. findall made and encoded
# a string per word: shingling a 740-word English page took 0.34 ms with it and 0.18 ms
# this way (the dev corpus's texts, 0.74 and 0.46 ms), and it runs for every page.
_OTHER_NON_ASCII = re.compile(r"[^\w\x00-\x7f]")
_ASCII_SEPARATORS = bytes(
    byte if byte >= 0x80 or chr(byte).isalnum() or byte == ord("_") else ord(" ")
    for byte in range(256))


def shingles(text: str) -> set[bytes]:
    """Every run of SHINGLE consecutive words, lower-cased, as UTF-8 with the words
    joined by one space."""
    lowered = text[:HEAD].lower()
    if not lowered.isascii():
        lowered = _OTHER_NON_ASCII.sub(" ", lowered)
    words = lowered.encode("utf-8").translate(_ASCII_SEPARATORS).split()
    # map() over C functions: this runs once per word of every page ingested
    return set(map(b" ".join, zip(*(words[i:] for i in range(SHINGLE)), strict=False)))


SEED = 1
# datasketch's "affine32" scheme (datasketch 2.0, MinHash(num_perm=128, seed=1,
# hashfunc=zlib.crc32)), which computed the signatures stored in archives so far; a
# test checks that these give the same values. Done here because importing datasketch
# imports SciPy for its LSH classes: 0.9 s at the start of every ingest, a third of
# ingesting one file.
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35),
         np.uint32(16))


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of each permutation h -> a * h + b (mod 2**32); a is odd, so no two
    hashes collide."""
    numbers = np.random.RandomState(SEED)
    a = numbers.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = numbers.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _minhash(grams: set[bytes]) -> np.ndarray:
    """The smallest permuted hash of ``grams`` under each permutation (uint32)."""
    hashes = np.fromiter(map(zlib.crc32, grams), dtype=np.uint32, count=len(grams))
    shift1, multiply1, shift2, multiply2, shift3 = _FMIX  # MurmurHash3's finaliser
    hashes ^= hashes >> shift1
    hashes *= multiply1
    hashes ^= hashes >> shift2
    hashes *= multiply2
    hashes ^= hashes >> shift3
    a, b = _permutations()
    # one row per permutation, so that each minimum is taken along contiguous memory
    permuted = a[:, np.newaxis] * hashes
    permuted += b[:, np.newaxis]
    return np.asarray(permuted.min(axis=1))


class Signature(NamedTuple):
    """A text's MinHash values (:func:`to_bytes` form) and the bucket of each band."""

    values: bytes
    buckets: tuple[int, ...]


def signature(text: str) -> np.ndarray | None:
    """The MinHash values of ``text``, or None when it is too short to compare."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    return _minhash(grams).astype(np.uint64)


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
