"""Proving that nothing was altered: originals, clean texts, the custody log, the
encrypted testimony files and the audit log (all checked without a key)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from .. import audit
from ..ids import sha256_bytes, sha256_file
from ..testimony.files import check_files
from . import custody
from .archive import Archive
from .tables import custody_events, documents, texts


@dataclass(frozen=True)
class Problem:
    """One thing that does not verify, named exactly."""

    kind: str  # modified | missing | extra | edited | deleted | inserted-or-reordered | ...
    object_id: str | None
    message: str


@dataclass
class VerifyReport:
    documents: int = 0
    originals_checked: int = 0
    log_entries: int = 0
    testimony_files: int = 0
    audit_entries: int = 0
    problems: list[Problem] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "documents": self.documents,
            "originals_checked": self.originals_checked, "log_entries": self.log_entries,
            "testimony_files": self.testimony_files, "audit_entries": self.audit_entries,
            "elapsed_seconds": round(self.elapsed, 3),
            "problems": [{"kind": p.kind, "object": p.object_id, "message": p.message}
                         for p in self.problems],
        }


def _check_originals(archive: Archive, conn: Connection, report: VerifyReport) -> None:
    known = {row.id: row.size for row in conn.execute(select(documents.c.id, documents.c.size))}
    report.documents = len(known)
    seen: set[str] = set()
    for name, path in archive.stored_objects():
        expected_path = archive.object_path(name)
        if name not in known or path != expected_path:
            where = path.relative_to(archive.root)
            report.problems.append(Problem(
                "extra", name, f"extra original {where}: no document in the archive records it"))
            continue
        seen.add(name)
        report.originals_checked += 1
        if sha256_file(str(path)) != name:
            report.problems.append(Problem("modified", name, f"original {name} was modified: "
                                           "its content no longer matches its SHA-256"))
    for doc_id in sorted(set(known) - seen):
        report.problems.append(Problem("missing", doc_id, f"original {doc_id} is missing from "
                                       "the object store"))


def _check_texts(conn: Connection, report: VerifyReport) -> None:
    for row in conn.execute(select(texts.c.document_id, texts.c.extractor, texts.c.text,
                                   texts.c.text_sha256)):
        if sha256_bytes(row.text.encode("utf-8")) != row.text_sha256:
            report.problems.append(Problem(
                "modified", row.document_id, f"clean text of {row.document_id} "
                f"({row.extractor}) was modified: it no longer matches its recorded hash"))


def _check_coverage(conn: Connection, report: VerifyReport) -> None:
    """Every document must have an ingest entry that names its hash."""
    logged = set(conn.execute(select(custody_events.c.object_id).where(
        custody_events.c.action == "ingest",
        custody_events.c.object_sha256 == custody_events.c.object_id)).scalars())
    for doc_id in conn.execute(select(documents.c.id).order_by(documents.c.id)).scalars():
        if doc_id not in logged:
            report.problems.append(Problem(
                "unlogged", doc_id, f"document {doc_id} has no ingest entry in the custody log"))


def _check_testimony_files(archive: Archive, report: VerifyReport) -> None:
    report.testimony_files, problems = check_files(archive)
    report.problems += [Problem(p.kind, p.object_id, p.message) for p in problems]


def _check_audit(archive: Archive, conn: Connection, report: VerifyReport) -> None:
    anchor = custody.read_anchor(archive.audit_anchor_path)
    for problem in audit.check_audit(conn, anchor):
        report.problems.append(Problem(problem.kind, f"audit#{problem.entry}"
                                       if problem.entry is not None else audit.ANCHOR_FILE,
                                       problem.message))
    report.audit_entries = int(conn.execute(
        select(func.count()).select_from(audit.audit_log)).scalar_one())


def verify_archive(archive: Archive) -> VerifyReport:
    """Re-hash every original, text and encrypted testimony file, check the custody and
    audit chains against their head files, and log the check."""
    started = time.perf_counter()
    report = VerifyReport()
    with archive.reader() as conn:
        _check_originals(archive, conn, report)
        _check_texts(conn, report)
        _check_coverage(conn, report)
        anchor = custody.read_anchor(archive.anchor_path)
        for problem in custody.verify_chain(conn, anchor):
            report.problems.append(Problem(problem.kind, f"custody#{problem.seq}",
                                           problem.message))
        report.log_entries = custody.count(conn)
        _check_audit(archive, conn, report)
    _check_testimony_files(archive, report)
    report.elapsed = time.perf_counter() - started
    with archive.writer() as conn:
        archive.log_event(conn, "verify", "archive", str(archive.root), None, {
            "ok": report.ok, "documents": report.documents,
            "originals_checked": report.originals_checked, "log_entries": report.log_entries,
            "testimony_files": report.testimony_files, "audit_entries": report.audit_entries,
            "problems": len(report.problems)})
    return report
