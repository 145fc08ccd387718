"""My network: invitations received and sent, the value of the network
(:mod:`weakties.service.dashboard`), connections; connecting from a profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from weakties.service import connections, dashboard
from weakties.service.forms import FormError
from weakties.store.errors import RefusedError
from weakties.web.deps import Page
from weakties.web.render import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FormStr = Annotated[str, Form()]


def _network_page(ctx: Page, *, status: int = 200, **extra: object) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        received, sent = connections.list_invitations(conn, account.viewer(conn))
        members = connections.list_connections(conn, account.viewer(conn))
        value = dashboard.dashboard(conn, account.viewer(conn))
    return render(
        ctx,
        "network.html",
        status=status,
        received=received,
        sent=sent,
        members=members,
        value=value,
        how_known=list(connections.HOW_KNOWN_CHOICES),
        **extra,
    )


@router.get("/network")
def network(ctx: Page) -> Response:
    return _network_page(ctx)


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
        from weakties.web.routes.profiles import profile_response

        return profile_response(ctx, handle, status=409, errors={"note": str(exc)}, note=note)
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
