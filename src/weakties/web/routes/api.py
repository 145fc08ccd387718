"""``/api/v1``: the pages' data as JSON, described by ``/api/v1/openapi.json``.

Authenticate with a personal access token (``Authorization: Bearer wt_…``,
created on the settings page) or, from the pages, the session cookie with the
``X-CSRF-Token`` header on writes. Public schemas are separate from the tables:
the API never returns a row as it is stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.responses import Response

from weakties.service import accounts, connections, memberdata, profiles
from weakties.web.deps import ApiMember

__all__ = ["router"]


def _utc(value: dt.datetime) -> dt.datetime:
    """The tables keep naive UTC; the API says so (RFC 3339 with an offset)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


UtcDatetime = Annotated[dt.datetime, AfterValidator(_utc)]


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
        409: "refused by a rule (the message says which, and until when)",
        413: "the request is too large",
        422: "invalid input; ``fields`` names each wrong field",
        503: "not ready yet: being worked out; ask again after ``Retry-After`` seconds",
    }
    return {code: {"model": ErrorOut, "description": meaning[code]} for code in codes}


router = APIRouter(prefix="/api/v1", tags=["api"], responses=_errors(401, 422))


class MeOut(BaseModel):
    handle: str
    name: str
    email: str
    role: str
    locale: str | None


class Input(BaseModel):
    """What a client sends: only the declared fields."""

    model_config = ConfigDict(extra="forbid")


# at least one character that is not a space (names are trimmed), no control character
NAME = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
# a note may have line breaks and tabs
NOTE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"


class TokenIn(Input):
    name: str = Field(min_length=1, max_length=100, pattern=NAME)


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: UtcDatetime
    last_used_at: UtcDatetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="the secret, shown this once")


class PositionOut(BaseModel):
    id: int | None = Field(description="to edit it, when it is yours")
    kind: str
    organization: str | None
    organization_id: int | None = Field(description="its page: /api/v1/orgs/ID")
    title: str | None
    location: str | None
    start: dt.date | None
    end: dt.date | None
    current: bool


class EmployerOut(BaseModel):
    organization: str | None
    start: dt.date | None
    end: dt.date | None
    current: bool
    roles: list[PositionOut]


class PersonOut(BaseModel):
    name: str | None
    handle: str | None = Field(description="when they are a member")


class SkillOut(BaseModel):
    name: str
    endorsements: int = Field(description="the endorsements you may see")
    endorsers: list[PersonOut]
    endorsed_by_you: bool


class RecommendationOut(BaseModel):
    id: int | None = Field(
        description="to answer or withdraw it, when you are its writer or recipient"
    )
    status: str = Field(
        description="visible; pending or hidden (seen by its writer and recipient only)"
    )
    direction: str = Field(description="received or given")
    person: PersonOut
    on: dt.date | None
    relationship: str | None
    text: str | None


class ContactOut(BaseModel):
    id: int
    kind: str = Field(description="email, phone or linkedin")
    value: str
    visibility: str = Field(description="only_me, connections or everyone")


@router.post("/members/{handle}/operator", status_code=204, responses=_errors(403, 404))
def make_operator(ctx: ApiMember, handle: str) -> None:
    """Make this member an operator (operators only: 403 for anyone else)."""
    from starlette.exceptions import HTTPException

    from weakties.service.forms import N_

    account = ctx.require()
    if not account.is_operator:
        raise HTTPException(403, N_("Only the operator may do this."))
    with ctx.tx() as conn:
        accounts.make_operator(conn, account, handle)


class MutualOut(BaseModel):
    name: str
    handle: str | None


class ProfileOut(BaseModel):
    handle: str
    name: str
    headline: str | None
    location: str | None
    industry: str | None
    about: str | None
    degree: int | None
    is_self: bool
    is_operator: bool = Field(description="the member runs the platform")
    has_photo: bool
    mutual: list[MutualOut] = Field(description="connections in common that you may see")
    connection: str = Field(description="self, connected, invited (by you), invited_you or none")
    experience: list[PositionOut]
    education: list[PositionOut]
    employers: list[EmployerOut] = Field(description="the experience grouped per employer")
    skills: list[SkillOut]
    recommendations: list[RecommendationOut]
    contact: list[ContactOut] = Field(description="the contact details you may see")
    paths: list[list[PersonOut]] = Field(
        description="how you're connected: shortest paths (at most 3 hops) from you"
    )
    following: bool = Field(description="you follow them")
    followers: int = Field(description="their followers, as you may count them")


@router.get("/me", response_model=MeOut)
def me(ctx: ApiMember) -> MeOut:
    account = ctx.require()
    return MeOut(
        handle=account.handle,
        name=account.name,
        email=account.email,
        role=account.role,
        locale=account.locale,
    )


class DeleteIn(Input):
    password: str = Field(min_length=1, max_length=1024, description="the account's password")


@router.get(
    "/me/export",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "all your data"}},
)
def export(ctx: ApiMember) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        archive = memberdata.export_member_data(conn, account)
    return Response(archive, media_type="application/zip", headers={"Cache-Control": "no-store"})


@router.post("/me/delete", status_code=204, response_class=Response, responses=_errors(403, 409))
def delete_me(ctx: ApiMember, body: DeleteIn) -> Response:
    """Delete your account and your data (your password confirms it: 403 when wrong)."""
    account = ctx.require()
    try:
        with ctx.tx() as conn:
            memberdata.delete_account(conn, account, body.password)
    except memberdata.WrongPassword as exc:
        from weakties.web.errors import error_body
        from weakties.web.render import ShownJSON as JSONResponse

        return JSONResponse(error_body(403, "wrong password", exc.fields), status_code=403)
    return Response(status_code=204)


@router.get("/tokens", response_model=list[TokenOut])
def tokens(ctx: ApiMember) -> list[TokenOut]:
    account = ctx.require()
    with ctx.tx() as conn:
        found = accounts.list_access_tokens(conn, account)
    return [TokenOut(**t.__dict__) for t in found]


@router.post("/tokens", response_model=NewTokenOut, status_code=201, responses=_errors(403))
def new_token(ctx: ApiMember, body: TokenIn) -> NewTokenOut:
    account = ctx.require()
    with ctx.tx() as conn:
        secret, info = accounts.create_access_token(conn, account, body.name)
    return NewTokenOut(token=secret, **info.__dict__)


@router.delete("/tokens/{token_id}", status_code=204, responses=_errors(403, 404))
def revoke_token(ctx: ApiMember, token_id: int) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        found = accounts.revoke_access_token(conn, account, token_id)
    if not found:
        from weakties.store.errors import NotFoundError

        raise NotFoundError(f"no token {token_id}")


def _position(p: profiles.ProfilePosition) -> PositionOut:
    return PositionOut(
        id=p.id,
        kind=p.kind,
        organization=p.organization,
        organization_id=p.organization_id,
        title=p.title,
        location=p.location,
        start=p.start,
        end=p.end,
        current=p.current,
    )


@router.get("/profiles/{handle}", response_model=ProfileOut, responses=_errors(404))
def profile(ctx: ApiMember, handle: str) -> ProfileOut:
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
        is_operator=found.is_operator,
        has_photo=found.has_photo,
        mutual=[MutualOut(name=m.name, handle=m.handle) for m in found.mutual],
        connection=found.connection,
        experience=[_position(p) for p in found.experience],
        education=[_position(p) for p in found.education],
        employers=[
            EmployerOut(
                organization=e.organization,
                start=e.start,
                end=e.end,
                current=e.current,
                roles=[_position(p) for p in e.roles],
            )
            for e in found.employers
        ],
        skills=[
            SkillOut(
                name=s.name,
                endorsements=s.endorsements,
                endorsers=[PersonOut(name=e.name, handle=e.handle) for e in s.endorsers],
                endorsed_by_you=s.endorsed_by_you,
            )
            for s in found.skills
        ],
        recommendations=[
            RecommendationOut(
                id=r.id,
                status=r.status,
                direction=r.direction,
                person=PersonOut(name=r.name, handle=r.handle),
                on=r.on,
                relationship=r.relationship,
                text=r.text,
            )
            for r in found.recommendations
        ],
        contact=[
            ContactOut(id=d.id, kind=d.kind, value=d.value, visibility=d.visibility)
            for d in found.contact
        ],
        paths=[
            [PersonOut(name=step.name, handle=step.handle) for step in path] for path in found.paths
        ],
        following=found.following,
        followers=found.followers,
    )


class MemberOut(BaseModel):
    handle: str
    name: str
    headline: str | None


class InvitationIn(Input):
    handle: str = Field(min_length=1, max_length=200, pattern=NAME)
    note: str | None = Field(default=None, max_length=connections.NOTE_MAX, pattern=NOTE)


class AnswerIn(Input):
    how_known: str | None = Field(
        default=None,
        description="how you know each other: "
        + ", ".join(value for value, _label in connections.HOW_KNOWN_CHOICES),
    )


class InvitationOut(BaseModel):
    id: int
    sender: MemberOut
    recipient: MemberOut
    note: str | None
    status: str
    created_at: UtcDatetime
    how_known: str | None


class InvitationsOut(BaseModel):
    received: list[InvitationOut]
    sent: list[InvitationOut]


def _member_out(card: connections.MemberCard) -> MemberOut:
    return MemberOut(handle=card.handle, name=card.name, headline=card.headline)


def _invitation_out(view: connections.InvitationView) -> InvitationOut:
    return InvitationOut(
        id=view.id,
        sender=_member_out(view.sender),
        recipient=_member_out(view.recipient),
        note=view.note,
        status=view.status,
        created_at=view.created_at,
        how_known=view.how_known,
    )


@router.get("/invitations", response_model=InvitationsOut)
def invitations(ctx: ApiMember) -> InvitationsOut:
    account = ctx.require()
    with ctx.tx() as conn:
        received, sent = connections.list_invitations(conn, account.viewer(conn))
    return InvitationsOut(
        received=[_invitation_out(v) for v in received], sent=[_invitation_out(v) for v in sent]
    )


@router.post(
    "/invitations", response_model=InvitationOut, status_code=201, responses=_errors(403, 404, 409)
)
def invite(ctx: ApiMember, body: InvitationIn) -> InvitationOut:
    account = ctx.require()
    with ctx.tx() as conn:
        view = connections.send_invitation(conn, account.viewer(conn), body.handle, body.note)
    return _invitation_out(view)


@router.post(
    "/invitations/{invitation_id}/accept",
    response_model=InvitationOut,
    responses=_errors(403, 404),
)
def accept(ctx: ApiMember, invitation_id: int, body: AnswerIn) -> InvitationOut:
    account = ctx.require()
    with ctx.tx() as conn:
        view = connections.answer_invitation(
            conn, account.viewer(conn), invitation_id, accept=True, how_known=body.how_known
        )
    return _invitation_out(view)


@router.post(
    "/invitations/{invitation_id}/ignore", response_model=InvitationOut, responses=_errors(403, 404)
)
def ignore(ctx: ApiMember, invitation_id: int) -> InvitationOut:
    account = ctx.require()
    with ctx.tx() as conn:
        view = connections.answer_invitation(
            conn, account.viewer(conn), invitation_id, accept=False
        )
    return _invitation_out(view)


@router.post(
    "/invitations/{invitation_id}/withdraw",
    response_model=InvitationOut,
    responses=_errors(403, 404),
)
def withdraw(ctx: ApiMember, invitation_id: int) -> InvitationOut:
    account = ctx.require()
    with ctx.tx() as conn:
        view = connections.withdraw_invitation(conn, account.viewer(conn), invitation_id)
    return _invitation_out(view)


@router.get("/connections", response_model=list[MemberOut])
def connections_list(ctx: ApiMember) -> list[MemberOut]:
    account = ctx.require()
    with ctx.tx() as conn:
        found = connections.list_connections(conn, account.viewer(conn))
    return [_member_out(card) for card in found]


@router.delete("/connections/{handle}", status_code=204, responses=_errors(403, 404))
def remove_connection(ctx: ApiMember, handle: str) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        connections.remove_connection(conn, account.viewer(conn), handle)


TEXT = r"^[^\x00-\x1f\x7f-\x9f]*$"


class ProfileIn(Input):
    name: str = Field(min_length=1, max_length=200, pattern=NAME)
    headline: str = Field(default="", max_length=500, pattern=TEXT)
    location: str = Field(default="", max_length=300, pattern=TEXT)
    industry: str = Field(default="", max_length=200, pattern=TEXT)
    about: str = Field(default="", max_length=5000, pattern=NOTE)


@router.put("/me/profile", response_model=ProfileOut, responses=_errors(403))
def edit_profile(ctx: ApiMember, body: ProfileIn) -> ProfileOut:
    account = ctx.require()
    with ctx.tx() as conn:
        profiles.update_profile(
            conn,
            account.viewer(conn),
            profiles.ProfileEdit(
                body.name, body.headline, body.location, body.industry, body.about
            ),
        )
    return profile(ctx, account.handle)


class DoNotAskOut(BaseModel):
    on: bool = Field(description="you do not want to be asked to introduce anyone")
    reason: str | None = Field(description="your reason, which only your contacts read")


class DoNotAskIn(Input):
    on: bool = Field(description="do not ask me to introduce anyone")
    reason: str = Field(
        default="",
        max_length=200,
        description="why (optional): only your contacts read it, when they ask you",
    )


def _do_not_ask_out(conn: Any, who: Any) -> DoNotAskOut:
    from weakties.service import outreach

    on, reason = outreach.not_to_be_asked(conn, who)
    return DoNotAskOut(on=on, reason=reason)


@router.get("/me/do-not-ask", response_model=DoNotAskOut)
def do_not_ask(ctx: ApiMember) -> DoNotAskOut:
    """Whether you asked not to be asked to introduce anyone, and your reason."""
    account = ctx.require()
    with ctx.tx() as conn:
        return _do_not_ask_out(conn, account.viewer(conn))


@router.put("/me/do-not-ask", response_model=DoNotAskOut, responses=_errors(403))
def set_do_not_ask(ctx: ApiMember, body: DoNotAskIn) -> DoNotAskOut:
    """Switch "do not ask me to introduce anyone" on or off, as the settings page
    does: switched on, you are never proposed as a way in, and a request through
    you is refused with the rule (and your reason, to your contacts only)."""
    from weakties.service import outreach

    account = ctx.require()
    with ctx.tx() as conn:
        who = account.viewer(conn)
        outreach.set_do_not_ask_me(conn, who, body.on, body.reason)
        return _do_not_ask_out(conn, who)


@router.post("/me/photo", status_code=204, responses=_errors(403, 413))
def upload_photo(
    ctx: ApiMember, photo: UploadFile = File(description="JPEG, PNG, WebP or GIF")
) -> None:
    from weakties.web.routes.profiles import read_upload

    account = ctx.require()
    with ctx.tx() as conn:
        profiles.save_photo(
            conn,
            account.viewer(conn),
            read_upload(ctx, photo),
            max_bytes=ctx.settings.photo_max_bytes,
        )


@router.delete("/me/photo", status_code=204, responses=_errors(403))
def delete_photo(ctx: ApiMember) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        profiles.remove_photo(conn, account.viewer(conn))


@router.get(
    "/profiles/{handle}/photo",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "the photo"}, **_errors(404)},
)
def photo(ctx: ApiMember, handle: str) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        content = profiles.member_photo(conn, account.viewer(conn), handle)
    return Response(content, media_type="image/jpeg", headers={"Cache-Control": "private"})
