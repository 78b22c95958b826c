"""Rebuilding an archive from a JSON Lines export (``sillok import-jsonl``).

Every document line is checked before anything is stored: the original must
hash to the document's id, the text to its recorded hash, the extraction to its
recorded hash. A line that fails is reported and skipped; the rest go in.

The new archive's custody log is its own chain, so the source archive's entries
cannot be copied into it. Each imported document gets an ``ingest`` entry whose
details say where it came from and carry the source entries' hashes (and the
whole source entries), so the provenance can be traced back; its extraction is
stored through the same path as ``sillok extract`` and logged as ``extract``.
Documents already in the archive are left alone (re-import is a no-op).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from ..__about__ import __version__
from ..ids import sha256_bytes, sha256_json
from ..ingest import neardup
from ..ingest.similar import NearDuplicateIndex
from ..store import custody, extractions
from ..store.archive import Archive
from ..store.tables import (
    document_links,
    documents,
    items,
    runs,
    texts,
)
from .bagwriter import PackageError
from .records import DOCUMENT_FIELDS

SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class ImportResult:
    source: Path
    imported: int = 0
    existing: int = 0
    extractions: int = 0
    links: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict[str, Any]:
        return {"source": str(self.source), "imported": self.imported,
                "existing": self.existing, "extractions": self.extractions,
                "links": self.links, "failed": self.failed}


class BadRecord(PackageError):
    """One document line of an export cannot be imported."""


def _documents_file(path: Path) -> Path:
    if path.is_dir():
        path = path / "documents.jsonl"
    if not path.is_file():
        raise PackageError(f"{path} not found: give a JSON Lines export folder (made by "
                           "`sillok export --format jsonl`) or its documents.jsonl")
    return path


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                yield number, None, "not JSON"
                continue
            if not isinstance(value, dict):
                yield number, None, "not a JSON object"
                continue
            yield number, value, None


def _original(record: dict[str, Any], folder: Path) -> bytes:
    original = record.get("original")
    if not isinstance(original, dict):
        raise BadRecord("the export has no original for this document (exported with "
                        "--originals none): export again with --originals alongside or base64")
    if "base64" in original:
        try:
            return base64.b64decode(str(original["base64"]), validate=True)
        except (binascii.Error, ValueError):
            raise BadRecord("its base64 original cannot be decoded") from None
    name = str(original.get("file", ""))
    parts = name.split("/")
    if len(parts) != 2 or parts[0] != "originals" or not SHA256.match(parts[1]):
        raise BadRecord(f"its original is named {name!r}, not originals/<sha256>")
    try:
        return (folder / parts[0] / parts[1]).read_bytes()
    except FileNotFoundError:
        raise BadRecord(f"{name} is missing beside the export") from None


def _checked(record: dict[str, Any], folder: Path) -> tuple[str, bytes]:
    """The document id and original bytes, after every hash in the record checks out."""
    doc_id = str(record.get("id", ""))
    if not SHA256.match(doc_id):
        raise BadRecord(f"its id {doc_id[:70]!r} is not a SHA-256")
    data = _original(record, folder)
    if sha256_bytes(data) != doc_id:
        raise BadRecord("its original does not match its SHA-256: the export is damaged")
    text = record.get("text")
    if isinstance(text, dict) and sha256_bytes(
            str(text.get("text", "")).encode("utf-8")) != text.get("sha256"):
        raise BadRecord("its clean text does not match its recorded hash")
    extraction = record.get("extraction")
    if isinstance(extraction, dict) and sha256_json(extraction.get("output")) != extraction.get(
            "sha256"):
        raise BadRecord("its extraction does not match its recorded hash")
    return doc_id, data


def _store(archive: Archive, conn: Connection, record: dict[str, Any], doc_id: str,
           run_id: int, source: str, similar: NearDuplicateIndex) -> bool:
    """Insert one checked document; return whether it had an extraction."""
    values = {name: record.get(name) for name in DOCUMENT_FIELDS}
    values["metadata"] = values["metadata"] or {}
    values["children_complete"] = bool(values["children_complete"])
    conn.execute(documents.insert().values(id=doc_id, **values))
    text = record.get("text") if isinstance(record.get("text"), dict) else None
    if text is not None:
        conn.execute(texts.insert().values(
            document_id=doc_id, extractor=text["extractor"], text=text["text"],
            text_sha256=text["sha256"], pages=text.get("pages") or [],
            created_at=text.get("created_at") or custody.utc_now(), current=True))
        signed = neardup.sign(text["text"])  # near-duplicates found as ingest finds them
        if signed is not None:
            similar.record(conn, [(doc_id, signed)])
    sources = record.get("sources") or []
    first = str(sources[0]["source"]) if sources else str(record.get("original_name"))
    conn.execute(items.insert().values(
        run_id=run_id, source=first, document_id=doc_id, status=values["status"],
        reason=values["reason"], size=values["size"], at=custody.utc_now()))
    source_entries = [e for e in record.get("custody") or [] if isinstance(e, dict)]
    archive.log_event(conn, "ingest", "document", doc_id, doc_id, {
        "source": source, "imported": True, "run": run_id, "status": values["status"],
        "media_type": values["media_type"], "parent": None,
        "text_sha256": text["sha256"] if text else None,
        "text_extractor": text["extractor"] if text else None,
        "source_entry_hashes": [e.get("entry_hash") for e in source_entries],
        "source_entries": source_entries})
    extraction = record.get("extraction")
    if isinstance(extraction, dict):
        extractions.save_extraction(
            conn, doc_id=doc_id, extractor=str(extraction["extractor"]),
            text_sha256=str(extraction.get("text_sha256") or (text or {}).get("sha256")),
            output=extraction["output"], actor=archive.settings.actor)
        return True
    return False


def _link(conn: Connection, child_id: str, parent: dict[str, Any]) -> bool:
    parent_id = str(parent.get("parent_id", ""))
    member = str(parent.get("member", ""))
    known = conn.execute(select(documents.c.id).where(documents.c.id == parent_id)).first()
    exists = conn.execute(select(document_links.c.child_id).where(
        document_links.c.parent_id == parent_id, document_links.c.child_id == child_id,
        document_links.c.member == member)).first()
    if known is None or exists is not None:
        return False
    conn.execute(document_links.insert().values(
        parent_id=parent_id, child_id=child_id, member=member,
        metadata=parent.get("metadata") or {}))
    return True


def import_jsonl(archive: Archive, path: str | os.PathLike[str],
                 on_document: Callable[[str, str], None] | None = None) -> ImportResult:
    """Import a JSON Lines export into ``archive``; ``on_document(id, outcome)`` per line."""
    source = _documents_file(Path(path))
    # the ingest lock: staged originals must not be taken for an interrupted run's
    # leftovers by another command's recovery, and the near-duplicate index has one writer
    with archive.ingest_lock():
        return _import_jsonl(archive, source, on_document)


def _import_jsonl(archive: Archive, source: Path,
                  on_document: Callable[[str, str], None] | None) -> ImportResult:
    folder = source.parent
    result = ImportResult(source=source)
    with archive.writer() as conn:
        key = conn.execute(runs.insert().values(
            command="import-jsonl", actor=archive.settings.actor, started_at=custody.utc_now(),
            tool_version=__version__, arguments={"path": str(source)})).inserted_primary_key
    assert key is not None
    run_id = int(key[0])
    label = f"import:{source}"
    similar = NearDuplicateIndex()  # one for the run: its band rows are written at the end
    for number, record, problem in _records(source):
        if record is None:
            result.failed.append({"line": str(number), "reason": problem or "unreadable"})
            continue
        try:
            doc_id, data = _checked(record, folder)
        except BadRecord as exc:
            result.failed.append({"line": str(number), "id": str(record.get("id", ""))[:64],
                                  "reason": str(exc)})
            continue
        with archive.reader() as conn:
            present = conn.execute(select(documents.c.id).where(
                documents.c.id == doc_id)).first() is not None
        if present:
            result.existing += 1
            if on_document:
                on_document(doc_id, "existing")
            continue
        archive.stage(data, doc_id)
        with archive.writer() as conn:
            if _store(archive, conn, record, doc_id, run_id, label, similar):
                result.extractions += 1
        archive.publish(doc_id)
        result.imported += 1
        if on_document:
            on_document(doc_id, "imported")
    # Links need both ends present, so they follow once every document is in.
    for _number, record, _problem in _records(source):
        if record is None or not isinstance(record.get("parents"), list):
            continue
        with archive.writer() as conn:
            for parent in record["parents"]:
                if isinstance(parent, dict) and _link(conn, str(record.get("id")), parent):
                    result.links += 1
    with archive.writer() as conn:
        similar.settle(conn)
        conn.execute(runs.update().where(runs.c.id == run_id).values(
            finished_at=custody.utc_now(), summary=result.as_dict()))
    return result
