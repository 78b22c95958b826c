"""Turning a stored testimony into what one role may see for one purpose.

The single place where consent, clearance, pseudonyms, redactions and location
coarsening are applied, so views, search and exports cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from ..kb import load_kb
from ..store.archive import Archive
from .consent import Access, may_name_in_export
from .files import file_meta, file_rows
from .keys import Vault
from .locations import coarsen_coordinates_in_text, coarsen_location
from .model import PUBLICATION
from .pseudonyms import Pseudonymiser
from .records import consent_of, identity_of, protected_payload
from .redaction import apply_rules, log_applied, rules_for
from .tables import testimony_links


@dataclass
class Rendered:
    """One testimony as shown, and what was hidden on the way."""

    record: dict[str, Any]
    pseudonyms: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    withheld: list[str] = field(default_factory=list)


def links_of(conn: Connection, testimony_id: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"facility": [], "violation": [], "period": []}
    for row in conn.execute(select(testimony_links).where(
            testimony_links.c.testimony_id == testimony_id).order_by(testimony_links.c.value)):
        found.setdefault(row.kind, []).append(row.value)
    return found


def metadata_of(conn: Connection, row: Any) -> dict[str, Any]:
    """The plain (unencrypted) part of a record, with knowledge-base names."""
    kb = load_kb()
    links = links_of(conn, row.id)
    return {
        "id": row.id,
        "witness": row.witness_id,
        "interview": {"date": row.interview_date, "place": row.interview_place,
                      "interviewer": row.interviewer},
        "language": row.language,
        "risk_level": row.risk_level,
        "consent": {"scopes": list(row.consent_scopes), "identity": row.consent_identity,
                    "recorded_on": row.consent_recorded,
                    "withdrawn_at": row.consent_withdrawn_at},
        "facilities": [{"id": f, "name": kb.facilities[f].names[0] if f in kb.facilities
                        else f} for f in links["facility"]],
        "violations": [{"id": v, "label": kb.violations[v].label if v in kb.violations
                        else v} for v in links["violation"]],
        "periods": links["period"],
        "created_at": row.created_at,
    }


def render(conn: Connection, vault: Vault, row: Any, access: Access, *, role: str,
           purpose: str, export: bool = False, include_identities: bool = False) -> Rendered:
    """The record as ``role`` may see it; ``export`` applies the stricter export rules."""
    payload = protected_payload(conn, vault, row)
    identity = identity_of(conn, vault, row.witness_id)
    consent = consent_of(row)
    out = Rendered(metadata_of(conn, row))
    show_witness = access.identity
    if export:
        named, why = may_name_in_export(consent, row.risk_level, access)
        show_witness = named and include_identities
        if not show_witness:
            out.withheld.append(f"witness identity: {why}" if not named else
                                "witness identity: names were not requested (--named)")
    elif not access.identity:
        out.withheld.append(f"witness identity and private persons: the {role} role has no "
                            "clearance for identities")
    pseudonymiser = Pseudonymiser()
    if not show_witness:
        pseudonymiser.add(row.witness_id, [identity.name, *identity.aliases])
    if export or not access.identity:
        # Identity fields are hidden inside the statement too: contacts, relatives'
        # names and where they live, and every private person named.
        for contact in identity.contacts:
            pseudonymiser.add("[contact withheld]", [contact])
        by_name = {name: p["id"] for p in payload["persons"] for name in p["names"]}
        for relative in identity.relatives:
            if relative.whereabouts:
                owner = by_name.get(relative.name, "a relative")
                pseudonymiser.add(f"[whereabouts of {owner}]", [relative.whereabouts])
        for person in payload["persons"]:
            pseudonymiser.add(person["id"], person["names"])
    statement = str(payload["statement"])
    if access.redact:
        statement = apply_rules(statement, rules_for(conn, vault, row.id), out.rules)
    statement = pseudonymiser.apply(statement)
    precision_role = "viewer" if export and purpose == PUBLICATION else role
    statement, moved = coarsen_coordinates_in_text(statement, precision_role)
    if moved:
        out.withheld.append(f"{moved} coordinate pair(s) in the statement: county level only")
    out.pseudonyms = pseudonymiser.counts
    record = out.record
    record["statement"] = statement
    record["identity"] = None
    if show_witness and export:
        record["identity"] = {"name": identity.name, "birth_year": identity.birth_year}
    elif show_witness:
        record["identity"] = identity.to_json()
    record["persons"] = [
        {"pseudonym": p["id"], "relation": p["relation"],
         **({"names": p["names"]} if access.identity and not export else {})}
        for p in payload["persons"]]
    record["locations"] = [coarsen_location(place, precision_role)
                           for place in payload["locations"]]
    if any(place["precision"] == "county" for place in record["locations"]):
        out.withheld.append("sensitive sites (execution, burial, homes): county level only")
    record["files"] = [_file_entry(conn, vault, f) for f in file_rows(conn, row.id)] \
        if access.files and not export else []
    if not access.files and file_rows(conn, row.id):
        out.withheld.append(f"audio and scanned files: the {role} role may not open them")
    elif export and file_rows(conn, row.id):
        out.withheld.append("audio and scanned files are never exported")
    record["notices"] = list(out.withheld) + [
        f"{label} redacted ({count}×)" for label, count in sorted(out.rules.items())]
    return out


def _file_entry(conn: Connection, vault: Vault, row: Any) -> dict[str, Any]:
    meta = file_meta(conn, vault, row)
    return {key: meta[key] for key in ("id", "kind", "name", "media_type", "size", "added_at")}


def log_output(conn: Connection, archive: Archive, rendered: Rendered, *, user: str, role: str,
               purpose: str, output: str) -> None:
    log_applied(conn, archive, rendered.record["id"], user=user, role=role, purpose=purpose,
                output=output, pseudonyms=rendered.pseudonyms, rules=rendered.rules,
                withheld=rendered.withheld)
