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
from typing import TYPE_CHECKING, Any, cast

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
    every_table()
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
    __table_args__ = (
        *_org_or_person("follow"),
        # the followers of an organisation or a person (their pages), from their
        # own rows: the unique indexes above lead with the follower (migration 0022)
        *(
            partial_index(
                f"ix_follow_{short}", column, "active", "member_id", where=f"{column} IS NOT NULL"
            )
            for short, column in (("org", "organization_id"), ("person", "person_id"))
        ),
    )

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


# --- Platform tables the network's reads use: sign-in attempts, invitations, contact
# visibility, blocks and suspensions (the others: weakties.model.site_tables) ------


class RateEvent(Base):
    """One counted attempt (a failed sign-in, a write) in a named bucket: the rate
    limits hold across worker processes because they live in the database."""

    __tablename__ = "rate_event"
    __table_args__ = (Index("ix_rate_event_bucket_at", "bucket", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(400))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


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


class Suspension(Base):
    """A member suspended by the operator: they read, write nothing, and others do
    not see them; they see the reason."""

    __tablename__ = "suspension"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


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


def every_table() -> MetaData:
    """The schema with every table declared: the web platform's own tables
    (:mod:`weakties.model.site_tables`) are declared only when first named, and
    whatever goes through the whole schema (migrations, the cascades of the change
    counters) asks for them here."""
    import weakties.model.site_tables  # noqa: F401

    return Base.metadata


def __getattr__(name: str) -> Any:
    # the web platform's own tables and their vocabularies, declared when first named
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from weakties.model import site_tables

    try:
        return getattr(site_tables, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


if TYPE_CHECKING:
    pass
