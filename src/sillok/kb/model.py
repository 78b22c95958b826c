"""Knowledge-base records: frozen dataclasses, name folding and the lookup object."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Coordinate:
    """Approximate location of a facility as published by ``source``."""

    lat: float
    lon: float
    source: str
    precision: str = "approximate"
    url: str | None = None


@dataclass(frozen=True)
class Status:
    """Operating status ("operating", "closed", "unknown") as of a date, per a source."""

    value: str
    as_of: str | None
    source: str
    url: str | None = None


@dataclass(frozen=True)
class Estimate:
    """A published prisoner-population estimate (``None`` bound = open-ended)."""

    low: int | None
    high: int | None
    as_of: str | None
    source: str
    url: str | None = None


@dataclass(frozen=True)
class Reference:
    """One record in a reference source that describes the facility."""

    source: str
    record: str
    url: str | None = None


@dataclass(frozen=True)
class FacilityType:
    id: str
    label: str
    label_ko: str
    names: list[str]
    description: str
    agency: str | None = None
    linked: bool = True
    link_facilities: bool = True


@dataclass(frozen=True)
class Facility:
    id: str
    type: str
    number: int | None
    names: list[str]
    places: list[str]
    province: str | None
    county: str | None
    coordinates: list[Coordinate]
    agency: str | None
    status: list[Status]
    population_estimates: list[Estimate]
    sources: list[str]
    references: list[Reference] = field(default_factory=list)
    agency_source: str | None = None


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    name_ko: str
    aliases: list[str]
    linked: bool = True


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    kind: str
    aliases: list[str]
    linked: bool = True
    exact: list[str] = field(default_factory=list)
    # the vocabulary organisation this one is a body of ("nkhr-records-center" is part of
    # the Ministry of Unification: "south-korean-government"); extraction emits that id
    part_of: str | None = None


@dataclass(frozen=True)
class ViolationCategory:
    id: str
    label: str
    label_ko: str
    rome_statute: list[str]
    description: str


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    description: str


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    url: str
    retrieved: str
    organization: str | None = None
    note: str = ""


_APOSTROPHES = str.maketrans({c: "" for c in "'’‘ʼʻ`´\u02bc\u2018\u2019"})
_NON_WORD = re.compile(r"[^0-9a-z\uac00-\ud7a3\u3131-\u318e]+")


def normalize_name(text: str) -> str:
    """Fold a name for lookup: NFKD, no diacritics/breves, lower case, only letters and digits.

    "Ch'oma-bong", "Choma bong" and "CHOMABONG" all fold to "chomabong"; Hangul is
    kept (recomposed) so "제15호 관리소" folds to "제15호관리소".
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub("", unicodedata.normalize("NFC", stripped).lower())


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the extractor and the analysts look up, keyed by id."""

    facility_types: Mapping[str, FacilityType]
    facilities: Mapping[str, Facility]
    agencies: Mapping[str, Agency]
    organizations: Mapping[str, Organization]
    violations: Mapping[str, ViolationCategory]
    measures: Mapping[str, Measure]
    sources: Mapping[str, Source]
    _by_name: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _by_place: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def facility_by_name(self, text: str) -> list[Facility]:
        """Facilities whose name (or, failing that, place) folds to the same key as ``text``.

        A place such as "Kaechon" that hosts several facilities returns all of them:
        the caller decides from context.
        """
        key = normalize_name(text)
        ids = self._by_name.get(key) or self._by_place.get(key) or ()
        return [self.facilities[i] for i in ids]

    def facilities_at(self, place: str) -> list[Facility]:
        """Facilities listing ``place`` among their places."""
        return [self.facilities[i] for i in self._by_place.get(normalize_name(place), ())]
