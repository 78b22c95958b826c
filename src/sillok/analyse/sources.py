"""Source independence: how many independent sources stand behind a fact.

A *fact* here is a violation at a facility (or a violation anywhere). Documents
supporting it are grouped, and each group counts once:

1. **Copies.** Documents in one near-duplicate cluster (the archive's
   ``near_duplicates`` pairs, joined transitively) or with identical clean text are
   one copy group: a syndicated story counts once however many sites ran it.
2. **Relays.** Each document's support for the fact has an *origin*: the
   organisations credited in the passage that carries it, else the document's
   publisher (see :mod:`sillok.index.facts`). Documents sharing an origin are one
   source: three articles that report what the OHCHR report found, and the OHCHR
   report itself, are one source (``org:ohchr``).
3. Grouping is transitive: copy groups and origins are joined until nothing more
   connects. A passage crediting two organisations joins both.

The count is deliberately conservative — when in doubt, two documents are treated
as one source — because an overstated corroboration is worse in an evidence file
than an understated one. Documents with no origin and no copies each stand alone.

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
