"""Keep in touch: ``/network/keep-in-touch`` (the reminders, snooze, dismiss and the
cadence of each Dunbar layer) and the same under ``/api/v1/network/keep-in-touch``.

Every route makes one call into :mod:`weakties.service.keep_in_touch` with the
signed-in member's viewer: a member only ever sees and answers their own reminders.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path
from pydantic import Field
from starlette.responses import Response

from weakties.records import to_json
from weakties.service import keep_in_touch as kit
from weakties.service.forms import FormError
from weakties.web.deps import ApiMember, Page
from weakties.web.render import redirect, render
from weakties.web.routes.api import Input, _errors

__all__ = ["api", "router"]

router = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api/v1/network/keep-in-touch", tags=["network"], responses=_errors(401, 404, 422)
)

FormStr = Annotated[str, Form()]
PersonId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PAGE = "/network/keep-in-touch"


def _page(
    ctx: Page,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    failed: int | None = None,
) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        found = kit.reminders(conn, account.viewer(conn))
    today = dt.date.fromisoformat(found.as_of)
    return render(
        ctx,
        "keep_in_touch.html",
        status=status,
        found=found,
        errors=errors or {},
        form=form or {},
        failed=failed,
        snooze_default=(today + dt.timedelta(days=30)).isoformat(),
        snooze_min=(today + dt.timedelta(days=1)).isoformat(),
        snooze_max=(today + dt.timedelta(days=kit.MAX_SNOOZE)).isoformat(),
    )


@router.get(PAGE)
def keep_in_touch_page(ctx: Page) -> Response:
    return _page(ctx)


@router.post(f"{PAGE}/cadences")
def save_cadences(
    ctx: Page,
    cadence_5: FormStr = "",
    cadence_15: FormStr = "",
    cadence_50: FormStr = "",
    cadence_150: FormStr = "",
) -> Response:
    account = ctx.require()
    values = {
        "cadence_5": cadence_5,
        "cadence_15": cadence_15,
        "cadence_50": cadence_50,
        "cadence_150": cadence_150,
    }
    try:
        with ctx.tx() as conn:
            kit.set_cadences(conn, account.viewer(conn), dict(values))
    except FormError as exc:
        return _page(ctx, status=422, errors=exc.fields, form=values)
    return redirect(f"{PAGE}#cadences-h")


@router.post(f"{PAGE}/{{person_id}}/snooze")
def snooze(ctx: Page, person_id: PersonId, until: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            kit.snooze(conn, account.viewer(conn), person_id, until)
    except FormError as exc:
        return _page(ctx, status=422, errors=exc.fields, form={"until": until}, failed=person_id)
    return redirect(PAGE)


@router.post(f"{PAGE}/{{person_id}}/dismiss")
def dismiss(ctx: Page, person_id: PersonId) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        kit.dismiss(conn, account.viewer(conn), person_id)
    return redirect(PAGE)


@router.post(f"{PAGE}/{{person_id}}/restore")
def restore(ctx: Page, person_id: PersonId) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        kit.restore(conn, account.viewer(conn), person_id)
    return redirect(PAGE)


# -- the API ----------------------------------------------------------------------------

Days = Annotated[int, Field(ge=1, le=kit.MAX_CADENCE)]


class CadencesIn(Input):
    """Days between contacts per Dunbar layer; null: no reminders for that layer; a
    layer left out keeps its cadence."""

    cadence_5: Days | None = None
    cadence_15: Days | None = None
    cadence_50: Days | None = None
    cadence_150: Days | None = None


class SnoozeIn(Input):
    until: dt.date = Field(description="the day the reminder comes back (after today)")


@api.get("", response_model=dict[str, Any])
def reminders_api(ctx: ApiMember) -> dict[str, Any]:
    """Your keep-in-touch reminders, first to answer first, each with its reasons; the
    snoozed ones; your cadences."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = kit.reminders(conn, account.viewer(conn))
    return dict(to_json(found))


@api.put("/cadences", response_model=list[dict[str, Any]])
def cadences_api(ctx: ApiMember, body: CadencesIn) -> list[dict[str, Any]]:
    """Set how often you keep in touch with each Dunbar layer."""
    account = ctx.require()
    given = body.model_dump(exclude_unset=True)
    values = {k: (None if v is None else str(v)) for k, v in given.items()}
    with ctx.tx() as conn:
        found = kit.set_cadences(conn, account.viewer(conn), values)
    return list(to_json(found))


@api.post("/{person_id}/snooze", response_model=dict[str, Any])
def snooze_api(ctx: ApiMember, person_id: PersonId, body: SnoozeIn) -> dict[str, Any]:
    """Hide the reminder about a person until a day."""
    account = ctx.require()
    with ctx.tx() as conn:
        day = kit.snooze(conn, account.viewer(conn), person_id, body.until)
    return {"person_id": person_id, "snoozed_until": day.isoformat()}


@api.post("/{person_id}/dismiss", response_model=dict[str, Any])
def dismiss_api(ctx: ApiMember, person_id: PersonId) -> dict[str, Any]:
    """Dismiss the reminder about a person: counted as a contact today."""
    account = ctx.require()
    with ctx.tx() as conn:
        day = kit.dismiss(conn, account.viewer(conn), person_id)
    return {"person_id": person_id, "dismissed_on": day.isoformat()}


@api.delete("/{person_id}", status_code=204, response_class=Response)
def restore_api(ctx: ApiMember, person_id: PersonId) -> Response:
    """Forget your snooze and dismissal about a person."""
    account = ctx.require()
    with ctx.tx() as conn:
        kit.restore(conn, account.viewer(conn), person_id)
    return Response(status_code=204)
