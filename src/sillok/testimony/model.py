"""The testimony record as the intake officer fills it in, and its validation.

Which parts are protected (encrypted at rest) and which are plain:

==================  ==========================================================
protected           witness identity (name, birth year, contacts, relatives
                    still in North Korea), statement text, private persons
                    named, precise locations, attached audio and scans
plain               pseudonyms, interview date, place and interviewer, consent,
                    risk level, linked facilities, violations and periods
==================  ==========================================================
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import InvalidTestimony
from .locations import Location

INTERNAL = "internal-analysis"
UN = "un-sharing"
PROCEEDINGS = "criminal-proceedings"
PUBLICATION = "publication"
SCOPES = (INTERNAL, UN, PROCEEDINGS, PUBLICATION)
SCOPE_LABELS = {INTERNAL: "internal analysis", UN: "sharing with the UN",
                PROCEEDINGS: "criminal proceedings", PUBLICATION: "publication"}
ANONYMISED, NAMED = "anonymised", "named"
RISK_LEVELS = ("low", "medium", "high")
FILE_KINDS = ("audio", "scan", "document", "video")


@dataclass(frozen=True)
class Relative:
    """A family member still in North Korea: the reason identities must never leak."""

    name: str
    relation: str = ""
    whereabouts: str = ""


@dataclass(frozen=True)
class Identity:
    """Who the witness is. Encrypted at rest, shown only to cleared roles."""

    name: str
    birth_year: int | None = None
    contacts: tuple[str, ...] = ()
    relatives: tuple[Relative, ...] = ()
    aliases: tuple[str, ...] = ()  # other spellings of the name, also pseudonymised

    def to_json(self) -> dict[str, Any]:
        value = asdict(self)
        return {key: list(item) if isinstance(item, tuple) else item
                for key, item in value.items()}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Identity:
        return cls(name=value["name"], birth_year=value.get("birth_year"),
                   contacts=tuple(value.get("contacts", ())),
                   relatives=tuple(Relative(**r) for r in value.get("relatives", ())),
                   aliases=tuple(value.get("aliases", ())))


@dataclass(frozen=True)
class Consent:
    """What the witness agreed to: the uses (scopes) and whether they may be named."""

    scopes: frozenset[str]
    identity: str = ANONYMISED
    recorded_on: str | None = None  # the date consent was given

    def describe(self) -> str:
        if not self.scopes:
            return "no use at all"
        return _join([SCOPE_LABELS[s] for s in SCOPES if s in self.scopes])


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass
class TestimonyInput:
    """Everything intake records for one interview."""

    interview_date: str
    interview_place: str
    interviewer: str
    identity: Identity
    consent: Consent
    statement: str
    risk_level: str = "high"
    language: str | None = None
    private_persons: list[str] = field(default_factory=list)  # "Name|Alias" per person
    locations: list[Location] = field(default_factory=list)
    facilities: list[str] = field(default_factory=list)  # KB ids or any spelling
    violations: list[str] = field(default_factory=list)  # KB violation ids
    periods: list[str] = field(default_factory=list)  # "1997", "1997-2003"
    witness_id: str | None = None  # an existing witness giving another testimony


PERIOD = re.compile(r"^(1[89]\d\d|20\d\d)(?:-(1[89]\d\d|20\d\d))?$")


def parse_date(value: str, fieldname: str = "interview_date") -> str:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidTestimony(fieldname, f"{value!r} is not a date (use YYYY-MM-DD)") from None
    if day > dt.date.today():
        raise InvalidTestimony(fieldname, f"{day} is in the future")
    return day.isoformat()


def check_scopes(values: Iterable[str]) -> frozenset[str]:
    scopes = frozenset(v.strip() for v in values if v.strip())
    unknown = sorted(scopes - set(SCOPES))
    if unknown:
        raise InvalidTestimony("consent", f"unknown scope {unknown[0]!r}: use "
                               f"{', '.join(SCOPES)}")
    return scopes


def validate(record: TestimonyInput) -> TestimonyInput:
    """Check every field; raise :class:`InvalidTestimony` naming the first bad one."""
    record.interview_date = parse_date(record.interview_date)
    for name in ("interview_place", "interviewer", "statement"):
        if not str(getattr(record, name)).strip():
            raise InvalidTestimony(name, "is empty")
    if not record.identity.name.strip() and not record.witness_id:
        raise InvalidTestimony("witness_name", "is empty")
    year = record.identity.birth_year
    if year is not None and not 1900 <= year <= dt.date.today().year:
        raise InvalidTestimony("birth_year", f"{year} is not a plausible year of birth")
    if record.risk_level not in RISK_LEVELS:
        raise InvalidTestimony("risk_level", f"{record.risk_level!r} is not one of "
                               f"{', '.join(RISK_LEVELS)}")
    check_scopes(record.consent.scopes)
    if record.consent.identity not in (ANONYMISED, NAMED):
        raise InvalidTestimony("identity_consent", f"{record.consent.identity!r} is neither "
                               f"{ANONYMISED} nor {NAMED}")
    if record.consent.recorded_on:
        parse_date(record.consent.recorded_on, "consent_date")
    for period in record.periods:
        match = PERIOD.match(period.strip())
        if not match or (match.group(2) and match.group(2) < match.group(1)):
            raise InvalidTestimony("periods", f"{period!r} is not a year or a range of "
                                   "years such as 1997-2003")
    return record
