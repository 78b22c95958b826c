"""The CPU-heavy half of ingesting one original, safe to run in a worker process.

``prepare`` identifies and parses the bytes and computes what the database needs
(language, text hash, MinHash signature). It touches no database, so the pipeline can
run it in a process pool while the main process writes; ``prepare_files`` also reads
files and writes their originals to the archive's staging folder, which only the main
process publishes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ..exc import IngestError
from ..ids import sha256_bytes
from ..store.archive import object_path, stage_file
from . import neardup
from .base import Limits, Parsed, detect_media_type
from .language import detect_language
from .registry import parser_for

log = logging.getLogger(__name__)

CONTAINERS = frozenset({
    "application/zip", "application/mbox", "message/rfc822", "application/warc"})


@dataclass
class Prepared:
    """A parsed original plus the derived values stored with it."""

    parsed: Parsed
    language: str | None
    text_sha256: str | None
    signature: neardup.Signature | None


def parse(data: bytes, name: str, limits: Limits) -> Parsed:
    """Parse ``data``; a failure becomes a ``Parsed`` with status and reason, never raises."""
    media_type = "application/octet-stream"
    try:
        media_type = detect_media_type(data, name)
        return parser_for(media_type)(data, name, limits)
    except IngestError as exc:
        return Parsed(media_type=media_type, status=exc.status, reason=str(exc))
    except Exception as exc:  # a parser bug must not stop the batch or lose the file
        log.exception("unexpected error reading %s", name)
        return Parsed(media_type=media_type, status="failed",
                      reason=f"could not be read ({type(exc).__name__}: {exc}); "
                      "the original is kept")


def derive(parsed: Parsed) -> Prepared:
    if parsed.status == "failed":
        return Prepared(parsed, None, None, None)
    return Prepared(
        parsed=parsed,
        language=detect_language(parsed.text) if parsed.text else None,
        text_sha256=sha256_bytes(parsed.text.encode("utf-8")),
        signature=neardup.sign(parsed.text),
    )


def prepare(data: bytes, name: str, limits: Limits) -> Prepared:
    """Parse and derive: everything about one original that needs no archive."""
    return derive(parse(data, name, limits))


_WARM_UP_PAGE = (
    b"<html><head><title>Warm-up</title></head><body><article><p>This page is parsed "
    b"once before the ingest workers start, so that they share the parser and the "
    b"near-duplicate hashing that the first page needs.</p></article>"
    b"</body></html>")


def warm_up(limits: Limits) -> None:
    """Prepare a small built-in page: imports the HTML parser's libraries and computes
    the MinHash permutations. Done before forking ingest workers, they inherit all of it
    instead of each paying for it on its first page."""
    prepare(_WARM_UP_PAGE, "warm-up.html", limits)


@dataclass
class ReadFile:
    """A file an ingest worker read, staged and prepared."""

    sha256: str
    size: int
    prepared: Prepared


def prepare_files(paths: list[Path], limits: Limits, staging_dir: Path, objects_dir: Path,
                  *, sync: bool = True) -> list[ReadFile | None]:
    """Read, hash, stage and :func:`prepare` each file, in an ingest worker.

    Staging here means originals are written (and synced, unless ``sync`` is False and
    the writer syncs the staging area itself) in parallel with parsing, and the bytes
    never travel between processes. None for a file the main process must
    take itself: unreadable, a container (its members need the database), or bytes
    already in the object store (a duplicate, recorded as such without parsing).
    """
    out: list[ReadFile | None] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            out.append(None)
            continue
        digest = sha256_bytes(data)
        if is_container(data, path.name) or object_path(objects_dir, digest).exists():
            out.append(None)
            continue
        stage_file(staging_dir, digest, data, sync=sync)
        out.append(ReadFile(digest, len(data), prepare(data, path.name, limits)))
    return out


def is_container(data: bytes, name: str) -> bool:
    """True for formats whose members become child documents."""
    try:
        return detect_media_type(data, name) in CONTAINERS
    except IngestError:
        return False
