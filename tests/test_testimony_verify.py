"""One `sillok verify` covers the whole archive: the encrypted testimony files and the
audit log too, including entries cut off the end of the audit log (audit.head)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import delete, text, update

import sillok
from sillok import testimony as t
from sillok.audit import audit_log, record_access, verify_audit
from sillok.cli import cli
from sillok.cli.testimony_cmds import register
from sillok.store.archive import Archive
from sillok.store.custody import read_anchor
from testimony_support import new_vault, record

AUDIO = b"RIFF a recorded voice, encrypted at rest"


@pytest.fixture
def stored(archive: Archive) -> str:
    """A testimony with one encrypted file, read twice (so the audit log has entries)."""
    vault = new_vault(archive)
    added = t.add_testimony(archive, vault, record(), user="officer",
                            files=[t.FileInput(AUDIO, "interview.wav", "audio")])
    for role in ("investigator", "analyst"):
        t.view_testimony(archive, vault, added.testimony_id, user="reader", role=role,
                         purpose="internal-analysis")
    return added.testimony_id


def verify(archive: Archive) -> tuple[Result, dict[str, object]]:
    result = CliRunner().invoke(cli, ["verify", "--archive", str(archive.root), "--format",
                                      "json"])
    return result, json.loads(result.output)


def problems(report: dict[str, object]) -> list[tuple[str, str]]:
    found = report["problems"]
    assert isinstance(found, list)
    return [(p["kind"], p["object"]) for p in found]


def blob(archive: Archive) -> Path:
    (path,) = [p for p in (archive.root / "testimony-files").rglob("*") if p.is_file()]
    return path


def drop_guards(archive: Archive) -> None:
    """What someone with raw access to the database would do first."""
    with archive.writer() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def newest_audit_id(archive: Archive) -> int:
    anchor = read_anchor(archive.root / "audit.head")
    assert anchor is not None
    return int(anchor["seq"])


def test_a_clean_archive_with_testimonies_verifies(archive: Archive, stored: str) -> None:
    result, report = verify(archive)
    assert result.exit_code == 0, result.output
    assert report["ok"] is True and report["testimony_files"] == 1
    assert report["audit_entries"] == 2 == newest_audit_id(archive)
    plain = CliRunner().invoke(cli, ["verify", "--archive", str(archive.root)])
    assert plain.exit_code == 0
    assert "1 encrypted testimony files and 2 audit entries checked" in plain.output


def test_a_tampered_encrypted_file_is_named(archive: Archive, stored: str) -> None:
    path = blob(archive)
    path.write_bytes(path.read_bytes()[:-1] + bytes([path.read_bytes()[-1] ^ 1]))
    result, report = verify(archive)
    assert result.exit_code == 1
    assert problems(report) == [("altered", f"{stored}/{path.name[:16]}")]
    plain = CliRunner().invoke(cli, ["verify", "--archive", str(archive.root)])
    assert plain.exit_code == 1
    assert f"file {path.name[:16]} of {stored} was altered" in plain.output


def test_missing_and_planted_encrypted_files_are_named(archive: Archive, stored: str) -> None:
    path = blob(archive)
    path.unlink()
    planted = archive.root / "testimony-files" / "ab" / ("ab" * 32)
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(b"planted")
    result, report = verify(archive)
    assert result.exit_code == 1
    assert problems(report) == [("missing", f"{stored}/{path.name[:16]}"),
                                ("extra", f"testimony-files/ab/{'ab' * 32}")]


def test_an_edited_audit_entry_is_named(archive: Archive, stored: str) -> None:
    drop_guards(archive)
    with archive.writer() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 1).values(purpose="publication"))
    result, report = verify(archive)
    assert result.exit_code == 1
    assert problems(report) == [("edited", "audit#1")]


def test_a_deleted_audit_entry_is_named(archive: Archive, stored: str) -> None:
    with archive.writer() as conn:
        record_access(conn, user="reader", action="read", object_type="testimony",
                      object_id=stored, purpose="un-sharing")
    drop_guards(archive)
    with archive.writer() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == 2))
    result, report = verify(archive)
    assert result.exit_code == 1
    assert problems(report) == [("deleted", "audit#3")]
    assert "audit entries #2–#2 are missing" in json.dumps(report, ensure_ascii=False)


def test_entries_cut_off_the_end_of_the_audit_log_are_detected(archive: Archive,
                                                                stored: str) -> None:
    with archive.writer() as conn:
        for n in range(3):
            record_access(conn, user="reader", action="read", object_type="testimony",
                          object_id=stored, purpose="un-sharing", details={"n": n})
    last = newest_audit_id(archive)
    assert last == 5
    with archive.reader() as conn:
        assert verify_audit(conn, read_anchor(archive.audit_anchor_path)) == []
    drop_guards(archive)
    with archive.writer() as conn:  # the chain that is left is perfectly well-formed
        conn.execute(delete(audit_log).where(audit_log.c.id > 2))
    with archive.reader() as conn:
        assert verify_audit(conn) == []  # without the anchor nothing shows
    result, report = verify(archive)
    assert result.exit_code == 1
    assert problems(report) == [("truncated", "audit#5")]
    assert "were deleted from the end of the audit log" in result.output


def test_new_entries_do_not_cover_up_a_truncation(archive: Archive, stored: str) -> None:
    drop_guards(archive)
    with archive.writer() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == 2))
    # Reads go on and the log grows past where it was cut: the anchor must not move on.
    with archive.writer() as conn:
        for _ in range(4):
            record_access(conn, user="reader", action="read", object_type="testimony",
                          object_id=stored, purpose="un-sharing")
    assert newest_audit_id(archive) == 2
    result, report = verify(archive)
    assert result.exit_code == 1
    assert problems(report) == [("edited", "audit#2")]
    assert "differs from the hash recorded in audit.head" in result.output


def test_testimony_verify_checks_the_anchor_too(archive: Archive, stored: str) -> None:
    drop_guards(archive)
    with archive.writer() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == 2))
    group = click.Group("sillok")
    register(group)
    result = CliRunner().invoke(group, ["testimony", "verify", "--archive", str(archive.root)])
    assert result.exit_code == 1
    assert "audit entry #2, recorded as the newest in audit.head, is gone" in result.output


def test_an_archive_without_testimonies_has_nothing_new_to_report(archive: Archive) -> None:
    report = sillok.verify(archive=archive)
    assert report.ok and report.testimony_files == 0 and report.audit_entries == 0
