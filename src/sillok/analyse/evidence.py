"""Reading the analysis index: corroboration of facts, strongest quotes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from ..exc import SillokError
from ..index.expand import default_resolver
from ..index.tables import index_documents, index_links, index_quotes
from ..kb import load_kb
from .sources import SourceGroup, count_sources

Fact = tuple[str, str]  # (facility id or "", violation id)


class FacilityNotFound(SillokError):
    """No facility in the knowledge base has that id or name."""


def resolve_facility(ref: str) -> str:
    """A facility id from an id or any spelling the knowledge base lists."""
    kb = load_kb()
    if ref in kb.facilities:
        return ref
    entity = default_resolver().resolve(ref)
    if entity is None or entity.kind != "facility":
        raise FacilityNotFound(f"no facility is called {ref!r}: give an id such as kwanliso-15 "
                               "or a name the knowledge base lists (Yodok, Camp 15, 요덕)")
    if len(entity.ids) > 1:
        raise FacilityNotFound(f"{ref!r} is the place of several facilities "
                               f"({', '.join(entity.ids)}): give one of these ids")
    return entity.ids[0]


def _scope(facility: str | None, violations: Sequence[str] | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if facility is not None:
        where.append(index_links.c.facility == facility)
    if violations is not None:
        where.append(index_links.c.violation.in_(list(violations)))
    return where


def corroborate_facts(conn: Connection, *, facility: str | None = None,
                      violations: Sequence[str] | None = None, max_groups: int | None = 10,
                      sample: int | None = 10) -> dict[Fact, dict[str, Any]]:
    """Per (facility, violation): documents, independent sources and their grouping.

    ``sources`` lists the largest ``max_groups`` groups (all when None), each with
    up to ``sample`` document ids (all when None) and ``documents_total``.
    """
    where = _scope(facility, violations)
    rows = conn.execute(
        select(index_links.c.facility, index_links.c.violation, index_links.c.origin,
               index_links.c.copy_group, func.count())
        .where(*where)
        .group_by(index_links.c.facility, index_links.c.violation, index_links.c.origin,
                  index_links.c.copy_group)).all()
    per_fact: dict[Fact, list[tuple[str, str | None, int]]] = {}
    for fac, violation, origin, copy_group, count in rows:
        per_fact.setdefault((str(fac), str(violation)), []).append(
            (str(origin), copy_group, int(count)))
    out: dict[Fact, dict[str, Any]] = {}
    for fact, aggregates in sorted(per_fact.items()):
        sources, joined, alone = count_sources(aggregates)
        scope = [index_links.c.facility == fact[0], index_links.c.violation == fact[1]]
        shown = _shown(conn, scope, joined, alone, max_groups, sample)
        out[fact] = {"documents": sum(a[2] for a in aggregates), "independent_sources": sources,
                     "sources": [g.as_dict() for g in shown], "sources_shown": len(shown)}
    return out


def corroborate_all(conn: Connection, *, facility: str | None = None,
                    violations: Sequence[str] | None = None) -> dict[str, int]:
    """Documents and independent sources across several facts at once: a document's
    origins in every fact it supports are joined (a conservative union)."""
    merged = func.aggregate_strings(index_links.c.origin, " ")
    per_doc = conn.execute(
        select(index_links.c.document_id, merged, index_links.c.copy_group)
        .where(*_scope(facility, violations))
        .group_by(index_links.c.document_id, index_links.c.copy_group)).all()
    counts: dict[tuple[str, str | None], int] = {}
    for _doc, origins, copy_group in per_doc:
        key = (" ".join(sorted(set(str(origins or "").split()))), copy_group)
        counts[key] = counts.get(key, 0) + 1
    sources, _joined, _alone = count_sources((o, c, n) for (o, c), n in counts.items())
    return {"documents": len(per_doc), "independent_sources": sources}


def _shown(conn: Connection, scope: list[ColumnElement[bool]], joined: list[SourceGroup],
           alone: int, max_groups: int | None, sample: int | None) -> list[SourceGroup]:
    """The groups to show, with (up to ``sample`` of) their document ids, largest part
    first; documents standing alone fill the places that are left."""
    shown = joined if max_groups is None else joined[:max_groups]
    for group in shown:
        found: list[str] = []
        for origin, copy_group, _count in group.parts:
            if sample is not None and len(found) >= sample:
                break
            found += _document_ids(conn, [*scope, *_part(origin, copy_group)],
                                   None if sample is None else sample - len(found))
        group.documents = sorted(set(found))
    room = alone if max_groups is None else min(alone, max_groups - len(shown))
    if room > 0:
        lone = _document_ids(conn, [*scope, *_part("", None)], room)
        shown = [*shown, *(SourceGroup([], [], 1, documents=[d]) for d in lone)]
    return shown


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


def documents_meta(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted = sorted(set(ids))
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 5000):
        for row in conn.execute(select(index_documents).where(
                index_documents.c.document_id.in_(wanted[start:start + 5000]))):
            out[str(row.document_id)] = dict(row._mapping)
    return out


def strongest_quotes(conn: Connection, facts: Iterable[Fact], *, per_fact: int = 3
                     ) -> dict[Fact, list[dict[str, Any]]]:
    """The strongest quotes for each (facility, violation): at most one per copy group.

    Each quote carries its document id and the exact span (``start``/``end``) of
    the document's clean text. One indexed top-N query per fact.
    """
    out: dict[Fact, list[dict[str, Any]]] = {}
    for fact in sorted(set(facts)):
        facility, violation = fact
        rows = conn.execute(
            select(index_quotes, index_documents.c.title, index_documents.c.published,
                   index_documents.c.path, index_documents.c.copy_group)
            .join(index_documents, index_documents.c.document_id == index_quotes.c.document_id)
            .where(index_quotes.c.facility == facility, index_quotes.c.violation == violation)
            .order_by(index_quotes.c.strength.desc(), index_quotes.c.document_id.desc(),
                      index_quotes.c.start.desc())
            .limit(per_fact * 4))
        chosen: list[dict[str, Any]] = []
        used: set[str] = set()
        for row in rows:
            group = str(row.copy_group or row.document_id)
            if group in used:
                continue
            used.add(group)
            chosen.append({"document": str(row.document_id), "start": int(row.start),
                           "end": int(row.end), "text": str(row.text),
                           "strength": float(row.strength), "violation": violation,
                           "facility": facility or None, "title": row.title,
                           "published": row.published, "path": row.path,
                           "copy_group": row.copy_group})
            if len(chosen) >= per_fact:
                break
        out[fact] = chosen
    return out


def facility_label(facility: str) -> str:
    kb = load_kb()
    found = kb.facilities.get(facility)
    return found.names[0] if found else (facility or "(no facility named)")
