"""Review of extracted mentions and claims: accept, reject, correct, or add one the
extractor missed.

The machine's output is never overwritten: each decision is a new row that keeps the
machine's item beside the reviewer's value, with who and when, and a custody event.
:func:`reviewed_extraction` applies the decisions for exports and marks the result
as reviewed.
"""

from __future__ import annotations

from .decisions import (
    ACTIONS,
    ReviewError,
    history,
    record_decision,
    review_counts,
    review_items,
)
from .items import KINDS, InvalidItem, flatten
from .reviewed import reviewed_extraction

__all__ = ["ACTIONS", "KINDS", "InvalidItem", "ReviewError", "flatten", "history",
           "record_decision", "review_counts", "review_items", "reviewed_extraction"]
