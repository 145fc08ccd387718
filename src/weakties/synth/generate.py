"""Build a synthetic world: :func:`generate`, and :func:`pick_members` for tests.

The pipeline, each stage with its own random stream (``SeedSequence.spawn``), so a
change in one stage does not reshuffle the others:

population -> organisations -> careers -> join dates -> groups -> skills -> ties
-> messages (direct, group, InMail) -> endorsements -> recommendations -> follows.

The same arguments always give the same world, and therefore byte-identical
exports: only seeded numpy generators and seeded Faker instances are used, and
nothing depends on set or dict iteration order of unhashed objects or on the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from weakties.synth.arrays import run_starts
from weakties.synth.careers import first_activity, make_careers, make_orgs
from weakties.synth.groups import all_skill_names, draw_skills, make_groups, make_memberships
from weakties.synth.names import LocalePool, build_pool, pool_seed
from weakties.synth.people import Population, draw_population
from weakties.synth.ties import STRONG, WEAK, Spells, TieTable, sample_ties
from weakties.synth.traces import (
    assemble_messages,
    company_follows,
    direct_messages,
    endorsements,
    group_conversations,
    inmails,
    message_counts,
    recommendation_pairs,
)
from weakties.synth.vocabulary import INDUSTRIES, PLACES
from weakties.synth.world import (
    BASES,
    DAY,
    TIE_CLASSES,
    SynthGroup,
    SynthMembership,
    SynthOrg,
    SynthPerson,
    SynthPosition,
    SynthRecommendation,
    SynthTie,
    World,
    day_number,
    from_day_number,
)

DEFAULT_START = date(2008, 1, 1)
DEFAULT_END = date(2024, 12, 1)
DEFAULT_LOCALES = ("en_US", "fr_FR")
GROUP_CONVERSATIONS_PER_PERSON = 0.1
#: One company per COMPANY_EVERY people, one school per SCHOOL_EVERY, one group per
#: GROUP_EVERY: the world is a regional professional community, dense enough for a
#: typical member to know a hundred or so of its people.
COMPANY_EVERY = 15
SCHOOL_EVERY = 150
GROUP_EVERY = 40
INMAILS_PER_RECRUITER = 6.0


def _streams(seed: int, n: int = 12) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]


def _pools(seed: int, locales: Sequence[str]) -> dict[str, LocalePool]:
    return {loc: build_pool(loc, pool_seed(seed, k)) for k, loc in enumerate(locales)}


def _joined(
    rng: np.random.Generator, positions: list[SynthPosition], n: int, start_day: int, end_day: int
) -> np.ndarray:
    """Network join day: 0-3 years after the first study, never before ``start``."""
    first = first_activity(positions, n)
    first = np.where(first == np.iinfo(np.int64).max, start_day, first)
    lo = np.maximum(start_day, first + np.floor(rng.random(n) * 3 * 365).astype(np.int64))
    joined = lo + np.floor(rng.exponential(400.0, size=n)).astype(np.int64)
    return np.clip(joined, start_day, max(start_day, end_day - 60))


def _spells(positions: list[SynthPosition], kind: str, end_day: int) -> Spells:
    sel = [p for p in positions if p.kind == kind]
    subs = sorted({p.department if kind == "job" else p.degree for p in sel})
    code = {s: k for k, s in enumerate(subs)}
    return Spells(
        person=np.array([p.person for p in sel], dtype=np.int64),
        key=np.array([p.org for p in sel], dtype=np.int64),
        start=np.array([day_number(p.start) for p in sel], dtype=np.int64),
        end=np.array(
            [end_day + 1 if p.end is None else day_number(p.end) for p in sel], dtype=np.int64
        ),
        sub=np.array(
            [code[p.department if kind == "job" else p.degree] for p in sel], dtype=np.int64
        ),
    )


def _membership_spells(memberships: list[SynthMembership], end_day: int) -> Spells:
    m = len(memberships)
    return Spells(
        person=np.array([x.person for x in memberships], dtype=np.int64),
        key=np.array([x.group for x in memberships], dtype=np.int64),
        start=np.array([day_number(x.since) for x in memberships], dtype=np.int64),
        end=np.full(m, end_day + 1, dtype=np.int64),
        sub=np.zeros(m, dtype=np.int64),
    )


def _current_jobs(positions: list[SynthPosition], n: int, d: date) -> list[SynthPosition | None]:
    cur: list[SynthPosition | None] = [None] * n
    for p in positions:
        if p.kind == "job" and p.active_on(d):
            c = cur[p.person]
            if c is None or p.start >= c.start:
                cur[p.person] = p
    return cur


def _headlines(
    pop: Population, positions: list[SynthPosition], orgs: list[SynthOrg], end: date
) -> list[str]:
    n = len(pop)
    cur = _current_jobs(positions, n, end)
    studying: dict[int, int] = {}
    for p in positions:
        if p.kind == "study" and p.active_on(end):
            studying[p.person] = p.org
    out = []
    for i in range(n):
        fr = pop.locale[i] == "fr_FR"
        job = cur[i]
        if job is not None:
            out.append(f"{job.title} {'chez' if fr else 'at'} {orgs[job.org].name}")
        elif i in studying:
            out.append(f"{'Étudiant à' if fr else 'Student at'} {orgs[studying[i]].name}")
        else:
            role = INDUSTRIES[int(pop.industry[i])].roles[int(pop.role[i])]
            out.append(f"{role.fr if fr else role.en} | {'En recherche' if fr else 'Open to work'}")
    return out


def _people(
    pop: Population,
    positions: list[SynthPosition],
    orgs: list[SynthOrg],
    joined: np.ndarray,
    end: date,
) -> list[SynthPerson]:
    heads = _headlines(pop, positions, orgs, end)
    jd = [from_day_number(d) for d in joined.tolist()]
    return [
        SynthPerson(
            id=i,
            first_name=pop.first[i],
            last_name=pop.last[i],
            slug=pop.slug[i],
            email=pop.email[i],
            phone=pop.phone[i],
            headline=heads[i],
            industry=INDUSTRIES[int(pop.industry[i])].name,
            location=PLACES[int(pop.place[i])].label,
            locale=pop.locale[i],
            joined=jd[i],
            shares_email=bool(pop.shares_email[i]),
        )
        for i in range(len(pop))
    ]


def _ties(tt: TieTable) -> list[SynthTie]:
    cache: dict[int, date] = {}

    def d(n: int) -> date:
        if n not in cache:
            cache[n] = from_day_number(n)
        return cache[n]

    act_names = {STRONG: "strong", WEAK: "weak", -1: None}
    return [
        SynthTie(a, b, d(s), BASES[bs], TIE_CLASSES[c], inv, act_names[ac], ctx, d(au))  # type: ignore[arg-type]
        for a, b, s, bs, c, inv, ac, ctx, au in zip(
            tt.a.tolist(),
            tt.b.tolist(),
            tt.since.tolist(),
            tt.basis.tolist(),
            tt.tie_class.tolist(),
            tt.inviter.tolist(),
            tt.active_class.tolist(),
            tt.context.tolist(),
            tt.active_until.tolist(),
            strict=True,
        )
    ]


@dataclass(frozen=True, eq=False)
class _Parts:
    """Everything drawn before the traces, shared by both generators."""

    seed: int
    start: date
    end: date
    locales: tuple[str, ...]
    pools: dict[str, LocalePool]
    pop: Population
    orgs: list[SynthOrg]
    positions: list[SynthPosition]
    joined: np.ndarray
    groups: list[SynthGroup]
    memberships: list[SynthMembership]
    skills: dict[int, tuple[str, ...]]


def _draw_parts(
    seed: int,
    n_people: int,
    start: date,
    end: date,
    locales: Sequence[str],
    streams: list[np.random.Generator],
    with_groups: bool = True,
) -> _Parts:
    if n_people < 10:
        raise ValueError("a synthetic world needs at least 10 people")
    if end <= start:
        raise ValueError(f"end ({end}) must be after start ({start})")
    locales = tuple(dict.fromkeys(locales))
    if not locales:
        raise ValueError("at least one locale is needed")
    pools = _pools(seed, locales)
    start_day, end_day = day_number(start), day_number(end)
    pop = draw_population(streams[0], pools, n_people, locales)
    orgs = make_orgs(
        streams[1],
        pools,
        max(20, n_people // COMPANY_EVERY),
        max(4, n_people // SCHOOL_EVERY),
        locales,
    )
    positions = make_careers(streams[2], pop, orgs, start, end)
    joined = _joined(streams[3], positions, n_people, start_day, end_day)
    groups: list[SynthGroup] = []
    memberships: list[SynthMembership] = []
    if with_groups:
        groups = make_groups(streams[4], max(5, n_people // GROUP_EVERY), locales)
        memberships = make_memberships(streams[4], pop, groups, joined, end_day)
    skills = draw_skills(streams[5], pop)
    return _Parts(
        seed, start, end, locales, pools, pop, orgs, positions, joined, groups, memberships, skills
    )


def _finish(
    parts: _Parts,
    tt: TieTable,
    counts: np.ndarray,
    streams: list[np.random.Generator],
    n_group_convs: int,
    inmails_per_recruiter: float,
) -> World:
    """Draw the traces of ``tt`` and assemble the :class:`World`."""
    pop, orgs, positions = parts.pop, parts.orgs, parts.positions
    n = len(pop)
    end_day = day_number(parts.end)
    direct = direct_messages(streams[7], tt, counts, end_day)
    g_rows, g_members = group_conversations(streams[8], tt, n_group_convs, end_day, 0)
    g_titles = _group_titles(streams[8], parts, g_members)
    tied = set((tt.a * n + tt.b).tolist())
    recruiters = np.flatnonzero(pop.recruiter)
    im = inmails(streams[9], recruiters, n, tied, parts.joined, end_day, inmails_per_recruiter)
    im_titles = _inmail_titles(parts, im)
    messages, conversations = assemble_messages(
        tt, direct, g_rows, g_members, g_titles, im, im_titles
    )
    skill_names = all_skill_names()
    sid = {s: k for k, s in enumerate(skill_names)}
    lens = np.array([len(parts.skills[i]) for i in range(n)], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lens)])
    data = np.array([sid[s] for i in range(n) for s in parts.skills[i]], dtype=np.int64)
    endo = endorsements(streams[10], tt, indptr, data)
    recs = [
        SynthRecommendation(er, ee, _pick(parts.pools[pop.locale[er]].paragraphs, ts + er), ts)
        for er, ee, ts in recommendation_pairs(streams[10], tt)
    ]
    jobs = [p for p in positions if p.kind == "job"]
    companies = np.array([o.id for o in orgs if o.kind == "company"], dtype=np.int64)
    follows = company_follows(
        streams[11],
        np.array([p.person for p in jobs], dtype=np.int64),
        np.array([p.org for p in jobs], dtype=np.int64),
        np.array([day_number(p.start) for p in jobs], dtype=np.int64),
        companies,
        np.array([orgs[c].size for c in companies.tolist()], dtype=float) ** 0.7,
        parts.joined,
        end_day,
    )
    return World(
        seed=parts.seed,
        start=parts.start,
        end=parts.end,
        locales=parts.locales,
        orgs=orgs,
        people=_people(pop, positions, orgs, parts.joined, parts.end),
        positions=positions,
        groups=parts.groups,
        memberships=parts.memberships,
        ties=_ties(tt),
        messages=messages,
        conversations=conversations,
        endorsements=endo,
        recommendations=recs,
        skill_names=skill_names,
        skills=parts.skills,
        follows=follows,
    )


def _pick(pool: Sequence[str], key: int) -> str:
    return pool[(key * 2654435761) % len(pool)]


def _group_titles(
    rng: np.random.Generator, parts: _Parts, members: dict[int, tuple[int, ...]]
) -> dict[int, str]:
    out: dict[int, str] = {}
    for c, m in members.items():
        if rng.random() < 0.5:
            out[c] = _pick(parts.pools[parts.pop.locale[m[0]]].catch_phrases, c)
    return out


def _inmail_titles(
    parts: _Parts, im: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
) -> list[str]:
    thread, sender, recipient, ts = im
    if len(thread) == 0:
        return []
    firsts = np.flatnonzero(run_starts(thread))
    by_person: dict[int, list[SynthPosition]] = {}
    for pos in parts.positions:
        if pos.kind == "job":
            by_person.setdefault(pos.person, []).append(pos)
    out = []
    for k in firsts.tolist():
        r, p, t = int(sender[k]), int(recipient[k]), int(ts[k])
        d = from_day_number(t // DAY)
        org = next((x.org for x in reversed(by_person.get(r, [])) if x.active_on(d)), None)
        role = INDUSTRIES[int(parts.pop.industry[p])].roles[int(parts.pop.role[p])]
        where = parts.orgs[org].name if org is not None else "a fast-growing company"
        fr = parts.pop.locale[r] == "fr_FR"
        out.append(
            f"Opportunité : {role.fr} chez {where}" if fr else f"Opportunity: {role.en} at {where}"
        )
    return out


def generate(
    n_people: int = 2000,
    seed: int = 7,
    start: date = DEFAULT_START,
    end: date = DEFAULT_END,
    locales: Sequence[str] = DEFAULT_LOCALES,
) -> World:
    """Generate a synthetic professional world with ground truth.

    Parameters
    ----------
    n_people
        Number of people (at least 10).
    seed
        Seed of every random choice; the same arguments give the same world.
    start, end
        The period of network activity: nobody connects before ``start``; ``end``
        is "now" for the ground-truth classes. Careers may start decades earlier.
    locales
        Faker locales of the population; the first one is the home market (1.5 times
        the weight of each other). Cities exist for ``en_US`` and ``fr_FR``.

    Examples
    --------
    >>> w = generate(n_people=60, seed=1)
    >>> len(w.people), all(t.a < t.b for t in w.ties)
    (60, True)
    """
    streams = _streams(seed)
    parts = _draw_parts(seed, n_people, start, end, locales, streams)
    end_day = day_number(end)
    tt = sample_ties(
        streams[6],
        parts.pop.sociability,
        parts.joined,
        _spells(parts.positions, "job", end_day),
        _spells(parts.positions, "study", end_day),
        _membership_spells(parts.memberships, end_day),
        end_day,
    )
    counts = message_counts(streams[7], tt)
    return _finish(
        parts,
        tt,
        counts,
        streams,
        round(n_people * GROUP_CONVERSATIONS_PER_PERSON),
        INMAILS_PER_RECRUITER,
    )


def pick_members(world: World, k: int = 3, seed: int = 0, min_degree: int = 30) -> list[int]:
    """``k`` distinct people forming a chain of ties (m0-m1, m1-m2, ...), each with at
    least ``min_degree`` ties: the members whose exports are imported together."""
    if k < 1:
        raise ValueError("k must be at least 1")
    deg = world.degree()
    eligible = np.flatnonzero(deg >= min_degree)
    if len(eligible) == 0:
        raise ValueError(f"nobody has {min_degree} ties or more; lower min_degree")
    rng = np.random.default_rng(seed)
    for _ in range(200):
        chain = [int(rng.choice(eligible))]
        while len(chain) < k:
            nbrs = sorted(
                o
                for t in world.ties_of(chain[-1])
                if deg[o := t.other(chain[-1])] >= min_degree and o not in chain
            )
            if not nbrs:
                break
            chain.append(nbrs[int(rng.integers(0, len(nbrs)))])
        if len(chain) == k:
            return chain
    raise ValueError(f"no chain of {k} people with {min_degree}+ ties was found")
