"""Conflicting estimates: every figure given for a (subject, measure), and which disagree.

A figure is a range: a point value is ``[n, n]``; "more than N" is ``[N, ∞)``;
"up to N" is ``[0, N]``. Two figures **conflict** when their ranges do not overlap
("80,000 to 120,000" and "135,000" conflict; "120,000" and "80,000 to 120,000" do
not). Each figure carries ``conflict``, ``conflicts`` (how many figures it
disagrees with) and ``conflicts_with`` (the nearest ten, by index, with the years
between). Figures that repeat the same numbers, date and credited organisations are
one figure with several documents. Conflicts between figures for different years
are flagged too, with the gap in years, since a change over time is for the
analyst to judge. Facility estimates from the knowledge base are included with
their source.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from typing import Any

from sqlalchemy import Connection, select

from ..index.tables import index_claims
from ..kb import load_kb
from ..store.archive import Archive

Key = tuple[int | None, int | None, str | None, tuple[str, ...]]
MAX_LISTED = 10


def format_figure(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low:,}" if low == high else f"{low:,}–{high:,}"
    if low is not None:
        return f"more than {low:,}"
    if high is not None:
        return f"up to {high:,}"
    return "?"


def _range(figure: dict[str, Any]) -> tuple[float, float]:
    low, high = figure["low"], figure["high"]
    return (float(low) if low is not None else 0.0,
            float(high) if high is not None else math.inf)


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


def figures_for(conn: Connection, subject: str, measure: str, *, detail: int | None = None
                ) -> list[dict[str, Any]]:
    """Every figure for one (subject, measure), in time order, conflicts marked (with
    ``conflicts_with`` listed for the first ``detail`` figures; all when None)."""
    grouped: dict[Key, dict[str, Any]] = {}
    rows = conn.execute(
        select(index_claims)
        .where(index_claims.c.subject == subject, index_claims.c.measure == measure)
        .order_by(index_claims.c.document_id, index_claims.c.seq)).all()
    for row in rows:
        credited = tuple(row.attributed_to or [])
        key: Key = (row.low, row.high, row.as_of, credited)
        figure = grouped.setdefault(key, {
            "figure": format_figure(row.low, row.high), "low": row.low, "high": row.high,
            "as_of": row.as_of, "reported": row.published, "credited": list(credited),
            "source": None, "documents": [], "quotes": []})
        if row.published and (figure["reported"] is None or row.published < figure["reported"]):
            figure["reported"] = row.published
        if row.document_id not in figure["documents"]:
            figure["documents"].append(row.document_id)
            figure["quotes"].append({"document": row.document_id, "start": row.start,
                                     "end": row.end, "text": row.text})
    kb = load_kb()
    facility = kb.facilities.get(subject)
    if facility is not None and measure == "prisoner-population":
        for estimate in facility.population_estimates:
            source = kb.sources.get(estimate.source)
            credited = (source.organization,) if source and source.organization else ()
            key = (estimate.low, estimate.high, estimate.as_of, credited)
            figure = grouped.setdefault(key, {
                "figure": format_figure(estimate.low, estimate.high), "low": estimate.low,
                "high": estimate.high, "as_of": estimate.as_of, "reported": None,
                "credited": list(credited), "source": None, "documents": [], "quotes": []})
            figure["source"] = f"knowledge base: {estimate.source}"
    figures = sorted(grouped.values(), key=lambda f: (
        str(f["as_of"] or f["reported"] or "9999"), f["low"] or 0, f["high"] or 0,
        f["credited"]))
    _mark_conflicts(figures, detail=detail)
    return figures


def _mark_conflicts(figures: list[dict[str, Any]], shown: int = MAX_LISTED,
                    detail: int | None = None) -> None:
    """Set ``conflict``, ``conflicts`` (how many) and ``conflicts_with`` (the nearest
    ``shown`` of them by range, with the years between; only for the first ``detail``
    figures) on each figure, in O(n log n)."""
    ranges = [_range(f) for f in figures]
    by_high = sorted(range(len(figures)), key=lambda i: ranges[i][1])
    by_low = sorted(range(len(figures)), key=lambda i: ranges[i][0])
    highs = [ranges[i][1] for i in by_high]
    lows = [ranges[i][0] for i in by_low]
    for index, figure in enumerate(figures):
        figure["index"] = index
    for index, figure in enumerate(figures):
        low, high = ranges[index]
        below = bisect_left(highs, low)  # figures entirely below this one
        above = len(lows) - bisect_right(lows, high)  # figures entirely above it
        figure["conflicts"] = below + above
        figure["conflict"] = below + above > 0
        figure["conflicts_with"] = []
        if detail is not None and index >= detail:
            continue
        nearest = by_high[max(0, below - shown):below][::-1] + by_low[len(lows) - above:][:shown]
        year = _year(figure["as_of"] or figure["reported"])
        listed = []
        for other in nearest[:shown]:
            other_year = _year(figures[other]["as_of"] or figures[other]["reported"])
            gap = abs(year - other_year) if year is not None and other_year is not None else None
            listed.append({"index": other, "years_apart": gap})
        figure["conflicts_with"] = sorted(listed, key=lambda c: c["index"])


def estimates(archive: Archive, *, subject: str | None = None,
              measure: str | None = None) -> list[dict[str, Any]]:
    """Per (subject, measure): every figure with date and credited source, conflicts flagged.

    ``subject`` is a facility id, a facility type id or ``all``.
    """
    with archive.reader() as conn:
        query = select(index_claims.c.subject, index_claims.c.measure).distinct()
        if subject is not None:
            query = query.where(index_claims.c.subject == subject)
        if measure is not None:
            query = query.where(index_claims.c.measure == measure)
        pairs = {(str(s), str(m)) for s, m in conn.execute(query)}
        kb = load_kb()
        if subject is not None and subject in kb.facilities \
                and measure in (None, "prisoner-population") \
                and kb.facilities[subject].population_estimates:
            pairs.add((subject, "prisoner-population"))
        out = []
        for subj, meas in sorted(pairs):
            figures = figures_for(conn, subj, meas)
            out.append({"subject": subj, "measure": meas, "figures": figures,
                        "conflicting_figures": sum(1 for f in figures if f["conflict"])})
    return out
