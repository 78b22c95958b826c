"""Redaction rules: words or phrases of one testimony that no output may show.

A rule holds the term (encrypted with the testimony's data key) and the reason;
outputs replace the term with ``[redacted R<n>]``. Adding a rule, and every view
or export that replaced anything — pseudonyms or redactions — is written to the
custody log with what (rule numbers and pseudonyms, never the hidden text), who,
when and why.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from ..store.archive import Archive
from ..store.custody import utc_now
from .crypto import seal, unseal
from .errors import InvalidTestimony
from .keys import Vault
from .tables import testimony_redactions


@dataclass(frozen=True)
class Rule:
    id: int
    term: str
    reason: str


def add_rule(conn: Connection, archive: Archive, vault: Vault, testimony_id: str, term: str,
             *, user: str, reason: str) -> int:
    """Store a rule inside the caller's transaction and log it; return its number."""
    term = term.strip()
    if len(term) < 2:
        raise InvalidTestimony("term", "give at least two characters to redact")
    if not reason.strip():
        raise InvalidTestimony("reason", "say why the text is redacted")
    if term.casefold() in reason.casefold():
        raise InvalidTestimony("reason", "the reason must not repeat the redacted text: it is "
                               "stored unencrypted in the custody log")
    key = vault.data_key(conn, f"testimony:{testimony_id}")
    result = conn.execute(testimony_redactions.insert().values(
        testimony_id=testimony_id, term=seal(key, term.encode(), f"redaction:{testimony_id}"),
        reason=reason.strip(), created_by=user, created_at=utc_now()))
    inserted = result.inserted_primary_key
    assert inserted is not None
    rule_id = int(inserted[0])
    archive.log_event(conn, "redaction-add", "testimony", testimony_id, None,
                      {"rule": f"R{rule_id}", "reason": reason.strip(), "user": user,
                       "length": len(term)})
    return rule_id


def rules_for(conn: Connection, vault: Vault, testimony_id: str) -> list[Rule]:
    rows = list(conn.execute(select(testimony_redactions).where(
        testimony_redactions.c.testimony_id == testimony_id).order_by(
        testimony_redactions.c.id)))
    if not rows:
        return []
    key = vault.data_key(conn, f"testimony:{testimony_id}")
    return [Rule(row.id, unseal(key, row.term, f"redaction:{testimony_id}").decode(),
                 row.reason) for row in rows]


def apply_rules(text: str, rules: list[Rule], counts: Counter[str]) -> str:
    """Replace each rule's term (case-insensitive), counting replacements per rule."""
    for rule in sorted(rules, key=lambda r: len(r.term), reverse=True):
        label = f"R{rule.id}"
        text, hits = re.subn(re.escape(rule.term), f"[redacted {label}]", text,
                             flags=re.IGNORECASE)
        if hits:
            counts[label] += hits
    return text


def log_applied(conn: Connection, archive: Archive, testimony_id: str, *, user: str, role: str,
                purpose: str, output: str, pseudonyms: Counter[str], rules: Counter[str],
                withheld: list[str]) -> None:
    """One custody entry per output that hid anything: what, who, when (the entry), why."""
    if not pseudonyms and not rules and not withheld:
        return
    details: dict[str, Any] = {
        "output": output, "user": user, "role": role, "purpose": purpose,
        "pseudonyms": dict(sorted(pseudonyms.items())),
        "rules": dict(sorted(rules.items())), "withheld": withheld,
        "why": _why(role, pseudonyms, rules),
    }
    archive.log_event(conn, "redact", "testimony", testimony_id, None, details)


def _why(role: str, pseudonyms: Counter[str], rules: Counter[str]) -> str:
    reasons = []
    if pseudonyms:
        reasons.append(f"names replaced by pseudonyms: the {role} role has no clearance for "
                       "identities, or the output leaves Sillok")
    if rules:
        reasons.append("redaction rules of the record (reasons in their redaction-add entries)")
    if not reasons:
        reasons.append("identity fields withheld")
    return "; ".join(reasons)
