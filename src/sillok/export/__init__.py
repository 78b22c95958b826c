"""Share: evidence packages, exports, and importing an export into another archive.

The stage's verbs, which the CLI and web call:

- :func:`package` writes a BagIt evidence package of a selection of documents
  (originals, clean texts, extractions, custody entries) and logs the export;
- :func:`verify_package` validates any bag and checks the custody entries inside;
- :func:`export` writes JSON Lines or CSV of documents, mentions, violations
  and claims, or FollowTheMoney entities;
- :func:`import_jsonl` rebuilds documents from a JSON Lines export, hashes intact;
- :func:`dossier` writes a facility dossier (HTML or PDF, and its JSON twin) citing
  exact spans.

Each takes ``archive`` as :mod:`sillok.api` does (an open archive, a path, or None).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..api import ArchiveRef, get_archive, init_archive
from .bagwriter import PackageError
from .dossier import Dossier
from .importer import ImportResult
from .package import PackageResult
from .selection import Selection
from .tabular import ExportResult
from .verify import PackageProblem, PackageReport, verify_package

__all__ = [
    "Dossier",
    "ExportResult",
    "ImportResult",
    "PackageError",
    "PackageProblem",
    "PackageReport",
    "PackageResult",
    "Selection",
    "dossier",
    "export",
    "import_jsonl",
    "package",
    "verify_package",
]


def package(out: str | os.PathLike[str], *, documents: Sequence[str] = (),
            facility: str | None = None, query: str | None = None, archive: ArchiveRef = None,
            organization: str | None = None, description: str | None = None,
            on_document: Callable[[str], None] | None = None) -> PackageResult:
    """Write an evidence package of the selected documents (default: all) to ``out``."""
    from .package import build_package

    selection = Selection(tuple(documents), facility, query)
    return build_package(get_archive(archive), out, selection, organization=organization,
                         description=description, on_document=on_document)


def export(out: str | os.PathLike[str], fmt: str = "jsonl", *, documents: Sequence[str] = (),
           facility: str | None = None, query: str | None = None, archive: ArchiveRef = None,
           originals: str = "alongside",
           on_document: Callable[[str], None] | None = None) -> ExportResult:
    """Write JSON Lines or CSV files of documents, mentions, violations and claims."""
    from .tabular import export_records

    selection = Selection(tuple(documents), facility, query)
    return export_records(get_archive(archive), out, fmt, selection, originals=originals,
                          on_document=on_document)


def import_jsonl(path: str | os.PathLike[str], *, archive: ArchiveRef = None,
                 on_document: Callable[[str, str], None] | None = None) -> ImportResult:
    """Import a JSON Lines export (folder or documents.jsonl) into ``archive``."""
    from .importer import import_jsonl as run_import

    return run_import(init_archive(archive), path, on_document=on_document)


def dossier(facility: str, out: str | os.PathLike[str], *, archive: ArchiveRef = None
            ) -> tuple[Path, Path, Dossier]:
    """Write a facility dossier with span citations: HTML at ``out`` (PDF when ``out``
    ends in ``.pdf``), its JSON twin beside it."""
    from .dossier import write_dossier

    return write_dossier(get_archive(archive), facility, out)
