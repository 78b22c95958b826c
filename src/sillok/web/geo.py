"""The offline map: North Korea's provinces (Natural Earth, public domain; see
``data/LICENSE-map-data.md``) and facility points, drawn as SVG on the server.

The projection is equirectangular with longitudes shrunk by cos(40°N), which keeps
shapes right at this latitude; no tiles, no script, nothing fetched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from ..kb import Facility, load_kb
from .state import DATA

PROVINCES_FILE = DATA / "north-korea-provinces.geojson"
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 124.1, 130.8, 37.55, 43.05
WIDTH = 760
SHRINK = math.cos(math.radians(40))
SCALE = WIDTH / ((LON_MAX - LON_MIN) * SHRINK)
HEIGHT = round((LAT_MAX - LAT_MIN) * SCALE)


def project(lon: float, lat: float) -> tuple[float, float]:
    return round((lon - LON_MIN) * SHRINK * SCALE, 1), round((LAT_MAX - lat) * SCALE, 1)


@cache
def provinces() -> dict[str, Any]:
    """The packaged GeoJSON FeatureCollection."""
    data: dict[str, Any] = json.loads(PROVINCES_FILE.read_text(encoding="utf-8"))
    return data


def _path(polygons: list[list[list[list[float]]]]) -> str:
    parts: list[str] = []
    for polygon in polygons:
        for ring in polygon:
            points = [project(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
    return "".join(parts)


@dataclass(frozen=True)
class Point:
    id: str
    name: str
    type: str
    province: str | None
    lat: float
    lon: float
    precision: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def facility_points(facilities: Iterable[Facility] | None = None) -> list[Point]:
    """One point per facility with coordinates (the first coordinate the KB lists)."""
    chosen = load_kb().facilities.values() if facilities is None else facilities
    points = []
    for facility in chosen:
        if facility.coordinates:
            where = facility.coordinates[0]
            points.append(Point(facility.id, facility.names[0], facility.type, facility.province,
                                where.lat, where.lon, where.precision, where.source))
    return points


def map_svg(points: Iterable[Point], *, highlight: str | None = None,
            title: str = "Facilities in North Korea") -> Markup:
    """The whole map as an inline ``<svg>``; each point links to its facility page."""
    out = [f'<svg class="map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title>", '<g class="provinces">']
    labels = []
    for feature in provinces()["features"]:
        props = feature["properties"]
        out.append(f'<path class="province" d="{_path(feature["geometry"]["coordinates"])}">'
                   f'<title>{escape(props["name"])} ({escape(props["name_ko"])})</title></path>')
        x, y = project(props["label_lon"], props["label_lat"])
        labels.append(f'<text class="province-label" x="{x}" y="{y}" text-anchor="middle">'
                      f'{escape(props["name"])}</text>')
    out += ["</g>", '<g class="labels">', *labels, "</g>", '<g class="facilities">']
    ordered = sorted(points, key=lambda p: p.id == highlight)  # highlighted point on top
    for point in ordered:
        x, y = project(point.lon, point.lat)
        mark = " highlight" if point.id == highlight else ""
        radius = 8 if mark else 4.5
        out.append(f'<a href="/facilities/{escape(point.id)}" class="facility ft-'
                   f'{escape(point.type)}{mark}"><circle cx="{x}" cy="{y}" r="{radius}">'
                   f'<title>{escape(point.name)} — {escape(point.type)}, '
                   f'{escape(point.province or "province unknown")} ({escape(point.precision)}, '
                   f'{escape(point.source)})</title></circle></a>')
    out += ["</g>", '<text class="attribution" x="6" y="' + str(HEIGHT - 6) + '">Boundaries: '
            "Natural Earth (public domain), approximate</text>", "</svg>"]
    return Markup("".join(out))
