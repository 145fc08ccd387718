"""A member's own data: download all of it (one ZIP), or delete the account.

The download holds what the member's account and data say — their account,
profile, positions, skills, identities, ties, traces, notes, labels, events,
imports, invitations, follows, targets and asks — and nothing that belongs to
another member: a tie or trace counts as theirs when their data asserts it.

Deleting an account removes the member and everything their data asserts (ties,
traces, notes, labels, events, imports, invitations, tokens, sessions) and their
platform connections on both sides. What other members' data says about them
stays with those members (an imported contact keeps existing in their data),
but the profile text they wrote themselves is erased. What others wrote on the
platform stays: a reply to the member's comment becomes a comment on the post,
and a post of theirs that others commented on stays as an empty placeholder
without an author.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any

from sqlalchemy import Connection, Table, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from weakties.errors import RefusedError
from weakties.model.tables import (
    AccessToken,
    Account,
    Ask,
    Comment,
    ContactVisibility,
    DoNotAsk,
    Event,
    Follow,
    GroupMember,
    Identity,
    IdentityStatement,
    ImportRun,
    Interaction,
    Invitation,
    KnownPerson,
    Member,
    Mention,
    Note,
    OrgPageAdmin,
    Person,
    Position,
    Post,
    Skill,
    Target,
    Tie,
    TieLabel,
    table_of,
)
from weakties.service.accounts import AccountInfo, _hasher
from weakties.service.forms import N_, FormError
from weakties.store import clock
from weakties.store.read_people import stated_by

__all__ = ["WrongPassword", "delete_account", "export_member_data"]


class WrongPassword(FormError):
    """The password that confirms an account's deletion is wrong."""


def _rows(conn: Connection, model: Any, where: Any, drop: tuple[str, ...] = ()) -> list[dict]:
    table: Table = table_of(model)
    columns = [c for c in table.c if c.name not in drop]
    return [dict(row._mapping) for row in conn.execute(select(*columns).where(where))]


def _json_default(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    k: v.isoformat() if isinstance(v, dt.datetime | dt.date) else v
                    for k, v in row.items()
                }
            )
    return out.getvalue()


def export_member_data(conn: Connection, account: AccountInfo) -> bytes:
    """Everything of the member's, as a ZIP of JSON (records) and CSV (long tables)."""
    member, person = account.member_id, account.person_id
    records: dict[str, Any] = {
        "account": _rows(conn, Account, Account.id == account.account_id, drop=("password_hash",)),
        "member": _rows(conn, Member, Member.id == member),
        "profile": _rows(conn, Person, Person.id == person),
        "identities": _rows(conn, Identity, (Identity.person_id == person) & stated_by(member)),
        "positions": _rows(
            conn, Position, (Position.person_id == person) & (Position.asserted_by == member)
        ),
        "skills": _rows(conn, Skill, Skill.person_id == person),
        "contact_visibility": _rows(conn, ContactVisibility, ContactVisibility.member_id == member),
        "access_tokens": _rows(
            conn, AccessToken, AccessToken.account_id == account.account_id, drop=("token_hash",)
        ),
        "invitations": _rows(
            conn, Invitation, or_(Invitation.sender_id == member, Invitation.recipient_id == member)
        ),
        "notes": _rows(conn, Note, Note.author_id == member),
        "tie_labels": _rows(conn, TieLabel, TieLabel.member_id == member),
        "events": _rows(conn, Event, Event.member_id == member),
        "imports": _rows(conn, ImportRun, ImportRun.member_id == member),
        "follows": _rows(conn, Follow, Follow.member_id == member),
        "groups": _rows(conn, GroupMember, GroupMember.member_id == member),
        "org_pages": _rows(conn, OrgPageAdmin, OrgPageAdmin.member_id == member),
        "targets": _rows(conn, Target, Target.member_id == member),
        "asks": _rows(conn, Ask, Ask.member_id == member),
        "do_not_ask": _rows(conn, DoNotAsk, DoNotAsk.set_by == member),
    }
    from weakties.service.social_export import social_records

    records.update(social_records(conn, member))
    tables = {
        "ties.csv": _csv(_rows(conn, Tie, Tie.asserted_by == member)),
        "interactions.csv": _csv(_rows(conn, Interaction, Interaction.asserted_by == member)),
        "known_people.csv": _csv(_rows(conn, KnownPerson, KnownPerson.member_id == member)),
    }
    names = {
        pid: name
        for pid, name in conn.execute(
            select(Person.id, Person.display_name).where(
                Person.id.in_(select(KnownPerson.person_id).where(KnownPerson.member_id == member))
            )
        )
    }
    tables["people.csv"] = _csv([{"id": pid, "name": n} for pid, n in sorted(names.items())])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in records.items():
            archive.writestr(
                f"{name}.json",
                json.dumps(value, default=_json_default, indent=1, ensure_ascii=False),
            )
        for name, text in tables.items():
            archive.writestr(name, text)
        archive.writestr(
            "README.txt",
            "Your weakties data, as of "
            f"{clock.utcnow().replace(tzinfo=dt.UTC).isoformat(timespec='seconds')}.\n"
            "JSON files hold your records; CSV files your ties, traces and the people your "
            "data knows (by id and name).\n",
        )
    return buffer.getvalue()


def delete_account(conn: Connection, account: AccountInfo, password: str) -> None:
    """Delete the account and the member's data, after checking their password.

    Raises
    ------
    WrongPassword
        The password is wrong.
    RefusedError
        This is the platform's only operator.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    from weakties.service.uploads import forget_imports

    stored = conn.execute(
        select(Account.password_hash).where(Account.id == account.account_id)
    ).scalar_one()
    try:
        _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        raise WrongPassword({"password": N_("Wrong password.")}) from None
    if account.is_operator:
        operators = conn.execute(
            select(func.count()).select_from(Account).where(Account.role == "operator")
        ).scalar_one()
        if operators <= 1:
            raise RefusedError(N_("You are the only operator: make another member operator first."))
    member, person = account.member_id, account.person_id
    known = set(
        conn.execute(select(KnownPerson.person_id).where(KnownPerson.member_id == member)).scalars()
    )
    # platform connections end on both sides; positions, identities and skills the
    # member wrote go (the rest of their data goes with the member row, by cascade)
    conn.execute(
        delete(Tie).where(
            Tie.source == "platform", or_(Tie.person_a_id == person, Tie.person_b_id == person)
        )
    )
    conn.execute(delete(Position).where(Position.asserted_by == member))
    _forget_identities(conn, member)
    conn.execute(delete(Skill).where(Skill.person_id == person))
    forget_imports(conn, member)  # the status of their uploads (kept in task rows)
    _hand_over_groups(conn, member)
    _lock_what_others_answer(conn, member)
    _keep_others_replies(conn, member)
    _keep_commented_posts(conn, member)
    conn.execute(delete(Member).where(Member.id == member))
    conn.execute(
        update(Person)
        .where(Person.id == person)
        .values(headline=None, summary=None, location=None, industry=None)
    )
    # the member, and the people only their data knew, go when nobody else knows them
    for pid in sorted(known | {person}):
        if not _still_known(conn, pid):
            conn.execute(delete(Person).where(Person.id == pid))


def _lock_what_others_answer(conn: Connection, member: int) -> None:
    """PostgreSQL: the member's posts and comments locked (FOR UPDATE) before what
    others wrote on them is read and kept. Requests write concurrently there, and a
    comment or reply committed between that read and the delete of the member went
    with the member (``comment.post_id`` and ``comment.parent_id`` cascade); with
    the lock, one being written waits (the foreign key's check locks the post and
    the comment it answers) and is then refused, its post or comment being gone,
    or it was committed before the lock, and the read sees it. SQLite has one
    writer at a time: a write of another waits for the deletion's end."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(select(Post.id).where(Post.author_id == member).with_for_update()).all()
    conn.execute(select(Comment.id).where(Comment.author_id == member).with_for_update()).all()


def _keep_others_replies(conn: Connection, member: int) -> None:
    """Others' replies to the member's comments stay, as comments on the post: a
    reply would otherwise go with the comment it answers (replies are one level
    deep, so the comment answered is a post's own comment)."""
    answered = aliased(Comment)
    # replies to a comment the operator hid stay out of sight, with it
    own = select(answered.id).where(answered.author_id == member, answered.hidden_at.is_(None))
    conn.execute(
        update(Comment)
        .where(Comment.parent_id.in_(own), Comment.author_id != member)
        .values(parent_id=None)
    )


def _keep_commented_posts(conn: Connection, member: int) -> None:
    """The member's posts that others commented on stay, as placeholders ("a
    deleted member's post": no author, no text, no organisation, no share, no
    mention), so that others' comments and replies keep their place; the member's
    other posts go with the member row. Emptying the text empties the post's
    entry in the full-text index (a trigger on SQLite, the generated vector on
    PostgreSQL). The member's reactions and comments go with the member row."""
    others = exists().where(Comment.post_id == Post.id, Comment.author_id != member)
    kept = conn.execute(select(Post.id).where(Post.author_id == member, others)).scalars().all()
    if not kept:
        return
    conn.execute(delete(Mention).where(Mention.post_id.in_(kept), Mention.comment_id.is_(None)))
    conn.execute(
        update(Post)
        .where(Post.id.in_(kept))
        .values(
            author_id=None,
            body="",
            html="",
            organization_id=None,
            shared_post_id=None,
            edited_at=None,
            hidden_reason=None,
        )
    )


def _hand_over_groups(conn: Connection, member: int) -> None:
    """Each group the member is the only owner of gets another: its longest-standing
    moderator, else its longest-standing member (a pending request is no
    membership). A group nobody else belongs to is left to the operator. Without
    this the group kept its members and nobody who could accept a request, name a
    moderator or answer for it."""
    owned = conn.execute(
        select(GroupMember.organization_id).where(
            GroupMember.member_id == member, GroupMember.role == "owner"
        )
    ).scalars()
    for group in list(owned):
        others = conn.execute(
            select(GroupMember.id, GroupMember.role)
            .where(
                GroupMember.organization_id == group,
                GroupMember.member_id != member,
                GroupMember.requested.is_(False),
            )
            # owners first (none to name then), then moderators, then members; the
            # longest-standing first
            .order_by(
                (GroupMember.role != "owner"),
                (GroupMember.role != "moderator"),
                GroupMember.since,
                GroupMember.id,
            )
        ).all()
        if not others or others[0].role == "owner":
            continue
        conn.execute(update(GroupMember).where(GroupMember.id == others[0].id).values(role="owner"))


def _forget_identities(conn: Connection, member: int) -> None:
    """The member's data no longer states any identity: one that another member's
    data states too stays, theirs (the first of them becomes its first stater); the
    others go."""
    conn.execute(delete(IdentityStatement).where(IdentityStatement.member_id == member))
    others = (
        select(func.min(IdentityStatement.member_id))
        .where(
            IdentityStatement.kind == Identity.kind,
            IdentityStatement.value == Identity.value,
        )
        .scalar_subquery()
    )
    conn.execute(
        update(Identity)
        .where(Identity.asserted_by == member, others.is_not(None))
        .values(asserted_by=others)
    )
    conn.execute(delete(Identity).where(Identity.asserted_by == member))


def _still_known(conn: Connection, pid: int) -> bool:
    """Whether any member's data (or membership) still refers to the person."""
    return bool(
        conn.execute(
            select(
                or_(
                    exists().where(Member.person_id == pid),
                    exists().where(KnownPerson.person_id == pid),
                    exists().where(or_(Tie.person_a_id == pid, Tie.person_b_id == pid)),
                    exists().where(
                        or_(Interaction.sender_id == pid, Interaction.recipient_id == pid)
                    ),
                    exists().where(Position.person_id == pid),
                    exists().where(Note.person_id == pid),
                    exists().where(Event.person_id == pid),
                )
            )
        ).scalar()
    )
