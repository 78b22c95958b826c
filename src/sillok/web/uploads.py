"""Uploaded files: saved under safe names in a fresh folder inside the archive,
ingested and extracted, then the folder is removed.

Nothing a client sends can choose where a file lands: names are reduced to a plain
base name, and the final path is checked to be inside the upload folder.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .. import api
from ..exc import SillokError
from ..ingest.pipeline import ItemResult
from ..store.archive import Archive

log = logging.getLogger(__name__)

UPLOADS = "uploads"
BATCH = 31  # below the ingest pipeline's process-pool threshold: no fork from a web thread
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


class UploadRejected(SillokError):
    """An upload that cannot be accepted at all (no files, over the total size limit)."""


@dataclass
class SavedFile:
    name: str
    path: Path
    size: int


def safe_name(raw: str | None, taken: set[str]) -> str:
    """A plain file name: no folders, no control characters, no leading dots, unique."""
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip() or "upload"
    if len(name.encode("utf-8")) > 150:
        stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        name = (stem or name).encode("utf-8")[:140].decode("utf-8", "ignore") + \
            (f".{keep}" if keep else "")
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        stem, dot, ext = name.rpartition(".")
        candidate = f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
    taken.add(candidate.lower())
    return candidate


def upload_folder(archive: Archive, username: str) -> Path:
    root = archive.root / UPLOADS
    root.mkdir(parents=True, exist_ok=True)
    tag = re.sub(r"[^a-z0-9._-]", "_", username.lower())[:40]
    return Path(tempfile.mkdtemp(prefix=f"{tag}-", dir=root)).resolve()


def save(folder: Path, files: Iterable[tuple[str | None, BinaryIO]], *, total_limit: int
         ) -> list[SavedFile]:
    """Copy each upload into ``folder`` under a safe name; refuse when over ``total_limit``."""
    taken: set[str] = set()
    saved: list[SavedFile] = []
    total = 0
    base = folder.resolve()
    for raw_name, stream in files:
        name = safe_name(raw_name, taken)
        target = (folder / name).resolve()
        if target.parent != base:  # belt and braces: safe_name already prevents this
            raise UploadRejected(f"refused the file name {raw_name!r}")
        size = 0
        with open(target, "xb") as out:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                total += len(chunk)
                if total > total_limit:
                    raise UploadRejected(f"the upload is over the {total_limit // (1 << 20)} MiB "
                                         "limit: send fewer files at a time")
                out.write(chunk)
        saved.append(SavedFile(name, target, size))
    if not saved:
        raise UploadRejected("no files were sent: choose or drop at least one file")
    return saved


def ingest_uploads(archive: Archive, folder: Path, saved: list[SavedFile]) -> dict[str, Any]:
    """Ingest and extract the saved files; per-file outcomes with names as uploaded."""
    results: list[dict[str, Any]] = []
    prefix = str(folder) + "/"
    try:
        for start in range(0, len(saved), BATCH):
            report = api.ingest_path([f.path for f in saved[start:start + BATCH]],
                                     archive=archive)
            results += [_outcome(item, prefix) for item in report.items]
        new_ids = sorted({r["document_id"] for r in results
                          if r["document_id"] and r["status"] == "ok"})
        counts = api.extract(new_ids, archive) if new_ids else {}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    statuses: dict[str, int] = {}
    for result in results:
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    return {"files": [{"name": f.name, "size": f.size} for f in saved], "items": results,
            "counts": statuses, "extraction": counts}


def _outcome(item: ItemResult, prefix: str) -> dict[str, Any]:
    source = item.source[len(prefix):] if item.source.startswith(prefix) else \
        Path(item.source).name
    return {"name": source, "status": item.status, "reason": item.reason,
            "document_id": item.document_id, "size": item.size}
