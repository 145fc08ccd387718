"""People you may know (``/network/people-you-may-know``) and opportunities
(``/network/opportunities``), each with its reasons and a one-click invitation
(the invitation rules of :mod:`weakties.service.connections` apply: a stranger
needs a note, a week has its limit); the same under ``/api/v1/network``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.responses import Response

from weakties.errors import RefusedError
from weakties.records import to_json
from weakties.service import connections, discover
from weakties.service.forms import FormError
from weakties.web.deps import ApiMember, Page
from weakties.web.pymk_reasons import ranker_reasons
from weakties.web.render import redirect, render, safe_next
from weakties.web.routes.api import _errors

__all__ = ["api", "router"]

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/network", tags=["network"], responses=_errors(401, 422))

FormStr = Annotated[str, Form()]
PYMK = "/network/people-you-may-know"
OPPORTUNITIES = "/network/opportunities"


def _pymk(ctx: Page, *, status: int = 200, **extra: Any) -> Response:
    account = ctx.require()
    extra = {"failed": None, "note": "", **extra}
    with ctx.tx() as conn:
        found = discover.people_you_may_know(conn, account.viewer(conn), ctx.settings.batch_results)
    # what the ranker fitted on the member's history weighed, where it ranked (the
    # nightly batch never uses it)
    ranked = {
        p.id: reasons
        for p in (found.people if found.source != "batch" else [])
        if (reasons := ranker_reasons(p.why)) is not None
    }
    fitted = bool(ranked) and len(ranked) == len(found.people)
    return render(
        ctx, "pymk.html", status=status, found=found, ranked=ranked, fitted=fitted, **extra
    )


def invitation_refused(ctx: Page, exc: RefusedError) -> str:
    """An invitation's refusal in the member's language, with its rule and the day
    it lifts (the weekly limit); another refusal as the service says it."""
    reason = (exc.reasons or [{}])[0]
    day = reason.get("possible_on")
    if reason.get("rule") != "invitations_per_week" or not isinstance(day, str):
        return str(exc)
    account = ctx.require()
    with ctx.tx() as conn:
        limit = connections.invitations_per_week(conn, account.viewer(conn))
    words = ctx.lang.ngettext(
        "%(num)s invitation in seven days is the limit: the next one is possible on %(day)s.",
        "%(num)s invitations in seven days is the limit: the next one is possible on %(day)s.",
        limit,
    )
    return words % {"num": ctx.lang.number(limit), "day": ctx.lang.date(day)}


def _opportunities(ctx: Page, *, status: int = 200, **extra: Any) -> Response:
    account = ctx.require()
    extra = {"failed": None, "note": "", **extra}
    with ctx.tx() as conn:
        found = discover.opportunities_page(conn, account.viewer(conn))
    return render(ctx, "opportunities.html", status=status, found=found, **extra)


@router.get(PYMK)
def pymk_page(ctx: Page) -> Response:
    return _pymk(ctx)


@router.get(OPPORTUNITIES)
def opportunities_page(ctx: Page) -> Response:
    return _opportunities(ctx)


@router.post("/network/invite")
def invite(ctx: Page, handle: FormStr = "", note: FormStr = "", back: FormStr = "") -> Response:
    """One click: invite from a suggestion or an opportunity, back to that page."""
    account = ctx.require()
    page = _opportunities if safe_next(back, PYMK) == OPPORTUNITIES else _pymk
    try:
        with ctx.tx() as conn:
            connections.send_invitation(conn, account.viewer(conn), handle, note or None)
    except FormError as exc:
        return page(ctx, status=422, errors=exc.fields, failed=handle, note=note)
    except RefusedError as exc:
        return page(
            ctx, status=409, errors={"note": invitation_refused(ctx, exc)}, failed=handle, note=note
        )
    return redirect(safe_next(back, PYMK))


@api.get("/people-you-may-know", response_model=dict[str, Any])
def pymk_api(ctx: ApiMember) -> dict[str, Any]:
    """People you may know, with their reasons as facts (mutual contacts, shared
    places) and what one click may do (``invite.state``: none, invited, invited_you,
    connected, not_member; ``invite.needs_note``: a stranger needs a note). Invite
    with ``POST /api/v1/invitations``."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = discover.people_you_may_know(conn, account.viewer(conn), ctx.settings.batch_results)
    return dict(to_json(found))


@api.get("/opportunities", response_model=dict[str, Any])
def opportunities_api(ctx: ApiMember) -> dict[str, Any]:
    """Your opportunity feed (career moves, dormant ties at the organisations you follow
    or target, new ways in), each item with the polite thing to do and one click's
    state for its person."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = discover.opportunities_page(conn, account.viewer(conn))
    return dict(to_json(found))
