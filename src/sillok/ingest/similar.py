"""The archive's near-duplicate index, kept a batch of documents at a time.

:mod:`.neardup` computes signatures and band buckets; this module stores them and
finds, for each new document, the stored documents (and the documents before it in
its batch) whose signatures match. Per batch it costs one indexed lookup of the
batch's buckets, one read of the candidates' signatures, and one insert per table.

Buckets that many documents share (text common to many pages) come back in batch after
batch, so their holders and the candidates' signatures are kept in memory for the run,
within fixed bounds; the index holds the ingest lock, so nothing else adds to them.
Buckets are 63-bit hashes of a band's values, so a bucket alone identifies a band;
every candidate is confirmed on its whole signature anyway.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, select

from ..store import db
from ..store.tables import minhash_bands, near_duplicates, signatures
from . import neardup

# The buckets are integers computed here, so they are written into the statement: bound
# one by one, a batch's 2,048 parameters cost more than the lookup itself.
_HOLDERS = "SELECT bucket, document_id FROM minhash_bands WHERE bucket IN ({})"
_SIGNATURES = select(signatures.c.document_id, signatures.c.minhash).where(
    signatures.c.document_id.in_(bindparam("ids", expanding=True)))
_CHUNK = 500  # values per statement
SIGNATURE_CACHE = 20_000  # signatures kept in memory (about 25 MB)
HOLDER_CACHE = 200_000  # bucket holders kept in memory (about 10 MB)


class NearDuplicateIndex:
    """Records batches of signatures for one ingest run, linking near-duplicates.

    Use one per writer that holds the archive's ingest lock, and :meth:`forget` after a
    rolled-back transaction.
    """

    def __init__(self) -> None:
        self._signature_limit, self._holder_limit = SIGNATURE_CACHE, HOLDER_CACHE
        self._signatures: dict[str, bytes] = {}
        # bucket -> every stored document in it, for buckets found to have any
        self._holders: dict[int, list[str]] = {}
        self._held = 0

    def record(self, conn: Connection, signed: list[tuple[str, neardup.Signature]]) -> None:
        """Link each of ``signed`` (document id, signature) to the documents, stored or
        earlier in the batch, it nearly duplicates; then index the batch's signatures."""
        stored = self._stored_holders(conn, {bucket for _sha, (_own, keys) in signed
                                             for bucket in keys})
        values = self._load_signatures(conn, set().union(*stored.values()))
        batch: dict[int, list[str]] = {}
        pairs: list[dict[str, Any]] = []
        for sha, (own, keys) in signed:
            found: set[str] = set()
            for key in keys:
                found.update(stored.get(key, ()), batch.get(key, ()))
            found.discard(sha)
            if found:
                others = sorted(found)
                scores = neardup.similarities(own, b"".join([values[o] for o in others]))
                for other, score in zip(others, scores.tolist(), strict=True):
                    if score >= neardup.THRESHOLD:
                        percent = round(score * 100)
                        pairs += [{"document_id": sha, "other_id": other, "similarity": percent},
                                  {"document_id": other, "other_id": sha, "similarity": percent}]
            for key in keys:  # the documents after it in the batch are compared with it
                batch.setdefault(key, []).append(sha)
            values[sha] = own
        if pairs:
            conn.execute(near_duplicates.insert(), pairs)
        db.insert_plain(conn, signatures, ("document_id", "minhash"),
                        [(sha, own) for sha, (own, _keys) in signed])
        db.insert_plain(conn, minhash_bands, ("band", "bucket", "document_id"), [
            (band, bucket, sha) for sha, (_own, keys) in signed
            for band, bucket in enumerate(keys)])
        self._remember(values, batch)

    def forget(self) -> None:
        """Drop what is in memory (after a rolled-back transaction, say)."""
        self._signatures.clear()
        self._holders.clear()
        self._held = 0

    def _stored_holders(self, conn: Connection, buckets: set[int]) -> dict[int, list[str]]:
        """The stored documents in each of ``buckets`` that has any."""
        found = {bucket: self._holders[bucket] for bucket in buckets if bucket in self._holders}
        missing = sorted(buckets - found.keys())
        fetched: dict[int, list[str]] = {}
        for start in range(0, len(missing), _CHUNK):
            listed = ",".join(str(int(bucket)) for bucket in missing[start:start + _CHUNK])
            for bucket, other in conn.exec_driver_sql(_HOLDERS.format(listed)):
                fetched.setdefault(bucket, []).append(other)
        for bucket, holders in fetched.items():
            self._holders[bucket] = holders
            self._held += len(holders)
        found.update(fetched)
        return found

    def _load_signatures(self, conn: Connection, wanted: set[str]) -> dict[str, bytes]:
        found = {sha: self._signatures[sha] for sha in wanted if sha in self._signatures}
        missing = sorted(wanted - found.keys())
        for start in range(0, len(missing), _CHUNK):
            found.update((sha, bytes(minhash)) for sha, minhash in conn.execute(
                _SIGNATURES, {"ids": missing[start:start + _CHUNK]}))
        return found

    def _remember(self, values: dict[str, bytes], batch: dict[int, list[str]]) -> None:
        """Keep the batch's signatures and holders (a remembered bucket must list every
        document in it), dropping the oldest entries beyond the bounds."""
        self._signatures.update(values)
        while len(self._signatures) > self._signature_limit:
            del self._signatures[next(iter(self._signatures))]
        for bucket, added in batch.items():
            holders = self._holders.get(bucket)
            if holders is not None:
                holders.extend(added)
                self._held += len(added)
        while self._held > self._holder_limit:
            self._held -= len(self._holders.pop(next(iter(self._holders))))
