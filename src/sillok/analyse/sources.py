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

Counting works on aggregates, (origin, copy group, number of documents), so it
costs the same for ten documents or a hundred thousand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from ..index.copies import UnionFind
from ..index.tables import index_documents
from ..kb import load_kb


def copy_groups(conn: Connection) -> dict[str, str]:
    """Document id → its copy group, for documents that have copies."""
    return {str(d): str(g) for d, g in conn.execute(
        select(index_documents.c.document_id, index_documents.c.copy_group)
        .where(index_documents.c.copy_group.is_not(None)))}


def origin_label(key: str) -> str:
    kind, _, value = key.partition(":")
    if kind == "org":
        org = load_kb().organizations.get(value)
        return org.name if org else value
    return value


@dataclass
class SourceGroup:
    """One independent source: what joined its documents, and how many there are."""

    origins: list[str]  # origin keys (org:…, pub:…)
    copy_groups: list[str]
    documents_total: int
    # (origin, copy group, documents) aggregates that make up the group
    parts: list[tuple[str, str | None, int]] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # filled in by the caller

    @property
    def label(self) -> str:
        if self.origins:
            return ", ".join(origin_label(k) for k in self.origins)
        if self.copy_groups:
            return f"copies of {self.copy_groups[0][:12]}"
        return f"document {self.documents[0][:12]}" if self.documents else "a document"

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "origins": self.origins, "copy_groups": self.copy_groups,
                "documents_total": self.documents_total, "documents": self.documents}


def count_sources(rows: Iterable[tuple[str, str | None, int]]
                  ) -> tuple[int, list[SourceGroup], int]:
    """Independent sources from ``(origin keys, copy group, documents)`` aggregates.

    Returns (sources, joined groups largest first, documents standing alone); each
    document with no origin and no copies is a source of its own.
    """
    groups = UnionFind()
    parts: list[tuple[str, str, str | None, int]] = []
    alone = 0
    for origin, copy_group, count in rows:
        nodes = [f"k:{k}" for k in origin.split()]
        if copy_group:
            nodes.append(f"c:{copy_group}")
        if not nodes:
            alone += int(count)
            continue
        groups.find(nodes[0])
        for node in nodes[1:]:
            groups.union(nodes[0], node)
        parts.append((nodes[0], origin, copy_group, int(count)))
    joined: dict[str, SourceGroup] = {}
    origins: dict[str, set[str]] = {}
    copies: dict[str, set[str]] = {}
    for node, origin, copy_group, count in parts:
        root = groups.find(node)
        group = joined.setdefault(root, SourceGroup([], [], 0))
        group.documents_total += count
        group.parts.append((origin, copy_group, count))
        origins.setdefault(root, set()).update(origin.split())
        if copy_group:
            copies.setdefault(root, set()).add(copy_group)
    for root, group in joined.items():
        group.origins = sorted(origins.get(root, ()))
        group.copy_groups = sorted(copies.get(root, ()))
        group.parts.sort(key=lambda p: (-p[2], p[0], p[1] or ""))
    ordered = sorted(joined.values(), key=lambda g: (-g.documents_total, g.origins,
                                                     g.copy_groups))
    return len(ordered) + alone, ordered, alone
