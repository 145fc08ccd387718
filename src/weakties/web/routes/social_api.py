"""``/api/v1`` for the feed, posts, messages, notifications, jobs and safety.

The same service calls as the pages, the same rules: a post outside its
audience, a conversation one is not in, a request for someone else are 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from weakties.service import feed as feed_service
from weakties.service import jobs, messages, moderation, notifications, posts
from weakties.service.connections import MemberCard
from weakties.service.jobs import EMPLOYMENT_TYPES, WORKPLACES
from weakties.service.moderation import REPORT_KINDS
from weakties.service.posts import REACTION_KINDS
from weakties.web.deps import ApiMember
from weakties.web.routes.api import NOTE, Input, MemberOut, UtcDatetime, _errors

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["social"], responses=_errors(401, 422))

Audience = Literal["everyone", "connections", "group"]
ReactionKind = Literal["like", "celebrate", "support", "insightful", "curious"]
Workplace = Literal["on_site", "hybrid", "remote"]
Employment = Literal["full_time", "part_time", "contract", "freelance", "internship"]
ReportKind = Literal["post", "comment", "message", "member"]
assert set(ReactionKind.__args__) == set(REACTION_KINDS)  # type: ignore[attr-defined]
assert set(Workplace.__args__) == set(WORKPLACES)  # type: ignore[attr-defined]
assert set(Employment.__args__) == set(EMPLOYMENT_TYPES)  # type: ignore[attr-defined]
assert set(ReportKind.__args__) == set(REPORT_KINDS)  # type: ignore[attr-defined]
HANDLE = r"^@?[A-Za-z0-9-]{1,60}$"


def _m(card: MemberCard) -> MemberOut:
    return MemberOut(handle=card.handle, name=card.name, headline=card.headline)


class SharedOut(BaseModel):
    id: int
    author: MemberOut
    html: str = Field(description="sanitised HTML rendered from the author's Markdown")
    created_at: UtcDatetime


class PostOut(BaseModel):
    id: int
    author: MemberOut | None = Field(
        description="null: a deleted member's post, kept (empty) for others' comments"
    )
    audience: str
    organization: str | None
    group: str | None = Field(description="the group of a group discussion")
    html: str = Field(description="sanitised HTML rendered from the author's Markdown")
    created_at: UtcDatetime
    reactions: dict[str, int]
    my_reaction: str | None
    comment_count: int
    shared: SharedOut | None
    hidden_reason: str | None = Field(description="the operator's reason (the author only)")


class CommentOut(BaseModel):
    id: int
    author: MemberOut
    html: str
    created_at: UtcDatetime
    parent_id: int | None
    replies: list[CommentOut] = Field(default_factory=list)


class PostPageOut(PostOut):
    comments: list[CommentOut]


class WhyOut(BaseModel):
    kind: str = Field(
        description="own, connection, follow_member, follow_org, group, contact, own_data"
    )
    name: str | None
    link: str | None
    via: str | None


class CareerOut(BaseModel):
    person: str
    handle: str | None
    before: str | None
    after: str | None
    date: str | None


class FeedItemOut(BaseModel):
    kind: str = Field(description="post or career")
    at: UtcDatetime
    post: PostOut | None
    career: CareerOut | None
    why: list[WhyOut]


class FeedOut(BaseModel):
    items: list[FeedItemOut]
    next_cursor: str | None = Field(description="give it as ?cursor= for the next page")


def _post(v: posts.PostView) -> PostOut:
    shared = None
    if v.shared is not None and v.shared.author is not None:
        shared = SharedOut(
            id=v.shared.id,
            author=_m(v.shared.author),
            html=v.shared.html,
            created_at=v.shared.created_at,
        )
    return PostOut(
        id=v.id,
        author=_m(v.author) if v.author is not None else None,
        audience=v.audience,
        organization=v.organization,
        group=v.group,
        html=v.html,
        created_at=v.created_at,
        reactions=v.reactions,
        my_reaction=v.my_reaction,
        comment_count=v.comment_count,
        shared=shared,
        hidden_reason=v.hidden_reason,
    )


def _comment(c: posts.CommentView) -> CommentOut:
    return CommentOut(
        id=c.id,
        author=_m(c.author),
        html=c.html,
        created_at=c.created_at,
        parent_id=c.parent_id,
        replies=[_comment(r) for r in c.replies],
    )


@router.get("/feed", response_model=FeedOut)
def feed(ctx: ApiMember, cursor: str | None = Query(default=None, max_length=200)) -> FeedOut:
    account = ctx.require()
    with ctx.tx() as conn:
        page = feed_service.feed(conn, account.viewer(conn), cursor)
    return FeedOut(
        items=[
            FeedItemOut(
                kind=i.kind,
                at=i.at,
                post=_post(i.post) if i.post else None,
                career=CareerOut(
                    person=i.career.person,
                    handle=i.career.handle,
                    before=i.career.before,
                    after=i.career.after,
                    date=i.career.date,
                )
                if i.career
                else None,
                why=[WhyOut(kind=w.kind, name=w.name, link=w.link, via=w.via) for w in i.why],
            )
            for i in page.items
        ],
        next_cursor=page.next_cursor,
    )


class PostIn(Input):
    body: str = Field(min_length=1, max_length=posts.BODY_MAX, pattern=NOTE)
    audience: Audience = "everyone"
    organization_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    group_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="the group, for the audience group"
    )


class ShareIn(Input):
    body: str = Field(default="", max_length=posts.BODY_MAX, pattern=NOTE)


class CommentIn(Input):
    body: str = Field(min_length=1, max_length=posts.COMMENT_MAX, pattern=NOTE)
    parent_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ReactionIn(Input):
    kind: ReactionKind


@router.post("/posts", response_model=PostOut, status_code=201, responses=_errors(403, 409))
def create_post(ctx: ApiMember, body: PostIn) -> PostOut:
    account = ctx.require()
    with ctx.tx() as conn:
        view = posts.create_post(
            conn,
            account.viewer(conn),
            body.body,
            body.audience,
            organization_id=body.organization_id,
            group_id=body.group_id,
        )
    return _post(view)


@router.get("/posts/{post_id}", response_model=PostPageOut, responses=_errors(404))
def get_post(ctx: ApiMember, post_id: int) -> PostPageOut:
    account = ctx.require()
    with ctx.tx() as conn:
        view = posts.post_page(conn, account.viewer(conn), post_id)
    return PostPageOut(**_post(view).model_dump(), comments=[_comment(c) for c in view.comments])


@router.delete("/posts/{post_id}", status_code=204, responses=_errors(403, 404))
def delete_post(ctx: ApiMember, post_id: int) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        posts.delete_post(conn, account.viewer(conn), post_id)


@router.post(
    "/posts/{post_id}/comments",
    response_model=CommentOut,
    status_code=201,
    responses=_errors(403, 404, 409),
)
def comment(ctx: ApiMember, post_id: int, body: CommentIn) -> CommentOut:
    account = ctx.require()
    with ctx.tx() as conn:
        done = posts.add_comment(conn, account.viewer(conn), post_id, body.body, body.parent_id)
    return _comment(done)


@router.put("/posts/{post_id}/reaction", response_model=PostOut, responses=_errors(403, 404, 409))
def react(ctx: ApiMember, post_id: int, body: ReactionIn) -> PostOut:
    account = ctx.require()
    with ctx.tx() as conn:
        return _post(posts.react(conn, account.viewer(conn), post_id, body.kind))


@router.delete(
    "/posts/{post_id}/reaction", response_model=PostOut, responses=_errors(403, 404, 409)
)
def unreact(ctx: ApiMember, post_id: int) -> PostOut:
    account = ctx.require()
    with ctx.tx() as conn:
        return _post(posts.react(conn, account.viewer(conn), post_id, None))


@router.post(
    "/posts/{post_id}/shares",
    response_model=PostOut,
    status_code=201,
    responses=_errors(403, 404, 409),
)
def share(ctx: ApiMember, post_id: int, body: ShareIn) -> PostOut:
    account = ctx.require()
    with ctx.tx() as conn:
        return _post(posts.share_post(conn, account.viewer(conn), post_id, body.body))


class MessageOut(BaseModel):
    id: int
    sender: MemberOut
    body: str | None = Field(description="the text; null when the operator hid it")
    created_at: UtcDatetime
    hidden_reason: str | None


class ConversationOut(BaseModel):
    id: int
    others: list[MemberOut]
    state: str = Field(description="active, or request (a message request for you)")
    waiting: bool = Field(description="your request is not accepted yet")
    messages: list[MessageOut]


class InboxOut(BaseModel):
    id: int
    others: list[MemberOut]
    last_at: UtcDatetime
    unread: int
    state: str
    preview: str | None


class ConversationIn(Input):
    to: list[str] = Field(min_length=1, max_length=messages.GROUP_MAX - 1)
    body: str = Field(min_length=1, max_length=messages.BODY_MAX, pattern=NOTE)


class MessageIn(Input):
    body: str = Field(min_length=1, max_length=messages.BODY_MAX, pattern=NOTE)


def _msg(m: messages.MessageView) -> MessageOut:
    return MessageOut(
        id=m.id,
        sender=_m(m.sender),
        body=m.body,
        created_at=m.created_at,
        hidden_reason=m.hidden_reason,
    )


def _conversation_out(c: messages.ConversationView) -> ConversationOut:
    return ConversationOut(
        id=c.id,
        others=[_m(o) for o in c.others],
        state=c.state,
        waiting=c.waiting,
        messages=[_msg(m) for m in c.messages],
    )


@router.get("/conversations", response_model=list[InboxOut])
def conversations(ctx: ApiMember, state: Literal["active", "request"] = "active") -> list[InboxOut]:
    """Your inbox (``active``) or your message requests (``request``)."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = messages.inbox(conn, account.viewer(conn), state=state)
    return [
        InboxOut(
            id=i.id,
            others=[_m(o) for o in i.others],
            last_at=i.last_at,
            unread=i.unread,
            state=i.state,
            preview=i.preview,
        )
        for i in found
    ]


@router.post(
    "/conversations",
    response_model=ConversationOut,
    status_code=201,
    responses=_errors(403, 404, 409),
)
def start(ctx: ApiMember, body: ConversationIn) -> ConversationOut:
    account = ctx.require()
    with ctx.tx() as conn:
        me = account.viewer(conn)
        conversation_id = messages.start_conversation(conn, me, body.to, body.body)
        return _conversation_out(messages.conversation(conn, me, conversation_id))


@router.get(
    "/conversations/{conversation_id}", response_model=ConversationOut, responses=_errors(404)
)
def get_conversation(ctx: ApiMember, conversation_id: int) -> ConversationOut:
    account = ctx.require()
    with ctx.tx() as conn:
        return _conversation_out(messages.conversation(conn, account.viewer(conn), conversation_id))


@router.get(
    "/conversations/{conversation_id}/messages",
    response_model=list[MessageOut],
    responses=_errors(404),
)
def new_messages(
    ctx: ApiMember, conversation_id: int, after: int = Query(default=0, ge=0, le=2**62)
) -> list[MessageOut]:
    """The messages after ``after`` (an id): what an open page has not shown yet."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = messages.messages_after(conn, account.viewer(conn), conversation_id, after)
    return [_msg(m) for m in found]


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=MessageOut,
    status_code=201,
    responses=_errors(403, 404, 409),
)
def send(ctx: ApiMember, conversation_id: int, body: MessageIn) -> MessageOut:
    account = ctx.require()
    with ctx.tx() as conn:
        me = account.viewer(conn)
        message_id = messages.send(conn, me, conversation_id, body.body)
        found = messages.messages_after(conn, me, conversation_id, message_id - 1)
    return _msg(next(m for m in found if m.id == message_id))


@router.post(
    "/conversations/{conversation_id}/accept", status_code=204, responses=_errors(403, 404)
)
def accept(ctx: ApiMember, conversation_id: int) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        messages.answer_request(conn, account.viewer(conn), conversation_id, accept=True)


@router.post(
    "/conversations/{conversation_id}/decline", status_code=204, responses=_errors(403, 404)
)
def decline(ctx: ApiMember, conversation_id: int) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        messages.answer_request(conn, account.viewer(conn), conversation_id, accept=False)


class NotificationOut(BaseModel):
    kind: str
    thread: str
    actors: list[MemberOut]
    count: int
    unread: bool
    latest_at: UtcDatetime
    link: str
    person: str | None
    detail: str | None
    ids: list[int]


class CountsOut(BaseModel):
    notifications: int
    messages: int
    requests: int


class ReadIn(Input):
    ids: list[int] | None = Field(default=None, max_length=1000, description="all when absent")


@router.get("/notifications", response_model=list[NotificationOut])
def list_notifications(ctx: ApiMember) -> list[NotificationOut]:
    account = ctx.require()
    with ctx.tx() as conn:
        groups = notifications.list_notifications(conn, account.viewer(conn))
    return [NotificationOut(**{**g.__dict__, "actors": [_m(a) for a in g.actors]}) for g in groups]


@router.get("/notifications/counts", response_model=CountsOut)
def counts(ctx: ApiMember) -> CountsOut:
    account = ctx.require()
    with ctx.tx() as conn:
        me = account.viewer(conn)
        unread = notifications.unread_count(conn, me)
        mail, requests = messages.unread_total(conn, me)
    return CountsOut(notifications=unread, messages=mail, requests=requests)


@router.post("/notifications/read", status_code=204, responses=_errors(403))
def read(ctx: ApiMember, body: ReadIn) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        notifications.mark_read(conn, account.viewer(conn), body.ids)


class NetworkOut(BaseModel):
    first: int = Field(description="your connections who work there")
    second: int = Field(description="people at the 2nd degree who work there (that you may count)")
    total: int


class JobOut(BaseModel):
    id: int
    title: str
    organization: str
    location: str
    workplace: str
    employment: str
    html: str
    status: str
    expires_on: dt.date
    created_at: UtcDatetime
    poster: MemberOut
    network: NetworkOut
    saved: bool
    applied: bool
    applicants: int | None = Field(description="for the poster only")


class JobIn(Input):
    organization: str = Field(min_length=1, max_length=300, description="a name or #id")
    title: str = Field(
        min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f-\x9f]*\S[^\x00-\x1f\x7f-\x9f]*$"
    )
    location: str = Field(default="", max_length=200, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$")
    workplace: Workplace = "on_site"
    employment: Employment = "full_time"
    description: str = Field(default="", max_length=20_000, pattern=NOTE)
    expires_on: dt.date | None = None


class ApplyIn(Input):
    note: str = Field(default="", max_length=5000, pattern=NOTE)


class ApplicationOut(BaseModel):
    id: int
    member: MemberOut
    note: str
    created_at: UtcDatetime


def _job(v: jobs.JobView) -> JobOut:
    return JobOut(
        id=v.id,
        title=v.title,
        organization=v.organization,
        location=v.location,
        workplace=v.workplace,
        employment=v.employment,
        html=v.html,
        status=v.status,
        expires_on=v.expires_on,
        created_at=v.created_at,
        poster=_m(v.poster),
        network=NetworkOut(first=v.network.first, second=v.network.second, total=v.network.total),
        saved=v.saved,
        applied=v.applied,
        applicants=v.applicants,
    )


@router.get("/jobs", response_model=list[JobOut])
def search_jobs(
    ctx: ApiMember,
    q: str = Query(default="", max_length=200, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$"),
    location: str = Query(default="", max_length=200, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$"),
    workplace: Workplace | None = None,
    employment: Employment | None = None,
    saved: bool = False,
    mine: bool = False,
    before: int | None = Query(default=None, ge=1, le=2**62),
) -> list[JobOut]:
    account = ctx.require()
    with ctx.tx() as conn:
        found = jobs.search_jobs(
            conn,
            account.viewer(conn),
            text=q,
            location=location,
            workplace=workplace or "",
            employment=employment or "",
            saved=saved,
            mine=mine,
            before_id=before,
        )
    return [_job(j) for j in found]


@router.post("/jobs", response_model=JobOut, status_code=201, responses=_errors(403, 409))
def post_job(ctx: ApiMember, body: JobIn) -> JobOut:
    account = ctx.require()
    with ctx.tx() as conn:
        return _job(jobs.post_job(conn, account.viewer(conn), jobs.JobDraft(**body.model_dump())))


@router.get("/jobs/{job_id}", response_model=JobOut, responses=_errors(404))
def get_job(ctx: ApiMember, job_id: int) -> JobOut:
    account = ctx.require()
    with ctx.tx() as conn:
        return _job(jobs.job(conn, account.viewer(conn), job_id))


@router.put("/jobs/{job_id}/saved", status_code=204, responses=_errors(403, 404))
def save(ctx: ApiMember, job_id: int) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        jobs.save_job(conn, account.viewer(conn), job_id)


@router.delete("/jobs/{job_id}/saved", status_code=204, responses=_errors(403, 404))
def unsave(ctx: ApiMember, job_id: int) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        jobs.save_job(conn, account.viewer(conn), job_id, save=False)


@router.post("/jobs/{job_id}/applications", status_code=204, responses=_errors(403, 404, 409))
def apply(ctx: ApiMember, job_id: int, body: ApplyIn) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        jobs.apply(conn, account.viewer(conn), job_id, body.note)


@router.get(
    "/jobs/{job_id}/applications", response_model=list[ApplicationOut], responses=_errors(404)
)
def applications(ctx: ApiMember, job_id: int) -> list[ApplicationOut]:
    account = ctx.require()
    with ctx.tx() as conn:
        found = jobs.applications(conn, account.viewer(conn), job_id)
    return [
        ApplicationOut(id=a.id, member=_m(a.member), note=a.note, created_at=a.created_at)
        for a in found
    ]


@router.post("/jobs/{job_id}/close", status_code=204, responses=_errors(403, 404))
def close(ctx: ApiMember, job_id: int) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        jobs.close_job(conn, account.viewer(conn), job_id)


class BlockIn(Input):
    handle: str = Field(min_length=1, max_length=60, pattern=HANDLE)


class ReportIn(Input):
    kind: ReportKind
    target: str = Field(
        min_length=1, max_length=60, pattern=HANDLE, description="an id or a handle"
    )
    reason: str = Field(min_length=1, max_length=1000, pattern=NOTE)


class ReportOut(BaseModel):
    id: int


class QueueOut(BaseModel):
    id: int
    kind: str
    target_id: int
    reporter: MemberOut | None
    subject: MemberOut | None
    reason: str
    status: str
    created_at: UtcDatetime
    text: str | None


class DecisionIn(Input):
    decision: Literal["hide", "suspend", "dismiss"]
    reason: str = Field(default="", max_length=500, pattern=NOTE)


@router.get("/blocks", response_model=list[MemberOut])
def blocks(ctx: ApiMember) -> list[MemberOut]:
    account = ctx.require()
    with ctx.tx() as conn:
        return [_m(c) for c in moderation.my_blocks(conn, account.viewer(conn))]


@router.post("/blocks", response_model=MemberOut, status_code=201, responses=_errors(403, 404))
def block(ctx: ApiMember, body: BlockIn) -> MemberOut:
    account = ctx.require()
    with ctx.tx() as conn:
        return _m(moderation.block(conn, account.viewer(conn), body.handle.lstrip("@")))


@router.delete("/blocks/{handle}", status_code=204, responses=_errors(403, 404))
def unblock(ctx: ApiMember, handle: str) -> None:
    account = ctx.require()
    with ctx.tx() as conn:
        moderation.unblock(conn, account.viewer(conn), handle)


@router.post(
    "/reports", response_model=ReportOut, status_code=201, responses=_errors(403, 404, 409)
)
def report(ctx: ApiMember, body: ReportIn) -> ReportOut:
    account = ctx.require()
    with ctx.tx() as conn:
        report_id = moderation.report(
            conn, account.viewer(conn), body.kind, body.target.lstrip("@"), body.reason
        )
    return ReportOut(id=report_id)


@router.get("/moderation/reports", response_model=list[QueueOut], responses=_errors(404))
def queue(ctx: ApiMember) -> list[QueueOut]:
    """The open reports (the operator's; 404 for anyone else)."""
    account = ctx.require()
    with ctx.tx() as conn:
        found = moderation.report_queue(conn, account.viewer(conn))
    return [
        QueueOut(
            id=r.id,
            kind=r.kind,
            target_id=r.target_id,
            reporter=_m(r.reporter) if r.reporter else None,
            subject=_m(r.subject) if r.subject else None,
            reason=r.reason,
            status=r.status,
            created_at=r.created_at,
            text=r.text,
        )
        for r in found
    ]


@router.post("/moderation/reports/{report_id}", status_code=204, responses=_errors(403, 404))
def decide(ctx: ApiMember, report_id: int, body: DecisionIn) -> Response:
    account = ctx.require()
    with ctx.tx() as conn:
        moderation.decide(conn, account.viewer(conn), report_id, body.decision, body.reason)
    return Response(status_code=204)
