"""The introduction target filters (``--industry``, ``--skill``, ``--location``,
``--group``, alone and narrowing an organisation) against a brute-force
enumeration on the synthetic world: who matches, read from the world's own
people, positions, skills and memberships, and every path of at most three
steps to them over the ties the viewer may see."""

from collections import Counter, defaultdict

import numpy as np
import pytest

from tests.opportunity.test_world_paths import brute_paths, visible_adjacency
from tests.support import viewer_of
from weakties.model.identity import fold
from weakties.opportunity.intro import target_paths
from weakties.opportunity.targets import TargetSpec
from weakties.service.context import reader
from weakties.store.engine import open_store
from weakties.synth import generate
from weakties.synth.load import load_world, random_sharing


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    world = generate(n_people=500, seed=17)
    sharing = random_sharing(world, seed=5, p_counts=0.15, p_nothing=0.15)
    store = open_store(tmp_path_factory.mktemp("filters") / "p.sqlite")
    loaded = load_world(store, world, sharing=sharing)
    yield world, store, sharing, loaded
    store.close()


def current_jobs(world) -> dict[int, list]:
    """Each person's jobs held at the end of the world (as loaded: not ended before it)."""
    jobs: dict[int, list] = defaultdict(list)
    for p in world.positions:
        if p.kind == "job" and p.start <= world.end and (p.end is None or p.end >= world.end):
            jobs[p.person].append(p)
    return jobs


def by_industry(world, word: str) -> set[int]:
    w = word.lower()
    jobs = current_jobs(world)
    return {
        p.id
        for p in world.people
        if w in p.industry.lower()
        or any(w in world.orgs[j.org].industry.lower() for j in jobs[p.id])
    }


def by_location(world, word: str) -> set[int]:
    w = word.lower()
    jobs = current_jobs(world)
    return {
        p.id
        for p in world.people
        if w in p.location.lower()
        or any(w in world.orgs[j.org].location.lower() for j in jobs[p.id])
    }


def by_skill(world, word: str) -> set[int]:
    """A skill of theirs, or the word in a current title (any position) or headline."""
    w = fold(word)
    titled = {
        p.person
        for p in world.positions
        if p.start <= world.end
        and (p.end is None or p.end >= world.end)
        and w in fold(p.title or p.degree or "")
    }
    skilled = {pid for pid, names in world.skills.items() if any(w in fold(n) for n in names)}
    headline = {p.id for p in world.people if w in fold(p.headline)}
    return titled | skilled | headline


def by_group(world, group: int) -> set[int]:
    return {m.person for m in world.memberships if m.group == group and m.since <= world.end}


def employees(world, org: int) -> set[int]:
    return {p.person for p in current_jobs(world).values() for p in p if p.org == org}


def common_words(texts, rng, k: int) -> list[str]:
    """``k`` ASCII words of at least five letters that appear in several texts."""
    counts = Counter(
        w.lower()
        for t in texts
        for w in t.replace(",", " ").replace("/", " ").split()
        if len(w) >= 5 and w.isascii() and w.isalpha()
    )
    words = sorted(w for w, n in counts.items() if n >= 3)
    return rng.choice(words, size=min(k, len(words)), replace=False).tolist()


def test_target_filters_equal_brute_force(platform):
    world, store, sharing, loaded = platform
    rng = np.random.default_rng(8)
    degree = world.degree()
    viewers = rng.choice(
        np.flatnonzero((degree >= 4) & (degree <= 15)), size=5, replace=False
    ).tolist()

    def moderate(candidates, match, k):
        """``k`` filter values matching between 3 and 120 people (few enough that
        every path to them can be enumerated)."""
        sized = [(c, match(c)) for c in candidates]
        fit = [(c, m) for c, m in sized if 3 <= len(m) <= 120]
        picked = rng.choice(len(fit), size=min(k, len(fit)), replace=False).tolist()
        return [fit[i] for i in sorted(picked)]

    words = common_words(
        [p.industry for p in world.people]
        + [o.industry for o in world.orgs]
        + [p.location for p in world.people]
        + [n for names in world.skills.values() for n in names]
        + [p.headline for p in world.people],
        rng,
        400,
    )
    specs = []
    for word, match in moderate(words, lambda w: by_industry(world, w), 3):
        specs.append((TargetSpec(industry=word), match))
    for word, match in moderate(words, lambda w: by_location(world, w), 3):
        specs.append((TargetSpec(location=word), match))
    for word, match in moderate(words, lambda w: by_skill(world, w), 3):
        specs.append((TargetSpec(skill=word), match))
    for group, match in moderate(range(len(world.groups)), lambda g: by_group(world, g), 3):
        specs.append((TargetSpec(group_id=loaded.group_offset + group), match))
    # a filter narrowing an organisation's people
    companies = Counter(j.org for jobs in current_jobs(world).values() for j in jobs)
    for org, _ in companies.most_common(2):
        word = world.orgs[org].industry
        specs.append(
            (
                TargetSpec(org_ids=(loaded.org_offset + org,), industry=word),
                employees(world, org) & by_industry(world, word),
            )
        )
    assert len(specs) == 14
    checked = nonempty = 0
    with store.engine.begin() as conn:
        for v in viewers:
            viewer = viewer_of(conn, world.people[v].slug)
            adjacency = visible_adjacency(world, sharing, v)
            net = None
            for spec, matching in specs:
                net, targets, paths = target_paths(reader(conn, viewer), spec, net=net, as_of=None)
                offset = loaded.person_offset
                assert {pid - offset for pid in targets.person_ids} == matching - {v}, spec
                person = (net.graph.person_ids - offset).tolist()  # node -> world person
                found = {tuple(person[x] for x in p) for p in paths.as_node_paths()}
                expected = brute_paths(adjacency, v, matching - {v})
                assert found == expected, (v, spec)
                checked += 1
                nonempty += bool(expected)
    assert checked == 5 * len(specs)
    assert nonempty >= checked // 2  # most have paths: the comparison is not vacuous
