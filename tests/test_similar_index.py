"""The near-duplicate index links exactly the pairs its buckets and signatures imply."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from sillok.ingest import neardup, similar
from sillok.store.archive import Archive
from sillok.store.tables import documents, minhash_bands, minhash_pending, near_duplicates

BATCH = 64  # documents per record(), as ingest batches them


def _report(rng: random.Random) -> list[str]:
    """Sentences of a short report of its own."""
    people = ["A former prisoner", "An escapee", "A witness", "A guard who defected",
              "A woman from Hyesan", "A farmer from Onsong", "A student", "A miner"]
    things = ["beatings in the cells", "hunger in the winter", "forced labour in the mines",
              "public executions", "interrogations at night", "punishment of whole families"]
    return [f"{rng.choice(people)} recalled {rng.choice(things)} in {rng.randint(1970, 2023)}, "
            f"{rng.randint(2, 900)} days after arriving at block {rng.randint(1, 60)}."
            for _ in range(14)]


def _corpus() -> list[str]:
    """Distinct reports, and edited copies of some of them placed in the same batch, in
    the next one and batches apart, so pairs are found both within and across batches."""
    rng = random.Random(3)
    texts = [_report(rng) for _ in range(3 * BATCH)]
    for original, copy in [(2, 9), (2, 40), (30, 70), (50, 150), (100, 101), (5, 180)]:
        edited = list(texts[original])
        for _ in range(copy % 4):  # none to three sentences rewritten
            edited[rng.randrange(len(edited))] = _report(rng)[0]
        texts[copy] = edited
    return [" ".join(text) for text in texts]


@pytest.mark.parametrize("memory", ["default", "tiny", "bands every 100", "interrupted"])
def test_every_pair_sharing_a_bucket_and_above_the_threshold_is_linked_both_ways(
        archive: Archive, monkeypatch: pytest.MonkeyPatch, memory: str) -> None:
    # With "tiny", the index keeps almost nothing in memory between batches and must
    # read buckets and signatures back from the database; with "bands every 100", band
    # rows are written while batches go on; "interrupted" starts a new index for each
    # batch, as a killed ingest and the next one would, so every batch must find the
    # band rows the last one left pending. The links must not change.
    if memory == "tiny":
        monkeypatch.setattr(similar, "SIGNATURE_CACHE", 3)
        monkeypatch.setattr(similar, "HOLDER_CACHE", 5)
    if memory == "bands every 100":
        monkeypatch.setattr(similar, "BAND_BATCH", 100)
    signed = [(f"{n:064x}", neardup.sign(text)) for n, text in enumerate(_corpus())]
    index = similar.NearDuplicateIndex()
    for start in range(0, len(signed), BATCH):
        if memory == "interrupted":
            index = similar.NearDuplicateIndex()
        batch = [(sha, signature) for sha, signature in signed[start:start + BATCH]
                 if signature is not None]
        with archive.writer() as conn:
            conn.execute(documents.insert(), [dict(
                id=sha, size=1, media_type="text/plain", status="ok", original_name=sha,
                metadata={}, ingested_at="2024-01-01T00:00:00Z", children_complete=True)
                for sha, _signature in batch])
            index.record(conn, batch)
    with archive.writer() as conn:
        index.settle(conn)
    with archive.reader() as conn:
        linked = {(row.document_id, row.other_id): row.similarity
                  for row in conn.execute(select(near_duplicates))}
        band_rows = conn.execute(select(func.count()).select_from(minhash_bands)).scalar()
        waiting = conn.execute(select(func.count()).select_from(minhash_pending)).scalar()
    # every document's 32 band rows are written once the run settles, none twice
    assert (band_rows, waiting) == (neardup.BANDS * len(signed), 0)

    expected: dict[tuple[str, str], int] = {}
    for later, (sha, signature) in enumerate(signed):
        for other, earlier in signed[:later]:
            assert signature is not None and earlier is not None
            score = float(neardup.similarities(signature.values, earlier.values)[0])
            if set(signature.buckets) & set(earlier.buckets) and score >= neardup.THRESHOLD:
                expected[sha, other] = expected[other, sha] = round(score * 100)
    position = {sha: n for n, (sha, _signature) in enumerate(signed)}
    batches = {(position[a] // BATCH, position[b] // BATCH) for a, b in expected}
    assert any(x == y for x, y in batches) and any(x != y for x, y in batches)
    assert linked == expected
