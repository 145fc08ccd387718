"""My network: invitations received and sent, the value of the network
(:mod:`weakties.service.dashboard`), connections; connecting from a profile."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from weakties.service import connections, dashboard
from weakties.service.forms import N_, FormError
from weakties.store.errors import RefusedError
from weakties.ties.reasons import model_facts
from weakties.web.deps import Page
from weakties.web.render import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FormStr = Annotated[str, Form()]


#: the dates the page's date control accepts: those of the command line's --as-of
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def as_of_day(text: str) -> dt.datetime | None:
    """The day of the page's date control, or of ``/api/v1/network?as_of=`` (None:
    the data's present).

    Raises
    ------
    FormError
        Not a date (``as_of``), or one out of range.
    """
    text = text.strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise FormError.one("as_of", N_("Give the date as YYYY-MM-DD.")) from None
    if not EARLIEST <= day <= LATEST:
        raise FormError.one("as_of", N_("Choose a date between 1900-01-01 and 2100-12-31."))
    return dt.datetime.combine(day, dt.time())


def _network_page(ctx: Page, *, status: int = 200, as_of: str = "", **extra: object) -> Response:
    from weakties.service.context import viewer

    account = ctx.require()
    errors: dict[str, str] = {}
    try:
        day = as_of_day(as_of)
    except FormError as exc:
        day, errors, status = None, exc.fields, 422
    with ctx.tx() as conn:
        received, sent = connections.list_invitations(conn, account.viewer(conn))
        members = connections.list_connections(conn, account.viewer(conn))
        # the value of the network as of the day chosen with the page's date control
        value = dashboard.dashboard(conn, viewer(conn, account.handle, as_of=day))
    if errors:
        extra.setdefault("errors", errors)
    return render(
        ctx,
        "network.html",
        status=status,
        received=received,
        sent=sent,
        members=members,
        value=value,
        as_of=as_of[:20] if errors else (day.date().isoformat() if day else ""),
        how_known=list(connections.HOW_KNOWN_CHOICES),
        model_facts=model_facts,
        **extra,
    )


@router.get("/network")
def network(ctx: Page, as_of: str = "") -> Response:
    """My network; ``as_of`` (the page's date control): the value as of that day."""
    return _network_page(ctx, as_of=as_of)


@router.post("/network/invitations")
def invite(ctx: Page, handle: FormStr = "", note: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            connections.send_invitation(conn, account.viewer(conn), handle, note)
    except FormError as exc:
        from weakties.web.routes.profiles import profile_response

        return profile_response(ctx, handle, status=422, errors=exc.fields, note=note)
    except RefusedError as exc:
        from weakties.web.routes.discover import invitation_refused
        from weakties.web.routes.profiles import profile_response

        refused = invitation_refused(ctx, exc)
        return profile_response(ctx, handle, status=409, errors={"note": refused}, note=note)
    return redirect(f"/in/{handle}")


@router.post("/network/invitations/{invitation_id}/accept")
def accept(ctx: Page, invitation_id: int, how_known: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            done = connections.answer_invitation(
                conn, account.viewer(conn), invitation_id, accept=True, how_known=how_known or None
            )
    except FormError as exc:
        return _network_page(ctx, status=422, errors=exc.fields)
    return redirect(f"/in/{done.sender.handle}")


@router.post("/network/invitations/{invitation_id}/ignore")
def ignore(ctx: Page, invitation_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        connections.answer_invitation(conn, account.viewer(conn), invitation_id, accept=False)
    return redirect("/network")


@router.post("/network/invitations/{invitation_id}/withdraw")
def withdraw(ctx: Page, invitation_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        connections.withdraw_invitation(conn, account.viewer(conn), invitation_id)
    return redirect("/network")


@router.post("/network/connections/{handle}/remove")
def remove(ctx: Page, handle: str) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        connections.remove_connection(conn, account.viewer(conn), handle)
    return redirect("/network")
