"""The bar: on the synthetic world, for 50 random (viewer, organisation) pairs, the
paths found equal a brute-force enumeration over the world's true ties as the
viewer may see them (their own, and those of members who share them by name)."""

from collections import defaultdict

import numpy as np
import pytest

from tests.support import viewer_of
from weakties.opportunity.intro import target_paths
from weakties.opportunity.targets import TargetSpec
from weakties.service.context import reader
from weakties.store.engine import open_store
from weakties.synth import generate
from weakties.synth.load import load_world, random_sharing


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    world = generate(n_people=500, seed=11)
    sharing = random_sharing(world, seed=2, p_counts=0.15, p_nothing=0.15)
    store = open_store(tmp_path_factory.mktemp("platform") / "p.sqlite")
    load_world(store, world, sharing=sharing)
    yield world, store, sharing
    store.close()


def visible_adjacency(world, sharing, viewer: int) -> dict[int, set[int]]:
    adjacency: dict[int, set[int]] = defaultdict(set)
    for t in world.ties:
        # load_world: every tie is asserted by the member at its lower end
        if t.since > world.end:
            continue
        if viewer in (t.a, t.b) or t.a == viewer or sharing[t.a] == "names":
            adjacency[t.a].add(t.b)
            adjacency[t.b].add(t.a)
    return adjacency


def brute_paths(adjacency, source: int, targets: set[int]) -> set[tuple[int, ...]]:
    found = set()
    for a in adjacency[source]:
        if a in targets:
            found.add((source, a))
        for b in adjacency[a]:
            if b == source:
                continue
            if b in targets:
                found.add((source, a, b))
            if b in adjacency[source]:
                continue  # the source's own contact: asked directly, not through a
            for c in adjacency[b] & targets:  # b's contacts who are targets
                if c not in (source, a):
                    found.add((source, a, b, c))
    return found


def employees(world, org: int, former: bool) -> set[int]:
    out = set()
    for p in world.positions:
        if p.org != org or p.kind != "job" or p.start > world.end:
            continue
        if former or p.active_on(world.end):
            out.add(p.person)
    return out


def test_fifty_viewer_organisation_pairs_equal_brute_force(platform):
    world, store, sharing = platform
    rng = np.random.default_rng(4)
    degree = world.degree()
    viewers = rng.choice(np.flatnonzero(degree >= 4), size=10, replace=False).tolist()
    companies = [o.id for o in world.orgs if o.kind == "company"]
    checked = nonempty = 0
    with store.engine.begin() as conn:
        for v in viewers:
            viewer = viewer_of(conn, world.people[v].slug)
            adjacency = visible_adjacency(world, sharing, v)
            # orgs where someone within two steps works, and random ones
            near = sorted(
                {
                    pos.org
                    for a in adjacency[v]
                    for b in adjacency[a] | {a}
                    if (pos := world.current_position(b)) is not None
                }
            )
            orgs = (
                rng.choice(near, size=3, replace=False).tolist()
                + rng.choice(companies, size=2, replace=False).tolist()
            )
            net = None
            for k, org in enumerate(orgs):
                former = k % 2 == 1
                net, _targets, paths = target_paths(
                    reader(conn, viewer),
                    TargetSpec(org_ids=(org + 1,), former=former),
                    net=net,
                    as_of=None,
                )
                person = (net.graph.person_ids - 1).tolist()  # node -> world person
                found = {tuple(person[x] for x in p) for p in paths.as_node_paths()}
                expected = brute_paths(adjacency, v, employees(world, org, former) - {v})
                assert found == expected, (v, org, former)
                checked += 1
                nonempty += bool(expected)
    assert checked == 50
    assert nonempty >= 30  # most pairs do have paths: the comparison is not vacuous


def test_paths_explained_at_once_say_what_each_says_alone(platform):
    """The paths of a page are explained with everyone's positions read at once:
    each relation is the one read for its two people alone."""
    from weakties.opportunity.explain import explain_paths, relation

    world, store, _sharing = platform
    rng = np.random.default_rng(7)
    degree = world.degree()
    viewers = rng.choice(np.flatnonzero(degree >= 4), size=6, replace=False).tolist()
    companies = [o.id for o in world.orgs if o.kind == "company"]
    compared = 0
    with store.engine.begin() as conn:
        for v in viewers:
            r = reader(conn, viewer_of(conn, world.people[v].slug))
            net = None
            for org in rng.choice(companies, size=4, replace=False).tolist():
                spec = TargetSpec(org_ids=(org + 1,))
                net, _targets, paths = target_paths(r, spec, net=net, as_of=None)
                chosen = paths.top(10, per_broker=None)
                for record in explain_paths(r, paths, chosen, prefer_org={org + 1}):
                    if record["length"] != 2:
                        continue
                    alone = relation(
                        r,
                        record["broker"]["id"],
                        record["target"]["id"],
                        prefer_org={org + 1},
                        today=net.as_of.date(),
                    )
                    assert record["relation"] == alone.as_dict()
                    compared += 1
    assert compared >= 10
