"""A profile's sections a member edits: experience and education, skills and their
endorsements, recommendations, who sees each contact detail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from weakties.service import career, contact, profiles, recommendations, skills
from weakties.service.forms import FormError
from weakties.web.deps import Page
from weakties.web.render import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]


def _career_page(
    ctx: Page,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    editing: int | None = None,
) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        mine = profiles.member_profile(conn, account.viewer(conn), account.handle)
    return render(
        ctx,
        "career_edit.html",
        status=status,
        profile=mine,
        errors=errors or {},
        form=form or {},
        editing=editing,
    )


@router.get("/settings/career")
def career_page(ctx: Page) -> Response:
    return _career_page(ctx)


def _edit(
    kind: str, organization: str, title: str, location: str, start: str, end: str, current: str
) -> career.PositionEdit:
    return career.PositionEdit(kind, organization, title, location, start, end, current == "on")


@router.post("/settings/career")
def add_position(
    ctx: Page,
    kind: FormStr = "job",
    organization: FormStr = "",
    title: FormStr = "",
    location: FormStr = "",
    start: FormStr = "",
    end: FormStr = "",
    current: FormStr = "",
) -> Response:
    account = ctx.require()
    edit = _edit(kind, organization, title, location, start, end, current)
    try:
        with ctx.tx() as conn:
            career.add_position(conn, account.viewer(conn), edit)
    except FormError as exc:
        return _career_page(ctx, status=422, errors=exc.fields, form=dict(edit.__dict__))
    return redirect("/settings/career")


@router.post("/settings/career/{position_id}")
def update_position(
    ctx: Page,
    position_id: int,
    kind: FormStr = "job",
    organization: FormStr = "",
    title: FormStr = "",
    location: FormStr = "",
    start: FormStr = "",
    end: FormStr = "",
    current: FormStr = "",
) -> Response:
    account = ctx.require()
    edit = _edit(kind, organization, title, location, start, end, current)
    try:
        with ctx.tx() as conn:
            career.update_position(conn, account.viewer(conn), position_id, edit)
    except FormError as exc:
        return _career_page(
            ctx, status=422, errors=exc.fields, form=dict(edit.__dict__), editing=position_id
        )
    return redirect("/settings/career")


@router.post("/settings/career/{position_id}/delete")
def delete_position(ctx: Page, position_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        career.delete_position(conn, account.viewer(conn), position_id)
    return redirect("/settings/career")


@router.post("/settings/skills")
def add_skill(ctx: Page, skill: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            skills.add_skill(conn, account.viewer(conn), skill)
    except FormError as exc:
        return _career_page(ctx, status=422, errors=exc.fields, form={"skill": skill})
    return redirect("/settings/career#skills")


@router.post("/settings/skills/delete")
def remove_skill(ctx: Page, skill: FormStr = "") -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        skills.remove_skill(conn, account.viewer(conn), skill)
    return redirect("/settings/career#skills")


@router.post("/settings/contact/{detail_id}")
def contact_visibility(ctx: Page, detail_id: int, visibility: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            contact.set_visibility(conn, account.viewer(conn), detail_id, visibility)
    except FormError as exc:
        return _career_page(ctx, status=422, errors=exc.fields)
    return redirect("/settings/career#contact")


@router.post("/in/{handle}/endorse")
def endorse(ctx: Page, handle: str, skill: FormStr = "") -> Response:
    from weakties.web.routes.profiles import profile_response

    account = ctx.require()
    try:
        with ctx.tx() as conn:
            skills.endorse(conn, account.viewer(conn), handle, skill)
    except FormError as exc:
        return profile_response(ctx, handle, status=422, errors=exc.fields)
    return redirect(f"/in/{handle}#skills")


@router.post("/in/{handle}/endorse/withdraw")
def withdraw_endorsement(ctx: Page, handle: str, skill: FormStr = "") -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        skills.withdraw_endorsement(conn, account.viewer(conn), handle, skill)
    return redirect(f"/in/{handle}#skills")


@router.post("/in/{handle}/recommend")
def recommend(ctx: Page, handle: str, relationship: FormStr = "", text: FormStr = "") -> Response:
    from weakties.web.routes.profiles import profile_response

    account = ctx.require()
    try:
        with ctx.tx() as conn:
            recommendations.write(conn, account.viewer(conn), handle, relationship, text)
    except FormError as exc:
        form = {"relationship": relationship, "text": text}
        return profile_response(ctx, handle, status=422, errors=exc.fields, form=form)
    return redirect(f"/in/{handle}#recommendations")


@router.post("/in/{handle}/recommend/withdraw")
def withdraw_recommendation(ctx: Page, handle: str) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        recommendations.withdraw(conn, account.viewer(conn), handle)
    return redirect(f"/in/{handle}#recommendations")


@router.post("/settings/recommendations/{recommendation_id}")
def show_recommendation(ctx: Page, recommendation_id: int, show: FormStr = "") -> Response:
    """The recipient shows a recommendation on their profile (``show=yes``) or hides it."""
    account = ctx.require()
    with ctx.tx() as conn:
        recommendations.set_shown(conn, account.viewer(conn), recommendation_id, show == "yes")
    return redirect(f"/in/{account.handle}#recommendations")
