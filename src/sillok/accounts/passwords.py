"""Password hashing with Argon2id (argon2-cffi's recommended parameters) and the
password rules every account must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..exc import SillokError

MIN_LENGTH = 10
MAX_LENGTH = 1024  # hashing is deliberately slow; refuse megabyte "passwords"

_hasher = PasswordHasher()
# Verifying against this hash when the user does not exist takes as long as a real
# check, so response time does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("sillok-no-such-user-placeholder")


class WeakPassword(SillokError):
    """A new password does not meet the rules."""


def check_rules(password: str, username: str | None = None) -> None:
    """Raise :class:`WeakPassword` naming the rule a new password breaks."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_LENGTH} characters")
    if username and password.strip().lower() == username.strip().lower():
        raise WeakPassword("the password must not be the username")


def hash_password(password: str) -> str:
    """An Argon2id hash in PHC format (algorithm, parameters and salt included)."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; ``stored_hash`` None burns the same time and fails."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)
