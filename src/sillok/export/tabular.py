"""JSON Lines and CSV exports of documents, mentions, violations and claims (and FtM).

``OUT/`` gets one file per kind (``documents``, ``mentions``, ``violations``,
``claims``) in the chosen format, or ``entities.ftm.json`` for FollowTheMoney
(:mod:`sillok.export.ftm`), ``export.json`` describing the export and
``SHA256SUMS`` (``sha256sum -c`` format) covering every other file.

The JSON Lines ``documents.jsonl`` is complete: metadata, clean text, the
current extraction, the custody entries, and the original (as a file under
``originals/`` beside it, or base64 inside the line). ``sillok import-jsonl``
rebuilds an archive from it with every hash unchanged. The CSV files are for
spreadsheets: list values are joined with ``;`` and a cell that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) gets a leading
``'``; use JSON Lines where the exact text matters.
"""

from __future__ import annotations

import base64
import csv
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection

from ..ids import sha256_file
from ..store import custody
from ..store.archive import Archive
from . import records
from .bagwriter import PackageError, PayloadFile
from .package import json_line, new_export_id
from .selection import Selection, nothing_selected, search_ids, selected_rows

FORMATS = ("jsonl", "csv", "ftm")
ORIGINALS = ("alongside", "base64", "none")
KINDS = ("documents", "mentions", "violations", "claims")
CSV_COLUMNS = {
    "documents": ["id", "original_name", "title", "author", "publisher", "published", "url",
                  "language", "media_type", "size", "status", "reason", "ingested_at",
                  "text_sha256", "text_characters", "extractor", "extraction_sha256",
                  "extraction_status", "reviewed_by", "last_reviewed_at", "facilities",
                  "violations", "claims"],
    "mentions": ["document", "kind", "id", "start", "end", "text", "review"],
    "violations": ["document", "violation", "facilities", "mentions", "start", "end", "text",
                   "review"],
    "claims": ["document", "claim", "subject", "measure", "low", "high", "as_of",
               "attributed_to", "start", "end", "text", "review"],
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ExportResult:
    path: Path
    format: str
    export_id: str
    selection: str
    counts: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    sums_sha256: str = ""
    custody_event: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "format": self.format, "export_id": self.export_id,
                "selection": self.selection, "counts": self.counts, "files": self.files,
                "sha256sums": self.sums_sha256, "custody_seq": self.custody_event.get("seq")}


class _Text:
    """A text sink for ``csv.writer`` that encodes to UTF-8 and hashes as it goes."""

    def __init__(self, payload: PayloadFile) -> None:
        self.payload = payload

    def write(self, value: str) -> int:
        self.payload.write(value.encode("utf-8"))
        return len(value)


class _Folder:
    """Files written into OUT, each hashed while written; SHA256SUMS grows line by line."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[str] = []  # every file but the originals
        # Open for the whole export (closed in close/discard) so no list of sums builds up.
        self._sums: IO[bytes] = open(root / "SHA256SUMS", "xb")  # noqa: SIM115

    @contextmanager
    def open(self, relpath: str) -> Iterator[PayloadFile]:
        target = self.root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as handle:
            payload = PayloadFile(handle, ("sha256",))
            yield payload
        self._sums.write(f"{payload.digests()['sha256']}  {relpath}\n".encode())
        if not relpath.startswith("originals/"):
            self.written.append(relpath)

    def close(self) -> str:
        """Close SHA256SUMS and return its own SHA-256."""
        self._sums.close()
        return sha256_file(str(self.root / "SHA256SUMS"))

    def discard(self) -> None:
        self._sums.close()
        shutil.rmtree(self.root, ignore_errors=True)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _document_row(record: dict[str, Any], output: dict[str, Any] | None) -> dict[str, Any]:
    text = record.get("text") or {}
    extraction = record.get("extraction") or {}
    output = output or {}
    return {**{k: record.get(k) for k in CSV_COLUMNS["documents"]},
            "text_sha256": text.get("sha256"), "text_characters": text.get("characters"),
            "extractor": extraction.get("extractor"),
            "extraction_sha256": extraction.get("sha256"),
            "extraction_status": extraction.get("status"),
            "reviewed_by": (extraction.get("review") or {}).get("reviewers"),
            "last_reviewed_at": (extraction.get("review") or {}).get("last_reviewed_at"),
            "facilities": [e.get("id") for e in output.get("facilities") or []],
            "violations": [e.get("id") for e in output.get("violations") or []],
            "claims": len(output.get("claims") or []) if output else None}


def _full_record(archive: Archive, row: dict[str, Any], originals: str,
                 folder: _Folder) -> dict[str, Any]:
    """A documents.jsonl record with everything an import needs."""
    doc_id = str(row["id"])
    record = records.document_metadata(row)
    text = records.text_record(row)
    if text is not None:
        text["text"] = row["text"]
    record["text"] = text
    extraction = records.extraction_record(row, row["review"])
    if extraction is not None:
        extraction["output"] = row["extraction_output"]
        if row["review"] is not None:
            extraction["reviewed_output"] = row["exported_output"]
    record["extraction"] = extraction
    record["custody"] = row["custody"]
    if originals == "base64":
        record["original"] = {"base64": base64.b64encode(
            archive.read_original(doc_id)).decode("ascii")}
    elif originals == "alongside":
        with folder.open(f"originals/{doc_id}") as payload, \
                open(archive.object_path(doc_id), "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                payload.write(chunk)
        record["original"] = {"file": f"originals/{doc_id}"}
    else:
        record["original"] = None
    return record


class _Writer:
    """Writes the rows of one format; subclasses say how a document becomes records."""

    kinds: tuple[str, ...] = KINDS
    counted: tuple[str, ...] = KINDS
    extension = ""

    def __init__(self, folder: _Folder, stack: ExitStack, counts: dict[str, int]) -> None:
        self.reviewed: set[str] = set()
        self.counts = counts
        for kind in self.counted:
            counts.setdefault(kind, 0)
        self.sinks = {kind: stack.enter_context(folder.open(f"{kind}.{self.extension}"))
                      for kind in self.kinds}

    def emit(self, kind: str, value: dict[str, Any]) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.sinks[kind].write(json_line(value))

    def add(self, conn: Connection, row: dict[str, Any]) -> None:
        raise NotImplementedError

    def prepare(self, conn: Connection, row: dict[str, Any]) -> dict[str, Any] | None:
        """Set ``row["exported_output"]`` (reviewed where decisions exist) and
        ``row["review"]``; return the output."""
        output, review = records.exported_output(conn, row, self.reviewed)
        row["exported_output"], row["review"] = output, review
        if review is not None:
            self.counts["reviewed"] = self.counts.get("reviewed", 0) + 1
        return output

    def facts(self, doc_id: str, output: dict[str, Any] | None) -> None:
        if not output:
            return
        for value in records.mention_rows(doc_id, output):
            self.emit("mentions", value)
        for value in records.violation_rows(doc_id, output):
            self.emit("violations", value)
        for value in records.claim_rows(doc_id, output):
            self.emit("claims", value)

    def finish(self) -> None:
        """Write whatever comes after the last document."""


class _JsonlWriter(_Writer):
    extension = "jsonl"

    def __init__(self, folder: _Folder, stack: ExitStack, counts: dict[str, int],
                 archive: Archive, originals: str) -> None:
        super().__init__(folder, stack, counts)
        self.folder, self.archive, self.originals = folder, archive, originals

    def add(self, conn: Connection, row: dict[str, Any]) -> None:
        row["custody"] = records.custody_for(conn, str(row["id"]))
        output = self.prepare(conn, row)
        self.emit("documents", _full_record(self.archive, row, self.originals, self.folder))
        self.facts(str(row["id"]), output)


class _CsvWriter(_Writer):
    extension = "csv"

    def __init__(self, folder: _Folder, stack: ExitStack, counts: dict[str, int]) -> None:
        super().__init__(folder, stack, counts)
        self.writers = {}
        for kind, sink in self.sinks.items():
            writer = csv.DictWriter(_Text(sink), CSV_COLUMNS[kind], lineterminator="\r\n")
            writer.writeheader()
            self.writers[kind] = writer

    def emit(self, kind: str, value: dict[str, Any]) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.writers[kind].writerow({k: _cell(v) for k, v in value.items()})

    def add(self, conn: Connection, row: dict[str, Any]) -> None:
        output = self.prepare(conn, row)
        record = records.document_metadata(row)
        record["text"] = records.text_record(row)
        record["extraction"] = records.extraction_record(row, row["review"])
        self.emit("documents", _document_row(record, output))
        self.facts(str(row["id"]), output)


class _FtmWriter(_Writer):
    """FollowTheMoney entities, one file; see :mod:`sillok.export.ftm`."""

    kinds = ("entities",)
    counted = ("documents", "mentions", "violations", "entities")
    extension = "ftm.json"

    def __init__(self, folder: _Folder, stack: ExitStack, counts: dict[str, int],
                 archive: Archive) -> None:
        from . import ftm

        super().__init__(folder, stack, counts)
        self.ftm, self.archive = ftm, archive
        self.kb = ftm.load_kb()
        self.seen = ftm.new_seen()

    def entity(self, kind: str, proxy: Any) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.emit("entities", proxy.to_dict())

    def add(self, conn: Connection, row: dict[str, Any]) -> None:
        output = self.prepare(conn, row)
        self.entity("documents", self.ftm.document_entity(self.archive, row))
        if output:
            doc_id = str(row["id"])
            for proxy in self.ftm.mention_entities(doc_id, output, self.seen):
                self.entity("mentions", proxy)
            for proxy in self.ftm.violation_entities(doc_id, output, self.kb, self.seen):
                self.entity("violations", proxy)

    def finish(self) -> None:
        for proxy in self.ftm.kb_entities(self.kb, self.seen):
            self.entity(proxy.schema.name, proxy)


def _writer(fmt: str, folder: _Folder, stack: ExitStack, counts: dict[str, int],
            archive: Archive, originals: str) -> _Writer:
    if fmt == "jsonl":
        return _JsonlWriter(folder, stack, counts, archive, originals)
    if fmt == "csv":
        return _CsvWriter(folder, stack, counts)
    return _FtmWriter(folder, stack, counts, archive)


def export_records(archive: Archive, out: str | os.PathLike[str], fmt: str = "jsonl",
                   selection: Selection | None = None, *, originals: str = "alongside",
                   on_document: Callable[[str], None] | None = None) -> ExportResult:
    """Write documents, mentions, violations and claims of ``selection`` to the folder ``out``.

    ``fmt`` is ``jsonl``, ``csv`` or ``ftm``. ``originals`` (JSON Lines only):
    ``alongside`` files in ``out/originals``, ``base64`` inside each document line,
    or ``none``.
    """
    if fmt not in FORMATS:
        raise PackageError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if originals not in ORIGINALS:
        raise PackageError(f"--originals must be one of {', '.join(ORIGINALS)}")
    selection = selection or Selection()
    root = Path(out).absolute()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise PackageError(f"{root} exists and is not an empty folder: choose a new folder")
    root.mkdir(parents=True, exist_ok=True)
    folder = _Folder(root)
    result = ExportResult(root, fmt, new_export_id(), selection.describe())
    result.counts = {"documents": 0}
    try:
        searched = search_ids(archive, selection.query) if selection.query else None
        with archive.reader() as conn, ExitStack() as stack:
            writer = _writer(fmt, folder, stack, result.counts, archive, originals)
            writer.reviewed = records.reviewed_documents(conn)
            for row in selected_rows(conn, selection, searched):
                writer.add(conn, row)
                if on_document:
                    on_document(str(row["id"]))
            writer.finish()
    except BaseException:
        folder.discard()
        raise
    if result.counts["documents"] == 0:
        folder.discard()
        raise nothing_selected(selection)
    with folder.open("export.json") as header:
        header.write(json_line({
            "format": "sillok-export", "version": 1, "export_id": result.export_id,
            "archive": str(archive.root), "actor": archive.settings.actor,
            "exported_at": custody.utc_now(), "selection": selection.as_dict(),
            "file_format": fmt, "originals": originals if fmt == "jsonl" else "none",
            "counts": result.counts}))
    result.sums_sha256 = folder.close()
    result.files = sorted(folder.written)
    with archive.writer() as conn:
        result.custody_event = archive.log_event(
            conn, "export", "export", result.export_id, result.sums_sha256, {
                "path": str(root), "format": fmt, "selection": selection.as_dict(),
                "counts": result.counts, "hashed": "SHA256SUMS"})
    return result
