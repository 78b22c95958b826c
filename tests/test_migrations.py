"""Schema migrations: the migrated database matches the code, old archives upgrade,
newer archives are refused with a clear message."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import sillok
from sillok.exc import SchemaError
from sillok.ingest import neardup
from sillok.ingest.similar import NearDuplicateIndex
from sillok.settings import load_settings
from sillok.store import db
from sillok.store.archive import open_archive
from sillok.store.tables import documents, metadata


def _import_every_table_module() -> None:
    """Stages define their tables beside their code, on the one shared MetaData."""
    for module in pkgutil.walk_packages(sillok.__path__, "sillok."):
        if module.name.endswith(".tables"):
            importlib.import_module(module.name)


def test_migrated_schema_matches_the_tables(archive_path: Path) -> None:
    _import_every_table_module()
    archive = sillok.init_archive(archive_path)
    with archive.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_an_archive_at_the_first_revision_is_upgraded_on_open(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "old")
    settings.archive.mkdir()
    engine = db.make_engine(settings.db_url)
    config = db._alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    assert "extractions" not in inspect(engine).get_table_names()
    engine.dispose()
    archive = open_archive(settings)
    assert "extractions" in inspect(archive.engine).get_table_names()
    assert db.current_revision(archive.engine) == db.head_revision()


def test_near_duplicate_buckets_survive_the_bucket_index_migration(tmp_path: Path) -> None:
    # 0011 rebuilt minhash_bands: a document stored before it is still found as the
    # near-duplicate of one ingested after it.
    story = " ".join(f"Witness {n} described forced labour and hunger at the camp in "
                     f"winter {1990 + n}." for n in range(12))
    (tmp_path / "one.txt").write_text(f"First site\n\n{story}\n", encoding="utf-8")
    (tmp_path / "two.txt").write_text(f"{story}\n\nSecond site\n", encoding="utf-8")
    archive = sillok.init_archive(tmp_path / "a")
    first = sillok.ingest_path(tmp_path / "one.txt", archive=archive).items[0].document_id
    config = db._alembic_config()
    with archive.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
    archive.engine.dispose()
    reopened = open_archive(load_settings(tmp_path / "a"))
    assert db.current_revision(reopened.engine) == db.head_revision()
    second = sillok.ingest_path(tmp_path / "two.txt", archive=reopened).items[0].document_id
    near = sillok.show_document(second or "", archive=reopened)["near_duplicates"]
    assert [d["id"] for d in near] == [first]


def test_a_newer_schema_is_refused(archive_path: Path) -> None:
    archive = sillok.init_archive(archive_path)
    with archive.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    archive.engine.dispose()
    with pytest.raises(SchemaError, match="upgrade Sillok"):
        open_archive(load_settings(archive_path))


def test_downgrading_past_pending_band_rows_writes_them(tmp_path: Path) -> None:
    # 0012 added minhash_pending; an older Sillok would never write the rows it stands
    # for, so going back writes them first.
    archive = sillok.init_archive(tmp_path / "a")
    story = " ".join(f"Witness {n} described the punishment cells at Camp 14 in {1980 + n}."
                     for n in range(12))
    signed = neardup.sign(story)
    assert signed is not None
    with archive.writer() as conn:
        conn.execute(documents.insert().values(
            id="a" * 64, size=1, media_type="text/plain", status="ok", original_name="a",
            metadata={}, ingested_at="2024-01-01T00:00:00Z", children_complete=True))
        NearDuplicateIndex().record(conn, [("a" * 64, signed)])  # not settled
    config = db._alembic_config()
    with archive.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0011")
        rows = conn.execute(text("SELECT band, bucket FROM minhash_bands")).fetchall()
    assert sorted(rows) == list(enumerate(signed.buckets))
