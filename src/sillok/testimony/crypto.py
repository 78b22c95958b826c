"""Authenticated encryption and key derivation, on the `cryptography` package.

- ``seal``/``unseal``: ChaCha20-Poly1305 with a random 96-bit nonce. Every call
  binds a *context* string as associated data (for example
  ``"testimony:T-…:statement"``), so a ciphertext moved to another record or field
  fails to open instead of being read as the wrong thing.
- ``derive_key``: Argon2id from a passphrase, with the salt and cost stored beside
  the key slot so a later version can raise the cost for new slots.
- ``keyed_index``: HMAC-SHA-256 of a normalised name, so a repeat witness or person
  is found again without the name being stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from .errors import VaultError

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
FORMAT = b"\x01"  # ciphertext layout version: FORMAT + nonce + ciphertext-with-tag


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default (64 MiB, 3 passes) follows RFC 9106's second choice."""

    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 4

    def to_json(self, salt: bytes) -> dict[str, Any]:
        return {"algorithm": "argon2id", "salt": b64(salt), **asdict(self)}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> tuple[KdfParams, bytes]:
        if value.get("algorithm") != "argon2id":
            raise VaultError(f"key slot uses an unknown key derivation {value.get('algorithm')!r}")
        params = cls(int(value["memory_kib"]), int(value["iterations"]), int(value["lanes"]))
        return params, unb64(str(value["salt"]))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return os.urandom(KEY_BYTES)


def seal(key: bytes, plaintext: bytes, context: str) -> bytes:
    """Encrypt and authenticate ``plaintext`` under ``key``, bound to ``context``."""
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT + nonce + ChaCha20Poly1305(key).encrypt(nonce, plaintext, context.encode())


def unseal(key: bytes, sealed: bytes, context: str) -> bytes:
    """Decrypt what :func:`seal` made; raise :class:`VaultError` if it does not verify."""
    if not sealed.startswith(FORMAT) or len(sealed) < 1 + NONCE_BYTES + 16:
        raise VaultError(f"{context}: not a Sillok ciphertext (damaged or unknown format)")
    nonce, body = sealed[1:1 + NONCE_BYTES], sealed[1 + NONCE_BYTES:]
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, body, context.encode())
    except InvalidTag:
        raise VaultError(f"{context}: the key does not open this ciphertext, or the "
                        "ciphertext was altered") from None


def derive_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """A 256-bit key from ``passphrase`` with Argon2id."""
    kdf = Argon2id(salt=salt, length=KEY_BYTES, iterations=params.iterations,
                   lanes=params.lanes, memory_cost=params.memory_kib)
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def normalise_name(name: str) -> str:
    """Case, width, spacing and hyphenation folded: "KIM  Young-soon" == "kim youngsoon"."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[\s\-‐‑·.]+", "", folded)


def keyed_index(key: bytes, name: str, purpose: str) -> str:
    """HMAC-SHA-256 over a normalised name; ``purpose`` separates the uses of one key."""
    message = f"{purpose}\x00{normalise_name(name)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
