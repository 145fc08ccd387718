"""Messaging (pages): the inbox, message requests, a conversation, new messages live.

An open conversation asks ``/messages/{id}/after/{last}`` twice a second (htmx
polling; the answer is the new messages and the next poller). The database is
the only state, so any number of worker processes serve it alike.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from weakties.errors import RefusedError
from weakties.service import introductions, messages
from weakties.service.forms import FormError
from weakties.web.deps import Page
from weakties.web.render import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]


def _inbox(ctx: Page, state: str = "active", *, status: int = 200, **extra: object) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        me = account.viewer(conn)
        items = messages.inbox(conn, me, state=state)
        _unread, requests = messages.unread_total(conn, me)
    return render(
        ctx, "inbox.html", status=status, items=items, state=state, requests=requests, **extra
    )


@router.get("/messages")
def inbox(ctx: Page, to: str = "") -> Response:
    return _inbox(ctx, to=to[:200])


@router.get("/messages/requests")
def requests(ctx: Page) -> Response:
    return _inbox(ctx, "request")


@router.post("/messages")
def start(ctx: Page, to: FormStr = "", body: FormStr = "") -> Response:
    account = ctx.require()
    handles = [h for h in to.replace(";", ",").replace(" ", ",").split(",") if h]
    try:
        with ctx.tx() as conn:
            conversation_id = messages.start_conversation(conn, account.viewer(conn), handles, body)
    except FormError as exc:
        return _inbox(ctx, status=422, errors=exc.fields, to=to, body=body)
    except RefusedError as exc:
        refusals = introductions.refusals_of(exc)
        errors = {"body": str(exc)}
        return _inbox(ctx, status=409, to=to, body=body, errors=errors, refusals=refusals)
    return redirect(f"/messages/{conversation_id}")


def _conversation(
    ctx: Page, conversation_id: int, *, status: int = 200, **extra: object
) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        me = account.viewer(conn)
        view = messages.conversation(conn, me, conversation_id)
        request = introductions.for_thread(conn, me, conversation_id)
    last = view.messages[-1].id if view.messages else 0
    return render(
        ctx, "conversation.html", status=status, c=view, last=last, intro=request, **extra
    )


@router.get("/messages/{conversation_id}")
def conversation(ctx: Page, conversation_id: int) -> Response:
    return _conversation(ctx, conversation_id)


@router.post("/messages/{conversation_id}")
def send(ctx: Page, conversation_id: int, body: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            message_id = messages.send(conn, account.viewer(conn), conversation_id, body)
    except FormError as exc:
        return _conversation(ctx, conversation_id, status=422, errors=exc.fields, body=body)
    except RefusedError as exc:
        refusals = introductions.refusals_of(exc)
        errors = {"body": str(exc)}
        return _conversation(
            ctx, conversation_id, status=409, body=body, errors=errors, refusals=refusals
        )
    return redirect(f"/messages/{conversation_id}#m{message_id}")


@router.get("/messages/{conversation_id}/after/{last_id}")
def after(ctx: Page, conversation_id: int, last_id: int) -> Response:
    """The messages after ``last_id`` and the next poller (an htmx fragment)."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = messages.messages_after(conn, account.viewer(conn), conversation_id, last_id)
    last = found[-1].id if found else last_id
    return render(
        ctx, "_messages_after.html", found=found, conversation_id=conversation_id, last=last
    )


@router.post("/messages/{conversation_id}/accept")
def accept(ctx: Page, conversation_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        messages.answer_request(conn, account.viewer(conn), conversation_id, accept=True)
    return redirect(f"/messages/{conversation_id}")


@router.post("/messages/{conversation_id}/decline")
def decline(ctx: Page, conversation_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        messages.answer_request(conn, account.viewer(conn), conversation_id, accept=False)
    return redirect("/messages/requests")
