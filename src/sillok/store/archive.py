"""The archive folder: database, write-once originals, staging area and custody head.

Layout::

    ARCHIVE/
      sillok.db            SQLite database (unless a database URL is configured)
      sillok.toml          optional settings
      custody.head         hash of the newest custody-log entry
      audit.head           hash of the newest audit-log entry
      objects/ab/cd/<sha256>   originals, content-addressed, read-only
      staging/<sha256>     originals written but not yet committed

An original is written to staging, the database transaction that records it
commits, and only then is it moved into ``objects``. Opening an archive finishes
or discards whatever a killed process left in staging, so the database and the
object store always agree.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import logging
import os
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, select

from .. import audit
from ..exc import ArchiveError
from ..ids import sha256_bytes
from ..settings import Settings
from . import custody, db
from .tables import documents

log = logging.getLogger(__name__)

READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
# Ingest locks held by this process: lock file -> the thread holding it, and a thread
# lock per file, since POSIX record locks do not keep out this process's other threads
# (the web app ingests uploads on worker threads).
_HELD_LOCKS: dict[str, int] = {}
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def stage_file(staging_dir: Path, digest: str, data: bytes, *, sync: bool = True) -> None:
    """Write ``data`` to ``staging_dir/digest``, whole or not at all.

    With ``sync`` the file is on disk when this returns, and replaces any staged copy.
    Without it, the writer must call :meth:`Archive.sync_staging` before recording the
    original, and a copy already staged is kept: it may have been synced and be about to
    be published, and an unsynced copy must never take its place.

    Ingest workers call this too, so that originals are written in parallel with
    parsing; only the main process moves them into the object store.
    """
    final = staging_dir / digest
    tmp = staging_dir / f"{digest}.{os.getpid()}.partial"  # two workers may stage the same bytes
    with open(tmp, "wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())
    if sync:
        os.replace(tmp, final)
        return
    try:
        os.link(tmp, final)  # never replaces: the same bytes staged earlier are kept
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links: a synced copy may replace
        fsync_file(tmp)
        os.replace(tmp, final)
        return
    os.unlink(tmp)


def fsync_file(path: str | Path) -> None:
    """Put one file's contents on disk."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _load_libc() -> ctypes.CDLL | None:
    """The C library, for the Linux calls Python's os module lacks (syncfs, statfs)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _load_syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2): everything written to one file system, on disk in one call."""
    syncfs = getattr(_LIBC, "syncfs", None)
    if syncfs is None:
        return None
    syncfs.argtypes, syncfs.restype = [ctypes.c_int], ctypes.c_int
    return cast("Callable[[int], int]", syncfs)


_LIBC = _load_libc()
# An fsync per staged original cost an ingest worker about 0.5 ms of CPU per page, as
# much as a fifth of parsing it; one syncfs per batch of originals costs a fraction.
_SYNCFS = _load_syncfs()
# Local file systems whose syncfs waits for every file's data and reports write-back
# errors (from Linux 5.8): ext4, XFS, Btrfs, F2FS, by statfs magic number. Elsewhere
# (FUSE, network and overlay file systems, older kernels) each original is fsynced.
_SYNCFS_FILE_SYSTEMS = frozenset({0xEF53, 0x58465342, 0x9123683E, 0xF2F52010})
_SYNCFS_KERNEL = (5, 8)


class _StatFs(ctypes.Structure):
    # struct statfs begins with the file system type (a long on Linux); room for the rest
    _fields_ = [("f_type", ctypes.c_long), ("rest", ctypes.c_byte * 256)]


def _syncs_in_batches(folder: str) -> bool:
    """True when one syncfs of ``folder``'s file system is as safe as an fsync per file."""
    if _SYNCFS is None or _LIBC is None:
        return False
    try:
        release = tuple(int(part) for part in os.uname().release.split(".")[:2])
        info = _StatFs()
        if _LIBC.statfs(os.fsencode(folder), ctypes.byref(info)) != 0:
            return False
    except (AttributeError, ValueError):
        return False
    return release >= _SYNCFS_KERNEL and (info.f_type & 0xFFFFFFFF) in _SYNCFS_FILE_SYSTEMS


def object_path(objects_dir: Path, sha256: str) -> Path:
    """Where the original with this SHA-256 lives in an object store."""
    return objects_dir / sha256[:2] / sha256[2:4] / sha256


class Archive:
    """An open archive. Use :func:`open_archive` to get one."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.root = settings.archive
        self.engine = engine
        self.objects_dir = self.root / "objects"
        self.staging_dir = self.root / "staging"
        self.anchor_path = self.root / "custody.head"
        self.audit_anchor_path = self.root / audit.ANCHOR_FILE
        self._staging, self._objects = str(self.staging_dir), str(self.objects_dir)
        self._made_dirs: set[str] = set()
        self._per_batch: bool | None = None

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def writer(self) -> Iterator[Connection]:
        """A write transaction; the custody and audit head files are updated after it
        commits."""
        with db.transaction(self.engine, write=True) as conn:
            yield conn
            newest = custody.head(conn)
            newest_audit = audit.advance_anchor(conn, self.audit_anchor_path)
        if newest:
            custody.write_anchor(self.anchor_path, *newest)
        if newest_audit:
            custody.write_anchor(self.audit_anchor_path, *newest_audit)

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        with db.transaction(self.engine, write=False) as conn:
            yield conn

    def log_event(self, conn: Connection, action: str, object_type: str, object_id: str,
                  object_sha256: str | None, details: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
        """Append a custody event as the configured actor."""
        return custody.append_event(
            conn, action=action, object_type=object_type, object_id=object_id,
            object_sha256=object_sha256, actor=self.settings.actor, details=details,
        )

    def log_events(self, conn: Connection, events: list[custody.Event]) -> None:
        """Append several custody events, in order, as the configured actor."""
        custody.append_events(conn, events, actor=self.settings.actor)

    # -- originals ----------------------------------------------------------------------

    def object_path(self, sha256: str) -> Path:
        return object_path(self.objects_dir, sha256)

    def has_object(self, sha256: str) -> bool:
        return self.object_path(sha256).is_file()

    def stage(self, data: bytes, sha256: str | None = None) -> str:
        """Write ``data`` to staging (durably) and return its SHA-256."""
        digest = sha256 or sha256_bytes(data)
        if self.has_object(digest):
            return digest
        self._mkdir(self._staging)
        stage_file(self.staging_dir, digest, data)
        return digest

    @property
    def syncs_staging_per_batch(self) -> bool:
        """True when ingest workers stage originals without syncing each one, because
        :meth:`sync_staging` puts a whole batch on disk with one syncfs."""
        if self._per_batch is None:
            self._mkdir(self._staging)
            self._per_batch = _syncs_in_batches(self._staging)
        return self._per_batch

    def sync_staging(self, digests: list[str]) -> None:
        """Put the staged originals ``digests`` on disk before they are recorded: one
        syncfs where :attr:`syncs_staging_per_batch`, else (or if it fails) an fsync
        each. A no-op where they were synced as they were staged."""
        if not digests or not self.syncs_staging_per_batch:
            return
        folder = os.open(self._staging, os.O_RDONLY)
        try:
            if _SYNCFS is not None and _SYNCFS(folder) == 0:
                return
            log.warning("syncfs of %s failed (%s): syncing each staged original instead",
                        self._staging, os.strerror(ctypes.get_errno()))
        finally:
            os.close(folder)
        for digest in digests:
            try:
                fsync_file(os.path.join(self._staging, digest))
            except OSError as exc:
                raise ArchiveError(
                    f"cannot write the staged original {digest[:12]} in {self._staging} to "
                    f"disk ({exc.strerror}): check the disk (free space, errors in the "
                    "system log) and ingest again; nothing of this batch was recorded"
                ) from None

    def publish(self, sha256: str) -> None:
        """Move a committed original from staging into the object store, read-only."""
        # Plain strings: this runs for every original ingested, and pathlib's joins cost
        # as much as the system calls.
        staged = os.path.join(self._staging, sha256)
        folder = os.path.join(self._objects, sha256[:2], sha256[2:4])
        final = os.path.join(folder, sha256)
        if os.path.exists(final):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(staged)
            return
        try:
            os.chmod(staged, READ_ONLY)
        except FileNotFoundError:
            raise ArchiveError(f"original {sha256} is neither staged nor stored") from None
        self._mkdir(folder)
        os.replace(staged, final)

    def _mkdir(self, path: str) -> None:
        if path not in self._made_dirs:
            os.makedirs(path, exist_ok=True)
            self._made_dirs.add(path)

    def read_original(self, sha256: str) -> bytes:
        path = self.object_path(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise ArchiveError(
                f"the original of {sha256[:12]} is missing from {self.objects_dir}: "
                "run `sillok verify`"
            ) from None

    def stored_objects(self) -> Iterator[tuple[str, Path]]:
        """Every file in the object store, as (name, path)."""
        if not self.objects_dir.is_dir():
            return
        for dirpath, _dirs, files in os.walk(self.objects_dir):
            for name in files:
                yield name, Path(dirpath) / name

    @contextmanager
    def ingest_lock(self, *, wait: bool = True) -> Iterator[bool]:
        """Hold the staging lock: one ingest at a time, and no recovery while one runs.

        Yields False (without the lock) when ``wait`` is False and the lock is held, and
        inside a block of the same thread that holds it. A POSIX record lock between
        processes: released when the holder dies, and not inherited by the parser
        processes the ingest forks (which would otherwise keep it after a kill); and a
        thread lock between the threads of this process.
        """
        self._mkdir(self._staging)
        path = str(self.staging_dir / ".lock")
        if _HELD_LOCKS.get(path) == threading.get_ident():  # held further up this thread
            yield False
            return
        with _THREAD_LOCKS_GUARD:
            in_process = _THREAD_LOCKS.setdefault(path, threading.Lock())
        if not in_process.acquire(blocking=wait):
            yield False
            return
        try:
            with open(path, "a+b") as handle:
                try:
                    fcntl.lockf(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
                except OSError:
                    yield False
                    return
                _HELD_LOCKS[path] = threading.get_ident()
                try:
                    yield True
                finally:
                    del _HELD_LOCKS[path]
                    fcntl.lockf(handle, fcntl.LOCK_UN)
        finally:
            in_process.release()

    def recover(self) -> int:
        """Finish or discard what an interrupted process left in staging; return the count.

        Skipped while another process is ingesting: its staged originals are in use.
        """
        if not self.staging_dir.is_dir():
            return 0
        with self.ingest_lock(wait=False) as locked:
            return self._recover() if locked else 0

    def _recover(self) -> int:
        """Publish the staged originals whose documents committed, discard the rest.

        A staged copy still under its temporary name is published too when its
        document committed and its bytes hash right: it was synced before the commit,
        and only the rename to its final name was lost (a power cut).
        """
        staged = [p for p in self.staging_dir.iterdir()
                  if p.is_file() and not p.name.startswith(".")]
        if not staged:
            return 0
        with self.reader() as conn:
            names = sorted({p.name.split(".", 1)[0] for p in staged})
            committed = set(conn.execute(
                select(documents.c.id).where(documents.c.id.in_(names))
            ).scalars())
        for path in staged:
            digest = path.name.split(".", 1)[0]
            if path.name in committed:
                self.publish(path.name)
                log.info("recovered committed original %s from staging", path.name)
            elif (digest in committed and not self.has_object(digest)
                  and sha256_bytes(path.read_bytes()) == digest):
                os.replace(path, self.staging_dir / digest)
                self.publish(digest)
                log.info("recovered committed original %s from %s", digest, path.name)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
                    path.unlink()
                log.info("discarded uncommitted original %s from staging", path.name)
        return len(staged)


def open_archive(settings: Settings, *, create: bool = True) -> Archive:
    """Open (and with ``create``, make) the archive that ``settings`` names.

    Migrates the schema to this version and recovers after an interrupted write.
    """
    root = settings.archive
    if root.exists() and not root.is_dir():
        raise ArchiveError(f"{root} is a file, not an archive folder")
    if not root.exists():
        if not create:
            raise ArchiveError(f"no archive at {root}: run `sillok init {root}` first")
        try:
            root.mkdir(parents=True)
        except OSError as exc:
            raise ArchiveError(f"cannot create the archive folder {root}: {exc.strerror}") from None
    elif not create and settings.database_url is None and not (root / "sillok.db").exists():
        raise ArchiveError(f"{root} is not a Sillok archive (no sillok.db)")
    engine = db.make_engine(settings.db_url)
    db.upgrade(engine)
    archive = Archive(settings, engine)
    archive.recover()
    return archive
