"""Writing imported records: one transaction per file, upserted by (source, kind, id).

Every record of a file is checked before the transaction opens; a file with any bad
record raises :class:`ImportFailed` listing each (file, row, reason) and nothing of it
is stored. The import is logged in the custody log (action ``import``) with the
file's SHA-256 and the counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from ..exc import SillokError
from ..ids import sha256_file, sha256_json
from ..store import custody
from ..store.archive import Archive
from .tables import import_sources, imported_records

log = logging.getLogger(__name__)
KINDS = ("facility", "incident")


@dataclass(frozen=True)
class ImportSource:
    """The dataset records come from: an id, a title, its URL and when it was retrieved."""

    id: str
    title: str
    url: str | None = None
    retrieved: str | None = None


@dataclass
class ImportedRecord:
    """One record as it will be stored; ``where`` is its row or record number in the file."""

    kind: str
    external_id: str
    name: str
    facts: dict[str, Any]
    where: str
    facility_id: str | None = None
    record_url: str | None = None

    def digest(self) -> str:
        return sha256_json({"name": self.name, "facility_id": self.facility_id,
                            "facts": self.facts, "record_url": self.record_url})


@dataclass(frozen=True)
class RowProblem:
    """One reason a record of a file could not be imported (a record may have several);
    ``column`` is the file's column heading when the problem is in one cell."""

    file: str
    where: str
    reason: str
    column: str | None = None

    def __str__(self) -> str:
        cell = f", column {self.column!r}" if self.column else ""
        return f"{self.file} {self.where}{cell}: {self.reason}"


class ImportFailed(SillokError):
    """A file had bad records; nothing of it was imported. ``problems`` lists each."""

    def __init__(self, path: Path, problems: list[RowProblem]) -> None:
        self.path = path
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        records = len({p.where for p in problems})
        super().__init__(f"{path}: {len(problems)} problem(s) in {records} record(s), nothing "
                         f"imported; fix them and import the file again:\n{shown}{more}")


@dataclass
class ImportResult:
    """What one import did."""

    path: Path
    format: str
    source: ImportSource
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    unlinked: list[str] = field(default_factory=list)
    file_sha256: str = ""
    custody_event: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "format": self.format, "source": self.source.id,
                "source_title": self.source.title, "source_url": self.source.url,
                "retrieved": self.source.retrieved, "records": self.records,
                "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "linked": self.linked, "unlinked": self.unlinked,
                "file_sha256": self.file_sha256,
                "custody_seq": self.custody_event.get("seq")}


def check_unique(path: Path, records: list[ImportedRecord]) -> list[RowProblem]:
    """Two records of one file with the same kind and id would overwrite each other."""
    seen: dict[tuple[str, str], str] = {}
    problems: list[RowProblem] = []
    for record in records:
        key = (record.kind, record.external_id)
        if key in seen:
            problems.append(RowProblem(path.name, record.where, f"id {record.external_id!r} "
                                       f"appears again (first at {seen[key]})"))
        else:
            seen[key] = record.where
    return problems


def _upsert_source(conn: Connection, source: ImportSource, now: str) -> None:
    values = {"title": source.title, "url": source.url, "retrieved": source.retrieved,
              "updated_at": now}
    found = conn.execute(select(import_sources.c.id).where(
        import_sources.c.id == source.id)).first()
    if found is None:
        conn.execute(import_sources.insert().values(id=source.id, **values))
    else:
        conn.execute(import_sources.update().where(import_sources.c.id == source.id)
                     .values(**values))


def _upsert_record(conn: Connection, source: ImportSource, record: ImportedRecord,
                   origin: dict[str, Any], now: str) -> str:
    """Insert or update one record; return created, updated or unchanged."""
    key = (imported_records.c.source == source.id) & \
        (imported_records.c.kind == record.kind) & \
        (imported_records.c.external_id == record.external_id)
    found = conn.execute(select(imported_records.c.id, imported_records.c.record_sha256)
                         .where(key)).first()
    digest = record.digest()
    values = {"name": record.name, "facility_id": record.facility_id, "facts": record.facts,
              "record_url": record.record_url, "origin": {**origin, "where": record.where},
              "record_sha256": digest, "retrieved": source.retrieved, "updated_at": now}
    if found is None:
        conn.execute(imported_records.insert().values(
            source=source.id, kind=record.kind, external_id=record.external_id,
            first_imported_at=now, **values))
        return "created"
    if found.record_sha256 == digest:
        return "unchanged"
    conn.execute(imported_records.update().where(imported_records.c.id == found.id)
                 .values(**values))
    return "updated"


def store_records(archive: Archive, path: Path, fmt: str, source: ImportSource,
                  records: list[ImportedRecord], problems: list[RowProblem]) -> ImportResult:
    """Store ``records`` of the file ``path`` in one transaction, or none if any problem."""
    problems = [*problems, *check_unique(path, records)]
    if problems:
        raise ImportFailed(path, problems)
    result = ImportResult(path=path.absolute(), format=fmt, source=source,
                          records=len(records), file_sha256=sha256_file(str(path)))
    origin = {"file": path.name, "file_sha256": result.file_sha256, "format": fmt}
    with archive.writer() as conn:
        now = custody.utc_now()
        _upsert_source(conn, source, now)
        for record in records:
            outcome = _upsert_record(conn, source, record, origin, now)
            setattr(result, outcome, getattr(result, outcome) + 1)
            if record.facility_id:
                result.linked += 1
            elif record.kind == "facility":
                result.unlinked.append(record.external_id)
        result.custody_event = archive.log_event(
            conn, "import", "dataset", f"import/{source.id}/{path.name}", result.file_sha256,
            {"path": str(result.path), "format": fmt, "source": source.id,
             "source_title": source.title, "source_url": source.url,
             "retrieved": source.retrieved, "records": result.records,
             "created": result.created, "updated": result.updated,
             "unchanged": result.unchanged, "linked": result.linked})
    log.info("imported %s: %d created, %d updated, %d unchanged", path, result.created,
             result.updated, result.unchanged)
    return result
