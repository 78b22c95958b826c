"""A facility dossier: what the knowledge base and every archived document say about it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, func, select

from ..index.tables import index_claims, index_documents, index_links, index_mentions
from ..kb import Facility, load_kb
from ..store.archive import Archive
from .estimates import figures_for
from .evidence import corroborate_facts, resolve_facility, strongest_quotes


def dossier(archive: Archive, ref: str, *, documents_limit: int | None = 100,
            quotes: int = 5, estimates_limit: int | None = 100,
            max_groups: int | None = 10) -> dict[str, Any]:
    """Everything on one facility (``ref``: an id or any spelling).

    ``documents``: the mentioning documents in date order (the first
    ``documents_limit``; ``documents_total`` counts all). ``violations``: per
    violation, the documents, the independent sources and the largest
    ``max_groups`` source groups. ``estimates``: population figures in time order
    (the first ``estimates_limit``; ``estimates_total`` counts all). ``timeline``:
    dated events. ``quotes``: the strongest passages, each an exact span of a
    document's clean text.
    """
    facility_id = resolve_facility(ref)
    kb = load_kb()
    facility = kb.facilities[facility_id]
    with archive.reader() as conn:
        total, docs = _documents(conn, facility_id, documents_limit)
        facts = corroborate_facts(conn, facility=facility_id, max_groups=max_groups)
        violations = []
        for (_fac, violation), found in facts.items():
            category = kb.violations.get(violation)
            violations.append({
                "violation": violation, "label": category.label if category else violation,
                "rome_statute": category.rome_statute if category else [], **found})
        violations.sort(key=lambda v: (-v["independent_sources"], -v["documents"],
                                       v["violation"]))
        best = strongest_quotes(conn, facts, per_fact=quotes)
        estimates = figures_for(conn, facility_id, "prisoner-population",
                                detail=estimates_limit)
        other_claims = conn.execute(select(index_claims.c.measure).distinct().where(
            index_claims.c.subject == facility_id)).scalars().all()
        timeline = _timeline(conn, facility, estimates)
    ranked = sorted((q for found in best.values() for q in found),
                    key=lambda q: (-q["strength"], q["published"] or "9999", q["document"],
                                   q["start"]))
    chosen: list[dict[str, Any]] = []
    used: set[str] = set()
    for quote in ranked:
        group = quote["copy_group"] or quote["document"]
        if group not in used:
            used.add(group)
            chosen.append(quote)
        if len(chosen) >= quotes:
            break
    return {
        "facility": _kb_facts(facility),
        "documents_total": total,
        "documents": docs,
        "violations": violations,
        "estimates_total": len(estimates),
        "estimates": estimates[:estimates_limit] if estimates_limit is not None else estimates,
        "other_measures": sorted(m for m in other_claims if m != "prisoner-population"),
        "timeline": timeline,
        "quotes": chosen,
    }


def _kb_facts(facility: Facility) -> dict[str, Any]:
    kb = load_kb()
    facts = asdict(facility)
    ftype = kb.facility_types.get(facility.type)
    facts["type_label"] = ftype.label if ftype else facility.type
    agency = kb.agencies.get(facility.agency or "")
    facts["agency_name"] = agency.name if agency else None
    return facts


def _documents(conn: Connection, facility_id: str, limit: int | None
               ) -> tuple[int, list[dict[str, Any]]]:
    mentioning = (index_mentions.c.kind == "facility", index_mentions.c.value == facility_id)
    total = int(conn.execute(select(func.count()).select_from(index_mentions)
                             .where(*mentioning)).scalar() or 0)
    first = (select(index_mentions.c.document_id, index_mentions.c.mentions)
             .where(*mentioning)
             .order_by(index_mentions.c.published.asc().nulls_last(),
                       index_mentions.c.document_id))
    if limit is not None:
        first = first.limit(limit)
    chosen = first.subquery()
    rows = conn.execute(
        select(index_documents.c.document_id, index_documents.c.title,
               index_documents.c.published, index_documents.c.publisher,
               index_documents.c.path, index_documents.c.language, chosen.c.mentions)
        .join(chosen, chosen.c.document_id == index_documents.c.document_id)).all()
    docs = [{"id": r.document_id, "title": r.title, "published": r.published,
             "publisher": r.publisher, "path": r.path, "language": r.language,
             "mentions": r.mentions} for r in rows]
    docs.sort(key=lambda d: (d["published"] or "9999", d["id"]))
    return total, docs


def _timeline(conn: Connection, facility: Facility, estimates: list[dict[str, Any]]
              ) -> list[dict[str, Any]]:
    """Dated events: status changes, figures, and per year the reports published and
    the violations first reported that year."""
    events: list[dict[str, Any]] = []
    for status in facility.status:
        events.append({"date": status.as_of, "kind": "status",
                       "text": f"status: {status.value}", "source": status.source})
    for figure in estimates:
        credited = ", ".join(figure["credited"]) or "uncredited"
        events.append({"date": figure["as_of"] or figure.get("reported"), "kind": "estimate",
                       "text": f"{figure['figure']} held ({credited})",
                       "documents": figure["documents"], "source": figure.get("source")})
    year = func.substr(index_mentions.c.published, 1, 4)
    per_year = {str(when): int(count) for when, count in conn.execute(
        select(year, func.count())
        .where(index_mentions.c.kind == "facility", index_mentions.c.value == facility.id,
               index_mentions.c.published.is_not(None))
        .group_by(year)).all()}
    first: dict[str, list[str]] = {}
    for violation, earliest in conn.execute(
            select(index_links.c.violation, func.substr(func.min(index_links.c.published), 1, 4))
            .where(index_links.c.facility == facility.id,
                   index_links.c.published.is_not(None))
            .group_by(index_links.c.violation)).all():
        first.setdefault(str(earliest), []).append(str(violation))
    for when in sorted(set(per_year) | set(first)):
        reported = sorted(first.get(when, []))
        text = f"{per_year.get(when, 0)} document(s) published"
        if reported:
            text += "; first reports of " + ", ".join(reported)
        events.append({"date": when, "kind": "reports", "text": text,
                       "documents": int(per_year.get(when, 0)), "first_reported": reported})
    events.sort(key=lambda e: (str(e["date"] or "9999"), e["kind"]))
    return events
