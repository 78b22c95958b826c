"""An original is on disk before the database row that records it commits.

Ingest workers stage originals; where Linux has syncfs they skip the fsync per file and
the writer syncs the staging area once per batch, before the batch's transaction.
Elsewhere each staged original is fsynced. Either way a power cut after a commit can
never leave a recorded document without its original.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sqlite3
from pathlib import Path

import pytest

import sillok
from sillok.exc import ArchiveError
from sillok.store import archive as store

FILES = 48  # enough for the worker pool (32) and for two transactions of the batched path


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir(parents=True)
    for n in range(FILES):
        (folder / f"report-{n:02d}.txt").write_text(
            f"Report {n}: a former prisoner of Camp {14 + n % 3} describes forced labour "
            f"in the mines during {1990 + n}, and rations of {100 + n} grams of maize.\n")
    return folder


def _committed(archive: Path) -> set[str]:
    with sqlite3.connect(f"file:{archive / 'sillok.db'}?mode=ro", uri=True) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM documents")}


def test_a_batch_of_originals_is_synced_before_its_rows_commit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    sillok.init_archive(archive)
    real = store._SYNCFS
    synced_before_commit: set[str] = set()

    def syncfs(fd: int) -> int:
        staged = {p.name for p in (archive / "staging").iterdir() if len(p.name) == 64}
        synced_before_commit.update(staged - _committed(archive))
        if real is not None:
            return real(fd)
        os.sync()
        return 0

    monkeypatch.setattr(store, "_SYNCFS", syncfs)
    report = sillok.ingest_path(_folder(tmp_path), archive=archive)
    assert report.counts == {"ok": FILES}
    stored = _committed(archive)
    assert len(stored) == FILES
    assert stored <= synced_before_commit  # every one was staged when a sync ran, uncommitted
    assert sillok.verify(archive).ok


def test_without_syncfs_each_staged_original_is_fsynced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    sillok.init_archive(archive)
    log = tmp_path / "fsynced.txt"
    real_fsync = os.fsync

    def fsync(fd: int) -> None:  # runs in the forked workers too: they report to a file
        with open(log, "a") as out:
            out.write(os.readlink(f"/proc/self/fd/{fd}") + "\n")
        real_fsync(fd)

    monkeypatch.setattr(store, "_SYNCFS", None)
    monkeypatch.setattr(os, "fsync", fsync)
    report = sillok.ingest_path(_folder(tmp_path), archive=archive)
    assert report.counts == {"ok": FILES}
    fsynced = {Path(line).name.removesuffix(".partial") for line in log.read_text().split()}
    assert _committed(archive) <= fsynced


def test_a_failed_sync_stops_the_ingest_and_leaves_the_archive_consistent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "archive"
    sillok.init_archive(archive)

    def failing(_fd: int) -> int:
        ctypes.set_errno(errno.EIO)
        return -1

    monkeypatch.setattr(store, "_SYNCFS", failing)
    with pytest.raises(ArchiveError, match=r"cannot write the staged originals .* to disk"):
        sillok.ingest_path(_folder(tmp_path), archive=archive)
    assert _committed(archive) == set()  # nothing recorded whose original may be lost
    monkeypatch.undo()
    report = sillok.ingest_path(_folder(tmp_path / "again"), archive=archive)
    assert report.counts == {"ok": FILES}
    assert sillok.verify(archive).ok
