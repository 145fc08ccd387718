"""Opportunities as a member sees them: who can introduce them (and a draft), whom
they reach warmly, people they may know, the feed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from weakties.errors import InputError, NotFoundError
from weakties.records import build, build_list, json_field
from weakties.service.context import Viewer, person_of
from weakties.service.network import PersonRef
from weakties.service.social import shown_reader
from weakties.store.reader import Reader

__all__ = [
    "Draft",
    "Feed",
    "Introductions",
    "OrgReach",
    "PathRecord",
    "Suggestion",
    "SuggestionList",
    "SuggestionsAll",
    "WarmReach",
    "draft",
    "feed",
    "introductions",
    "org_reach",
    "suggest",
    "suggest_all",
    "suggestions",
    "target_spec",
    "warm_reach",
]


@dataclass(frozen=True, slots=True)
class RelationRef:
    """How one person knows the next: "worked with Ann Roy at Acme 2019–2022"."""

    kind: str
    text: str
    org: str | None = None
    start: int | None = json_field("from", None)
    end: int | None = json_field("to", None)


@dataclass(frozen=True, slots=True)
class TargetRef:
    id: int
    name: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class BrokerRef:
    id: int
    name: str | None
    tie: str
    tie_score: float | None
    exchanges_this_year: int | None
    mutual_contacts: int


@dataclass(frozen=True, slots=True)
class ViaRef:
    id: int
    name: str | None
    relation: RelationRef


@dataclass(frozen=True, slots=True)
class PathRecord:
    """One introduction path, scored and explained (``broker`` None: the viewer
    knows the target directly)."""

    rank: int
    length: int
    target: TargetRef
    status: str
    score: float
    ask: float
    onward: float
    weakest_link: float
    novelty: float
    only_way: bool
    freshness: float
    why: str
    broker: BrokerRef | None = None
    via: ViaRef | None = None
    relation: RelationRef | None = None


@dataclass(frozen=True, slots=True)
class IntroSummary:
    targets: int
    targets_in_network: int
    targets_known_directly: int
    second_degree: int
    third_degree: int
    paths: int
    paths_by_length: dict[str, int]
    brokers: int


@dataclass(frozen=True, slots=True)
class Introductions:
    """Who can introduce the viewer to a target, best first."""

    viewer: str
    target: str
    purpose: str
    as_of: str
    summary: IntroSummary
    direct: list[PathRecord]
    paths: list[PathRecord]
    inferred_ties: bool
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    id: int
    name: str | None
    first_name: str
    org: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class SharedPlaces:
    you_and_broker: list[str]
    broker_and_target: list[str]
    you_and_target: list[str]


@dataclass(frozen=True, slots=True)
class DraftContext:
    """What the viewer, the broker and the target share."""

    viewer: Card
    broker: Card
    target: Card
    via: Card | None
    how_the_broker_knows_them: RelationRef
    how_you_know_the_broker: RelationRef
    shared: SharedPlaces
    tie: str
    days_since_contact: float | None
    purpose: str
    org: str | None


@dataclass(frozen=True, slots=True)
class Draft:
    """The context of a request and a short, personal draft (nothing is sent)."""

    context: DraftContext
    draft: str
    lang: str
    path_score: float


@dataclass(frozen=True, slots=True)
class ReachBroker:
    id: int
    name: str | None
    tie: str
    knows_there: int


@dataclass(frozen=True, slots=True)
class OrgReach:
    """Who at one organisation the viewer can reach, and through whom."""

    org: str | None
    org_id: int
    people_there: int
    in_your_network: int
    known_directly: int
    brokers: int
    strong_brokers: int
    second_degree: int
    third_degree: int
    text: str
    top_brokers: list[ReachBroker]
    direct: list[PersonRef]


@dataclass(frozen=True, slots=True)
class WarmOrg:
    id: int
    name: str
    industry: str | None
    reachable: int
    warm: int
    warmth: float


@dataclass(frozen=True, slots=True)
class WarmGroup:
    name: str
    reachable: int
    warm: int
    warmth: float


@dataclass(frozen=True, slots=True)
class WarmReach:
    """The organisations, industries and locations the viewer reaches warmly."""

    viewer: str
    warm_at: float
    people_within_two_steps: int
    warm_people: int
    organisations: list[WarmOrg]
    industries: list[WarmGroup]
    locations: list[WarmGroup]
    organisation_entropy_bits: float
    computed_from: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Someone the viewer may know, and why."""

    id: int
    name: str | None
    score: float
    mutual_contacts: int
    why: str


@dataclass(frozen=True, slots=True)
class SuggestionList:
    """The viewer's people you may know, the method that ranked them, and when
    there are none, why (``none_because``: what is missing, how to get it)."""

    viewer: str
    as_of: str
    method: str
    suggestions: list[Suggestion]
    none_because: str | None = None


@dataclass(frozen=True, slots=True)
class SuggestionsAll:
    """Everyone's suggestions by name — the operator's whole database, or what one
    member may list — and the method that ranked them (``learned``: the fitted
    ranker; else the heuristic, e.g. ``katz``)."""

    viewer: str
    operator: bool
    as_of: str
    method: str
    suggestions: dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One piece of news and the polite thing to do about it."""

    kind: str
    date: str | None
    person_id: int
    person: str | None
    org: str | None
    org_id: int | None
    text: str
    action: str
    priority: float
    event_id: int | None = None
    broker_id: int | None = None
    broker: str | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    """The viewer's opportunity feed, highest priority first."""

    viewer: str
    as_of: str
    days: int
    watched: dict[str, str]
    total: int
    items: list[FeedItem]
    note: str | None = None


def target_spec(
    r: Reader,
    to: str | None,
    *,
    industry: str | None = None,
    skill: str | None = None,
    location: str | None = None,
    group: str | None = None,
    former: bool = False,
) -> Any:
    """What the viewer wants to reach, from what they typed."""
    from weakties.opportunity.targets import TargetSpec, resolve_to

    spec = resolve_to(r, to) if to else TargetSpec()
    return TargetSpec(
        org_ids=spec.org_ids,
        person_id=spec.person_id,
        group_id=r.find_org(group) if group else None,
        industry=industry,
        skill=skill,
        location=location,
        former=former,
    )


def introductions(
    conn: Connection,
    who: Viewer,
    to: str | None = None,
    *,
    industry: str | None = None,
    skill: str | None = None,
    location: str | None = None,
    group: str | None = None,
    former: bool = False,
    purpose: str = "job",
    limit: int = 10,
    per_broker: int | None = 1,
    inferred: bool = True,
    net: Any = None,
    pick: Any = None,
) -> Introductions:
    """Who can introduce the viewer to an organisation or a person (or everyone
    matching an industry, a skill, a location or a group), ranked and explained
    (only the paths ``pick`` keeps, if given: see
    :func:`weakties.opportunity.intro.introductions`)."""
    from weakties.opportunity.intro import introductions as find

    person_of(who)
    r = shown_reader(conn, who)
    spec = target_spec(
        r, to, industry=industry, skill=skill, location=location, group=group, former=former
    )
    found = find(
        r,
        spec,
        purpose=purpose,
        limit=limit,
        per_broker=per_broker,
        as_of=who.as_of,
        inferred=inferred,
        net=net,
        pick=pick,
    )
    return build(Introductions, {"viewer": who.label, "note": who.note, **found})


def draft(
    conn: Connection,
    who: Viewer,
    broker: str,
    target: str,
    *,
    purpose: str = "job",
    lang: str = "en",
    reason: str | None = None,
    net: Any = None,
    check: Any = None,
) -> Draft:
    """The context of a request to ``broker`` for ``target`` (a person, or an
    organisation: the person there the broker's best path reaches) and a
    personal draft.

    Raises
    ------
    NotFoundError
        When no path of at most three steps goes through the broker to the target.
    """
    from weakties.opportunity.intro import draft_for

    person_of(who)
    r = shown_reader(conn, who)
    b = r.find_person(broker)
    t = _person_or_people_at(r, target)
    found = draft_for(
        r, b, t, purpose=purpose, lang=lang, reason=reason, as_of=who.as_of, net=net, check=check
    )
    return build(Draft, found)


def _person_or_people_at(r: Any, target: str) -> int | list[int]:
    """``--for`` as typed: a person (``#id``, name, ...) first; else (or with
    ``org:``) the people the viewer may name at an organisation."""
    from weakties.opportunity.targets import resolve_targets, resolve_to

    if not target.strip().startswith("org:"):
        try:
            return int(r.find_person(target))
        except NotFoundError:
            pass
    spec = resolve_to(r, target)
    if spec.person_id is not None:
        return spec.person_id
    found = resolve_targets(r, spec).person_ids
    if not found:
        raise NotFoundError(f"nobody you can see works at {target!r}")
    return found


def draft_text(
    conn: Connection, who: Viewer, broker: int, target: int, *, purpose: str, lang: str
) -> str | None:
    """The draft's words for an ask, or None when no visible path goes through the
    broker to the target (the ask is then checked and recorded without one)."""
    from weakties.opportunity.intro import draft_for

    try:
        found = draft_for(shown_reader(conn, who), broker, target, purpose=purpose, lang=lang)
    except NotFoundError:
        return None
    return str(found["draft"])


def org_reach(conn: Connection, who: Viewer, org: str | int, *, net: Any = None) -> OrgReach:
    """Who at one organisation the viewer can reach, and through whom."""
    from weakties.opportunity.reach import org_reach as reach

    person_of(who)
    r = shown_reader(conn, who)
    org_id = org if isinstance(org, int) else r.find_org(org)
    return build(OrgReach, reach(r, org_id, net=net))


def warm_reach(conn: Connection, who: Viewer, *, top: int = 15) -> WarmReach:
    """The organisations, industries and locations the viewer reaches warmly, ranked."""
    from weakties.opportunity.reach import warm_reach as reach

    person_of(who)
    return build(WarmReach, {"viewer": who.label, **reach(shown_reader(conn, who), top=top)})


def suggest(
    conn: Connection, who: Viewer, *, top: int = 10, method: str = "auto", fit: bool = False
) -> list[Suggestion]:
    """People the viewer may know. ``auto``: the ranker fitted on the viewer's
    history when it allows one (``learned``), else Katz's index: the heuristic
    chosen on real data's development cuts (evaluation/results/default_choice.md);
    the fitted ranker is ahead of it on the later cuts (evaluation/results/rolling.md).

    The ranker is the member's kept fit when it serves the date
    (:func:`weakties.ties.learned.serving_fit`); with ``fit`` (the command
    line) one is fitted when none does. Pages and the API never fit."""
    return _suggest(conn, who, top=top, method=method, fit=fit)[1]


def _suggest(
    conn: Connection, who: Viewer, *, top: int, method: str, fit: bool
) -> tuple[str, list[Suggestion]]:
    """The method that ranked, and the suggestions (see :func:`suggest`)."""
    from weakties.opportunity.suggest import suggest_for

    person_of(who)
    if method in ("auto", "learned"):
        learned = _learned_suggestions(conn, who, top, required=method == "learned", fit=fit)
        # the ranker has nothing for someone it does not read: auto falls back
        if learned is not None and (learned or method == "learned"):
            return "learned", build_list(Suggestion, learned)
        method = "katz"
    rows = suggest_for(shown_reader(conn, who), top=top, method=method, as_of=who.as_of)
    return method, build_list(Suggestion, rows)


def suggestions(
    conn: Connection, who: Viewer, *, top: int = 10, method: str = "auto", fit: bool = False
) -> SuggestionList:
    """:func:`suggest`, with the method that ranked and, when nobody is
    suggested, why (from the ties the viewer may list as of the date): no
    connection yet, no second degree known (one's own export holds one's
    contacts, not whom they know), everyone already a contact, or nobody beyond
    the contacts linked through them."""
    from weakties.opportunity.suggest import link_data_from_store, why_none

    used, found = _suggest(conn, who, top=top, method=method, fit=fit)
    because = None
    if not found:
        data = link_data_from_store(shown_reader(conn, who), as_of=who.as_of, traces=False)
        because = why_none(data, person_of(who))
    return SuggestionList(who.label, who.when.date().isoformat(), used, found, because)


def _learned_ranking(conn: Connection, who: Viewer, *, required: bool, fit: bool) -> Any:
    """The fitted ranker and the network it ranks, or None (with ``required``: an
    error saying why there is no fit)."""
    from weakties.opportunity.pymk_model import places_at
    from weakties.service.models import fitted_for
    from weakties.ties.history import network_at

    found = fitted_for(conn, who, who.when, places=True, fit=fit)
    if found is None:
        if required:
            raise InputError(
                "no ranker fitted for this date yet: weakties model fit (or weakties suggest) "
                "fits one"
            )
        return None
    fitted, history = found
    if fitted.pymk is None:
        if required:
            raise InputError(
                "no ranker fitted on this history: "
                + fitted.notes.get("pymk", "not enough history")
            )
        return None
    net = network_at(history.traces.conversations(), history.when, ties=history.ties)
    return fitted.pymk, net, places_at(net, history.spans)


def _learned_suggestions(
    conn: Connection, who: Viewer, top: int, *, required: bool, fit: bool
) -> list[dict[str, Any]] | None:
    from weakties.opportunity.pymk_model import rank, why

    found = _learned_ranking(conn, who, required=required, fit=fit)
    if found is None:
        return None
    import numpy as np

    model, net, places = found
    r = shown_reader(conn, who)
    me = int(net.index(np.array([person_of(who)]))[0])
    if me < 0:
        return []
    shown = r.people("names")
    allowed = None if shown is None else np.isin(net.people, np.fromiter(shown, np.int64))
    ((cols, scores, x),) = rank(model, net, np.array([me]), top, places=places, allowed=allowed)
    ids = [int(p) for p in net.people[cols]]
    names = r.names(ids)
    return [
        {
            "id": pid,
            "name": names.get(pid),
            "score": round(float(score), 4),
            "mutual_contacts": int(x["cn"][j]),
            "why": "; ".join(why(model, x, j)) or "the fitted ranker's pick",
        }
        for j, (pid, score) in enumerate(zip(ids, scores.tolist(), strict=True))
    ]


def suggest_all(
    conn: Connection, who: Viewer, *, top: int = 10, method: str = "auto", fit: bool = False
) -> SuggestionsAll:
    """Everyone's suggestions (by name), from the ties and traces before the date:
    the whole database for the operator, what one member may list for a member.
    People who appear later are not known yet: listing them would leak the future.
    ``auto``: the fitted ranker when the history allows one, else Katz's index."""
    from weakties.opportunity.suggest import suggest_all as everyone

    r = shown_reader(conn, who)
    found: dict[int, list[tuple[int, float]]] | None = None
    if method in ("auto", "learned"):
        found = _learned_all(conn, who, top, required=method == "learned", fit=fit)
        method = "learned" if found is not None else "katz"
    if found is None:
        found = everyone(r, as_of=who.as_of, top=top, method=method)
    ids = sorted(set(found) | {p for s in found.values() for p, _ in s})
    names = r.labels(ids)
    return SuggestionsAll(
        who.label,
        who.is_operator,
        who.when.date().isoformat(),
        method,
        {names[p]: [names[q] for q, _ in s if q in names] for p, s in found.items() if p in names},
    )


def _learned_all(
    conn: Connection, who: Viewer, top: int, *, required: bool, fit: bool
) -> dict[int, list[tuple[int, float]]] | None:
    from weakties.opportunity.pymk_model import rank

    found = _learned_ranking(conn, who, required=required, fit=fit)
    if found is None:
        return None
    import numpy as np

    model, net, places = found
    rows = np.arange(net.n)
    ranked = rank(model, net, rows, top, places=places)
    return {
        int(net.people[r]): [
            (int(net.people[c]), float(s)) for c, s in zip(cols, scores, strict=True)
        ]
        for r, (cols, scores, _x) in zip(rows.tolist(), ranked, strict=True)
    }


def feed(conn: Connection, who: Viewer, *, days: int = 90, limit: int | None = 30) -> Feed:
    """The viewer's opportunity feed: moves, dormant ties at their targets, new ways in."""
    from weakties.opportunity.feed import opportunity_feed

    person_of(who)
    found = opportunity_feed(shown_reader(conn, who), as_of=who.as_of, days=days, limit=limit)
    return build(Feed, {"viewer": who.label, "note": who.note, **found})
