"""Skills with their endorsements on members' profiles.

A skill is on the member's own person (their export's Skills, or added here).
Endorsing a connection's skill on the platform is recorded as an imported
endorsement is — an ``endorsement`` interaction from the endorser to the member,
the skill as its detail, in the endorser's data — so the tie model counts it as
a service rendered, exactly like one from an export.

Who endorsed whom is a trace: a viewer sees those
the scope lets them see (their own, those of members who share names, those
they took part in) and nothing else — not even a count.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, insert, select

from weakties.errors import NotFoundError
from weakties.model.identity import fold
from weakties.model.tables import Interaction, Member, Person, Skill
from weakties.service.connections import member_of
from weakties.service.context import Viewer, person_of, reader
from weakties.service.forms import N_, FormError, has_control_characters
from weakties.store import clock

__all__ = [
    "Endorser",
    "SkillView",
    "add_skill",
    "endorse",
    "remove_skill",
    "skills_of",
    "withdraw_endorsement",
]

SKILL_MAX = 100
SKILLS_MAX = 100  # skills on one profile


@dataclass(frozen=True)
class Endorser:
    person_id: int
    name: str
    handle: str | None
    is_connection: bool


@dataclass(frozen=True)
class SkillView:
    name: str
    endorsers: list[Endorser] = field(default_factory=list)  # connections first
    endorsed_by_you: bool = False

    @property
    def endorsements(self) -> int:
        return len(self.endorsers)


def _people(conn: Connection, ids: set[int]) -> dict[int, tuple[str, str | None]]:
    if not ids:
        return {}
    rows = conn.execute(
        select(Person.id, Person.display_name, Member.handle)
        .outerjoin(Member, Member.person_id == Person.id)
        .where(Person.id.in_(sorted(ids)))
    )
    return {r.id: (r.display_name, r.handle) for r in rows}


def skills_of(conn: Connection, viewer: Viewer, person_id: int) -> list[SkillView]:
    """The skills of ``person_id`` with the endorsements the viewer may see, most
    endorsed first; the endorsers who are the viewer's connections come first."""
    names = list(
        conn.execute(
            select(Skill.name).where(Skill.person_id == person_id).order_by(Skill.id)
        ).scalars()
    )
    if not names:
        return []
    scoped = reader(conn, viewer)
    query = select(Interaction.sender_id, Interaction.detail).where(
        Interaction.kind == "endorsement",
        Interaction.recipient_id == person_id,
        Interaction.sender_id.is_not(None),
    )
    visible = scoped.trace_visible(whole=False)
    if visible is not None:
        query = query.where(visible)
    by_skill: dict[str, set[int]] = defaultdict(set)
    for sender, detail in conn.execute(query).all():
        by_skill[fold(detail or "")].add(int(sender or 0))
    people = _people(conn, {p for senders in by_skill.values() for p in senders})
    mine = scoped.first_degree()
    me = person_of(viewer)
    out = []
    for name in names:
        senders = by_skill.get(fold(name), set())
        endorsers = sorted(
            (Endorser(p, people[p][0], people[p][1], p in mine) for p in senders if p in people),
            key=lambda e: (not e.is_connection, e.name, e.person_id),
        )
        out.append(SkillView(name, endorsers, me in senders))
    order = {name: i for i, name in enumerate(names)}
    return sorted(out, key=lambda s: (-s.endorsements, order[s.name]))


def _skill_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise FormError.one("skill", N_("Name the skill."))
    if has_control_characters(name):
        raise FormError.one("skill", N_("Remove the control characters."))
    if len(name) > SKILL_MAX:
        raise FormError.one("skill", N_("This text is too long."))
    return name


def add_skill(conn: Connection, viewer: Viewer, text: str) -> str:
    """Add a skill to the viewer's own profile (the same skill twice is once).

    Raises
    ------
    FormError
        Empty, too long, control characters, or too many skills (``skill``).
    """
    name = _skill_name(text)
    pid = person_of(viewer)
    existing = {
        fold(s): s for s in conn.execute(select(Skill.name).where(Skill.person_id == pid)).scalars()
    }
    if fold(name) in existing:
        return existing[fold(name)]
    if len(existing) >= SKILLS_MAX:
        raise FormError.one("skill", N_("A profile has at most 100 skills."))
    conn.execute(insert(Skill).values(person_id=pid, name=name))
    return name


def remove_skill(conn: Connection, viewer: Viewer, text: str) -> None:
    """Remove a skill from the viewer's profile (the endorsements stay as traces).

    Raises
    ------
    NotFoundError
        The viewer has no such skill.
    """
    pid = person_of(viewer)
    for skill_id, name in conn.execute(
        select(Skill.id, Skill.name).where(Skill.person_id == pid)
    ).all():
        if fold(name) == fold(text):
            conn.execute(delete(Skill).where(Skill.id == skill_id))
            return
    raise NotFoundError(f"no skill {text!r} on your profile")


def _target(conn: Connection, viewer: Viewer, handle: str, skill: str) -> tuple[int, str]:
    """The person of a connection of the viewer's, and their skill's spelling."""
    from weakties.service.connections import connection_state, visible_member

    if has_control_characters(handle):
        raise NotFoundError(f"no member {handle!r}")
    other = visible_member(conn, viewer, handle)
    state = connection_state(conn, viewer, other)
    if state != "connected":
        raise FormError.one("skill", N_("You can endorse the skills of your connections only."))
    for name in conn.execute(
        select(Skill.name).where(Skill.person_id == other.person_id)
    ).scalars():
        if fold(name) == fold(skill):
            return other.person_id, name
    raise NotFoundError(f"{other.name} has no skill {skill!r}")


def _endorsement_key(sender: int, recipient: int, skill: str) -> str:
    digest = hashlib.sha256(f"{sender}\x1f{recipient}\x1f{fold(skill)}".encode()).hexdigest()
    return f"platform-endorsement-{digest[:40]}"


def endorse(conn: Connection, viewer: Viewer, handle: str, skill: str) -> None:
    """Endorse a connection's skill (once; a second time changes nothing).

    Raises
    ------
    NotFoundError
        No such member, or no such skill on their profile.
    FormError
        The member is not a connection of the viewer's (``skill``).
    """
    pid, name = _target(conn, viewer, handle, skill)
    me = person_of(viewer)
    key = _endorsement_key(me, pid, name)
    if conn.execute(select(Interaction.id).where(Interaction.natural_key == key)).first():
        return
    conn.execute(
        insert(Interaction).values(
            kind="endorsement",
            channel="platform",
            sender_id=me,
            recipient_id=pid,
            occurred_at=clock.utcnow(),
            group_size=1,
            detail=name,
            status="ACCEPTED",
            asserted_by=member_of(viewer),
            natural_key=key,
        )
    )


def withdraw_endorsement(conn: Connection, viewer: Viewer, handle: str, skill: str) -> None:
    """Take back the viewer's platform endorsement of a connection's skill.

    Raises
    ------
    NotFoundError
        No such member or skill, or no endorsement of the viewer's to take back.
    """
    from weakties.service.connections import _member

    if has_control_characters(handle):
        raise NotFoundError(f"no member {handle!r}")
    other = _member(conn, handle)
    done = conn.execute(
        delete(Interaction).where(
            Interaction.natural_key == _endorsement_key(person_of(viewer), other.person_id, skill),
            Interaction.asserted_by == member_of(viewer),
        )
    )
    if not done.rowcount:
        raise NotFoundError(f"you did not endorse {skill!r}")
