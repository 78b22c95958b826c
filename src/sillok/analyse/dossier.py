"""A facility dossier: what the knowledge base and every archived document say about it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, func, select, text

from ..index.corroboration import Fact
from ..index.tables import index_claims, index_documents, index_mentions
from ..kb import Facility, load_kb
from ..store.archive import Archive
from .estimates import figures_page
from .evidence import corroborate_facts, resolve_facility, strongest_quotes


def dossier(archive: Archive, ref: str, *, documents_limit: int | None = 100,
            documents_offset: int = 0, quotes: int = 5, estimates_limit: int | None = 100,
            max_groups: int | None = 10) -> dict[str, Any]:
    """Everything on one facility (``ref``: an id or any spelling).

    ``documents``: the mentioning documents in date order (``documents_limit`` of
    them from ``documents_offset``; ``documents_total`` counts all and
    ``documents_next`` is the offset of the next page, None after the last). ``violations``: per
    violation, the documents, the independent sources and the largest
    ``max_groups`` source groups. ``estimates``: population figures in time order
    (the first ``estimates_limit``; ``estimates_total`` counts all, and
    ``sillok estimates FACILITY`` lists every one). ``timeline``: dated events,
    with the figures listed. ``quotes``: the strongest passages, each an exact span of a
    document's clean text.
    """
    facility_id = resolve_facility(ref)
    kb = load_kb()
    facility = kb.facilities[facility_id]
    with archive.reader() as conn:
        total, docs = _documents(conn, facility_id, documents_limit, documents_offset)
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
        estimates_total, estimates = figures_page(conn, facility_id, "prisoner-population",
                                                  limit=estimates_limit,
                                                  detail=estimates_limit)
        other_claims = conn.execute(select(index_claims.c.measure).distinct().where(
            index_claims.c.subject == facility_id)).scalars().all()
        timeline = _timeline(conn, facility, estimates, estimates_total, facts)
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
        "documents_offset": documents_offset,
        "documents_next": documents_offset + len(docs)
        if docs and documents_offset + len(docs) < total else None,
        "documents": docs,
        "violations": violations,
        "estimates_total": estimates_total,
        "estimates": estimates,
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


def _documents(conn: Connection, facility_id: str, limit: int | None, offset: int = 0
               ) -> tuple[int, list[dict[str, Any]]]:
    mentioning = (index_mentions.c.kind == "facility", index_mentions.c.value == facility_id)
    total = int(conn.execute(select(func.count()).select_from(index_mentions)
                             .where(*mentioning)).scalar() or 0)
    # the page first (an index range in date order), then only its rows' details
    page = (select(index_mentions.c.document_id, index_mentions.c.mentions)
            .where(*mentioning)
            .order_by(index_mentions.c.published.asc().nulls_last(),
                      index_mentions.c.document_id)
            .offset(offset).limit(limit if limit is not None else -1))
    mentions = {str(d): int(n) for d, n in conn.execute(page)}
    wanted = list(mentions)
    docs = []
    for start in range(0, len(wanted), 5000):
        docs += [{"id": r.document_id, "title": r.title, "published": r.published,
                  "publisher": r.publisher, "path": r.path, "language": r.language,
                  "mentions": mentions[r.document_id]} for r in conn.execute(
            select(index_documents.c.document_id, index_documents.c.title,
                   index_documents.c.published, index_documents.c.publisher,
                   index_documents.c.path, index_documents.c.language)
            .where(index_documents.c.document_id.in_(wanted[start:start + 5000])))]
    docs.sort(key=lambda d: (d["published"] or "9999", d["id"]))
    return total, docs


def _documents_per_year(conn: Connection, facility_id: str) -> dict[str, int]:
    """Documents mentioning the facility, per year of publication: a counted index range
    per year (cheaper than grouping every row by its year)."""
    dated = (index_mentions.c.kind == "facility", index_mentions.c.value == facility_id,
             index_mentions.c.published.is_not(None))
    # two queries: SQLite answers a lone min() or max() from the index, both at once by a scan
    first = conn.execute(select(func.min(index_mentions.c.published)).where(*dated)).scalar()
    last = conn.execute(select(func.max(index_mentions.c.published)).where(*dated)).scalar()
    if first is None or last is None:
        return {}
    years = [str(y) for y in range(int(first[:4]), int(last[:4]) + 1)]
    # plain SQL: building this union with SQLAlchemy costs more than running it
    counts = text(" UNION ALL ".join(
        f"SELECT :y{i} AS year, count(*) AS documents FROM index_mentions WHERE kind = "
        f"'facility' AND value = :facility AND published >= :y{i} AND published < :z{i}"
        for i in range(len(years))))
    params: dict[str, str] = {"facility": facility_id}
    for i, y in enumerate(years):
        params[f"y{i}"], params[f"z{i}"] = y, f"{y}~"  # every date of year y sorts between
    return {str(y): int(n) for y, n in conn.execute(counts, params) if n}


def _timeline(conn: Connection, facility: Facility, estimates: list[dict[str, Any]],
              estimates_total: int, facts: dict[Fact, dict[str, Any]]
              ) -> list[dict[str, Any]]:
    """Dated events: status changes, the figures listed (and where the rest are), and
    per year the reports published and the violations first reported that year."""
    events: list[dict[str, Any]] = []
    for status in facility.status:
        events.append({"date": status.as_of, "kind": "status",
                       "text": f"status: {status.value}", "source": status.source})
    for figure in estimates:
        credited = ", ".join(figure["credited"]) or "uncredited"
        events.append({"date": figure["as_of"] or figure.get("reported"), "kind": "estimate",
                       "text": f"{figure['figure']} held ({credited})",
                       "documents": figure["documents"], "source": figure.get("source")})
    if estimates_total > len(estimates):
        # the figures come in time order, so the rest are from the last one listed on
        last = estimates[-1]["as_of"] or estimates[-1]["reported"] if estimates else None
        events.append({"date": last, "kind": "more-estimates", "documents": [],
                       "text": f"{estimates_total - len(estimates):,} more figure(s) from "
                               f"here on: `sillok estimates {facility.id}` lists every one"})
    per_year = _documents_per_year(conn, facility.id)
    first: dict[str, list[str]] = {}
    for (_fac, violation), found in facts.items():
        if found["first_published"]:
            first.setdefault(str(found["first_published"])[:4], []).append(violation)
    for when in sorted(set(per_year) | set(first)):
        reported = sorted(first.get(when, []))
        text = f"{per_year.get(when, 0)} document(s) published"
        if reported:
            text += "; first reports of " + ", ".join(reported)
        events.append({"date": when, "kind": "reports", "text": text,
                       "documents": int(per_year.get(when, 0)), "first_reported": reported})
    events.sort(key=lambda e: (str(e["date"] or "9999"), e["kind"]))
    return events
