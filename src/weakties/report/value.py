"""The network value report: what a member's network is worth, computed once.

Sections (each number says what it counts and from which data):

- size and classes: ties per class (strong / weak / dormant / nominal) and per
  Dunbar layer, with the typical contact frequency observed in each layer;
- reach: exact 2nd- and 3rd-degree counts through the ties other members share
  (pooled), and through inferred ties too;
- diversity: organisations, industries and locations of the first degree, with
  Shannon entropy (bits) and evenness;
- brokerage: Burt's constraint, effective size, efficiency and hierarchy of the
  member in their ego network;
- circles: the communities of the ego network, and the brokers who are the
  member's only way to people (second-degree people reached through one
  contact only);
- dormant ties worth reconnecting (formerly strongest first), decaying ties
  (strength a year ago vs now), reciprocity of services (given vs received);
- change since the previous report.

Rendering: :mod:`weakties.report.text` (terminal) and :mod:`weakties.report.html` (a
self-contained page); JSON is :func:`weakties.records.to_json` of the typed
report (:mod:`weakties.report.model`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

from weakties.graph import Graph, constraint, effective_size, efficiency, hierarchy
from weakties.graph.communities import ego_communities
from weakties.model.kinds import PEOPLE_ORIGINS, SOCIAL_TIE_SOURCES
from weakties.records import build
from weakties.report.model import NetworkReport
from weakties.ties.strength import DUNBAR_LAYERS, ModelChoice, TieScores, score_ties
from weakties.words import counted

if TYPE_CHECKING:
    from collections.abc import Iterable

    from weakties.store.read_ties import Moment
    from weakties.store.reader import Reader

__all__ = ["FIGURES", "figure_people", "network_headline", "network_report", "read_ties"]

DAY = 86400.0
#: how far back the decaying ties look: strong then, weaker since
DECAY_SPAN = dt.timedelta(days=365)
#: a field (employer, industry, location) says something of the first degree when
#: it is known for at least this share of it
MOST = 0.5
#: brokerage and circles say something when most of the contacts have a known
#: tie to another contact: with ties among a few only, every other contact looks
#: like a circle of their own and the member like a broker between them
TIES_AMONG = MOST
#: the circles a report lists at most
CIRCLES_SHOWN = 12
#: the figures whose people :func:`figure_people` lists
FIGURES = ("second_degree", "third_degree", "only_way_in", "circle")
POOL = (
    "ask a colleague to pool their export in this database (weakties import linkedin "
    "THEIR_EXPORT --as THEM, sharing names), or infer ties from shared employers, schools "
    "and threads (weakties ties infer)"
)


def _entropy(counter: Counter[str]) -> dict[str, Any]:
    total = sum(counter.values())
    if not total:
        return {"distinct": 0, "entropy_bits": 0.0, "evenness": 0.0, "top": []}
    shares = np.array([n / total for n in counter.values()])
    bits = float(-(shares * np.log2(shares)).sum())
    evenness = bits / math.log2(len(counter)) if len(counter) > 1 else 0.0
    return {
        "distinct": len(counter),
        "entropy_bits": round(bits, 3),
        "evenness": round(evenness, 3),
        "top": [{"name": k, "people": n} for k, n in counter.most_common(8)],
    }


def _no_layers(counts: Counter[str]) -> str:
    """Why no tie is in a Dunbar layer: the layers hold the connections one is in
    touch with (strong and weak ties), and there is none."""
    current = int(counts.get("strong", 0)) + int(counts.get("weak", 0))
    if current:
        why = (
            f"the {counted(current, 'person', 'people')} you are in touch with "
            f"{'is' if current == 1 else 'are'} not among your connections (you only "
            "exchanged messages)"
        )
    elif counts.get("dormant"):
        why = "every tie you were in touch with is dormant (no contact for three years)"
    else:
        why = "you are in touch with none of your ties"
    return (
        "not enough data: the layers hold the connections you are in touch with (strong "
        f"and weak ties), and {why} — import your connections (weakties import linkedin "
        "with the export's Connections.csv) or your address book (weakties import contacts), "
        "and your mail (weakties import mbox) for contact with them"
    )


def _classes(scores: TieScores) -> dict[str, Any]:
    counts = Counter(scores.classes.tolist())
    per_year = scores.table.values["contacts_last_year"]
    layers = []
    assert scores.layer is not None
    for size in DUNBAR_LAYERS:
        inside = scores.layer == size
        if not inside.any():
            continue
        layers.append(
            {
                "layer": size,
                "ties": int(inside.sum()),
                "median_contacts_last_year": float(np.median(per_year[inside])),
            }
        )
    in_touch = sum(int(counts.get(k, 0)) for k in ("strong", "weak", "dormant"))
    return {
        "layers_missing": None if layers else _no_layers(counts),
        "basis": "every tie of yours and everyone you were in touch with, scored as of the date",
        "needs": "contact with your ties: messages, e-mails, meetings or calls",
        "missing": None
        if in_touch
        else (
            "not enough data: no message, e-mail, meeting or call with anyone before the "
            "date, so every tie is nominal — the Complete export's messages.csv has your "
            "LinkedIn messages; add your mail (weakties import mbox) or calendar "
            "(weakties import ics)"
        ),
        "counts": {k: int(counts.get(k, 0)) for k in ("strong", "weak", "dormant", "nominal")},
        "strong_from": scores.strong_lines,
        "layers": layers,
        "layers_caveat": (
            "Dunbar's layers (5, 15, 50, 150, 500, 1500, 5000) are filled by rank of tie "
            "strength with the connections you are in touch with, the 5 and the 15 with "
            "strong ties only (a weak tie is in the 50 or further out; dormant and "
            "nominal ties and people you only exchanged messages with are in none): "
            "they describe your network, they prove nothing — a ratio near 3 between "
            "layers also appears in random heavy-tailed data."
        ),
    }


def _reach(
    reader: Reader, me_person: int, past: dt.datetime | None, with_inferred: Graph
) -> dict[str, Any]:
    declared = Graph.from_store(reader, sources=SOCIAL_TIE_SOURCES, as_of=past, orgs=False)
    out: dict[str, Any] = {}
    for label, g in (("declared", declared), ("with_inferred", with_inferred)):
        me = g.node_of(me_person)
        dist = g.bfs(me, max_hops=3)
        out[label] = {
            "first_degree": int((dist == 1).sum()),
            "second_degree": int((dist == 2).sum()),
            "third_degree": int((dist == 3).sum()),
        }
    if past is None:
        _, counted_only = reader.degrees()
    else:
        # the same count as the network stood then: second degree through ties
        # one may count, beyond those one may name
        counting = Graph.from_store(
            reader, level="counts", sources=SOCIAL_TIE_SOURCES, as_of=past, orgs=False
        )
        dist = counting.bfs(counting.node_of(me_person), max_hops=2)
        counted_only = max(int((dist == 2).sum()) - out["declared"]["second_degree"], 0)
    out["basis"] = (
        "declared: your connections and address book plus the connections other members "
        "share by name; with_inferred: adds colleague, classmate and co-recipient ties "
        "inferred from the data (weakties ties infer)"
    )
    out["second_degree_counted_only"] = counted_only
    out["needs"] = "ties of your contacts: other members' pooled data, or inferred ties"
    beyond = out["declared"]["second_degree"] + out["with_inferred"]["second_degree"] + counted_only
    among = _ties_among(with_inferred, me_person)[0]
    out["missing"] = (
        None
        if beyond
        else (
            "not enough data: your own export holds your contacts only, none of their "
            f"ties — {POOL}"
        )
        if not among
        else (
            "not enough data: the ties known among your contacts "
            f"({counted(among, 'tie', 'ties')}) join people you already know and lead to "
            f"nobody beyond them — {POOL}"
        )
    )
    return out


def _ties_among(g: Graph, me_person: int) -> tuple[int, int, int]:
    """(ties among the member's contacts, contacts with a tie to another contact,
    contacts) in ``g``."""
    contacts = g.neighbors(g.node_of(me_person))
    if not contacts.size:
        return 0, 0, 0
    sub, _ = g.subgraph(contacts)
    return int(sub.n_edges), int((np.diff(sub.indptr) > 0).sum()), int(contacts.size)


def _diversity(reader: Reader, first: list[int], past: dt.datetime | None) -> dict[str, Any]:
    jobs = reader.current_jobs(first)
    orgs: Counter[str] = Counter()
    for entries in jobs.values():
        for job in entries[:1]:
            if job["org"]:
                orgs[job["org"]] += 1
    industries: Counter[str] = Counter()
    locations: Counter[str] = Counter()
    for industry in reader.person_fields(first, "industry").values():
        if industry:
            industries[industry] += 1
    for location in reader.person_fields(first, "location").values():
        if location:
            locations[location] += 1
    basis = "current employer, industry and location of your first degree, where known"
    if past is not None:
        basis += (
            f" (today's, not those of {past.date().isoformat()}: contacts' jobs are "
            "mostly read from connection lists, without dates)"
        )
    spreads = {}
    words = {"organisations": "employer", "industries": "industry", "locations": "location"}
    how = {
        "organisations": "the connections list gives each connection's company",
        "industries": (
            "LinkedIn's export has no industry for connections; people's industries come "
            "from address books, pooled exports and platform profiles"
        ),
        "locations": (
            "LinkedIn's export has no location for connections; it comes from address "
            "books, pooled exports and platform profiles"
        ),
    }
    for key, counter in (
        ("organisations", orgs),
        ("industries", industries),
        ("locations", locations),
    ):
        known = sum(counter.values())
        spread = _entropy(counter)
        spread["missing"] = (
            None
            if first and known >= MOST * len(first)
            else (
                f"not enough data: {words[key]} known for {known:,} of {len(first):,} "
                f"contacts (a spread needs most of them) — {how[key]}"
            )
        )
        spreads[key] = spread
    return {
        "basis": basis,
        "needs": "the employer, industry or location of most of your first degree",
        "missing": None
        if first
        else "not enough data: no first degree yet — import your connections",
        "known": {
            "organisations": sum(orgs.values()),
            "industries": sum(industries.values()),
            "locations": sum(locations.values()),
            "of": len(first),
        },
        **spreads,
    }


def _brokerage(g: Graph, me_person: int) -> dict[str, Any]:
    me = g.node_of(me_person)
    values = {
        "constraint": float(constraint(g, nodes=me)[me]),
        "effective_size": float(effective_size(g, nodes=me)[me]),
        "efficiency": float(efficiency(g, nodes=me)[me]),
        "hierarchy": float(hierarchy(g, nodes=me)[me]),
    }
    ties_among, linked, n_contacts = _ties_among(g, me_person)
    enough = n_contacts > 0 and linked >= TIES_AMONG * n_contacts
    missing = (
        None
        if enough
        else (
            f"not enough data: ties known among {linked:,} of your {n_contacts:,} "
            "contacts (a verdict needs them among most) — a single export lists your "
            "contacts, not whom they know, so it cannot tell a broker from a closed "
            f"circle; {POOL}"
        )
    )
    if missing:
        values = dict.fromkeys(values, math.nan)
    return {
        "needs": "known ties among most of your contacts",
        "missing": missing,
        "basis": (
            "Burt's measures on your ego network: your contacts and the ties among them "
            f"that are known ({ties_among:,} ties among {n_contacts:,} contacts, "
            "pooled and inferred)"
        ),
        **{k: (round(v, 4) if not math.isnan(v) else None) for k, v in values.items()},
        "reading": (
            "low constraint and high efficiency: your contacts do not know each other, you "
            "broker between circles; high constraint: a closed circle"
        ),
    }


def _shown_circles(g: Graph, me_person: int) -> tuple[list[np.ndarray], bool]:
    """The circles a report lists (nodes of ``g``, largest first) and whether
    enough ties are known among the contacts to show them at all."""
    me = g.node_of(me_person)
    # a circle of one is not a circle: someone who knows none of your other contacts
    groups = [x for x in ego_communities(g, me) if x.size >= 2][:CIRCLES_SHOWN]
    _, linked, n_contacts = _ties_among(g, me_person)
    return groups, bool(groups) and linked >= TIES_AMONG * n_contacts


def figure_people(
    reader: Reader,
    figure: str,
    *,
    as_of: dt.datetime | None = None,
    inferred: bool = False,
    circle: int | None = None,
) -> list[int]:
    """The people a figure of :func:`network_report` counts (person ids), read
    from the same graphs by the same rules, so that their number is the figure:

    - ``second_degree``, ``third_degree``: the reach at two or three hops, over
      the declared ties (``reach.declared``) or, with ``inferred``, every tie
      (``reach.with_inferred``);
    - ``only_way_in``: the second-degree people reached through one contact only
      (``circles.only_way_in.people``);
    - ``circle``: the contacts in the report's circle number ``circle`` (1 is the
      first listed; ``circles.circles[circle - 1].size``).

    Raises
    ------
    ValueError
        An unknown figure, or a circle the report does not list.
    """
    me = reader.scope.person_id
    if me is None:
        raise ValueError("a network report is a member's: give a member's reader")
    if figure not in FIGURES:
        raise ValueError(f"no figure {figure!r} (one of {', '.join(FIGURES)})")
    if figure in ("second_degree", "third_degree"):
        sources = None if inferred else SOCIAL_TIE_SOURCES
        g = Graph.from_store(reader, sources=sources, as_of=as_of, orgs=False)
        dist = g.bfs(g.node_of(me), max_hops=3)
        nodes = np.flatnonzero(dist == (2 if figure == "second_degree" else 3))
    else:
        g = Graph.from_store(reader, as_of=as_of, orgs=False)
        if figure == "only_way_in":
            found, counts = g.mutual_counts(g.node_of(me))
            nodes = found[counts == 1]
        else:
            groups, enough = _shown_circles(g, me)
            if not enough or circle is None or not 1 <= circle <= len(groups):
                raise ValueError(f"the report lists no circle {circle}")
            nodes = groups[circle - 1]
    return [g.person_of(n) for n in nodes.tolist()]


def _why(scores: TieScores, i: int | None) -> dict[str, Any] | None:
    """How pair ``i``'s score adds up, as ``weakties ties --explain`` shows it (the
    same :meth:`~weakties.ties.strength.TieScores.breakdown`, so that the report
    and the explanation cannot disagree); None for no scored pair."""
    if i is None:
        return None
    parts = scores.breakdown(i)
    return {
        "model": scores.model_of(i),
        "score": round(float(parts["score"]), 6),
        "base": parts["base"],
        "log_odds": parts["total"],
        "parts": parts["parts"],
    }


def _index(scores: TieScores) -> dict[int, int]:
    """The viewer's other person -> their pair's row in ``scores``."""
    return {scores.other(i): i for i in range(len(scores))}


def _circles(reader: Reader, g: Graph, me_person: int, scores: TieScores) -> dict[str, Any]:
    me = g.node_of(me_person)
    shown, enough = _shown_circles(g, me_person)
    row = _index(scores)
    strength = {p: float(scores.score[i]) for p, i in row.items()}
    jobs = reader.current_jobs([g.person_of(n) for n in g.neighbors(me).tolist()])
    names = reader.names([g.person_of(n) for n in g.neighbors(me).tolist()])
    circles = []
    for group in shown:
        people = [g.person_of(n) for n in group.tolist()]
        orgs = Counter(jobs[p][0]["org"] for p in people if jobs.get(p) and jobs[p][0]["org"])
        strongest = max(people, key=lambda p: strength.get(p, 0.0))
        circles.append(
            {
                "size": len(people),
                "organisations": [o for o, _ in orgs.most_common(3)],
                "strongest_tie": {
                    "id": strongest,
                    "name": names.get(strongest),
                    "score": round(strength.get(strongest, 0.0), 6),
                    "why": _why(scores, row.get(strongest)),
                },
            }
        )
    nodes, counts = g.mutual_counts(me)
    only = nodes[counts == 1]
    brokers: Counter[int] = Counter()
    first = set(g.neighbors(me).tolist())
    for node in only.tolist():
        for x in g.neighbors(node).tolist():
            if x in first:
                brokers[x] += 1
                break
    broker_ids = [g.person_of(n) for n, _ in brokers.most_common(10)]
    broker_names = reader.names(broker_ids)
    _, linked, n_contacts = _ties_among(g, me_person)
    return {
        "basis": "Leiden communities of your contacts (ties among them pooled and inferred)",
        "needs": "known ties among most of your contacts (a circle is two people or more)",
        "missing": None
        if enough
        else (
            f"not enough data: ties known among {linked:,} of your {n_contacts:,} "
            f"contacts, too few to find circles — {POOL}"
        ),
        "circles": circles if enough else [],
        "only_way_in": {
            "basis": "second-degree people you reach through one contact only",
            "people": int(only.size),
            "brokers": [
                {
                    "id": g.person_of(n),
                    "name": broker_names.get(g.person_of(n)),
                    "people": k,
                    "strength": round(strength.get(g.person_of(n), 0.0), 6),
                    "why": _why(scores, row.get(g.person_of(n))),
                }
                for n, k in brokers.most_common(10)
            ],
        },
    }


def _dormant(reader: Reader, scores: TieScores) -> dict[str, Any]:
    t = scores.table.values
    idx = [i for i in range(len(scores)) if scores.classes[i] == "dormant"]
    idx.sort(key=lambda i: (-t["contacts"][i], -t["active_months"][i]))
    people = [scores.other(i) for i in idx[:15]]
    names = reader.names(people)
    history = _history_days(scores)
    return {
        "basis": "no contact for three years or more, formerly regular; Levin, Walter & "
        "Murnighan (2011): reconnected dormant ties give advice as useful as active ones, "
        "and more novel",
        "needs": "three years or more of contact history",
        "missing": None
        if idx or history >= 3 * 365.25
        else (
            f"not enough data: your contact history goes back {_years(history)}; a tie is "
            "dormant after three years without contact — import older mail (weakties "
            "import mbox) or keep importing your exports over the years"
        ),
        "count": len(idx),
        "worth_reconnecting": [
            {
                "id": p,
                "name": names.get(p),
                "contacts": int(t["contacts"][i]),
                "years_since": round(float(t["days_since_contact"][i]) / 365.25, 1),
                "months_active": int(t["active_months"][i]),
                "why": _why(scores, i),
            }
            for p, i in zip(people, idx[:15], strict=True)
        ],
    }


def _decaying(reader: Reader, scores: TieScores) -> dict[str, Any]:
    # the same model a year earlier (a fit on the history scores that date too)
    before = score_ties(
        reader, as_of=scores.as_of - DECAY_SPAN, model=scores.model, fitted=scores.fit
    )
    then = _index(before)
    strong_then = {before.other(i) for i in range(len(before)) if before.classes[i] == "strong"}
    drops = []
    for i in range(len(scores)):
        p = scores.other(i)
        j = then.get(p)
        if j is None or p not in strong_then:
            continue
        was, now = float(before.score[j]), float(scores.score[i])
        if now < was - 0.15:
            drops.append((was - now, p, was, now, i, j))
    drops.sort(reverse=True)
    names = reader.names([d[1] for d in drops[:15]])
    history = _history_days(scores)
    return {
        "basis": "ties that were strong a year ago and lost more than 0.15 of strength since",
        "needs": "a year or more of contact history",
        "missing": None
        if drops or history >= 365.25
        else (
            f"not enough data: your contact history goes back {_years(history)}; a tie "
            "decays over a year — import older mail (weakties import mbox) or an older export"
        ),
        "count": len(drops),
        "ties": [
            {
                "id": p,
                "name": names.get(p),
                "a_year_ago": round(was, 6),
                "now": round(now, 6),
                "why": _why(scores, i),
                "why_a_year_ago": _why(before, j),
            }
            for _, p, was, now, i, j in drops[:15]
        ],
    }


def _reciprocity(reader: Reader, me: int, as_of: dt.datetime) -> dict[str, Any]:
    given: Counter[int] = Counter()
    received: Counter[int] = Counter()
    kinds: Counter[tuple[str, str]] = Counter()
    for sender, recipient, kind in reader.services(me, as_of):
        weight = 1 if kind == "endorsement" else 3
        if sender == me and recipient is not None:
            given[recipient] += weight
            kinds[("given", kind)] += 1
        elif recipient == me and sender is not None:
            received[sender] += weight
            kinds[("received", kind)] += 1
    owe = sorted(received, key=lambda p: -(received[p] - given.get(p, 0)))[:8]
    owed = sorted(given, key=lambda p: -(given[p] - received.get(p, 0)))[:8]
    names = reader.names(set(owe) | set(owed))
    return {
        "basis": "endorsements (1), recommendations and introductions (3 each), both ways",
        "needs": "endorsements or recommendations given and received",
        "missing": None
        if kinds
        else (
            "not enough data: no endorsement, recommendation or introduction in your data — "
            "they are in LinkedIn's Complete export (Endorsement_Given_Info.csv, "
            "Endorsement_Received_Info.csv, Recommendations_Given.csv, "
            "Recommendations_Received.csv)"
        ),
        "given": {k: n for (d, k), n in kinds.items() if d == "given"},
        "received": {k: n for (d, k), n in kinds.items() if d == "received"},
        "balance": sum(given.values()) - sum(received.values()),
        "you_owe": [
            {"id": p, "name": names.get(p), "balance": received[p] - given.get(p, 0)}
            for p in owe
            if received[p] - given.get(p, 0) > 0
        ],
        "owe_you": [
            {"id": p, "name": names.get(p), "balance": given[p] - received.get(p, 0)}
            for p in owed
            if given[p] - received.get(p, 0) > 0
        ],
    }


def _history_days(scores: TieScores) -> float:
    """Days from the viewer's first contact with anyone to the date (0 without any)."""
    v = scores.table.values
    since_first = v["days_since_contact"] + np.nan_to_num(v["gap_days"]) * np.maximum(
        v["contacts"] - 1, 0
    )
    known = since_first[~np.isnan(since_first)]
    return float(known.max()) if known.size else 0.0


def _years(days: float) -> str:
    if days <= 0:
        return "nowhere (no contact at all)"
    if days < 730:
        return counted(int(days / 30.4), "month", "months")
    return f"{days / 365.25:.1f} years"


def _people(reader: Reader) -> dict[str, Any]:
    counts = {k: len(v) for k, v in reader.people_by_origin().items()}
    return {
        **counts,
        "total": sum(counts.values()),
        "basis": (
            "the people of your own data, each counted once where first found: connections "
            "(as LinkedIn counts them), address-book contacts, people you were in touch with "
            "but not connected to, invitations only, others (endorsements, threads, follows)"
        ),
    }


def _headline(report: dict[str, Any]) -> dict[str, Any]:
    people = report["people"]
    return {
        "ties": sum(report["classes"]["counts"].values()),
        **report["classes"]["counts"],
        "second_degree": report["reach"]["declared"]["second_degree"],
        "third_degree": report["reach"]["declared"]["third_degree"],
        "constraint": report["brokerage"]["constraint"],
        "organisations": report["diversity"]["organisations"]["distinct"],
        **{k: people[k] for k in PEOPLE_ORIGINS},
    }


def _measured(
    reader: Reader, as_of: dt.datetime | None, model: ModelChoice | None
) -> tuple[int, dt.datetime, TieScores, Graph, dict[str, Any]]:
    """What the headline numbers are made of: the viewer's person, the date, the
    scored ties, the graph of every tie as of the date, and the sections
    ``classes``, ``reach``, ``diversity``, ``brokerage`` and ``people``."""
    me = reader.scope.person_id
    if me is None:
        raise ValueError("a network report is a member's: give a member's reader")
    when = as_of or reader.now
    past = as_of
    if model is None:
        scores = score_ties(reader, as_of=when)
    else:
        scores = score_ties(reader, as_of=when, model=model.prior, fitted=model.fitted)
    tied = scores.table.tied if scores.table.tied is not None else np.zeros(len(scores), bool)
    first = [scores.other(i) for i in range(len(scores)) if bool(tied[i])]
    # one graph of every tie (pooled and inferred) serves reach, brokerage and circles;
    # the report's graphs answer questions about people and paths: no
    # organisation index (the employers come from the reader), so no job is read
    # for the ends of every tie (10,000 people on the benchmark platform, per graph)
    g = Graph.from_store(reader, as_of=past, orgs=False)
    sections = {
        "classes": _classes(scores),
        "reach": _reach(reader, me, past, g),
        "diversity": _diversity(reader, first, past),
        "brokerage": _brokerage(g, me),
        "people": _people(reader),
    }
    return me, when, scores, g, sections


def read_ties(
    reader: Reader,
    *,
    report: dt.datetime | None = None,
    headlines: Iterable[dt.datetime | None] = (),
) -> None:
    """Read in one pass the ties that :func:`network_report` at ``report`` and
    :func:`network_headline` at each of ``headlines`` read (see
    :meth:`~weakties.store.reader.Reader.standing_ties`): the network as it
    stood at each date, and the ties the scoring of each date counts mutual
    contacts over — at the date and, for the report's decaying ties, a year
    before it. The reports then read none again.

    Each date's network is the whole network's million ties on a 10,000-member
    platform, read before as text and numbers once per date (the scoring read
    again the ties among the member's contacts at each of three dates): the
    member's dashboard, a report and its comparison with a month before, read
    the tie table five times.
    """
    moments: list[Moment] = []
    for as_of, decaying in ((report, True), *((h, False) for h in headlines)):
        when = as_of or reader.now
        moments += [("rows", as_of), ("pairs", when)]
        if decaying:
            moments.append(("pairs", when - DECAY_SPAN))
    reader.standing_ties("names", moments)


def network_headline(
    reader: Reader, *, as_of: dt.datetime | None = None, model: ModelChoice | None = None
) -> dict[str, Any]:
    """The headline numbers of :func:`network_report` for the same arguments (the
    JSON of its ``headline``), without computing the report's lists (circles,
    dormant and decaying ties, reciprocity): what a comparison of two dates needs.
    """
    _me, _when, _scores, _g, sections = _measured(reader, as_of, model)
    return _headline(sections)


def network_report(
    reader: Reader,
    handle: str,
    *,
    as_of: dt.datetime | None = None,
    previous: dict[str, Any] | None = None,
    model: ModelChoice | None = None,
) -> NetworkReport:
    """The whole report (see the module doc) for the reader's member.

    A report at a past date (``as_of``) is computed from the network as it stood
    then. ``previous`` is a remembered report's ``{"as_of", "headline"}``: when it
    is from before this report's date, the report says what changed since.
    ``model`` scores the ties instead of the member's model for the date
    (:func:`weakties.ties.strength.choose_model`): a comparison of two dates
    by one model.
    """
    read_ties(reader, report=as_of)  # unless read already, with other dates
    me, when, scores, g, report = _measured(reader, as_of, model)
    report.update(
        {
            "member": handle,
            "as_of": when.date().isoformat(),
            "model": scores.model_name,
            "circles": _circles(reader, g, me, scores),
            "dormant": _dormant(reader, scores),
            "decaying": _decaying(reader, scores),
            "reciprocity": _reciprocity(reader, me, when),
        }
    )
    report["headline"] = _headline(report)
    old = previous
    if old is not None and old["as_of"] < report["as_of"]:
        report["change"] = {
            "since": old["as_of"],
            "deltas": {
                k: (
                    None
                    if v is None or old["headline"].get(k) is None
                    else round(v - old["headline"][k], 4)
                )
                for k, v in report["headline"].items()
            },
        }
    return build(NetworkReport, report)
