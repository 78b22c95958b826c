"""Publication safety for places: sensitive sites never more precise than a county.

Execution sites, burial sites and private homes are shown with exact coordinates
and descriptions only to roles with location clearance (investigator, and admin,
which holds every investigator right). Everyone else gets the county and province,
and coordinates moved to the centre of a 0.25° grid cell (about 28 × 21 km at
North Korea's latitudes, the size of an average county) — enough for a map, not
enough to find a grave or a family's house.

Free text is handled too: :func:`coarsen_coordinates_in_text` replaces coordinate
pairs written in a statement.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SENSITIVE_KINDS = frozenset({"execution-site", "burial-site", "private-home"})
LOCATION_KINDS = ("execution-site", "burial-site", "private-home", "facility", "other")
PRECISE_LOCATION_ROLES = frozenset({"investigator", "admin"})
GRID_DEGREES = 0.25


@dataclass(frozen=True)
class Location:
    """A place a testimony describes."""

    kind: str
    name: str = ""
    province: str = ""
    county: str = ""
    lat: float | None = None
    lon: float | None = None
    detail: str = ""  # "behind the school, by the river" — never shown coarsened

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "province": self.province,
                "county": self.county, "lat": self.lat, "lon": self.lon, "detail": self.detail}

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Location:
        lat, lon = value.get("lat"), value.get("lon")
        return cls(kind=str(value.get("kind") or "other"), name=str(value.get("name") or ""),
                   province=str(value.get("province") or ""),
                   county=str(value.get("county") or ""),
                   lat=None if lat is None else float(lat),
                   lon=None if lon is None else float(lon),
                   detail=str(value.get("detail") or ""))


def _snap(value: float) -> float:
    return round((math.floor(value / GRID_DEGREES) + 0.5) * GRID_DEGREES, 3)


def may_see_precise(role: str) -> bool:
    return role in PRECISE_LOCATION_ROLES


def coarsen_location(location: Location | Mapping[str, Any], role: str) -> dict[str, Any]:
    """The location as ``role`` may see it, with ``precision`` saying which it is.

    Sensitive kinds (and unknown kinds, to be safe) are coarsened to county level
    for every role without location clearance; facilities and other public places
    are returned as they are.
    """
    place = location if isinstance(location, Location) else Location.from_json(location)
    shown = place.to_json()
    sensitive = place.kind in SENSITIVE_KINDS or place.kind not in LOCATION_KINDS
    if not sensitive or may_see_precise(role):
        return {**shown, "precision": "exact"}
    label = ", ".join(part for part in (place.county, place.province) if part)
    return {
        "kind": place.kind,
        "name": f"{label} (county level)" if label else "withheld (county level)",
        "province": place.province,
        "county": place.county,
        "lat": None if place.lat is None else _snap(place.lat),
        "lon": None if place.lon is None else _snap(place.lon),
        "detail": "",
        "precision": "county",
    }


# "41.2345, 129.1234", "41.2345N 129.1234E", "lat 41.2345 lon 129.1234"
_COORDS = re.compile(
    r"(?:lat(?:itude)?\s*[:=]?\s*)?(?P<lat>[-+]?\d{1,2}\.\d{2,})(?:\s*°)?(?:\s*[NS]\b)?"
    r"\s*[,;/ ]\s*(?:lon(?:gitude)?\s*[:=]?\s*)?(?P<lon>[-+]?\d{1,3}\.\d{2,})(?:\s*°)?"
    r"(?:\s*[EW]\b)?", re.IGNORECASE)


def coarsen_coordinates_in_text(text: str, role: str) -> tuple[str, int]:
    """Replace coordinate pairs in free text for roles without location clearance.

    Returns the text and how many pairs were replaced. Any decimal pair is treated
    as sensitive: a statement gives no kind for the place it names.
    """
    if may_see_precise(role):
        return text, 0

    replaced = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal replaced
        lat, lon = float(match["lat"]), float(match["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return match[0]
        replaced += 1
        return f"[location near {_snap(lat)}, {_snap(lon)}, county level]"

    return _COORDS.sub(replace, text), replaced
