"""Consent and clearance: what a role may do with a testimony for a stated purpose.

Every read names a *purpose*. The four consent scopes are purposes; a fifth,
``record-keeping``, lets investigators and admins manage a record (correct it,
record a withdrawal, verify files) whatever its scopes say — it is audited like
every other read and never feeds an export.

============  ==========  ================  ========  =====================
role          identities  exact locations   files     purposes
============  ==========  ================  ========  =====================
admin         yes         yes               yes       all, record-keeping
investigator  yes         yes               yes       all, record-keeping
analyst       pseudonyms  county level      no        the four scopes
viewer        pseudonyms  county level      no        publication only
============  ==========  ================  ========  =====================

A purpose outside a record's consent, or a withdrawn consent, excludes the record
with a message saying why. Exports name a witness only when the witness agreed to
be named, the risk level is not high, the purpose is within consent, the role is
cleared and the caller asked for names; contacts and relatives are never exported.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ConsentRefused
from .model import NAMED, PUBLICATION, SCOPE_LABELS, SCOPES, Consent

ROLES = ("admin", "investigator", "analyst", "viewer")
CLEARED_ROLES = frozenset({"admin", "investigator"})
RECORD_KEEPING = "record-keeping"
PURPOSES = (*SCOPES, RECORD_KEEPING)


@dataclass(frozen=True)
class Access:
    """What one role may see of one record for one purpose."""

    allowed: bool
    reason: str  # why it is refused, or "" when allowed
    identity: bool = False  # real names instead of pseudonyms
    files: bool = False
    redact: bool = True  # apply redaction rules


def check_role_and_purpose(role: str, purpose: str) -> None:
    """Raise :class:`ConsentRefused` for an unknown role or purpose, or one the role lacks."""
    if role not in ROLES:
        raise ConsentRefused(f"no role {role!r}: use one of {', '.join(ROLES)}")
    if purpose not in PURPOSES:
        raise ConsentRefused(f"state a purpose: one of {', '.join(PURPOSES)} "
                             f"(not {purpose!r})")
    if purpose == RECORD_KEEPING and role not in CLEARED_ROLES:
        raise ConsentRefused("record-keeping is for investigators and admins: state the "
                             "analysis purpose you need the testimony for")
    if role == "viewer" and purpose != PUBLICATION:
        raise ConsentRefused("the viewer role may read testimonies only for publication, "
                             "and only those whose witness consented to publication")


def decide(testimony_id: str, consent: Consent, withdrawn_at: str | None, role: str,
           purpose: str) -> Access:
    """The access ``role`` has to one record for ``purpose`` (never raises for consent)."""
    check_role_and_purpose(role, purpose)
    cleared = role in CLEARED_ROLES
    if purpose == RECORD_KEEPING:
        return Access(True, "", identity=True, files=True, redact=False)
    if withdrawn_at:
        return Access(False, f"{testimony_id} is excluded: the witness withdrew consent on "
                             f"{withdrawn_at[:10]}; only record-keeping is possible")
    if purpose not in consent.scopes:
        return Access(False, f"{testimony_id} is excluded: the witness consented to "
                             f"{consent.describe()}, not to {SCOPE_LABELS[purpose]}")
    return Access(True, "", identity=cleared, files=cleared)


def may_name_in_export(consent: Consent, risk_level: str, access: Access) -> tuple[bool, str]:
    """Whether an export may carry the witness's name, and if not, why not."""
    if not access.identity:
        return False, "the role has no clearance for identities"
    if consent.identity != NAMED:
        return False, "the witness asked to stay anonymous"
    if risk_level == "high":
        return False, "the risk level is high: the witness is never named outside Sillok"
    return True, ""
