"""Import other organisations' datasets into an archive, keeping their sources.

The stage's verbs, which the CLI calls:

- :func:`import_nkpd` Korea Future's North Korean Prison Database export
  (``facilities.json``);
- :func:`import_hrnk` the HRNK prison-camp map (its KML export or the JSON copy);
- :func:`import_csv` a CSV of facilities or incidents read through a YAML mapping
  (:mod:`sillok.imports.mapping` documents the format);
- :func:`imported` the stored records, optionally for one facility or source.

Each record is stored with its source (id, title, URL, retrieval date), the file it
came from (name, SHA-256, row or record number) and its own id there; importing the
file again updates records by (source, kind, id) instead of adding copies. A file
with any bad record is refused whole (:class:`ImportFailed` lists file, row and
reason). Every import is logged in the custody log (action ``import``).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from ..api import ArchiveRef, init_archive
from ..exc import ConfigError
from .mapping import Mapping, load_mapping
from .store import ImportedRecord, ImportFailed, ImportResult, ImportSource, RowProblem
from .tables import import_sources, imported_records
from .tabular import DATE

__all__ = ["ImportFailed", "ImportResult", "ImportSource", "ImportedRecord", "Mapping",
           "RowProblem", "import_csv", "import_hrnk", "import_nkpd", "imported",
           "imported_for", "load_mapping"]


def _file(path: str | os.PathLike[str]) -> Path:
    found = Path(path)
    if not found.is_file():
        raise ConfigError(f"{found} is not a file: give the dataset file to import")
    return found


def _dated(source: ImportSource, retrieved: str | None) -> ImportSource:
    if retrieved is None:
        return source
    if not DATE.match(retrieved):
        raise ConfigError(f"retrieved {retrieved!r} is not a date such as 2024-05-01")
    return dataclasses.replace(source, retrieved=retrieved)


def import_nkpd(path: str | os.PathLike[str], *, archive: ArchiveRef = None,
                retrieved: str | None = None) -> ImportResult:
    """Import Korea Future's NKPD facilities export into ``archive``.

    ``retrieved`` (a date) overrides the download date the file records.
    """
    from .reference import nkpd_records
    from .store import store_records

    found = _file(path)
    source, records, problems = nkpd_records(found)
    source = _dated(source, retrieved)
    return store_records(init_archive(archive), found, "nkpd-json", source, records, problems)


def import_hrnk(path: str | os.PathLike[str], *, archive: ArchiveRef = None,
                retrieved: str | None = None) -> ImportResult:
    """Import the HRNK camp map (KML, or the JSON copy) into ``archive``.

    A KML export does not say when it was downloaded: give ``retrieved`` (a date).
    """
    from .reference import hrnk_records
    from .store import store_records

    found = _file(path)
    source, records, problems = hrnk_records(found, retrieved)
    source = _dated(source, retrieved)
    fmt = "hrnk-kml" if found.read_bytes().lstrip()[:1] == b"<" else "hrnk-json"
    return store_records(init_archive(archive), found, fmt, source, records, problems)


def import_csv(path: str | os.PathLike[str], mapping: str | os.PathLike[str], *,
               archive: ArchiveRef = None) -> ImportResult:
    """Import a CSV of facilities or incidents described by the YAML ``mapping``."""
    from .store import store_records
    from .tabular import csv_records

    found = _file(path)
    loaded = load_mapping(_file(mapping))
    records, problems = csv_records(found, loaded)
    return store_records(init_archive(archive), found, f"csv-{loaded.kind}", loaded.source,
                         records, problems)


def imported_for(conn: Connection, *, facility: str | None = None, source: str | None = None,
                 kind: str | None = None) -> list[dict[str, Any]]:
    """Stored records (with their source's title, URL and retrieval date), by source and id."""
    query = (select(imported_records, import_sources.c.title.label("source_title"),
                    import_sources.c.url.label("source_url"))
             .join(import_sources, import_sources.c.id == imported_records.c.source)
             .order_by(imported_records.c.source, imported_records.c.kind,
                       imported_records.c.external_id))
    if facility is not None:
        query = query.where(imported_records.c.facility_id == facility)
    if source is not None:
        query = query.where(imported_records.c.source == source)
    if kind is not None:
        query = query.where(imported_records.c.kind == kind)
    return [{k: v for k, v in row._mapping.items() if k != "id"}
            for row in conn.execute(query)]


def imported(archive: ArchiveRef = None, *, facility: str | None = None,
             source: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """The records imported into ``archive`` (see :func:`imported_for`)."""
    from ..api import get_archive

    with get_archive(archive).reader() as conn:
        return imported_for(conn, facility=facility, source=source, kind=kind)
