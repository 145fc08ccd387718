"""Merging two person records the user says are one human (never done silently).

Proposals come from imports (``match_proposal``): the same name without a
shared identity, or an identity claimed by two records. Accepting one moves
everything of the second record onto the first.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, delete, or_, select, update

from weakties.errors import InputError, NotFoundError
from weakties.model.tables import (
    Ask,
    DoNotAsk,
    Event,
    Follow,
    Identity,
    Interaction,
    KnownPerson,
    MatchProposal,
    Member,
    Note,
    Person,
    Position,
    Target,
    Tie,
    table_of,
)

__all__ = ["merge_persons", "reject_proposal"]


def reject_proposal(conn: Connection, proposal_id: int) -> None:
    done = conn.execute(
        update(MatchProposal).where(MatchProposal.id == proposal_id).values(status="rejected")
    ).rowcount
    if not done:
        raise NotFoundError(f"no proposal #{proposal_id}")


def merge_persons(conn: Connection, keep: int, drop: int) -> dict[str, int]:
    """Move everything of person ``drop`` onto ``keep`` and delete ``drop``."""
    if keep == drop:
        raise InputError("cannot merge a person with themselves")
    found = set(conn.execute(select(Person.id).where(Person.id.in_([keep, drop]))).scalars())
    for pid in (keep, drop):
        if pid not in found:
            raise NotFoundError(f"no person #{pid}")
    members = dict(
        conn.execute(
            select(Member.person_id, Member.handle).where(Member.person_id.in_([keep, drop]))
        ).all()
    )
    if len(members) == 2:
        raise InputError(f"#{keep} and #{drop} are two members ({', '.join(members.values())})")
    if drop in members:
        keep, drop = drop, keep  # the member's own record survives
    moved: dict[str, int] = {}
    moved["identities"] = conn.execute(
        update(Identity).where(Identity.person_id == drop).values(person_id=keep)
    ).rowcount
    moved["positions"] = conn.execute(
        update(Position).where(Position.person_id == drop).values(person_id=keep)
    ).rowcount
    moved["ties"] = _move_ties(conn, keep, drop)
    moved["interactions"] = 0
    for column in (Interaction.sender_id, Interaction.recipient_id):
        moved["interactions"] += conn.execute(
            update(Interaction).where(column == drop).values({column.key: keep})
        ).rowcount
    conn.execute(
        delete(Interaction).where(Interaction.sender_id == keep, Interaction.recipient_id == keep)
    )
    for table in (table_of(Note), table_of(Event)):
        conn.execute(update(table).where(table.c.person_id == drop).values(person_id=keep))
    # the etiquette ledger follows the human: asks made to either record count,
    # so a merge can never reset a wait
    moved["asks"] = conn.execute(
        update(Ask).where(Ask.broker_id == drop).values(broker_id=keep)
    ).rowcount
    conn.execute(update(Ask).where(Ask.target_person_id == drop).values(target_person_id=keep))
    # one row per (member, person) in these: the kept person's rows win
    for table, owner in (
        (table_of(KnownPerson), "member_id"),
        (table_of(Follow), "member_id"),
        (table_of(Target), "member_id"),
        (table_of(DoNotAsk), "set_by"),
    ):
        owners = set(
            conn.execute(select(table.c[owner]).where(table.c.person_id == keep)).scalars()
        )
        conn.execute(
            delete(table).where(table.c.person_id == drop, table.c[owner].in_(owners or {-1}))
        )
        conn.execute(update(table).where(table.c.person_id == drop).values(person_id=keep))
    conn.execute(
        delete(MatchProposal).where(
            or_(MatchProposal.person_id == drop, MatchProposal.candidate_id == drop)
        )
    )
    kept = conn.execute(select(*table_of(Person).c).where(Person.id == keep)).one()
    dropped = conn.execute(select(*table_of(Person).c).where(Person.id == drop)).one()
    fill = {
        col: getattr(dropped, col)
        for col in ("first_name", "last_name", "headline", "location", "industry", "summary")
        if getattr(kept, col) is None and getattr(dropped, col) is not None
    }
    if fill.get("first_name") or fill.get("last_name") or not kept.display_name:
        fill["display_name"] = dropped.display_name
        fill["name_key"] = dropped.name_key
    if fill:
        conn.execute(update(Person).where(Person.id == keep).values(**fill))
    conn.execute(delete(Person).where(Person.id == drop))
    return moved


def _move_ties(conn: Connection, keep: int, drop: int) -> int:
    rows = conn.execute(
        select(*table_of(Tie).c).where(or_(Tie.person_a_id == drop, Tie.person_b_id == drop))
    ).all()
    moved = 0
    for tie in rows:
        other = tie.person_b_id if tie.person_a_id == drop else tie.person_a_id
        if other == keep:
            conn.execute(delete(Tie).where(Tie.id == tie.id))
            continue
        a, b = sorted((keep, other))
        twin = conn.execute(
            select(Tie.id).where(
                and_(
                    Tie.person_a_id == a,
                    Tie.person_b_id == b,
                    Tie.source == tie.source,
                    Tie.asserted_by == tie.asserted_by,
                )
            )
        ).scalar()
        if twin is not None:
            conn.execute(delete(Tie).where(Tie.id == tie.id))
        else:
            conn.execute(update(Tie).where(Tie.id == tie.id).values(person_a_id=a, person_b_id=b))
        moved += 1
    return moved
