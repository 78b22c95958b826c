"""Read the HRNK prison-camp map (JSON copy or the original KML) into facility facts.

Only facts are taken from a placemark: number, type, place names and spellings,
province, coordinates (the placemark and any "second location" given in degrees),
the estimated number of prisoners, closure dates and the linked HRNK report. HRNK's
description prose is parsed, never copied.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exc import ConfigError

KML_NS = "{http://www.opengis.net/kml/2.2}"


@dataclass(frozen=True)
class Placemark:
    """One map point as published: title, free-text description, position, icon style."""

    name: str
    description: str
    lat: float
    lon: float
    style: str


@dataclass
class HrnkFacts:
    """What one placemark says, as structured data."""

    record: str
    type: str
    number: int | None
    place: str
    province: str | None
    lat: float
    lon: float
    names: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    extra_sites: list[tuple[float, float, str]] = field(default_factory=list)
    estimate: tuple[int | None, int | None] | None = None
    statuses: list[tuple[str, str | None]] = field(default_factory=list)
    reports: list[tuple[str, str]] = field(default_factory=list)


def _reject_entities(data: bytes, path: Path) -> None:
    # Defuse XML bombs and external entities: a map export never needs a DTD.
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data.upper():
        raise ConfigError(f"{path} declares a DTD or entities: refusing to parse it as KML")


def _kml_text(element: ET.Element | None) -> str:
    if element is None or element.text is None:
        return ""
    text = re.sub(r"<br\s*/?>", "\n", element.text, flags=re.IGNORECASE)
    return re.sub(r"<[^>]+>", "", text)


def read_kml(path: Path) -> tuple[str, list[Placemark]]:
    """Placemarks of a Google My Maps KML export (the URL is not recorded in KML)."""
    data = path.read_bytes()
    _reject_entities(data, path)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ConfigError(f"{path} is not valid KML: {exc}") from None
    marks: list[Placemark] = []
    for number, mark in enumerate(root.iter(f"{KML_NS}Placemark"), 1):
        coords = _kml_text(mark.find(f"{KML_NS}Point/{KML_NS}coordinates")).strip()
        if not coords:
            continue
        try:
            lon, lat = (float(v) for v in coords.split(",")[:2])
        except ValueError:
            raise ConfigError(f"{path} placemark {number}: coordinates {coords!r} are not "
                              "'longitude,latitude[,altitude]'") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ConfigError(f"{path} placemark {number}: coordinates {coords!r} are out of "
                              "range (KML gives longitude first, then latitude)")
        marks.append(
            Placemark(
                name=_kml_text(mark.find(f"{KML_NS}name")).strip(),
                description=_kml_text(mark.find(f"{KML_NS}description")),
                lat=lat,
                lon=lon,
                style=_kml_text(mark.find(f"{KML_NS}styleUrl")).strip(),
            )
        )
    return "", marks


@dataclass(frozen=True)
class HrnkFile:
    """An HRNK map file as read: retrieval date and URL (JSON copy only), placemarks."""

    path: Path
    retrieved: str
    url: str | None
    marks: list[Placemark]


def load_hrnk(path: Path) -> HrnkFile:
    """HRNK's camps.json copy or a KML export of the map (detected by the first byte)."""
    data = path.read_bytes()
    if data.lstrip()[:1] == b"<":
        retrieved, marks = read_kml(path)
        return HrnkFile(path, retrieved, None, marks)
    try:
        raw: dict[str, Any] = json.loads(data)
        marks = [
            Placemark(
                str(c["name"]),
                str(c.get("description") or ""),
                float(c["lat"]),
                float(c["lon"]),
                str(c.get("style") or ""),
            )
            for c in raw["camps"]
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not an HRNK camps file ({exc})") from None
    url = raw.get("url")
    return HrnkFile(path, str(raw.get("scrapedAt", ""))[:10], str(url) if url else None, marks)


def read_hrnk(path: Path) -> tuple[str, list[Placemark]]:
    """(retrieval date or "", placemarks) from HRNK's camps.json copy or a KML file."""
    loaded = load_hrnk(path)
    return loaded.retrieved, loaded.marks


_DMS = re.compile(
    r"(\d{1,3})°\s*(\d{1,2})[’'′]\s*([\d.]+)[”\"″]?\s*([NS])\s*,?\s*"
    r"(\d{1,3})°\s*(\d{1,2})[’'′]\s*([\d.]+)[”\"″]?\s*([EW])"
)
_EXTRA_SITE = re.compile(
    r"A (?:second|third|fourth) location associated with this camp(?P<mid>[^°]*?)\blocated "
    r"(?:in (?P<place>[A-Z][\w’'\-]*) at |at )(?P<dms>[^\n]+)"
)
_KNOWN_AS = re.compile(r"known as (?P<known>.+?)(?: is)?\s*$")
_ALSO = re.compile(
    r"(?:also\s+transliterated\s+as|sometimes\s+known\s+as)\s+(?P<list>[^.\n]+?)"
    r"(?=,\s+(?:the|which|while|is)\b|\.|\n|$)",
    re.IGNORECASE,
)
_ESTIMATE = re.compile(r"Estimated # of Prisoners:\s*(?P<value>[^\n]+)")
_REPORT = re.compile(r"in this (?P<year>\d{4}) HRNK report:\s*(?P<url>https?://\S+)")
_CLOSED = re.compile(r"closed\s+around\s+(?P<year>\d{4})")
_DECOMMISSIONED = re.compile(r"by\s+(?P<year>\d{4}),[^.]*decommissioned")
_REOPENED = re.compile(r"operational again|appear to be in operation")


def _dms(text: str) -> tuple[float, float] | None:
    match = _DMS.search(text)
    if not match:
        return None
    d1, m1, s1, h1, d2, m2, s2, h2 = match.groups()
    lat = int(d1) + int(m1) / 60 + float(s1) / 3600
    lon = int(d2) + int(m2) / 60 + float(s2) / 3600
    return (round(-lat if h1 == "S" else lat, 6), round(-lon if h2 == "W" else lon, 6))


def parse_estimate(value: str) -> tuple[int | None, int | None] | None:
    """'15,000' -> (15000, 15000); 'Up to 50,000' -> (None, 50000); 'Over 500' -> (500, None)."""
    numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", value)]
    if not numbers:
        return None
    lowered = value.lower()
    if re.match(r"\s*(up to|fewer than|less than)", lowered):
        return (None, numbers[0])
    if re.match(r"\s*(over|more than|at least)", lowered):
        return (numbers[0], None)
    if len(numbers) >= 2:
        return (numbers[0], numbers[1])
    return (numbers[0], numbers[0])


def _spellings(text: str) -> list[str]:
    found: list[str] = []
    for match in _ALSO.finditer(text):
        for item in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group("list")):
            item = item.strip().strip(".")
            if re.fullmatch(r"[A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*)*", item) and "No" not in item:
                found.append(item)
    return found


def _title(name: str) -> tuple[str, str, int | None, str, str | None]:
    """(record title, type, number, main place, province) from a placemark name."""
    title, _, rest = name.partition("\n")
    province = re.sub(r"\s+(Province|City)$", "", rest.strip()) or None
    if match := re.fullmatch(r"Camp (\d+), (.+)", title):
        return title, "kwanliso", int(match[1]), match[2], province
    if match := re.fullmatch(r"Kyo-hwa-so No\. (\d+), (.+)", title):
        return title, "kyohwaso", int(match[1]), match[2], province
    if match := re.fullmatch(r"(.+?) Kyo-hwa-so", title):
        return title, "kyohwaso", None, match[1], province
    if match := re.fullmatch(r"Facility at (.+)", title):
        # HRNK: unconfirmed sites whose imagery matches known kyo-hwa-so
        return title, "kyohwaso", None, match[1], province
    if match := re.fullmatch(r"(.+?) Restricted Area", title):
        return title, "kwanliso", None, match[1], province
    raise ConfigError(f"HRNK placemark {title!r}: unknown title pattern; extend kb/hrnk.py")


def _location_places(description: str) -> tuple[list[str], list[str]]:
    """Places (and facility names such as 'Hamhung City Prison') on the first text line."""
    lines = [line.strip() for line in description.splitlines() if line.strip()]
    if not lines:
        return [], []
    places: list[str] = []
    names: list[str] = []
    for part in re.split(r"[,./]\s*", lines[0]):
        part = part.strip()
        if not part or re.search(r"\d|°|Province", part) or part == "Pyongyang":
            continue
        if re.search(r"\b(Prison|Camp)\b", part):
            names.append(part)
        elif re.fullmatch(r"[A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*)?", part):
            places.append(part)
    return places, names


def facts_from(mark: Placemark, retrieved: str) -> HrnkFacts:
    """Structured facts of one placemark."""
    record, kind, number, place, province = _title(mark.name)
    desc = mark.description
    facts = HrnkFacts(record, kind, number, place, province, round(mark.lat, 6), round(mark.lon, 6))
    places, names = _location_places(desc)
    spellings = _spellings(desc)
    facts.places = [place, *places, *(s for s in spellings if "Kyo-hwa-so" not in s)]
    facts.names = [*names, *(s for s in spellings if "Kyo-hwa-so" in s)]
    for match in _EXTRA_SITE.finditer(desc):
        position = _dms(match.group("dms"))
        known = _KNOWN_AS.search(match.group("mid").strip())
        site = match.group("place") or (known.group("known") if known else "")
        if known and re.search(r"\b(Prison|Camp)\b", known.group("known")):
            facts.names.append(known.group("known"))
        elif known:
            facts.places.append(known.group("known"))
        if match.group("place"):
            facts.places.append(match.group("place"))
        if position:
            facts.extra_sites.append((position[0], position[1], site))
    if estimate := _ESTIMATE.search(desc):
        facts.estimate = parse_estimate(estimate.group("value"))
    for match in _REPORT.finditer(desc):
        facts.reports.append((match.group("year"), match.group("url")))
    closed = _CLOSED.search(desc) or _DECOMMISSIONED.search(desc)
    if closed:
        facts.statuses.append(("closed", closed.group("year")))
    colour = mark.style.rsplit("-", 1)[-1].upper()
    current = {"DB4436": "operating", "F8971B": "operating", "000000": "closed"}.get(
        colour, "unknown"
    )
    if _REOPENED.search(desc):
        current = "unknown"
    if not (closed and current == "closed"):
        facts.statuses.append((current, retrieved or None))
    return facts
