"""The audit log: append-only, filterable, tamper-evident, kept for ever."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

import sillok
from sillok.audit import audit_entries, record_access, verify_audit
from sillok.store.archive import Archive


def _fill(archive: Archive) -> None:
    with archive.writer() as conn:
        record_access(conn, user="kim", action="read", object_type="document", object_id="d1")
        record_access(conn, user="lee", action="read", object_type="testimony",
                      object_id="T-AAAA-BBBB", purpose="un-sharing", details={"role": "analyst"})
        record_access(conn, user="kim", action="export", object_type="testimony",
                      object_id="T-AAAA-BBBB", purpose="publication")


def test_entries_newest_first_with_filters(archive: Archive) -> None:
    _fill(archive)
    with archive.reader() as conn:
        everything = audit_entries(conn)
        assert [e["action"] for e in everything] == ["export", "read", "read"]
        assert [e["user"] for e in audit_entries(conn, user="kim")] == ["kim", "kim"]
        by_object = audit_entries(conn, object_id="T-AAAA-BBBB")
        assert {e["purpose"] for e in by_object} == {"un-sharing", "publication"}
        assert audit_entries(conn, action="export")[0]["user"] == "kim"
        assert [e["id"] for e in audit_entries(conn, limit=1, offset=1)] == [everything[1]["id"]]
        second = everything[1]
    assert second["details"] == {"role": "analyst"} and second["at"].endswith("Z")
    assert set(second) >= {"id", "at", "user", "action", "object_type", "object_id", "purpose",
                           "details"}


def test_an_entry_commits_or_rolls_back_with_the_change(archive: Archive) -> None:
    with pytest.raises(RuntimeError), archive.writer() as conn:
        record_access(conn, user="kim", action="read", object_type="document", object_id="x")
        raise RuntimeError("the read failed")
    with archive.reader() as conn:
        assert audit_entries(conn) == []


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET user = 'nobody'",
    "DELETE FROM audit_log",
])
def test_the_database_refuses_to_change_or_delete_entries(archive: Archive,
                                                          statement: str) -> None:
    _fill(archive)
    with pytest.raises(DatabaseError, match="append-only"), archive.writer() as conn:
        conn.execute(text(statement))
    with archive.reader() as conn:
        assert len(audit_entries(conn)) == 3


def test_tampering_around_the_guards_is_detected(archive: Archive) -> None:
    _fill(archive)
    with archive.reader() as conn:
        assert verify_audit(conn) == []
    with archive.writer() as conn:  # someone with raw database access drops the guards
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(text("UPDATE audit_log SET user = 'nobody' WHERE id = 2"))
        conn.execute(text("DELETE FROM audit_log WHERE id = 1"))
    with archive.reader() as conn:
        problems = verify_audit(conn)
    assert any("#1–#1 are missing" in p for p in problems)
    assert any("#2 was edited" in p for p in problems)


def test_the_log_survives_reopening(archive_path: object) -> None:
    archive = sillok.init_archive(archive_path)  # type: ignore[arg-type]
    _fill(archive)
    archive.engine.dispose()
    reopened = sillok.get_archive(archive_path)  # type: ignore[arg-type]
    with reopened.reader() as conn:
        assert len(audit_entries(conn)) == 3 and verify_audit(conn) == []
    reopened.engine.dispose()


def test_record_access_needs_a_user(archive: Archive) -> None:
    with pytest.raises(ValueError), archive.writer() as conn:
        record_access(conn, user="", action="read", object_type="document", object_id="x")
