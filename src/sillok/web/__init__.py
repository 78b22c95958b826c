"""The investigator's web workspace: server-rendered pages, each with a JSON twin.

``create_app(archive)`` returns the ASGI application; ``sillok serve`` runs it on
127.0.0.1 by default. See ``docs/web.md``.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
