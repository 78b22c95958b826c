"""Roles and what each may do.

==============  ============================================================
role            may
==============  ============================================================
viewer          read public material only (documents marked public, the map,
                facility facts from the knowledge base)
analyst         read everything, review extracted mentions and claims
investigator    read and write: upload, mark documents public, review
admin           everything, plus accounts and the audit log
==============  ============================================================
"""

from __future__ import annotations

from ..exc import SillokError

READ_PUBLIC = "read_public"
READ_ALL = "read_all"
REVIEW = "review"
WRITE = "write"
ADMIN = "admin"

PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({READ_PUBLIC}),
    "analyst": frozenset({READ_PUBLIC, READ_ALL, REVIEW}),
    "investigator": frozenset({READ_PUBLIC, READ_ALL, REVIEW, WRITE}),
    "admin": frozenset({READ_PUBLIC, READ_ALL, REVIEW, WRITE, ADMIN}),
}
ROLES = tuple(PERMISSIONS)
ALL_PERMISSIONS = (READ_PUBLIC, READ_ALL, REVIEW, WRITE, ADMIN)


class UnknownRole(SillokError):
    """A role name that is not one of :data:`ROLES`."""


def check_role(role: str) -> str:
    if role not in PERMISSIONS:
        raise UnknownRole(f"no role {role!r}: use one of {', '.join(ROLES)}")
    return role


def allows(role: str, permission: str) -> bool:
    """Whether ``role`` has ``permission``."""
    return permission in PERMISSIONS.get(role, frozenset())
