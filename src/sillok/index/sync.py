"""Keeping the index in step with the archive, incrementally and deterministically.

The index holds, per document, the text and extraction it was built from
(``index_state``). :func:`refresh` compares that with the archive's current texts
and extractions and re-indexes exactly the documents that differ, in id order,
removing those that are gone. A cheap check comes first: every ingest and
extraction appends to the custody log, so when the log's newest entry is the one
seen at the last refresh nothing can have changed and the refresh costs one query.

The full-text engine commits before the database records the new state, so a
process killed in between only makes the next refresh redo those documents.

Last, the independent sources of every violation × facility fact that a changed
document supports (or supported) are recounted into ``index_facts``
(:mod:`.corroboration`), so dossiers read counts instead of computing them.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, select

from ..kb import load_kb
from ..store import custody
from ..store.archive import Archive
from ..store.tables import custody_events, documents, extractions, items, texts
from .copies import update_copy_groups
from .corroboration import Fact, facts_of, update_fact_summaries
from .engine import FullTextIndex, IndexBusy
from .facts import DocFacts, DocInput, derive
from .tables import (
    DERIVED_TABLES,
    index_claims,
    index_documents,
    index_links,
    index_mentions,
    index_meta,
    index_quotes,
    index_state,
)

log = logging.getLogger(__name__)

FACTS_VERSION = 2
SUMMARIES_VERSION = "2"  # of index_facts; a new one recounts every fact, re-derives nothing
BATCH = 2000
_OPEN: dict[Path, FullTextIndex] = {}
_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class IndexReport:
    indexed: int = 0
    removed: int = 0
    unchanged: int = 0
    total: int = 0
    seconds: float = 0.0
    checked: bool = False  # False when the custody log showed nothing new

    def as_dict(self) -> dict[str, Any]:
        return {"indexed": self.indexed, "removed": self.removed, "unchanged": self.unchanged,
                "total": self.total, "seconds": round(self.seconds, 3),
                "checked": self.checked}


def fulltext(archive: Archive) -> FullTextIndex:
    """The archive's full-text index (opened once per process)."""
    folder = (archive.root / "index" / "fulltext").resolve()
    opened = _OPEN.get(folder)
    if opened is None or not folder.exists():
        opened = FullTextIndex(folder)
        _OPEN[folder] = opened
    return opened


def _meta(conn: Connection, key: str) -> str | None:
    value = conn.execute(select(index_meta.c.value).where(index_meta.c.key == key)).scalar()
    return None if value is None else str(value)


def _set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(delete(index_meta).where(index_meta.c.key == key))
    conn.execute(index_meta.insert().values(key=key, value=value))


def _head(conn: Connection) -> str:
    return str(conn.execute(select(func.max(custody_events.c.seq))).scalar() or 0)


def _candidates(conn: Connection, since: int) -> set[str] | None:
    """Documents named by custody events after ``since``; None when some event may
    concern a document without naming it (then every document is compared)."""
    found: set[str] = set()
    for object_type, object_id, details in conn.execute(
            select(custody_events.c.object_type, custody_events.c.object_id,
                   custody_events.c.details).where(custody_events.c.seq > since)):
        head = str(object_id)[:64]
        if _HEX.match(head):
            found.add(head)
        elif isinstance(details, dict) and isinstance(details.get("document"), str):
            found.add(details["document"])
        elif object_type in ("document", "text", "extraction"):
            return None
    return found


def _current(conn: Connection, ids: list[str] | None) -> dict[str, tuple[str, str]]:
    """(text sha-256, extraction sha-256 or "") of the current text and extraction.

    Filters on ``current`` in Python: given the column's index, SQLite would otherwise
    walk every current row for each document.
    """
    def rows(query: Any) -> Iterator[Any]:
        if ids is None:
            yield from conn.execute(query)
            return
        for start in range(0, len(ids), 500):
            yield from conn.execute(query.where(query.selected_columns[0].in_(
                ids[start:start + 500])))

    usable = {str(r[0]) for r in rows(select(documents.c.id, documents.c.status))
              if r[1] != "failed"}
    text_of = {str(r[0]): str(r[1]) for r in rows(
        select(texts.c.document_id, texts.c.text_sha256, texts.c.current)) if r[2]}
    output_of = {str(r[0]): str(r[1]) for r in rows(
        select(extractions.c.document_id, extractions.c.output_sha256, extractions.c.current))
        if r[2]}
    return {d: (text_of[d], output_of.get(d, "")) for d in sorted(usable) if d in text_of}


def refresh(archive: Archive, *, rebuild: bool = False, full: bool = False,
            on_progress: Callable[[int, int], None] | None = None) -> IndexReport:
    """Bring the index up to date with the archive.

    Only documents named in custody events since the last refresh are compared,
    unless ``full`` (compare every document) or ``rebuild`` (start from empty).
    """
    began = time.perf_counter()
    report = IndexReport()
    engine = fulltext(archive)
    rebuild = rebuild or engine.fresh
    with archive.reader() as conn:
        head = _head(conn)
        seen = _meta(conn, "custody_seq")
        version = _meta(conn, "facts_version")
        if version != str(FACTS_VERSION) or seen is None:
            full = True
        recount_all = rebuild or full or _meta(conn, "fact_summaries") != SUMMARIES_VERSION
        if not recount_all and seen == head:
            report.total = int(_meta(conn, "documents") or 0)
            report.seconds = time.perf_counter() - began
            return report
        report.checked = True
        candidates = None if rebuild or full else _candidates(conn, int(seen or 0))
        listed = sorted(candidates) if candidates is not None else None
        wanted = _current(conn, listed)
        state = select(index_state.c.document_id, index_state.c.text_sha256,
                       index_state.c.extraction_sha256, index_state.c.version)
        if listed is not None:
            have_rows = [r for start in range(0, len(listed), 500) for r in conn.execute(
                state.where(index_state.c.document_id.in_(listed[start:start + 500])))]
        else:
            have_rows = [] if rebuild else list(conn.execute(state))
        have = {str(r[0]): ((str(r[1]), str(r[2])), int(r[3])) for r in have_rows}
    todo = sorted(d for d, current in wanted.items() if have.get(d) != (current, FACTS_VERSION))
    gone = sorted(set(have) - set(wanted))
    report.unchanged = len(wanted) - len(todo)
    if rebuild:
        engine.write([], [], clear=True)
        with archive.writer() as conn:
            for table in DERIVED_TABLES:
                conn.execute(delete(table))
            # until the recount at the end, analysis counts from the links itself
            _set_meta(conn, "fact_summaries", "")
    dirty: set[Fact] = set()  # facts whose documents changed: recounted at the end
    if gone:
        engine.write([], gone)
        with archive.writer() as conn:
            dirty |= facts_of(conn, gone)
            _forget(conn, gone)
        report.removed = len(gone)
    kb = load_kb()
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        with archive.reader() as conn:
            derived = [derive(doc, kb) for doc in _inputs(conn, batch)]
        engine.write([d.engine for d in derived], [])
        with archive.writer() as conn:
            if not recount_all:
                dirty |= facts_of(conn, batch)
                dirty.update((link["facility"], link["violation"])
                             for d in derived for link in d.links)
            _forget(conn, batch)
            _store(conn, derived, wanted)
        report.indexed += len(derived)
        if on_progress:
            on_progress(report.indexed, len(todo))
    with archive.writer() as conn:
        if todo or gone or rebuild or full:
            regrouped = update_copy_groups(conn)
            if not recount_all:
                dirty |= facts_of(conn, regrouped)
        if recount_all or dirty:
            update_fact_summaries(conn, None if recount_all else dirty)
        _set_meta(conn, "fact_summaries", SUMMARIES_VERSION)
        _set_meta(conn, "custody_seq", head)
        _set_meta(conn, "facts_version", str(FACTS_VERSION))
        report.total = _count(conn)
        _set_meta(conn, "documents", str(report.total))
    engine.fresh = False
    report.seconds = time.perf_counter() - began
    log.info("index refreshed: %s", report.as_dict())
    return report


def refresh_before_reading(archive: Archive) -> IndexReport | None:
    """:func:`refresh`, except that a concurrent update elsewhere is waited out by reading
    the index as it stands (a warning is logged) rather than failing the search."""
    try:
        return refresh(archive)
    except IndexBusy as exc:
        log.warning("%s; searching the index as it stands", exc)
        return None


def _count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(index_state)).scalar() or 0)


def _forget(conn: Connection, ids: list[str]) -> None:
    for table in DERIVED_TABLES:
        for start in range(0, len(ids), 500):
            conn.execute(delete(table).where(table.c.document_id.in_(ids[start:start + 500])))


def _store(conn: Connection, derived: list[DocFacts],
           wanted: dict[str, tuple[str, str]]) -> None:
    now = custody.utc_now()
    rows: dict[Any, list[dict[str, Any]]] = {
        index_documents: [d.document for d in derived],
        index_mentions: [m for d in derived for m in d.mentions],
        index_links: [m for d in derived for m in d.links],
        index_quotes: [m for d in derived for m in d.quotes],
        index_claims: [m for d in derived for m in d.claims],
        index_state: [{"document_id": d.engine.id, "text_sha256": wanted[d.engine.id][0],
                       "extraction_sha256": wanted[d.engine.id][1], "version": FACTS_VERSION,
                       "indexed_at": now} for d in derived],
    }
    for table, values in rows.items():
        if values:
            conn.execute(table.insert(), values)


def _inputs(conn: Connection, ids: list[str]) -> Iterator[DocInput]:
    """Documents with their current text and extraction, in the order of ``ids``."""
    docs = {str(r.id): r for r in conn.execute(
        select(documents.c.id, documents.c.title, documents.c.publisher,
               documents.c.published, documents.c.language, documents.c.url,
               documents.c.original_name).where(documents.c.id.in_(ids)))}
    bodies = {str(r.document_id): r for r in conn.execute(
        select(texts.c.document_id, texts.c.text, texts.c.text_sha256, texts.c.current)
        .where(texts.c.document_id.in_(ids))) if r.current}
    outputs = {str(r.document_id): r for r in conn.execute(
        select(extractions.c.document_id, extractions.c.output, extractions.c.output_sha256,
               extractions.c.current)
        .where(extractions.c.document_id.in_(ids))) if r.current}
    first_seen = select(items.c.document_id, func.min(items.c.id).label("first")) \
        .where(items.c.document_id.in_(ids)).group_by(items.c.document_id).subquery()
    sources = {str(r.document_id): str(r.source) for r in conn.execute(
        select(items.c.document_id, items.c.source)
        .join(first_seen, items.c.id == first_seen.c.first))}
    for doc_id in ids:
        doc, body = docs.get(doc_id), bodies.get(doc_id)
        if doc is None or body is None:
            continue
        output = outputs.get(doc_id)
        yield DocInput(
            id=doc_id, text=str(body.text), text_sha256=str(body.text_sha256),
            title=doc.title, publisher=doc.publisher, published=doc.published,
            language=doc.language, path=doc.url or sources.get(doc_id) or doc.original_name,
            extraction=None if output is None else output.output,
            extraction_sha256="" if output is None else str(output.output_sha256))
