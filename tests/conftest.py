"""Shared fixtures: small archives in tmp_path, and the shared dev corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import sillok
from sillok.store.archive import Archive

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV_CORPUS = SHARED / "corpus" / "dev"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("SILLOK_ARCHIVE", "SILLOK_DATABASE_URL", "SILLOK_MAX_FILE_SIZE",
                "SILLOK_MAX_EXPANSION", "SILLOK_WORKERS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SILLOK_ACTOR", "test-officer")


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    return tmp_path / "archive"


@pytest.fixture
def archive(archive_path: Path) -> Iterator[Archive]:
    opened = sillok.init_archive(archive_path)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def dev_corpus() -> Path:
    if not DEV_CORPUS.is_dir():
        pytest.fail(f"the shared dev corpus is missing at {DEV_CORPUS}")
    return DEV_CORPUS
