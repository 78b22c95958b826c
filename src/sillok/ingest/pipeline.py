"""The ingest pipeline: walk, read, identify, parse, store, record.

Every file and every member of a container ends as one ``items`` row with a
status and, when it is not ``ok``, a reason a person can act on. One bad file
never stops the batch; only a failure of the archive itself (disk full, database
gone) does.

Order of writes for one document, chosen so that ``kill -9`` at any point leaves
an archive that verifies clean and a re-run completes it without duplicates:
the original goes to staging and onto the disk (a worker's originals with one syncfs
per batch, where Linux has it); one transaction records the document, its text,
its near-duplicate links, the item and the custody event; the original moves
into the object store; then its children follow, and the parent is marked
complete. A parent left incomplete is re-parsed on the next run.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from ..__about__ import __version__
from ..ids import sha256_bytes
from ..store import custody
from ..store.archive import Archive
from ..store.tables import (
    document_links,
    documents,
    items,
    runs,
    texts,
)
from . import neardup
from .base import Child, Limits, Parsed
from .prepare import (
    Prepared,
    ReadFile,
    is_container,
    parse,
    prepare,
    prepare_files,
    warm_up,
)
from .similar import NearDuplicateIndex
from .textmeta import is_banner

log = logging.getLogger(__name__)

BATCH = 64  # documents per transaction on the batched path
CHUNK = 8  # files per job handed to a worker
# Jobs queued ahead of the writer, within a budget of file bytes: enough that the
# workers keep parsing while the writer spends a few hundred milliseconds writing
# near-duplicate band rows (at 10,000 pages, 6 jobs left the two cores 89-92% busy and
# 24 left them 95%).
IN_FLIGHT = 24
IN_FLIGHT_BYTES = 64 << 20
POOL_MIN_FILES = 32
MAX_WORKERS = 8

OK, FAILED, NEEDS_OCR, DUPLICATE, TOO_LARGE, SKIPPED = (
    "ok", "failed", "needs-ocr", "skipped-duplicate", "too-large", "skipped")
PROBLEM_STATUSES = (FAILED, TOO_LARGE)


@dataclass
class ItemResult:
    """What happened to one file or member."""

    source: str
    status: str
    reason: str | None = None
    document_id: str | None = None
    size: int | None = None
    parent_id: str | None = None


@dataclass
class IngestReport:
    """The outcome of one ``ingest`` run."""

    run_id: int
    items: list[ItemResult] = field(default_factory=list)
    elapsed: float = 0.0
    bytes_read: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(item.status for item in self.items))

    @property
    def problems(self) -> list[ItemResult]:
        return [item for item in self.items if item.status in PROBLEM_STATUSES]

    @property
    def warnings(self) -> list[ItemResult]:
        """Items kept (status ok) with a note a person should see, e.g. an unsafe name."""
        return [item for item in self.items if item.status == OK and item.reason]

    @property
    def documents_per_second(self) -> float:
        return len(self.items) / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "counts": self.counts,
            "total": len(self.items),
            "elapsed_seconds": round(self.elapsed, 3),
            "documents_per_second": round(self.documents_per_second, 2),
            "megabytes_per_second": round(self.bytes_read / 1e6 / self.elapsed, 3)
            if self.elapsed else 0.0,
            "problems": [{"source": i.source, "status": i.status, "reason": i.reason}
                         for i in self.problems],
            "warnings": [{"source": i.source, "reason": i.reason} for i in self.warnings],
        }


def _human(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def collect_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, Path | None,
                                                                              str | None]]:
    """(source, path, reason-to-skip) for every file under ``paths``, in a stable order.

    Paths named on the command line are followed even when they are links; links
    met inside a folder are never followed, so nothing outside the tree is read.
    """
    for given in paths:
        source = os.fspath(given)
        path = Path(source)
        if path.is_dir():
            yield from _folder_files(str(path))  # named as pathlib names them
        elif path.is_file():
            yield source, path, None
        elif path.exists() or path.is_symlink():
            yield source, None, "not a regular file, or a link to nothing"
        else:
            yield source, None, "no such file or folder"


def _folder_files(folder: str) -> Iterator[tuple[str, Path | None, str | None]]:
    """:func:`collect_files` for one folder: its files by name (then links to folders),
    then each subfolder by name. Types come from the folder listing (no system call per
    file where the file system gives them), and a folder that cannot be listed is
    passed over, as os.walk does."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return
    subfolders: list[os.DirEntry[str]] = []
    linked_folders: list[os.DirEntry[str]] = []
    for entry in entries:
        if entry.is_dir():  # follows links: a link to a folder is listed, not entered
            (linked_folders if entry.is_symlink() else subfolders).append(entry)
            continue
        yield _member(entry)
    for entry in linked_folders:
        yield _member(entry)
    for entry in subfolders:
        yield from _folder_files(entry.path)


def _member(entry: os.DirEntry[str]) -> tuple[str, Path | None, str | None]:
    if entry.is_symlink():
        return (entry.path, None, f"symbolic link to {os.readlink(entry.path)}: not followed "
                "(links inside a folder are never followed)")
    if entry.is_file():
        return entry.path, Path(entry.path), None
    return entry.path, None, "not a regular file (device, socket or pipe)"


_Queued = tuple[str, Path, int]  # source, path, size of a file waiting for a worker


@dataclass
class _Entry:
    """One original on its way into the archive, with what its item will say."""

    result: ItemResult
    name: str
    ready: Prepared
    member: str | None = None
    child_meta: dict[str, Any] | None = None


class Ingester:
    """Runs one batch against an open archive."""

    def __init__(self, archive: Archive, on_item: Callable[[ItemResult], None] | None = None
                 ) -> None:
        self.archive = archive
        settings = archive.settings
        self.limits = Limits(settings.max_file_size, settings.max_expansion,
                             settings.max_members, settings.max_depth)
        self.on_item = on_item
        self.report = IngestReport(run_id=0)
        self.similar = NearDuplicateIndex()
        self.run_id = 0
        self.pool: Executor | None = None
        # files waiting for a worker, and the workers' chunks in input order
        self._chunk: list[_Queued] = []
        self._window: deque[tuple[list[_Queued], Future[list[ReadFile | None]]]] = deque()
        self._window_bytes = 0
        # stored together in the next transaction
        self._batch: list[tuple[_Entry, bytes | Path]] = []
        self._batch_shas: set[str] = set()

    # -- run bookkeeping ------------------------------------------------------------------

    def start(self, arguments: dict[str, Any]) -> None:
        with self.archive.writer() as conn:
            key = conn.execute(runs.insert().values(
                command="ingest", actor=self.archive.settings.actor,
                started_at=custody.utc_now(), tool_version=__version__, arguments=arguments,
            )).inserted_primary_key
            assert key is not None
            self.run_id = int(key[0])
        self.report.run_id = self.run_id

    def finish(self) -> None:
        with self.archive.writer() as conn:
            conn.execute(update(runs).where(runs.c.id == self.run_id).values(
                finished_at=custody.utc_now(), summary=self.report.as_dict()))

    def _record(self, result: ItemResult, *, top_level: bool) -> ItemResult:
        self.report.items.append(result)
        if top_level and self.on_item:
            self.on_item(result)
        return result

    def _item_rows(self, conn: Connection, results: list[ItemResult]) -> None:
        now = custody.utc_now()
        conn.execute(items.insert(), [dict(
            run_id=self.run_id, source=result.source, parent_id=result.parent_id,
            document_id=result.document_id, status=result.status, reason=result.reason,
            size=result.size, at=now) for result in results])

    def _note(self, result: ItemResult, *, top_level: bool = True) -> ItemResult:
        """Record an item that stores nothing (too large, unreadable, skipped)."""
        with self.archive.writer() as conn:
            self._item_rows(conn, [result])
        return self._record(result, top_level=top_level)

    # -- files ----------------------------------------------------------------------------

    def ingest_file(self, source: str, path: Path | None, skip: str | None
                    ) -> ItemResult | None:
        """Ingest one file; None when it was queued for the next batch."""
        if path is None:
            self.drain()
            return self._note(ItemResult(source, SKIPPED if "link" in (skip or "") or
                                         "regular" in (skip or "") else FAILED, skip))
        try:
            size = path.stat().st_size
        except OSError as exc:
            self.drain()
            return self._note(ItemResult(source, FAILED, f"cannot read: {exc.strerror}"))
        limit = self.limits.max_file_size
        if size > limit:
            self.drain()
            return self._note(ItemResult(
                source, TOO_LARGE, f"{_human(size)} is over the {_human(limit)} size limit: "
                "raise it with --max-size (or max_file_size in sillok.toml) to ingest it",
                size=size))
        if size == 0:
            self.drain()
            return self._note(ItemResult(source, FAILED, "empty file (0 bytes): nothing to keep",
                                         size=0))
        if self.pool is not None:
            self._submit(source, path, size)
            return None
        return self._read(source, path, size)

    def _read(self, source: str, path: Path, size: int) -> ItemResult | None:
        """Read one file in this process and ingest it, or queue it for the next batch."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.drain()
            return self._note(ItemResult(source, FAILED, _unreadable(exc), size=size))
        self.report.bytes_read += len(data)
        if not is_container(data, path.name):
            sha = sha256_bytes(data)
            if sha not in self._batch_shas and not self.archive.has_object(sha):
                self.archive.stage(data, sha)
                self._add(source, sha, len(data), path.name,
                          prepare(data, path.name, self.limits), data)
                return None
        self.drain()  # keep the report in input order
        return self.ingest_bytes(source, data, name=path.name)

    # -- the batched path for top-level files ---------------------------------------------

    def _submit(self, source: str, path: Path, size: int) -> None:
        """Hand ``path`` to the workers, CHUNK files at a time, IN_FLIGHT chunks (at most
        IN_FLIGHT_BYTES of files, or one chunk) ahead."""
        self._chunk.append((source, path, size))
        if len(self._chunk) < CHUNK:
            return
        self._send_chunk()
        while len(self._window) > IN_FLIGHT or (
                self._window_bytes > IN_FLIGHT_BYTES and len(self._window) > 1):
            self._take_chunk()

    def _send_chunk(self) -> None:
        chunk, self._chunk = self._chunk, []
        if not chunk:
            return
        assert self.pool is not None
        self.archive.staging_dir.mkdir(parents=True, exist_ok=True)
        self._window_bytes += sum(size for _source, _path, size in chunk)
        self._window.append((chunk, self.pool.submit(
            prepare_files, [path for _source, path, _size in chunk], self.limits,
            self.archive.staging_dir, self.archive.objects_dir,
            sync=not self.archive.syncs_staging_per_batch)))

    def _take_chunk(self) -> None:
        chunk, job = self._window.popleft()
        self._window_bytes -= sum(size for _source, _path, size in chunk)
        for (source, path, size), read in zip(chunk, job.result(), strict=True):
            if read is None or read.sha256 in self._batch_shas or self.archive.has_object(
                    read.sha256):
                self._in_order(source, path, size)
            else:
                self.report.bytes_read += read.size
                self._add(source, read.sha256, read.size, path.name, read.prepared, path)

    def _in_order(self, source: str, path: Path, size: int) -> None:
        """Ingest, here and now, a file the workers left to this process (unreadable, a
        container, or bytes already stored): everything before it is stored first."""
        self.flush()
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._note(ItemResult(source, FAILED, _unreadable(exc), size=size))
            return
        self.report.bytes_read += len(data)
        self.ingest_bytes(source, data, name=path.name)

    def _add(self, source: str, sha: str, size: int, name: str, ready: Prepared,
             origin: bytes | Path) -> None:
        """Queue a staged, prepared original for the next transaction."""
        entry = _Entry(self._result(source, sha, size, ready, None, None), name, ready)
        self._batch.append((entry, origin))
        self._batch_shas.add(sha)
        if len(self._batch) >= BATCH:
            self.flush()

    def drain(self) -> None:
        """Finish everything queued: the workers' chunks and the open batch."""
        self._send_chunk()
        while self._window:
            self._take_chunk()
        self.flush()

    def settle(self) -> None:
        """Write the near-duplicate band rows still waiting (see :mod:`.similar`)."""
        if self.similar.unsettled:
            with self.archive.writer() as conn:
                self.similar.settle(conn)

    def flush(self) -> None:
        """Store the open batch in one transaction, then publish its originals."""
        batch, self._batch, self._batch_shas = self._batch, [], set()
        if not batch:
            return
        # the workers' originals, on disk before their rows commit
        self.archive.sync_staging([entry.result.document_id or "" for entry, origin in batch
                                   if isinstance(origin, Path)])
        try:
            with self.archive.writer() as conn:
                self._store(conn, [entry for entry, _origin in batch])
        except IntegrityError:
            # Something in the batch appeared meanwhile: fall back to one at a time,
            # which records it as a duplicate.
            self.similar.forget()  # it remembered signatures that were rolled back
            for entry, origin in batch:
                data = origin if isinstance(origin, bytes) else origin.read_bytes()
                self.ingest_bytes(entry.result.source, data, name=entry.name,
                                  prepared=entry.ready)
            return
        for entry, _origin in batch:
            self.archive.publish(entry.result.document_id or "")
            self._after_store(entry.result, entry.ready, 0, top_level=True)

    # -- bytes ----------------------------------------------------------------------------

    def _existing(self, sha: str) -> Any:
        with self.archive.reader() as conn:
            return conn.execute(select(documents.c.id, documents.c.children_complete)
                                .where(documents.c.id == sha)).first()

    def ingest_bytes(self, source: str, data: bytes, *, name: str, parent_id: str | None = None,
                     member: str | None = None, child_meta: dict[str, Any] | None = None,
                     depth: int = 0, prepared: Prepared | None = None) -> ItemResult:
        """Store ``data`` (from ``source``) as a document, or record it as a duplicate.

        Used for containers, their members and anything the batched path cannot take.
        """
        top = parent_id is None
        sha = sha256_bytes(data)
        existing = self._existing(sha)
        if existing is not None:
            result = self._duplicate(source, sha, len(data), parent_id, member, child_meta)
            self._record(result, top_level=top)
            if not existing.children_complete:
                self._children(source, sha, parse(data, name, self.limits), depth)
            return result
        ready = prepared or prepare(data, name, self.limits)
        result = self._result(source, sha, len(data), ready, parent_id, child_meta)
        self.archive.stage(data, sha)
        try:
            with self.archive.writer() as conn:
                self._store(conn, [_Entry(result, name, ready, member, child_meta)])
        except IntegrityError:
            # Another process stored the same bytes a moment ago.
            self.similar.forget()
            result = self._duplicate(source, sha, len(data), parent_id, member, child_meta)
            return self._record(result, top_level=top)
        self.archive.publish(sha)
        self._after_store(result, ready, depth, top_level=top)
        return result

    def _result(self, source: str, sha: str, size: int, ready: Prepared, parent_id: str | None,
                child_meta: dict[str, Any] | None) -> ItemResult:
        parsed = ready.parsed
        # a disclaimer or site banner is never a title or a publisher, whatever the format
        if parsed.title and is_banner(parsed.title):
            parsed.title = None
        if parsed.publisher and is_banner(parsed.publisher):
            parsed.publisher = None
        reason = parsed.reason
        if child_meta:
            # A WARC's capture time stays ``captured_at``: it is when the page was seen,
            # not when it was published.
            parsed.url = parsed.url or child_meta.get("url")
            parsed.metadata = {**child_meta, **parsed.metadata}
            if reason is None and parsed.status == OK:
                # kept safely, so a warning on the item (e.g. an unsafe member name), not a
                # failure
                reason = child_meta.get("warning")
        return ItemResult(source, parsed.status, reason, sha, size, parent_id)

    def _after_store(self, result: ItemResult, ready: Prepared, depth: int, *,
                     top_level: bool) -> None:
        self._record(result, top_level=top_level)
        sha = result.document_id or ""
        for warning in ready.parsed.warnings:
            self._note(ItemResult(result.source, FAILED, warning, parent_id=sha),
                       top_level=False)
        self._children(result.source, sha, ready.parsed, depth)

    def _duplicate(self, source: str, sha: str, size: int, parent_id: str | None,
                   member: str | None, child_meta: dict[str, Any] | None) -> ItemResult:
        result = ItemResult(source, DUPLICATE, "the same bytes are already in the archive as "
                            f"document {sha[:12]}", sha, size, parent_id)
        with self.archive.writer() as conn:
            self._item_rows(conn, [result])
            if parent_id is not None and member is not None:
                self._link(conn, parent_id, sha, member, child_meta)
            self.archive.log_event(conn, "ingest", "document", sha, sha, {
                "source": source, "duplicate": True, "run": self.run_id, "parent": parent_id})
        return result

    def _link(self, conn: Connection, parent_id: str, child_id: str, member: str,
              child_meta: dict[str, Any] | None) -> None:
        exists = conn.execute(select(document_links.c.child_id).where(
            document_links.c.parent_id == parent_id, document_links.c.child_id == child_id,
            document_links.c.member == member)).first()
        if exists is None:
            conn.execute(document_links.insert().values(
                parent_id=parent_id, child_id=child_id, member=member,
                metadata=child_meta or {}))

    def _store(self, conn: Connection, entries: list[_Entry]) -> None:
        """Record ``entries`` as documents: one statement per table, in input order."""
        now = custody.utc_now()
        document_rows, text_rows, events = [], [], []
        signed: list[tuple[str, neardup.Signature]] = []
        for entry in entries:
            parsed, result, sha = entry.ready.parsed, entry.result, entry.result.document_id
            assert sha is not None
            encoding = parsed.metadata.pop("encoding", None)
            document_rows.append(dict(
                id=sha, size=result.size, media_type=parsed.media_type, status=parsed.status,
                reason=parsed.reason, original_name=entry.name, title=parsed.title,
                author=parsed.author, publisher=parsed.publisher, published=parsed.published,
                url=parsed.url, language=entry.ready.language, encoding=encoding,
                metadata={**parsed.metadata,
                          **({"pages": len(parsed.pages)} if parsed.pages else {})},
                ingested_at=now, children_complete=not parsed.children))
            text_sha = entry.ready.text_sha256
            extractor = f"{parsed.media_type.split('/')[-1]}@sillok-{__version__}"
            if text_sha is not None:
                text_rows.append(dict(
                    document_id=sha, extractor=extractor, text=parsed.text,
                    text_sha256=text_sha, pages=[list(p) for p in parsed.pages], created_at=now,
                    current=True))
                if entry.ready.signature is not None:
                    signed.append((sha, entry.ready.signature))
            events.append(custody.Event("ingest", "document", sha, sha, {
                "source": result.source, "run": self.run_id, "status": parsed.status,
                "media_type": parsed.media_type, "parent": result.parent_id,
                "text_sha256": text_sha, "text_extractor": extractor if text_sha else None}))
        conn.execute(documents.insert(), document_rows)
        if text_rows:
            conn.execute(texts.insert(), text_rows)
        if signed:
            self.similar.record(conn, signed)
        self._item_rows(conn, [entry.result for entry in entries])
        for entry in entries:
            if entry.result.parent_id is not None and entry.member is not None:
                self._link(conn, entry.result.parent_id, entry.result.document_id or "",
                           entry.member, entry.child_meta)
        self.archive.log_events(conn, events)

    def _children(self, source: str, sha: str, parsed: Parsed, depth: int) -> None:
        if not parsed.children:
            return
        for child in parsed.children:
            self._child(source, sha, child, depth)
        with self.archive.writer() as conn:
            conn.execute(update(documents).where(documents.c.id == sha)
                         .values(children_complete=True))

    def _child(self, source: str, parent_id: str, child: Child, depth: int) -> None:
        child_source = f"{source}!{child.name}"
        if depth + 1 > self.limits.max_depth:
            self._note(ItemResult(child_source, FAILED, f"nested more than "
                                  f"{self.limits.max_depth} containers deep: not unpacked",
                                  parent_id=parent_id), top_level=False)
            return
        if len(child.data) > self.limits.max_file_size:
            self._note(ItemResult(child_source, TOO_LARGE, f"{_human(len(child.data))} is over "
                                  f"the {_human(self.limits.max_file_size)} size limit",
                                  size=len(child.data), parent_id=parent_id), top_level=False)
            return
        if not child.data:
            self._note(ItemResult(child_source, FAILED, "empty member (0 bytes): nothing to keep",
                                  size=0, parent_id=parent_id), top_level=False)
            return
        name = child.name.rstrip("/").rsplit("/", 1)[-1] or "member"
        if "html" in str(child.metadata.get("content_type", "")) and "." not in name:
            name += ".html"  # a captured web page named by its URL
        self.ingest_bytes(child_source, child.data, name=name,
                          parent_id=parent_id, member=child.name, child_meta=child.metadata,
                          depth=depth + 1)


def _unreadable(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied: the file cannot be read; fix its permissions and ingest it again"
    return f"cannot read: {exc.strerror}"


def _die_with_parent() -> None:
    """In a pool worker: ask Linux to kill it when the ingest process dies, so that a
    ``kill -9`` of ``sillok ingest`` leaves no orphaned workers behind."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _worker_count(files: int, configured: int) -> int:
    """Parse in a process pool only when the batch is big enough to repay starting it."""
    if files < POOL_MIN_FILES:
        return 0
    # By default one more worker than cores: while one waits (reading a file, syncing its
    # original where there is no syncfs, handing its results over), another parses. On 2
    # cores with syncfs, 2 and 3 workers measured the same (December 2026).
    return min(MAX_WORKERS, configured or (os.cpu_count() or 1) + 1)


def ingest_paths(archive: Archive, paths: Iterable[str | os.PathLike[str]], *,
                 on_start: Callable[[int], None] | None = None,
                 on_item: Callable[[ItemResult], None] | None = None) -> IngestReport:
    """Ingest files and folders into ``archive`` and return what happened to each."""
    started = time.perf_counter()
    paths = list(paths)
    files = list(collect_files(paths))
    if on_start:
        on_start(len(files))
    ingester = Ingester(archive, on_item)
    ingester.start({"paths": [os.fspath(p) for p in paths]})
    workers = _worker_count(len(files), archive.settings.workers)
    with ExitStack() as stack:
        stack.enter_context(archive.ingest_lock())
        if workers > 1:
            warm_up(ingester.limits)
            # Forked workers share the parent's objects until the garbage collector
            # walks them (touching each one copies its memory page): frozen objects are
            # never walked. Unfrozen once the pool is gone.
            gc.freeze()
            stack.callback(gc.unfreeze)
            # fork: workers inherit the imported parsers and start at once. Safe here
            # because the pipeline runs no threads (the CLI's progress bar refreshes
            # from the main thread) and workers never touch the database.
            context = multiprocessing.get_context("fork")
            ingester.pool = stack.enter_context(
                ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                    initializer=_die_with_parent))
        for source, path, skip in files:
            ingester.ingest_file(source, path, skip)
        if ingester.pool is not None:
            # band rows of what is stored so far while the workers finish their chunks,
            # so that only the last chunks' rows are written after them
            ingester.settle()
        ingester.drain()
        ingester.settle()
    ingester.report.elapsed = time.perf_counter() - started
    ingester.finish()
    return ingester.report
