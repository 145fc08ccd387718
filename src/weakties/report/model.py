"""The network value report as a typed object: what every renderer takes.

:func:`weakties.report.value.network_report` computes a :class:`NetworkReport`;
:mod:`weakties.report.text` and :mod:`weakties.report.html` render it, and
``weakties report --json`` writes it with :func:`weakties.records.to_json`. Its
JSON form is versioned (:data:`SCHEMA_VERSION`) and described by
``docs/report-schema.json`` (see docs/report-schema.md): a field is only ever
added; renaming or removing one raises the version.
"""

from __future__ import annotations

from dataclasses import dataclass

from weakties.records import json_field

__all__ = [
    "SCHEMA_VERSION",
    "Brokerage",
    "Change",
    "Circles",
    "Classes",
    "Decaying",
    "Diversity",
    "Dormant",
    "Headline",
    "NetworkReport",
    "People",
    "Reach",
    "Reciprocity",
    "ScorePart",
    "ScoreParts",
]

#: the version of the report's JSON form (``schema_version``)
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Headline:
    """The numbers remembered from one report to the next."""

    ties: int
    strong: int
    weak: int
    dormant: int
    nominal: int
    second_degree: int
    third_degree: int
    constraint: float | None
    organisations: int
    # the people of your data as LinkedIn counts them (absent from older reports)
    connections: int | None = None
    address_book: int | None = None
    only_messaged: int | None = None
    invitations: int | None = None
    others: int | None = None


@dataclass(frozen=True, slots=True)
class People:
    """The people of the member's own data, each counted once, in the order
    LinkedIn counts them: connections (the rows of Connections.csv), then
    address-book contacts, people only messaged, invitations, others."""

    connections: int
    address_book: int
    only_messaged: int
    invitations: int
    others: int
    total: int
    basis: str


@dataclass(frozen=True, slots=True)
class Change:
    """What changed since an earlier remembered report (None: not comparable)."""

    since: str
    deltas: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class Layer:
    layer: int
    ties: int
    median_contacts_last_year: float


@dataclass(frozen=True, slots=True)
class Classes:
    """Ties per class and per Dunbar layer."""

    basis: str
    counts: dict[str, int]
    layers: list[Layer]
    layers_caveat: str
    # what the section needs, and "not enough data: ..." (what is missing, how to
    # get it) when the data falls short: the figures then say nothing
    needs: str = ""
    missing: str | None = None
    # "not enough data: ..." when no tie is in a layer (why, and how to get one)
    layers_missing: str | None = None
    # model -> the score from which a tie is strong (a fitted model's line is lower)
    strong_from: dict[str, float] | None = None


@dataclass(frozen=True, slots=True)
class Degrees:
    first_degree: int
    second_degree: int
    third_degree: int


@dataclass(frozen=True, slots=True)
class Reach:
    """Exact 1st, 2nd and 3rd degree, by declared ties and with inferred ones."""

    declared: Degrees
    with_inferred: Degrees
    basis: str
    second_degree_counted_only: int
    # what the section needs, and "not enough data: ..." (what is missing, how to
    # get it) when the data falls short: the figures then say nothing
    needs: str = ""
    missing: str | None = None


@dataclass(frozen=True, slots=True)
class Top:
    name: str
    people: int


@dataclass(frozen=True, slots=True)
class Spread:
    """How spread a field is over the first degree (Shannon entropy, evenness)."""

    distinct: int
    entropy_bits: float
    evenness: float
    top: list[Top]
    missing: str | None = None  # "not enough data: ..." when the field is rarely known


@dataclass(frozen=True, slots=True)
class Known:
    organisations: int
    industries: int
    locations: int
    of: int


@dataclass(frozen=True, slots=True)
class Diversity:
    basis: str
    known: Known
    organisations: Spread
    industries: Spread
    locations: Spread
    # what the section needs, and "not enough data: ..." (what is missing, how to
    # get it) when the data falls short: the figures then say nothing
    needs: str = ""
    missing: str | None = None


@dataclass(frozen=True, slots=True)
class Brokerage:
    """Burt's structural holes of the member in their ego network."""

    basis: str
    constraint: float | None
    effective_size: float | None
    efficiency: float | None
    hierarchy: float | None
    reading: str
    # what the section needs, and "not enough data: ..." (what is missing, how to
    # get it) when the data falls short: the figures then say nothing
    needs: str = ""
    missing: str | None = None


@dataclass(frozen=True, slots=True)
class ScorePart:
    """One input's (or, for a fitted model, one dimension's) signed part of a
    tie's score on the model's log-odds scale, in words (``text``, English) and
    as facts (``key``, ``params``: :mod:`weakties.ties.reasons`)."""

    feature: str
    push: float
    text: str
    key: str
    params: dict[str, float | int]


@dataclass(frozen=True, slots=True)
class ScoreParts:
    """How a listed tie's score adds up, as ``weakties ties --explain`` shows it
    (:meth:`weakties.ties.strength.TieScores.breakdown`): ``base`` plus every
    part's ``push`` is ``log_odds`` (to the hundredth), and ``score`` is
    ``1 / (1 + exp(-log_odds))``; ``model`` is the model that scored it."""

    model: str
    score: float
    base: float
    log_odds: float
    parts: list[ScorePart]


@dataclass(frozen=True, slots=True)
class Strongest:
    id: int
    name: str | None
    score: float
    # how the score adds up (absent from older reports)
    why: ScoreParts | None = None


@dataclass(frozen=True, slots=True)
class Circle:
    size: int
    organisations: list[str]
    strongest_tie: Strongest


@dataclass(frozen=True, slots=True)
class OnlyBroker:
    id: int
    name: str | None
    people: int
    strength: float
    # how the strength adds up (absent from older reports, and for a broker
    # who is no scored tie of yours)
    why: ScoreParts | None = None


@dataclass(frozen=True, slots=True)
class OnlyWayIn:
    basis: str
    people: int
    brokers: list[OnlyBroker]


@dataclass(frozen=True, slots=True)
class Circles:
    basis: str
    circles: list[Circle]
    only_way_in: OnlyWayIn
    # what the section needs, and "not enough data: ..." (what is missing, how to
    # get it) when the data falls short: the figures then say nothing
    needs: str = ""
    missing: str | None = None


@dataclass(frozen=True, slots=True)
class DormantTie:
    id: int
    name: str | None
    contacts: int
    years_since: float
    months_active: int
    # how the tie's score adds up (absent from older reports)
    why: ScoreParts | None = None


@dataclass(frozen=True, slots=True)
class Dormant:
    basis: str
    count: int
    worth_reconnecting: list[DormantTie]
    # what the section needs, and "not enough data: ..." (what is missing, how to
    # get it) when the data falls short: the figures then say nothing
    needs: str = ""
    missing: str | None = None


@dataclass(frozen=True, slots=True)
class DecayingTie:
    id: int
    name: str | None
    a_year_ago: float
    now: float
    # how the score adds up now and a year ago, by the same model: the parts
    # that fell say why it decays (absent from older reports)
    why: ScoreParts | None = None
    why_a_year_ago: ScoreParts | None = None


@dataclass(frozen=True, slots=True)
class Decaying:
    basis: str
    count: int
    ties: list[DecayingTie]
    # what the section needs, and "not enough data: ..." (what is missing, how to
    # get it) when the data falls short: the figures then say nothing
    needs: str = ""
    missing: str | None = None


@dataclass(frozen=True, slots=True)
class Owed:
    id: int
    name: str | None
    balance: int


@dataclass(frozen=True, slots=True)
class Reciprocity:
    basis: str
    given: dict[str, int]
    received: dict[str, int]
    balance: int
    you_owe: list[Owed]
    owe_you: list[Owed]
    # what the section needs, and "not enough data: ..." (what is missing, how to
    # get it) when the data falls short: the figures then say nothing
    needs: str = ""
    missing: str | None = None


@dataclass(frozen=True, slots=True)
class NetworkReport:
    """What a member's network is worth, every section with what it counts."""

    member: str
    as_of: str
    model: str
    headline: Headline
    classes: Classes
    reach: Reach
    diversity: Diversity
    brokerage: Brokerage
    circles: Circles
    dormant: Dormant
    decaying: Decaying
    reciprocity: Reciprocity
    people: People | None = None
    change: Change | None = None
    note: str | None = None
    schema_version: int = json_field("schema_version", SCHEMA_VERSION)
