"""The web app factory: ``create_app(settings)`` builds everything, nothing at import.

Pages are server-rendered (Jinja2, htmx for partial updates, every form working
without JavaScript); ``/api/v1`` gives the same data as JSON with its OpenAPI
document at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from weakties import __version__
from weakties.store.engine import Store, open_store
from weakties.web.i18n import language, negotiate
from weakties.web.security import VISITOR_COOKIE, BodyLimit, Cookies, SecurityHeaders
from weakties.web.settings import Settings

__all__ = ["create_app", "error_page"]

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")


class VisitorCookie:
    """Gives every browser a signed random ``wt_visitor`` cookie (the CSRF binding
    of forms shown before sign-in)."""

    def __init__(self, app: ASGIApp, cookies: Cookies, secure: bool):
        self.app = app
        self.cookies = cookies
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/static/", "/api/")):
            await self.app(scope, receive, send)
            return
        from http.cookies import SimpleCookie

        raw = dict(scope.get("headers", [])).get(b"cookie", b"").decode("latin-1")
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw)
        except Exception:  # a malformed Cookie header counts as none
            jar = SimpleCookie()
        current = jar.get(VISITOR_COOKIE)
        if current is not None and self.cookies.visitor_token(current.value):
            await self.app(scope, receive, send)
            return
        signed = self.cookies.new_visitor()
        scope.setdefault("state", {})["visitor"] = self.cookies.visitor_token(signed)
        attributes = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", f"{VISITOR_COOKIE}={signed}{attributes}".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def error_page(request: Request, status: int, message: str) -> Response:
    """An error as a page in the visitor's language (no account lookup: it may fail)."""
    settings: Settings = request.app.state.settings
    code = request.cookies.get("wt_lang") or negotiate(
        request.headers.get("accept-language"), settings.default_locale
    )
    lang = language(code)
    templates = request.app.state.templates
    from weakties.web.render import translators

    body = templates.get_template("error.html").render(
        **translators(lang),
        me=None,
        csrf_token="",
        status=status,
        message=message,
        request=request,
    )
    return HTMLResponse(body, status_code=status)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The server's own loop for background tasks (notifications, job expiry), and
    the graph kernels loaded in the background (:mod:`weakties.web.serving`)."""
    from weakties.service.live import settle_kept
    from weakties.service.tasks import Worker

    # a server keeps its members' pages between requests (weakties.service.live)
    settle_kept(app.state.store.engine)
    if app.state.settings.warm_kernels:
        from weakties.web.serving import start_warming

        start_warming()
    interval = app.state.settings.worker_interval
    worker = Worker(app.state.store, interval) if interval > 0 else None
    if worker is not None:
        worker.start()
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The platform as an ASGI app, on ``settings.db`` (or the given ``store``)."""
    from weakties.web.errors import install_error_handlers
    from weakties.web.render import ShownJSON, make_templates
    from weakties.web.routes import (
        accounts,
        api,
        api_orgs,
        api_profile,
        brief,
        career,
        discover,
        home,
        introductions,
        keep_in_touch,
        leaders,
        messages,
        my_network,
        network,
        notifications,
        org_admin,
        orgs,
        posts,
        profiles,
        safety,
        search,
        social_api,
        suggestions,
        uploads,
    )
    from weakties.web.routes import jobs as job_pages

    settings = settings or Settings()
    if settings.environment == "development" and settings.secret_key.get_secret_value() == (
        "change-this-secret"
    ):
        log.warning("development mode with the default secret: never expose this server")
    app = FastAPI(
        title="weakties",
        summary="A professional network that knows the value of your ties.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        version=__version__,
        lifespan=_lifespan,
        default_response_class=ShownJSON,
    )
    app.state.settings = settings
    app.state.store = store or open_store(settings.db)
    app.state.cookies = cookies = Cookies(settings.secret_key.get_secret_value())
    app.state.templates = make_templates()
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(home.router)
    app.include_router(accounts.router)
    app.include_router(profiles.router)
    app.include_router(network.router)
    app.include_router(career.router)
    app.include_router(orgs.router)
    app.include_router(org_admin.router)
    app.include_router(api.router)
    app.include_router(api_profile.router)
    app.include_router(api_orgs.router)
    app.include_router(search.router)
    app.include_router(search.api_router)
    app.include_router(suggestions.router)
    for social in (posts, messages, notifications, job_pages, safety, social_api):
        app.include_router(social.router)
    app.include_router(my_network.router)
    app.include_router(my_network.api)
    app.include_router(keep_in_touch.router)
    app.include_router(keep_in_touch.api)
    app.include_router(brief.router)
    app.include_router(brief.api)
    app.include_router(discover.router)
    app.include_router(discover.api)
    app.include_router(leaders.router)
    app.include_router(leaders.api)
    app.include_router(uploads.router)
    app.include_router(introductions.router)
    app.include_router(introductions.api)
    app.add_middleware(VisitorCookie, cookies=cookies, secure=settings.secure_cookies)
    # an export upload may be larger than any other request (the form's own bytes aside)
    larger = {"/settings/import": settings.import_max_bytes + 64 * 1024}
    pages = {"/settings/import": "/settings/import?too_large=1"}
    app.add_middleware(BodyLimit, limit=settings.request_max_bytes, larger=larger, pages=pages)
    app.add_middleware(SecurityHeaders)
    return app
