"""The synthetic world: records, ground truth and the look-ups tests need.

Small collections (organisations, people, positions, ties) are lists of frozen
dataclasses whose ``id`` is their index in the list. Bulk traces (messages,
endorsements) are parallel numpy arrays: a 2,000-person world holds about a
million message rows, which Python objects would make slow.

Times: dates are :class:`datetime.date`; trace timestamps are ``int64`` Unix seconds
(UTC). A date ``d`` used as a cut-off means "up to the end of that day, UTC": a
message belongs to an export dated ``d`` when ``ts < day_end(d)``.

Tie classes (ground truth, as of ``World.end``):

- ``strong``  -- frequent, recent (a message within the last 60 days) and reciprocal;
- ``weak``    -- occasional contact, at least once in the last three years;
- ``dormant`` -- was strong or weak (``active_class``) but no message in the last
  three years (Levin, Walter & Murnighan 2011 use the same three-year threshold);
- ``nominal`` -- connected, never a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

import numpy as np

OrgKind = Literal["company", "school"]
PositionKind = Literal["job", "study"]
Basis = Literal["colleague", "alumni", "group", "random", "mutual"]
TieClass = Literal["strong", "weak", "dormant", "nominal"]

BASES: tuple[Basis, ...] = ("colleague", "alumni", "group", "random", "mutual")
TIE_CLASSES: tuple[TieClass, ...] = ("strong", "weak", "dormant", "nominal")
DORMANT_DAYS = 3 * 365
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
DAY = 86_400


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return d.toordinal() - EPOCH_ORDINAL


def from_day_number(n: int) -> date:
    return date.fromordinal(int(n) + EPOCH_ORDINAL)


def day_start(d: date) -> int:
    """Unix seconds at 00:00 UTC of ``d``."""
    return day_number(d) * DAY


def day_end(d: date) -> int:
    """Unix seconds at 00:00 UTC of the day after ``d`` (exclusive bound)."""
    return (day_number(d) + 1) * DAY


def to_datetime(ts: int) -> datetime:
    return datetime.fromtimestamp(int(ts), tz=UTC)


@dataclass(frozen=True, slots=True)
class SynthOrg:
    id: int
    name: str
    kind: OrgKind
    industry: str
    location: str
    size: int
    #: For a stem twin ("Martin Consulting" vs "Martin Consulting Group"): the id
    #: of the other, *different* organisation whose stem it shares.
    twin_of: int | None = None


@dataclass(frozen=True, slots=True)
class SynthPerson:
    id: int
    first_name: str
    last_name: str
    slug: str
    email: str
    phone: str
    headline: str
    industry: str
    location: str
    locale: str
    #: The day the person joined the network; no tie is older.
    joined: date = date(2008, 1, 1)
    #: Lets connections download their e-mail address (about 5 % of people).
    shares_email: bool = False

    @property
    def url(self) -> str:
        return f"https://www.linkedin.com/in/{self.slug}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class SynthPosition:
    person: int
    org: int
    title: str
    kind: PositionKind
    start: date
    end: date | None
    #: Department inside the organisation (jobs) or degree name (studies).
    department: str = ""
    degree: str = ""

    def active_on(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)


@dataclass(frozen=True, slots=True)
class SynthGroup:
    id: int
    name: str
    industry: str
    location: str


@dataclass(frozen=True, slots=True)
class SynthMembership:
    person: int
    group: int
    since: date


@dataclass(frozen=True, slots=True)
class SynthTie:
    a: int
    b: int
    since: date
    basis: Basis
    tie_class: TieClass
    inviter: int
    #: The class while the tie was active: ``strong``/``weak``; ``None`` if nominal.
    active_class: TieClass | None = None
    #: Shared context: org id (colleague, alumni), group id (group), the common
    #: contact's person id (mutual), -1 (random).
    context: int = -1
    #: Last day with possible contact (``World.end`` except for dormant ties).
    active_until: date | None = None

    def other(self, pid: int) -> int:
        return self.b if pid == self.a else self.a


@dataclass(frozen=True, slots=True, eq=False)
class Messages:
    """One row per (message, recipient): a group message has one row per recipient.

    ``msg`` numbers the messages themselves, so ``len(np.unique(msg))`` is the number
    of messages. Rows are sorted by ``(ts, msg, recipient)``.
    """

    msg: np.ndarray
    sender: np.ndarray
    recipient: np.ndarray
    ts: np.ndarray
    conversation: np.ndarray

    def __len__(self) -> int:
        return len(self.msg)


CONV_DIRECT, CONV_GROUP, CONV_INMAIL = 0, 1, 2


@dataclass(frozen=True, slots=True, eq=False)
class Conversations:
    """``kind[c]`` is CONV_DIRECT (one per messaging tie), CONV_GROUP or CONV_INMAIL."""

    kind: np.ndarray
    titles: dict[int, str]
    members: dict[int, tuple[int, ...]]

    def __len__(self) -> int:
        return len(self.kind)


@dataclass(frozen=True, slots=True, eq=False)
class Endorsements:
    """Parallel arrays; ``skill`` indexes ``World.skill_names``; ``pending`` is bool."""

    endorser: np.ndarray
    endorsee: np.ndarray
    skill: np.ndarray
    ts: np.ndarray
    pending: np.ndarray

    def __len__(self) -> int:
        return len(self.endorser)


@dataclass(frozen=True, slots=True)
class SynthRecommendation:
    recommender: int
    recommendee: int
    text: str
    ts: int


@dataclass(frozen=True, slots=True)
class SynthFollow:
    org: int
    since: int  # unix seconds


@dataclass(frozen=True, eq=False)
class World:
    """A generated world. Ids are list positions: ``people[i].id == i``, same for orgs
    (companies first, then schools) and groups.

    ``skills`` maps a person to skill names, ``follows`` a person to the companies
    they follow (oldest first). ``conversations`` describes ``messages.conversation``.
    Look-ups (:meth:`ties_of`, :meth:`tie`, :meth:`current_position`,
    :meth:`true_class`) build their indexes on first use.
    """

    seed: int
    start: date
    end: date
    locales: tuple[str, ...]
    orgs: list[SynthOrg]
    people: list[SynthPerson]
    positions: list[SynthPosition]
    groups: list[SynthGroup]
    memberships: list[SynthMembership]
    ties: list[SynthTie]
    messages: Messages
    conversations: Conversations
    endorsements: Endorsements
    recommendations: list[SynthRecommendation]
    skill_names: tuple[str, ...]
    skills: dict[int, tuple[str, ...]]
    follows: dict[int, tuple[SynthFollow, ...]]
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    # -- look-ups -------------------------------------------------------------------

    def person(self, pid: int) -> SynthPerson:
        return self.people[pid]

    def _tie_index(self) -> tuple[dict[tuple[int, int], int], list[list[int]]]:
        if "ties" not in self._cache:
            by_pair: dict[tuple[int, int], int] = {}
            by_person: list[list[int]] = [[] for _ in self.people]
            for k, t in enumerate(self.ties):
                by_pair[(t.a, t.b)] = k
                by_person[t.a].append(k)
                by_person[t.b].append(k)
            self._cache["ties"] = (by_pair, by_person)
        return self._cache["ties"]

    def _position_index(self) -> list[list[SynthPosition]]:
        if "positions" not in self._cache:
            per: list[list[SynthPosition]] = [[] for _ in self.people]
            for p in self.positions:
                per[p.person].append(p)
            self._cache["positions"] = per
        return self._cache["positions"]

    def positions_of(self, pid: int, kind: PositionKind | None = None) -> list[SynthPosition]:
        ps = self._position_index()[pid]
        return [p for p in ps if kind is None or p.kind == kind]

    def tie(self, a: int, b: int) -> SynthTie | None:
        if a > b:
            a, b = b, a
        k = self._tie_index()[0].get((a, b))
        return None if k is None else self.ties[k]

    def ties_of(self, pid: int, as_of: date | None = None) -> list[SynthTie]:
        """Ties of ``pid`` that exist on ``as_of`` (``since <= as_of``); all if None."""
        ks = self._tie_index()[1][pid]
        if as_of is None:
            return [self.ties[k] for k in ks]
        return [self.ties[k] for k in ks if self.ties[k].since <= as_of]

    def degree(self) -> np.ndarray:
        """Number of ties per person, at ``World.end``."""
        a = np.fromiter((t.a for t in self.ties), dtype=np.int64, count=len(self.ties))
        b = np.fromiter((t.b for t in self.ties), dtype=np.int64, count=len(self.ties))
        return np.bincount(np.concatenate([a, b]), minlength=len(self.people))

    def current_position(self, pid: int, as_of: date | None = None) -> SynthPosition | None:
        """The job held on ``as_of`` (the latest started if several), else None."""
        d = self.end if as_of is None else as_of
        best: SynthPosition | None = None
        for p in self._position_index()[pid]:
            if p.kind == "job" and p.active_on(d) and (best is None or p.start >= best.start):
                best = p
        return best

    def _pair_times(self) -> dict[tuple[int, int], np.ndarray]:
        """Sorted contact timestamps per tied pair (messages in either direction)."""
        if "pair_times" not in self._cache:
            m = self.messages
            lo = np.minimum(m.sender, m.recipient)
            hi = np.maximum(m.sender, m.recipient)
            order = np.lexsort((m.ts, hi, lo))
            lo, hi, ts = lo[order], hi[order], m.ts[order]
            cut = np.flatnonzero((np.diff(lo) != 0) | (np.diff(hi) != 0)) + 1
            starts = np.concatenate([[0], cut]).tolist()
            ends = [*cut.tolist(), len(lo)]
            lo_l, hi_l = lo.tolist(), hi.tolist()
            self._cache["pair_times"] = {
                (lo_l[s], hi_l[s]): ts[s:e] for s, e in zip(starts, ends, strict=True)
            }
        return self._cache["pair_times"]

    def contact_times(self, a: int, b: int) -> np.ndarray:
        """Sorted timestamps of every message row between ``a`` and ``b``."""
        key = (a, b) if a < b else (b, a)
        return self._pair_times().get(key, np.zeros(0, dtype=np.int64))

    def true_class(self, a: int, b: int, as_of: date | None = None) -> TieClass | None:
        """Ground-truth class of the tie on ``as_of``; None if not tied then.

        At ``World.end`` it is the generated ``tie_class``. At an earlier date it is
        derived the same way the classes are defined: ``nominal`` if no message yet,
        ``dormant`` if the last message is three years old or more, otherwise the
        class the tie had while active.
        """
        t = self.tie(a, b)
        if t is None:
            return None
        if as_of is None or as_of >= self.end:
            return t.tie_class
        if t.since > as_of:
            return None
        times = self.contact_times(a, b)
        n = int(np.searchsorted(times, day_end(as_of)))
        if n == 0:
            return "nominal"
        if int(times[n - 1]) < day_end(as_of) - DORMANT_DAYS * DAY:
            return "dormant"
        return t.active_class or "weak"
