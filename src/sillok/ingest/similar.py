"""The archive's near-duplicate index, kept a batch of documents at a time.

:mod:`.neardup` computes signatures and band buckets; this module stores them and
finds, for each new document, the stored documents (and the documents before it in
its batch) whose signatures match. Per batch it costs one indexed lookup of the
batch's buckets, one read of the candidates' signatures, and an insert of the batch's
signatures and pending ids.

Buckets that many documents share (text common to many pages) come back in batch after
batch, so their holders and the candidates' signatures are kept in memory for the run,
within fixed bounds; the index's user holds the ingest lock, so nothing else adds to
them. Buckets are 63-bit hashes of a band's values, so a bucket alone identifies a band;
every candidate is confirmed on its whole signature anyway.

Band rows are written BAND_BATCH documents at a time, sorted by bucket, and at the end
of the run (:meth:`NearDuplicateIndex.settle`). Buckets are random numbers: written with
each batch of 64 documents, their 2,048 rows landed on as many different pages of the
bucket index, and every commit rewrote most of that index (112 KB of database writes
per document by 10,000 documents, against 13 KB for the first). Until its rows are
written, a document's buckets are kept in memory for lookups and its id in
``minhash_pending``, committed with the document: an index that finds pending ids it
does not hold (a killed ingest, a rolled-back batch) writes their rows from the stored
signatures, which determine them, before it records anything.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

import numpy as np
from sqlalchemy import Connection, bindparam, delete, select

from ..store import db
from ..store.tables import minhash_bands, minhash_pending, near_duplicates, signatures
from . import neardup

# The buckets are integers computed here, so they are written into the statement: bound
# one by one, a batch's 2,048 parameters cost more than the lookup itself.
_HOLDERS = "SELECT bucket, document_id FROM minhash_bands WHERE bucket IN ({})"
_SIGNATURES = select(signatures.c.document_id, signatures.c.minhash).where(
    signatures.c.document_id.in_(bindparam("ids", expanding=True)))
_CHUNK = 500  # values per statement
SIGNATURE_CACHE = 20_000  # signatures kept in memory (about 25 MB)
HOLDER_CACHE = 200_000  # bucket holders kept in memory (about 10 MB)
BAND_BATCH = 4_096  # documents whose band rows wait to be written together (about 20 MB)


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
        # documents recorded whose band rows are not written yet, and their buckets
        self._pending: list[tuple[str, tuple[int, ...]]] = []
        self._pending_holders: dict[int, list[str]] = {}
        self._settled = False  # pending ids left in the database have been written

    def record(self, conn: Connection, signed: list[tuple[str, neardup.Signature]]) -> None:
        """Link each of ``signed`` (document id, signature) to the documents, stored or
        earlier in the batch, it nearly duplicates; then index the batch's signatures.

        Each pair is found once, when its later document comes, and linked both ways.
        Their band rows may wait for :meth:`settle`; call it before the run ends.
        """
        if not self._settled:
            self._write_left_pending(conn)
        stored = self._stored_holders(conn, {bucket for _sha, (_own, keys) in signed
                                             for bucket in keys})
        self._load_signatures(conn, set().union(*stored.values()))
        # From here on every candidate's signature is in the cache: the stored candidates'
        # were just loaded, and each batch document's goes in once it has been compared
        # (_remember then trims the cache to its bound). Reading them from there spares a
        # dict of the batch's thousands of signatures.
        values = self._signatures
        batch: dict[int, list[str]] = {}
        matches: list[tuple[int, str, float]] = []  # (position in the batch, other, score)
        for position, (sha, (own, keys)) in enumerate(signed):
            found: set[str] = set()
            for key in keys:
                found.update(stored.get(key, ()), batch.get(key, ()))
            found.discard(sha)
            if found:
                # Compared in set order (sorting thousands of ids per batch cost more than
                # comparing them); the few matches are sorted below, for a stable insert.
                others = list(found)
                scores = neardup.similarities(own, b"".join(map(values.__getitem__, others)))
                matches += [(position, others[index], scores[index]) for index in
                            np.flatnonzero(scores >= neardup.THRESHOLD).tolist()]
            for key in keys:  # the documents after it in the batch are compared with it
                batch.setdefault(key, []).append(sha)
            values[sha] = own
        pairs: list[dict[str, Any]] = []
        for position, other, score in sorted(matches):
            sha, percent = signed[position][0], round(float(score) * 100)
            pairs += [{"document_id": sha, "other_id": other, "similarity": percent},
                      {"document_id": other, "other_id": sha, "similarity": percent}]
        if pairs:
            conn.execute(near_duplicates.insert(), pairs)
        db.insert_plain(conn, signatures, ("document_id", "minhash"),
                        [(sha, own) for sha, (own, _keys) in signed])
        db.insert_plain(conn, minhash_pending, ("document_id",),
                        [(sha,) for sha, _signature in signed])
        self._pending += [(sha, keys) for sha, (_own, keys) in signed]
        self._remember(batch)
        if len(self._pending) >= BAND_BATCH:
            self.settle(conn)

    @property
    def unsettled(self) -> bool:
        """True when band rows may be waiting: of documents recorded here, or left in the
        database by an interrupted run (until the first :meth:`record` or
        :meth:`settle` has looked)."""
        return bool(self._pending) or not self._settled

    def settle(self, conn: Connection) -> None:
        """Write the band rows of every document recorded so far."""
        if not self._settled:
            self._write_left_pending(conn)
        if self._pending:
            _write_bands(conn, self._pending)
            self._pending.clear()
            self._pending_holders.clear()

    def forget(self) -> None:
        """Drop what is in memory (after a rolled-back transaction, say). Band rows still
        pending in the database are written by the next :meth:`record`."""
        self._signatures.clear()
        self._holders.clear()
        self._held = 0
        self._pending.clear()
        self._pending_holders.clear()
        self._settled = False

    def _write_left_pending(self, conn: Connection) -> None:
        """Write the band rows of documents left pending by another index (an
        interrupted run), from their stored signatures."""
        left = conn.execute(select(signatures.c.document_id, signatures.c.minhash).join(
            minhash_pending, minhash_pending.c.document_id == signatures.c.document_id)
        ).fetchall()
        if left:
            _write_bands(conn, [(sha, neardup.band_buckets(bytes(minhash)))
                                for sha, minhash in left])
        self._settled = True

    def _stored_holders(self, conn: Connection, buckets: set[int]) -> dict[int, list[str]]:
        """The stored documents in each of ``buckets`` that has any."""
        found = {bucket: self._holders[bucket] for bucket in buckets if bucket in self._holders}
        missing = sorted(buckets - found.keys())
        fetched: dict[int, list[str]] = {}
        for start in range(0, len(missing), _CHUNK):
            listed = ",".join(map(str, map(int, missing[start:start + _CHUNK])))
            for bucket, other in conn.exec_driver_sql(_HOLDERS.format(listed)).fetchall():
                fetched.setdefault(bucket, []).append(other)
        pending = self._pending_holders
        for bucket in missing:  # documents whose rows are not written yet
            if bucket in pending:
                fetched.setdefault(bucket, []).extend(pending[bucket])
        for bucket, holders in fetched.items():
            self._holders[bucket] = holders
            self._held += len(holders)
        found.update(fetched)
        return found

    def _load_signatures(self, conn: Connection, wanted: set[str]) -> None:
        """Read into the cache the signatures of ``wanted`` documents it lacks."""
        missing = sorted(wanted.difference(self._signatures))
        for start in range(0, len(missing), _CHUNK):
            self._signatures.update((sha, bytes(minhash)) for sha, minhash in conn.execute(
                _SIGNATURES, {"ids": missing[start:start + _CHUNK]}).fetchall())

    def _remember(self, batch: dict[int, list[str]]) -> None:
        """Add the batch's documents to the buckets held (a remembered bucket must list
        every document in it), dropping the oldest entries beyond the bounds."""
        while len(self._signatures) > self._signature_limit:
            del self._signatures[next(iter(self._signatures))]
        pending = self._pending_holders
        for bucket, added in batch.items():
            holders = self._holders.get(bucket)
            if holders is not None:
                holders.extend(added)
                self._held += len(added)
            pending.setdefault(bucket, []).extend(added)
        while self._held > self._holder_limit:
            self._held -= len(self._holders.pop(next(iter(self._holders))))


def _write_bands(conn: Connection, documents: list[tuple[str, tuple[int, ...]]]) -> None:
    """Insert the band rows of ``documents`` (id, buckets) in bucket order, so that each
    page of the bucket index is written once, and take them off the pending list."""
    rows = sorted(((band, bucket, sha) for sha, keys in documents
                   for band, bucket in enumerate(keys)), key=itemgetter(1))
    db.insert_plain(conn, minhash_bands, ("band", "bucket", "document_id"), rows)
    ids = [sha for sha, _keys in documents]
    for start in range(0, len(ids), _CHUNK):
        conn.execute(delete(minhash_pending).where(
            minhash_pending.c.document_id.in_(ids[start:start + _CHUNK])))
