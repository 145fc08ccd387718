"""What every route needs, as FastAPI dependencies: who is asking, in which language.

``PageCtx`` serves the HTML pages (session cookie, CSRF field or header on every
unsafe request); ``ApiCtx`` serves ``/api/v1`` (a personal access token in
``Authorization: Bearer``, or the session cookie with the CSRF header). A route
opens its transaction with ``ctx.tx()`` and makes one call into the service
layer inside it.

One request, one connection and one transaction: who is asking (the session or
the token) is read in the connection and transaction that the route's first
``ctx.tx()`` then goes on with and commits — not in a transaction of its own
before it (on PostgreSQL, a round trip to end it and one to begin the next, and
a connection taken from the pool and given back in between). Only a token's
"last used" time, written once a minute, is committed at once. A route that
never calls ``ctx.tx()`` gives the connection back when it ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Connection
from starlette.exceptions import HTTPException

from weakties.service.accounts import AccountInfo, account_by_session, account_by_token
from weakties.service.forms import N_
from weakties.store.engine import Store
from weakties.web.i18n import Language, language, negotiate
from weakties.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    VISITOR_COOKIE,
    Cookies,
)
from weakties.web.settings import Settings

__all__ = ["Api", "ApiCtx", "ApiMember", "Page", "PageCtx", "SignInRequired"]

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LANG_COOKIE = "wt_lang"


class SignInRequired(Exception):
    """The page needs a signed-in member (pages redirect, the API answers 401)."""


@dataclass
class Ctx:
    request: Request
    settings: Settings
    store: Store
    cookies: Cookies
    account: AccountInfo | None
    lang: Language
    binding: str | None  # what the CSRF token is bound to
    extra: dict[str, Any] = field(default_factory=dict)
    # the connection that read who is asking, its transaction still open: the
    # first ctx.tx() goes on with it
    _conn: Connection | None = field(default=None, repr=False)

    @contextmanager
    def tx(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back on error.

        The request's first one is the transaction that read who is asking; a
        later one (after a commit the route needed) gets a connection of its own."""
        conn, self._conn = self._conn, None
        if conn is None:
            with self.store.engine.begin() as conn:
                yield conn
            return
        with conn:  # closed at the end: back to the pool
            if not conn.in_transaction():
                conn.begin()
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def close(self) -> None:
        """Give back the connection that read who is asking, if no ``tx()`` took it
        (what it read is rolled back: it wrote nothing)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    @property
    def csrf_token(self) -> str:
        return self.cookies.csrf_token(self.binding) if self.binding else ""

    def require(self) -> AccountInfo:
        if self.account is None:
            raise SignInRequired()
        return self.account

    def require_operator(self) -> AccountInfo:
        account = self.require()
        if not account.is_operator:
            raise HTTPException(403, N_("Only the operator may do this."))
        return account

    def _(self, message: str) -> str:
        return self.lang.gettext(message)


class PageCtx(Ctx):
    """The context of an HTML page."""


class ApiCtx(Ctx):
    """The context of an API call."""


def _app_parts(request: Request) -> tuple[Settings, Store, Cookies]:
    state = request.app.state
    return state.settings, state.store, state.cookies


def _session(
    request: Request, store: Store, cookies: Cookies
) -> tuple[Connection | None, str | None, AccountInfo | None]:
    """The request's connection (None without a session cookie: nothing read yet),
    the session's token and its account."""
    token = cookies.session_token(request.cookies.get(SESSION_COOKIE))
    if token is None:
        return None, None, None
    conn = store.engine.connect()
    try:
        return conn, token, account_by_session(conn, token)
    except BaseException:
        conn.close()
        raise


def _language(request: Request, settings: Settings, account: AccountInfo | None) -> Language:
    code = (account.locale if account else None) or request.cookies.get(LANG_COOKIE)
    if code not in ("en", "fr"):
        code = negotiate(request.headers.get("accept-language"), settings.default_locale)
    return language(code)


async def _csrf_sent(request: Request) -> str | None:
    """The CSRF token an unsafe request sent: its header, else its form's field.

    Async because reading a form awaits the body; it touches no database, so it
    may run on the event loop (the contexts below may not: they read accounts)."""
    if request.method not in UNSAFE:
        return None
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    return sent


# The contexts are plain generators: FastAPI runs them in its thread pool, like the
# routes. They read the database (and an API token's use may write it, waiting for
# SQLite's write lock): on the event loop that would stop every other request of the
# process until it is done. What follows their ``yield`` gives the request's
# connection back if the route did not take it.
def page_ctx(
    request: Request, sent: Annotated[str | None, Depends(_csrf_sent)]
) -> Iterator[PageCtx]:
    settings, store, cookies = _app_parts(request)
    conn, token, account = _session(request, store, cookies)
    visitor = request.scope.get("state", {}).get("visitor") or cookies.visitor_token(
        request.cookies.get(VISITOR_COOKIE)
    )
    binding = token if account is not None else visitor
    ctx = PageCtx(
        request,
        settings,
        store,
        cookies,
        account,
        _language(request, settings, account),
        binding,
        _conn=conn,
    )
    try:
        if request.method in UNSAFE and not cookies.csrf_ok(binding, sent):
            raise HTTPException(
                403,
                N_("The form expired or came from another site: reload the page and try again."),
            )
        yield ctx
    finally:
        ctx.close()


def api_ctx(request: Request) -> Iterator[ApiCtx]:
    settings, store, cookies = _app_parts(request)
    auth = request.headers.get("authorization", "")
    conn: Connection | None = None
    try:
        if auth.lower().startswith("bearer "):
            conn = store.engine.connect()
            account = account_by_token(conn, auth[7:].strip(), commit_use=True)
            if account is None:
                raise HTTPException(401, "unknown or revoked access token")
            binding = None
        else:
            conn, token, account = _session(request, store, cookies)
            binding = token if account is not None else None
            # a cookie-authenticated write must prove it comes from our own pages
            if request.method in UNSAFE and account is not None:
                if not cookies.csrf_ok(binding, request.headers.get(CSRF_HEADER)):
                    raise HTTPException(403, "missing or wrong X-CSRF-Token header")
        ctx = ApiCtx(
            request,
            settings,
            store,
            cookies,
            account,
            _language(request, settings, account),
            binding,
            _conn=conn,
        )
        conn = None  # the context's now
        try:
            yield ctx
        finally:
            ctx.close()
    finally:
        if conn is not None:
            conn.close()


async def api_member(ctx: Annotated[ApiCtx, Depends(api_ctx)]) -> ApiCtx:
    """An API call by a signed-in member: 401 before the input is even validated."""
    ctx.require()
    return ctx


Page = Annotated[PageCtx, Depends(page_ctx)]
Api = Annotated[ApiCtx, Depends(api_ctx)]
ApiMember = Annotated[ApiCtx, Depends(api_member)]
