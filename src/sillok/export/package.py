"""Evidence packages: a BagIt bag of the selected documents, ready to hand over.

Layout of a package::

    bagit.txt  bag-info.txt  manifest-sha256.txt  manifest-sha512.txt
    tagmanifest-sha256.txt  tagmanifest-sha512.txt
    data/README.txt                 what is where and how to check it
    data/documents.jsonl            one line per document: metadata, file names, hashes
    data/custody.jsonl              the custody-log entries about those documents, whole
    data/originals/<sha256>         the original bytes, named by their SHA-256
    data/text/<sha256>.txt          the clean text (UTF-8)
    data/extraction/<sha256>.json   the machine's extraction, in canonical JSON
    data/reviewed/<sha256>.json     the reviewed extraction, where review decisions exist

The package is built in a hidden folder beside OUT and renamed into place when
complete, so OUT is either a whole bag or absent. The export is then recorded in
the archive's custody log (action ``export``, object the package's identifier,
hash the SHA-256 of ``tagmanifest-sha256.txt``, which covers every other file).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from ..__about__ import __version__
from ..exc import ArchiveError
from ..ids import canonical_json
from ..store import custody
from ..store.archive import Archive
from . import records
from .bagwriter import ALGORITHMS, BagWriter, PackageError
from .selection import Selection, nothing_selected, search_ids, selected_rows

log = logging.getLogger(__name__)


@dataclass
class PackageResult:
    """What a package holds and how the archive recorded it."""

    path: Path
    export_id: str
    selection: str
    documents: int = 0
    texts: int = 0
    extractions: int = 0
    reviewed: int = 0
    custody_entries: int = 0
    payload_oxum: str = ""
    tagmanifest_sha256: str = ""
    custody_event: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "export_id": self.export_id,
                "selection": self.selection, "documents": self.documents, "texts": self.texts,
                "extractions": self.extractions, "reviewed": self.reviewed,
                "custody_entries": self.custody_entries,
                "payload_oxum": self.payload_oxum,
                "tagmanifest_sha256": self.tagmanifest_sha256,
                "custody_seq": self.custody_event.get("seq")}


def new_export_id() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"sillok-export-{stamp}-{uuid.uuid4().hex[:8]}"


def json_line(value: Any) -> bytes:
    """One JSON Lines record: sorted keys, UTF-8, no escaping of non-ASCII text."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _readme() -> bytes:
    return (resources.files("sillok.export") / "package_readme.txt").read_bytes()


def _write_document(bag: BagWriter, archive: Archive, conn: Any, row: dict[str, Any],
                    result: PackageResult, reviewed: set[str]
                    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Write one document's files; return its documents.jsonl record and custody entries."""
    doc_id = str(row["id"])
    source = archive.object_path(doc_id)
    if not source.is_file():
        raise ArchiveError(f"the original of {doc_id[:12]} is missing from the archive: run "
                           "`sillok verify` before packaging")
    digests = bag.copy_file(f"originals/{doc_id}", source)
    if digests["sha256"] != doc_id:
        raise ArchiveError(f"the original of {doc_id[:12]} no longer matches its SHA-256: run "
                           "`sillok verify`; a damaged original is never packaged")
    record = records.document_metadata(row)
    record["original"] = {"file": f"data/originals/{doc_id}", "name": row["original_name"],
                          "size": row["size"], **digests}
    text = records.text_record(row)
    if text is not None:
        bag.write_bytes(f"text/{doc_id}.txt", row["text"].encode("utf-8"))
        text["file"] = f"data/text/{doc_id}.txt"
        result.texts += 1
    record["text"] = text
    output, review = records.exported_output(conn, row, reviewed)
    extraction = records.extraction_record(row, review)
    if extraction is not None:
        bag.write_bytes(f"extraction/{doc_id}.json",
                        canonical_json(row["extraction_output"]).encode("utf-8"))
        extraction["file"] = f"data/extraction/{doc_id}.json"
        result.extractions += 1
        if review is not None:
            # The reviewed version is the one to use; the machine's stays beside it
            # because its hash is the one the custody log's extract entry records.
            data = canonical_json(output).encode("utf-8")
            digests = bag.write_bytes(f"reviewed/{doc_id}.json", data)
            extraction["reviewed"] = {"file": f"data/reviewed/{doc_id}.json",
                                      "sha256": digests["sha256"]}
            result.reviewed += 1
    record["extraction"] = extraction
    return record, records.custody_for(conn, doc_id)


def _status(result: PackageResult) -> str:
    machine = result.extractions - result.reviewed
    overall = "machine" if not result.reviewed else \
        "reviewed" if not machine else "partly-reviewed"
    return (f"{overall} ({machine} machine, {result.reviewed} reviewed: use "
            "data/reviewed/<sha256>.json where it exists)")


def _bag_info(archive: Archive, result: PackageResult, selection: Selection,
              head: tuple[int, str] | None, organization: str | None,
              description: str | None) -> list[tuple[str, Any]]:
    """bag-info.txt: the standard labels, then Sillok's own."""
    exported_at = custody.utc_now()
    summary = (f"{result.documents} document(s) ({selection.describe()}) from the Sillok "
               f"archive {archive.root}: originals, clean texts, {result.extractions} "
               f"extraction(s) ({result.reviewed} with a reviewed version) and their "
               "custody-log entries")
    actor = archive.settings.actor
    return [
        ("Source-Organization", organization or f"{actor} (Sillok archive {archive.root.name})"),
        ("Contact-Name", actor),
        ("External-Identifier", result.export_id),
        ("External-Description", description or f"Sillok evidence package: {summary}."),
        ("Bagging-Date", exported_at[:10]),
        ("Bag-Software-Agent", f"sillok {__version__}"),
        ("Sillok-Archive", str(archive.root)),
        ("Sillok-Exported-At", exported_at),
        ("Sillok-Actor", actor),
        ("Sillok-Selection", selection.describe()),
        ("Sillok-Documents", result.documents),
        ("Sillok-Texts", result.texts),
        ("Sillok-Extractions", result.extractions),
        ("Sillok-Extraction-Status", _status(result)),
        ("Sillok-Reviewed-Extractions", result.reviewed),
        ("Sillok-Custody-Entries", result.custody_entries),
        ("Sillok-Custody-Head", f"{head[0]} {head[1]}" if head else "empty"),
    ]


def build_package(archive: Archive, out: str | os.PathLike[str],
                  selection: Selection | None = None, *, organization: str | None = None,
                  description: str | None = None, algorithms: Sequence[str] = ALGORITHMS,
                  on_document: Callable[[str], None] | None = None) -> PackageResult:
    """Write an evidence package of ``selection`` (default: every document) to ``out``."""
    selection = selection or Selection()
    target = Path(out).absolute()
    if target.exists():
        raise PackageError(f"{target} exists already: choose a new folder for the package")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    result = PackageResult(path=target, export_id=new_export_id(),
                           selection=selection.describe())
    bag = BagWriter(work / "bag", algorithms)
    try:
        searched = search_ids(archive, selection.query) if selection.query else None
        with archive.reader() as conn:
            head = custody.head(conn)
            reviewed = records.reviewed_documents(conn)
            bag.write_bytes("README.txt", _readme())
            with bag.open("documents.jsonl") as doc_file, \
                    bag.open("custody.jsonl") as custody_file:
                for row in selected_rows(conn, selection, searched):
                    record, entries = _write_document(bag, archive, conn, row, result,
                                                      reviewed)
                    doc_file.write(json_line(record))
                    for entry in entries:
                        custody_file.write(json_line(entry))
                    result.documents += 1
                    result.custody_entries += len(entries)
                    if on_document:
                        on_document(str(row["id"]))
        if result.documents == 0:
            raise nothing_selected(selection)
        info = _bag_info(archive, result, selection, head, organization, description)
        result.payload_oxum = bag.oxum
        digests = bag.finish(info)
        result.tagmanifest_sha256 = digests.get("sha256", next(iter(digests.values())))
        os.replace(work / "bag", target)
    except BaseException:
        bag.abort()
        shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(work, ignore_errors=True)
    with archive.writer() as conn:
        result.custody_event = archive.log_event(
            conn, "export", "package", result.export_id, result.tagmanifest_sha256, {
                "path": str(target), "format": "bagit", "selection": selection.as_dict(),
                "documents": result.documents, "texts": result.texts,
                "extractions": result.extractions, "reviewed": result.reviewed,
                "custody_entries": result.custody_entries,
                "payload_oxum": result.payload_oxum, "hashed": "tagmanifest-sha256.txt"})
    log.info("packaged %d document(s) into %s", result.documents, target)
    return result
