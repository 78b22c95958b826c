"""The library API. The CLI and the web application call these and nothing deeper.

Every function takes ``archive``: an open :class:`Archive`, a path, or None for
``$SILLOK_ARCHIVE`` / ``./sillok-archive``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .exc import AmbiguousDocument, ArchiveError, DocumentNotFound, SchemaError
from .ids import sha256_bytes
from .ingest.base import Limits, Parsed
from .ingest.pipeline import IngestReport, ItemResult, ingest_paths
from .ingest.registry import parser_for
from .settings import Settings, load_settings
from .store import custody, extractions, queries
from .store.archive import Archive, open_archive
from .store.verify import VerifyReport, verify_archive

ArchiveRef = Archive | Settings | str | os.PathLike[str] | None


def get_archive(archive: ArchiveRef = None, *, create: bool = False, **overrides: Any) -> Archive:
    """An open archive from whatever the caller holds."""
    if isinstance(archive, Archive):
        return archive
    settings = archive if isinstance(archive, Settings) else load_settings(archive, **overrides)
    return open_archive(settings, create=create)


def init_archive(path: ArchiveRef = None, **overrides: Any) -> Archive:
    """Create an archive folder (or open the one there) with an up-to-date schema."""
    archive = get_archive(path, create=True, **overrides)
    with archive.writer() as conn:
        if custody.count(conn) == 0:
            archive.log_event(conn, "init", "archive", str(archive.root), None,
                              {"database": archive.engine.dialect.name})
    return archive


def ingest_path(*paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
                archive: ArchiveRef = None, on_start: Callable[[int], None] | None = None,
                on_item: Callable[[ItemResult], None] | None = None,
                max_file_size: int | str | None = None) -> IngestReport:
    """Ingest files, folders, zips, mailboxes and web archives; return per-file outcomes."""
    flat: list[str | os.PathLike[str]] = []
    for path in paths:
        if isinstance(path, (str, os.PathLike)):
            flat.append(path)
        else:
            flat.extend(path)
    opened = init_archive(archive)
    if max_file_size is not None:
        opened = Archive(opened.settings.with_overrides(max_file_size=max_file_size),
                         opened.engine)
    return ingest_paths(opened, flat, on_start=on_start, on_item=on_item)


def list_documents(archive: ArchiveRef = None, *, status: str | None = None,
                   limit: int | None = None) -> list[dict[str, Any]]:
    with get_archive(archive).reader() as conn:
        return queries.list_documents(conn, status=status, limit=limit)


def problem_items(archive: ArchiveRef = None, *, status: str | None = None
                  ) -> list[dict[str, Any]]:
    """Files and members that failed, were skipped or too large, or were kept with a
    warning: their ``items`` rows from each source's latest run, with status and reason."""
    with get_archive(archive).reader() as conn:
        return queries.problem_items(conn, status=status)


def resolve_document(ref: str, archive: ArchiveRef = None) -> str:
    with get_archive(archive).reader() as conn:
        return queries.resolve(conn, ref)


def show_document(ref: str, archive: ArchiveRef = None) -> dict[str, Any]:
    """Metadata, status, sources, parents, children and near-duplicates of one document."""
    with get_archive(archive).reader() as conn:
        return queries.show_document(conn, queries.resolve(conn, ref))


def document_text(ref: str, archive: ArchiveRef = None) -> str:
    """The clean text that extraction and search work on (empty when there is none)."""
    with get_archive(archive).reader() as conn:
        row = queries.current_text(conn, queries.resolve(conn, ref))
    return "" if row is None else str(row["text"])


def text_of(ref: str, archive: ArchiveRef = None) -> tuple[str, bool]:
    """The clean text of ``ref`` and whether it came from the archive.

    An archive document that matches ``ref`` (id, id prefix or ingested path) always wins,
    so ``text`` and ``show`` agree; only when nothing in the archive matches (or there is
    no archive) is a local file of that name parsed directly.
    """
    try:
        return document_text(ref, archive), True
    except AmbiguousDocument:
        raise
    except (DocumentNotFound, ArchiveError) as exc:
        if isinstance(exc, SchemaError) or not Path(ref).is_file():
            raise
    return parse_file(ref).text, False


def original_bytes(ref: str, archive: ArchiveRef = None) -> bytes:
    opened = get_archive(archive)
    with opened.reader() as conn:
        doc_id = queries.resolve(conn, ref)
    return opened.read_original(doc_id)


def verify(archive: ArchiveRef = None) -> VerifyReport:
    """Re-hash every original, check the custody log, and record the check."""
    return verify_archive(get_archive(archive))


def custody_log(ref: str | None = None, archive: ArchiveRef = None) -> list[dict[str, Any]]:
    """Custody entries in order: all of them, or those about one document."""
    with get_archive(archive).reader() as conn:
        doc_id = queries.resolve(conn, ref) if ref else None
        return custody.events(conn, doc_id)


def archive_path(archive: ArchiveRef = None) -> Path:
    return get_archive(archive).root


def parse_file(path: str | os.PathLike[str], *, archive_settings: Settings | None = None
               ) -> Parsed:
    """Read a file outside any archive exactly as ``ingest`` would: media type, clean text."""
    from .ingest.base import detect_media_type
    from .ingest.language import detect_language

    settings = archive_settings or load_settings()
    data = Path(path).read_bytes()
    limits = Limits(settings.max_file_size, settings.max_expansion, settings.max_members,
                    settings.max_depth)
    name = Path(path).name
    parsed = parser_for(detect_media_type(data, name))(data, name, limits)
    parsed.metadata["language"] = detect_language(parsed.text)
    parsed.metadata["sha256"] = sha256_bytes(data)
    return parsed


def extract_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Extraction JSON for a file given directly (no archive); ``document`` is the path."""
    from .extract import extract_text

    parsed = parse_file(path)
    return extract_text(parsed.text, document=os.fspath(path), sha256=parsed.metadata["sha256"],
                        language=parsed.metadata.get("language"), title=parsed.title,
                        published=parsed.published, publisher=parsed.publisher)


def extract(refs: Iterable[str] | None = None, archive: ArchiveRef = None,
            on_document: Callable[[str, bool], None] | None = None) -> dict[str, int]:
    """Run the extractor over documents (all when ``refs`` is None) and store the output.

    Idempotent: a document whose text and extractor version are unchanged is skipped.
    Returns counts: ``extracted``, ``unchanged``, ``skipped`` (no text).
    """
    from .extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, extract_text

    opened = get_archive(archive)
    extractor = f"{EXTRACTOR_NAME}@{EXTRACTOR_VERSION}"
    with opened.reader() as conn:
        ids = [queries.resolve(conn, r) for r in refs] if refs is not None else \
            [d["id"] for d in queries.list_documents(conn)]
    counts = {"extracted": 0, "unchanged": 0, "skipped": 0}
    for doc_id in ids:
        with opened.reader() as conn:
            doc = queries.show_document(conn, doc_id)
            text = queries.current_text(conn, doc_id)
            previous = extractions.existing(conn, doc_id, extractor)
        if text is None or not text["text"].strip():
            counts["skipped"] += 1
            continue
        if previous and previous["current"] and previous["text_sha256"] == text["text_sha256"]:
            counts["unchanged"] += 1
            if on_document:
                on_document(doc_id, False)
            continue
        output = extract_text(text["text"], document=doc["original_name"], sha256=doc_id,
                              language=doc["language"], title=doc["title"],
                              published=doc["published"], publisher=doc["publisher"])
        with opened.writer() as conn:
            changed = extractions.save_extraction(
                conn, doc_id=doc_id, extractor=extractor, text_sha256=text["text_sha256"],
                output=output, actor=opened.settings.actor)
        counts["extracted" if changed else "unchanged"] += 1
        if on_document:
            on_document(doc_id, changed)
    return counts


def extraction(ref: str, archive: ArchiveRef = None) -> dict[str, Any]:
    """The stored extraction JSON of one document (the current version)."""
    with get_archive(archive).reader() as conn:
        doc_id = queries.resolve(conn, ref)
        row = extractions.current_extraction(conn, doc_id)
    if row is None:
        raise DocumentNotFound(f"document {doc_id[:12]} has not been extracted yet: run "
                               "`sillok extract` first")
    output: dict[str, Any] = row["output"]
    return output
