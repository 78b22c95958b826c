"""Near-duplicate band rows wait in memory during an ingest and are all written by its
end, once each, whatever else is ingesting or was interrupted."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

import sillok
from sillok import export
from sillok.ingest import neardup
from sillok.ingest.similar import NearDuplicateIndex
from sillok.store.archive import Archive
from sillok.store.tables import documents, minhash_bands, minhash_pending, signatures


def _story(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(
        f"{rng.choice(['A witness', 'An escapee', 'A former guard'])} recalled "
        f"{rng.choice(['beatings', 'hunger', 'night interrogations', 'forced labour'])} in "
        f"{rng.randint(1975, 2022)}, {rng.randint(2, 900)} days after reaching block "
        f"{rng.randint(1, 60)}." for _ in range(14))


def _folder(root: Path, name: str, stories: list[int], *, site: str) -> Path:
    folder = root / name
    folder.mkdir()
    for seed in stories:
        (folder / f"story-{seed}.txt").write_text(f"{site}\n\n{_story(seed)}\n", "utf-8")
    return folder


def _counts(archive: Archive) -> tuple[int, int, int]:
    """Band rows, documents waiting for theirs, signatures."""
    with archive.reader() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (minhash_bands, minhash_pending, signatures))


def _near(archive: Archive, path: Path) -> set[str]:
    doc = sillok.show_document(str(path), archive=archive)
    return {other["original_name"] for other in doc["near_duplicates"]}


def test_an_ingest_writes_every_band_row_by_its_end(tmp_path: Path, archive: Archive) -> None:
    first = _folder(tmp_path, "first", list(range(10)), site="Site one")
    sillok.ingest_path(first, archive=archive)
    assert _counts(archive) == (neardup.BANDS * 10, 0, 10)
    # a later run finds the first run's documents through the written rows
    second = _folder(tmp_path, "second", [3, 7], site="Site two, resaved")
    sillok.ingest_path(second, archive=archive)
    assert _counts(archive) == (neardup.BANDS * 12, 0, 12)
    assert _near(archive, second / "story-3.txt") == {"story-3.txt"}


def test_a_run_that_stores_nothing_writes_rows_an_interrupted_run_left(
        tmp_path: Path, archive: Archive) -> None:
    folder = _folder(tmp_path, "reports", [1], site="Site")
    sillok.ingest_path(folder, archive=archive)
    # an interrupted run: a document stored, its band rows still waiting
    signed = neardup.sign(_story(2))
    assert signed is not None
    with archive.writer() as conn:
        conn.execute(documents.insert().values(
            id="b" * 64, size=1, media_type="text/plain", status="ok", original_name="b",
            metadata={}, ingested_at="2024-01-01T00:00:00Z", children_complete=True))
        NearDuplicateIndex().record(conn, [("b" * 64, signed)])
    assert _counts(archive) == (neardup.BANDS, 1, 2)
    # the same file again: a duplicate, nothing recorded, and yet the rows get written
    report = sillok.ingest_path(folder, archive=archive)
    assert report.counts == {"skipped-duplicate": 1}
    assert _counts(archive) == (2 * neardup.BANDS, 0, 2)


def test_two_ingests_in_one_process_take_turns(tmp_path: Path, archive: Archive) -> None:
    # The web app ingests uploads on worker threads: two at once must not write the same
    # rows twice or lose the other's waiting rows.
    folders = [_folder(tmp_path, f"upload-{n}", [*range(n * 20, n * 20 + 20), 99],
                       site=f"Uploaded from site {n}") for n in range(2)]
    errors: list[BaseException] = []

    def ingest(folder: Path) -> None:
        try:
            sillok.ingest_path(folder, archive=archive)
        except BaseException as exc:  # reported by the test, not lost with the thread
            errors.append(exc)

    threads = [threading.Thread(target=ingest, args=(folder,)) for folder in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _counts(archive) == (neardup.BANDS * 42, 0, 42)
    assert _near(archive, folders[1] / "story-99.txt") == {"story-99.txt"}


def test_the_ingest_lock_keeps_out_this_process_s_other_threads(archive: Archive) -> None:
    held, release, order = threading.Event(), threading.Event(), []

    def first() -> None:
        with archive.ingest_lock() as got:
            order.append(("first", got))
            held.set()
            release.wait(10)
        order.append(("first done", True))

    def second() -> None:
        with archive.ingest_lock() as got:
            order.append(("second", got))

    holder = threading.Thread(target=first)
    holder.start()
    assert held.wait(10)
    with archive.ingest_lock(wait=False) as got:  # recovery skips while another ingests
        assert got is False
    waiter = threading.Thread(target=second)
    waiter.start()
    time.sleep(0.3)
    assert order == [("first", True)]  # still waiting
    release.set()
    holder.join()
    waiter.join()
    assert order == [("first", True), ("first done", True), ("second", True)]
    # inside its own block a thread goes on without taking the lock again
    with archive.ingest_lock() as outer, archive.ingest_lock() as inner:
        assert (outer, inner) == (True, False)


def test_an_import_links_near_duplicates_and_writes_their_rows_at_its_end(
        tmp_path: Path, archive: Archive) -> None:
    one = _folder(tmp_path, "one", [5, 6], site="Site one")
    two = _folder(tmp_path, "two", [5], site="Site two, resaved")
    sillok.ingest_path(one, two, archive=archive)
    export.export(tmp_path / "export", "jsonl", archive=archive, originals="alongside")
    fresh = sillok.init_archive(tmp_path / "fresh")
    result = export.import_jsonl(tmp_path / "export", archive=fresh)
    assert result.ok and result.imported == 3
    assert _counts(fresh) == (3 * neardup.BANDS, 0, 3)
    assert _near(fresh, two / "story-5.txt") == {"story-5.txt"}
