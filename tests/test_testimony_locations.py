"""Publication safety: sensitive places never more precise than a county outside the
investigator role."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sillok.testimony import Location, coarsen_coordinates_in_text, coarsen_location
from sillok.testimony.locations import GRID_DEGREES

GRAVE = Location("burial-site", "the old orchard", "North Hamgyong", "Hoeryong", 42.4381,
                 129.7501, "forty paces behind the school")


@pytest.mark.parametrize("role", ["analyst", "viewer"])
@pytest.mark.parametrize("kind", ["execution-site", "burial-site", "private-home",
                                  "something-new"])
def test_sensitive_places_are_county_level_outside_the_investigator_role(role: str,
                                                                        kind: str) -> None:
    place = Location(kind, GRAVE.name, GRAVE.province, GRAVE.county, GRAVE.lat, GRAVE.lon,
                     GRAVE.detail)
    shown = coarsen_location(place, role)
    assert shown["precision"] == "county"
    assert shown["name"] == "Hoeryong, North Hamgyong (county level)"
    assert shown["detail"] == "" and "orchard" not in str(shown)
    assert (shown["lat"], shown["lon"]) == (42.375, 129.875)


@pytest.mark.parametrize("role", ["investigator", "admin"])
def test_investigators_see_exact_places(role: str) -> None:
    shown = coarsen_location(GRAVE, role)
    assert shown["precision"] == "exact"
    assert (shown["lat"], shown["lon"], shown["detail"]) == (42.4381, 129.7501, GRAVE.detail)


def test_facilities_are_public_and_dicts_are_accepted() -> None:
    camp = {"kind": "facility", "name": "Kwanliso 15", "lat": 39.84, "lon": 127.09}
    assert coarsen_location(camp, "viewer")["lat"] == 39.84
    assert coarsen_location({"kind": "private-home", "lat": 41.0, "lon": 129.0},
                            "viewer")["name"] == "withheld (county level)"
    assert coarsen_location({"kind": "burial-site"}, "viewer")["lat"] is None


coordinates = st.tuples(st.floats(37.5, 43.0), st.floats(124.0, 131.0))


@given(coordinates, st.sampled_from(["analyst", "viewer"]))
def test_a_coarsened_point_is_a_grid_cell_centre(point: tuple[float, float], role: str) -> None:
    lat, lon = point
    shown = coarsen_location(Location("burial-site", lat=lat, lon=lon), role)
    for original, coarse in ((lat, shown["lat"]), (lon, shown["lon"])):
        assert abs(original - coarse) <= GRID_DEGREES / 2 + 1e-9
        cell = math.floor(original / GRID_DEGREES)
        assert coarse == round((cell + 0.5) * GRID_DEGREES, 3)


@given(coordinates, st.floats(0, GRID_DEGREES * 0.999), st.floats(0, GRID_DEGREES * 0.999))
def test_points_in_one_cell_cannot_be_told_apart(point: tuple[float, float], dlat: float,
                                                 dlon: float) -> None:
    base_lat = math.floor(point[0] / GRID_DEGREES) * GRID_DEGREES
    base_lon = math.floor(point[1] / GRID_DEGREES) * GRID_DEGREES
    first = coarsen_location(Location("private-home", lat=base_lat + 1e-6,
                                      lon=base_lon + 1e-6), "viewer")
    second = coarsen_location(Location("private-home", lat=base_lat + dlat,
                                       lon=base_lon + dlon), "viewer")
    assert (first["lat"], first["lon"]) == (second["lat"], second["lon"])


@pytest.mark.parametrize("written", [
    "shot at 42.4381, 129.7501 in 1999",
    "shot at 42.4381N 129.7501E in 1999",
    "shot at lat 42.4381 lon 129.7501 in 1999",
    "shot at 42.4381° N, 129.7501° E in 1999",
])
def test_coordinates_in_statements_are_coarsened(written: str) -> None:
    text, count = coarsen_coordinates_in_text(written, "analyst")
    assert count == 1 and "4381" not in text and "7501" not in text
    assert text.startswith("shot at [location near 42.375, 129.875, county level]")
    assert text.endswith(" in 1999")
    assert coarsen_coordinates_in_text(written, "investigator") == (written, 0)
