"""What the application holds: the open archive, templates and its settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from ..store.archive import Archive
from .vaults import VaultStore

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
DATA = HERE / "data"

SESSION_COOKIE = "sillok_session"
LOGIN_CSRF_COOKIE = "sillok_login"


@dataclass
class WebState:
    archive: Archive
    templates: Jinja2Templates
    secure_cookies: bool = False
    upload_limit: int = 2 * 1024 * 1024 * 1024
    vaults: VaultStore = field(default_factory=VaultStore)  # testimony keys, per session


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def archive_of(request: Request) -> Archive:
    return web_state(request).archive


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
