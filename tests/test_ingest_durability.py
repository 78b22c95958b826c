"""An original is on disk before the database row that records it commits.

Ingest workers stage originals; where Linux has syncfs they skip the fsync per file and
the writer syncs the staging area once per batch, before the batch's transaction.
Elsewhere each staged original is fsynced. Either way a power cut after a commit can
never leave a recorded document without its original.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

import sillok
from sillok.exc import ArchiveError
from sillok.store import archive as store

FILES = 150  # enough for the worker pool (32) and for three transactions of 64


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir(parents=True)
    for n in range(FILES):
        (folder / f"report-{n:02d}.txt").write_text(
            f"Report {n}: a former prisoner of Camp {14 + n % 3} describes forced labour "
            f"in the mines during {1990 + n}, and rations of {100 + n} grams of maize.\n")
    return folder


def _committed(archive: Path) -> set[str]:
    with closing(sqlite3.connect(f"file:{archive / 'sillok.db'}?mode=ro", uri=True)) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM documents")}


def _objects(archive: Path) -> dict[int, str]:
    """The object store's files by inode (a rename keeps it)."""
    return {path.stat().st_ino: path.name for path in (archive / "objects").rglob("*")
            if path.is_file()}


def test_a_batch_of_originals_is_synced_before_its_rows_commit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    sillok.init_archive(archive)
    real = store._SYNCFS
    synced_before_commit: set[str] = set()
    calls = 0

    def syncfs(fd: int) -> int:
        nonlocal calls
        calls += 1
        staged = {p.name for p in (archive / "staging").iterdir() if len(p.name) == 64}
        synced_before_commit.update(staged - _committed(archive))
        if real is not None:
            return real(fd)
        os.sync()
        return 0

    monkeypatch.setattr(store, "_SYNCFS", syncfs)
    monkeypatch.setattr(store, "_syncs_in_batches", lambda _folder: True)
    report = sillok.ingest_path(_folder(tmp_path), archive=archive)
    assert report.counts == {"ok": FILES}
    stored = _committed(archive)
    assert len(stored) == FILES
    assert calls >= 3  # one per transaction
    assert stored <= synced_before_commit  # every one was staged when a sync ran, uncommitted
    assert sillok.verify(archive).ok


def _record_fsyncs(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Log the inode of every file os.fsync syncs, in the forked workers too."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        with open(log, "a") as out:
            out.write(f"{os.fstat(fd).st_ino}\n")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_where_syncfs_is_not_safe_each_staged_original_is_fsynced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # e.g. a FUSE or network file system, or a kernel older than 5.8
    archive = tmp_path / "archive"
    sillok.init_archive(archive)
    monkeypatch.setattr(store, "_syncs_in_batches", lambda _folder: False)
    _record_fsyncs(monkeypatch, tmp_path / "fsynced.txt")
    report = sillok.ingest_path(_folder(tmp_path), archive=archive)
    assert report.counts == {"ok": FILES}
    fsynced = {int(line) for line in (tmp_path / "fsynced.txt").read_text().split()}
    objects = _objects(archive)
    assert len(objects) == FILES and set(objects) <= fsynced


def test_when_syncfs_fails_each_original_of_the_batch_is_fsynced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    sillok.init_archive(archive)
    monkeypatch.setattr(store, "_SYNCFS", lambda _fd: -1)  # e.g. refused by a sandbox
    monkeypatch.setattr(store, "_syncs_in_batches", lambda _folder: True)
    _record_fsyncs(monkeypatch, tmp_path / "fsynced.txt")
    report = sillok.ingest_path(_folder(tmp_path), archive=archive)
    assert report.counts == {"ok": FILES}
    fsynced = {int(line) for line in (tmp_path / "fsynced.txt").read_text().split()}
    assert set(_objects(archive)) <= fsynced
    assert sillok.verify(archive).ok


def test_a_disk_error_stops_the_ingest_and_leaves_the_archive_consistent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    sillok.init_archive(archive)

    def broken_disk(_fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(store, "_SYNCFS", lambda _fd: -1)
    monkeypatch.setattr(store, "_syncs_in_batches", lambda _folder: True)
    monkeypatch.setattr(os, "fsync", broken_disk)
    with pytest.raises(ArchiveError, match=r"cannot write the staged original \w{12} in .* "
                                           r"to disk \(Input/output error\): check the disk"):
        sillok.ingest_path(_folder(tmp_path), archive=archive)
    assert _committed(archive) == set()  # nothing recorded whose original may be lost
    monkeypatch.undo()
    report = sillok.ingest_path(_folder(tmp_path / "again"), archive=archive)
    assert report.counts == {"ok": FILES}
    assert sillok.verify(archive).ok


def test_a_committed_original_whose_rename_was_lost_is_recovered(tmp_path: Path) -> None:
    # A power cut after the commit can leave a synced original under its temporary name.
    archive = tmp_path / "archive"
    sillok.init_archive(archive)
    report = sillok.ingest_path(_folder(tmp_path), archive=archive)
    kept, damaged = (item.document_id or "" for item in report.items[:2])
    for digest, data in [(kept, None), (damaged, b"not the bytes that were recorded")]:
        stored = next((archive / "objects").rglob(digest))
        stored.chmod(0o600)
        staged = archive / "staging" / f"{digest}.4242.partial"
        staged.write_bytes(data if data is not None else stored.read_bytes())
        stored.unlink()
    verified = sillok.verify(archive)  # opening the archive recovers staging
    assert sillok.original_bytes(kept, archive=archive) == Path(
        report.items[0].source).read_bytes()
    assert not verified.ok and damaged in str(verified.as_dict())
    assert kept not in str(verified.as_dict())
    assert not list((archive / "staging").glob("[!.]*"))


def test_an_unsynced_copy_never_replaces_a_staged_original(tmp_path: Path) -> None:
    # Two files with the same bytes: the first may be synced and about to be published
    # when a worker stages the second; the synced file must stay the one in staging.
    digest = "ab" * 32
    store.stage_file(tmp_path, digest, b"the same bytes", sync=False)
    first = (tmp_path / digest).stat().st_ino
    store.stage_file(tmp_path, digest, b"the same bytes", sync=False)
    assert (tmp_path / digest).stat().st_ino == first
    assert [path.name for path in tmp_path.iterdir()] == [digest]  # no temporary left


def test_without_hard_links_a_staged_copy_is_synced_before_it_replaces(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # e.g. exFAT on a removable disk: the copy that takes the staged name is on disk
    def no_links(_source: object, _target: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", no_links)
    _record_fsyncs(monkeypatch, tmp_path / "fsynced.txt")
    staging = tmp_path / "staging"
    staging.mkdir()
    digest = "cd" * 32
    store.stage_file(staging, digest, b"bytes of an original", sync=False)
    assert (staging / digest).read_bytes() == b"bytes of an original"
    assert [path.name for path in staging.iterdir()] == [digest]
    fsynced = {int(line) for line in (tmp_path / "fsynced.txt").read_text().split()}
    assert (staging / digest).stat().st_ino in fsynced
