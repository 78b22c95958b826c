"""The archive's near-duplicate index, kept a batch of documents at a time.

:mod:`.neardup` computes signatures and band buckets; this module stores them and
finds, for each new document, the stored documents (and the documents before it in
its batch) whose signatures match. Per batch it costs one indexed lookup of all the
batch's buckets, one read of the candidates' signatures not already in memory, and
one insert per table, so ingest stays fast as the archive grows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import Connection, bindparam, select

from ..store import db
from ..store.tables import minhash_bands, near_duplicates, signatures
from . import neardup

# The buckets are integers computed here, so they are written into the statement: bound
# one by one, a batch's 2,048 parameters cost more than the lookup itself.
_BAND_LOOKUP = "SELECT bucket, band, document_id FROM minhash_bands WHERE bucket IN ({})"
_SIGNATURES = select(signatures.c.document_id, signatures.c.minhash).where(
    signatures.c.document_id.in_(bindparam("ids", expanding=True)))
_CHUNK = 500  # values per statement
CACHE = 20_000  # signatures kept in memory (about 25 MB): popular candidates recur


class NearDuplicateIndex:
    """Records batches of signatures for one ingest run, linking near-duplicates."""

    def __init__(self, cache: int = CACHE) -> None:
        self._limit = cache
        self._cache: dict[str, np.ndarray] = {}

    def record(self, conn: Connection, signed: list[tuple[str, np.ndarray]]) -> None:
        """Link each of ``signed`` (document id, signature) to the documents, stored or
        earlier in the batch, it nearly duplicates; then index the batch's signatures."""
        buckets = {sha: neardup.band_buckets(values) for sha, values in signed}
        holders = _holders(conn, sorted({bucket for keys in buckets.values()
                                         for _band, bucket in keys}))
        values = self._signatures(conn, {other for keys in buckets.values() for key in keys
                                         for other in holders.get(key, ())})
        pairs: list[dict[str, Any]] = []
        for sha, own in signed:
            keys = buckets[sha]
            others = sorted({other for key in keys for other in holders.get(key, ())} - {sha})
            if others:
                scores = neardup.similarities(own, np.stack([values[o] for o in others]))
                for other, score in zip(others, scores.tolist(), strict=True):
                    if score >= neardup.THRESHOLD:
                        percent = round(score * 100)
                        pairs += [{"document_id": sha, "other_id": other, "similarity": percent},
                                  {"document_id": other, "other_id": sha, "similarity": percent}]
            for key in keys:  # the documents after it in the batch are compared with it
                holders.setdefault(key, []).append(sha)
            values[sha] = own
        if pairs:
            conn.execute(near_duplicates.insert(), pairs)
        conn.execute(signatures.insert(), [{"document_id": sha, "minhash": neardup.to_bytes(own)}
                                           for sha, own in signed])
        db.insert_plain(conn, minhash_bands, ("band", "bucket", "document_id"), [
            (band, bucket, sha) for sha, _own in signed for band, bucket in buckets[sha]])
        self._remember(values)

    def forget(self) -> None:
        """Drop what is in memory (after a rolled-back transaction, say)."""
        self._cache.clear()

    def _signatures(self, conn: Connection, wanted: set[str]) -> dict[str, np.ndarray]:
        found = {sha: self._cache[sha] for sha in wanted if sha in self._cache}
        missing = sorted(wanted - found.keys())
        for start in range(0, len(missing), _CHUNK):
            found.update((sha, neardup.from_bytes(minhash)) for sha, minhash in conn.execute(
                _SIGNATURES, {"ids": missing[start:start + _CHUNK]}))
        return found

    def _remember(self, values: dict[str, np.ndarray]) -> None:
        self._cache.update(values)
        while len(self._cache) > self._limit:  # oldest first
            del self._cache[next(iter(self._cache))]


def _holders(conn: Connection, buckets: list[int]) -> dict[tuple[int, int], list[str]]:
    """The stored documents in each (band, bucket) of ``buckets``."""
    holders: dict[tuple[int, int], list[str]] = {}
    for start in range(0, len(buckets), _CHUNK):
        listed = ",".join(str(int(bucket)) for bucket in buckets[start:start + _CHUNK])
        for bucket, band, other in conn.exec_driver_sql(_BAND_LOOKUP.format(listed)):
            holders.setdefault((band, bucket), []).append(other)
    return holders
