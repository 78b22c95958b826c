"""Encrypted statement files (audio, scans): ``ARCHIVE/testimony-files/ab/<sha256>``.

Each file is encrypted with its testimony's data key before it touches the disk
and named by the SHA-256 of the ciphertext, so the name says nothing about the
content and ``verify_files`` can check integrity without a key. The original name,
media type and plaintext hash are kept encrypted in the database row.
"""

from __future__ import annotations

import json
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from ..ids import sha256_bytes
from ..store.archive import Archive
from ..store.custody import utc_now
from .crypto import seal, unseal
from .errors import InvalidTestimony, TestimonyNotFound
from .keys import Vault
from .model import FILE_KINDS
from .tables import testimony_files

FOLDER = "testimony-files"


@dataclass(frozen=True)
class FileInput:
    """A file to attach: its bytes, the name it had, and what it is."""

    data: bytes
    name: str
    kind: str = "document"
    media_type: str | None = None

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], kind: str | None = None) -> FileInput:
        target = Path(path)
        try:
            data = target.read_bytes()
        except OSError as exc:
            raise InvalidTestimony("files", f"cannot read {target}: {exc.strerror}") from None
        return cls.from_bytes(data, target.name, kind)

    @classmethod
    def from_bytes(cls, data: bytes, name: str, kind: str | None = None) -> FileInput:
        """A file received some other way (a web upload); the kind is guessed from the
        name when not given: audio, video, scan (images) or document."""
        media_type = mimetypes.guess_type(name)[0]
        guessed = "audio" if (media_type or "").startswith("audio/") else \
            "video" if (media_type or "").startswith("video/") else \
            "scan" if (media_type or "").startswith("image/") else "document"
        return cls(data, name, kind or guessed, media_type)


def folder(archive: Archive) -> Path:
    return archive.root / FOLDER


def blob_path(archive: Archive, file_id: str) -> Path:
    return folder(archive) / file_id[:2] / file_id


def store_file(conn: Connection, archive: Archive, vault: Vault, testimony_id: str,
               item: FileInput, *, user: str, written: list[Path]) -> str:
    """Encrypt and write one file and record it in the caller's transaction.

    Paths written are appended to ``written`` so a caller whose transaction fails
    can remove them.
    """
    if item.kind not in FILE_KINDS:
        raise InvalidTestimony("files", f"{item.kind!r} is not one of {', '.join(FILE_KINDS)}")
    key = vault.data_key(conn, f"testimony:{testimony_id}")
    sealed = seal(key, item.data, f"testimony-file:{testimony_id}")
    file_id = sha256_bytes(sealed)
    meta = {"name": item.name, "media_type": item.media_type, "size": len(item.data),
            "sha256": sha256_bytes(item.data)}
    target = blob_path(archive, file_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".partial")
    with open(tmp, "wb") as handle:
        handle.write(sealed)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    written.append(target)
    conn.execute(testimony_files.insert().values(
        id=file_id, testimony_id=testimony_id, kind=item.kind, size=len(sealed),
        meta=seal(key, json.dumps(meta).encode(), f"testimony-file-meta:{testimony_id}"),
        added_at=utc_now(), added_by=user))
    archive.log_event(conn, "attach", "testimony-file", f"{testimony_id}/{file_id[:16]}",
                      file_id, {"kind": item.kind, "user": user})
    return file_id


def file_rows(conn: Connection, testimony_id: str) -> list[Any]:
    return list(conn.execute(select(testimony_files).where(
        testimony_files.c.testimony_id == testimony_id).order_by(testimony_files.c.added_at)))


def file_meta(conn: Connection, vault: Vault, row: Any) -> dict[str, Any]:
    key = vault.data_key(conn, f"testimony:{row.testimony_id}")
    meta: dict[str, Any] = json.loads(unseal(key, row.meta,
                                             f"testimony-file-meta:{row.testimony_id}"))
    return {"id": row.id, "kind": row.kind, **meta, "added_at": row.added_at}


def open_file(conn: Connection, archive: Archive, vault: Vault, testimony_id: str,
              file_id: str) -> tuple[dict[str, Any], bytes]:
    """Decrypt one file (prefix of its id accepted); checks the plaintext hash."""
    rows = [row for row in file_rows(conn, testimony_id) if row.id.startswith(file_id)]
    if len(rows) != 1:
        raise TestimonyNotFound(f"{testimony_id} has no file {file_id!r}" if not rows else
                                f"{file_id!r} matches several files: give more characters")
    row = rows[0]
    try:
        sealed = blob_path(archive, row.id).read_bytes()
    except FileNotFoundError:
        raise TestimonyNotFound(f"the encrypted file {row.id[:16]} of {testimony_id} is "
                                f"missing from {folder(archive)}") from None
    key = vault.data_key(conn, f"testimony:{testimony_id}")
    data = unseal(key, sealed, f"testimony-file:{testimony_id}")
    meta = file_meta(conn, vault, row)
    if sha256_bytes(data) != meta["sha256"]:
        raise TestimonyNotFound(f"file {row.id[:16]} of {testimony_id} does not match its "
                                "recorded hash")
    return meta, data


@dataclass(frozen=True)
class FileProblem:
    """One encrypted file that does not verify: ``kind`` is missing, altered or extra."""

    kind: str
    object_id: str  # T-…/<first 16 of the file id>, or the stray path
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


def check_files(archive: Archive) -> tuple[int, list[FileProblem]]:
    """Re-hash every encrypted file without a key: how many were checked, and problems
    (a recorded file missing or altered, a file nobody recorded)."""
    problems: list[FileProblem] = []
    with archive.reader() as conn:
        known = {row.id: row.testimony_id for row in conn.execute(
            select(testimony_files.c.id, testimony_files.c.testimony_id))}
    for file_id, testimony_id in sorted(known.items(), key=lambda item: item[1]):
        path = blob_path(archive, file_id)
        name = f"{testimony_id}/{file_id[:16]}"
        if not path.is_file():
            problems.append(FileProblem("missing", name, f"file {file_id[:16]} of "
                                        f"{testimony_id} is missing from {FOLDER}/"))
        elif sha256_bytes(path.read_bytes()) != file_id:
            problems.append(FileProblem("altered", name, f"file {file_id[:16]} of "
                                        f"{testimony_id} was altered: the encrypted bytes no "
                                        "longer match their SHA-256"))
    root = folder(archive)
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name not in known:
                where = str(path.relative_to(archive.root))
                problems.append(FileProblem("extra", where, f"{where} is not a recorded file "
                                            "(left by an interrupted intake, or placed there)"))
    return len(known), problems


def verify_files(archive: Archive) -> list[str]:
    """Problems with the encrypted files, checked without a key: missing, altered, extra."""
    return [str(problem) for problem in check_files(archive)[1]]
