"""Analysis over the whole archive: dossiers, corroboration, estimates, the matrix.

Each verb takes ``archive`` like :mod:`sillok.api` (an open archive, a path or
None), brings the index up to date, and returns plain JSON-ready data::

    from sillok import analyse
    analyse.dossier("Yodok", archive="my-archive")
    analyse.corroborate(archive="my-archive", facility="Camp 15")
    analyse.estimates(archive="my-archive", subject="kwanliso")
    analyse.matrix(archive="my-archive")

How independence is counted: :mod:`sillok.analyse.sources`.
"""

from __future__ import annotations

from typing import Any

from ..api import ArchiveRef, get_archive
from ..exc import SillokError
from ..index import refresh_before_reading
from ..index.expand import default_resolver
from ..kb import load_kb
from . import dossier as _dossier
from . import estimates as _estimates
from . import matrix as _matrix
from .evidence import FacilityNotFound, corroborate_facts, facility_label, resolve_facility
from .matrix import ROME_STATUTE_7_1

__all__ = ["ROME_STATUTE_7_1", "FacilityNotFound", "corroborate", "dossier", "estimates",
           "matrix", "resolve_facility", "resolve_subject"]


def dossier(facility: str, archive: ArchiveRef = None, *, documents_limit: int | None = 100,
            documents_offset: int = 0, quotes: int = 5) -> dict[str, Any]:
    """Everything on one facility; ``facility`` is an id or any spelling. The
    mentioning documents come a page at a time (``documents_limit`` from
    ``documents_offset``; ``documents_next`` is where the next page starts)."""
    opened = get_archive(archive)
    refresh_before_reading(opened)
    return _dossier.dossier(opened, facility, documents_limit=documents_limit,
                            documents_offset=documents_offset, quotes=quotes)


def corroborate(archive: ArchiveRef = None, *, facility: str | None = None,
                violation: str | None = None, max_groups: int | None = None,
                sample: int | None = None) -> list[dict[str, Any]]:
    """Per facility × violation: documents, independent sources, and how they group
    (the largest ``max_groups`` groups per fact, each listing up to ``sample``
    documents; everything when None)."""
    opened = get_archive(archive)
    refresh_before_reading(opened)
    facility_id = resolve_facility(facility) if facility else None
    if violation is not None and violation not in load_kb().violations:
        raise SillokError(f"no violation category {violation!r}: use one of "
                          f"{', '.join(sorted(load_kb().violations))}")
    with opened.reader() as conn:
        facts = corroborate_facts(conn, facility=facility_id,
                                  violations=[violation] if violation else None,
                                  max_groups=max_groups, sample=sample)
    rows = [{"facility": fac or None, "facility_label": facility_label(fac),
             "violation": vio, **found} for (fac, vio), found in facts.items()]
    rows.sort(key=lambda r: (-r["independent_sources"], -r["documents"],
                             r["facility"] or "~", r["violation"]))
    return rows


def resolve_subject(ref: str) -> str:
    """A claim subject from ``all``, a facility type or a facility, by id or name."""
    kb = load_kb()
    if ref == "all" or ref in kb.facility_types or ref in kb.facilities:
        return ref
    entity = default_resolver().resolve(ref)
    if entity is not None and entity.kind in ("facility", "facility_type") \
            and len(entity.ids) == 1:
        return entity.ids[0]
    raise SillokError(f"{ref!r} is not a subject: give 'all', a facility type (kwanliso) or "
                      "a facility (Yodok, kwanliso-15)")


def estimates(archive: ArchiveRef = None, *, subject: str | None = None,
              measure: str | None = None) -> list[dict[str, Any]]:
    """Every figure per (subject, measure) with date and credited source; conflicts flagged."""
    opened = get_archive(archive)
    refresh_before_reading(opened)
    if measure is not None and measure not in load_kb().measures:
        raise SillokError(f"no measure {measure!r}: use one of "
                          f"{', '.join(sorted(load_kb().measures))}")
    return _estimates.estimates(opened, subject=resolve_subject(subject) if subject else None,
                                measure=measure)


def matrix(archive: ArchiveRef = None, *, facility: str | None = None,
           quotes: int = 2) -> list[dict[str, Any]]:
    """Rome Statute art. 7(1) crimes with the facts that evidence each."""
    opened = get_archive(archive)
    refresh_before_reading(opened)
    return _matrix.matrix(opened, facility=resolve_facility(facility) if facility else None,
                          quotes=quotes)
