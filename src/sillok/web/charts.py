"""Charts drawn as inline SVG on the server: no script, no library, nothing fetched."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

YEAR = re.compile(r"(\d{4})")


def _year(figure: dict[str, Any]) -> int | None:
    for field in ("as_of", "reported"):
        found = YEAR.search(str(figure.get(field) or ""))
        if found:
            return int(found.group(1))
    return None


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def estimates_chart(group: dict[str, Any], *, width: int = 640, height: int = 260) -> Markup:
    """Each figure of one (subject, measure) at its year: a dot for a point value, a bar
    for a range, an arrow for an open-ended one; figures in conflict are marked."""
    dated = [(year, f) for f in group.get("figures", []) if (year := _year(f)) is not None]
    if not dated:
        return Markup('<p class="muted">No figure has a date to chart.</p>')
    years = [y for y, _ in dated]
    first, last = min(years) - 1, max(years) + 1
    top = max(4.0, _nice_max(max(max(f.get("low") or 0, f.get("high") or 0)
                                 for _, f in dated) * 1.05))
    left, right, up, down = 70, 16, 14, 30
    plot_w, plot_h = width - left - right, height - up - down

    def x(year: float) -> float:
        return round(left + (year - first) / (last - first) * plot_w, 1)

    def y(value: float) -> float:
        return round(up + plot_h - value / top * plot_h, 1)

    out = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
           f'xmlns="http://www.w3.org/2000/svg" aria-label="figures over time">']
    for i in range(5):
        value = top * i / 4
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(value)}" '
                   f'y2="{y(value)}"/><text class="tick" x="{left - 6}" y="{y(value) + 4}" '
                   f'text-anchor="end">{int(value):,}</text>')
    step = max(1, (last - first) // 8)
    for year in range(first, last + 1, step):
        out.append(f'<text class="tick" x="{x(year)}" y="{height - 10}" text-anchor="middle">'
                   f"{year}</text>")
    for index, (year, figure) in enumerate(sorted(dated, key=lambda p: p[0])):
        cx = x(year + (index % 3 - 1) * 0.12)  # nudge figures of the same year apart
        low, high = figure.get("low"), figure.get("high")
        kind = "conflict" if figure.get("conflict") else "figure"
        credited = ", ".join(figure.get("credited") or []) or "uncredited"
        tip = escape(f"{figure.get('figure')} ({figure.get('as_of') or figure.get('reported')})"
                     f" — {credited}")
        out.append(f'<g class="{kind}"><title>{tip}</title>')
        if low is not None and high is not None and low != high:
            out.append(f'<line x1="{cx}" x2="{cx}" y1="{y(low)}" y2="{y(high)}"/>'
                       f'<circle cx="{cx}" cy="{y((low + high) / 2)}" r="3"/>')
        elif low is not None and high is None:
            out.append(f'<line x1="{cx}" x2="{cx}" y1="{y(low)}" y2="{up}"/>'
                       f'<circle cx="{cx}" cy="{y(low)}" r="4"/>'
                       f'<path d="M{cx - 5},{up + 8}L{cx},{up}L{cx + 5},{up + 8}"/>')
        elif high is not None and low is None:
            out.append(f'<line class="open" x1="{cx}" x2="{cx}" y1="{y(0)}" y2="{y(high)}"/>'
                       f'<circle cx="{cx}" cy="{y(high)}" r="4"/>')
        else:
            out.append(f'<circle cx="{cx}" cy="{y(low or high or 0)}" r="5"/>')
        out.append("</g>")
    out.append("</svg>")
    return Markup("".join(out))


def bar_chart(rows: Sequence[dict[str, Any]], *, label: str, bars: Sequence[tuple[str, str]],
              width: int = 640) -> Markup:
    """Horizontal bars, one group per row; ``bars`` is (field, css class) per bar."""
    if not rows:
        return Markup("")
    row_h = 8 + 12 * len(bars)
    left, right = 230, 40
    height = row_h * len(rows) + 24
    top = max(max(int(r.get(field) or 0) for field, _ in bars) for r in rows) or 1
    out = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" '
           f'xmlns="http://www.w3.org/2000/svg" aria-label="bar chart">']
    for i, row in enumerate(rows):
        base = 12 + i * row_h
        name = str(row.get(label) or "")
        short = name if len(name) <= 34 else name[:33] + "…"
        out.append(f'<text class="tick" x="{left - 6}" y="{base + row_h / 2}" '
                   f'text-anchor="end"><title>{escape(name)}</title>{escape(short)}</text>')
        for j, (field, css) in enumerate(bars):
            value = int(row.get(field) or 0)
            w = round(value / top * (width - left - right), 1)
            yy = base + j * 12
            out.append(f'<rect class="{css}" x="{left}" y="{yy}" width="{w}" height="10">'
                       f"<title>{escape(field.replace('_', ' '))}: {value}</title></rect>"
                       f'<text class="tick" x="{left + w + 4}" y="{yy + 9}">{value}</text>')
    out.append("</svg>")
    return Markup("".join(out))
