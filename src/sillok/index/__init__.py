"""The search and analysis index: derived from the archive, rebuildable at any time.

Two halves kept in step by :func:`refresh`:

- a full-text index (:mod:`.engine`, tantivy) over Sillok's own terms
  (:mod:`.tokens`: folded words, hyphen forms, Hangul syllable bigrams), with one
  facet field per facility, type, violation, organisation, agency, publisher,
  language and year;
- relational tables (:mod:`.tables`) of per-document facts — mentions, violation ×
  facility links with their credited origin, candidate quotes, figures — that
  :mod:`sillok.analyse` reads.

The query language is in :mod:`.query`, knowledge-base expansion in :mod:`.expand`.
"""

from __future__ import annotations

from .engine import IndexBusy
from .sync import IndexReport, fulltext, refresh, refresh_before_reading

__all__ = ["IndexBusy", "IndexReport", "fulltext", "refresh", "refresh_before_reading"]
