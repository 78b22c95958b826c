"""Tamper evidence: verify names every modified, missing or extra original and every
edited, deleted, inserted or reordered custody-log entry, and exits non-zero."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, update

import sillok
from sillok.cli import cli
from sillok.store import custody
from sillok.store.archive import Archive
from sillok.store.tables import custody_events, texts


def _ingest_three(tmp_path: Path, archive: Archive) -> list[str]:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"r{n}.txt").write_text(f"Report {n} on detention at Camp {14 + n}.\n" * 5)
    report = sillok.ingest_path(folder, archive=archive)
    return [i.document_id or "" for i in report.items]


def _writable(path: Path) -> None:
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def kinds(archive: Archive) -> list[tuple[str, str | None]]:
    return [(p.kind, p.object_id) for p in sillok.verify(archive=archive).problems]


def test_clean_archive_verifies_and_logs_the_check(tmp_path: Path, archive: Archive) -> None:
    _ingest_three(tmp_path, archive)
    report = sillok.verify(archive=archive)
    assert report.ok and report.originals_checked == 3
    assert sillok.custody_log(archive=archive)[-1]["action"] == "verify"


def test_modified_original(tmp_path: Path, archive: Archive) -> None:
    ids = _ingest_three(tmp_path, archive)
    path = archive.object_path(ids[1])
    _writable(path)
    path.write_bytes(path.read_bytes() + b" ")
    assert kinds(archive) == [("modified", ids[1])]


def test_missing_and_extra_original(tmp_path: Path, archive: Archive) -> None:
    ids = _ingest_three(tmp_path, archive)
    archive.object_path(ids[0]).unlink()
    planted = archive.object_path("ab" * 32)
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(b"planted")
    found = kinds(archive)
    assert ("missing", ids[0]) in found
    assert ("extra", "ab" * 32) in found
    assert len(found) == 2


def test_modified_clean_text(tmp_path: Path, archive: Archive) -> None:
    ids = _ingest_three(tmp_path, archive)
    with archive.writer() as conn:
        conn.execute(update(texts).where(texts.c.document_id == ids[2]).values(text="forged"))
    assert kinds(archive) == [("modified", ids[2])]


def test_edited_log_entry(tmp_path: Path, archive: Archive) -> None:
    _ingest_three(tmp_path, archive)
    with archive.writer() as conn:
        conn.execute(update(custody_events).where(custody_events.c.seq == 2)
                     .values(actor="someone-else"))
    assert kinds(archive) == [("edited", "custody#2")]


def test_deleted_log_entry(tmp_path: Path, archive: Archive) -> None:
    ids = _ingest_three(tmp_path, archive)
    with archive.writer() as conn:
        conn.execute(delete(custody_events).where(custody_events.c.seq == 3))
    found = kinds(archive)
    assert ("deleted", "custody#4") in found
    # the deleted entry recorded the ingest of the second document
    assert ("unlogged", ids[1]) in found


def test_deleted_entries_at_the_end(tmp_path: Path, archive: Archive) -> None:
    _ingest_three(tmp_path, archive)
    with archive.reader() as conn:
        last = custody.head(conn)
    assert last is not None
    with archive.writer() as conn:
        conn.execute(delete(custody_events).where(custody_events.c.seq == last[0]))
    # The head file still names the deleted entry.
    assert ("truncated", f"custody#{last[0]}") in kinds(archive)


def test_inserted_log_entry(tmp_path: Path, archive: Archive) -> None:
    _ingest_three(tmp_path, archive)
    with archive.writer() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            select(custody_events).order_by(custody_events.c.seq.desc()))]
        # shift entries 3.. up by one and forge a well-formed entry at #3
        for row in rows:
            if row["seq"] >= 3:
                conn.execute(update(custody_events).where(custody_events.c.seq == row["seq"])
                             .values(seq=row["seq"] + 1))
        forged = {**rows[-3], "seq": 3, "action": "ingest", "actor": "intruder",
                  "object_id": "f" * 64, "object_sha256": "f" * 64}
        forged["prev_hash"] = rows[-2]["entry_hash"]
        forged["entry_hash"] = custody.entry_hash(forged)
        conn.execute(custody_events.insert().values(**forged))
    found = kinds(archive)
    # the entries after the forged one were renumbered: each is named
    assert found == [("inserted-or-reordered", "custody#4"),
                     ("inserted-or-reordered", "custody#5")]


def test_reordered_log_entries(tmp_path: Path, archive: Archive) -> None:
    _ingest_three(tmp_path, archive)
    with archive.writer() as conn:
        conn.execute(update(custody_events).where(custody_events.c.seq == 2).values(seq=-2))
        conn.execute(update(custody_events).where(custody_events.c.seq == 3).values(seq=2))
        conn.execute(update(custody_events).where(custody_events.c.seq == -2).values(seq=3))
    found = kinds(archive)
    assert ("inserted-or-reordered", "custody#2") in found
    assert ("inserted-or-reordered", "custody#3") in found


def test_verify_cli_exit_status_and_json(tmp_path: Path, archive: Archive) -> None:
    ids = _ingest_three(tmp_path, archive)
    runner = CliRunner()
    ok = runner.invoke(cli, ["--archive", str(archive.root), "verify", "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["ok"] is True
    archive.object_path(ids[0]).unlink()
    bad = runner.invoke(cli, ["verify", "--archive", str(archive.root)])
    assert bad.exit_code == 1
    assert f"original {ids[0]} is missing" in bad.output


@pytest.mark.parametrize("field", ["action", "object_sha256", "at", "details"])
def test_any_hashed_field_edit_is_caught(tmp_path: Path, archive: Archive, field: str) -> None:
    _ingest_three(tmp_path, archive)
    values = {"action": "export", "object_sha256": "0" * 64, "at": "2020-01-01T00:00:00Z",
              "details": {"source": "elsewhere"}}
    with archive.writer() as conn:
        conn.execute(update(custody_events).where(custody_events.c.seq == 2)
                     .values({field: values[field]}))
    assert ("edited", "custody#2") in kinds(archive)


def test_anchor_written_by_many_threads_at_once_ends_at_the_newest(tmp_path: Path) -> None:
    # Writers move the anchor after their commit, outside the database's lock: the web
    # app's threads (and other processes) can do it at the same moment.
    anchor = tmp_path / "custody.head"
    errors: list[BaseException] = []

    def advance(start: int) -> None:
        try:
            for seq in range(start, 400, 8):
                custody.write_anchor(anchor, seq, f"hash-{seq}")
        except BaseException as exc:  # reported by the test, not lost with the thread
            errors.append(exc)

    threads = [threading.Thread(target=advance, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert custody.read_anchor(anchor) == {"seq": 399, "entry_hash": "hash-399"}
