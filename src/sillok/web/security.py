"""HTTP hardening applied to every response, and the Host-header check.

Documents are hostile, so the policy is strict: scripts and styles only from this
server (never inline), no plugins, no frames, no remote anything, and no caching of
pages that show evidence.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


class SecurityHeaders:
    """Adds :data:`HEADERS` to every response and ``Cache-Control: no-store`` to all but
    static assets; refuses requests whose Host is not allowed (DNS rebinding)."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str] | None = None) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts} if allowed_hosts else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed is not None and not self._host_ok(scope):
            response = PlainTextResponse("Host not allowed: open Sillok by the address it was "
                                         "started with, or start it with --allowed-host", 400)
            await response(scope, receive, self._wrap(send, static=False))
            return
        static = str(scope.get("path", "")).startswith("/static/")
        await self.app(scope, receive, self._wrap(send, static=static))

    def _host_ok(self, scope: Scope) -> bool:
        host = ""
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = value.decode("latin-1").lower()
        if host.startswith("["):
            name = host.split("]", 1)[0] + "]"
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return self.allowed is not None and (name in self.allowed or "*" in self.allowed)

    @staticmethod
    def _wrap(send: Send, *, static: bool) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)
        return send_with_headers
