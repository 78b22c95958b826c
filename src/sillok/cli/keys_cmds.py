"""Commands for the testimony encryption keys (``sillok keys …``) and the audit log
(``sillok audit``); registered by :mod:`.testimony_cmds`.

Secrets never come from the command line (shell history, process lists): the
passphrase comes from ``$SILLOK_PASSPHRASE``, a key file (``--key-file``) or a
hidden prompt; a new passphrase from ``$SILLOK_NEW_PASSPHRASE`` or a prompt.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .. import api, audit
from .. import testimony as t
from ..store.archive import Archive
from .common import archive_from, archive_option, format_option, print_json, print_table, stdout

F = TypeVar("F", bound=Callable[..., Any])
PASSPHRASE_ENV = "SILLOK_PASSPHRASE"
NEW_PASSPHRASE_ENV = "SILLOK_NEW_PASSPHRASE"


def archive_of(ctx: click.Context) -> Archive:
    return api.get_archive(archive_from(ctx))


def key_file_option(func: F) -> F:
    return click.option(
        "--key-file", type=click.Path(dir_okay=False), metavar="PATH",
        help=f"Unlock with this key file instead of the passphrase (${PASSPHRASE_ENV} or a "
             "prompt).")(func)


def _current(key_file: str | None) -> t.Credential:
    if key_file:
        return t.Credential.key_file(key_file)
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        passphrase = click.prompt("Passphrase", hide_input=True, err=True)
    return t.Credential.passphrase(passphrase)


def unlock(archive: Archive, key_file: str | None) -> t.Vault:
    return t.unlock(archive, _current(key_file))


def _new_credential(new_key_file: str | None, use_key_file: str | None) -> t.Credential:
    """A new credential: a generated key file, an existing one, or a new passphrase."""
    if new_key_file:
        credential = t.write_key_file(new_key_file)
        click.echo(f"Wrote a new key file to {new_key_file}. Keep a copy somewhere safe "
                   "and apart from the archive: without it (or a passphrase slot) the "
                   "testimonies cannot be read by anyone.", err=True)
        return credential
    if use_key_file:
        return t.Credential.key_file(use_key_file)
    passphrase = os.environ.get(NEW_PASSPHRASE_ENV)
    if not passphrase:
        passphrase = click.prompt("New passphrase", hide_input=True,
                                  confirmation_prompt=True, err=True)
    return t.Credential.passphrase(passphrase)


def _recovery(path: str) -> t.Credential:
    credential = t.write_key_file(path)
    click.echo(f"Wrote a recovery key to {path}. Print it or copy it to offline media, "
               "store it apart from the archive, then delete it from this computer.", err=True)
    return credential


def register_keys(cli: click.Group) -> None:
    @cli.group()
    def keys() -> None:
        """Testimony encryption keys: create, add a credential, rotate, recover.

        Losing every passphrase, key file and recovery key loses the testimonies.
        """

    @keys.command("init")
    @click.option("--new-key-file", metavar="PATH", help="Generate a key file instead of "
                  "using a passphrase.")
    @click.option("--use-key-file", metavar="PATH", help="Use an existing key file.")
    @click.option("--recovery-out", metavar="PATH", help="Also write a recovery key file.")
    @archive_option
    @click.pass_context
    def keys_init(ctx: click.Context, new_key_file: str | None, use_key_file: str | None,
                  recovery_out: str | None) -> None:
        """Create the master key; the passphrase comes from $SILLOK_NEW_PASSPHRASE or a prompt."""
        archive = api.init_archive(archive_from(ctx))
        credential = _new_credential(new_key_file, use_key_file)
        vault = t.init_keys(archive, credential, user=archive.settings.actor)
        if recovery_out:
            t.add_credential(archive, vault, _recovery(recovery_out),
                             user=archive.settings.actor, recovery=True)
        stdout.print("Testimony keys created. Nothing can read the testimonies without this "
                     "passphrase or key file: keep a recovery key (`sillok keys "
                     "add-recovery`).", highlight=False)

    @keys.command("list")
    @archive_option
    @format_option
    @click.pass_context
    def keys_list(ctx: click.Context, fmt: str) -> None:
        """List the key slots (no key material is shown)."""
        slots = t.list_slots(archive_of(ctx))
        if fmt == "json":
            print_json(slots)
        else:
            print_table(slots, ["id", "kind", "label", "created_at", "created_by"])

    @keys.command("add")
    @key_file_option
    @click.option("--new-key-file", metavar="PATH", help="Generate a new key file to add.")
    @click.option("--use-key-file", metavar="PATH", help="Add an existing key file.")
    @archive_option
    @click.pass_context
    def keys_add(ctx: click.Context, key_file: str | None, new_key_file: str | None,
                 use_key_file: str | None) -> None:
        """Add another passphrase or key file that opens the same keys."""
        archive = archive_of(ctx)
        vault = unlock(archive, key_file)
        slot = t.add_credential(archive, vault, _new_credential(new_key_file, use_key_file),
                                user=archive.settings.actor)
        stdout.print(f"Added key slot {slot}.")

    @keys.command("add-recovery")
    @key_file_option
    @click.option("--out", required=True, metavar="PATH", help="Where to write the recovery key.")
    @archive_option
    @click.pass_context
    def keys_add_recovery(ctx: click.Context, key_file: str | None, out: str) -> None:
        """Write a recovery key file that opens the keys when every passphrase is lost."""
        archive = archive_of(ctx)
        vault = unlock(archive, key_file)
        slot = t.add_credential(archive, vault, _recovery(out), user=archive.settings.actor,
                                recovery=True)
        stdout.print(f"Added recovery slot {slot}.")

    @keys.command("remove")
    @key_file_option
    @click.argument("slot", type=int)
    @archive_option
    @click.pass_context
    def keys_remove(ctx: click.Context, key_file: str | None, slot: int) -> None:
        """Remove a key slot (a leaked or forgotten credential); rotate if it leaked."""
        archive = archive_of(ctx)
        t.remove_slot(archive, unlock(archive, key_file), slot, user=archive.settings.actor)
        stdout.print(f"Removed key slot {slot}.")

    @keys.command("rotate")
    @key_file_option
    @click.option("--new-key-file", metavar="PATH", help="Protect the new master key with a "
                  "generated key file instead of a new passphrase.")
    @click.option("--use-key-file", metavar="PATH", help="…or with an existing key file.")
    @click.option("--recovery-out", metavar="PATH", help="Write a new recovery key (old ones "
                  "stop working).")
    @archive_option
    @click.pass_context
    def keys_rotate(ctx: click.Context, key_file: str | None, new_key_file: str | None,
                    use_key_file: str | None, recovery_out: str | None) -> None:
        """New master key: data keys re-wrapped, every old credential retired."""
        archive = archive_of(ctx)
        vault = unlock(archive, key_file)
        credential = _new_credential(new_key_file, use_key_file)
        t.rotate_master_key(archive, vault, [credential], user=archive.settings.actor,
                            recovery=_recovery(recovery_out) if recovery_out else None)
        stdout.print("Master key rotated. Old passphrases, key files and recovery keys no "
                     "longer open anything." + ("" if recovery_out else
                                                " Make a new recovery key now."),
                     highlight=False)

    @keys.command("check")
    @key_file_option
    @archive_option
    @click.pass_context
    def keys_check(ctx: click.Context, key_file: str | None) -> None:
        """Check that a passphrase or key file opens the keys."""
        unlock(archive_of(ctx), key_file)
        stdout.print("The credential opens this archive's testimony keys.")


def register_audit(cli: click.Group) -> None:
    @cli.command("audit")
    @click.option("--user", metavar="NAME")
    @click.option("--object", "object_id", metavar="ID")
    @click.option("--action", metavar="VERB")
    @click.option("--limit", type=int, default=100, show_default=True)
    @archive_option
    @format_option
    @click.pass_context
    def audit_cmd(ctx: click.Context, user: str | None, object_id: str | None,
                  action: str | None, limit: int, fmt: str) -> None:
        """Show the audit log (who read or changed what, for which purpose), newest first."""
        with archive_of(ctx).reader() as conn:
            entries = audit.audit_entries(conn, user=user, object_id=object_id, action=action,
                                          limit=limit)
        if fmt == "json":
            print_json(entries)
        else:
            print_table([{**e, "at": e["at"][:19], "details": str(e["details"])[:80]}
                         for e in entries],
                        ["at", "user", "action", "object_type", "object_id", "purpose",
                         "details"])
