"""Reading the analysis index: corroboration of facts, strongest quotes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from ..exc import SillokError
from ..index.corroboration import (
    SUMMARY_GROUPS,
    SUMMARY_SAMPLE,
    Fact,
    compute_facts,
    count_sources,
    scope,
    stored_facts,
)
from ..index.expand import default_resolver
from ..index.sync import SUMMARIES_VERSION
from ..index.tables import index_documents, index_links, index_meta, index_quotes
from ..kb import load_kb


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


def corroborate_facts(conn: Connection, *, facility: str | None = None,
                      violations: Sequence[str] | None = None, max_groups: int | None = 10,
                      sample: int | None = 10) -> dict[Fact, dict[str, Any]]:
    """Per (facility, violation): documents, independent sources, their grouping and
    the earliest publication date (``first_published``).

    ``sources`` lists the largest ``max_groups`` groups (all when None), each with
    up to ``sample`` document ids (all when None) and ``documents_total``. With the
    defaults this reads what the last refresh counted (``index_facts``); otherwise
    it counts from ``index_links`` (:mod:`sillok.index.corroboration`).
    """
    if (max_groups, sample) == (SUMMARY_GROUPS, SUMMARY_SAMPLE) and summaries_current(conn):
        return stored_facts(conn, facility=facility, violations=violations)
    return compute_facts(conn, scope(facility, violations), max_groups=max_groups,
                         sample=sample)


def summaries_current(conn: Connection) -> bool:
    """Whether ``index_facts`` was filled by this version of Sillok's refresh."""
    return conn.execute(select(index_meta.c.value).where(
        index_meta.c.key == "fact_summaries")).scalar() == SUMMARIES_VERSION


def corroborate_all(conn: Connection, *, facility: str | None = None,
                    violations: Sequence[str] | None = None) -> dict[str, int]:
    """Documents and independent sources across several facts at once: a document's
    origins in every fact it supports are joined (a conservative union)."""
    merged = func.aggregate_strings(index_links.c.origin, " ")
    per_doc = conn.execute(
        select(index_links.c.document_id, merged, index_links.c.copy_group)
        .where(*scope(facility, violations))
        .group_by(index_links.c.document_id, index_links.c.copy_group)).all()
    counts: dict[tuple[str, str | None], int] = {}
    for _doc, origins, copy_group in per_doc:
        key = (" ".join(sorted(set(str(origins or "").split()))), copy_group)
        counts[key] = counts.get(key, 0) + 1
    sources, _joined, _alone = count_sources((o, c, n, None) for (o, c), n in counts.items())
    return {"documents": len(per_doc), "independent_sources": sources}


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
