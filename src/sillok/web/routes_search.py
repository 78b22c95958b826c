"""Search with facets, snippets and variant expansion (``sillok.search``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from ..accounts import READ_ALL, public_ids
from ..exc import SillokError
from ..search import FILTER_FIELDS, search
from .auditing import record
from .auth import Reader
from .render import twin
from .state import archive_of

router = APIRouter(tags=["search"])

PER_PAGE = 20
VIEWER_WINDOW = 500  # viewers see public hits among the best this many
Many = Annotated[list[str] | None, Query()]  # a filter given any number of times


@twin(router, "/search", template="search.html", summary="Search")
def search_page(request: Request, who: Reader, q: str = "", expand: bool = True,
                facility: Many = None, facility_type: Many = None, violation: Many = None,
                organization: Many = None, agency: Many = None, publisher: Many = None,
                language: Many = None, since: str | None = None, until: str | None = None,
                sort: Annotated[str, Query(pattern="^(relevance|date)$")] = "relevance",
                page: Annotated[int, Query(ge=1, le=1000)] = 1) -> dict[str, Any]:
    """Full-text search. Names expand to every known spelling (``expand=false`` turns
    it off); the ``expanded`` field shows what was searched. AND, OR, NOT, "phrases"
    and prefix* work. Repeat a filter parameter to allow several values."""
    given = {"facility": facility, "facility_type": facility_type, "violation": violation,
             "organization": organization, "agency": agency, "publisher": publisher,
             "language": language}
    filters = {k: [v for v in values or [] if v.strip()] for k, values in given.items()
               if any(v.strip() for v in values or [])}
    base = {"query": q, "expand": expand, "filters": filters, "since": since, "until": until,
            "sort": sort, "page": page, "per_page": PER_PAGE, "filter_fields": FILTER_FIELDS}
    if not q.strip():
        return {**base, "total": 0, "results": [], "expanded": [], "expansions": [],
                "facets": {}, "restricted_to_public": not who.can(READ_ALL)}
    archive = archive_of(request)
    full = who.can(READ_ALL)
    try:
        found = search(q, archive, expand=expand, filters=filters, since=since or None,
                       until=until or None, sort=sort, facets=full,
                       limit=PER_PAGE if full else VIEWER_WINDOW,
                       offset=(page - 1) * PER_PAGE if full else 0)
    except SillokError as exc:
        raise HTTPException(400, str(exc)) from None
    if not full:
        found = _public_only(archive, found, page)
    record(request, who, "search", "documents", "search",
           details={"query_words": len(q.split()), "filters": filters, "total": found["total"],
                    "shown": [r["id"] for r in found["results"]]})
    return {**base, **found, "query": q, "restricted_to_public": not full}


def _public_only(archive: Any, found: dict[str, Any], page: int) -> dict[str, Any]:
    """Keep public documents only, page through them, and count facets over them."""
    with archive.reader() as conn:
        allowed = public_ids(conn, [r["id"] for r in found["results"]])
    results = [r for r in found["results"] if r["id"] in allowed]
    facets: dict[str, list[dict[str, Any]]] = {}
    for field in ("facilities", "violations"):
        counts: dict[str, int] = {}
        for result in results:
            for value in result.get(field, []):
                counts[value] = counts.get(value, 0) + 1
        facets[field[:-1] if field == "violations" else "facility"] = [
            {"value": v, "count": n, "label": v}
            for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    start = (page - 1) * PER_PAGE
    return {**found, "total": len(results), "results": results[start:start + PER_PAGE],
            "facets": facets, "offset": start}
