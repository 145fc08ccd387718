"""One error shape for the whole API, an error page for the rest.

Every ``/api/v1`` error is ``{"ok": false, "error": MESSAGE, "status": CODE,
"fields": {FIELD: MESSAGE}}`` (``fields`` empty when no field is to blame);
``tests/web/test_errors.py`` locks the shape. A refusal (409) adds the rules it
breaks and when they lift (:func:`refusal_body`), whatever refused.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from weakties.service.forms import FormError
from weakties.store.errors import (
    AmbiguousError,
    InputError,
    NotFoundError,
    RefusedError,
    WeaktiesError,
)
from weakties.web.deps import SignInRequired
from weakties.web.render import ShownJSON as JSONResponse

__all__ = ["error_body", "install_error_handlers", "refusal_body"]

log = logging.getLogger(__name__)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_body(status: int, error: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"ok": False, "error": error, "status": status, "fields": fields or {}}


def refusal_body(exc: RefusedError) -> dict[str, Any]:
    """A refusal as the API says it: the error, each rule it breaks (``reasons``:
    rule, message, ``possible_on``, params) and the first day every one has lifted
    (``possible_on``; null if one never does by itself)."""
    from weakties.records import to_json
    from weakties.service.introductions import possible_on, refusals_of

    found = refusals_of(exc)
    body = error_body(409, str(exc))
    body["reasons"] = to_json(found)
    body["possible_on"] = to_json(possible_on(found))
    return body


def _validation_fields(exc: RequestValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for problem in exc.errors():
        loc = [str(part) for part in problem.get("loc", ()) if part not in ("body", "query")]
        name = ".".join(loc) or "body"
        fields.setdefault(name, str(problem.get("msg", "invalid")))
    return fields


def _respond(
    request: Request, status: int, error: str, fields: dict[str, str] | None = None
) -> Response:
    if _is_api(request):
        return JSONResponse(error_body(status, error, fields), status_code=status)
    from weakties.web.app import error_page

    return error_page(request, status, error)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return _respond(request, 422, "invalid input", _validation_fields(exc))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        location = getattr(exc, "location", None)
        if location is not None:  # a form too large: back to its page, which says so
            return RedirectResponse(location, status_code=303)
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        response = _respond(request, exc.status_code, detail)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        if _is_api(request):
            return JSONResponse(
                error_body(401, "sign in, or send a personal access token"),
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)

    @app.exception_handler(FormError)
    async def _form(request: Request, exc: FormError) -> Response:
        return _respond(request, 422, exc.reason, exc.fields)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> Response:
        return _respond(request, 422, str(exc), {exc.field: exc.reason} if exc.field else None)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return _respond(request, 404, str(exc))

    @app.exception_handler(AmbiguousError)
    async def _ambiguous(request: Request, exc: AmbiguousError) -> Response:
        return _respond(request, 409, str(exc))

    @app.exception_handler(RefusedError)
    async def _refused(request: Request, exc: RefusedError) -> Response:
        if _is_api(request):
            return JSONResponse(refusal_body(exc), status_code=409)
        return _respond(request, 409, str(exc))

    @app.exception_handler(WeaktiesError)
    async def _weakties(request: Request, exc: WeaktiesError) -> Response:
        log.error("request %s failed: %s", request.url.path, exc)
        return _respond(request, 500, "the server could not do this")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return _respond(request, 500, "the server could not do this")
