"""Testimony keys unlocked in the browser: held in server memory, per session, briefly.

A user types the archive's passphrase (or pastes a key file's text) into the unlock
form; the server opens the master key with it and keeps the resulting
:class:`~sillok.testimony.Vault` in this process's memory only, filed under the
SHA-256 of the session token. The passphrase itself is dropped as soon as the key
is open: it is never written to the database, a cookie, a log or the audit log.

The unlocked key is forgotten after :data:`IDLE_SECONDS` without use, after
:data:`MAX_SECONDS` in any case, when the user locks it, signs out or changes their
password, when an admin disables the account, and when the server stops. Another
session (another browser, another user) must unlock for itself.

Wrong passphrases are limited per user (:data:`MAX_FAILURES` in
:data:`FAILURE_WINDOW` seconds): each attempt costs the server an Argon2id
derivation, and a signed-in user must not be able to guess at speed.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..testimony import Vault

IDLE_SECONDS = 15 * 60
MAX_SECONDS = 2 * 60 * 60
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60


def _slot(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass
class _Held:
    vault: Vault
    username: str
    unlocked_at: float
    used_at: float


class VaultStore:
    """Unlocked vaults by session, with expiry; thread-safe (routes run in a pool)."""

    def __init__(self, *, idle: float = IDLE_SECONDS, maximum: float = MAX_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.idle, self.maximum, self._clock = idle, maximum, clock
        self._held: dict[str, _Held] = {}
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _expires(self, held: _Held) -> float:
        return min(held.used_at + self.idle, held.unlocked_at + self.maximum)

    def _purge(self, now: float) -> None:
        for slot in [s for s, h in self._held.items() if self._expires(h) <= now]:
            del self._held[slot]

    def put(self, token: str, username: str, vault: Vault) -> None:
        """Keep ``vault`` for the session ``token``; a success clears past failures."""
        now = self._clock()
        with self._lock:
            self._purge(now)
            self._held[_slot(token)] = _Held(vault, username, now, now)
            self._failures.pop(username, None)

    def get(self, token: str, username: str) -> Vault | None:
        """The session's vault if still unlocked (and counts as use), else None."""
        now = self._clock()
        with self._lock:
            self._purge(now)
            held = self._held.get(_slot(token))
            if held is None or held.username != username:
                return None
            held.used_at = now
            return held.vault

    def status(self, token: str) -> dict[str, Any]:
        """Whether the session holds unlocked keys, and when they will be forgotten."""
        now = self._clock()
        with self._lock:
            self._purge(now)
            held = self._held.get(_slot(token))
            if held is None:
                return {"unlocked": False, "expires_at": None}
            left = self._expires(held) - now
        at = datetime.now(UTC) + timedelta(seconds=left)
        return {"unlocked": True, "expires_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "idle_minutes": round(self.idle / 60), "max_minutes": round(self.maximum / 60)}

    def drop(self, token: str) -> bool:
        """Forget the session's vault; True when there was one."""
        with self._lock:
            return self._held.pop(_slot(token), None) is not None

    def drop_user(self, username: str) -> int:
        """Forget every vault a user holds (password changed, account disabled)."""
        with self._lock:
            slots = [s for s, h in self._held.items() if h.username == username]
            for slot in slots:
                del self._held[slot]
        return len(slots)

    def failure(self, username: str) -> None:
        with self._lock:
            self._failures.setdefault(username, []).append(self._clock())

    def retry_after(self, username: str) -> int:
        """Seconds until ``username`` may try again (0: now)."""
        now = self._clock()
        with self._lock:
            recent = [t for t in self._failures.get(username, []) if t > now - FAILURE_WINDOW]
            self._failures[username] = recent
            if len(recent) < MAX_FAILURES:
                return 0
            return int(recent[-MAX_FAILURES] + FAILURE_WINDOW - now) + 1
