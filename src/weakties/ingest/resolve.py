"""Entity resolution during an import: who is this person, which organisation is this.

People are matched in order of trust:

1. a LinkedIn profile slug or member URN, then an e-mail address, then a phone
   number (exact identities, confidence 1);
2. a name among the people the importing member already knows (their own data
   refers to their own contacts), skipping anyone whose known slug differs, and
   only when the employers do not tell them apart: a row that states an employer
   matches someone currently known there, a row that states there is none matches
   someone with no known employer, a row from a file without employers (messages,
   invitations, endorsements) matches on the name;
3. a name together with a current employer, across all members (confidence 0.9);
4. otherwise a new person; if someone elsewhere has the same name, the pair is
   recorded as a *proposal* (``match_proposal``) — never merged silently.

Rows of a snapshot (a connections list) name each person once: a person already
taken by one row is never matched by name to another (``exclude``). Files that
only ever name *other* people (connections, contacts, endorsements,
recommendations, follows) never resolve to the member by name
(``self_by_name=False``): a contact who shares the member's name is someone else.

Organisations are matched by normal form (:func:`weakties.model.orgnames.org_key`)
through their aliases; every new spelling is kept as an alias.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Collection, Iterable

from sqlalchemy import Connection, func, select, true, update

from weakties.ingest.batch import BatchWriter, insert_ignore
from weakties.model.identity import display_name, fold, name_key, split_credentials
from weakties.model.orgnames import org_key
from weakties.model.tables import (
    Identity,
    IdentityStatement,
    KnownPerson,
    MatchProposal,
    OrgAlias,
    Organization,
    Person,
    Position,
    table_of,
    utcnow,
)

__all__ = ["OrgResolver", "PersonResolver", "clip", "insert_ignore", "natural_key"]

# The people a member knows are all held in memory up to this many (the usual
# case, and the fastest); beyond it, or after a trim, they are loaded by name.
SCOPE_IN_MEMORY = 100_000
_CHUNK = 900  # bound parameters per IN (...) query (SQLite's limit is 32766; stay modest)


def clip(value: str | None, limit: int, what: str, counter: Counter[str]) -> str | None:
    """``value`` cut to ``limit`` characters (a column's length), counted under
    ``what`` so that the import can warn: the same on SQLite, which would store
    it whole, and PostgreSQL, which would refuse it."""
    if value is None or len(value) <= limit:
        return value
    counter[f"{what} over {limit} characters"] += 1
    return value[:limit].rstrip()


def natural_key(*parts: object) -> str:
    """A stable 128-bit key (hex) for a record, from the fields that identify it."""
    text = "\x1f".join(map(str, parts))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class PersonResolver:
    """Find or create persons for one member's import, inside its transaction."""

    def __init__(
        self,
        conn: Connection,
        member_id: int,
        self_pid: int,
        *,
        run_id: int | None,
        writer: BatchWriter | None = None,
    ):
        self.conn = conn
        self.member_id = member_id
        self.self_pid = self_pid
        self.run_id = run_id
        self.writer = writer or BatchWriter(conn)
        self.self_keys: set[str] = set()
        self._ident: dict[tuple[str, str], int] = {}
        self._absent: set[tuple[str, str]] = set()  # looked up, not in the database
        self._proposed: set[tuple[int, int]] = set()
        self._settled: set[int] = set()  # named and remembered: nothing left to learn
        self._created: set[int] = set()  # persons created by this import
        self._by_name: dict[str, list[int]] = {}  # prefetched name keys -> person ids
        self._scope: dict[str, list[int]] = {}  # name key -> known person ids
        self._scoped_pids: set[int] = set()
        self._slug: dict[int, str] = {}
        self._orgs: dict[int, set[str]] = {}
        self._named: set[int] = set()
        self._stated: set[tuple[str, str]] = set()  # identities this import stated
        self.created = 0
        self.proposals = 0
        self.clipped: Counter[str] = Counter()  # values cut to their column's length
        self._whole_scope = True
        self._load_scope()

    # -- loading -------------------------------------------------------------
    # Everything cached here is also in the database once the writer is
    # flushed: the caches are bounded (see :meth:`trim`) and refilled from the
    # database per chunk of rows (``prefetch``) or on a miss, so that memory
    # stays bounded whatever the size of the import.
    def _load_scope(self, whole: bool = True) -> None:
        """The member's own identities, and the people they know: all of them
        when they are not too many (``whole``), else by name as rows need them."""
        for kind, value in self.conn.execute(
            select(Identity.kind, Identity.value).where(Identity.person_id == self.self_pid)
        ):
            self._ident[(kind, value)] = self.self_pid
            if kind == "linkedin":
                self._slug.setdefault(self.self_pid, value)
        known = self.conn.execute(
            select(func.count()).where(KnownPerson.member_id == self.member_id)
        ).scalar_one()
        self._whole_scope = whole and known <= SCOPE_IN_MEMORY
        if not self._whole_scope or not known:
            return
        for pid, key in self.conn.execute(
            select(Person.id, Person.name_key)
            .join(KnownPerson, KnownPerson.person_id == Person.id)
            .where(KnownPerson.member_id == self.member_id)
        ):
            self._scoped_pids.add(pid)
            if key:
                self._scope.setdefault(key, []).append(pid)
        for pid, kind, value in self.conn.execute(
            select(Identity.person_id, Identity.kind, Identity.value)
            .join(KnownPerson, KnownPerson.person_id == Identity.person_id)
            .where(KnownPerson.member_id == self.member_id)
        ):
            self._ident[(kind, value)] = pid
            if kind == "linkedin":
                self._slug[pid] = value
        for pid, norm in self.conn.execute(
            select(Position.person_id, Organization.norm_name)
            .join(Organization, Organization.id == Position.organization_id)
            .join(KnownPerson, KnownPerson.person_id == Position.person_id)
            .where(KnownPerson.member_id == self.member_id, Position.is_current.is_(True))
        ):
            self._orgs.setdefault(pid, set()).add(norm)

    def _load_names(self, keys: Iterable[str]) -> None:
        """The people the member knows under these name keys, with their profile
        slugs and current employers (what a name match compares)."""
        if self._whole_scope:
            return  # every known person is in memory: a missing name is unknown
        wanted = sorted({k for k in keys if k and k not in self._scope})
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for key in chunk:
                self._scope[key] = []
            found: list[int] = []
            for pid, key in self.conn.execute(
                select(Person.id, Person.name_key)
                .join(KnownPerson, KnownPerson.person_id == Person.id)
                .where(KnownPerson.member_id == self.member_id, Person.name_key.in_(chunk))
            ):
                self._scope[key].append(pid)
                self._scoped_pids.add(pid)
                found.append(pid)
            if not found:
                continue
            for pid, value in self.conn.execute(
                select(Identity.person_id, Identity.value).where(
                    Identity.person_id.in_(found), Identity.kind == "linkedin"
                )
            ):
                self._slug[pid] = value
            for pid, norm in self.conn.execute(
                select(Position.person_id, Organization.norm_name)
                .join(Organization, Organization.id == Position.organization_id)
                .where(Position.person_id.in_(found), Position.is_current.is_(True))
            ):
                self._orgs.setdefault(pid, set()).add(norm)

    def cached(self) -> int:
        """How many entries the caches hold (what :meth:`trim` bounds)."""
        return (
            len(self._ident)
            + len(self._absent)
            + len(self._by_name)
            + len(self._scope)
            + len(self._scoped_pids)
            + len(self._slug)
            + len(self._orgs)
            + len(self._settled)
            + len(self._created)
            + len(self._named)
        )

    def trim(self) -> None:
        """Write what is queued, then forget the caches (reloaded on demand)."""
        self.writer.flush()
        for cache in (
            self._ident,
            self._absent,
            self._by_name,
            self._scope,
            self._scoped_pids,
            self._slug,
            self._orgs,
            self._settled,
            self._created,
            self._named,
        ):
            cache.clear()
        self._load_scope(whole=False)

    # -- identities ------------------------------------------------------------
    def prefetch(self, keys: Iterable[tuple[str, str]], names: Iterable[str] = ()) -> None:
        """Look up many identities (and name keys) at once before resolving a chunk."""
        names = list(names)
        self._load_names(names)
        by_kind: dict[str, set[str]] = {}
        for kind, value in keys:
            if (kind, value) not in self._ident and (kind, value) not in self._absent:
                by_kind.setdefault(kind, set()).add(value)
        for kind, values in by_kind.items():
            ordered = sorted(values)
            for start in range(0, len(ordered), _CHUNK):
                chunk = ordered[start : start + _CHUNK]
                for pid, value in self.conn.execute(
                    select(Identity.person_id, Identity.value).where(
                        Identity.kind == kind, Identity.value.in_(chunk)
                    )
                ):
                    self._ident[(kind, value)] = pid
                    if kind == "linkedin":
                        self._slug[pid] = value
            self._absent.update((kind, v) for v in values if (kind, v) not in self._ident)
        wanted = sorted({n for n in names if n and n not in self._by_name})
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for key in chunk:
                self._by_name[key] = []
            for pid, key in self.conn.execute(
                select(Person.id, Person.name_key).where(Person.name_key.in_(chunk))
            ):
                self._by_name[key].append(pid)

    def lookup(self, kind: str, value: str) -> int | None:
        key = (kind, value)
        if key in self._ident:
            return self._ident[key]
        if key in self._absent:
            return None
        pid = self.conn.execute(
            select(Identity.person_id).where(Identity.kind == kind, Identity.value == value)
        ).scalar()
        if pid is None:
            self._absent.add(key)
            return None
        self._ident[key] = pid
        if kind == "linkedin":
            self._slug[pid] = value
        return pid

    def add_identity(self, pid: int, kind: str, value: str, raw: str | None = None) -> bool:
        """Attach an identity to a person; returns False (and proposes a match) if taken."""
        if len(value) > 320:
            self.clipped[f"{kind} identity over 320 characters: not kept"] += 1
            return False
        owner = self.lookup(kind, value)
        if owner == pid:
            self._state(kind, value)  # another member's data may have stated it first
            return True
        if owner is not None:
            self.propose(pid, owner, 0.8, f"both known by {kind} {value}")
            return False
        self.writer.add(
            table_of(Identity),
            {
                "person_id": pid,
                "kind": kind,
                "value": value,
                "raw": raw[:500] if raw else None,
                "asserted_by": self.member_id,
                "created_at": utcnow(),
            },
        )
        self._state(kind, value)
        self._absent.discard((kind, value))
        self._ident[(kind, value)] = pid
        if kind == "linkedin":
            self._slug.setdefault(pid, value)
        return True

    def _state(self, kind: str, value: str) -> None:
        """Record that this member's data states the identity (once per import; a
        statement already stored is left as it is, so re-importing adds nothing)."""
        if (kind, value) in self._stated:
            return
        if len(self._stated) >= SCOPE_IN_MEMORY:
            self._stated.clear()
        self._stated.add((kind, value))
        self.writer.add(
            table_of(IdentityStatement),
            {"kind": kind, "value": value, "member_id": self.member_id},
        )

    def propose(self, pid: int, candidate: int, confidence: float, reason: str) -> None:
        a, b = sorted((pid, candidate))
        if a == b:
            return
        if (a, b) in self._proposed:
            return
        self._proposed.add((a, b))
        self.writer.add(
            table_of(MatchProposal),
            {
                "person_id": a,
                "candidate_id": b,
                "confidence": confidence,
                "reason": reason[:300],
                "status": "open",
                "created_at": utcnow(),
            },
        )
        self.proposals += 1

    # -- the member's scope ------------------------------------------------------
    def remember(self, pid: int, key: str | None = None, org: str | None = None) -> None:
        """Mark ``pid`` as known to the importing member (scopes later name matches)."""
        if pid == self.self_pid:
            return
        if pid not in self._scoped_pids:
            if key and key not in self._scope:
                self._load_names([key])
            if pid not in self._scoped_pids:
                self._scoped_pids.add(pid)
                self.writer.add(
                    table_of(KnownPerson),
                    {"member_id": self.member_id, "person_id": pid, "first_seen": utcnow()},
                )
                if key and pid not in self._scope.setdefault(key, []):
                    self._scope[key].append(pid)
        if org:
            self._orgs.setdefault(pid, set()).add(org)

    def _scoped_match(
        self,
        key: str,
        slug: str | None,
        company: str | None,
        past_org: str | None,
        barred: _Barred,
    ) -> int | None:
        """A person the member already knows by this name, unless the employer differs.

        ``company`` is what the row says of the current employer: ``None`` when
        its file has no such field (any known namesake may be meant, preferably
        one known at ``past_org``), ``""`` when it states there is none (only a
        namesake with no known employer), else the employer (only a namesake
        currently known there).
        """
        if key not in self._scope and not self._whole_scope:
            self._load_names([key])
        candidates = [
            p
            for p in self._scope.get(key, [])
            if p not in barred and (slug is None or self._slug.get(p) in (None, slug))
        ]
        if company is not None:
            org = org_key(company) if company else ""
            if org:
                candidates = [p for p in candidates if org in self._orgs.get(p, ())]
            else:
                candidates = [p for p in candidates if not self._orgs.get(p)]
        elif past_org:
            known_there = [p for p in candidates if past_org in self._orgs.get(p, ())]
            candidates = known_there or candidates
        if not candidates:
            return None
        # Several known namesakes that nothing tells apart: the first seen is
        # kept, which is stable on re-import.
        return min(candidates)

    def _global_match(
        self, key: str, org: str | None, barred: _Barred, *, current: bool = True
    ) -> tuple[int | None, list[int]]:
        if key not in self._by_name:
            self.prefetch((), [key])
        rows = [p for p in self._by_name[key] if p not in barred][:20]
        if not rows:
            return None, []
        if org:
            # People created by this import: their employers are known here; the
            # others are looked up.
            employed = [p for p in rows if p in self._created and org in self._orgs.get(p, ())]
            stored = [p for p in rows if p not in self._created]
            if stored:
                employed += (
                    self.conn.execute(
                        select(Position.person_id)
                        .join(Organization, Organization.id == Position.organization_id)
                        .where(
                            Position.person_id.in_(stored),
                            Organization.norm_name == org,
                            Position.is_current.is_(True) if current else true(),
                        )
                        .distinct()
                    )
                    .scalars()
                    .all()
                )
            if len(employed) == 1:
                return employed[0], list(rows)
        return None, list(rows)

    # -- the entry point -----------------------------------------------------------
    def resolve(
        self,
        first: str | None = None,
        last: str | None = None,
        *,
        full_name: str | None = None,
        slug: str | None = None,
        urn: str | None = None,
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
        company: str | None = None,
        past_company: str | None = None,
        create: bool = True,
        self_by_name: bool = True,
        exclude: Collection[int] = (),
    ) -> int | None:
        """The person id for what a row says about someone (``None`` if nothing usable).

        Parameters
        ----------
        first, last, full_name : str, optional
            The name (``full_name`` is split when ``first`` and ``last`` are absent).
        slug, urn, emails, phones
            Exact identities, tried first, in this order.
        company : str, optional
            The employer the row states. ``None``: the file says nothing about
            employers; ``""``: the row states that there is none. A name match
            needs the employers to agree (see the module doc).
        past_company : str, optional
            An employer the person had when the row was written (a
            recommendation's): it prefers a namesake known there, and never
            rules one out, since people move on.
        create : bool
            Create a new person when nobody matches.
        self_by_name : bool
            Whether the member's own name means the member. ``False`` for files
            that only name other people: a namesake of the member is then
            someone else, and never gives the member an identity.
        exclude : collection of int
            Persons never to match by name (those already taken by other rows
            of the same snapshot, which names everyone once).
        """
        if slug and not (urn or emails or phones or company):
            # Fast path for the rows of big files: a profile URL already resolved.
            known = self._ident.get(("linkedin", slug))
            if known is not None and known in self._settled:
                return known
        if full_name is not None and first is None and last is None:
            first, last = _split_full_name(full_name)
        first = clip(first, 200, "first name", self.clipped)
        last = clip(last, 200, "last name", self.clipped)
        key = name_key(first, last)[:300] if (first or last) else ""
        org = org_key(company) if company else None
        past_org = org_key(past_company) if past_company and company is None else None
        # Never a copy of ``exclude``: it grows with the rows of a big list.
        barred = _Barred(exclude, None if self_by_name else self.self_pid)
        idents: list[tuple[str, str]] = []
        if slug:
            idents.append(("linkedin", slug))
        if urn:
            idents.append(("linkedin_urn", urn))
        idents.extend(("email", e) for e in emails if e)
        idents.extend(("phone", p) for p in phones if p)

        pid = None
        for kind, value in idents:
            pid = self.lookup(kind, value)
            if pid is not None:
                break
        if pid is None and key:
            own_slug = self._slug.get(self.self_pid)
            if self_by_name and key in self.self_keys and (not slug or own_slug in (None, slug)):
                # the owner's own name in their own export: them, and a URL we did not
                # know yet is theirs (a homonym with another known URL is not)
                pid = self.self_pid
            else:
                pid = self._scoped_match(key, slug, company, past_org, barred)
        candidates: list[int] = []
        if pid is None and key and create:
            pid, candidates = self._global_match(
                key, org or past_org, barred, current=org is not None
            )
            if pid is not None and slug:
                other_slug = (
                    self._slug.get(pid)
                    or self.conn.execute(
                        select(Identity.value).where(
                            Identity.person_id == pid, Identity.kind == "linkedin"
                        )
                    ).scalar()
                )
                if other_slug and other_slug != slug:
                    pid = None
        if pid is None:
            if not create or not (key or idents):
                return None
            fallback = next((v for k, v in idents if k in ("email", "phone", "linkedin")), "")
            pid = self._create(first, last, fallback)
            for other in self._unlike(candidates, slug)[:3]:
                self.propose(pid, other, 0.5, f"same name {display_name(first, last)!r}")
        elif key and (first or last) and pid not in self._named:
            self._fill_name(pid, first, last)
        for kind, value in idents:
            self.add_identity(pid, kind, value)
        self.remember(pid, key or None, org)
        if pid in self._named or not key:
            self._settled.add(pid)
        return pid

    def _unlike(self, candidates: list[int], slug: str | None) -> list[int]:
        """Candidates that could still be the same human: two different profile
        slugs are two different LinkedIn accounts, never proposed."""
        if not slug or not candidates:
            return candidates
        slugs = {c: self._slug[c] for c in candidates if c in self._slug}
        unknown = [c for c in candidates if c not in slugs and c not in self._created]
        if unknown:
            # by person only: a (kind, value) index would scan every LinkedIn identity
            for pid, kind, value in self.conn.execute(
                select(Identity.person_id, Identity.kind, Identity.value).where(
                    Identity.person_id.in_(unknown)
                )
            ):
                if kind == "linkedin":
                    slugs[pid] = value
        return [c for c in candidates if slugs.get(c) in (None, slug)]

    def _create(self, first: str | None, last: str | None, fallback: str = "") -> int:
        """A new person; without a name, shown by e-mail, phone or slug until one arrives."""
        first = (first or "").strip() or None
        last = (last or "").strip() or None
        now = utcnow()
        key = name_key(first, last)[:300] if (first or last) else ""
        pid = self.writer.new_person(
            {
                "display_name": (display_name(first, last) or fallback)[:300],
                "first_name": first,
                "last_name": last,
                "name_key": key,
                "headline": None,
                "location": None,
                "industry": None,
                "summary": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        if key:
            self._by_name.setdefault(key, []).append(pid)
        self._created.add(pid)
        self.created += 1
        self._named.add(pid)
        return pid

    def _fill_name(self, pid: int, first: str | None, last: str | None) -> None:
        """Give a name to a person first seen without one (e.g. only a profile URL)."""
        self._named.add(pid)
        values = {
            "display_name": display_name(first, last)[:300],
            "first_name": (first or "").strip() or None,
            "last_name": (last or "").strip() or None,
            "name_key": name_key(first, last)[:300],
            "updated_at": utcnow(),
        }
        queued = self.writer.queued_person(pid)
        if queued is not None:
            if not (queued["first_name"] or queued["last_name"]):
                self.writer.amend_person(queued, values)
            return
        named = self.conn.execute(
            select(Person.first_name.is_not(None) | Person.last_name.is_not(None)).where(
                Person.id == pid
            )
        ).scalar()
        if not named:
            self.conn.execute(update(Person).where(Person.id == pid).values(**values))


class _Barred:
    """Persons a name may not match: those of ``exclude``, and the member if given."""

    __slots__ = ("exclude", "member")

    def __init__(self, exclude: Collection[int], member: int | None):
        self.exclude = exclude
        self.member = member

    def __contains__(self, pid: int) -> bool:
        return pid == self.member or pid in self.exclude


def _split_full_name(full: str) -> tuple[str, str]:
    """``"Lane Northcote Holloway, MBA"`` → ``("Lane", "Northcote Holloway, MBA")``."""
    base, creds = split_credentials(full.strip())
    parts = base.split(" ", 1)
    first = parts[0]
    last = parts[1] if len(parts) > 1 else ""
    if creds:
        last = ", ".join([last, *creds]) if last else ", ".join(creds)
    return first, last


class OrgResolver:
    """Find or create organisations by normal form, keeping every spelling as an alias."""

    def __init__(
        self,
        conn: Connection,
        writer: BatchWriter | None = None,
        clipped: Counter[str] | None = None,
    ):
        self.conn = conn
        self.writer = writer or BatchWriter(conn)
        # names cut to their column's length, for the import's warnings
        self.clipped: Counter[str] = Counter() if clipped is None else clipped
        self._by_norm: dict[tuple[str, str], int] = {}
        self._aliases: set[tuple[str, str]] = set()
        self.names: dict[int, str] = {}  # organisations created by this import
        self.created = 0
        for org_id, kind, alias, norm in conn.execute(
            select(OrgAlias.organization_id, OrgAlias.kind, OrgAlias.alias, OrgAlias.norm_alias)
        ):
            self._by_norm.setdefault((kind, norm), org_id)
            self._aliases.add((kind, alias))

    def resolve(self, name: str | None, kind: str = "organization") -> int | None:
        raw = " ".join((name or "").split())
        if not raw:
            return None
        norm = org_key(raw)
        org_id = self._by_norm.get((kind, norm))
        if org_id is None:
            org_id = self.writer.new_row(
                table_of(Organization),
                {
                    "name": raw[:300],
                    "norm_name": norm[:300],
                    "kind": kind,
                    "industry": None,
                    "location": None,
                    "created_at": utcnow(),
                },
            )
            self._by_norm[(kind, norm)] = org_id
            self.names[org_id] = raw
            self.created += 1
        if (kind, raw) not in self._aliases:
            if len(raw) > 300:  # each spelling cut once, as names and titles are
                self.clipped["organisation name over 300 characters"] += 1
            self.writer.add(
                table_of(OrgAlias),
                {
                    "organization_id": org_id,
                    "kind": kind,
                    "alias": raw[:300],
                    "norm_alias": norm[:300],
                },
            )
            self._aliases.add((kind, raw))
        return org_id


def as_date(value: dt.datetime | dt.date | None) -> dt.date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def same_text(a: str | None, b: str | None) -> bool:
    return fold(a or "") == fold(b or "")
