"""Pseudonyms: random codes for witnesses (W-…), private persons (P-…) and records (T-…).

A pseudonym is random, never derived from the name, so it reveals nothing. The
same person gets the same pseudonym everywhere: the registry finds a name again
through a keyed hash (HMAC with the archive's ``persons`` data key), and stores the
names themselves only encrypted.

:class:`Pseudonymiser` replaces every known spelling of every name in a text,
tolerant of case, spacing and hyphens ("Kim Young-soon", "KIM Youngsoon"), and
counts what it replaced so the custody log can record it.
"""

from __future__ import annotations

import json
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Connection, select, update

from ..store.custody import utc_now
from .crypto import keyed_index, seal, unseal
from .keys import Vault
from .tables import testimony_persons

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U


def new_pseudonym(prefix: str) -> str:
    """``W-7K3Q-9M2P``: a prefix and eight random characters."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def split_names(entry: str) -> list[str]:
    """"Kim Mi-ok|Mi-ok" → ["Kim Mi-ok", "Mi-ok"]: one person and the spellings to hide."""
    return [name.strip() for name in entry.split("|") if name.strip()]


def person_pseudonym(conn: Connection, vault: Vault, names: list[str]) -> str:
    """The registry pseudonym for a person known by ``names`` (made if new)."""
    key = vault.data_key(conn, "persons")
    indexes = [keyed_index(key, name, "person") for name in names]
    row = conn.execute(select(testimony_persons.c.id, testimony_persons.c.names).where(
        testimony_persons.c.name_index == indexes[0])).first()
    if row is not None:
        known = json.loads(unseal(key, row.names, f"person:{row.id}"))
        merged = known + [n for n in names if n not in known]
        if merged != known:
            conn.execute(update(testimony_persons).where(testimony_persons.c.id == row.id)
                         .values(names=seal(key, json.dumps(merged).encode(),
                                            f"person:{row.id}")))
        return str(row.id)
    pseudonym = new_pseudonym("P")
    conn.execute(testimony_persons.insert().values(
        id=pseudonym, name_index=indexes[0], created_at=utc_now(),
        names=seal(key, json.dumps(names).encode(), f"person:{pseudonym}")))
    return pseudonym


def _name_pattern(name: str) -> str:
    parts = [re.escape(part) for part in re.split(r"[\s\-‐‑·]+", name.strip()) if part]
    return r"[\s\-‐‑·]*".join(parts)


@dataclass
class Pseudonymiser:
    """Replaces names with pseudonyms; ``counts`` says how often each was used."""

    names: dict[str, str] = field(default_factory=dict)  # spelling -> pseudonym
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, pseudonym: str, spellings: list[str]) -> None:
        for spelling in spellings:
            if len(spelling.strip()) >= 2:
                self.names[spelling.strip()] = pseudonym

    def apply(self, text: str) -> str:
        if not self.names or not text:
            return text
        ordered = sorted(self.names, key=len, reverse=True)
        by_pattern = {name: self.names[name] for name in ordered}
        pattern = re.compile(
            r"(?<![A-Za-z0-9])(?:" + "|".join(f"({_name_pattern(n)})" for n in ordered) +
            r")(?![A-Za-z0-9])", re.IGNORECASE)
        spellings = list(by_pattern)

        def replace(match: re.Match[str]) -> str:
            index = next(i for i, group in enumerate(match.groups()) if group is not None)
            pseudonym = by_pattern[spellings[index]]
            self.counts[pseudonym] += 1
            return pseudonym

        return pattern.sub(replace, text)
