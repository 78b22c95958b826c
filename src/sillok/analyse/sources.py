"""Source independence: how many independent sources stand behind a fact.

A *fact* here is a violation at a facility (or a violation anywhere). An independent
source is one original account — a document's own reporting — with its copies and
the documents that only relay it. Documents supporting a fact are grouped, and each
group counts once:

1. **Copies.** Documents in one near-duplicate cluster (the archive's
   ``near_duplicates`` pairs, joined transitively) or with identical clean text are
   one copy group: a syndicated story counts once however many sites ran it.
2. **Relays.** A passage crediting an organisation relays it (origin ``org:<id>``;
   with several credited, the one named nearest the violation — see
   :mod:`sillok.index.facts`). Documents relaying one organisation are one source,
   and join that organisation's own report on the fact when the archive holds it
   (its earliest, when it published several): three articles citing the OHCHR
   report and the report itself count once.
3. **Own reporting.** A passage crediting no one is the document's own reporting
   (``doc:<id>``), a source of its own. The publisher alone never merges documents:
   two articles by one outlet, or two reports by one organisation with their own
   testimony, are two sources — and a mis-detected publisher cannot collapse
   unrelated documents.

Each group is labelled by what it is (a report and its relays, "relays X", a
syndicated story by its earliest copy, or a document by title, publisher and date).

Counting works on aggregates, (origin, copy group, number of documents), and is
done at refresh time for the facts whose documents changed (``index_facts``, see
:mod:`sillok.index.corroboration`, where the counting code lives), so a dossier
reads a few rows whether a camp is named in ten documents or thirty thousand.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from ..index.corroboration import SourceGroup, count_sources, origin_label
from ..index.tables import index_documents

__all__ = ["SourceGroup", "copy_groups", "count_sources", "origin_label"]


def copy_groups(conn: Connection) -> dict[str, str]:
    """Document id → its copy group, for documents that have copies."""
    return {str(d): str(g) for d, g in conn.execute(
        select(index_documents.c.document_id, index_documents.c.copy_group)
        .where(index_documents.c.copy_group.is_not(None)))}
