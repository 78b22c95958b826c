"""Intake: storing a testimony, linking it to the knowledge base, changing consent.

The statement runs through the same extractor as every document; only the ids it
finds (facilities, violations) and the years it mentions are stored in plain, as
links. The statement itself, the private persons and the precise locations are
sealed together with the testimony's data key; the witness identity is sealed
apart, with the witness's own key, in another table.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update

from ..ids import sha256_bytes
from ..kb import load_kb
from ..store.archive import Archive
from ..store.custody import utc_now
from .consent import CLEARED_ROLES
from .crypto import keyed_index, seal, unseal
from .errors import ConsentRefused, InvalidTestimony, TestimonyNotFound
from .files import FileInput, store_file
from .keys import Vault
from .model import Consent, Identity, TestimonyInput, check_scopes, validate
from .pseudonyms import new_pseudonym, person_pseudonym, split_names
from .redaction import add_rule
from .tables import testimonies, testimony_links, witnesses

_YEAR = r"(19[4-9]\d|20[0-4]\d)"
_RANGES = re.compile(
    rf"(?<!\d){_YEAR}년?\s*(?:-|–|—|~|to|until|till|through|부터)\s*{_YEAR}(?!\d)|"
    rf"between\s+{_YEAR}\s+and\s+{_YEAR}(?!\d)", re.IGNORECASE)
_SINGLE = re.compile(rf"(?<!\d){_YEAR}(?!\d)")


@dataclass
class AddResult:
    """What intake stored: the new ids and what the statement was linked to."""

    testimony_id: str
    witness_id: str
    facilities: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def find_periods(text: str) -> list[str]:
    """Years and ranges of years a statement mentions: "1997-2003", "1999"."""
    periods: list[str] = []
    covered: list[tuple[int, int]] = []
    for match in _RANGES.finditer(text):
        start, end = (match.group(1), match.group(2)) if match.group(1) else \
            (match.group(3), match.group(4))
        if start <= end:
            periods.append(f"{start}-{end}")
            covered.append(match.span())
    for match in _SINGLE.finditer(text):
        if not any(a <= match.start() < b for a, b in covered):
            periods.append(match.group(1))
    return sorted(set(periods))


def resolve_facility(value: str) -> str:
    """A knowledge-base facility id from an id or any spelling of its name."""
    kb = load_kb()
    if value in kb.facilities:
        return value
    found = {facility.id for facility in kb.facility_by_name(value)}
    if len(found) == 1:
        return found.pop()
    if not found:
        raise InvalidTestimony("facilities", f"{value!r} is not a facility in the knowledge "
                               "base: look it up with `sillok kb facilities`")
    raise InvalidTestimony("facilities", f"{value!r} names several facilities "
                           f"({', '.join(sorted(found))}): give the id")


def resolve_violation(value: str) -> str:
    kb = load_kb()
    if value in kb.violations:
        return value
    raise InvalidTestimony("violations", f"{value!r} is not a violation category: use one of "
                           f"{', '.join(sorted(kb.violations))}")


def _links(record: TestimonyInput, testimony_id: str) -> dict[str, dict[str, str]]:
    from ..extract import extract_text

    found = extract_text(record.statement, document=testimony_id,
                         sha256=sha256_bytes(record.statement.encode()),
                         language=record.language)
    links: dict[str, dict[str, str]] = {"facility": {}, "violation": {}, "period": {}}
    for item in found.get("facilities", []):
        links["facility"][item["id"]] = "extracted"
    for item in found.get("violations", []):
        links["violation"][item["id"]] = "extracted"
    for period in find_periods(record.statement):
        links["period"][period] = "extracted"
    for value in record.facilities:
        links["facility"][resolve_facility(value)] = "given"
    for value in record.violations:
        links["violation"][resolve_violation(value)] = "given"
    for value in record.periods:
        links["period"][value.strip()] = "given"
    return links


def _witness(conn: Connection, vault: Vault, record: TestimonyInput, user: str,
             warnings: list[str]) -> str:
    persons_key = vault.data_key(conn, "persons")
    index = keyed_index(persons_key, record.identity.name, "witness")
    if record.witness_id:
        if conn.execute(select(witnesses.c.id).where(
                witnesses.c.id == record.witness_id)).first() is None:
            raise InvalidTestimony("witness_id", f"no witness {record.witness_id}")
        return record.witness_id
    same = [row.id for row in conn.execute(select(witnesses.c.id).where(
        witnesses.c.name_index == index))]
    if same:
        warnings.append(f"a witness with the same name is already recorded as "
                        f"{', '.join(same)}: if it is the same person, give --witness next "
                        "time so their testimonies stay together")
    witness_id = new_pseudonym("W")
    key = vault.new_data_key(conn, f"witness:{witness_id}")
    conn.execute(witnesses.insert().values(
        id=witness_id, name_index=index, created_at=utc_now(), created_by=user,
        identity=seal(key, json.dumps(record.identity.to_json()).encode(),
                      f"witness:{witness_id}:identity")))
    return witness_id


def insert_testimony(conn: Connection, archive: Archive, vault: Vault, record: TestimonyInput,
                     *, user: str, source: str, files: Sequence[FileInput] = (),
                     written: list[Path]) -> AddResult:
    """Store one validated record inside the caller's transaction."""
    validate(record)
    testimony_id = new_pseudonym("T")
    links = _links(record, testimony_id)
    warnings: list[str] = []
    witness_id = _witness(conn, vault, record, user, warnings)
    relatives = list(record.identity.relatives)
    if record.witness_id:  # a returning witness: their recorded relatives are hidden too
        relatives += identity_of(conn, vault, witness_id).relatives
    persons: list[dict[str, Any]] = []
    for relative in relatives:
        if relative.name.strip() and all(relative.name not in p["names"] for p in persons):
            persons.append({"id": person_pseudonym(conn, vault, [relative.name]),
                            "names": [relative.name], "relation": relative.relation})
    for entry in record.private_persons:
        names = split_names(entry)
        if names:
            persons.append({"id": person_pseudonym(conn, vault, names), "names": names,
                            "relation": ""})
    payload = {"statement": record.statement, "persons": persons,
               "locations": [place.to_json() for place in record.locations]}
    key = vault.new_data_key(conn, f"testimony:{testimony_id}")
    now = utc_now()
    consent = record.consent
    conn.execute(testimonies.insert().values(
        id=testimony_id, witness_id=witness_id, interview_date=record.interview_date,
        interview_place=record.interview_place.strip(), interviewer=record.interviewer.strip(),
        language=record.language, risk_level=record.risk_level,
        consent_scopes=sorted(consent.scopes), consent_identity=consent.identity,
        consent_recorded=consent.recorded_on, consent_withdrawn_at=None,
        protected=seal(key, json.dumps(payload).encode(), f"testimony:{testimony_id}"),
        source=source, created_at=now, created_by=user, updated_at=now))
    for kind, values in links.items():
        for value, origin in sorted(values.items()):
            conn.execute(testimony_links.insert().values(
                testimony_id=testimony_id, kind=kind, value=value, origin=origin))
    archive.log_event(conn, "testimony-add", "testimony", testimony_id, None, {
        "witness": witness_id, "source": source, "user": user,
        "scopes": sorted(consent.scopes), "risk": record.risk_level})
    file_ids = [store_file(conn, archive, vault, testimony_id, item, user=user,
                           written=written) for item in files]
    return AddResult(testimony_id, witness_id, sorted(links["facility"]),
                     sorted(links["violation"]), sorted(links["period"]), file_ids, warnings)


def discard(written: list[Path]) -> None:
    """Remove encrypted files written by a transaction that did not commit."""
    for path in written:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def add_testimony(archive: Archive, vault: Vault, record: TestimonyInput, *, user: str,
                  files: Sequence[FileInput] = (), source: str = "cli") -> AddResult:
    """Validate, encrypt and store one testimony with its files, in one transaction."""
    written: list[Path] = []
    try:
        with archive.writer() as conn:
            return insert_testimony(conn, archive, vault, record, user=user, source=source,
                                    files=files, written=written)
    except BaseException:
        discard(written)
        raise


def attach_files(archive: Archive, vault: Vault, testimony_id: str, files: Sequence[FileInput],
                 *, user: str) -> list[str]:
    """Add audio, scans or other files to a stored testimony."""
    written: list[Path] = []
    try:
        with archive.writer() as conn:
            row = load_row(conn, testimony_id)
            return [store_file(conn, archive, vault, row.id, item, user=user, written=written)
                    for item in files]
    except BaseException:
        discard(written)
        raise


def load_row(conn: Connection, testimony_id: str) -> Any:
    """The testimony row for an id (or unambiguous prefix of one)."""
    ref = testimony_id.strip().upper()
    exact = conn.execute(select(testimonies).where(testimonies.c.id == ref)).first()
    if exact is not None:
        return exact
    rows = list(conn.execute(select(testimonies).where(testimonies.c.id.like(f"{ref}%"))
                             .limit(2))) if len(ref) >= 4 else []
    if not rows:
        raise TestimonyNotFound(f"no testimony {testimony_id!r}: see `sillok testimony list`")
    if len(rows) > 1:
        raise TestimonyNotFound(f"{testimony_id!r} matches several testimonies: give more "
                                "characters")
    return rows[0]


def protected_payload(conn: Connection, vault: Vault, row: Any) -> dict[str, Any]:
    key = vault.data_key(conn, f"testimony:{row.id}")
    value: dict[str, Any] = json.loads(unseal(key, row.protected, f"testimony:{row.id}"))
    return value


def identity_of(conn: Connection, vault: Vault, witness_id: str) -> Identity:
    row = conn.execute(select(witnesses).where(witnesses.c.id == witness_id)).first()
    if row is None:
        raise TestimonyNotFound(f"no witness {witness_id}")
    key = vault.data_key(conn, f"witness:{witness_id}")
    return Identity.from_json(json.loads(unseal(key, row.identity,
                                                f"witness:{witness_id}:identity")))


def consent_of(row: Any) -> Consent:
    return Consent(frozenset(row.consent_scopes), row.consent_identity, row.consent_recorded)


def change_consent(archive: Archive, testimony_id: str, *, user: str, role: str, reason: str,
                   scopes: Sequence[str] | None = None, identity: str | None = None,
                   withdraw: bool = False) -> dict[str, Any]:
    """Record new consent, or its withdrawal, with who and why in the custody log."""
    if role not in CLEARED_ROLES:
        raise ConsentRefused("only investigators and admins record consent")
    if not reason.strip():
        raise InvalidTestimony("reason", "say why consent changes (for example: \"witness "
                               "called on 2026-11-02 and withdrew\")")
    with archive.writer() as conn:
        row = load_row(conn, testimony_id)
        values: dict[str, Any] = {"updated_at": utc_now()}
        if withdraw:
            values["consent_withdrawn_at"] = values["updated_at"]
        if scopes is not None:
            values["consent_scopes"] = sorted(check_scopes(scopes))
        if identity is not None:
            if identity not in ("anonymised", "named"):
                raise InvalidTestimony("identity_consent", "use anonymised or named")
            values["consent_identity"] = identity
        conn.execute(update(testimonies).where(testimonies.c.id == row.id).values(**values))
        change = {"before": {"scopes": row.consent_scopes, "identity": row.consent_identity,
                             "withdrawn": row.consent_withdrawn_at},
                  "after": {"scopes": values.get("consent_scopes", row.consent_scopes),
                            "identity": values.get("consent_identity", row.consent_identity),
                            "withdrawn": values.get("consent_withdrawn_at",
                                                    row.consent_withdrawn_at)},
                  "reason": reason.strip(), "user": user}
        archive.log_event(conn, "consent-withdraw" if withdraw else "consent-change",
                          "testimony", row.id, None, change)
    return change


def add_redaction(archive: Archive, vault: Vault, testimony_id: str, term: str, *, user: str,
                  role: str, reason: str) -> str:
    """Hide ``term`` in every output of one testimony; returns the rule label (R<n>)."""
    if role not in CLEARED_ROLES:
        raise ConsentRefused("only investigators and admins add redactions")
    with archive.writer() as conn:
        row = load_row(conn, testimony_id)
        return f"R{add_rule(conn, archive, vault, row.id, term, user=user, reason=reason)}"
