"""``/api/v1``: the pages' data as JSON, described by ``/api/v1/openapi.json``.

Authenticate with a personal access token (``Authorization: Bearer wt_…``,
created on the settings page) or, from the pages, the session cookie with the
``X-CSRF-Token`` header on writes. Public schemas are separate from the tables:
the API never returns a row as it is stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from weakties.service import accounts, profiles
from weakties.web.deps import Api

__all__ = ["router"]


class ErrorOut(BaseModel):
    """Every error of the API has this shape."""

    ok: bool = False
    error: str
    status: int
    fields: dict[str, str] = Field(default_factory=dict)


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    meaning = {
        401: "not signed in (no session, no valid token)",
        403: "not allowed, or a write without the CSRF header",
        404: "no such thing, or not visible to you",
        422: "invalid input; ``fields`` names each wrong field",
    }
    return {code: {"model": ErrorOut, "description": meaning[code]} for code in codes}


router = APIRouter(prefix="/api/v1", tags=["api"], responses=_errors(401, 422))


class MeOut(BaseModel):
    handle: str
    name: str
    email: str
    role: str
    locale: str | None


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="the secret, shown this once")


class PositionOut(BaseModel):
    kind: str
    organization: str | None
    title: str | None
    location: str | None
    start: dt.date | None
    end: dt.date | None
    current: bool


class ProfileOut(BaseModel):
    handle: str
    name: str
    headline: str | None
    location: str | None
    industry: str | None
    about: str | None
    degree: int | None
    is_self: bool
    experience: list[PositionOut]
    education: list[PositionOut]


@router.get("/me", response_model=MeOut)
def me(ctx: Api) -> MeOut:
    account = ctx.require()
    return MeOut(
        handle=account.handle,
        name=account.name,
        email=account.email,
        role=account.role,
        locale=account.locale,
    )


@router.get("/tokens", response_model=list[TokenOut])
def tokens(ctx: Api) -> list[TokenOut]:
    account = ctx.require()
    with ctx.tx() as conn:
        found = accounts.list_access_tokens(conn, account)
    return [TokenOut(**t.__dict__) for t in found]


@router.post("/tokens", response_model=NewTokenOut, status_code=201, responses=_errors(403))
def new_token(ctx: Api, body: TokenIn) -> NewTokenOut:
    account = ctx.require()
    with ctx.tx() as conn:
        secret, info = accounts.create_access_token(conn, account, body.name)
    return NewTokenOut(token=secret, **info.__dict__)


@router.delete("/tokens/{token_id}", status_code=204, responses=_errors(403, 404))
def revoke_token(ctx: Api, token_id: int) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        found = accounts.revoke_access_token(conn, account, token_id)
    if not found:
        from weakties.store.errors import NotFoundError

        raise NotFoundError(f"no token {token_id}")


def _position(p: profiles.ProfilePosition) -> PositionOut:
    return PositionOut(
        kind=p.kind,
        organization=p.organization,
        title=p.title,
        location=p.location,
        start=p.start,
        end=p.end,
        current=p.current,
    )


@router.get("/profiles/{handle}", response_model=ProfileOut, responses=_errors(404))
def profile(ctx: Api, handle: str) -> ProfileOut:
    account = ctx.require()
    with ctx.tx() as conn:
        found = profiles.member_profile(conn, account.viewer(conn), handle)
    return ProfileOut(
        handle=found.handle,
        name=found.name,
        headline=found.headline,
        location=found.location,
        industry=found.industry,
        about=found.about,
        degree=found.degree,
        is_self=found.is_self,
        experience=[_position(p) for p in found.experience],
        education=[_position(p) for p in found.education],
    )
