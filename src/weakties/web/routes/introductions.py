"""Introductions with consent, as pages and as JSON.

Pages: ``/network/introductions`` (the requests received and sent, favours both
ways), ``/network/introductions/new`` (the request, written from the draft), the
broker's answers (forward, decline) and the requester's withdrawal. "Who can
introduce me" itself is on the organisation, person and job pages
(:func:`who_can_introduce_section`); the broker's private thread with the requester
shows the request's consent banner (``_intro_consent.html``).

API under ``/api/v1/introductions``: the same, as JSON. An etiquette refusal is a
409 whose body adds to the one error shape every rule broken (``reasons``: rule,
message, ``possible_on``) and the day the request becomes possible.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from weakties.errors import InputError, NotFoundError, RefusedError, WeaktiesError
from weakties.records import to_json
from weakties.service import introductions as intro
from weakties.service.forms import N_, FormError
from weakties.service.live import Pending
from weakties.web.deps import ApiMember, Ctx, Page
from weakties.web.errors import error_body, refusal_body
from weakties.web.render import ShownJSON as JSONResponse
from weakties.web.render import redirect, render
from weakties.web.routes.api import _errors

__all__ = ["api", "router", "who_can_introduce_section"]

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api/v1/introductions", tags=["introductions"], responses=_errors(401, 404, 422)
)

FormStr = Annotated[str, Form()]
Purpose = Literal["job", "client", "info"]

#: seconds the API waits for the introduction network before it answers 503
API_WAIT = 10.0
#: seconds after which a page's section, or an API client, asks again
RETRY_AFTER = 3
#: htmx's status for "swap this and stop polling"
STOP_POLLING = 286


@dataclass(frozen=True)
class Later:
    """The "who can introduce me" section while the network it reads is being
    built (a platform's first request, or one after it is too old: see
    :func:`weakties.service.introductions._network`): the page shows that it is
    coming and loads it from ``url`` when it is ready."""

    url: str
    pending: bool = True


@dataclass(frozen=True)
class Failed:
    """The "who can introduce me" section when the network it reads could not be
    built: the page says so (its polls stop); a page loaded again builds it again."""

    failed: bool = True


def _section_url(target: dict[str, Any]) -> str:
    """Where the section of ``target`` (``org_id``, ``handle`` or ``job_id``) loads from."""
    names = {"org_id": "org", "handle": "person", "job_id": "job"}
    query = {names[k]: v for k, v in target.items() if k in names and v is not None}
    return "/introducers?" + urlencode(query)


def who_can_introduce_section(
    ctx: Ctx, conn: Any, *, poll: bool = False, alone: bool = False, **target: Any
) -> intro.WhoCanIntroduce | Later | Failed | None:
    """The "who can introduce me" section of a page (None when the viewer may not
    ask for this target: their own profile, a member hidden from them; a
    :class:`Later` when it is not ready within ``PAGE_WAIT`` seconds, or, on a
    platform, not worked out yet for this viewer and target: the page is shown
    first and loads its section next; a :class:`Failed` when the network's build
    failed). A ``poll`` (the page asking for its section again) never starts a
    failed build again: only a page loaded again does; a poll, and the section
    shown ``alone`` as a page (``/introducers``), work the paths out."""
    account = ctx.require()
    try:
        return intro.who_can_introduce(
            conn,
            account.viewer(conn),
            wait=intro.PAGE_WAIT,
            retry=not poll,
            later=not poll and not alone,
            **target,
        )
    except NotFoundError:
        return None
    except Pending:
        return Later(_section_url(target))
    except WeaktiesError:
        raise
    except Exception:  # the network's build failed: the section says so
        log.exception("who can introduce me failed for %r", target)
        return Failed()


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdecimal() else None


def _refused(exc: RefusedError) -> list[intro.Refusal]:
    return intro.refusals_of(exc)


# why an answer or a withdrawal is refused, as the pages say it (translated there)
_ANSWER_REFUSED = {
    "answered": N_("This request is already answered: an answer is final."),
    "withdrawn": N_("This request was withdrawn by the member who sent it."),
    "blocked": N_("This request cannot be forwarded: one of them cannot be reached any more."),
    "closed": N_(
        "This request can no longer be forwarded: the member who sent it has recorded how it ended."
    ),
}


def _answer_refused(exc: RefusedError) -> str:
    rule = str((exc.reasons or [{}])[0].get("rule", ""))
    return _ANSWER_REFUSED.get(rule, str(exc))


# -- pages ------------------------------------------------------------------------------


@router.get("/introducers")
def introducers_page(
    ctx: Page,
    org: Annotated[int | None, Query()] = None,
    person: Annotated[str | None, Query(max_length=200)] = None,
    job: Annotated[int | None, Query()] = None,
) -> Response:
    """The "who can introduce me" section alone, as a page: where the section of
    an organisation's, a member's or a job's page loads from when it was not
    ready with the page (the page asks again every few seconds, or the member
    follows the link). The page's own asks (htmx's, ``HX-Request``) are answered
    204 while it is still being built: nothing in the page changes, its live
    region is not spoken again, and it asks again. If the build failed, they are
    answered with the section saying so and htmx's "stop polling" status, 286:
    the page stops asking, and the build starts again only when a page is loaded
    again (a poll never starts it again)."""
    ctx.require()  # a visitor signs in first, whatever they asked
    target = {"org_id": org, "handle": person, "job_id": job}
    if sum(v is not None for v in target.values()) != 1:
        raise InputError("say one of: an organisation, a member, a job")
    poll = ctx.request.headers.get("HX-Request") == "true"
    with ctx.tx() as conn:
        found = who_can_introduce_section(ctx, conn, poll=poll, alone=True, **target)
    if found is None:
        raise NotFoundError("nothing to show here")
    if isinstance(found, Later) and poll:
        return Response(status_code=204)
    back = (
        f"/orgs/{org}"
        if org is not None
        else f"/jobs/{job}"
        if job is not None
        else f"/in/{quote(person or '', safe='')}"
    )
    status = STOP_POLLING if isinstance(found, Failed) and poll else 200
    return render(ctx, "introducers.html", status=status, intro=found, back=back, retry=RETRY_AFTER)


@router.get("/network/introductions")
def ledger_page(ctx: Page) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        found = intro.introduction_ledger(conn, account.viewer(conn))
    return render(ctx, "introductions.html", ledger=found)


def _form_page(
    ctx: Page,
    *,
    broker: str,
    to: str,
    org: int | None,
    job: int | None,
    purpose: str,
    body: str | None = None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    refusals: list[intro.Refusal] | None = None,
) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        form = intro.request_form(
            conn,
            account.viewer(conn),
            broker,
            to,
            org_id=org,
            job_id=job,
            purpose=purpose,
            lang=ctx.lang.code,
        )
    shown = refusals if refusals is not None else form.refusals
    return render(
        ctx,
        "introduction_new.html",
        status=status,
        form=form,
        body=form.draft if body is None else body,
        errors=errors or {},
        refusals=shown,
        possible_on=intro.possible_on(shown),
    )


@router.get("/network/introductions/new")
def new_request(
    ctx: Page,
    broker: str = "",
    to: str = "",
    org: str | None = None,
    job: str | None = None,
    purpose: str = "job",
) -> Response:
    return _form_page(ctx, broker=broker, to=to, org=_int(org), job=_int(job), purpose=purpose)


@router.post("/network/introductions")
def send_request(
    ctx: Page,
    broker: FormStr = "",
    to: FormStr = "",
    body: FormStr = "",
    org: FormStr = "",
    job: FormStr = "",
    purpose: FormStr = "job",
) -> Response:
    account = ctx.require()
    where: dict[str, Any] = {
        "broker": broker,
        "to": to,
        "org": _int(org),
        "job": _int(job),
        "purpose": purpose,
    }
    try:
        with ctx.tx() as conn:
            sent = intro.send_request(
                conn,
                account.viewer(conn),
                broker,
                to,
                body,
                org_id=_int(org),
                job_id=_int(job),
                purpose=purpose,
            )
    except FormError as exc:
        return _form_page(ctx, **where, body=body, status=422, errors=exc.fields)
    except RefusedError as exc:
        return _form_page(ctx, **where, body=body, status=409, refusals=_refused(exc))
    return redirect(f"/network/introductions#intro-{sent.id}")


@router.post("/network/introductions/{intro_id}/forward")
def forward(ctx: Page, intro_id: int, note: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            group = intro.forward(conn, account.viewer(conn), intro_id, note)
    except (FormError, RefusedError) as exc:
        with ctx.tx() as conn:
            found = intro.introduction_ledger(conn, account.viewer(conn))
        message = (
            _answer_refused(exc) if isinstance(exc, RefusedError) else exc.fields.get("body", "")
        )
        return render(
            ctx,
            "introductions.html",
            status=409 if isinstance(exc, RefusedError) else 422,
            ledger=found,
            errors={f"intro-{intro_id}": message},
            note=note,
        )
    return redirect(f"/messages/{group}")


@router.post("/network/introductions/{intro_id}/decline")
def decline(ctx: Page, intro_id: int) -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            intro.decline(conn, account.viewer(conn), intro_id)
    except RefusedError as exc:
        with ctx.tx() as conn:
            found = intro.introduction_ledger(conn, account.viewer(conn))
        return render(
            ctx,
            "introductions.html",
            status=409,
            ledger=found,
            errors={f"intro-{intro_id}": _answer_refused(exc)},
        )
    return redirect(f"/network/introductions#intro-{intro_id}")


@router.post("/network/introductions/{intro_id}/withdraw")
def withdraw(ctx: Page, intro_id: int) -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            intro.withdraw(conn, account.viewer(conn), intro_id)
    except RefusedError as exc:
        with ctx.tx() as conn:
            found = intro.introduction_ledger(conn, account.viewer(conn))
        return render(
            ctx,
            "introductions.html",
            status=409,
            ledger=found,
            errors={f"intro-{intro_id}": _answer_refused(exc)},
        )
    return redirect(f"/network/introductions#intro-{intro_id}")


# -- the API ----------------------------------------------------------------------------


class RequestIn(BaseModel):
    broker: str = Field(max_length=200, description="the broker's handle")
    to: str = Field(max_length=200, description="the handle of the member to be introduced to")
    body: str = Field(max_length=20_000, description="the request, in your words")
    org: int | None = Field(None, description="the organisation the request is about")
    job: int | None = Field(None, description="the job the request is about")
    purpose: Purpose = "job"


class ForwardIn(BaseModel):
    note: str = Field("", max_length=20_000, description="a word from you to both (optional)")


def _refusal_response(exc: RefusedError) -> JSONResponse:
    return JSONResponse(refusal_body(exc), status_code=409)


@api.get("/paths", response_model=dict[str, Any], responses=_errors(503))
def paths_api(
    ctx: ApiMember,
    org: Annotated[int | None, Query(description="an organisation's id")] = None,
    person: Annotated[str | None, Query(max_length=200, description="a member's handle")] = None,
    job: Annotated[int | None, Query(description="a job's id")] = None,
    purpose: Purpose | None = None,
) -> dict[str, Any]:
    """Who can introduce you to an organisation, a member or a job's organisation
    (exactly one): ranked, explained, each with etiquette's verdict on asking that
    broker today (``refusals``: rule, message, ``possible_on``). On a platform the
    network they come from is built apart from the requests: while it is, 503 with
    ``Retry-After`` (seconds)."""
    account = ctx.require()
    with ctx.tx() as conn:
        try:
            found = intro.who_can_introduce(
                conn,
                account.viewer(conn),
                org_id=org,
                handle=person,
                job_id=job,
                purpose=purpose,
                wait=API_WAIT,
            )
        except Pending:
            return _building()  # type: ignore[return-value]
    return dict(to_json(found))


def _building() -> JSONResponse:
    """The API's answer while the introduction network is being built."""
    return JSONResponse(
        error_body(503, "who can introduce you is being worked out: ask again shortly"),
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER)},
    )


@api.get("/draft", response_model=dict[str, Any], responses=_errors(503))
def draft_api(
    ctx: ApiMember,
    broker: Annotated[str, Query(max_length=200)],
    to: Annotated[str, Query(max_length=200)],
    org: int | None = None,
    job: int | None = None,
    purpose: Purpose = "job",
    lang: Literal["en", "fr"] = "en",
) -> dict[str, Any]:
    """The draft of a request to ``broker`` for an introduction to ``to``, and
    whether etiquette allows it today. On a platform the draft reads the network
    "who can introduce me" reads: while it is being built, 503 with
    ``Retry-After`` (seconds), as ``/paths`` answers."""
    account = ctx.require()
    with ctx.tx() as conn:
        try:
            found = intro.request_form(
                conn,
                account.viewer(conn),
                broker,
                to,
                org_id=org,
                job_id=job,
                purpose=purpose,
                lang=lang,
                wait=API_WAIT,
            )
        except Pending:
            return _building()  # type: ignore[return-value]
    return dict(to_json(found))


@api.get("", response_model=dict[str, Any])
def ledger_api(ctx: ApiMember) -> dict[str, Any]:
    """The requests you received (and what you did with them) and those you sent
    (and their state: waiting, unanswered, forwarded, declined)."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = intro.introduction_ledger(conn, account.viewer(conn))
    return dict(to_json(found))


@api.post(
    "",
    status_code=201,
    response_model=dict[str, Any],
    responses={
        409: {
            "description": "refused by etiquette: ``reasons`` (rule, message, possible_on) "
            "and ``possible_on``, the first day every rule is lifted (null: never)"
        }
    },
)
def send_api(ctx: ApiMember, request: RequestIn) -> Any:
    """Send a request for an introduction: the broker receives it first (a
    notification and a private thread); the member to be introduced hears nothing
    unless the broker forwards it."""
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            sent = intro.send_request(
                conn,
                account.viewer(conn),
                request.broker,
                request.to,
                request.body,
                org_id=request.org,
                job_id=request.job,
                purpose=request.purpose,
            )
    except RefusedError as exc:
        return _refusal_response(exc)
    return to_json(sent)


@api.get("/{intro_id}", response_model=dict[str, Any])
def one_api(ctx: ApiMember, intro_id: int) -> dict[str, Any]:
    """One request, for its requester or its broker."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = intro.introduction(conn, account.viewer(conn), intro_id)
    return dict(to_json(found))


@api.post("/{intro_id}/forward", response_model=dict[str, Any], responses=_errors(409))
def forward_api(ctx: ApiMember, intro_id: int, answer: ForwardIn) -> dict[str, Any]:
    """Forward a request you received: a conversation of three opens (you, the
    requester, the member they asked to meet) with the request and your note."""
    account = ctx.require()
    with ctx.tx() as conn:
        group = intro.forward(conn, account.viewer(conn), intro_id, answer.note)
        found = intro.introduction(conn, account.viewer(conn), intro_id)
    return {**dict(to_json(found)), "conversation_id": group}


@api.post("/{intro_id}/decline", response_model=dict[str, Any], responses=_errors(409))
def decline_api(ctx: ApiMember, intro_id: int) -> dict[str, Any]:
    """Do not forward a request: the requester sees "not forwarded", nothing more."""
    account = ctx.require()
    with ctx.tx() as conn:
        intro.decline(conn, account.viewer(conn), intro_id)
        found = intro.introduction(conn, account.viewer(conn), intro_id)
    return dict(to_json(found))


@api.post("/{intro_id}/withdraw", response_model=dict[str, Any], responses=_errors(409))
def withdraw_api(ctx: ApiMember, intro_id: int) -> dict[str, Any]:
    """Withdraw a request you sent that its broker has not answered: their thread
    says so, the member you asked to meet never hears of it. It still counts for
    your etiquette (the broker read it)."""
    account = ctx.require()
    with ctx.tx() as conn:
        intro.withdraw(conn, account.viewer(conn), intro_id)
        found = intro.introduction(conn, account.viewer(conn), intro_id)
    return dict(to_json(found))
