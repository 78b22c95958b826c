"""Errors of the testimony stage, all :class:`sillok.exc.SillokError` subclasses.

    SillokError
    └── TestimonyError
        ├── VaultError         no key, wrong passphrase or key file, damaged ciphertext
        ├── ConsentRefused     the record's consent (or the role) does not allow this use
        ├── TestimonyNotFound  no testimony or witness with that id
        ├── InvalidTestimony   a field has a value Sillok cannot accept (says which)
        └── ImportFailed       rows of an import file are invalid; nothing was imported
"""

from __future__ import annotations

from dataclasses import dataclass

from ..exc import SillokError


class TestimonyError(SillokError):
    """Root of the testimony stage's errors."""


class VaultError(TestimonyError):
    """The keys are missing, the credential is wrong, or a ciphertext does not verify."""


class ConsentRefused(TestimonyError):
    """The witness's consent, or the caller's role, does not allow what was asked."""


class TestimonyNotFound(TestimonyError):
    """No testimony, witness or file has the id given."""


class InvalidTestimony(TestimonyError):
    """A field of a testimony has a value that cannot be accepted."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class RowError:
    """One problem in an import file: row number as a spreadsheet shows it, column, why."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}: {self.reason}"


class ImportFailed(TestimonyError):
    """An import file has invalid rows; the message lists every one."""

    def __init__(self, source: str, errors: list[RowError]) -> None:
        shown = "\n  ".join(str(error) for error in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{source}: {len(errors)} problem(s), nothing was imported:\n  "
                         f"{shown}{more}")
        self.errors = errors
