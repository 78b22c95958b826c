"""Facilities, the map, dossiers, estimates, corroboration and the matrix
(``sillok.analyse``), as tables and server-drawn charts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from .. import analyse
from ..accounts import READ_ALL, public_ids
from ..exc import SillokError
from ..kb import load_kb
from .auditing import record
from .auth import FullReader, Reader
from .geo import facility_points, provinces
from .render import twin
from .state import archive_of

router = APIRouter(tags=["analysis"])


def _facility_row(facility: Any) -> dict[str, Any]:
    where = facility.coordinates[0] if facility.coordinates else None
    return {"id": facility.id, "name": facility.names[0], "type": facility.type,
            "number": facility.number, "province": facility.province, "county": facility.county,
            "status": facility.status[0].value if facility.status else None,
            "lat": where.lat if where else None, "lon": where.lon if where else None}


@twin(router, "/facilities", template="facilities.html", summary="Facilities")
def facilities(request: Request, who: Reader,
        type: str | None = None, province: str | None = None) -> dict[str, Any]:
    """Every facility in the knowledge base, optionally of one type or province."""
    kb = load_kb()
    rows = [_facility_row(f) for f in kb.facilities.values()
            if (type is None or f.type == type) and (province is None or f.province == province)]
    rows.sort(key=lambda r: (r["type"], r["number"] or 0, r["name"]))
    return {"facilities": rows, "total": len(rows), "type": type, "province": province,
            "types": {k: v.label for k, v in kb.facility_types.items()}}


@twin(router, "/map", template="map.html", summary="Map of facilities")
def facility_map(request: Request, who: Reader,
        type: str | None = None) -> dict[str, Any]:
    """Facilities with coordinates over an offline map of North Korea's provinces."""
    kb = load_kb()
    chosen = [f for f in kb.facilities.values() if type is None or f.type == type]
    points = facility_points(chosen)
    return {"type": type, "points": [p.as_dict() for p in points],
            "without_coordinates": sorted(f.id for f in chosen if not f.coordinates),
            "types": {k: v.label for k, v in kb.facility_types.items()},
            "boundaries": {"source": provinces()["source"],
                           "licence": "Natural Earth: public domain",
                           "provinces": [f["properties"]["name"]
                                         for f in provinces()["features"]]}}


@router.get("/api/map/provinces.geojson", summary="Province boundaries (GeoJSON)")
def provinces_geojson(who: Reader) -> JSONResponse:
    """The packaged province boundaries of North Korea (Natural Earth, public domain)."""
    return JSONResponse(provinces(), media_type="application/geo+json")


def _public(archive: Any, ids: list[str]) -> set[str]:
    with archive.reader() as conn:
        return public_ids(conn, ids)


def _filter_figures(figures: list[dict[str, Any]], allowed: set[str]) -> list[dict[str, Any]]:
    kept = []
    for figure in figures:
        docs = [d for d in figure.get("documents", []) if d in allowed]
        if docs:
            kept.append({**figure, "documents": docs,
                         "quotes": [q for q in figure.get("quotes", [])
                                    if q.get("document") in allowed]})
    return kept


def _all_documents(value: Any) -> list[str]:
    """Every document id mentioned anywhere in an analysis result."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("document", "id") and isinstance(inner, str) and len(inner) == 64:
                found.append(inner)
            elif key == "documents" and isinstance(inner, list):
                found += [d if isinstance(d, str) else d.get("id", "") for d in inner]
            else:
                found += _all_documents(inner)
    elif isinstance(value, list):
        for inner in value:
            found += _all_documents(inner)
    return found


@twin(router, "/facilities/{facility}", template="facility.html", summary="Facility dossier")
def facility_page(request: Request, who: Reader,
        facility: str) -> dict[str, Any]:
    """The dossier: knowledge-base facts, documents, violations with independent-source
    counts, estimates in time order, a timeline and the strongest quotes. Viewers see
    the facts and what public documents say."""
    archive = archive_of(request)
    try:
        found = analyse.dossier(facility, archive)
    except SillokError as exc:
        raise HTTPException(404, str(exc)) from None
    facility_id = found["facility"]["id"]
    points = [p.as_dict() for p in facility_points([load_kb().facilities[facility_id]])]
    record(request, who, "dossier", "facility", facility_id)
    if who.can(READ_ALL):
        return {**found, "points": points, "restricted_to_public": False}
    allowed = _public(archive, _all_documents(found))
    docs = [d for d in found["documents"] if d["id"] in allowed]
    estimates = _filter_figures(found["estimates"], allowed)
    return {"facility": found["facility"], "documents_total": len(docs), "documents": docs,
            "violations": [], "estimates_total": len(estimates), "estimates": estimates,
            "other_measures": [], "quotes": [q for q in found["quotes"]
                                             if q["document"] in allowed],
            "timeline": [t for t in found["timeline"] if t["kind"] == "status"],
            "points": points, "restricted_to_public": True}


@twin(router, "/estimates", template="estimates.html", summary="Estimates over time")
def estimates_page(request: Request, who: Reader,
        subject: str | None = None, measure: str | None = None) -> dict[str, Any]:
    """Every figure per (subject, measure) with its date and credited source; figures
    that disagree beyond their ranges are flagged. Viewers see public documents' figures."""
    archive = archive_of(request)
    try:
        groups = analyse.estimates(archive, subject=subject or None, measure=measure or None)
    except SillokError as exc:
        raise HTTPException(400, str(exc)) from None
    if not who.can(READ_ALL):
        allowed = _public(archive, _all_documents(groups))
        groups = [g for g in ({**g, "figures": _filter_figures(g["figures"], allowed)}
                              for g in groups) if g["figures"]]
    kb = load_kb()
    return {"subject": subject, "measure": measure, "groups": groups,
            "measures": {k: v.label for k, v in kb.measures.items()},
            "restricted_to_public": not who.can(READ_ALL)}


@twin(router, "/corroboration", template="corroboration.html", summary="Corroboration")
def corroboration_page(request: Request, who: FullReader,
        facility: str | None = None,
                       violation: str | None = None) -> dict[str, Any]:
    """Per facility × violation: documents, independent sources, and how the sources group
    (syndicated copies, near-duplicates and relays of one original count once)."""
    try:
        rows = analyse.corroborate(archive_of(request), facility=facility or None,
                                   violation=violation or None, max_groups=10, sample=5)
    except SillokError as exc:
        raise HTTPException(400, str(exc)) from None
    labels = {k: v.label for k, v in load_kb().violations.items()}
    for row in rows:
        row["name"] = f"{row['facility_label']} · {labels.get(row['violation'], row['violation'])}"
    return {"facility": facility, "violation": violation, "rows": rows,
            "violations": {k: v.label for k, v in load_kb().violations.items()}}


@twin(router, "/matrix", template="matrix.html", summary="Crimes-against-humanity matrix")
def matrix_page(request: Request, who: FullReader,
        facility: str | None = None) -> dict[str, Any]:
    """For each Rome Statute art. 7(1) crime: the facilities and violations that evidence
    it, with document and independent-source counts and the strongest quotes."""
    try:
        rows = analyse.matrix(archive_of(request), facility=facility or None)
    except SillokError as exc:
        raise HTTPException(400, str(exc)) from None
    return {"facility": facility, "crimes": rows}
