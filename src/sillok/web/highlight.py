"""The document text cut into segments, each knowing which extracted items cover it.

The template prints each segment escaped inside a link to the most specific item
that covers it, so every highlighted word is clickable without any script.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

HIGHLIGHTED_STATES = ("unreviewed", "accepted", "corrected", "added")


def segments(text: str, items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive pieces of ``text``; a covered piece lists its items' indexes in
    ``items`` (``anchors``), their ``kinds``, and the ``primary`` (shortest) one."""
    spans = [(int(item["start"]), int(item["end"]), index, str(item["kind"]))
             for index, item in enumerate(items)
             if item.get("state", "unreviewed") in HIGHLIGHTED_STATES
             and 0 <= int(item["start"]) < int(item["end"]) <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _e, _i, _k in spans), *(e for _s, e, _i, _k in spans)})
    starting: dict[int, list[tuple[int, int, int, str]]] = {}
    for span in spans:
        starting.setdefault(span[0], []).append(span)
    open_spans: list[tuple[int, int, int, str]] = []
    pieces: list[dict[str, Any]] = []
    for left, right in pairwise(cuts):
        open_spans = [s for s in open_spans if s[1] > left] + starting.get(left, [])
        piece: dict[str, Any] = {"text": text[left:right], "start": left}
        if open_spans:
            primary = min(open_spans, key=lambda s: (s[1] - s[0], s[3] == "claim", s[2]))
            piece |= {"anchors": sorted(s[2] for s in open_spans), "primary": primary[2],
                      "kinds": sorted({s[3] for s in open_spans})}
        pieces.append(piece)
    return pieces


def item_label(item: dict[str, Any], label: Any) -> str:
    """One line that says what an item claims, for lists and tooltips."""
    if item["kind"] != "claim":
        return f"{item['kind'].replace('_', ' ')}: {label(item.get('id'), item['kind'])}"
    low, high = item.get("low"), item.get("high")
    if low is not None and high is not None:
        figure = f"{low:,}" if low == high else f"{low:,}–{high:,}"
    elif low is not None:
        figure = f"at least {low:,}"
    else:
        figure = f"up to {high:,}" if high is not None else "?"
    when = f" ({item['as_of']})" if item.get("as_of") else ""
    return f"{label(item.get('measure'), 'measure')} of {label(item.get('subject'), 'subject')}:" \
           f" {figure}{when}"
