"""Which documents an export covers: all, a list, a facility, a search.

A facility is tested on each row while documents stream past, so choosing one
facility out of 50,000 documents never builds a list of them first. An explicit
list of documents, and the ids a search finds, are held in memory.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from ..exc import DocumentNotFound
from ..store import queries
from ..store.archive import Archive
from . import records

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selection:
    """What to export. Criteria combine with AND; no criterion means every document.

    ``documents``: ids, id prefixes or ingested paths. ``facility``: a facility id
    (``kwanliso-15``) that the current extraction names as a facility, in a
    violation or as a claim's subject. ``query``: a ``sillok search`` query; every
    document the search finds is selected (where the search module is not
    installed, documents whose text or title contains every word).
    """

    documents: Sequence[str] = field(default_factory=tuple)
    facility: str | None = None
    query: str | None = None

    def describe(self) -> str:
        """One line for bag-info and the custody log."""
        parts = []
        if self.documents:
            shown = ", ".join(self.documents[:5])
            more = f" and {len(self.documents) - 5} more" if len(self.documents) > 5 else ""
            parts.append(f"documents {shown}{more}")
        if self.facility:
            parts.append(f"facility {self.facility}")
        if self.query:
            parts.append(f"query {self.query!r}")
        return "; ".join(parts) if parts else "all documents"

    def as_dict(self) -> dict[str, Any]:
        return {"documents": list(self.documents), "facility": self.facility,
                "query": self.query}

    def _words(self) -> list[str]:
        return [w.casefold() for w in (self.query or "").split() if w]

    def matches(self, row: dict[str, Any]) -> bool:
        """Whether a row is selected by facility and by the query's words (the fallback)."""
        if self.facility and not records.mentions_facility(row["extraction_output"],
                                                           self.facility):
            return False
        if self.query:
            text = (row["text"] or "").casefold()
            title = (row["title"] or "").casefold()
            if not all(w in text or w in title for w in self._words()):
                return False
        return True


def search_ids(archive: Archive, query: str) -> list[str] | None:
    """Every document ``sillok search QUERY`` finds; None where search is not installed."""
    try:
        from ..search import search
    except ImportError:  # the search stage is optional for exports
        log.warning("sillok.search is not available: --query matches words in the text")
        return None
    total = int(search(query, archive, limit=1)["total"])
    if total == 0:
        return []
    found = search(query, archive, limit=total, refresh_index=False)
    return [str(result["id"]) for result in found["results"]]


def resolve_ids(conn: Connection, selection: Selection, searched: list[str] | None = None
                ) -> list[str] | None:
    """The ids an explicit list and a search name (None: not limited to a list)."""
    ids = ({queries.resolve(conn, ref) for ref in selection.documents}
           if selection.documents else None)
    if searched is not None:
        ids = set(searched) if ids is None else ids & set(searched)
    return None if ids is None else sorted(ids)


def selected_rows(conn: Connection, selection: Selection, searched: list[str] | None = None
                  ) -> Iterator[dict[str, Any]]:
    """Rows of the selected documents, in id order, streamed.

    ``searched``: the ids :func:`search_ids` returned for the selection's query
    (call it before opening ``conn``: a search may update the index).
    """
    words = selection.query and searched is None
    keep = selection.matches if selection.facility or words else None
    yield from records.iter_documents(conn, resolve_ids(conn, selection, searched), keep=keep)


def nothing_selected(selection: Selection) -> DocumentNotFound:
    """The error to raise when a selection matches no document, naming the likely fix."""
    if selection.facility:
        return DocumentNotFound(
            f"no document's extraction names the facility {selection.facility!r}: check the id "
            "(e.g. kwanliso-15) or run `sillok extract` first")
    if selection.query:
        return DocumentNotFound(f"the search {selection.query!r} finds no document")
    return DocumentNotFound("the archive has no documents to export: ingest some first")
