"""Company and sector reach: "4 of your contacts know 11 people at Acme; 2 of them
strongly", and the organisations, industries and locations the viewer reaches warmly.

*Warmth* of a person within two steps is the strength of the weakest link on
the warmest way to them: their own tie strength for a contact, and for a
second-degree person the best, over the contacts who know them, of
min(viewer-contact, contact-person). A person is reached *warmly* when their
warmth is at least ``WARM_AT`` (a weak but real tie on both links).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np

from weakties.opportunity import _kernels
from weakties.opportunity.intro import target_paths
from weakties.opportunity.network import IntroNetwork, build_network
from weakties.opportunity.targets import TargetSpec

if TYPE_CHECKING:
    from weakties.store.reader import Reader

__all__ = ["WARM_AT", "org_reach", "warm_reach"]

WARM_AT = 0.25


def org_reach(reader: Reader, org_id: int, *, net: IntroNetwork | None = None) -> dict[str, Any]:
    """Who at an organisation the viewer can reach, and through whom."""
    network, targets, paths = target_paths(
        reader, TargetSpec(org_ids=(org_id,)), net=net, max_len=3
    )
    org = reader.org_names([org_id]).get(org_id)
    g = network.graph
    direct = paths.known_directly()
    # brokers: contacts who know someone there the viewer does not know yet
    two = (paths.length == 2) & ~np.isin(paths.target, direct)
    brokers = np.unique(paths.first[two])
    reached2 = np.setdiff1d(np.unique(paths.target[two]), direct)
    reached3 = np.setdiff1d(
        np.unique(paths.target[paths.length == 3]), np.union1d(direct, reached2)
    )
    facts = network.ego.take(brokers)
    strong = brokers[facts["klass"] == "strong"]
    per_broker = Counter(paths.first[two].tolist())
    pid = {int(x): g.person_of(int(x)) for x in np.concatenate([brokers, direct]).tolist()}
    names = reader.names(pid.values())
    ranking = sorted(
        brokers.tolist(),
        key=lambda b: (-per_broker[b], -np.nan_to_num(network.ego.take(np.array([b]))["score"][0])),
    )
    text = (
        f"{_n(brokers.size, 'of your contacts knows', 'of your contacts know')} "
        f"{_n(reached2.size, 'person', 'people')} at {org}; {strong.size} of them strongly."
    )
    if direct.size:
        text += f" You know {_n(direct.size, 'person', 'people')} there yourself."
    if reached3.size:
        text += f" {reached3.size} more {'is' if reached3.size == 1 else 'are'} three steps away."
    return {
        "org": org,
        "org_id": org_id,
        "people_there": targets.total,
        "in_your_network": paths.targets_in_network,
        "known_directly": int(direct.size),
        "brokers": int(brokers.size),
        "strong_brokers": int(strong.size),
        "second_degree": int(reached2.size),
        "third_degree": int(reached3.size),
        "text": text,
        "top_brokers": [
            {
                "id": pid[b],
                "name": names.get(pid[b]),
                "tie": str(network.ego.take(np.array([b]))["klass"][0]),
                "knows_there": per_broker[b],
            }
            for b in ranking[:10]
        ],
        "direct": [{"id": pid[x], "name": names.get(pid[x])} for x in direct.tolist()[:20]],
    }


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _entropy(counter: Counter[str]) -> float:
    total = sum(counter.values())
    if not total:
        return 0.0
    return -sum(c / total * math.log2(c / total) for c in counter.values() if c)


def warm_reach(
    reader: Reader,
    *,
    net: IntroNetwork | None = None,
    top: int = 15,
    warm_at: float = WARM_AT,
) -> dict[str, Any]:
    """The organisations, industries and locations the viewer reaches warmly, ranked."""
    network = net or build_network(reader)
    g = network.graph
    nodes, warmth, _via = _kernels.warmest_reach(g.indptr, g.indices, g.strength, network.viewer)
    warm = warmth >= warm_at
    ids = g.person_ids
    assert ids is not None
    by_org: dict[int, list[float]] = defaultdict(list)
    orgs_of: dict[int, list[int]] = {}  # node -> its organisations
    if g.org_indptr is not None and g.org_indices is not None and g.org_ids is not None:
        for x, w in zip(nodes.tolist(), warmth.tolist(), strict=True):
            held = [
                int(g.org_ids[g.org_indices[k]])
                for k in range(int(g.org_indptr[x]), int(g.org_indptr[x + 1]))
            ]
            orgs_of[x] = held
            for oid in held:
                by_org[oid].append(w)
    info = reader.org_rows(by_org)
    orgs = []
    industries: dict[str, list[float]] = defaultdict(list)
    for oid, values in by_org.items():
        arr = np.asarray(values)
        row = info.get(oid)
        if row is None:
            continue
        orgs.append(
            {
                "id": oid,
                "name": row.name,
                "industry": row.industry,
                "reachable": int(arr.size),
                "warm": int((arr >= warm_at).sum()),
                "warmth": round(float(arr.sum()), 2),
            }
        )
    # a person counts once per industry, however many of its organisations they are at
    for x, w in zip(nodes.tolist(), warmth.tolist(), strict=True):
        fields = {info[oid].industry for oid in orgs_of.get(x, ()) if oid in info}
        for name in fields:
            if name:
                industries[name].append(w)
    orgs.sort(key=lambda o: (-o["warm"], -o["warmth"], o["name"]))
    locations: dict[str, list[float]] = defaultdict(list)
    pids = ids[nodes].tolist()
    where = reader.person_fields(pids, "location")
    for pid, w in zip(pids, warmth.tolist(), strict=True):
        place = where.get(pid)
        if place:
            locations[place].append(w)

    def ranked(groups: dict[str, list[float]]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [
            {
                "name": key,
                "reachable": len(vals),
                "warm": int(sum(v >= warm_at for v in vals)),
                "warmth": round(float(sum(vals)), 2),
            }
            for key, vals in groups.items()
        ]
        rows.sort(key=lambda r: (-r["warm"], -r["warmth"], r["name"]))
        return rows[:top]

    warm_orgs = Counter({o["name"]: o["warm"] for o in orgs if o["warm"]})
    return {
        "warm_at": warm_at,
        "people_within_two_steps": int(nodes.size),
        "warm_people": int(warm.sum()),
        "organisations": orgs[:top],
        "industries": ranked(industries),
        "locations": ranked(locations),
        "organisation_entropy_bits": round(_entropy(warm_orgs), 2),
        "computed_from": (
            "ties you may see by name (declared, pooled from members who share them, and "
            "inferred unless switched off), tie strengths as of " + network.as_of.date().isoformat()
        ),
    }
