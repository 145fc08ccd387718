"""Cookies, CSRF tokens and the security headers of every response.

The session cookie carries a random token signed with the secret (a forged or
altered cookie is refused before the database is asked); the database keeps
only a hash of the token. Visitors who are not signed in get a random, signed
``wt_visitor`` cookie instead. The CSRF token of a form is an HMAC of whichever
of the two the browser holds: a page of another site can neither read it nor
compute it. Forms send it in a hidden field, htmx in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, Signer
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "SESSION_COOKIE",
    "VISITOR_COOKIE",
    "BodyLimit",
    "Cookies",
    "SecurityHeaders",
]

SESSION_COOKIE = "wt_session"
VISITOR_COOKIE = "wt_visitor"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class Cookies:
    """Signing and checking of the cookies' values with the platform's secret."""

    def __init__(self, secret: str):
        self._secret = secret.encode()
        self._session = Signer(secret, salt="weakties.session")
        self._visitor = Signer(secret, salt="weakties.visitor")

    def sign_session(self, token: str) -> str:
        return self._session.sign(token).decode()

    def session_token(self, cookie: str | None) -> str | None:
        return _unsign(self._session, cookie)

    def new_visitor(self) -> str:
        return self._visitor.sign(secrets.token_urlsafe(24)).decode()

    def visitor_token(self, cookie: str | None) -> str | None:
        return _unsign(self._visitor, cookie)

    def csrf_token(self, binding: str) -> str:
        return hmac.new(self._secret, b"csrf:" + binding.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, binding: str | None, token: str | None) -> bool:
        if not binding or not token:
            return False
        return hmac.compare_digest(self.csrf_token(binding), token)


def _unsign(signer: Signer, cookie: str | None) -> str | None:
    if not cookie:
        return None
    try:
        return signer.unsign(cookie).decode()
    except BadSignature:
        return None


class SecurityHeaders:
    """Adds the Content-Security-Policy and its companions to every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(HTTPException):
    """A streamed body went over the limit: the app answers 413 like any HTTP error,
    or sends a browser back to ``location`` (a page that says so in words)."""

    def __init__(self, location: str | None = None) -> None:
        super().__init__(413, "the request is too large")
        self.location = location


class BodyLimit:
    """Refuses a request body larger than ``limit`` bytes with 413, before the app
    reads it all: by its Content-Length, or by counting when it is streamed."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        larger: dict[str, int] | None = None,
        pages: dict[str, str] | None = None,
    ):
        self.app = app
        self.limit = limit
        self.larger = larger or {}  # path -> its own limit (an upload's page)
        # path -> where a browser whose form is too large is sent (303), to a page
        # that says so in words rather than a bare 413
        self.pages = pages or {}

    async def _refuse(self, send: Send, location: str | None = None) -> None:
        if location is not None:
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [(b"location", location.encode()), *HEADERS],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        body = b'{"ok": false, "error": "the request is too large", "status": 413, "fields": {}}'
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), *HEADERS],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.larger.get(path, self.limit)
        page = self.pages.get(path) if scope.get("method") == "POST" else None
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self._refuse(send, page)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(page)
            return message

        await self.app(scope, counting_receive, send)
