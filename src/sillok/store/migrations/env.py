"""Alembic environment: always run against the connection Sillok hands over."""

from __future__ import annotations

from alembic import context

from sillok.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - Sillok always passes its connection
    raise RuntimeError("run migrations through sillok.store.db.upgrade")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
