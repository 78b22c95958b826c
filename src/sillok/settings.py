"""Settings: where the archive is, who is acting, and the limits applied to input.

Resolution order for each setting: an explicit argument, then the environment
(``SILLOK_*``), then ``sillok.toml`` in the archive folder, then the default.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .exc import ConfigError

DEFAULT_ARCHIVE = "./sillok-archive"
CONFIG_NAME = "sillok.toml"

MiB = 1024 * 1024


def _parse_size(value: Any, name: str) -> int:
    """Accept 1048576, "1048576", "200MB", "2 GiB"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip().upper().replace(" ", "")
    units = {"GIB": 1 << 30, "GB": 10**9, "MIB": 1 << 20, "MB": 10**6, "KIB": 1 << 10,
             "KB": 10**3, "B": 1}
    number, factor = text, 1
    for unit, unit_factor in units.items():
        if text.endswith(unit):
            number, factor = text[: -len(unit)], unit_factor
            break
    try:
        size = int(float(number) * factor)
    except ValueError:
        raise ConfigError(f"{name} must be a size such as 200MB or 1GiB, not {value!r}") from None
    if size <= 0:
        raise ConfigError(f"{name} must be positive, not {value!r}")
    return size


def default_actor() -> str:
    """The OS user name, or "unknown" where the OS cannot tell."""
    try:
        return getpass.getuser()
    except Exception:  # getpass raises several types when no user can be found
        return "unknown"


@dataclass(frozen=True)
class Settings:
    """Everything that can be configured for one archive."""

    archive: Path
    database_url: str | None = None
    actor: str = field(default_factory=default_actor)
    max_file_size: int = 512 * MiB
    max_expansion: int = 2048 * MiB
    max_members: int = 20_000
    max_depth: int = 5
    workers: int = 0  # ingest parse workers; 0: one more than the machine has cores

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.archive / 'sillok.db'}"

    def with_overrides(self, **values: Any) -> Settings:
        clean = {k: v for k, v in values.items() if v is not None}
        for key in ("max_file_size", "max_expansion"):
            if key in clean:
                clean[key] = _parse_size(clean[key], key)
        if "workers" in clean:
            try:
                clean["workers"] = max(0, int(clean["workers"]))
            except (TypeError, ValueError):
                raise ConfigError(f"workers must be a whole number, not {clean['workers']!r}"
                                  ) from None
        return replace(self, **clean)


def load_settings(archive: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Settings for the archive at ``archive`` (or ``$SILLOK_ARCHIVE``, or ./sillok-archive)."""
    path = Path(archive or os.environ.get("SILLOK_ARCHIVE") or DEFAULT_ARCHIVE).expanduser()
    values: dict[str, Any] = {}
    config = path / CONFIG_NAME
    if config.is_file():
        try:
            values.update(tomllib.loads(config.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config} is not valid TOML: {exc}") from None
    env = {
        "database_url": "SILLOK_DATABASE_URL",
        "actor": "SILLOK_ACTOR",
        "max_file_size": "SILLOK_MAX_FILE_SIZE",
        "max_expansion": "SILLOK_MAX_EXPANSION",
        "workers": "SILLOK_WORKERS",
    }
    for key, var in env.items():
        if os.environ.get(var):
            values[key] = os.environ[var]
    known = {"database_url", "actor", "max_file_size", "max_expansion", "max_members", "max_depth",
             "workers"}
    unknown = set(values) - known
    if unknown:
        raise ConfigError(f"unknown setting(s) in {config}: {', '.join(sorted(unknown))}")
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings(archive=path.resolve())
    return settings.with_overrides(**values)
