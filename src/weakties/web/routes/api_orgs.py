"""``/api/v1``: organisation and group pages, following."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.responses import Response

from weakties.service import follows, groups, orgpage_admin, orgpages
from weakties.web.deps import ApiMember
from weakties.web.routes.api import NAME, NOTE, Input, _errors
from weakties.web.routes.api_profile import CreatedOut
from weakties.web.routes.search import PostHitOut, _post_hit
from weakties.web.routes.social_api import JobOut, _job

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["api"], responses=_errors(401, 422))


class OrgPersonOut(BaseModel):
    name: str
    handle: str | None = Field(description="when they are a member")
    title: str | None
    start: dt.date | None
    end: dt.date | None
    degree: int | None = Field(description="1, 2, 0 for you; null: 3rd+ or unknown")


class MemberLineOut(BaseModel):
    name: str
    handle: str


class FollowersOut(BaseModel):
    count: int = Field(description="as you may count them")
    named: list[MemberLineOut] = Field(description="those whose sharing lets you name them")


class OrgOut(BaseModel):
    id: int
    name: str
    kind: str
    industry: str | None
    location: str | None
    aliases: list[str]
    followers: FollowersOut
    following: bool
    people_count: int = Field(description="people here now, as you may count them")
    people: list[OrgPersonOut] = Field(description="people here now you may see, nearest first")
    network_here: list[OrgPersonOut] = Field(description="your 1st and 2nd degree here now")
    connections_here: int
    former_count: int
    former: list[OrgPersonOut]
    about: str | None = Field(description="what it is about, when someone wrote it")
    website: str | None = Field(description="its http(s) address, when someone wrote it")
    can_edit: bool = Field(description="you may edit the page: one of its admins, or the operator")
    can_claim: bool = Field(description="you may become its first admin (you are here now)")
    admins: list[MemberLineOut] = Field(description="its page admins, for those who may edit")
    jobs: list[JobOut] = Field(description="open jobs, newest first (at most 10)")
    posts: list[PostHitOut] = Field(description="posts for it you may read, newest first (5)")


def _followers(f: follows.Followers) -> FollowersOut:
    return FollowersOut(
        count=f.count, named=[MemberLineOut(name=m.name, handle=m.handle) for m in f.named]
    )


def _person(p: orgpages.OrgPerson) -> OrgPersonOut:
    return OrgPersonOut(
        name=p.name, handle=p.handle, title=p.title, start=p.start, end=p.end, degree=p.degree
    )


@router.get("/orgs/{org_id}", response_model=OrgOut, responses=_errors(404))
def org(ctx: ApiMember, org_id: int) -> OrgOut:
    """An organisation's page (404 for one you may not see)."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = orgpages.org_page(conn, account.viewer(conn), org_id)
    return OrgOut(
        id=found.id,
        name=found.name,
        kind=found.kind,
        industry=found.industry,
        location=found.location,
        aliases=found.aliases,
        followers=_followers(found.followers),
        following=found.following,
        people_count=found.people_count,
        people=[_person(p) for p in found.people],
        network_here=[_person(p) for p in found.network_here],
        connections_here=found.connections_here,
        former_count=found.former_count,
        former=[_person(p) for p in found.former],
        about=found.about,
        website=found.website,
        can_edit=found.rights.can_edit,
        can_claim=found.rights.can_claim,
        admins=[MemberLineOut(name=a.name, handle=a.handle) for a in found.rights.admins],
        jobs=[_job(j) for j in found.jobs],
        posts=[_post_hit(p) for p in found.posts],
    )


class OrgEditIn(Input):
    about: str = Field(default="", description="plain text; empty clears it")
    website: str = Field(default="", description="an http:// or https:// address; empty clears it")
    industry: str = Field(default="", description="empty clears it")


@router.put("/orgs/{org_id}", status_code=204, responses=_errors(403, 404, 409))
def edit_org(ctx: ApiMember, org_id: int, body: OrgEditIn) -> Response:
    """Write a company's or a school's about text, website and industry, all three
    (409 unless you are one of its page admins or the operator; 422 names each
    wrong field, and nothing is written)."""
    account = ctx.require()
    edit = orgpage_admin.OrgEdit(body.about, body.website, body.industry)
    with ctx.tx() as conn:
        orgpage_admin.edit_page(conn, account.viewer(conn), org_id, edit)
    return Response(status_code=204)


class AdminIn(Input):
    handle: str = Field(max_length=100)


@router.post("/orgs/{org_id}/admins", status_code=204, responses=_errors(403, 404, 409))
def add_admin(ctx: ApiMember, org_id: int, body: AdminIn) -> Response:
    """Make a member who is here now (their own profile says so) an admin of the
    page; name yourself to claim a page that has no admin yet."""
    account = ctx.require()
    with ctx.tx() as conn:
        orgpage_admin.add_admin(conn, account.viewer(conn), org_id, body.handle)
    return Response(status_code=204)


@router.delete("/orgs/{org_id}/admins/{handle}", status_code=204, responses=_errors(403, 404, 409))
def remove_admin(ctx: ApiMember, org_id: int, handle: str) -> Response:
    """Remove an admin of the page (409 for the last one, unless you are the operator)."""
    account = ctx.require()
    with ctx.tx() as conn:
        orgpage_admin.remove_admin(conn, account.viewer(conn), org_id, handle)
    return Response(status_code=204)


@router.post("/orgs/{org_id}/follow", status_code=204, responses=_errors(403, 404))
def follow_org(ctx: ApiMember, org_id: int) -> Response:
    """Follow an organisation or a group."""
    account = ctx.require()
    with ctx.tx() as conn:
        follows.follow(conn, account.viewer(conn), "organization", org_id)
    return Response(status_code=204)


@router.delete("/orgs/{org_id}/follow", status_code=204, responses=_errors(403, 404))
def unfollow_org(ctx: ApiMember, org_id: int) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        follows.unfollow(conn, account.viewer(conn), "organization", org_id)
    return Response(status_code=204)


@router.post("/members/{handle}/follow", status_code=204, responses=_errors(403, 404, 409))
def follow_member(ctx: ApiMember, handle: str) -> Response:
    """Follow a member (409 for yourself)."""
    account = ctx.require()
    with ctx.tx() as conn:
        follows.follow(conn, account.viewer(conn), "member", handle)
    return Response(status_code=204)


@router.delete("/members/{handle}/follow", status_code=204, responses=_errors(403, 404, 409))
def unfollow_member(ctx: ApiMember, handle: str) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        follows.unfollow(conn, account.viewer(conn), "member", handle)
    return Response(status_code=204)


class FollowedOut(BaseModel):
    kind: str = Field(description="organization, group or member")
    id: int = Field(description="the organisation's id, or the person's")
    name: str
    handle: str | None


@router.get("/following", response_model=list[FollowedOut])
def following(ctx: ApiMember) -> list[FollowedOut]:
    """What you follow."""
    account = ctx.require()
    with ctx.tx() as conn:
        items = follows.following(conn, account.viewer(conn))
    return [FollowedOut(kind=f.kind, id=f.id, name=f.name, handle=f.handle) for f in items]


class GroupCardOut(BaseModel):
    id: int
    name: str
    access: str = Field(description="open, or request (a moderator accepts)")
    members: int
    your_role: str | None = Field(description="owner, moderator, member, requested or null")


@router.get("/groups", response_model=list[GroupCardOut])
def list_groups(ctx: ApiMember) -> list[GroupCardOut]:
    """Every group of the platform, largest first."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = groups.groups(conn, account.viewer(conn))
    return [
        GroupCardOut(
            id=g.id, name=g.name, access=g.access, members=g.members, your_role=g.your_role
        )
        for g in found
    ]


class GroupIn(Input):
    name: str = Field(min_length=1, max_length=groups.NAME_MAX, pattern=NAME)
    about: str = Field(default="", max_length=groups.ABOUT_MAX, pattern=NOTE)
    access: str = Field(default="open", pattern="^(open|request)$")


@router.post("/groups", response_model=CreatedOut, status_code=201, responses=_errors(403))
def create_group(ctx: ApiMember, body: GroupIn) -> CreatedOut:
    """Create a group: you are its owner (422 naming ``name`` when one of that name exists)."""
    account = ctx.require()
    with ctx.tx() as conn:
        new = groups.create_group(
            conn, account.viewer(conn), groups.GroupEdit(body.name, body.about, body.access)
        )
    return CreatedOut(id=new)


class GroupMemberOut(BaseModel):
    name: str
    handle: str
    headline: str | None
    role: str = Field(description="owner, moderator, member, or requested")
    degree: int | None


class GroupOut(BaseModel):
    id: int
    name: str
    about: str | None
    access: str
    member_count: int
    your_role: str | None
    members: list[GroupMemberOut]
    requests: list[GroupMemberOut] = Field(description="for its moderators only")
    followers: FollowersOut
    following: bool


def _gm(m: groups.GroupMemberView) -> GroupMemberOut:
    return GroupMemberOut(
        name=m.name, handle=m.handle, headline=m.headline, role=m.role, degree=m.degree
    )


@router.get("/groups/{group_id}", response_model=GroupOut, responses=_errors(404))
def get_group(ctx: ApiMember, group_id: int) -> GroupOut:
    account = ctx.require()
    with ctx.tx() as conn:
        g = groups.group(conn, account.viewer(conn), group_id)
    return GroupOut(
        id=g.id,
        name=g.name,
        about=g.about,
        access=g.access,
        member_count=g.member_count,
        your_role=g.your_role,
        members=[_gm(m) for m in g.members],
        requests=[_gm(m) for m in g.requests],
        followers=_followers(g.followers),
        following=g.following,
    )


class JoinedOut(BaseModel):
    state: str = Field(description="member, or requested (waiting for a moderator)")


@router.post("/groups/{group_id}/join", response_model=JoinedOut, responses=_errors(403, 404))
def join_group(ctx: ApiMember, group_id: int) -> JoinedOut:
    """Join an open group, or ask to join one by request."""
    account = ctx.require()
    with ctx.tx() as conn:
        state = groups.join(conn, account.viewer(conn), group_id)
    return JoinedOut(state=state)


@router.post("/groups/{group_id}/leave", status_code=204, responses=_errors(403, 404, 409))
def leave_group(ctx: ApiMember, group_id: int) -> Response:
    """Leave the group or withdraw your request (409 for its only owner)."""
    account = ctx.require()
    with ctx.tx() as conn:
        groups.leave(conn, account.viewer(conn), group_id)
    return Response(status_code=204)


class AnswerIn(Input):
    accept: bool


@router.post(
    "/groups/{group_id}/requests/{handle}", status_code=204, responses=_errors(403, 404, 409)
)
def answer_request(ctx: ApiMember, group_id: int, handle: str, body: AnswerIn) -> Response:
    """A moderator accepts or declines a request to join (409 for anyone else)."""
    account = ctx.require()
    with ctx.tx() as conn:
        groups.answer_request(conn, account.viewer(conn), group_id, handle, body.accept)
    return Response(status_code=204)


class RoleIn(Input):
    role: str = Field(pattern="^(owner|moderator|member)$")


@router.put(
    "/groups/{group_id}/members/{handle}", status_code=204, responses=_errors(403, 404, 409)
)
def set_role(ctx: ApiMember, group_id: int, handle: str, body: RoleIn) -> Response:
    """An owner sets a member's role (409 for anyone else, or to leave no owner)."""
    account = ctx.require()
    with ctx.tx() as conn:
        groups.set_role(conn, account.viewer(conn), group_id, handle, body.role)
    return Response(status_code=204)
