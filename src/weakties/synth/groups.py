"""Interest groups, memberships, and each person's skills.

Groups are foci in Feld's sense (1981, "The focused organization of social ties"):
shared activities around which ties form. Each group has an industry and a city;
people join a Poisson number of groups (more for sociable people), preferring their
own industry, city and language, and popular groups (Pareto popularity), so group
sizes are heavy-tailed too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from weakties.synth.people import Population, locale_weights, pick_places
from weakties.synth.vocabulary import (
    GENERIC_SKILLS,
    GROUP_TEMPLATES_EN,
    GROUP_TEMPLATES_FR,
    INDUSTRIES,
    PLACES,
)
from weakties.synth.world import SynthGroup, SynthMembership, from_day_number

MEAN_GROUPS_PER_PERSON = 2.5
MAX_GROUPS_PER_PERSON = 8


def make_groups(
    rng: np.random.Generator, n_groups: int, locales: Sequence[str]
) -> list[SynthGroup]:
    loc_idx = rng.choice(len(locales), size=n_groups, p=locale_weights(locales))
    g_loc = [locales[k] for k in loc_idx.tolist()]
    g_place = pick_places(rng, g_loc).tolist()
    g_ind = rng.integers(0, len(INDUSTRIES), size=n_groups).tolist()
    taken: set[str] = set()
    out: list[SynthGroup] = []
    for k in range(n_groups):
        ind = INDUSTRIES[g_ind[k]]
        place = PLACES[g_place[k]]
        templates = GROUP_TEMPLATES_FR if g_loc[k] == "fr_FR" else GROUP_TEMPLATES_EN
        role = ind.roles[int(rng.integers(0, len(ind.roles)))]
        dept = role.department_fr if g_loc[k] == "fr_FR" else role.department
        name = templates[int(rng.integers(0, len(templates)))].format(
            industry=ind.name, city=place.city, dept=dept
        )
        base = name
        j = 2
        while name in taken:
            name = f"{base} #{j}"
            j += 1
        taken.add(name)
        out.append(SynthGroup(k, name, ind.name, place.label))
    return out


def make_memberships(
    rng: np.random.Generator,
    pop: Population,
    groups: list[SynthGroup],
    joined: np.ndarray,
    end_day: int,
) -> list[SynthMembership]:
    """Memberships ordered by person then join date."""
    if not groups:
        return []
    n = len(pop)
    popularity = 1 + rng.pareto(2.0, size=len(groups))
    g_ind = np.array([g.industry for g in groups])
    g_place = np.array([g.location for g in groups])
    g_locale = np.array([_locale_of(g.location) for g in groups])
    k_per = np.minimum(
        rng.poisson(MEAN_GROUPS_PER_PERSON * np.sqrt(pop.sociability)), MAX_GROUPS_PER_PERSON
    )
    out: list[SynthMembership] = []
    cache: dict[tuple[int, int], np.ndarray] = {}
    for i in range(n):
        k = int(min(k_per[i], len(groups)))
        if k == 0:
            continue
        key = (int(pop.industry[i]), int(pop.place[i]))
        if key not in cache:
            w = popularity * np.where(g_ind == INDUSTRIES[key[0]].name, 4.0, 1.0)
            w = w * np.where(g_place == PLACES[key[1]].label, 3.0, 1.0)
            w = w * np.where(g_locale == PLACES[key[1]].locale, 3.0, 0.5)
            cache[key] = w / w.sum()
        chosen = rng.choice(len(groups), size=k, replace=False, p=cache[key])
        lo = int(joined[i])
        days = np.sort(rng.integers(lo, max(lo + 1, end_day + 1), size=k))
        for g, d in zip(chosen.tolist(), days.tolist(), strict=True):
            out.append(SynthMembership(i, g, from_day_number(d)))
    return out


def _locale_of(label: str) -> str:
    for p in PLACES:
        if p.label == label:
            return p.locale
    return ""


def all_skill_names() -> tuple[str, ...]:
    names = {s for ind in INDUSTRIES for s in ind.skills} | set(GENERIC_SKILLS)
    return tuple(sorted(names))


def draw_skills(rng: np.random.Generator, pop: Population) -> dict[int, tuple[str, ...]]:
    """5-30 skills per person: mostly from their industry, a few generic ones.

    Weighted sampling without replacement by exponential keys (Efraimidis &
    Spirakis 2006), vectorised per industry.
    """
    n = len(pop)
    n_skills = np.minimum(5 + rng.poisson(7, size=n), 30)
    out: list[tuple[str, ...]] = [()] * n
    for i, ind in enumerate(INDUSTRIES):
        sel = np.flatnonzero(pop.industry == i)
        if len(sel) == 0:
            continue
        pool = list(ind.skills) + list(GENERIC_SKILLS)
        w = np.array([3.0] * len(ind.skills) + [1.0] * len(GENERIC_SKILLS))
        keys = rng.exponential(1.0, size=(len(sel), len(pool))) / w
        order = np.argsort(keys, axis=1).tolist()
        for row, p in enumerate(sel.tolist()):
            k = int(min(n_skills[p], len(pool)))
            out[p] = tuple(pool[j] for j in order[row][:k])
    return dict(enumerate(out))
