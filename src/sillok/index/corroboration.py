"""Independent sources per fact, counted from ``index_links`` and kept in ``index_facts``.

The method (copies count once, relays count once, grouping is transitive) is
explained in :mod:`sillok.analyse.sources`; this module does the counting. A
*fact* is (facility id or "", violation id).

Counting a fact needs every one of its (origin, copy group) aggregates, which for a
camp named in 30,000 documents is thousands of rows and a union-find over them. So
:func:`update_fact_summaries` does it once, at refresh time, for the facts whose
documents changed, and stores what dossiers and the matrix show: the counts, the
first publication date, and the largest :data:`SUMMARY_GROUPS` groups with up to
:data:`SUMMARY_SAMPLE` document ids each. :func:`compute_facts` is the same
computation done on demand; the two agree exactly (a test holds them to it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, func, select, tuple_

from ..kb import load_kb
from .copies import UnionFind
from .tables import index_documents, index_facts, index_links

Fact = tuple[str, str]  # (facility id or "", violation id)
SUMMARY_GROUPS = 10
SUMMARY_SAMPLE = 10


def origin_label(key: str) -> str:
    """A readable name for an origin key: the organisation's name for ``org:<id>``."""
    kind, _, value = key.partition(":")
    if kind in ("org", "by"):
        org = load_kb().organizations.get(value)
        return org.name if org else value
    return value


# (origin keys, copy group, documents, earliest publication date or None)
Aggregate = tuple[str, str | None, int, str | None]


@dataclass
class SourceGroup:
    """One independent source: what joined its documents, and how many there are."""

    origins: list[str]  # organisations relayed or publishing (org:…)
    copy_groups: list[str]
    documents_total: int
    # (origin, copy group, documents) aggregates that make up the group
    parts: list[tuple[str, str | None, int]] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # filled in by the caller
    relayed: list[str] = field(default_factory=list)  # organisation ids credited
    label_text: str = ""  # set by :func:`label_groups`

    @property
    def label(self) -> str:
        if self.label_text:
            return self.label_text
        if self.relayed:
            return "; ".join(f"relays {origin_label('org:' + o)}" for o in self.relayed)
        if self.copy_groups:
            return f"copies of {self.copy_groups[0][:12]}"
        return f"document {self.documents[0][:12]}" if self.documents else "a document"

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "origins": self.origins, "copy_groups": self.copy_groups,
                "documents_total": self.documents_total, "documents": self.documents}


def _keys(origin: str) -> tuple[list[str], list[str]]:
    """(union-find nodes, publishing organisations) of an origin: ``org:`` (relayed)
    and ``doc:`` (own reporting) keys join groups; ``by:`` only says who published."""
    nodes, by = [], []
    for key in origin.split():
        if key.startswith("by:"):
            by.append(key[3:])
        else:
            nodes.append(key)
    return nodes, by


def count_sources(rows: Iterable[Aggregate]) -> tuple[int, list[SourceGroup], int]:
    """Independent sources from ``(origin keys, copy group, documents, first published)``
    aggregates (the method: :mod:`sillok.analyse.sources`).

    Returns (sources, joined groups largest first, documents standing alone); a
    document with no origin key and no copies is a source of its own.
    """
    groups = UnionFind()
    parts: list[tuple[str, str, str | None, int]] = []
    own: dict[str, list[tuple[str, str]]] = {}  # organisation → (date, node) of its reports
    alone = 0
    for origin, copy_group, count, first in rows:
        nodes, by = _keys(origin)
        if copy_group:
            nodes.append(f"c:{copy_group}")
        if not nodes:
            alone += int(count)
            continue
        groups.find(nodes[0])
        for node in nodes[1:]:
            groups.union(nodes[0], node)
        for org in by:
            own.setdefault(org, []).append((first or "9999", nodes[0]))
        parts.append((nodes[0], origin, copy_group, int(count)))
    # documents relaying an organisation join its own report (the earliest, when it
    # published several), not each other's publisher: that would merge its reports
    for org, reports in own.items():
        if f"org:{org}" in groups.parent:
            groups.union(f"org:{org}", min(reports)[1])
    joined: dict[str, SourceGroup] = {}
    origins: dict[str, set[str]] = {}
    copies: dict[str, set[str]] = {}
    relayed: dict[str, set[str]] = {}
    for node, origin, copy_group, count in parts:
        root = groups.find(node)
        group = joined.setdefault(root, SourceGroup([], [], 0))
        group.documents_total += count
        group.parts.append((origin, copy_group, count))
        keys, by = _keys(origin)
        relays = {k[4:] for k in keys if k.startswith("org:")}
        relayed.setdefault(root, set()).update(relays)
        origins.setdefault(root, set()).update(f"org:{o}" for o in (*relays, *by))
        if copy_group:
            copies.setdefault(root, set()).add(copy_group)
    for root, group in joined.items():
        group.origins = sorted(origins.get(root, ()))
        group.relayed = sorted(relayed.get(root, ()))
        group.copy_groups = sorted(copies.get(root, ()))
        group.parts.sort(key=lambda p: (-p[2], p[0], p[1] or ""))
    ordered = sorted(joined.values(), key=lambda g: (-g.documents_total, g.origins,
                                                     g.copy_groups, g.parts[0][0]))
    return len(ordered) + alone, ordered, alone


def scope(facility: str | None, violations: Sequence[str] | None
          ) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if facility is not None:
        where.append(index_links.c.facility == facility)
    if violations is not None:
        where.append(index_links.c.violation.in_(list(violations)))
    return where


def compute_facts(conn: Connection, where: Sequence[ColumnElement[bool]], *,
                  max_groups: int | None, sample: int | None) -> dict[Fact, dict[str, Any]]:
    """Per fact in ``where``: documents, independent sources, their grouping (the
    largest ``max_groups`` groups, each with up to ``sample`` document ids; all when
    None) and the earliest publication date, straight from ``index_links``."""
    rows = conn.execute(
        select(index_links.c.facility, index_links.c.violation, index_links.c.origin,
               index_links.c.copy_group, func.count(), func.min(index_links.c.published))
        .where(*where)
        .group_by(index_links.c.facility, index_links.c.violation, index_links.c.origin,
                  index_links.c.copy_group)).all()
    per_fact: dict[Fact, list[Aggregate]] = {}
    earliest: dict[Fact, str] = {}
    for fac, violation, origin, copy_group, count, first in rows:
        fact = (str(fac), str(violation))
        per_fact.setdefault(fact, []).append(
            (str(origin), copy_group, int(count), None if first is None else str(first)))
        if first is not None and (fact not in earliest or str(first) < earliest[fact]):
            earliest[fact] = str(first)
    out: dict[Fact, dict[str, Any]] = {}
    for fact, aggregates in sorted(per_fact.items()):
        sources, joined, alone = count_sources(aggregates)
        fact_scope = [index_links.c.facility == fact[0], index_links.c.violation == fact[1]]
        shown = _shown(conn, fact_scope, joined, alone, max_groups, sample)
        out[fact] = {"documents": sum(a[2] for a in aggregates), "independent_sources": sources,
                     "first_published": earliest.get(fact),
                     "sources": [g.as_dict() for g in shown], "sources_shown": len(shown)}
    return out


def _shown(conn: Connection, where: list[ColumnElement[bool]], joined: list[SourceGroup],
           alone: int, max_groups: int | None, sample: int | None) -> list[SourceGroup]:
    """The groups to show, with (up to ``sample`` of) their document ids, largest part
    first; documents standing alone fill the places that are left."""
    shown = joined if max_groups is None else joined[:max_groups]
    for group in shown:
        found: list[str] = []
        for origin, copy_group, _count in group.parts:
            if sample is not None and len(found) >= sample:
                break
            found += _document_ids(conn, [*where, *_part(origin, copy_group)],
                                   None if sample is None else sample - len(found))
        group.documents = sorted(set(found))
    room = alone if max_groups is None else min(alone, max_groups - len(shown))
    if room > 0:
        lone = _document_ids(conn, [*where, *_part("", None)], room)
        shown = [*shown, *(SourceGroup([], [], 1, parts=[(f"doc:{d}", None, 1)], documents=[d])
                           for d in lone)]
    label_groups(conn, shown)
    return shown


def label_groups(conn: Connection, groups: Sequence[SourceGroup]) -> None:
    """Give each group a label that says what it is: the organisation whose report it
    relays ("relays …", or that report itself "and the documents relaying it"), a
    syndicated story by its earliest copy, or a document by its title, publisher and date."""
    own: dict[int, list[tuple[str, list[str]]]] = {}
    wanted: set[str] = set()
    for index, group in enumerate(groups):
        for origin, _copy, _count in group.parts:
            keys = origin.split()
            docs = [k[4:] for k in keys if k.startswith("doc:")]
            by = [k[3:] for k in keys if k.startswith("by:")]
            own.setdefault(index, []).extend((d, by) for d in docs)
            wanted.update(docs)
    ordered = sorted(wanted)
    meta: dict[str, Any] = {}
    for start in range(0, len(ordered), 500):
        meta.update((str(r.document_id), r) for r in conn.execute(
            select(index_documents.c.document_id, index_documents.c.title,
                   index_documents.c.path, index_documents.c.publisher,
                   index_documents.c.published)
            .where(index_documents.c.document_id.in_(ordered[start:start + 500]))))
    for index, group in enumerate(groups):
        reports = [d for d, by in own.get(index, []) if set(by) & set(group.relayed)]
        if group.relayed and reports:
            first = min(reports, key=lambda d: (str(meta[d].published or "9999"), d)) \
                if all(d in meta for d in reports) else min(reports)
            others = group.documents_total - 1
            group.label_text = (f"{_describe(meta.get(first), first)}"
                                + (f" and {others} document(s) relaying or copying it"
                                   if others else ""))
        elif group.relayed:
            group.label_text = "relays " + " and ".join(
                origin_label(f"org:{o}") for o in group.relayed)
        elif group.copy_groups:
            row = conn.execute(
                select(index_documents.c.document_id, index_documents.c.title,
                       index_documents.c.path, index_documents.c.publisher,
                       index_documents.c.published)
                .where(index_documents.c.copy_group.in_(group.copy_groups))
                .order_by(func.coalesce(index_documents.c.published, "9999"),
                          index_documents.c.document_id).limit(1)).first()
            first = str(row.document_id) if row is not None else group.copy_groups[0]
            group.label_text = f"syndicated: {_describe(row, first)} and its copies"
        elif own.get(index):
            doc = own[index][0][0]
            group.label_text = _describe(meta.get(doc), doc)


def _describe(row: Any, doc: str) -> str:
    """“Title” (publisher, date) of a document, as far as they are known."""
    if row is None:
        return f"document {doc[:12]}"
    publisher = row.publisher
    if publisher:
        org = load_kb().organizations.get(str(publisher))
        publisher = org.name if org else str(publisher)
    about = ", ".join(str(v) for v in (publisher, row.published) if v)
    name = f"“{row.title}”" if row.title else str(row.path or f"document {doc[:12]}")
    return f"{name} ({about})" if about else name


def _part(origin: str, copy_group: str | None) -> list[ColumnElement[bool]]:
    return [index_links.c.origin == origin,
            index_links.c.copy_group.is_(None) if copy_group is None
            else index_links.c.copy_group == copy_group]


def _document_ids(conn: Connection, where: list[ColumnElement[bool]], limit: int | None
                  ) -> list[str]:
    query = select(index_links.c.document_id).where(*where).order_by(
        index_links.c.document_id)
    if limit is not None:
        query = query.limit(limit)
    return [str(d) for d in conn.execute(query).scalars()]


def stored_facts(conn: Connection, *, facility: str | None = None,
                 violations: Sequence[str] | None = None) -> dict[Fact, dict[str, Any]]:
    """:func:`compute_facts` with ``SUMMARY_GROUPS`` and ``SUMMARY_SAMPLE``, as
    :func:`update_fact_summaries` stored it: a few rows instead of a count."""
    query = select(index_facts)
    if facility is not None:
        query = query.where(index_facts.c.facility == facility)
    if violations is not None:
        query = query.where(index_facts.c.violation.in_(list(violations)))
    out: dict[Fact, dict[str, Any]] = {}
    for row in conn.execute(query.order_by(index_facts.c.facility, index_facts.c.violation)):
        shown = [SourceGroup(list(g["origins"]), list(g["copy_groups"]),
                             int(g["documents_total"]), documents=list(g["documents"]),
                             label_text=str(g.get("label") or ""))
                 for g in row.sources]
        out[(str(row.facility), str(row.violation))] = {
            "documents": int(row.documents), "independent_sources": int(row.independent_sources),
            "first_published": row.first_published,
            "sources": [g.as_dict() for g in shown], "sources_shown": len(shown)}
    return out


def facts_of(conn: Connection, ids: Sequence[str]) -> set[Fact]:
    """The facts these documents support, as the index holds them now."""
    found: set[Fact] = set()
    for start in range(0, len(ids), 500):
        found.update((str(f), str(v)) for f, v in conn.execute(
            select(index_links.c.facility, index_links.c.violation).distinct()
            .where(index_links.c.document_id.in_(ids[start:start + 500]))))
    return found


def update_fact_summaries(conn: Connection, facts: Iterable[Fact] | None) -> int:
    """Recount ``facts`` (every fact when None) into ``index_facts``; returns how many."""
    if facts is None:
        conn.execute(delete(index_facts))
        computed = compute_facts(conn, [], max_groups=SUMMARY_GROUPS, sample=SUMMARY_SAMPLE)
    else:
        wanted = sorted(set(facts))
        computed = {}
        for start in range(0, len(wanted), 200):
            chunk = wanted[start:start + 200]
            conn.execute(delete(index_facts).where(
                tuple_(index_facts.c.facility, index_facts.c.violation).in_(chunk)))
            for fact in chunk:
                computed.update(compute_facts(
                    conn, [index_links.c.facility == fact[0],
                           index_links.c.violation == fact[1]],
                    max_groups=SUMMARY_GROUPS, sample=SUMMARY_SAMPLE))
    rows = [{"facility": fac, "violation": violation, "documents": found["documents"],
             "independent_sources": found["independent_sources"],
             "first_published": found["first_published"],
             "sources": [{k: g[k] for k in ("label", "origins", "copy_groups",
                                            "documents_total", "documents")}
                         for g in found["sources"]]}
            for (fac, violation), found in computed.items()]
    for start in range(0, len(rows), 500):
        conn.execute(index_facts.insert(), rows[start:start + 500])
    return len(rows)
