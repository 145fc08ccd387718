"""The data model: one schema for personal, team and platform mode.

Every table is portable SQL (SQLite by default, PostgreSQL in production): no
SQLite-only types, naive UTC datetimes, enumerations stored as short strings
checked in Python, JSON details stored as text.

A person is anyone known (member or contact). Identities (LinkedIn slug, e-mail,
phone, URN) are separate rows so that one person can be found by any of them.
A tie is an undirected pair stored with ``person_a_id < person_b_id`` and knows
its source and the member whose data asserts it.

The annotations are evaluated when each class is defined (no ``from __future__
import annotations`` here, unlike the other modules): SQLAlchemy reads some 370
``Mapped[...]`` annotations to declare the tables, and strings it would parse
and evaluate one by one, an eighth of the time this module takes to import on
every command. A relationship to a class defined further down names it in quotes.
"""

import datetime as dt
from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    or_,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

# The vocabularies (allowed values of the string columns) live in
# weakties.model.kinds; they are re-exported here, next to the tables.
from weakties.model.kinds import (  # noqa: F401
    ASK_PURPOSES,
    ASK_STATUSES,
    DATE_PRECISIONS,
    EVENT_KINDS,
    IDENTITY_KINDS,
    INTERACTION_KINDS,
    NOTE_KINDS,
    ORG_KINDS,
    POSITION_KINDS,
    SHARING_LEVELS,
    TIE_SOURCES,
)

# Deterministic constraint names, so that Alembic migrations are portable.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now, as a naive UTC datetime (the convention of every table)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class (typed, for bulk statements)."""
    return cast(Table, model.__table__)


#: the partial indexes and their predicates (see :func:`partial_index`)
_PARTIAL: list[tuple[Index, str]] = []


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index of the rows where ``where`` holds (SQL), on SQLite and PostgreSQL.

    The predicate is given to SQLite's dialect here and to PostgreSQL's by
    :func:`postgres_partial_indexes` when a PostgreSQL database is used: naming a
    dialect's option makes SQLAlchemy load that dialect, and PostgreSQL's (with
    its drivers' modules) would otherwise be loaded by every command on SQLite."""
    index = Index(name, *columns, unique=unique, sqlite_where=text(where))
    _PARTIAL.append((index, where))
    return index


def postgres_partial_indexes() -> None:
    """Give the partial indexes their predicate on PostgreSQL too (once; called
    before the tables meet a PostgreSQL database: opening one, migrating one)."""
    for index, where in _PARTIAL:
        if index.dialect_options["postgresql"]["where"] is None:
            index.dialect_kwargs["postgresql_where"] = text(where)


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(300), default="")
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    # casefolded, accent-free "first last" without credentials: the name-match key
    name_key: Mapped[str] = mapped_column(String(300), default="", index=True)
    headline: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str | None] = mapped_column(String(300))
    industry: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    identities: Mapped[list["Identity"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    positions: Mapped[list["Position"]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )


class Identity(Base):
    """A key that identifies one person: a LinkedIn slug, an e-mail, a phone number."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(320))  # normalised
    raw: Mapped[str | None] = mapped_column(String(500))  # as first seen
    asserted_by: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="identities")


class IdentityStatement(Base):
    """A member whose data states an identity, by its natural key (kind, value): the
    member who stated it first (``Identity.asserted_by``) and every member whose
    import states it since, for the same person. How to reach someone is shown to
    the members whose own data states it (see
    :meth:`weakties.store.read_people.PeopleReads.shown_identities`)."""

    __tablename__ = "identity_statement"
    __table_args__ = (UniqueConstraint("kind", "value", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(320))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)


class Member(Base):
    """A person who owns a space: the ego of personal mode, or a platform account."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handle: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    # What other members may see of this member's ties: nothing / counts / names.
    sharing: Mapped[str] = mapped_column(String(10), default="names")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship()


class Organization(Base):
    __tablename__ = "organization"
    __table_args__ = (UniqueConstraint("kind", "norm_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    norm_name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="organization")
    industry: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(300))
    # written on its page by its page admins or the operator (see OrgPageAdmin)
    about: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    aliases: Mapped[list["OrgAlias"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )


class OrgAlias(Base):
    """Every spelling under which an organisation was seen; the lookup table for names."""

    __tablename__ = "org_alias"
    __table_args__ = (
        UniqueConstraint("kind", "alias"),
        Index("ix_org_alias_norm", "kind", "norm_alias"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="organization")
    alias: Mapped[str] = mapped_column(String(300))
    norm_alias: Mapped[str] = mapped_column(String(300))

    organization: Mapped[Organization] = relationship(back_populates="aliases")


class Position(Base):
    """A person's job or study at an organisation, with month/year precision dates.

    Positions observed indirectly (a contact's Company/Position in a connections
    list) have no start date: ``seen_on`` says when the observation was made and
    ``is_current`` whether it still holds.
    """

    __tablename__ = "position"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10), default="job")
    title: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    start_precision: Mapped[str | None] = mapped_column(String(5))
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    end_precision: Mapped[str | None] = mapped_column(String(5))
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    seen_on: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(40))
    asserted_by: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    natural_key: Mapped[str] = mapped_column(String(64), unique=True)

    person: Mapped[Person] = relationship(back_populates="positions")
    organization: Mapped[Organization | None] = relationship()


def held_on(day: dt.date | None, *, undated: bool = False) -> ColumnElement[bool]:
    """SQL condition: a position held on ``day`` (None: held now).

    For a past day, a position that had begun before that day and had not
    ended. An undated current job (a company read from a connections list)
    cannot be placed in time: it counts only with ``undated`` — right for
    showing where people are (an introduction replayed at a date), wrong for
    an evaluation that must not see the future (link prediction).
    """
    if day is None:
        return Position.is_current.is_(True)
    dated = and_(
        Position.start_date.is_not(None),
        Position.start_date < day,
        or_(
            Position.end_date >= day,
            and_(Position.end_date.is_(None), Position.is_current.is_(True)),
        ),
    )
    if not undated:
        return dated
    return or_(dated, and_(Position.start_date.is_(None), Position.is_current.is_(True)))


class KnownPerson(Base):
    """A person that a member's own data mentions (contact, correspondent, endorser...).

    It scopes name matching: a name without a profile URL in a member's export is
    first looked up among the people that member already knows.
    """

    __tablename__ = "known_person"
    __table_args__ = (UniqueConstraint("member_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Skill(Base):
    __tablename__ = "skill"
    __table_args__ = (UniqueConstraint("person_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))


class Tie(Base):
    __tablename__ = "tie"
    __table_args__ = (
        UniqueConstraint("person_a_id", "person_b_id", "source", "asserted_by"),
        CheckConstraint("person_a_id < person_b_id", name="ordered_pair"),
        Index("ix_tie_b", "person_b_id"),
        # the active ties from either end, with what the visibility rules read: is
        # one of a person's ties with one of a set of people? is answered from the
        # index alone (migration 0017)
        *(
            partial_index(name, *columns, "source", "asserted_by", where="ended_at IS NULL")
            for name, columns in (
                ("ix_tie_a_active", ("person_a_id", "person_b_id")),
                ("ix_tie_b_active", ("person_b_id", "person_a_id")),
            )
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_a_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    person_b_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(30))
    asserted_by: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    since: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Interaction(Base):
    """A dated trace between persons. Content is kept only when asked for."""

    __tablename__ = "interaction"
    __table_args__ = (
        Index("ix_interaction_pair", "sender_id", "recipient_id"),
        Index("ix_interaction_recipient", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20), default="linkedin")
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    occurred_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    # number of recipients of the same message (1 = one-to-one)
    group_size: Mapped[int] = mapped_column(Integer, default=1)
    conversation: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(500))  # skill, reaction type, link
    status: Mapped[str | None] = mapped_column(String(30))
    subject: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str | None] = mapped_column(Text)
    asserted_by: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    import_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_run.id", ondelete="SET NULL")
    )
    natural_key: Mapped[str] = mapped_column(String(64), unique=True)


class Note(Base):
    """A member's private note about a person; visible to its author only."""

    __tablename__ = "note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="note")
    text: Mapped[str] = mapped_column(Text)
    noted_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class TieLabel(Base):
    """What a member says of one of their ties: a class or a closeness from 1 to 5.

    Labels calibrate the tie strength model on the member's own judgement.
    """

    __tablename__ = "tie_label"
    __table_args__ = (UniqueConstraint("member_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    label: Mapped[str | None] = mapped_column(String(10))  # strong / weak / dormant / nominal
    closeness: Mapped[int | None] = mapped_column(Integer)  # 1 (distant) .. 5 (very close)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Event(Base):
    """A detected change: a new or lost connection, a career move, new contact details."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[dt.date | None] = mapped_column(Date)
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    detail: Mapped[str | None] = mapped_column(Text)  # JSON: before / after
    import_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_run.id", ondelete="SET NULL")
    )


def _org_or_person(table: str) -> tuple[Index | CheckConstraint, ...]:
    """A member's row about one organisation or one person, at most once each.

    NULLs are distinct in a plain unique constraint: one partial index per kind.
    """
    return (
        *(
            partial_index(
                f"uq_{table}_{short}",
                "member_id",
                column,
                unique=True,
                where=f"{column} IS NOT NULL",
            )
            for short, column in (("org", "organization_id"), ("person", "person_id"))
        ),
        CheckConstraint("(organization_id IS NULL) <> (person_id IS NULL)", name="one_target"),
    )


class Follow(Base):
    """A member follows an organisation or a person (opinion leaders)."""

    __tablename__ = "follow"
    __table_args__ = _org_or_person("follow")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE")
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    since: Mapped[dt.datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MatchProposal(Base):
    """Two person records that may be the same human: proposed, never applied silently."""

    __tablename__ = "match_proposal"
    __table_args__ = (UniqueConstraint("person_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    confidence: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open/accepted/rejected
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ImportRun(Base):
    """Provenance of one import: what, from where, when, and what it changed."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    source_kind: Mapped[str] = mapped_column(String(30))
    path: Mapped[str] = mapped_column(String(1000))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    export_date: Mapped[dt.date | None] = mapped_column(Date)
    # how export_date was found: "given when importing", "from the name ...",
    # "guessed from messages.csv (its newest date)"
    export_date_source: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    counts: Mapped[str | None] = mapped_column(Text)  # JSON summary

    files: Mapped[list["ImportFile"]] = relationship(
        back_populates="run", cascade="all, delete-orphan"
    )


class ImportFile(Base):
    """One file of an import, with its content hash: the same bytes are never read twice."""

    __tablename__ = "import_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(60))
    version: Mapped[str | None] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))  # imported / unchanged / ignored / unknown
    rows: Mapped[int] = mapped_column(Integer, default=0)

    run: Mapped[ImportRun] = relationship(back_populates="files")

    __table_args__ = (Index("ix_import_file_member_hash", "member_id", "content_hash"),)


class Target(Base):
    """An organisation or a person a member is looking at (for a job, a client, advice).

    Targets, with followed organisations, decide what the opportunity feed watches.
    """

    __tablename__ = "target"
    __table_args__ = _org_or_person("target")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE")
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(10), default="job")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Ask(Base):
    """One request for an introduction: the outreach ledger that etiquette reads.

    The request's text is not kept, only a fingerprint of its normalised words
    (to refuse the same text sent to many people) and its length.
    """

    __tablename__ = "ask"
    __table_args__ = (Index("ix_ask_member_broker", "member_id", "broker_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    broker_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    target_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    target_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL")
    )
    purpose: Mapped[str] = mapped_column(String(10), default="job")
    status: Mapped[str] = mapped_column(String(12), default="open")
    text_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    text_length: Mapped[int] = mapped_column(Integer, default=0)
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class DoNotAsk(Base):
    """A person who does not want to be asked for introductions.

    Marked by the person themself (``set_by`` is their own member account: it
    holds for every member) or recorded by a member on their behalf (it holds for
    that member).
    """

    __tablename__ = "do_not_ask"
    __table_args__ = (UniqueConstraint("person_id", "set_by"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    set_by: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Setting(Base):
    """Small key/value settings stored with the data (e.g. etiquette limits)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


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


class RateEvent(Base):
    """One counted attempt (a failed sign-in, a write) in a named bucket: the rate
    limits hold across worker processes because they live in the database."""

    __tablename__ = "rate_event"
    __table_args__ = (Index("ix_rate_event_bucket_at", "bucket", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(400))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --- Platform connections ------------------------------------------------------------

INVITATION_STATUSES = ("pending", "accepted", "ignored", "withdrawn")
# "How do you know each other?" at acceptance -> the closeness label (1..5) it implies
HOW_KNOWN = {
    "friend": 4,
    "colleague": 3,
    "worked_together": 3,
    "classmate": 3,
    "family": 5,
    "met_once": 1,
    "online_only": 1,
    "other": None,
}


class Invitation(Base):
    """A member's invitation to connect, with an optional personal note.

    Accepted, it becomes a tie of source ``platform`` asserted by each of the two
    members and an ``invitation`` interaction in each one's data.
    """

    __tablename__ = "invitation"
    __table_args__ = (
        Index("ix_invitation_recipient_status", "recipient_id", "status"),
        Index("ix_invitation_sender_status", "sender_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    note: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    how_known: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class MemberPhoto(Base):
    """A member's profile photo, re-encoded on upload (JPEG, square, metadata gone)."""

    __tablename__ = "member_photo"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)  # width = height, in pixels
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


CONTACT_VISIBILITY = ("only_me", "connections", "everyone")


class ContactVisibility(Base):
    """Who sees one of a member's contact details (an e-mail address, a phone number,
    a profile address of theirs): only them (the default), their connections, or
    every member."""

    __tablename__ = "contact_visibility"
    __table_args__ = (UniqueConstraint("member_id", "identity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("identity.id", ondelete="CASCADE"), index=True
    )
    visibility: Mapped[str] = mapped_column(String(12), default="only_me")


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


class Block(Base):
    """A member blocks another: no messages, invitations, mentions or search between them."""

    __tablename__ = "block"
    __table_args__ = (
        UniqueConstraint("blocker_id", "blocked_id"),
        Index("ix_block_blocked", "blocked_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


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


class Suspension(Base):
    """A member suspended by the operator: they read, write nothing, and others do
    not see them; they see the reason."""

    __tablename__ = "suspension"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


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


class ChangeCounter(Base):
    """Two counters every write bumps in its own transaction (see
    :mod:`weakties.store.changes`): ``graph`` (ties, members, sharing, people,
    positions, blocks, settings) and ``traces`` (interactions, messages,
    comments, reactions, asks, labels). One row, ``id`` 1."""

    __tablename__ = "change_counter"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    graph: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    traces: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
