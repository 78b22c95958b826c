"""Testimonies with witness protection: intake, encryption, consent, pseudonyms, redaction.

The one API the CLI and the web application call::

    from sillok import testimony as t
    vault = t.unlock(archive, t.Credential.passphrase(os.environ["SILLOK_PASSPHRASE"]))
    added = t.add_testimony(archive, vault, record, user="kim")
    shown = t.view_testimony(archive, vault, added.testimony_id, user="lee",
                             role="analyst", purpose="internal-analysis")

Modules: :mod:`.model` (the record), :mod:`.keys` and :mod:`.crypto` (encryption),
:mod:`.consent` (who may see what), :mod:`.pseudonyms`, :mod:`.redaction`,
:mod:`.locations` (county-level coarsening), :mod:`.records` (intake),
:mod:`.views` and :mod:`.export` (reading), :mod:`.importer` (CSV and Excel).
"""

from __future__ import annotations

from .consent import CLEARED_ROLES, PURPOSES, RECORD_KEEPING, ROLES
from .crypto import KdfParams
from .errors import (
    ConsentRefused,
    ImportFailed,
    InvalidTestimony,
    RowError,
    TestimonyError,
    TestimonyNotFound,
    VaultError,
)
from .export import export_testimonies
from .files import FileInput, FileProblem, check_files, verify_files
from .importer import import_testimonies, load_mapping
from .intake import record_from_dict
from .keys import (
    Credential,
    Vault,
    add_credential,
    init_keys,
    key_text,
    list_slots,
    parse_key_text,
    remove_slot,
    rotate_master_key,
    unlock,
    write_key_file,
)
from .locations import Location, coarsen_coordinates_in_text, coarsen_location
from .model import (
    ANONYMISED,
    NAMED,
    RISK_LEVELS,
    SCOPES,
    Consent,
    Identity,
    Relative,
    TestimonyInput,
)
from .records import AddResult, add_redaction, add_testimony, attach_files, change_consent
from .views import list_testimonies, read_testimony_file, search_testimonies, view_testimony

__all__ = [
    "ANONYMISED", "CLEARED_ROLES", "NAMED", "PURPOSES", "RECORD_KEEPING", "RISK_LEVELS",
    "ROLES", "SCOPES", "AddResult", "Consent", "ConsentRefused", "Credential", "FileInput",
    "FileProblem", "Identity", "ImportFailed", "InvalidTestimony", "KdfParams", "Location",
    "Relative",
    "RowError", "TestimonyError", "TestimonyInput", "TestimonyNotFound", "Vault", "VaultError",
    "add_credential", "add_redaction", "add_testimony", "attach_files", "change_consent",
    "check_files", "coarsen_coordinates_in_text", "coarsen_location", "export_testimonies",
    "import_testimonies", "init_keys", "key_text", "list_slots", "list_testimonies",
    "load_mapping", "parse_key_text", "read_testimony_file", "record_from_dict", "remove_slot",
    "rotate_master_key", "search_testimonies", "unlock", "verify_files", "view_testimony",
    "write_key_file",
]
