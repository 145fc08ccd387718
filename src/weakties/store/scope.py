"""Whose data may be used: the scope of every read made for a viewer.

A member's *sharing level* says what other members may see of the data their
imports brought in (their ties, traces and the people only they know):

- ``names``: others may list it by name ("Ann Lee knows Bob Stone");
- ``counts``: others may count it ("12 people at Acme through Bob"), never see who;
- ``nothing``: it is theirs alone.

A :class:`Scope` turns those levels into two sets of member ids, fixed for one
command or request: ``names`` (members whose rows the viewer may list by name,
the viewer's own member always among them) and ``counts`` (members whose rows
may only be counted; a superset of ``names``). The readers of
:mod:`weakties.store.reader` apply it in their WHERE clauses; nothing else in
weakties decides visibility.

Three kinds of scope exist:

- a **member's** (:func:`member_scope`): their own data, and other members' as
  those share it;
- the **shared view** (:func:`shared_scope`, no member): what every member may
  see, i.e. the data of members who share it — for listings made without
  naming a member (``weakties orgs`` on a team database);
- the **operator's** (:meth:`Scope.operator`): the whole database, for explicit
  whole-network work (``ties --all`` without ``--as``, evaluation, benchmarks).

>>> s = member_scope([(1, 10, "names"), (2, 20, "counts"), (3, 30, "nothing")], 3)
>>> sorted(s.names), sorted(s.counts)
([1, 3], [1, 2, 3])
>>> sorted(shared_scope([(1, 10, "names"), (2, 20, "counts"), (3, 30, "nothing")]).counts)
[1, 2]
>>> Scope.operator().is_operator
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from weakties.errors import InputError

__all__ = ["LEVELS", "Scope", "member_scope", "shared_scope"]

#: what a read may reveal: people by name, or only how many
LEVELS = ("names", "counts")


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose data a read may use (see the module doc).

    Attributes
    ----------
    member_id, person_id : int or None
        The viewer's member and person; None for the shared view and the operator.
    names : frozenset of int
        Members whose rows may be listed by name (includes the viewer's member).
    counts : frozenset of int
        Members whose rows may be counted (a superset of ``names``).
    is_operator : bool
        The whole database, every row (``names`` and ``counts`` are then unused).
    """

    member_id: int | None
    person_id: int | None
    names: frozenset[int]
    counts: frozenset[int]
    is_operator: bool = False

    @classmethod
    def operator(cls) -> Scope:
        """The whole database: only for explicit whole-network work."""
        return cls(None, None, frozenset(), frozenset(), True)

    def members(self, level: str) -> frozenset[int]:
        """The members whose rows a read at ``level`` ("names" or "counts") may use."""
        if level not in LEVELS:
            raise InputError(f"a visibility level is one of {', '.join(LEVELS)}, not {level!r}")
        return self.names if level == "names" else self.counts

    @property
    def counts_only_names(self) -> bool:
        """Whether a read by count may use no more rows than one by name (the
        operator, or a platform where everyone who shares shares by name): the
        ties at both levels are then the same, read once."""
        return self.is_operator or self.counts == self.names

    @property
    def is_member(self) -> bool:
        """A member looking (not the shared view, not the operator)."""
        return self.member_id is not None


MemberRow = tuple[int, int, str]  # (member id, person id, sharing level)


def _levels(members: Iterable[MemberRow]) -> tuple[set[int], set[int]]:
    names, counts = set(), set()
    for member_id, _person, level in members:
        if level == "names":
            names.add(member_id)
        if level in ("names", "counts"):
            counts.add(member_id)
    return names, counts


def member_scope(members: Iterable[MemberRow], member_id: int) -> Scope:
    """The scope of one member: their own data, and others' as they share it.

    Parameters
    ----------
    members : iterable of (member id, person id, sharing level)
        Every member of the database.
    member_id : int
        The viewer.
    """
    rows = list(members)
    person = next((p for m, p, _ in rows if m == member_id), None)
    if person is None:
        raise InputError(f"no member #{member_id}")
    names, counts = _levels(rows)
    names.add(member_id)
    counts.add(member_id)
    return Scope(member_id, person, frozenset(names), frozenset(counts))


def shared_scope(members: Iterable[MemberRow]) -> Scope:
    """What every member may see: the data of the members who share it."""
    names, counts = _levels(members)
    return Scope(None, None, frozenset(names), frozenset(counts))
