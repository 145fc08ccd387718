"""Scoped reads of people: names, lists, search, one person's record, events, notes.

A member sees in lists the people their own data mentions, their first and
(named) second degree, and the members; a name anywhere else (a path, an
explanation) only for people the scope may show (:mod:`weakties.store._base`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import ColumnElement, exists, false, func, or_, select

from weakties.errors import AmbiguousError, InputError, NotFoundError
from weakties.model.identity import email_key, fold, linkedin_slug, name_key
from weakties.model.kinds import EVENT_KINDS
from weakties.model.tables import (
    ContactVisibility,
    Event,
    Identity,
    IdentityStatement,
    KnownPerson,
    Member,
    Note,
    Person,
    table_of,
)
from weakties.store._base import chunks, one_of
from weakties.store.events import CAREER_KINDS, describe_event
from weakties.store.read_ties import TieReads

__all__ = ["CONTACT_KINDS", "PeopleReads", "contains", "stated_by"]

#: identity kinds a member shows as contact details, in this order
CONTACT_KINDS = ("email", "phone", "linkedin")

_RECORD = re.compile(r"^#(\d+)$")
_NUMBER = re.compile(r"^\d+$")


def contains(text: str) -> str:
    """A LIKE pattern for "contains ``text``", its own ``%`` and ``_`` taken literally."""
    quoted = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{quoted}%"


def stated_by(member_id: int) -> ColumnElement[bool]:
    """An ``identity`` row that member ``member_id``'s data states: they stated it
    first, or their import states it since (``identity_statement``)."""
    return or_(
        Identity.asserted_by == member_id,
        exists().where(
            IdentityStatement.kind == Identity.kind,
            IdentityStatement.value == Identity.value,
            IdentityStatement.member_id == member_id,
        ),
    )


def _date(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()


class PeopleReads(TieReads):
    """People as a scope may see them (mixed into :class:`weakties.store.reader.Reader`)."""

    def names(self, person_ids: Iterable[int]) -> dict[int, str]:
        """Display names of the people the scope may name (others are left out)."""
        shown = self.keep_visible(person_ids)
        if not shown:
            return {}
        return dict(
            self.conn.execute(
                select(Person.id, Person.display_name).where(one_of(self.conn, Person.id, shown))
            ).all()
        )

    def contact_names(self, without: Collection[int] = ()) -> dict[int, str]:
        """Display names of the viewer's contacts (:meth:`first_degree`), less
        ``without``: each is the other end of a tie the scope may list, so the
        scope may name them (what :meth:`names` would give for them, without
        looking each of them up again)."""
        contacts = self.first_degree() - set(without) - self.hidden
        if not contacts:
            return {}
        return dict(
            self.conn.execute(
                select(Person.id, Person.display_name).where(one_of(self.conn, Person.id, contacts))
            ).all()
        )

    def person_rows(self, person_ids: Iterable[int]) -> dict[int, Any]:
        """Rows (id, display_name, first_name, headline, location, industry) of the
        people the scope may name."""
        shown = self.keep_visible(person_ids)
        if not shown:
            return {}
        query = select(
            Person.id,
            Person.display_name,
            Person.first_name,
            Person.headline,
            Person.location,
            Person.industry,
        ).where(one_of(self.conn, Person.id, shown))
        return {row.id: row for row in self.conn.execute(query)}

    def labels(self, person_ids: list[int]) -> dict[int, str]:
        """How to name each person in machine output: the identifier used in an
        imported log (an ``external`` identity, as written in the file) when the
        scope may show one (:meth:`shown_identities`: the viewer's own log's),
        else the display name — made unique among ``person_ids``:
        identifiers of two logs that collide are given with their namespace,
        people who share a display name their record number (``"Ann Lee #12"``),
        so that no two persons ever collapse into one key."""
        names: dict[int, str] = {}
        external: dict[int, str] = {}  # person -> the identity's full value
        for chunk in chunks(self.keep_visible(person_ids)):
            names.update(
                self.conn.execute(
                    select(Person.id, Person.display_name).where(Person.id.in_(chunk))
                ).all()
            )
            # only an identifier the scope may show (the viewer's own log's): another
            # member's log names a person as that member's data does
            shown = self.shown_identities(chunk, ("external",))
            for pid, raw, value in self.conn.execute(
                select(Identity.person_id, Identity.raw, Identity.value).where(
                    Identity.person_id.in_(chunk), Identity.kind == "external"
                )
            ):
                if value in shown.get(pid, {}).get("external", []):
                    names[pid] = raw or value
                    external[pid] = value
        # two logs' "17" (namespaces "hr:17" and "crm:17"): the full values
        clashing = Counter(names[pid] for pid in external)
        for pid, value in external.items():
            if clashing[names[pid]] > 1:
                names[pid] = value
        # a display name shared with anyone else: the record number
        counts = Counter(names.values())
        for pid, label in names.items():
            if counts[label] > 1 and pid not in external:
                names[pid] = f"{label} #{pid}"
        return names

    def shown_identities(
        self, person_ids: Iterable[int], kinds: Collection[str] | None = None
    ) -> dict[int, dict[str, list[str]]]:
        """The identities (kind -> values, oldest first; only ``kinds`` when given)
        of ``person_ids`` that the scope may show — the one rule for every list,
        record, label and look-up by address:

        - what the viewer's own data states (their import lists the address,
          whichever member's import stated it first: ``identity_statement``);
        - a member's own contact details (e-mail, phone, profile address: what
          their export lists or they signed up with) as that member chose: to
          everyone, or to their connections (:data:`CONTACT_KINDS`; only to
          themself until they choose);
        - the profile address of someone who is not a member (how the people the
          viewer may name are named), and of a member the viewer's own data knows;
        - nothing else: an address, a number or an identifier from another
          member's data stays theirs, whatever they share of their ties.

        The people the scope may not name are left out; the operator's
        whole-database scope sees everything.
        """
        found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        me = self.scope.member_id
        everything = self.scope.is_operator
        connected: set[int] | None = None
        for chunk in chunks(self.keep_visible(person_ids)):
            query = (
                select(
                    Identity.person_id,
                    Identity.kind,
                    Identity.value,
                    Identity.asserted_by,
                    Member.id.label("member"),
                    ContactVisibility.visibility,
                )
                # the person's own member, and what they chose for this detail
                .outerjoin(Member, Member.person_id == Identity.person_id)
                .outerjoin(
                    ContactVisibility,
                    (ContactVisibility.identity_id == Identity.id)
                    & (ContactVisibility.member_id == Member.id),
                )
                .where(Identity.person_id.in_(chunk))
                .order_by(Identity.id)
            )
            if kinds is not None:
                query = query.where(Identity.kind.in_(sorted(kinds)))
            rows = self.conn.execute(query).all()
            if everything:
                for row in rows:
                    found[row.person_id][row.kind].append(row.value)
                continue
            stated = self._stated_by(chunk, kinds)
            known = (
                set(
                    self.conn.execute(
                        select(KnownPerson.person_id).where(
                            KnownPerson.member_id == me, KnownPerson.person_id.in_(chunk)
                        )
                    ).scalars()
                )
                if me is not None
                else set()
            )
            for pid, kind, value, asserted_by, member, visibility in rows:
                staters = stated.get((kind, value), set()) | {asserted_by}
                if me is not None and me in staters:
                    shown = True
                elif member is not None and member in staters:
                    shown = False
                    if kind in CONTACT_KINDS:
                        chosen = visibility or "only_me"
                        if chosen == "connections" and connected is None:
                            connected = self.first_degree()
                        shown = chosen == "everyone" or (
                            chosen == "connections" and pid in (connected or set())
                        )
                        # a member's profile address: also to whom the viewer's data names
                        shown = shown or (kind == "linkedin" and pid in known)
                elif kind == "linkedin":
                    shown = member is None or pid in known
                else:
                    shown = False
                if shown:
                    found[pid][kind].append(value)
        return found

    def _stated_by(
        self, person_ids: list[int], kinds: Collection[str] | None = None
    ) -> dict[tuple[str, str], set[int]]:
        """(kind, value) -> the members whose data states it, of these people's
        identities (besides the first stater, ``Identity.asserted_by``)."""
        query = (
            select(IdentityStatement.kind, IdentityStatement.value, IdentityStatement.member_id)
            .join(
                Identity,
                (Identity.kind == IdentityStatement.kind)
                & (Identity.value == IdentityStatement.value),
            )
            .where(Identity.person_id.in_(person_ids))
        )
        if kinds is not None:
            query = query.where(Identity.kind.in_(sorted(kinds)))
        stated: dict[tuple[str, str], set[int]] = defaultdict(set)
        for kind, value, member in self.conn.execute(query):
            stated[(kind, value)].add(member)
        return stated

    def member_handles(self) -> dict[int, str]:
        """Person id -> handle of every member."""
        return dict(self.conn.execute(select(Member.person_id, Member.handle)).all())

    def find_person(self, query: str, without: Collection[int] = ()) -> int:
        """The person named by ``query`` (unique among the people the viewer sees,
        less ``without``: see :meth:`~weakties.store.read_ties.TieReads.degrees`),
        tried in this order:

        1. ``#id``: the record number, and nothing else;
        2. a profile URL or slug, an e-mail address;
        3. an identifier of the viewer's imported data (a log's sender or
           recipient, ``weakties import log``; with or without the import's
           ``--namespace``): ``1260`` is the person the file calls 1260;
        4. a member handle, then a name;
        5. a bare number that is no identifier of the data: the record number,
           unless that record is itself a person of an imported log (known by
           an identifier of its own): a number the file never names is then not
           found rather than taken for another person's record.

        Raises
        ------
        NotFoundError, AmbiguousError
        """
        text = query.strip()

        def seen(ids: Iterable[int]) -> set[int]:
            return self.seen_among(ids, without)

        if m := _RECORD.match(text):
            pid = int(m.group(1))
            if seen([pid]):
                return pid
            raise NotFoundError(f"no person #{pid} visible to {self._who()}")
        for kind, value in (
            ("linkedin", linkedin_slug(text) or (text.lower() if "/" not in text else None)),
            ("email", email_key(text)),
        ):
            if not value:
                continue
            found = self.conn.execute(
                select(Identity.person_id).where(Identity.kind == kind, Identity.value == value)
            ).scalar()
            # an address or profile the viewer is not shown finds nobody: asking
            # by it must not tell whose it is
            if (
                found is not None
                and seen([found])
                and value in self.shown_identities([found], (kind,)).get(found, {}).get(kind, [])
            ):
                return int(found)
        if (identified := self._by_identifier(text, seen)) is not None:
            return identified
        if _NUMBER.match(text):
            return self._by_record_number(text, seen)
        member = self.conn.execute(select(Member.person_id).where(Member.handle == text)).scalar()
        if member is not None and seen([member]):
            return int(member)
        key = name_key(text)
        named = list(self.conn.execute(select(Person.id).where(Person.name_key == key)).scalars())
        shown = seen(named)
        exact = [pid for pid in named if pid in shown]
        if len(exact) == 1:
            return exact[0]
        candidates = exact
        if not candidates:
            needle = fold(text)
            matching = list(
                self.conn.execute(
                    select(Person.id).where(
                        func.lower(Person.display_name).like(contains(text.lower()), escape="\\")
                        | (Person.name_key.like(contains(needle), escape="\\"))
                    )
                ).scalars()
            )
            shown = seen(matching)
            candidates = [pid for pid in matching if pid in shown]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise NotFoundError(f"nobody called {query!r} among the people {self._who()} can see")
        names = self.names(candidates[:20])
        raise AmbiguousError(
            f"{len(candidates)} people match {query!r}; use #id",
            [f"#{pid} {names.get(pid, '')}" for pid in candidates[:20]],
        )

    def _by_identifier(self, text: str, seen: Any) -> int | None:
        """The one person the viewer's data calls ``text`` (an ``external``
        identity, in any import's namespace), None when nobody is.

        Raises
        ------
        AmbiguousError
            Several people are called so (imports in different namespaces).
        """
        if not text or len(text) > 200:
            return None
        rows = self.conn.execute(
            select(Identity.person_id, Identity.value).where(
                Identity.kind == "external",
                (Identity.value == text)
                | Identity.value.like("%:" + contains(text)[1:-1], escape="\\"),
            )
        ).all()
        # "ns:1260" and "1260", never "ns:11260"
        named = {int(pid) for pid, value in rows if value == text or value.endswith(":" + text)}
        shown = self.shown_identities(sorted(seen(named)), ("external",))
        found = sorted(
            pid
            for pid, kinds in shown.items()
            if any(v == text or v.endswith(":" + text) for v in kinds.get("external", []))
        )
        if len(found) == 1:
            return found[0]
        if not found:
            return None
        values = {pid: shown[pid]["external"] for pid in found}
        raise AmbiguousError(
            f"{len(found)} people are called {text!r} in your imported data; use #id",
            [f"#{pid} ({', '.join(values[pid])})" for pid in found[:20]],
        )

    def _by_record_number(self, text: str, seen: Any) -> int:
        """A bare number that no identifier of the data is: the record
        ``#number`` — unless that record is a person of an imported log, whom
        the user would call by their own identifier.

        Raises
        ------
        NotFoundError
        """
        pid = int(text)
        if not seen([pid]):
            raise NotFoundError(
                f"nobody called {text!r} in the data of {self._who()}, and no person #{pid} "
                "visible to them"
            )
        own = self.shown_identities([pid], ("external",)).get(pid, {}).get("external", [])
        if own:
            raise NotFoundError(
                f"nobody is called {text!r} in the imported data of {self._who()}; the record "
                f"#{pid} is {own[0]!r} — give '#{pid}' for that record"
            )
        return pid

    def _who(self) -> str:
        """The viewer's handle for an error message ("you" when there is none): it
        reads every member's handle, so only once the message is written."""
        member = self.scope.member_id
        return self._member_handles_by_id().get(member, "you") if member is not None else "you"

    def _member_handles_by_id(self) -> dict[int, str]:
        if "handles" not in self._cache:
            self._cache["handles"] = dict(self.conn.execute(select(Member.id, Member.handle)).all())
        return self._cache["handles"]

    def person_ties_shown(self, pid: int, without: Collection[int] = ()) -> list[dict[str, Any]]:
        """One person's ties as the viewer may list them, with whom and from whose
        data (never with one of ``without``)."""
        seen = self.people_seen(without)
        handles = self._member_handles_by_id()
        ties = []
        for r in self.person_ties(pid):
            other = r.person_b_id if r.person_a_id == pid else r.person_a_id
            if other not in seen:
                continue
            ties.append(
                {
                    "with_id": other,
                    "source": r.source,
                    "asserted_by": handles.get(r.asserted_by),
                    "since": _date(r.since),
                    "ended": _date(r.ended_at),
                    "confidence": r.confidence,
                }
            )
        names = self.names([t["with_id"] for t in ties])
        for tie in ties:
            tie["with"] = names.get(tie["with_id"])
        return ties

    def person_full(self, pid: int) -> Any:
        """The person's row (every column), if the viewer sees them in lists."""
        if pid not in self.people_seen():
            raise NotFoundError(f"no person #{pid}")
        row = self.conn.execute(select(*table_of(Person).c).where(Person.id == pid)).first()
        if row is None:
            raise NotFoundError(f"no person #{pid}")
        return row

    # -- the member's own ---------------------------------------------------------
    def events(
        self,
        *,
        kinds: list[str] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: int | None = None,
        person_id: int | None = None,
        hide: Collection[int] = (),
    ) -> list[dict[str, Any]]:
        """Events found in the viewer's own imports, plus career events about the
        viewer's contacts found in other members' data (as they share them by name).

        ``person_id`` keeps the events about one person (newest first, like all).
        Other members' connection and contact-detail events are never shown: they
        tell about those members' own networks and their contacts' addresses.
        None is about a hidden person (the reader's ``hidden``, and ``hide``) or
        found in the data of a member who is one: they are left out before the
        same move seen in two members' data counts once, so that a hidden copy
        never stands for a visible one.
        """
        for kind in kinds or []:
            if kind not in EVENT_KINDS:
                raise InputError(f"unknown event kind {kind!r} (one of {', '.join(EVENT_KINDS)})")
        me = self.scope.member_id
        if me is None:
            return []
        contacts = self.first_degree()
        sharing = self.scope.names
        hidden = self.hidden | frozenset(hide)
        # others' events about the viewer's contacts, found by person (a contact has
        # few); whose data they come from is checked on each row below
        about_contacts = (
            Event.kind.in_(CAREER_KINDS) & Event.person_id.in_(sorted(contacts))
            if contacts
            else false()
        )
        query = (
            select(
                *table_of(Event).c,
                Person.display_name,
                Member.handle,
                Member.person_id.label("finder_person_id"),
            )
            .join(Person, Person.id == Event.person_id)
            .join(Member, Member.id == Event.member_id)
            .where(or_(Event.member_id == me, about_contacts))
            .order_by(Event.occurred_on.desc(), Event.id.desc())
        )
        if person_id is not None:
            query = query.where(Event.person_id == person_id)
        if kinds:
            query = query.where(Event.kind.in_(kinds))
        if since:
            query = query.where(Event.occurred_on >= since)
        if until:
            query = query.where(Event.occurred_on <= until)
        seen: set[tuple[int, str, str]] = set()
        events = []
        for event in self.conn.execute(query):
            if event.member_id != me and (
                event.person_id not in contacts or event.member_id not in sharing
            ):
                continue
            if event.person_id in hidden or event.finder_person_id in hidden:
                continue  # about a hidden person, or found in one's data
            detail = json.loads(event.detail) if event.detail else {}
            if event.kind in CAREER_KINDS:
                # The same move seen in two members' exports is one piece of news;
                # other kinds are the viewer's own, each one a change of its own.
                dedup = (event.person_id, event.kind, json.dumps(detail.get("to"), sort_keys=True))
                if dedup in seen:
                    continue
                seen.add(dedup)
            item = {
                "id": event.id,
                "kind": event.kind,
                "date": event.occurred_on.isoformat() if event.occurred_on else None,
                "person_id": event.person_id,
                "person": event.display_name,
                "found_in": event.handle,
                "detail": detail,
            }
            item["text"] = describe_event(item)
            events.append(item)
            if limit and len(events) >= limit:
                break
        return events

    def notes(self, person_id: int | None = None) -> list[dict[str, Any]]:
        """The viewer's own notes (on one person, or all), newest first."""
        if self.scope.member_id is None:
            return []
        query = (
            select(Note.id, Note.kind, Note.noted_on, Note.text, Person.id, Person.display_name)
            .join(Person, Person.id == Note.person_id)
            .where(Note.author_id == self.scope.member_id)
            .order_by(Note.noted_on.desc(), Note.id.desc())
        )
        if person_id is not None:
            query = query.where(Note.person_id == person_id)
        return [
            {
                "id": nid,
                "kind": kind,
                "date": day.isoformat(),
                "text": text,
                "person_id": pid,
                "person": name,
            }
            for nid, kind, day, text, pid, name in self.conn.execute(query)
        ]

    def note_counts(self, before: dt.date) -> dict[int, int]:
        """Person -> how many notes the viewer wrote about them before ``before``."""
        if self.scope.member_id is None:
            return {}
        counts: dict[int, int] = {}
        for pid in self.conn.execute(
            select(Note.person_id).where(
                Note.author_id == self.scope.member_id, Note.noted_on < before
            )
        ).scalars():
            counts[pid] = counts.get(pid, 0) + 1
        return counts
