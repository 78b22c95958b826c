"""Testimony keys: a master key in key slots, per-record data keys wrapped by it.

::

    passphrase ──Argon2id──┐
    key file ──────────────┼─> slot key ──unwraps──> master key ──unwraps──> data keys
    recovery key file ─────┘    (one per slot)      (random, 256 bits)     (one per witness,
                                                                             testimony, …)

Nothing that opens a ciphertext is stored: the database holds only wrapped keys
(useless without a passphrase or key file) and the Argon2id salt and cost.

- *Adding a credential* (a second passphrase, a key file, a recovery key) adds a
  slot that wraps the same master key.
- *Rotating* makes a new master key, re-wraps every data key with it (files and
  ciphertexts are untouched) and replaces every slot, in one transaction; old
  passphrases, key files and recovery keys stop working.
- *Losing every credential loses the data.* There is no back door.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from ..store.archive import Archive
from ..store.custody import utc_now
from .crypto import SALT_BYTES, KdfParams, derive_key, new_key, seal, unseal
from .errors import VaultError
from .tables import testimony_data_keys, testimony_keyslots

KEY_FILE_PREFIX = "SILLOK-KEY-1:"
PASSPHRASE_MIN = 12
_PREFIX = re.compile(r"\s*SILLOK[\s\-]*KEY[\s\-]*1\s*:", re.IGNORECASE)  # as copied by hand


@dataclass(frozen=True)
class Credential:
    """Something that opens a key slot: a passphrase, or the secret of a key file."""

    kind: str  # passphrase | key-file
    secret: bytes = field(repr=False)
    label: str = ""

    @classmethod
    def passphrase(cls, text: str, label: str = "passphrase") -> Credential:
        if not text:
            raise VaultError("the passphrase is empty")
        return cls("passphrase", text.encode("utf-8"), label)

    @classmethod
    def key_file(cls, path: str | os.PathLike[str]) -> Credential:
        """Read a key file written by :func:`write_key_file`."""
        target = Path(path)
        try:
            content = target.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            raise VaultError(f"no key file at {target}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise VaultError(f"cannot read the key file {target}: {exc}") from None
        return cls("key-file", parse_key_text(content, str(target)), target.name)


def parse_key_text(content: str, where: str = "the key") -> bytes:
    """The 32-byte secret in ``SILLOK-KEY-1:XXXX-XXXX-…`` (dashes and spaces ignored)."""
    prefix = _PREFIX.match(content)
    if prefix is None:
        raise VaultError(f"{where} is not a Sillok key file (it must start {KEY_FILE_PREFIX})")
    body = "".join(ch for ch in content[prefix.end():] if ch.isalnum()).upper()
    try:
        secret = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError:
        raise VaultError(f"{where} is damaged: it is not valid base32") from None
    if len(secret) != 32:
        raise VaultError(f"{where} is damaged: it holds {len(secret)} bytes, not 32")
    return secret


def key_text(secret: bytes) -> str:
    """The printable form of a key: safe to write on paper as a recovery copy."""
    body = base64.b32encode(secret).decode("ascii").rstrip("=")
    return KEY_FILE_PREFIX + "-".join(body[i:i + 4] for i in range(0, len(body), 4))


def write_key_file(path: str | os.PathLike[str]) -> Credential:
    """Create a new random key file (mode 0600); refuses to overwrite an existing file."""
    target = Path(path)
    secret = secrets.token_bytes(32)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise VaultError(f"{target} exists: Sillok never overwrites a key file") from None
    except OSError as exc:
        raise VaultError(f"cannot create the key file {target}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key_text(secret) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return Credential("key-file", secret, target.name)


def _slot_key(credential: Credential, kdf: dict[str, Any] | None) -> bytes:
    if credential.kind == "passphrase":
        if kdf is None:
            raise VaultError("a passphrase slot without key-derivation parameters")
        params, salt = KdfParams.from_json(kdf)
        return derive_key(credential.secret.decode("utf-8"), salt, params)
    return hmac.new(credential.secret, b"sillok key-file slot", hashlib.sha256).digest()


class Vault:
    """The unlocked master key of one archive, held in memory only."""

    def __init__(self, master: bytes, generation: str) -> None:
        self._master = master
        self.generation = generation
        self._keys: dict[str, bytes] = {}

    def __repr__(self) -> str:
        return f"<Vault generation={self.generation}>"

    def data_key(self, conn: Connection, key_id: str) -> bytes:
        """The data key ``key_id``, unwrapped."""
        if key_id in self._keys:
            return self._keys[key_id]
        row = conn.execute(select(testimony_data_keys).where(
            testimony_data_keys.c.id == key_id)).first()
        if row is None:
            raise VaultError(f"no data key {key_id}: the record was never stored or its key "
                             "was removed")
        if row.generation != self.generation:
            raise VaultError("the master key was rotated since these keys were unlocked: "
                             "unlock again with the new passphrase or key file")
        key = unseal(self._master, row.wrapped, f"data-key:{key_id}")
        self._keys[key_id] = key
        return key

    def new_data_key(self, conn: Connection, key_id: str) -> bytes:
        """Make, wrap and store a data key inside the caller's transaction."""
        key = new_key()
        conn.execute(testimony_data_keys.insert().values(
            id=key_id, wrapped=seal(self._master, key, f"data-key:{key_id}"),
            generation=self.generation, created_at=utc_now()))
        self._keys[key_id] = key
        return key

    def _wrap_master(self, credential: Credential, kdf: KdfParams | None
                     ) -> tuple[dict[str, Any] | None, bytes]:
        kdf_json = (kdf or KdfParams()).to_json(os.urandom(SALT_BYTES)) \
            if credential.kind == "passphrase" else None
        return kdf_json, seal(_slot_key(credential, kdf_json), self._master, "master-key")


def keys_initialised(conn: Connection) -> bool:
    return bool(conn.execute(select(func.count()).select_from(testimony_keyslots)).scalar_one())


def _check_new(credential: Credential) -> None:
    if credential.kind == "passphrase" and len(credential.secret) < PASSPHRASE_MIN:
        raise VaultError(f"the passphrase must have at least {PASSPHRASE_MIN} characters: "
                         "several unrelated words are easy to remember and hard to guess")


def _add_slot(conn: Connection, vault: Vault, credential: Credential, *, kind: str,
              user: str, kdf: KdfParams | None) -> int:
    _check_new(credential)
    kdf_json, wrapped = vault._wrap_master(credential, kdf)
    result = conn.execute(testimony_keyslots.insert().values(
        kind=kind, label=credential.label or kind, kdf=kdf_json, wrapped_master=wrapped,
        generation=vault.generation, created_at=utc_now(), created_by=user))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def init_keys(archive: Archive, credential: Credential, *, user: str,
              kdf: KdfParams | None = None) -> Vault:
    """Create the master key and its first slot. Refuses if keys already exist."""
    vault = Vault(new_key(), secrets.token_hex(8))
    with archive.writer() as conn:
        if keys_initialised(conn):
            raise VaultError("this archive already has testimony keys: use `sillok keys add` "
                             "or `sillok keys rotate`")
        slot = _add_slot(conn, vault, credential, kind=credential.kind, user=user, kdf=kdf)
        vault.new_data_key(conn, "persons")
        archive.log_event(conn, "keys-init", "keys", "testimony-keys", None,
                          {"slot": slot, "kind": credential.kind, "user": user})
    return vault


def unlock(archive: Archive, credential: Credential) -> Vault:
    """The master key, opened with a passphrase or key file that fits one of the slots."""
    kinds = ("passphrase",) if credential.kind == "passphrase" else ("key-file", "recovery")
    with archive.reader() as conn:
        if not keys_initialised(conn):
            raise VaultError("this archive has no testimony keys yet: run `sillok keys init`")
        slots = list(conn.execute(select(testimony_keyslots).where(
            testimony_keyslots.c.kind.in_(kinds))))
    for slot in slots:
        try:
            master = unseal(_slot_key(credential, slot.kdf), slot.wrapped_master, "master-key")
        except VaultError:
            continue
        return Vault(master, slot.generation)
    what = "passphrase" if credential.kind == "passphrase" else f"key file {credential.label}"
    raise VaultError(f"the {what} does not open this archive's testimony keys")


def list_slots(archive: Archive) -> list[dict[str, Any]]:
    """The key slots: id, kind, label, who made each and when (no key material)."""
    with archive.reader() as conn:
        rows = conn.execute(select(
            testimony_keyslots.c.id, testimony_keyslots.c.kind, testimony_keyslots.c.label,
            testimony_keyslots.c.generation, testimony_keyslots.c.created_at,
            testimony_keyslots.c.created_by).order_by(testimony_keyslots.c.id))
        return [dict(row._mapping) for row in rows]


def add_credential(archive: Archive, vault: Vault, credential: Credential, *, user: str,
                   recovery: bool = False, kdf: KdfParams | None = None) -> int:
    """Add a slot for another passphrase, key file or recovery key; return its id."""
    kind = "recovery" if recovery else credential.kind
    if recovery and credential.kind != "key-file":
        raise VaultError("a recovery key is a key file: create one with `sillok keys "
                         "add-recovery --out FILE`")
    with archive.writer() as conn:
        slot = _add_slot(conn, vault, credential, kind=kind, user=user, kdf=kdf)
        archive.log_event(conn, "key-slot-add", "keys", "testimony-keys", None,
                          {"slot": slot, "kind": kind, "user": user})
    return slot


def remove_slot(archive: Archive, vault: Vault, slot_id: int, *, user: str) -> None:
    """Remove a slot (a forgotten or leaked credential). The last slot cannot go."""
    with archive.writer() as conn:
        slots = {row.id: row.generation for row in conn.execute(select(
            testimony_keyslots.c.id, testimony_keyslots.c.generation))}
        if slot_id not in slots:
            raise VaultError(f"no key slot {slot_id}: see `sillok keys list`")
        if len(slots) == 1:
            raise VaultError("this is the last key slot: removing it would lose every "
                             "testimony. Add another credential first")
        conn.execute(delete(testimony_keyslots).where(testimony_keyslots.c.id == slot_id))
        archive.log_event(conn, "key-slot-remove", "keys", "testimony-keys", None,
                          {"slot": slot_id, "user": user})


def rotate_master_key(archive: Archive, vault: Vault, credentials: list[Credential], *,
                      user: str, recovery: Credential | None = None,
                      kdf: KdfParams | None = None) -> Vault:
    """A new master key: every data key re-wrapped, every slot replaced, in one transaction.

    Ciphertexts and files stay as they are (their data keys do not change). The old
    credentials, including old recovery keys, no longer open anything; give a new
    ``recovery`` key file to keep a recovery slot.
    """
    if not credentials:
        raise VaultError("rotation needs at least one new passphrase or key file")
    fresh = Vault(new_key(), secrets.token_hex(8))
    with archive.writer() as conn:
        rows = list(conn.execute(select(testimony_data_keys.c.id)))
        for row in rows:
            key = vault.data_key(conn, row.id)
            conn.execute(update(testimony_data_keys).where(testimony_data_keys.c.id == row.id)
                         .values(wrapped=seal(fresh._master, key, f"data-key:{row.id}"),
                                 generation=fresh.generation))
        removed = conn.execute(delete(testimony_keyslots)).rowcount
        for credential in credentials:
            _add_slot(conn, fresh, credential, kind=credential.kind, user=user, kdf=kdf)
        if recovery is not None:
            _add_slot(conn, fresh, recovery, kind="recovery", user=user, kdf=kdf)
        archive.log_event(conn, "key-rotate", "keys", "testimony-keys", None, {
            "data_keys_rewrapped": len(rows), "slots_removed": removed,
            "slots_added": len(credentials) + (recovery is not None), "user": user})
    vault.generation = "rotated"
    vault._keys.clear()
    return fresh
