"""Jobs (pages): search with filters, a job, post one, save, apply, applications."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from weakties.errors import RefusedError
from weakties.service import jobs
from weakties.service.forms import N_, FormError
from weakties.service.jobs import EMPLOYMENT_TYPES, WORKPLACES
from weakties.web.deps import Page
from weakties.web.render import redirect, render
from weakties.web.routes.introductions import who_can_introduce_section

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]


@router.get("/jobs")
def search(
    ctx: Page,
    q: str = "",
    location: str = "",
    workplace: str = "",
    employment: str = "",
    saved: str = "",
    mine: str = "",
) -> Response:
    account = ctx.require()
    errors: dict[str, str] = {}
    found: list[jobs.JobView] = []
    try:
        with ctx.tx() as conn:
            found = jobs.search_jobs(
                conn,
                account.viewer(conn),
                text=q,
                location=location,
                workplace=workplace,
                employment=employment,
                saved=saved == "1",
                mine=mine == "1",
            )
    except FormError as exc:
        errors = exc.fields
    return render(
        ctx,
        "jobs.html",
        status=422 if errors else 200,
        errors=errors,
        found=found,
        q=q,
        location=location,
        workplace=workplace,
        employment=employment,
        saved=saved == "1",
        mine=mine == "1",
        workplaces=WORKPLACES,
        workplace_labels=jobs.WORKPLACE_LABELS,
        employment_labels=jobs.EMPLOYMENT_LABELS,
        employments=EMPLOYMENT_TYPES,
    )


def _form(ctx: Page, *, status: int = 200, **extra: object) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        orgs = jobs.my_organizations(conn, account.viewer(conn))
    return render(
        ctx,
        "job_new.html",
        status=status,
        orgs=orgs,
        workplaces=WORKPLACES,
        workplace_labels=jobs.WORKPLACE_LABELS,
        employment_labels=jobs.EMPLOYMENT_LABELS,
        employments=EMPLOYMENT_TYPES,
        **extra,
    )


@router.get("/jobs/new")
def new(ctx: Page) -> Response:
    return _form(ctx, draft={})


@router.post("/jobs")
def create(
    ctx: Page,
    organization: FormStr = "",
    title: FormStr = "",
    location: FormStr = "",
    workplace: FormStr = "on_site",
    employment: FormStr = "full_time",
    description: FormStr = "",
    expires_on: FormStr = "",
) -> Response:
    account = ctx.require()
    draft = dict(
        organization=organization,
        title=title,
        location=location,
        workplace=workplace,
        employment=employment,
        description=description,
    )
    try:
        expires = dt.date.fromisoformat(expires_on) if expires_on else None
    except ValueError:
        return _form(
            ctx,
            status=422,
            errors={"expires_on": N_("Choose a day within the next year.")},
            draft={**draft, "expires_on": expires_on},
        )
    try:
        with ctx.tx() as conn:
            view = jobs.post_job(
                conn, account.viewer(conn), jobs.JobDraft(**draft, expires_on=expires)
            )
    except FormError as exc:
        return _form(ctx, status=422, errors=exc.fields, draft={**draft, "expires_on": expires_on})
    except RefusedError as exc:
        return _form(
            ctx, status=409, errors={"title": str(exc)}, draft={**draft, "expires_on": expires_on}
        )
    return redirect(f"/jobs/{view.id}")


def _job_page(ctx: Page, job_id: int, *, status: int = 200, **extra: object) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        me = account.viewer(conn)
        view = jobs.job(conn, me, job_id)
        applicants = jobs.applications(conn, me, job_id) if view.is_mine else []
        intro = None if view.is_mine else who_can_introduce_section(ctx, conn, job_id=job_id)
    return render(
        ctx,
        "job.html",
        status=status,
        job=view,
        intro=intro,
        applicants=applicants,
        workplace_labels=jobs.WORKPLACE_LABELS,
        employment_labels=jobs.EMPLOYMENT_LABELS,
        **extra,
    )


@router.get("/jobs/{job_id}")
def job(ctx: Page, job_id: int) -> Response:
    return _job_page(ctx, job_id)


@router.post("/jobs/{job_id}/save")
def save(ctx: Page, job_id: int, save: FormStr = "1") -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        jobs.save_job(conn, account.viewer(conn), job_id, save=save != "0")
    return redirect(f"/jobs/{job_id}")


@router.post("/jobs/{job_id}/apply")
def apply(ctx: Page, job_id: int, note: FormStr = "") -> Response:
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            jobs.apply(conn, account.viewer(conn), job_id, note)
    except FormError as exc:
        return _job_page(ctx, job_id, status=422, errors=exc.fields, note=note)
    return redirect(f"/jobs/{job_id}")


@router.post("/jobs/{job_id}/close")
def close(ctx: Page, job_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        jobs.close_job(conn, account.viewer(conn), job_id)
    return redirect(f"/jobs/{job_id}")
