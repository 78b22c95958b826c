"""Read Korea Future's North Korean Prison Database (NKPD) export into facility facts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exc import ConfigError

# NKPD "type" -> knowledge-base facility type
TYPE_MAP = {
    "Political Prison Camp": "kwanliso",
    "Re-education Camp": "kyohwaso",
    "Holding Centre": "jipkyulso",
    "Labour Training Centre": "rodong-danryeondae",
    "Labour Training Camp": "rodong-danryeondae",
    "Detention Centre": "kuryujang",
    "Waiting Room": "waiting-room",
    "Office": "office",
    "Closed Detention Facility": "closed-detention-facility",
    "Kkotjebi Relief Station": "relief-station",
    "Other": "other-facility",
}
AGENCY_MAP = {
    "Ministry of People's Security": "ministry-of-social-security",
    "Ministry of State Security": "ministry-of-state-security",
    "Military Security Command": "military-security-command",
    "People's Committee of North Korea": "peoples-committee",
    "Korean People’s Army": "korean-peoples-army",
    "Korean People's Army": "korean-peoples-army",
    "Workers' Party of Korea": "workers-party-of-korea",
}
STATUS_MAP = {"Operative": "operating", "Closed": "closed", "Unknown": "unknown"}
# Type words that can carry a facility number ("Labour Training Camp No. 606")
_NUMBERED = re.compile(
    r"(?:No\.\s*(?P<n1>\d+)\s+(?:Labour Training Camp|Re-education Camp|Political Prison Camp))"
    r"|(?:(?:Labour Training Camp|Re-education Camp|Political Prison Camp)\s+No\.\s*(?P<n2>\d+))"
)
_LEAD = re.compile(
    r"^(?P<place>[A-Z][\w'’\-]+)(?: \((?P<alt>[A-Z][\w\-]+)\))? (?P<level>County|City|Province\b"
    r"|Provincial)?"
)
_SUB = re.compile(r"\b(?:County|City) (?P<sub>[A-Z][\w]*-(?:ri|dong|gu|up)|[A-Z]\w+(?= District))")
_TAIL = re.compile(r"\((?P<place>[A-Z][a-z]+)\)$|\bin (?P<in>[A-Z][a-z]+)$")
_NOT_PLACES = {"Children's", "Traveller", "Nonggundae", "Sangmu", "North", "South"}
_NOT_PLACE_HEAD = re.compile(r"^\d|^(North|South) ")


@dataclass
class NkpdFacts:
    """What one NKPD record says, as structured data."""

    record: str
    name: str
    type: str
    number: int | None
    province: str | None
    county: str | None
    places: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    agency: str | None = None
    status: str = "unknown"
    as_of: str | None = None
    url: str | None = None


def _places(name: str) -> tuple[list[str], str | None]:
    places: list[str] = []
    county: str | None = None
    lead = _LEAD.match(name)
    if lead and not _NOT_PLACE_HEAD.match(name) and lead.group("place") not in _NOT_PLACES:
        level = lead.group("level")
        if level in ("County", "City") or level is None:
            places.append(lead.group("place"))
            if lead.group("alt"):
                places.append(lead.group("alt"))
            if level in ("County", "City"):
                county = lead.group("place")
    if sub := _SUB.search(name):
        places.append(sub.group("sub"))
    if tail := _TAIL.search(name):
        place = tail.group("place") or tail.group("in")
        if place not in _NOT_PLACES:
            places.append(place)
    return places, county


def _coordinate(raw: dict[str, Any], key: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ConfigError(f"NKPD record {raw.get('id')}: {key} {value!r} is not a number")
    try:
        return round(float(value), 6)
    except ValueError:
        raise ConfigError(f"NKPD record {raw.get('id')}: {key} {value!r} is not a number"
                          ) from None


def facts_from(raw: dict[str, Any]) -> NkpdFacts:
    """Structured facts of one NKPD record; :class:`ConfigError` says what is wrong."""
    if not isinstance(raw, dict):
        raise ConfigError(f"NKPD record {raw!r} is not an object")
    for key in ("id", "name"):
        if not str(raw.get(key) or "").strip():
            raise ConfigError(f"NKPD record {raw.get('id')}: {key} is missing")
    name = re.sub(r"\s+", " ", str(raw["name"])).strip()
    kind = TYPE_MAP.get(str(raw.get("type")))
    if kind is None:
        raise ConfigError(
            f"NKPD record {raw.get('id')}: unknown type {raw.get('type')!r}; "
            "add it to TYPE_MAP in kb/nkpd.py"
        )
    numbered = _NUMBERED.search(name)
    number = int(numbered.group("n1") or numbered.group("n2")) if numbered else None
    places, county = _places(name)
    lat, lon = _coordinate(raw, "lat"), _coordinate(raw, "lon")
    if (lat is None) != (lon is None) or (lat is not None and not -90 <= lat <= 90) or \
            (lon is not None and not -180 <= lon <= 180):
        raise ConfigError(f"NKPD record {raw['id']}: coordinates {lat}, {lon} are not a "
                          "latitude and longitude")
    edited = raw.get("edited")
    return NkpdFacts(
        record=str(raw["id"]),
        name=name,
        type=kind,
        number=number,
        province=str(raw["province"]) if raw.get("province") else None,
        county=county,
        places=places,
        lat=lat,
        lon=lon,
        agency=AGENCY_MAP.get(str(raw.get("agency"))),
        status=STATUS_MAP.get(str(raw.get("status")), "unknown"),
        as_of=str(edited) if edited else None,
        url=str(raw["url"]) if raw.get("url") else None,
    )


@dataclass(frozen=True)
class NkpdFile:
    """An NKPD export as read: when it was retrieved, from where, and the raw records."""

    path: Path
    retrieved: str
    url: str | None
    records: list[dict[str, Any]]


def load_nkpd(path: Path) -> NkpdFile:
    """The NKPD facilities.json export, checked for its shape (records not parsed yet)."""
    try:
        data = json.loads(path.read_bytes())
        records = data["facilities"]
        if not isinstance(records, list):
            raise TypeError("'facilities' is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not an NKPD facilities file ({exc})") from None
    url = data.get("url")
    return NkpdFile(path, str(data.get("scrapedAt", ""))[:10], str(url) if url else None,
                    records)


def read_nkpd(path: Path) -> tuple[str, list[NkpdFacts]]:
    """(retrieval date, records) from the NKPD facilities.json export."""
    loaded = load_nkpd(path)
    records: list[NkpdFacts] = []
    for number, raw in enumerate(loaded.records, 1):
        try:
            records.append(facts_from(raw))
        except ConfigError as exc:
            raise ConfigError(f"{path} record {number}: {exc}") from None
    return loaded.retrieved, records
