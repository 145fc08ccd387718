"""The web platform's own tables: accounts and sessions, groups and organisation
pages, posts, comments and reactions, conversations, moderation, notifications,
jobs, background tasks, keep-in-touch reminders and introduction requests.

They are declared on the same :class:`~weakties.model.tables.Base` as the others
(one schema, one migration history) but in a module of their own, loaded when
one of them is first named: ``from weakties.model.tables import Post`` still
works (:func:`weakties.model.tables.__getattr__`). A command that reads a
member's network (``people``, ``degree``) never declares them: SQLAlchemy's
declaration of a mapped class costs some 3 ms, and these are 24 of the 53.
Code that needs every table (migrations, the change counters' cascades,
PostgreSQL's partial indexes) asks :func:`weakties.model.tables.every_table`.
"""

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from weakties.model.tables import Base, utcnow

# --- Platform accounts -------------------------------------------------------------

ACCOUNT_ROLES = ("member", "operator")


class Account(Base):
    """The sign-in of a platform member: e-mail, password hash, role, language.

    The first account created on a platform is its operator.
    """

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # normalised (email_key)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10), default="member")
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class WebSession(Base):
    """A signed-in browser. Only a hash of the cookie's token is kept."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AccessToken(Base):
    """A personal access token for the API, shown once; only its hash is kept."""

    __tablename__ = "access_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class PasswordReset(Base):
    """A one-time password reset link (only its hash is kept), valid for an hour."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SignupInvitation(Base):
    """An invitation to create an account on an invitation-only platform (hash kept)."""

    __tablename__ = "signup_invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


# --- Platform connections ------------------------------------------------------------


class MemberPhoto(Base):
    """A member's profile photo, re-encoded on upload (JPEG, square, metadata gone)."""

    __tablename__ = "member_photo"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)  # width = height, in pixels
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


GROUP_ACCESS = ("open", "request")  # anyone joins / a moderator accepts each request
GROUP_ROLES = ("owner", "moderator", "member")


class GroupPage(Base):
    """A group run on the platform: the organisation of kind ``group`` it is, what
    it is about, and whether anyone may join or a moderator accepts each request."""

    __tablename__ = "group_page"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    about: Mapped[str | None] = mapped_column(Text)
    access: Mapped[str] = mapped_column(String(10), default="open")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OrgPageAdmin(Base):
    """A member who may edit a company's or a school's page (its about text,
    website and industry): the first one claims it, holding a current position
    there in their own data; admins add others who do, and remove admins."""

    __tablename__ = "org_page_admin"
    __table_args__ = (UniqueConstraint("organization_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    since: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class GroupMember(Base):
    """A member's place in a platform group: their role, or their pending request.

    A member of the group also holds a current position of kind ``group`` there in
    their own data, which is what the tie model and the group's audience read."""

    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("organization_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")
    requested: Mapped[bool] = mapped_column(Boolean, default=False)  # waiting for a moderator
    since: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --- Platform: posts, messages, notifications, jobs, moderation ----------------------

POST_AUDIENCES = ("everyone", "connections", "group")
REACTION_KINDS = ("like", "celebrate", "support", "insightful", "curious")


class Post(Base):
    """A member's post (Markdown source and its sanitised HTML), or a share of another.

    ``audience`` says who may read it: every member, the author's connections, or
    the members of ``group_id``. A post hidden by the operator stays for its author,
    with the reason. A deleted member's post that others commented on stays as a
    placeholder for their comments: no author (``author_id`` NULL), no text.
    """

    __tablename__ = "post"
    __table_args__ = (
        Index("ix_post_author_created", "author_id", "created_at", "id"),
        Index("ix_post_created", "created_at", "id"),
        Index("ix_post_org_created", "organization_id", "created_at", "id"),
        Index("ix_post_group_created", "group_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(12), default="everyone")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    # a post about an organisation the author works at (shows to its followers)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    shared_post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))


class Comment(Base):
    """A comment on a post, or a reply to a comment (``parent_id``)."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_post", "post_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))


class Reaction(Base):
    """One member's reaction to a post (one per post; changing it replaces it)."""

    __tablename__ = "reaction"
    __table_args__ = (UniqueConstraint("post_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Mention(Base):
    """A member named with ``@handle`` in a post or a comment."""

    __tablename__ = "mention"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)


class Conversation(Base):
    """A one-to-one or small-group conversation between members."""

    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_message_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# active: in the inbox; request: from a non-connection, waiting for an answer;
# declined: the request was declined (the sender is not told)
PARTICIPANT_STATES = ("active", "request", "declined")


class Participant(Base):
    """A member in a conversation, with what they have read."""

    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("conversation_id", "member_id"),
        Index("ix_participant_member", "member_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(10), default="active")
    last_read_id: Mapped[int] = mapped_column(Integer, default=0)
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Message(Base):
    """A platform message; its text stays here (the tie model gets metadata only)."""

    __tablename__ = "message"
    __table_args__ = (Index("ix_message_conversation", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))


REPORT_KINDS = ("post", "comment", "message", "member")
REPORT_STATUSES = ("open", "hidden", "suspended", "dismissed")


class Report(Base):
    """A member's report of a post, comment, message or member, for the operator."""

    __tablename__ = "report"
    __table_args__ = (Index("ix_report_status", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int] = mapped_column(Integer)
    # the member whose content (or self) is reported
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decision: Mapped[str | None] = mapped_column(String(500))


class Notification(Base):
    """Something a member should know: a comment, a reaction, a message, a career move.

    ``thread`` groups notifications about the same thing (a post, a conversation,
    a person) so that the page shows one line per thread and kind.
    """

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_member", "member_id", "id"),
        Index("ix_notification_unread", "member_id", "read_at"),
        UniqueConstraint("member_id", "dedup"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE")
    )
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job_posting.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    thread: Mapped[str] = mapped_column(String(64))
    # one notification per fact: a re-run of a fan-out writes nothing twice
    dedup: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


WORKPLACES = ("on_site", "hybrid", "remote")
EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "freelance", "internship")
JOB_STATUSES = ("open", "closed")


class JobPosting(Base):
    """A job offered at an organisation, posted by a member who works there."""

    __tablename__ = "job_posting"
    __table_args__ = (
        Index("ix_job_posting_status_id", "status", "id"),
        Index("ix_job_posting_org", "organization_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    poster_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200), default="")
    workplace: Mapped[str] = mapped_column(String(10), default="on_site")
    employment: Mapped[str] = mapped_column(String(12), default="full_time")
    description: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default="open")
    expires_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SavedJob(Base):
    __tablename__ = "saved_job"
    __table_args__ = (UniqueConstraint("member_id", "job_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey("job_posting.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class JobApplication(Base):
    """A member applies to a job with a note; the poster sees it."""

    __tablename__ = "job_application"
    __table_args__ = (UniqueConstraint("job_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job_posting.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


TASK_STATUSES = ("pending", "running", "done", "failed")


class Task(Base):
    """Background work (notification fan-out, job expiry) as a row that the server's
    own loop claims and runs: no broker, the same on SQLite and PostgreSQL."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_due", "status", "run_after"),
        UniqueConstraint("dedup"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    payload: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    dedup: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(8), default="pending")
    run_after: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(String(1000))


class TouchReminder(Base):
    """A member's answer to a keep-in-touch reminder about one person: snoozed until
    a day, or dismissed on a day (the next reminder then waits a whole cadence)."""

    __tablename__ = "touch_reminder"
    __table_args__ = (UniqueConstraint("member_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    snoozed_until: Mapped[dt.date | None] = mapped_column(Date)
    dismissed_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# sent: waiting for the broker; forwarded: the broker introduced them (a conversation
# of three); declined: the broker did not forward it (the requester is told no more)
INTRO_STATUSES = ("sent", "forwarded", "declined", "withdrawn")


class IntroRequest(Base):
    """A request for an introduction made on the platform.

    The requester asks a broker; only the broker's forward reaches the target, as
    a conversation of three. The etiquette's ledger row (``ask``) is the request's
    record of outcome; its words are messages of the private thread between the
    requester and the broker (and, once forwarded, of the conversation of three).
    """

    __tablename__ = "intro_request"
    __table_args__ = (
        UniqueConstraint("ask_id"),
        Index("ix_intro_request_requester", "requester_id", "id"),
        Index("ix_intro_request_broker", "broker_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("ask.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    broker_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    # the member the broker is asked to introduce (the person they know)
    target_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL")
    )
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job_posting.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation.id", ondelete="SET NULL")
    )
    group_id: Mapped[int | None] = mapped_column(ForeignKey("conversation.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="sent")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # from this day a request still "sent" shows as unanswered (the requester's rule)
    unanswered_on: Mapped[dt.date] = mapped_column(Date)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
