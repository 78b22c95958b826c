"""Copy groups: documents that are near-duplicates of each other, or share a clean text.

Kept in ``index_documents.copy_group`` and ``index_links.copy_group`` (the group's
smallest document id) and refreshed with the index, so analysis can count a
syndicated story once without reading the near-duplicate pairs again.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from ..store.tables import near_duplicates
from .tables import index_documents, index_links


class UnionFind:
    """Disjoint sets of strings; the representative of a set is its smallest member."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent
        if item not in parent:
            parent[item] = item
            return item
        while parent[item] != item:  # path halving
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra < rb:
            self.parent[rb] = ra
        elif rb < ra:
            self.parent[ra] = rb


def update_copy_groups(conn: Connection) -> list[str]:
    """Recompute ``copy_group`` for every indexed document; returns those that changed."""
    groups = UnionFind()
    for a, b in conn.execute(
            select(near_duplicates.c.document_id, near_duplicates.c.other_id)).all():
        if a < b:
            groups.union(str(a), str(b))
    shared = select(index_documents.c.text_sha256).group_by(index_documents.c.text_sha256) \
        .having(func.count() > 1).scalar_subquery()
    first: dict[str, str] = {}
    for doc_id, digest in conn.execute(
            select(index_documents.c.document_id, index_documents.c.text_sha256)
            .where(index_documents.c.text_sha256.in_(shared))):
        if digest in first:
            groups.union(first[digest], str(doc_id))
        else:
            first[digest] = str(doc_id)
    wanted = {doc: groups.find(doc) for doc in list(groups.parent)}
    current = {str(d): str(g) for d, g in conn.execute(
        select(index_documents.c.document_id, index_documents.c.copy_group)
        .where(index_documents.c.copy_group.is_not(None)))}
    changed: list[str] = []
    for doc in sorted(set(wanted) | set(current)):
        if wanted.get(doc) != current.get(doc):
            for table in (index_documents, index_links):
                conn.execute(update(table).where(table.c.document_id == doc)
                             .values(copy_group=wanted.get(doc)))
            changed.append(doc)
    return changed
