"""Database engine set-up and schema migrations.

SQLite is the default (one file in the archive folder); any SQLAlchemy URL
(PostgreSQL) can be configured instead. Only the few statements that must differ
between engines check the dialect.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Dialect, Engine, Table, bindparam, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.compiler import SQLCompiler

from ..exc import ArchiveError, SchemaError

log = logging.getLogger(__name__)

SQLITE_CACHE_KIB = 65_536  # page cache per connection, an upper bound
SQLITE_CHECKPOINT_PAGES = 10_000  # write-ahead log pages (4 KiB) between checkpoints


def _sqlite_setup(engine: Engine) -> None:
    """Foreign keys on, write-ahead log, and explicit BEGIN so writers lock up front."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a killed process
        cursor.execute("PRAGMA busy_timeout=30000")
        # Ingest inserts 32 near-duplicate buckets per document at random places in one
        # index: with SQLite's 2 MB default cache, and a checkpoint every 4 MB of log,
        # each batch re-read and re-copied most of that index once the archive held a
        # few thousand documents. A cache of up to 64 MiB and a checkpoint every 40 MB
        # of log avoid most of that.
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the lock at BEGIN so two writers never both read the same
        # custody-log head; readers stay deferred and never block.
        write = conn.get_execution_options().get("sillok_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with Sillok's connection settings."""
    try:
        engine = create_engine(url, future=True)
    except Exception as exc:  # bad URL, missing driver
        raise ArchiveError(f"cannot use database {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine)
    return engine


@contextmanager
def transaction(engine: Engine, *, write: bool = True) -> Iterator[Connection]:
    """A connection inside one transaction: committed on success, rolled back on error."""
    with engine.connect() as conn:
        conn = conn.execution_options(sillok_write=write)
        with conn.begin():
            yield conn


def insert_plain(conn: Connection, table: Table, columns: tuple[str, ...],
                 rows: list[tuple[Any, ...]]) -> None:
    """INSERT ``rows`` (tuples in ``columns`` order) with one driver-level executemany.

    For bulk rows of plain numbers, strings and bytes, where SQLAlchemy's per-row parameter
    processing costs more than the database's own insert (ingest's 32 near-duplicate
    buckets per document). No type conversion happens: plain values only.
    """
    if not rows:
        return
    compiled = _plain_insert(conn.dialect, table, columns)
    if compiled.positional:
        order = [columns.index(name) for name in compiled.positiontup or ()]
        params: list[Any] = (rows if order == list(range(len(columns))) else
                             [tuple(row[i] for i in order) for row in rows])
    else:
        params = [dict(zip(columns, row, strict=True)) for row in rows]
    conn.exec_driver_sql(compiled.string, params)


@functools.cache
def _plain_insert(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> SQLCompiler:
    compiled = table.insert().values({name: bindparam(name) for name in columns}).compile(
        dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    return compiled


def _alembic_config() -> Config:
    config = Config()
    location = resources.files("sillok.store") / "migrations"
    config.set_main_option("script_location", str(location))
    return config


def head_revision() -> str:
    script = ScriptDirectory.from_config(_alembic_config())
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (a no-op when it is there already)."""
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise ArchiveError(f"cannot open the archive database: {exc.orig}") from None
    head = head_revision()
    if current == head:
        return
    script = ScriptDirectory.from_config(_alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise SchemaError(
            f"the archive database is at schema revision {current}, which this version of "
            "Sillok does not know: upgrade Sillok to open it"
        )
    log.info("migrating archive schema from %s to %s", current, head)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
