"""Conflicting estimates: every figure given for a (subject, measure), and which disagree.

A figure is a range: a point value is ``[n, n]``; "more than N" is ``[N, ∞)``;
"up to N" is ``[0, N]``. Two figures **conflict** when they describe the same
quantity at a comparable time and their ranges do not overlap ("80,000 to 120,000"
and "135,000", both for 2014, conflict; "120,000" and "80,000 to 120,000" do not).
The same quantity is the same (subject, measure); a comparable time is the same
``as_of`` year when both figures say which year they refer to, else (one or both
undated, standing for their publication year) years at most
:data:`UNDATED_WINDOW` apart — see :func:`comparable`. Figures for different
``as_of`` years are a time series, not a conflict: a dated figure's ``changes``
counts the figures for other years whose ranges it does not overlap.

Each figure carries ``conflict``, ``conflicts`` (how many figures it disagrees
with) and ``conflicts_with`` (the nearest ten by range, with the years between).
Figures that repeat the same numbers, date and credited organisations are one
figure with several documents. Facility estimates from the knowledge base are
included with their source.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Text, cast, select

from ..index.tables import index_claims
from ..kb import load_kb
from ..store.archive import Archive

Key = tuple[int | None, int | None, str | None, tuple[str, ...]]
MAX_LISTED = 10
UNDATED_WINDOW = 2  # years between publications for undated figures to be compared


def format_figure(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low:,}" if low == high else f"{low:,}–{high:,}"
    if low is not None:
        return f"more than {low:,}"
    if high is not None:
        return f"up to {high:,}"
    return "?"


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


@dataclass(slots=True)
class _Figure:
    low: int | None
    high: int | None
    as_of: str | None
    credited: tuple[str, ...]
    reported: str | None
    spans: list[tuple[str, int, int, str]]  # (document, start, end, text), one per document
    source: str | None = None

    @property
    def when(self) -> str | None:
        return self.as_of or self.reported


def figures_for(conn: Connection, subject: str, measure: str, *, detail: int | None = None
                ) -> list[dict[str, Any]]:
    """Every figure for one (subject, measure), in time order, conflicts marked (with
    ``conflicts_with`` listed for the first ``detail`` figures; all when None)."""
    return figures_page(conn, subject, measure, detail=detail)[1]


def comparable(a_as_of: str | None, a_reported: str | None, b_as_of: str | None,
               b_reported: str | None) -> bool:
    """Whether two figures describe the same moment closely enough to disagree.

    Both dated (``as_of``): the same year. Otherwise the undated figure stands for
    its publication year and the two must be within :data:`UNDATED_WINDOW` years.
    A figure with no date at all is comparable with nothing.
    """
    if a_as_of and b_as_of:
        return _year(a_as_of) == _year(b_as_of)
    a, b = _year(a_as_of or a_reported), _year(b_as_of or b_reported)
    return a is not None and b is not None and abs(a - b) <= UNDATED_WINDOW


class _Bucket:
    """Figures of one reference year, sorted by high and by low end for counting."""

    def __init__(self, members: list[int], ranges: list[tuple[float, float]]) -> None:
        self.by_high = sorted(members, key=lambda i: ranges[i][1])
        self.by_low = sorted(members, key=lambda i: ranges[i][0])
        self.highs = [ranges[i][1] for i in self.by_high]
        self.lows = [ranges[i][0] for i in self.by_low]

    def disjoint(self, low: float, high: float) -> tuple[int, int]:
        """How many figures here lie entirely below and entirely above [low, high]."""
        return bisect_left(self.highs, low), len(self.lows) - bisect_right(self.lows, high)

    def nearest(self, low: float, high: float, ranges: list[tuple[float, float]]
                ) -> list[tuple[float, int]]:
        below, above = self.disjoint(low, high)
        first_above = len(self.lows) - above
        return ([(low - ranges[i][1], i) for i in self.by_high[max(0, below - MAX_LISTED):below]]
                + [(ranges[i][0] - high, i)
                   for i in self.by_low[first_above:first_above + MAX_LISTED]])


def figures_page(conn: Connection, subject: str, measure: str, *, limit: int | None = None,
                 detail: int | None = None) -> tuple[int, list[dict[str, Any]]]:
    """How many figures there are for (subject, measure), and the first ``limit`` of
    them (all when None) as :func:`figures_for` gives them: conflicts are counted
    against every figure, but only the figures returned are built."""
    figures = sorted(_grouped(conn, subject, measure).values(), key=lambda f: (
        str(f.when or "9999"), f.low or 0, f.high or 0, f.credited))
    ranges = [(float(f.low) if f.low is not None else 0.0,
               float(f.high) if f.high is not None else math.inf) for f in figures]
    dated: dict[int, list[int]] = {}
    undated: dict[int, list[int]] = {}
    for index, figure in enumerate(figures):
        year = _year(figure.as_of or figure.reported)
        if year is not None:
            (dated if figure.as_of else undated).setdefault(year, []).append(index)
    dated_buckets = {y: _Bucket(m, ranges) for y, m in dated.items()}
    undated_buckets = {y: _Bucket(m, ranges) for y, m in undated.items()}
    every_dated = _Bucket([i for m in dated.values() for i in m], ranges)
    out = []
    for index, figure in enumerate(figures[:limit] if limit is not None else figures):
        low, high = ranges[index]
        year = _year(figure.as_of or figure.reported)
        buckets: list[_Bucket] = []
        if year is not None:
            near = range(year - UNDATED_WINDOW, year + UNDATED_WINDOW + 1)
            buckets = [undated_buckets[y] for y in near if y in undated_buckets]
            if figure.as_of:
                buckets += [dated_buckets[year]] if year in dated_buckets else []
            else:
                buckets += [dated_buckets[y] for y in near if y in dated_buckets]
        conflicts = sum(sum(b.disjoint(low, high)) for b in buckets)
        changes = 0
        if figure.as_of and year is not None:
            changes = sum(every_dated.disjoint(low, high)) - sum(
                dated_buckets[year].disjoint(low, high))
        listed: list[dict[str, Any]] = []
        if detail is None or index < detail:
            nearest = sorted(c for b in buckets for c in b.nearest(low, high, ranges))
            for _distance, other in nearest[:MAX_LISTED]:
                other_year = _year(figures[other].as_of or figures[other].reported)
                gap = abs(year - other_year) if year is not None and other_year is not None \
                    else None
                listed.append({"index": other, "years_apart": gap})
        out.append({
            "figure": format_figure(figure.low, figure.high), "low": figure.low,
            "high": figure.high, "as_of": figure.as_of, "reported": figure.reported,
            "credited": list(figure.credited), "source": figure.source,
            "documents": [d for d, _s, _e, _t in figure.spans],
            "quotes": [{"document": d, "start": s, "end": e, "text": t}
                       for d, s, e, t in figure.spans],
            "index": index, "conflicts": conflicts, "conflict": conflicts > 0,
            "conflicts_with": sorted(listed, key=lambda c: c["index"]),
            "changes": changes})
    return len(figures), out


def _grouped(conn: Connection, subject: str, measure: str) -> dict[Key, _Figure]:
    """The figures: claims repeating the same numbers, date and credited organisations
    are one figure; the knowledge base's estimates join them."""
    grouped: dict[Key, _Figure] = {}
    # the credited list as its JSON text: one json.loads per distinct list, not per row
    credited_json = cast(index_claims.c.attributed_to, Text)
    parsed: dict[str, tuple[str, ...]] = {}
    rows = conn.execute(
        select(index_claims.c.document_id, index_claims.c.low, index_claims.c.high,
               index_claims.c.as_of, credited_json, index_claims.c.start,
               index_claims.c.end, index_claims.c.text, index_claims.c.published)
        .where(index_claims.c.subject == subject, index_claims.c.measure == measure)
        .order_by(index_claims.c.document_id, index_claims.c.seq)).all()
    for doc, low, high, as_of, raw, start, end, text, published in rows:
        credited = parsed.get(raw)
        if credited is None:
            credited = parsed[raw] = tuple(json.loads(raw) or []) if raw else ()
        key: Key = (low, high, as_of, credited)
        figure = grouped.get(key)
        if figure is None:
            figure = grouped[key] = _Figure(low, high, as_of, credited, published, [])
        elif published and (figure.reported is None or published < figure.reported):
            figure.reported = published
        # rows come in document order, so a document's repeats of a figure are adjacent
        if not figure.spans or figure.spans[-1][0] != doc:
            figure.spans.append((doc, start, end, text))
    kb = load_kb()
    facility = kb.facilities.get(subject)
    if facility is not None and measure == "prisoner-population":
        for estimate in facility.population_estimates:
            source = kb.sources.get(estimate.source)
            credited = (source.organization,) if source and source.organization else ()
            key = (estimate.low, estimate.high, estimate.as_of, credited)
            figure = grouped.setdefault(key, _Figure(estimate.low, estimate.high,
                                                     estimate.as_of, credited, None, []))
            figure.source = f"knowledge base: {estimate.source}"
    return grouped


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
